//! Build benchmarks:
//! - a simulated build of every real-world Dockerfile in
//!   `../shared/conformance/realworld/files` (read in place), with a context
//!   holding a small file for each COPY/ADD source it names;
//! - the same with RUN simulated by the shell and package managers (with the
//!   repository's package data from `data/`);
//! - a rebuild of a 300-line Dockerfile after a one-line edit to its last
//!   instruction, against a warm cache (everything before it is a hit);
//! - the same for the longest real-world file (moby's, 649 lines) with RUN
//!   simulated, as the playground rebuilds it on each keystroke.

mod common;

use std::path::PathBuf;

use divan::Bencher;
use layerlab_core::build::{build, BuildOptions, CacheStore, Context, NoopExecutor};
use layerlab_core::catalog::Catalog;

fn main() {
    divan::main();
}

fn shared() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared")
}

fn catalog() -> Catalog {
    let data = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data");
    Catalog::from_source(std::sync::Arc::new(
        layerlab_core::catalog::source::DirSource(data),
    ))
    .unwrap()
}

/// Every real-world Dockerfile with a stub context for it.
fn realworld_inputs() -> Vec<(Vec<u8>, Context)> {
    let mut files = Vec::new();
    common::collect(&shared().join("conformance/realworld/files"), &mut files);
    files
        .into_iter()
        .map(|f| {
            let ctx = Context::stub_for(&f);
            (f, ctx)
        })
        .collect()
}

#[divan::bench(sample_count = 20)]
fn build_every_realworld_file(bencher: Bencher) {
    let inputs = realworld_inputs();
    let catalog = catalog();
    let options = BuildOptions::default();
    bencher.bench(|| {
        let mut ok = 0;
        for (dockerfile, ctx) in &inputs {
            let mut cache = CacheStore::new();
            let result = build(
                dockerfile,
                ctx,
                &catalog,
                &options,
                &mut cache,
                &NoopExecutor,
            );
            ok += usize::from(result.ok());
        }
        divan::black_box(ok)
    });
}

#[divan::bench(sample_count = 10)]
fn simulate_every_realworld_file_with_the_shell(bencher: Bencher) {
    let inputs = realworld_inputs();
    let catalog = catalog();
    let options = BuildOptions::default();
    let executor = layerlab_core::shell::ShellExecutor::from_data_dir(
        &PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data"),
    );
    bencher.bench(|| {
        let mut ok = 0;
        for (dockerfile, ctx) in &inputs {
            let mut cache = CacheStore::new();
            let result = build(dockerfile, ctx, &catalog, &options, &mut cache, &executor);
            ok += usize::from(result.ok());
        }
        divan::black_box(ok)
    });
}

fn long_dockerfile(last: &str) -> String {
    let mut text = String::from("FROM python:3.12-slim\nWORKDIR /app\n");
    for i in 0..297 {
        text.push_str(&match i % 3 {
            0 => format!("ENV VAR_{i}=value{i}\n"),
            1 => format!("RUN echo step {i} > /app/step{i}.txt\n"),
            _ => format!("LABEL step{i}=\"{i}\"\n"),
        });
    }
    text.push_str(last);
    text
}

/// Times a rebuild of `after` against a cache warmed by building `before`,
/// checking that exactly one step missed.
fn bench_rebuild(
    bencher: Bencher,
    before: &str,
    after: &str,
    ctx: &Context,
    executor: &dyn layerlab_core::build::RunExecutor,
) {
    let catalog = catalog();
    let options = BuildOptions::default();
    bencher
        .with_inputs(|| {
            let mut cache = CacheStore::new();
            build(
                before.as_bytes(),
                ctx,
                &catalog,
                &options,
                &mut cache,
                executor,
            );
            cache
        })
        .bench_local_refs(|cache| {
            let result = build(after.as_bytes(), ctx, &catalog, &options, cache, executor);
            assert_eq!(result.steps.iter().filter(|s| s.miss.is_some()).count(), 1);
            divan::black_box(result)
        });
}

#[divan::bench(sample_count = 50)]
fn rebuild_300_lines_after_editing_the_last(bencher: Bencher) {
    let before = long_dockerfile("CMD [\"python\", \"app.py\"]\n");
    let after = long_dockerfile("CMD [\"python\", \"main.py\"]\n");
    assert_eq!(after.lines().count(), 300);
    bench_rebuild(bencher, &before, &after, &Context::new(), &NoopExecutor);
}

#[divan::bench(sample_count = 30)]
fn rebuild_longest_realworld_file_with_the_shell(bencher: Bencher) {
    let path = shared().join("conformance/realworld/files/moby+moby/Dockerfile");
    let text = std::fs::read_to_string(path).unwrap();
    // An edit that keeps the file building: a character typed into a last LABEL.
    let before = format!("{}\nLABEL edit=x\n", text.trim_end());
    let after = format!("{}\nLABEL edit=x1\n", text.trim_end());
    let executor = layerlab_core::shell::ShellExecutor::from_data_dir(
        &PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data"),
    );
    bench_rebuild(
        bencher,
        &before,
        &after,
        &Context::stub_for(before.as_bytes()),
        &executor,
    );
}
