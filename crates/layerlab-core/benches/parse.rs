//! Parse throughput over the 161 real-world Dockerfiles in
//! `../shared/conformance/realworld/files` (read in place). divan reports the
//! time per pass and the byte throughput (MB/s).
//!
//! The same corpus is also parsed by the `parse-dockerfile` crate, the peer
//! this parser is measured against, in the same process: after divan's table
//! a summary times both over the same passes, interleaved, and prints the
//! throughput of each, how many files the peer rejects, and the ratio.
//!
//! The AST keeps its text once per parse (the source, the joined lines, the
//! values it decoded) and every value as a span of it, so a pass over the
//! corpus allocates about 1,750 times (the peer, which borrows from the
//! input, about 800).

mod common;

use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use divan::counter::BytesCount;
use divan::Bencher;

fn main() {
    divan::main();
    // `cargo test --benches` runs each bench once with `--test`: keep that quick.
    let passes = if std::env::args().any(|a| a == "--test") {
        1
    } else {
        200
    };
    summary(passes);
}

fn corpus() -> Vec<Vec<u8>> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/conformance/realworld/files");
    let mut files = Vec::new();
    common::collect(&dir, &mut files);
    assert!(!files.is_empty(), "no corpus at {}", dir.display());
    files
}

/// The corpus as text, for the peer, whose parser takes `&str`. Every file of
/// the corpus is UTF-8; the conversion is done once, outside the timing.
fn corpus_text(files: &[Vec<u8>]) -> Vec<&str> {
    files
        .iter()
        .map(|f| std::str::from_utf8(f).expect("the corpus is UTF-8"))
        .collect()
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

/// The peer, `parse-dockerfile`, over the same corpus.
#[divan::bench]
fn peer_parse_dockerfile_realworld_corpus(bencher: Bencher) {
    let files = corpus();
    let texts = corpus_text(&files);
    let bytes: usize = files.iter().map(Vec::len).sum();
    bencher.counter(BytesCount::new(bytes)).bench(|| {
        for text in &texts {
            divan::black_box(parse_dockerfile::parse(divan::black_box(text)).ok());
        }
    });
}

fn layerlab_pass(files: &[Vec<u8>]) -> usize {
    files
        .iter()
        .filter(|f| layerlab_core::syntax::parse(black_box(f)).is_err())
        .count()
}

fn peer_pass(texts: &[&str]) -> usize {
    texts
        .iter()
        .filter(|t| parse_dockerfile::parse(black_box(t)).is_err())
        .count()
}

fn timed(run: impl FnOnce() -> usize) -> (Duration, usize) {
    let start = Instant::now();
    let rejected = black_box(run());
    (start.elapsed(), rejected)
}

/// Times both parsers over `passes` passes of the corpus, alternating pass by
/// pass so both see the same machine, and prints the median throughput of each.
fn summary(passes: usize) {
    let files = corpus();
    let texts = corpus_text(&files);
    let bytes: usize = files.iter().map(Vec::len).sum();
    let mut ours = Vec::with_capacity(passes);
    let mut peer = Vec::with_capacity(passes);
    let (mut our_rejects, mut peer_rejects) = (0, 0);
    for _ in 0..passes {
        let (time, rejected) = timed(|| layerlab_pass(&files));
        ours.push(time);
        our_rejects = rejected;
        let (time, rejected) = timed(|| peer_pass(&texts));
        peer.push(time);
        peer_rejects = rejected;
    }
    let mb_per_s = |times: &mut Vec<Duration>| {
        times.sort();
        bytes as f64 / times[times.len() / 2].as_secs_f64() / 1e6
    };
    let (ours, peer) = (mb_per_s(&mut ours), mb_per_s(&mut peer));
    println!(
        "\nparse, {} files ({bytes} bytes), median of {passes} interleaved passes:\n\
         layerlab {ours:.0} MB/s (rejects {our_rejects}), \
         parse-dockerfile {peer:.0} MB/s (rejects {peer_rejects} of {}), \
         ratio layerlab/parse-dockerfile {:.2}",
        files.len(),
        files.len(),
        ours / peer,
    );
}
