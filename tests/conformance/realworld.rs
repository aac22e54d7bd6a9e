//! 161 real-world Dockerfiles: dump and full parse record against BuildKit's.

use std::path::Path;

use layerlab_core::syntax::parse;
use layerlab_tests::Tally;

use crate::{load_json, parser::check_record};

pub fn run(dir: &Path) -> Vec<Tally> {
    let root = dir.join("realworld");
    let manifest = load_json(&root.join("MANIFEST.json"));
    let mut dumps = Tally::new("real-world files: dump == expected .dump");
    let mut records = Tally::new("real-world files: lines, flags, heredocs (.parse.json)");
    for entry in manifest.as_array().unwrap() {
        let file = entry["file"].as_str().unwrap();
        let src = std::fs::read(root.join("files").join(file)).unwrap();
        let expected =
            std::fs::read_to_string(root.join("expected").join(format!("{file}.dump"))).unwrap();
        let parsed = parse(&src);
        let dump = parsed.as_ref().map(|p| p.dump()).map_err(|e| e.to_string());
        dumps.check(dump.as_ref() == Ok(&expected), || {
            format!("{file}: {dump:?}")
        });
        let record = load_json(&root.join("expected").join(format!("{file}.parse.json")));
        let result = parsed
            .map_err(|e| e.to_string())
            .and_then(|p| check_record(&p, &record));
        records.check(result.is_ok(), || format!("{file}: {result:?}"));
    }
    vec![dumps, records]
}
