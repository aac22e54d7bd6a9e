//! The build context: the files `docker build` sends (path → bytes), and the
//! `.dockerignore` that filters what COPY and ADD can see.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::ignore::IgnoreMatcher;

/// One file of the context.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContextFile {
    pub data: Arc<[u8]>,
    /// Permission bits (`0o644`, `0o755`).
    pub mode: u32,
}

/// The files of a build context, by relative slash-separated path.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Context {
    files: BTreeMap<String, ContextFile>,
}

impl Context {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a file (`app.py`, `src/main.rs`; a leading `./` or `/` is dropped).
    pub fn insert(&mut self, path: &str, data: impl Into<Arc<[u8]>>, mode: u32) {
        let path = crate::fs::path::clean(&format!("/{path}"))[1..].to_owned();
        self.files.insert(
            path,
            ContextFile {
                data: data.into(),
                mode,
            },
        );
    }

    /// Adds a regular file with mode 0644.
    pub fn add(&mut self, path: &str, data: &[u8]) {
        self.insert(path, data.to_vec(), 0o644);
    }

    pub fn get(&self, path: &str) -> Option<&ContextFile> {
        self.files.get(path)
    }

    pub fn files(&self) -> impl Iterator<Item = (&str, &ContextFile)> {
        self.files.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// Bytes of the files sent (after `.dockerignore`).
    pub fn size(&self, ignore: &IgnoreMatcher) -> u64 {
        self.files
            .iter()
            .filter(|(p, _)| !ignore.excludes(p))
            .map(|(_, f)| f.data.len() as u64)
            .sum()
    }

    /// Size of the tar stream `docker build` sends, as "Sending build context
    /// to Docker daemon" reports it: a 512-byte header per file and directory,
    /// contents padded to 512 bytes, and two 512-byte blocks at the end.
    pub fn tar_size(&self, ignore: &IgnoreMatcher) -> u64 {
        let files: u64 = self
            .files
            .iter()
            .filter(|(p, _)| !ignore.excludes(p))
            .map(|(_, f)| 512 + (f.data.len() as u64).div_ceil(512) * 512)
            .sum();
        let dirs = self.dirs().iter().filter(|d| !ignore.excludes(d)).count() as u64 * 512;
        files + dirs + 1024
    }

    /// The `.dockerignore` for a Dockerfile at `dockerfile_path`: a
    /// `<Dockerfile>.dockerignore` beside it wins over the root `.dockerignore`.
    pub fn ignore_for(&self, dockerfile_path: &str) -> IgnoreMatcher {
        let specific = format!("{dockerfile_path}.dockerignore");
        let text = self.get(&specific).or_else(|| self.get(".dockerignore"));
        match text {
            Some(f) => IgnoreMatcher::parse(&String::from_utf8_lossy(&f.data)),
            None => IgnoreMatcher::default(),
        }
    }

    /// A stand-in context for a Dockerfile whose files are not at hand: a small
    /// file for every local COPY/ADD source it names (wildcards become a
    /// literal `x`, a directory source gets one file inside).
    pub fn stub_for(dockerfile: &[u8]) -> Context {
        use crate::instructions::{parse_instruction, Command};
        let mut ctx = Context::new();
        let Ok(parsed) = crate::syntax::parse(dockerfile) else {
            return ctx;
        };
        for node in &parsed.instructions {
            let Ok(ins) = parse_instruction(node) else {
                continue;
            };
            if let Command::Copy(c) | Command::Add(c) = ins.command {
                if c.from.is_some() {
                    continue;
                }
                for src in c
                    .sources
                    .iter()
                    .filter(|s| !s.contains("://") && !s.starts_with("<<"))
                {
                    let clean = src
                        .trim_start_matches("./")
                        .trim_start_matches('/')
                        .replace('*', "x");
                    let path = if clean.is_empty() || clean == "." || clean.ends_with('/') {
                        format!("{clean}file")
                    } else {
                        clean
                    };
                    ctx.add(&path, b"content\n");
                }
            }
        }
        ctx
    }

    /// Every directory implied by the files' paths.
    pub fn dirs(&self) -> Vec<String> {
        let mut dirs: Vec<String> = Vec::new();
        for path in self.files.keys() {
            let mut end = 0;
            while let Some(i) = path[end..].find('/') {
                end += i;
                dirs.push(path[..end].to_owned());
                end += 1;
            }
        }
        dirs.sort_unstable();
        dirs.dedup();
        dirs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_sizes_and_ignore_files() {
        let mut c = Context::new();
        c.add("./app.py", b"print()\n");
        c.add("src/lib/x.py", b"x");
        c.add(".dockerignore", b"*.md\n");
        c.add("README.md", b"# hi");
        c.add("Dockerfile.dev.dockerignore", b"src\n");
        assert!(c.get("app.py").is_some());
        assert_eq!(c.dirs(), ["src", "src/lib"]);
        let root = c.ignore_for("Dockerfile");
        assert!(root.excludes("README.md"));
        assert_eq!(c.size(&root), 8 + 1 + 5 + 4);
        // 4 files of one block each, 2 directories, the end blocks.
        assert_eq!(c.tar_size(&root), 4 * 1024 + 2 * 512 + 1024);
        assert!(c.ignore_for("Dockerfile.dev").excludes("src/lib/x.py"));
    }
}
