//! Any bytes must parse (strictly and leniently) without panicking, and the
//! dump of what parses must be producible.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(parsed) = layerlab_core::syntax::parse(data) {
        let _ = parsed.dump();
    }
    let (parsed, errors) = layerlab_core::syntax::parse_lenient(data);
    let _ = parsed.dump();
    for e in &errors {
        let _ = e.to_string();
    }
    for ins in &parsed.instructions {
        let _ = parsed.line_col(ins.keyword().offset);
    }
});
