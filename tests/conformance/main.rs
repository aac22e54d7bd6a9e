//! BuildKit conformance: runs layerlab's parser and expander over the fixtures
//! and vectors in `../shared/conformance` (read in place) and prints a
//! `passed/total` count for each group. Exits non-zero if any case fails.
//!
//! No case is skipped or special-cased; where BuildKit has a quirk, the core
//! reproduces it and says so in a comment there.

mod helpers;
mod lexer;
mod parser;
mod realworld;

use layerlab_tests::Tally;
use serde_json::Value;

pub fn load_json(path: &std::path::Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

pub fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .map(|s| s.as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

fn main() {
    let dir = layerlab_tests::conformance_dir();
    if !dir.is_dir() {
        eprintln!("conformance data not found at {}", dir.display());
        std::process::exit(1);
    }
    let mut tallies: Vec<Tally> = Vec::new();
    tallies.extend(parser::run(&dir));
    tallies.extend(lexer::run(&dir));
    tallies.extend(helpers::run(&dir));
    tallies.extend(realworld::run(&dir));
    let mut failed = 0;
    for t in &tallies {
        t.report();
        if !t.ok() {
            failed += 1;
        }
    }
    let cases: usize = tallies.iter().map(|t| t.total).sum();
    let passed: usize = tallies.iter().map(|t| t.passed).sum();
    println!("conformance: {passed} passed, {} failed", cases - passed);
    if failed > 0 {
        std::process::exit(1);
    }
}
