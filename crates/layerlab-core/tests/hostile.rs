//! Hostile input is bounded: each case in `common/hostile_inputs.rs` ends with
//! a clear, Docker-style result instead of hanging or allocating without end.
//! How long each takes is measured by `benches/hostile.rs` (not timed here).

#[path = "common/hostile_inputs.rs"]
mod hostile_inputs;

use std::path::PathBuf;

use layerlab_core::build::{build, BuildOptions, BuildResult, CacheStore, Context};
use layerlab_core::catalog::Catalog;
use layerlab_core::report::logs;
use layerlab_core::shell::ShellExecutor;

fn run(name: &str) -> (BuildResult, String) {
    run_with(name, BuildOptions::default())
}

fn run_with(name: &str, options: BuildOptions) -> (BuildResult, String) {
    let dockerfile = hostile_inputs::cases()
        .into_iter()
        .find(|(n, _)| *n == name)
        .unwrap()
        .1;
    let data = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data");
    let catalog = Catalog::from_source(std::sync::Arc::new(
        layerlab_core::catalog::source::DirSource(data),
    ))
    .unwrap();
    let result = build(
        dockerfile.as_bytes(),
        &Context::new(),
        &catalog,
        &options,
        &mut CacheStore::new(),
        &ShellExecutor::default(),
    );
    let log = logs::plain(&result, dockerfile.as_bytes());
    (result, log)
}

#[test]
fn an_endless_loop_is_stopped_by_the_step_budget() {
    let (result, log) = run("endless_loop");
    let error = result.error.as_ref().expect("the build fails");
    assert_eq!(error.line, Some(2));
    assert!(error
        .message
        .ends_with("did not complete successfully: exit code: 124"));
    assert!(log.contains("layerlab stopped this RUN after 100000 commands, its step budget"));
}

#[test]
fn a_fork_bomb_is_stopped_by_the_nesting_limit() {
    let (result, log) = run("fork_bomb");
    assert!(result.error.is_some());
    assert!(log.contains("/bin/sh: 1: Cannot fork"), "{log}");
    assert!(log.contains("calls nested more than 64 deep (a fork bomb"));
}

#[test]
fn huge_files_get_their_declared_size_without_allocating_it() {
    let (result, log) = run("dd_100_gb");
    assert!(result.ok(), "{log}");
    assert_eq!(result.steps.last().unwrap().layer_size, 104_857_600_000);
    assert!(log.contains("104857600000 bytes copied"));
    let (result, _) = run("fallocate_50_gb");
    let image = result.image.as_ref().expect("an image");
    let big = image.tree.get("/big").expect("/big exists");
    assert_eq!(big.own_size(), 50 << 30);
    assert_eq!(result.steps.last().unwrap().layer_size, 50 << 30);
}

#[test]
fn ten_thousand_run_lines_all_build() {
    let (result, _) = run("ten_thousand_runs");
    assert!(result.ok());
    let image = result.image.as_ref().unwrap();
    // The base layer plus one per RUN; Docker could not run it (127 at most).
    assert_eq!(image.layers.len(), 10_001);
    assert!(result
        .warnings
        .iter()
        .any(|w| w.message.contains("10001 layers")));
    // The classic builder ran each RUN in a container over the layers and
    // stopped where overlayfs did (Docker 18: `Step 126/129 … max depth exceeded`).
    let classic = BuildOptions {
        builder: layerlab_core::build::Builder::Classic,
        ..BuildOptions::default()
    };
    let (result, _) = run_with("ten_thousand_runs", classic);
    let error = result.error.expect("the classic build stops");
    assert_eq!(error.message, "max depth exceeded");
    assert_eq!(result.steps.last().unwrap().number, 126);
}

#[test]
fn a_one_megabyte_heredoc_runs_as_a_script() {
    let (result, log) = run("one_mb_heredoc");
    assert!(result.ok(), "{log}");
    let log_file = result.image.as_ref().unwrap().tree.get("/log").unwrap();
    // Every `echo '…' >> /log` line landed: the file holds each quoted text.
    let expected: usize = hostile_inputs::one_mb_heredoc()
        .lines()
        .filter_map(|l| Some(l.split('\'').nth(1)?.len() + 1))
        .sum();
    assert!(expected > 700_000, "{expected}");
    assert_eq!(log_file.own_size(), expected as u64);
}

#[test]
fn a_value_that_keeps_doubling_is_stopped() {
    let (result, log) = run("doubling_value");
    assert!(result.error.is_some());
    assert!(
        log.contains("the script built a value of more than 1 MiB"),
        "{log}"
    );
}
