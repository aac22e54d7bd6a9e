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
    let mut paths = Vec::new();
    files(&root, &mut paths);
    let (mut runs, mut simulated, mut noted, mut failed) = (0, 0, 0, 0);
    let mut programs: BTreeMap<String, usize> = BTreeMap::new();
    let mut failures = Vec::new();
    for path in &paths {
        let src = std::fs::read(path).unwrap();
        let result = build(
            &src,
            &Context::stub_for(&src),
            &catalog,
            &BuildOptions::default(),
            &mut CacheStore::new(),
            &executor,
        );
        runs += layerlab_core::syntax::parse(&src)
            .map(|p| {
                p.instructions
                    .iter()
                    .filter(|i| i.keyword.value.eq_ignore_ascii_case(b"run"))
                    .count()
            })
            .unwrap_or(0);
        for step in result.steps.iter().filter(|s| s.keyword == "RUN") {
            let not_simulated: Vec<&String> = step
                .notes
                .iter()
                .filter(|n| n.starts_with("not simulated: "))
                .collect();
            for n in &not_simulated {
                let program = n["not simulated: ".len()..]
                    .split_whitespace()
                    .next()
                    .unwrap_or("")
                    .trim_end_matches(',');
                *programs.entry(program.to_owned()).or_default() += 1;
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
    for f in failures.iter().take(15) {
        println!("    failed: {f}");
    }
    assert_eq!(runs, 610, "the corpus has 610 RUN instructions");
    // Floors at the figures measured when this test was written: a change that
    // simulates less, or fails more, shows here.
    assert!(simulated >= 211, "{simulated} fully simulated");
    assert!(failed <= 6, "{failed} failed in simulation");
}
