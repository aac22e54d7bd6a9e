//! Every real-world Dockerfile builds without panicking, against a stub
//! context (a file for each COPY/ADD source it names); every failure carries a
//! line number and a message. Prints how many built.

use layerlab_core::build::{build, BuildOptions, CacheStore, Context, NoopExecutor};

fn files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let p = entry.path();
        if p.is_dir() {
            files(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// Builds every real-world file once over a stub context: (path, source, result).
fn build_all(
    catalog: &layerlab_core::catalog::Catalog,
    executor: &dyn layerlab_core::build::RunExecutor,
) -> Vec<(
    std::path::PathBuf,
    Vec<u8>,
    layerlab_core::build::BuildResult,
)> {
    let mut paths = Vec::new();
    files(
        &layerlab_tests::conformance_dir().join("realworld/files"),
        &mut paths,
    );
    paths
        .into_iter()
        .map(|path| {
            let src = std::fs::read(&path).unwrap();
            let result = build(
                &src,
                &Context::stub_for(&src),
                catalog,
                &BuildOptions::default(),
                &mut CacheStore::new(),
                executor,
            );
            (path, src, result)
        })
        .collect()
}

#[test]
fn realworld_files_build_or_fail_with_a_line() {
    let root = layerlab_tests::conformance_dir().join("realworld/files");
    let catalog = layerlab_tests::catalog();
    let mut paths = Vec::new();
    files(&root, &mut paths);
    let (mut built, mut failed) = (0, Vec::new());
    for path in &paths {
        let src = std::fs::read(path).unwrap();
        let mut cache = CacheStore::new();
        let mut run = || {
            build(
                &src,
                &Context::stub_for(&src),
                &catalog,
                &BuildOptions::default(),
                &mut cache,
                &NoopExecutor,
            )
        };
        let result = run();
        match &result.error {
            None => {
                built += 1;
                // A second build is all cache hits.
                let again = run();
                assert!(
                    again.steps.iter().all(|s| s.miss.is_none()),
                    "{}",
                    path.display()
                );
            }
            Some(e) => {
                assert!(
                    e.line.is_some() && !e.message.is_empty(),
                    "{}: {e:?}",
                    path.display()
                );
                failed.push(format!(
                    "{}:{}: {}",
                    path.strip_prefix(&root).unwrap().display(),
                    e.line.unwrap(),
                    e.message
                ));
            }
        }
    }
    println!(
        "realworld builds: {built} built, {} stopped with an error",
        failed.len()
    );
    for f in failed.iter().take(10) {
        println!("    {f}");
    }
    assert_eq!(built + failed.len(), 161);
    assert!(built > 100, "only {built} built");
}

/// Simulates every real-world file with the shell and package managers, and
/// prints the share of RUN instructions that were fully simulated, noted as
/// not simulated (at least one command assumed to change no files), or not
/// reached (an earlier step failed), with the programs most often noted.
#[test]
fn realworld_run_instructions_simulated_share() {
    use layerlab_core::build::StepStatus;
    use std::collections::BTreeMap;
    let root = layerlab_tests::conformance_dir().join("realworld/files");
    let catalog = layerlab_tests::catalog();
    let executor = layerlab_core::shell::ShellExecutor::from_data_dir(&layerlab_tests::data_dir());
    let (mut runs, mut simulated, mut noted, mut failed) = (0, 0, 0, 0);
    let mut programs: BTreeMap<String, usize> = BTreeMap::new();
    // The first thing each RUN could not simulate: what to do next.
    let mut first_reasons: BTreeMap<String, usize> = BTreeMap::new();
    let mut failures = Vec::new();
    for (path, src, result) in build_all(&catalog, &executor) {
        runs += layerlab_core::syntax::parse(&src)
            .map(|p| {
                p.instructions
                    .iter()
                    .filter(|i| i.keyword().value.eq_ignore_ascii_case(b"run"))
                    .count()
            })
            .unwrap_or(0);
        for step in result.steps.iter().filter(|s| s.keyword == "RUN") {
            let not_simulated: Vec<&layerlab_core::build::Note> =
                step.notes.iter().filter(|n| n.is_unsimulated()).collect();
            for (k, n) in not_simulated.iter().enumerate() {
                let program = n["not simulated: ".len()..]
                    .split_whitespace()
                    .next()
                    .unwrap_or("")
                    .trim_end_matches(',');
                *programs.entry(program.to_owned()).or_default() += 1;
                if k == 0 {
                    *first_reasons.entry(program.to_owned()).or_default() += 1;
                }
                if std::env::var("LAYERLAB_SHOW_REASON").is_ok_and(|r| r == program) {
                    println!("    {}:{}: {n}", path.display(), step.line);
                }
            }
            match (step.status, not_simulated.is_empty()) {
                (StepStatus::Failed, _) => {
                    failed += 1;
                    failures.push(format!(
                        "{}:{}: {}",
                        path.strip_prefix(&root).unwrap().display(),
                        step.line,
                        step.output.last().map(String::as_str).unwrap_or("")
                    ));
                }
                (_, true) => simulated += 1,
                (_, false) => noted += 1,
            }
        }
    }
    let reached = simulated + noted + failed;
    let pct = |n: usize| n as f64 * 100.0 / runs as f64;
    println!(
        "realworld RUN instructions: {runs} in all; {simulated} fully simulated ({:.1}%), {noted} with a not-simulated note ({:.1}%), {failed} failed in simulation ({:.1}%), {} not reached",
        pct(simulated),
        pct(noted),
        pct(failed),
        runs - reached
    );
    let mut top: Vec<(&String, &usize)> = programs.iter().collect();
    top.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let top: Vec<String> = top
        .iter()
        .take(15)
        .map(|(p, n)| format!("{p} {n}"))
        .collect();
    println!("    most often not simulated: {}", top.join(", "));
    let mut first: Vec<(&String, &usize)> = first_reasons.iter().collect();
    first.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let first: Vec<String> = first
        .iter()
        .take(15)
        .map(|(p, n)| format!("{p} {n}"))
        .collect();
    println!(
        "    first reason a RUN is not fully simulated: {}",
        first.join(", ")
    );
    for f in failures.iter().take(15) {
        println!("    failed: {f}");
    }
    assert_eq!(runs, 610, "the corpus has 610 RUN instructions");
    // Floors at the figures measured when this test was written: a change that
    // simulates less, or fails more, shows here.
    assert!(simulated >= 214, "{simulated} fully simulated");
    assert!(failed <= 6, "{failed} failed in simulation");
}

/// FROM coverage: how each stage's base in the real-world files resolves in
/// layerlab's catalog (exact tag or alias, stood in, unknown), for Linux
/// official images (no registry or namespace, no Windows tag) and the rest.
#[test]
fn realworld_from_coverage() {
    use layerlab_core::catalog::resolve::Match;
    use std::collections::BTreeMap;
    let catalog = layerlab_tests::catalog();
    // (official linux?, kind) -> count
    let mut counts: BTreeMap<(bool, &str), usize> = BTreeMap::new();
    let mut unknown_official: BTreeMap<String, usize> = BTreeMap::new();
    for (_, _, result) in build_all(&catalog, &NoopExecutor) {
        for stage in &result.stages {
            let base = stage.reference.to_ascii_lowercase();
            let is_stage = result
                .stages
                .iter()
                .any(|s| s.index < stage.index && (s.name == base || s.index.to_string() == base));
            if base == "scratch" || is_stage || base.is_empty() || base.contains('$') {
                continue;
            }
            let (name, tag) = layerlab_core::catalog::normalize_reference(&base);
            let official = !name.contains('/')
                && !tag.contains("windows")
                && !tag.contains("nanoserver")
                && !tag.contains("ltsc");
            let kind = match catalog.resolve(&base, None) {
                Some((_, Match::Exact)) | Some((_, Match::Alias)) => "exact",
                Some((_, Match::StandIn(_))) => "stood in",
                None => {
                    if official {
                        *unknown_official.entry(format!("{name}:{tag}")).or_default() += 1;
                    }
                    "unknown"
                }
            };
            *counts.entry((official, kind)).or_default() += 1;
        }
    }
    for official in [true, false] {
        let total: usize = counts
            .iter()
            .filter(|((o, _), _)| *o == official)
            .map(|(_, n)| n)
            .sum();
        let get = |k: &str| counts.get(&(official, k)).copied().unwrap_or(0);
        eprintln!(
            "FROM coverage, {}: {total} references; exact {}, stood in {}, unknown {}",
            if official {
                "Linux official images"
            } else {
                "other images"
            },
            get("exact"),
            get("stood in"),
            get("unknown")
        );
    }
    eprintln!("    unknown official: {unknown_official:?}");
    let total: usize = counts.iter().filter(|((o, _), _)| *o).map(|(_, n)| n).sum();
    let covered = counts.get(&(true, "exact")).copied().unwrap_or(0)
        + counts.get(&(true, "stood in")).copied().unwrap_or(0);
    assert!(
        covered * 100 >= total * 95,
        "{covered} of {total} Linux official-image references resolve"
    );
}
