//! Any RUN text must parse and run (or fail with a message) without
//! panicking or hanging, on a small filesystem.
#![no_main]

use layerlab_core::build::{RunContext, RunExecutor};
use layerlab_core::fs::{Content, Meta, Tree};
use layerlab_core::shell::ShellExecutor;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Some((&mode, script)) = data.split_first() else { return };
    let script = String::from_utf8_lossy(script).into_owned();
    let mut tree = Tree::new();
    let _ = tree.mkdir_all("/tmp", Meta::DIR);
    // A shell and a few programs, so strict mode (programs known) runs scripts
    // instead of stopping at the missing /bin/sh.
    for program in ["sh", "ls", "head", "sort", "cut", "install", "go", "find"] {
        let _ = tree.write_file(&format!("/bin/{program}"), Meta::EXEC, Content::sized(program, 1));
    }
    let _ = ShellExecutor { strict_path: mode & 1 == 1, ..Default::default() }.run(RunContext {
        argv: vec!["/bin/sh".into(), "-c".into(), script],
        shell_form: true,
        heredocs: &[],
        env: vec![("PATH".into(), "/usr/bin:/bin".into())],
        workdir: "/".into(),
        user: String::new(),
        mounts: &[],
        network: None,
        tree: &mut tree,
        strict_path: false,
    });
});
