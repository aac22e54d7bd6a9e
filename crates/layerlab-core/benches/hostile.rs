//! How long the simulator takes on hostile Dockerfiles (an endless loop, a
//! fork bomb, 100 GB `dd`, 50 GB `fallocate`, 10,000 RUN lines, a 1 MB
//! heredoc, a doubling value): each should finish within 100 ms. What each
//! reports is checked by `tests/hostile.rs`.

#[path = "../tests/common/hostile_inputs.rs"]
mod hostile_inputs;

use std::path::PathBuf;

use divan::Bencher;
use layerlab_core::build::{build, BuildOptions, CacheStore, Context};
use layerlab_core::catalog::Catalog;
use layerlab_core::shell::ShellExecutor;

fn main() {
    divan::main();
}

fn catalog() -> Catalog {
    let data = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data");
    Catalog::from_source(std::sync::Arc::new(
        layerlab_core::catalog::source::DirSource(data),
    ))
    .unwrap()
}

#[divan::bench(sample_count = 10, args = ["endless_loop", "fork_bomb", "dd_100_gb", "fallocate_50_gb", "ten_thousand_runs", "one_mb_heredoc", "doubling_value"])]
fn hostile(bencher: Bencher, name: &str) {
    let dockerfile = hostile_inputs::cases()
        .into_iter()
        .find(|(n, _)| *n == name)
        .unwrap()
        .1;
    let catalog = catalog();
    let options = BuildOptions::default();
    let ctx = Context::new();
    let executor = ShellExecutor::default();
    bencher.bench_local(|| {
        let mut cache = CacheStore::new();
        let result = build(
            dockerfile.as_bytes(),
            &ctx,
            &catalog,
            &options,
            &mut cache,
            &executor,
        );
        // Returned, so divan drops the cache outside the timed part (the
        // playground keeps it between builds).
        divan::black_box((result, cache))
    });
}
