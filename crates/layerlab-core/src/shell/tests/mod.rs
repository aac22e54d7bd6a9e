//! The shell simulation against a small filesystem: the helpers every test
//! uses, and the tests by family.

use super::*;
use crate::fs::{Content, Meta, Node, Tree};

mod commands;
mod packages;
mod script;

fn base() -> Tree {
    let mut t = Tree::new();
    for d in ["/bin", "/etc", "/tmp", "/usr/bin", "/var/lib/apt/lists"] {
        t.mkdir_all(d, Meta::DIR).unwrap();
    }
    t.write_file(
        "/etc/passwd",
        Meta::FILE,
        Content::bytes(&b"root:x:0:0:root:/root:/bin/sh\n"[..]),
    )
    .unwrap();
    t.write_file(
        "/etc/group",
        Meta::FILE,
        Content::bytes(&b"root:x:0:\n"[..]),
    )
    .unwrap();
    t.write_file("/bin/busybox", Meta::EXEC, Content::sized("busybox", 100))
        .unwrap();
    t.insert("/bin/sh", Node::symlink("/bin/busybox")).unwrap();
    t.write_file(
        "/var/lib/apt/lists/a",
        Meta::FILE,
        Content::sized("lists", 5000),
    )
    .unwrap();
    t.write_file(
        "/var/lib/apt/lists/b",
        Meta::FILE,
        Content::sized("lists2", 5000),
    )
    .unwrap();
    t
}

fn run_argv(
    tree: &mut Tree,
    argv: &[&str],
    shell_form: bool,
    heredocs: &[crate::syntax::Heredoc],
    strict: bool,
) -> RunOutcome {
    ShellExecutor {
        strict_path: strict,
        ..Default::default()
    }
    .run(RunContext {
        argv: argv.iter().map(|a| a.to_string()).collect(),
        shell_form,
        heredocs,
        env: vec![
            ("PATH".into(), "/usr/local/bin:/usr/bin:/bin".into()),
            ("HOME".into(), "/root".into()),
        ],
        workdir: "/".into(),
        user: String::new(),
        mounts: &[],
        network: None,
        tree,
        strict_path: false,
    })
}

/// A shell-form RUN of `script` in `workdir` with `env`, for executors with package data.
fn script_ctx<'a>(
    tree: &'a mut Tree,
    script: &str,
    workdir: &str,
    env: Vec<(String, String)>,
) -> RunContext<'a> {
    RunContext {
        argv: vec!["/bin/sh".into(), "-c".into(), script.into()],
        shell_form: true,
        heredocs: &[],
        env,
        workdir: workdir.into(),
        user: String::new(),
        mounts: &[],
        network: None,
        tree,
        strict_path: false,
    }
}

fn run_in(tree: &mut Tree, script: &str, strict: bool) -> RunOutcome {
    run_argv(tree, &["/bin/sh", "-c", script], true, &[], strict)
}

fn file(tree: &Tree, p: &str) -> String {
    match tree.get(p) {
        Some(Node::File { content, .. }) => {
            String::from_utf8_lossy(content.as_bytes().unwrap_or_default()).into_owned()
        }
        other => panic!("{p}: {other:?}"),
    }
}

/// The test tree with `programs` in /usr/bin.
fn with_programs(programs: &[&str]) -> Tree {
    let mut t = base();
    for p in programs {
        t.write_file(&format!("/usr/bin/{p}"), Meta::EXEC, Content::sized(p, 10))
            .unwrap();
    }
    t
}

/// A whole build with the shell and no catalog (every base image unknown
/// except `scratch`).
fn build_with_shell(
    dockerfile: &[u8],
    context: &crate::build::Context,
) -> crate::build::BuildResult {
    crate::build::build(
        dockerfile,
        context,
        &crate::catalog::Catalog::default(),
        &crate::build::BuildOptions::default(),
        &mut crate::build::CacheStore::new(),
        &ShellExecutor::default(),
    )
}
