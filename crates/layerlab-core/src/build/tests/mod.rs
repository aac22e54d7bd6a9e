//! Build engine tests: the rules of `../shared/conformance/SEMANTICS.md`
//! (`rules.rs`) and whole builds (`builds.rs`), over a recording executor
//! and a small catalog defined here.

use std::cell::RefCell;

use super::*;
use crate::catalog::Catalog;
use crate::fs::{Content, Node};

mod builds;
mod rules;

/// What one RUN saw: argv, environment, working directory, user.
type SeenRun = (Vec<String>, Vec<(String, String)>, String, String);

/// Records what RUN saw; `touch NAME` writes a file and `fail` exits 1.
#[derive(Default)]
struct Recorder {
    runs: RefCell<Vec<SeenRun>>,
}

impl RunExecutor for Recorder {
    fn run(&self, ctx: RunContext<'_>) -> RunOutcome {
        self.runs.borrow_mut().push((
            ctx.argv.clone(),
            ctx.env.clone(),
            ctx.workdir.clone(),
            ctx.user.clone(),
        ));
        let cmd = ctx.argv.last().cloned().unwrap_or_default();
        if let Some(name) = cmd.strip_prefix("touch ") {
            let path = crate::fs::path::join(&ctx.workdir, name);
            ctx.tree
                .write_file(&path, Meta::FILE, Content::bytes(&b"12345"[..]))
                .unwrap();
        }
        RunOutcome {
            exit_code: if cmd == "fail" { 1 } else { 0 },
            duration_ms: 100,
            ..RunOutcome::default()
        }
    }
}

fn catalog() -> Catalog {
    Catalog::from_json(
        br#"[{"image":"alpine","tag":"3.20","as_of":"2024-01-01","image_id":"sha256:aaaa000000000000000000000000000000000000000000000000000000000000",
              "virtual_size_bytes":7810000,"os":{"distro":"alpine"},
              "config":{"env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],"cmd":["/bin/sh"]}},
             {"image":"busybox","tag":"latest","as_of":"2024-01-01","image_id":"sha256:bbbb000000000000000000000000000000000000000000000000000000000000",
              "virtual_size_bytes":4450000,"os":{"distro":"busybox"},"config":{"cmd":["sh"]}}]"#,
    )
    .unwrap()
}

struct Lab {
    context: Context,
    cache: CacheStore,
    options: BuildOptions,
    recorder: Recorder,
}

impl Lab {
    fn new() -> Self {
        Lab {
            context: Context::new(),
            cache: CacheStore::new(),
            options: BuildOptions::default(),
            recorder: Recorder::default(),
        }
    }

    fn file(mut self, path: &str, body: &str) -> Self {
        self.context.add(path, body.as_bytes());
        self
    }

    fn build(&mut self, dockerfile: &str) -> BuildResult {
        self.recorder.runs.borrow_mut().clear();
        build(
            dockerfile.as_bytes(),
            &self.context,
            &catalog(),
            &self.options,
            &mut self.cache,
            &self.recorder,
        )
    }
}

fn ok(result: &BuildResult) -> &FinalImage {
    assert!(result.error.is_none(), "{:?}", result.error);
    result.image.as_ref().unwrap()
}

fn err(result: &BuildResult) -> (String, Option<usize>) {
    let e = result.error.clone().expect("build should fail");
    (e.message, e.line)
}

fn statuses(result: &BuildResult) -> Vec<StepStatus> {
    result.steps.iter().map(|s| s.status).collect()
}
