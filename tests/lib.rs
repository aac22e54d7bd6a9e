//! Shared helpers for the cross-crate tests: where the external data lives and
//! a small tally that prints `name: passed/total` lines.

use std::path::PathBuf;

/// `../shared` beside the project root (read in place, never copied).
/// The repository's own data (`data/`) and the catalog read from it.
pub fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../data")
}

/// layerlab's catalog, from the repository's `data/catalog`.
pub fn catalog() -> layerlab_core::catalog::Catalog {
    layerlab_core::catalog::Catalog::from_source(std::sync::Arc::new(
        layerlab_core::catalog::source::DirSource(data_dir()),
    ))
    .unwrap()
}

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

/// The text of a seed tutorial in `../shared/seeds` whose name starts with `prefix`.
pub fn seed(prefix: &str) -> String {
    let dir = shared_dir().join("seeds");
    let entry = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .find(|e| e.file_name().to_string_lossy().starts_with(prefix))
        .unwrap_or_else(|| panic!("no seed {prefix}"));
    std::fs::read_to_string(entry.path()).unwrap()
}

pub use layerlab_core::lesson::echo_files;

/// The classic build logs in a text: for each log, the steps as
/// (step number, whether it printed `Using cache`).
pub fn classic_logs(text: &str) -> Vec<Vec<(usize, bool)>> {
    let mut logs: Vec<Vec<(usize, bool)>> = Vec::new();
    for line in text.lines().map(str::trim) {
        if let Some(rest) = line.strip_prefix("Step ") {
            let n: usize = rest
                .split('/')
                .next()
                .and_then(|n| n.parse().ok())
                .unwrap_or(0);
            if n == 1 {
                logs.push(Vec::new());
            }
            if let Some(log) = logs.last_mut() {
                log.push((n, false));
            }
        } else if line == "---> Using cache" {
            if let Some(step) = logs.last_mut().and_then(|l| l.last_mut()) {
                step.1 = true;
            }
        }
    }
    logs
}

/// Replaces what differs between two runs of Docker (IDs, times, file
/// hashes, trailing blanks) so output can be compared with a tutorial's.
pub fn normalize_docker_text(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let words: Vec<String> = line
            .split("   ")
            .map(|cell| {
                let cell = cell.trim();
                if cell.len() == 12 && cell.chars().all(|c| c.is_ascii_hexdigit()) {
                    "<id>".to_owned()
                } else if cell.ends_with(" ago") {
                    "<time>".to_owned()
                } else if let Some(i) = cell.find("file:") {
                    format!("{}file:<hash>", &cell[..i])
                } else {
                    cell.to_owned()
                }
            })
            .filter(|c| !c.is_empty())
            .collect();
        out.push_str(&words.join(" | "));
        out.push('\n');
    }
    out
}

/// One command of a tutorial, as a learner would paste it, and the output
/// the tutorial prints after it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LabCommand {
    pub command: String,
    pub expected: String,
}

/// The commands of a tutorial, in order: every `$ ` line of its code
/// blocks with the lines after it as its output, and the blocks a learner
/// pastes whole (`echo '…' > file`, `cat > file`).
pub fn lab_commands(text: &str) -> Vec<LabCommand> {
    let mut out: Vec<LabCommand> = Vec::new();
    let mut block: Option<(usize, Vec<String>)> = None;
    for line in text.lines() {
        let indent = line.len() - line.trim_start().len();
        if line.trim_start().starts_with("```") {
            match block.take() {
                Some((_, lines)) => out.extend(block_commands(&lines)),
                None => block = Some((indent, Vec::new())),
            }
            continue;
        }
        if let Some((at, lines)) = &mut block {
            let cut = indent.min(*at);
            lines.push(line[cut..].to_owned());
        }
    }
    out
}

fn block_commands(lines: &[String]) -> Vec<LabCommand> {
    let mut out: Vec<LabCommand> = Vec::new();
    if !lines.iter().any(|l| l.starts_with("$ ")) {
        let text = lines.join("\n");
        let first = text.trim_start();
        if first.starts_with("echo '") || first.starts_with("cat >") {
            out.push(LabCommand {
                command: text.trim().to_owned(),
                expected: String::new(),
            });
        }
        return out;
    }
    for line in lines {
        if let Some(command) = line.strip_prefix("$ ") {
            out.push(LabCommand {
                command: command.trim().to_owned(),
                expected: String::new(),
            });
        } else if let Some(last) = out.last_mut() {
            last.expected.push_str(line);
            last.expected.push('\n');
        }
    }
    out
}
