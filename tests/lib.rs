//! Shared helpers for the cross-crate tests: where the external data lives and
//! a small tally that prints `name: passed/total` lines.

use std::path::PathBuf;

/// `../shared` beside the project root (read in place, never copied).
pub fn shared_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared")
}

/// `../shared/conformance`.
pub fn conformance_dir() -> PathBuf {
    shared_dir().join("conformance")
}

/// Counts passes and keeps the first failures of one group of cases.
pub struct Tally {
    pub name: String,
    pub passed: usize,
    pub total: usize,
    pub failures: Vec<String>,
}

impl Tally {
    pub fn new(name: &str) -> Self {
        Tally {
            name: name.to_owned(),
            passed: 0,
            total: 0,
            failures: Vec::new(),
        }
    }

    /// Records one case; `detail` explains a failure.
    pub fn check(&mut self, ok: bool, detail: impl FnOnce() -> String) {
        self.total += 1;
        if ok {
            self.passed += 1;
        } else {
            self.failures.push(detail());
        }
    }

    pub fn ok(&self) -> bool {
        self.total > 0 && self.passed == self.total
    }

    /// Prints the count line and up to five failures.
    pub fn report(&self) {
        println!(
            "conformance: {:<58} {}/{}",
            self.name, self.passed, self.total
        );
        for f in self.failures.iter().take(5) {
            println!("    FAIL {f}");
        }
    }
}
