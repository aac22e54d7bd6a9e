//! Parse throughput over the 161 real-world Dockerfiles in
//! `../shared/conformance/realworld/files` (read in place). divan reports the
//! time per pass and the byte throughput (MB/s).

mod common;

use std::path::PathBuf;

use divan::counter::BytesCount;
use divan::Bencher;

fn main() {
    divan::main();
}

fn corpus() -> Vec<Vec<u8>> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/conformance/realworld/files");
    let mut files = Vec::new();
    common::collect(&dir, &mut files);
    assert!(!files.is_empty(), "no corpus at {}", dir.display());
    files
}

#[divan::bench]
fn parse_realworld_corpus(bencher: Bencher) {
    let files = corpus();
    let bytes: usize = files.iter().map(Vec::len).sum();
    bencher.counter(BytesCount::new(bytes)).bench(|| {
        for file in &files {
            divan::black_box(layerlab_core::syntax::parse(divan::black_box(file)).ok());
        }
    });
}

#[divan::bench]
fn parse_lenient_realworld_corpus(bencher: Bencher) {
    let files = corpus();
    let bytes: usize = files.iter().map(Vec::len).sum();
    bencher.counter(BytesCount::new(bytes)).bench(|| {
        for file in &files {
            divan::black_box(layerlab_core::syntax::parse_lenient(divan::black_box(file)));
        }
    });
}
