//! What the filesystem explorer shows: every path of the image at a given
//! step, its size, the step whose layer last wrote it, and the space lost to
//! files that later layers overwrote or deleted.

use std::collections::BTreeMap;

use crate::build::{BuildResult, StepResult};
use crate::fs::{DiffKind, Node};

/// One path in the explorer.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct FileRow {
    pub path: String,
    /// Bytes of the file (or symlink target); for a directory, of everything below it.
    pub size: u64,
    pub kind: &'static str,
    /// Index into `result.steps` of the step that last wrote this path (`None`: the base image).
    pub origin: Option<usize>,
}

/// The union filesystem after step `at`, path by path.
pub fn listing(result: &BuildResult, at: usize) -> Vec<FileRow> {
    let Some(step) = result.steps.get(at) else {
        return Vec::new();
    };
    let origins = origins(&result.steps[..=at], step.stage);
    let walk = step.tree.walk("/");
    let mut dir_sizes: BTreeMap<String, u64> = BTreeMap::new();
    for (path, node) in &walk {
        let size = node.own_size();
        let mut dir = crate::fs::path::parent(path);
        loop {
            *dir_sizes.entry(dir.to_owned()).or_default() += size;
            if dir == "/" {
                break;
            }
            dir = crate::fs::path::parent(dir);
        }
    }
    walk.into_iter()
        .filter(|(p, _)| p != "/")
        .map(|(path, node)| FileRow {
            size: if node.is_dir() {
                dir_sizes.get(&path).copied().unwrap_or(0)
            } else {
                node.own_size()
            },
            kind: match node {
                Node::Dir { .. } => "dir",
                Node::File { .. } => "file",
                Node::Symlink { .. } => "symlink",
            },
            origin: origins.get(&path).copied(),
            path,
        })
        .collect()
}

/// For each path, the last step (of this stage's chain) whose layer added or changed it.
fn origins(steps: &[StepResult], stage: usize) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for (i, s) in steps.iter().enumerate().filter(|(_, s)| s.stage == stage) {
        for (path, kind) in &s.changes {
            match kind {
                DiffKind::Deleted => {
                    out.remove(path);
                }
                _ => {
                    out.insert(path.clone(), i);
                }
            }
        }
    }
    out
}

/// A file a layer wrote that a later layer replaced or deleted: its bytes
/// still ship in the image.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Waste {
    pub path: String,
    pub size: u64,
    /// The step that wrote it, and the one that hid it.
    pub written_by: usize,
    pub hidden_by: usize,
}

/// Space in the target stage's layers that the final filesystem no longer shows.
pub fn wasted_space(result: &BuildResult) -> Vec<Waste> {
    let Some(last) = result.steps.last() else {
        return Vec::new();
    };
    let stage = last.stage;
    let mut written: BTreeMap<String, (usize, u64)> = BTreeMap::new();
    let mut waste = Vec::new();
    for (i, s) in result
        .steps
        .iter()
        .enumerate()
        .filter(|(_, s)| s.stage == stage)
    {
        for (path, kind) in &s.changes {
            if let Some((by, size)) = written.remove(path) {
                if size > 0 && *kind != DiffKind::Added {
                    waste.push(Waste {
                        path: path.clone(),
                        size,
                        written_by: by,
                        hidden_by: i,
                    });
                }
            }
            if *kind != DiffKind::Deleted {
                let size = match s.tree.get(path) {
                    Some(n) if !n.is_dir() => n.own_size(),
                    _ => 0,
                };
                written.insert(path.clone(), (i, size));
            }
        }
    }
    waste
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::build::{
        build, BuildOptions, CacheStore, Context, RunContext, RunExecutor, RunOutcome,
    };
    use crate::catalog::Catalog;
    use crate::fs::{Content, Meta};

    struct Writer;
    impl RunExecutor for Writer {
        fn run(&self, ctx: RunContext<'_>) -> RunOutcome {
            let cmd = ctx.argv.last().cloned().unwrap_or_default();
            if let Some(p) = cmd.strip_prefix("write ") {
                ctx.tree
                    .write_file(p, Meta::FILE, Content::bytes(vec![b'x'; 1000]))
                    .unwrap();
            }
            if let Some(p) = cmd.strip_prefix("rm ") {
                ctx.tree.remove(p).unwrap();
            }
            RunOutcome::default()
        }
    }

    #[test]
    fn origins_sizes_and_waste() {
        let mut ctx = Context::new();
        ctx.add("app.py", b"print()\n");
        let df = b"FROM scratch\nCOPY app.py /app/\nRUN write /tmp/big\nRUN rm /tmp/big\n";
        let r = build(
            df,
            &ctx,
            &Catalog::default(),
            &BuildOptions::default(),
            &mut CacheStore::new(),
            &Writer,
        );
        assert!(r.ok(), "{:?}", r.error);
        let at_copy = listing(&r, 1);
        let app = at_copy.iter().find(|f| f.path == "/app/app.py").unwrap();
        assert_eq!((app.size, app.kind, app.origin), (8, "file", Some(1)));
        let at_run = listing(&r, 2);
        assert_eq!(at_run.iter().find(|f| f.path == "/tmp").unwrap().size, 1000);
        let waste = wasted_space(&r);
        assert_eq!(
            waste,
            [Waste {
                path: "/tmp/big".into(),
                size: 1000,
                written_by: 2,
                hidden_by: 3
            }]
        );
    }
}
