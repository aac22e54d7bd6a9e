//! Build benchmarks:
//! - a simulated build of every real-world Dockerfile in
//!   `../shared/conformance/realworld/files` (read in place), with a context
//!   holding a small file for each COPY/ADD source it names;
//! - a rebuild of a 300-line Dockerfile after a one-line edit to its last
//!   instruction, against a warm cache (everything before it is a hit).

use std::path::{Path, PathBuf};

use divan::Bencher;
use layerlab_core::build::{build, BuildOptions, CacheStore, Context, NoopExecutor};
use layerlab_core::catalog::Catalog;
use layerlab_core::instructions::{parse_instruction, Command};

fn main() {
    divan::main();
}

fn shared() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared")
}

fn catalog() -> Catalog {
    Catalog::from_json(&std::fs::read(shared().join("catalog/images.json")).unwrap()).unwrap()
}

fn collect(dir: &Path, out: &mut Vec<Vec<u8>>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if let Ok(bytes) = std::fs::read(&path) {
            out.push(bytes);
        }
    }
}

/// A context with a small file for every COPY/ADD source the Dockerfile names.
fn context_for(dockerfile: &[u8]) -> Context {
    let mut ctx = Context::new();
    let Ok(parsed) = layerlab_core::syntax::parse(dockerfile) else {
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

#[divan::bench(sample_count = 20)]
fn build_every_realworld_file(bencher: Bencher) {
    let mut files = Vec::new();
    collect(&shared().join("conformance/realworld/files"), &mut files);
    let inputs: Vec<(Vec<u8>, Context)> = files
        .into_iter()
        .map(|f| {
            let ctx = context_for(&f);
            (f, ctx)
        })
        .collect();
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

#[divan::bench(sample_count = 50)]
fn rebuild_300_lines_after_editing_the_last(bencher: Bencher) {
    let catalog = catalog();
    let options = BuildOptions::default();
    let ctx = Context::new();
    let before = long_dockerfile("CMD [\"python\", \"app.py\"]\n");
    let after = long_dockerfile("CMD [\"python\", \"main.py\"]\n");
    assert_eq!(after.lines().count(), 300);
    bencher
        .with_inputs(|| {
            let mut cache = CacheStore::new();
            build(
                before.as_bytes(),
                &ctx,
                &catalog,
                &options,
                &mut cache,
                &NoopExecutor,
            );
            cache
        })
        .bench_local_refs(|cache| {
            let result = build(
                after.as_bytes(),
                &ctx,
                &catalog,
                &options,
                cache,
                &NoopExecutor,
            );
            assert_eq!(result.steps.iter().filter(|s| s.miss.is_some()).count(), 1);
            divan::black_box(result)
        });
}
