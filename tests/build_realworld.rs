//! Every real-world Dockerfile builds without panicking, against a context
//! holding a file for each COPY/ADD source it names; every failure carries a
//! line number and a message. Prints how many built.

use layerlab_core::build::{build, BuildOptions, CacheStore, Context, NoopExecutor};
use layerlab_core::catalog::Catalog;
use layerlab_core::instructions::{parse_instruction, Command};

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

#[test]
fn realworld_files_build_or_fail_with_a_line() {
    let root = layerlab_tests::conformance_dir().join("realworld/files");
    let catalog = Catalog::from_json(
        &std::fs::read(layerlab_tests::shared_dir().join("catalog/images.json")).unwrap(),
    )
    .unwrap();
    let mut paths = Vec::new();
    files(&root, &mut paths);
    let (mut built, mut failed) = (0, Vec::new());
    for path in &paths {
        let src = std::fs::read(path).unwrap();
        let mut cache = CacheStore::new();
        let result = build(
            &src,
            &context_for(&src),
            &catalog,
            &BuildOptions::default(),
            &mut cache,
            &NoopExecutor,
        );
        match &result.error {
            None => {
                built += 1;
                // A second build is all cache hits.
                let again = build(
                    &src,
                    &context_for(&src),
                    &catalog,
                    &BuildOptions::default(),
                    &mut cache,
                    &NoopExecutor,
                );
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
