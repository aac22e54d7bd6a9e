//! Every real-world Dockerfile builds without panicking, against a stub
//! context (a file for each COPY/ADD source it names); every failure carries a
//! line number and a message. Prints how many built.

use layerlab_core::build::{build, BuildOptions, CacheStore, Context, NoopExecutor};
use layerlab_core::catalog::Catalog;

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
