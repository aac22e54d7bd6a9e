//! Each hint: the pattern triggers it, its measured effect matches a direct
//! build of the fix, and applying the fix removes the hint. Over the
//! repository's catalog and package data.

use layerlab_core::build::what_if::Inputs;
use layerlab_core::build::{build, BuildOptions, BuildResult, CacheStore, Context};
use layerlab_core::hints::{hints, Hint};
use layerlab_core::shell::ShellExecutor;

struct Project {
    context: Context,
    options: BuildOptions,
    executor: ShellExecutor,
    catalog: layerlab_core::catalog::Catalog,
}

impl Project {
    fn new(files: &[(&str, &str)], date: Option<&str>) -> Project {
        let mut context = Context::new();
        for (name, body) in files {
            context.add(name, body.as_bytes());
        }
        Project {
            context,
            options: BuildOptions {
                catalog_date: date.map(str::to_owned),
                ..BuildOptions::default()
            },
            executor: ShellExecutor::from_data_dir(&layerlab_tests::data_dir()),
            catalog: layerlab_tests::catalog(),
        }
    }

    /// Builds `dockerfile` into a fresh cache; its hints.
    fn hints(&self, dockerfile: &str) -> (Vec<Hint>, BuildResult, CacheStore) {
        let mut cache = CacheStore::new();
        let result = build(
            dockerfile.as_bytes(),
            &self.context,
            &self.catalog,
            &self.options,
            &mut cache,
            &self.executor,
        );
        let inputs = Inputs {
            dockerfile: dockerfile.as_bytes(),
            context: &self.context,
            catalog: &self.catalog,
            options: &self.options,
            executor: &self.executor,
        };
        (hints(&inputs, &cache, &result), result, cache)
    }

    fn kinds(&self, dockerfile: &str) -> Vec<&'static str> {
        self.hints(dockerfile).0.iter().map(|h| h.kind).collect()
    }
}

fn one<'a>(hints: &'a [Hint], kind: &str) -> &'a Hint {
    hints
        .iter()
        .find(|h| h.kind == kind)
        .unwrap_or_else(|| panic!("no {kind} hint in {hints:#?}"))
}

#[test]
fn cache_order_hint_is_measured_and_its_fix_keeps_the_install_cached() {
    let p = Project::new(
        &[
            ("requirements.txt", "flask==3.1.3\n"),
            ("app.py", "print(1)\n"),
        ],
        None,
    );
    let df = "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN pip install --no-cache-dir -r requirements.txt\nCMD [\"python\", \"app.py\"]\n";
    let (hints, _, _) = p.hints(df);
    let h = one(&hints, "cache-order");
    assert_eq!(h.lines, [3, 4]);
    assert!(
        h.message.starts_with(
            "Editing app.py re-runs step 4 (`RUN pip install --no-cache-dir -r requir`"
        ),
        "{}",
        h.message
    );
    assert!(
        h.message.contains("Copy requirements.txt first"),
        "{}",
        h.message
    );
    let fix = h.fix.clone().unwrap();
    assert_eq!(
        fix,
        "FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements.txt ./\nRUN pip install --no-cache-dir -r requirements.txt\nCOPY . .\nCMD [\"python\", \"app.py\"]\n"
    );
    assert!(!p.kinds(&fix).contains(&"cache-order"));
}

#[test]
fn apt_update_alone_is_found_from_the_cache_keys_and_merged_by_the_fix() {
    let p = Project::new(&[], Some("2018-06"));
    let df = "FROM ubuntu:18.04\nRUN apt-get update\nRUN apt-get install -y --no-install-recommends python\n";
    let (hints, _, _) = p.hints(df);
    let h = one(&hints, "apt-update-alone");
    assert!(h.message.contains("but not step 2"), "{}", h.message);
    let fix = h.fix.clone().unwrap();
    assert_eq!(
        fix,
        "FROM ubuntu:18.04\nRUN apt-get update && apt-get install -y --no-install-recommends python\n"
    );
    assert!(!p.kinds(&fix).contains(&"apt-update-alone"));
}

#[test]
fn files_deleted_in_a_later_run_are_measured_from_the_layers() {
    let p = Project::new(&[], Some("2018-06"));
    let df = "FROM ubuntu:18.04\nRUN apt-get update\nRUN rm -rf /var/lib/apt/lists/*\n";
    let (hints, result, _) = p.hints(df);
    let h = one(&hints, "deleted-later");
    // The size the hint names is what the layers still hold.
    let wasted: u64 = layerlab_core::report::files::wasted_space(&result)
        .iter()
        .map(|w| w.size)
        .sum();
    assert!(wasted > 1_000_000);
    assert!(
        h.message
            .starts_with(&layerlab_core::report::human_size(wasted)),
        "{}",
        h.message
    );
    assert!(
        h.message
            .contains("written by step 2 are deleted by step 3"),
        "{}",
        h.message
    );
    let fixed = h.fix.clone().unwrap();
    assert_eq!(
        fixed,
        "FROM ubuntu:18.04\nRUN apt-get update \\\n    && rm -rf /var/lib/apt/lists/*\n"
    );
    let (after, fixed_result, _) = p.hints(&fixed);
    assert!(!after.iter().any(|h| h.kind == "deleted-later"));
    // The fix saves what the hint said the layers still hold.
    let saved = result.image.as_ref().unwrap().size - fixed_result.image.as_ref().unwrap().size;
    assert!(saved >= wasted, "{saved} < {wasted}");
}

#[test]
fn cleanup_flag_savings_match_a_direct_build_of_the_fix() {
    let p = Project::new(&[], None);
    let df = "FROM alpine:3.20\nRUN apk add curl\n";
    let (hints, result, _) = p.hints(df);
    let h = one(&hints, "cleanup-flag");
    let fix = h.fix.clone().unwrap();
    assert_eq!(fix, "FROM alpine:3.20\nRUN apk add --no-cache curl\n");
    let (after, fixed, _) = p.hints(&fix);
    let saved = result.image.as_ref().unwrap().size - fixed.image.as_ref().unwrap().size;
    assert!(saved > 0);
    assert!(
        h.message.contains(&format!(
            "saves {}",
            layerlab_core::report::human_size(saved)
        )),
        "{}",
        h.message
    );
    assert!(!after.iter().any(|h| h.kind == "cleanup-flag"));
}

#[test]
fn a_latest_base_is_pinned_to_what_it_resolves_to_and_add_becomes_copy() {
    let p = Project::new(&[("app.py", "print(1)\n")], None);
    let df = "FROM python\nADD app.py /app/\n";
    let (hints, _, _) = p.hints(df);
    let pin = one(&hints, "unpinned-base");
    let fix = pin.fix.clone().unwrap();
    assert!(fix.starts_with("FROM python:3.14.6-trixie\n"), "{fix}");
    let add = one(&hints, "add-for-copy");
    assert_eq!(add.fix.as_deref(), Some("FROM python\nCOPY app.py /app/\n"));
    let kinds = p.kinds("FROM python:3.14.6-trixie\nCOPY app.py /app/\n");
    assert!(kinds.is_empty(), "{kinds:?}");
}

#[test]
fn a_go_toolchain_in_the_final_image_gets_the_two_stage_rewrite_weighed() {
    let p = Project::new(
        &[
            ("go.mod", "module example.com/hello\n\ngo 1.22\n"),
            ("main.go", "package main\n\nfunc main() {}\n"),
        ],
        Some("2024-06"),
    );
    let df = "FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /out/server .\nCMD [\"/out/server\"]\n";
    let (hints, result, _) = p.hints(df);
    let h = one(&hints, "multi-stage");
    let fix = h.fix.clone().unwrap();
    assert_eq!(
        fix,
        "FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /out/server .\n\nFROM scratch\nCOPY --from=build /out/server /out/server\nCMD [\"/out/server\"]\n"
    );
    let (after, fixed, _) = p.hints(&fix);
    let (before, now) = (result.image.unwrap().size, fixed.image.unwrap().size);
    assert!(
        h.message.contains(&format!(
            "for a {} image instead of {}",
            layerlab_core::report::human_size(now),
            layerlab_core::report::human_size(before)
        )),
        "{}",
        h.message
    );
    assert!(!after.iter().any(|h| h.kind == "multi-stage"));
}

#[test]
fn a_heavy_context_gets_a_dockerignore_measured_on_its_files() {
    let big = "x".repeat(200_000);
    let p = Project::new(
        &[
            ("app.py", "print(1)\n"),
            ("node_modules/left-pad/index.js", &big),
            (".git/objects/pack", &big),
        ],
        None,
    );
    let df = "FROM python:3.12-slim\nCOPY app.py .\n";
    let (hints, result, _) = p.hints(df);
    let h = one(&hints, "big-context");
    let (name, text) = h.writes.clone().unwrap();
    assert_eq!(
        (name.as_str(), text.as_str()),
        (".dockerignore", ".git/\nnode_modules/\n")
    );
    assert!(
        h.message.starts_with(&format!(
            "The build sends {} of context",
            layerlab_core::report::human_size(result.context_size)
        )),
        "{}",
        h.message
    );
    let mut files = vec![
        ("app.py", "print(1)\n"),
        ("node_modules/left-pad/index.js", big.as_str()),
        (".git/objects/pack", big.as_str()),
    ];
    files.push((".dockerignore", text.as_str()));
    let fixed = Project::new(&files, None);
    let (after, fixed_result, _) = fixed.hints(df);
    assert!(!after.iter().any(|h| h.kind == "big-context"));
    assert!(
        h.message.ends_with(&format!(
            "cuts it to {} (measured on the context's files).",
            layerlab_core::report::human_size(fixed_result.context_size)
        )),
        "{}",
        h.message
    );
}

#[test]
fn npm_without_cache_clean_is_weighed_against_the_fix() {
    let dir = layerlab_tests::data_dir().join("examples/node-cache-order-fixed");
    let files: Vec<(String, String)> = ["package.json", "package-lock.json", "server.js"]
        .iter()
        .map(|f| (f.to_string(), std::fs::read_to_string(dir.join(f)).unwrap()))
        .collect();
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let p = Project::new(&refs, Some("2026-03"));
    let df = "FROM node:20-alpine\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm ci --omit=dev\nCOPY . .\nCMD [\"node\", \"server.js\"]\n";
    let (hints, result, _) = p.hints(df);
    let h = one(&hints, "cleanup-flag");
    let fix = h.fix.clone().unwrap();
    assert!(
        fix.contains("RUN npm ci --omit=dev && npm cache clean --force\n"),
        "{fix}"
    );
    let (_, fixed, _) = p.hints(&fix);
    let saved = result.image.unwrap().size - fixed.image.unwrap().size;
    assert!(
        h.message.contains(&format!(
            "saves {}",
            layerlab_core::report::human_size(saved)
        )),
        "{}",
        h.message
    );
}

#[test]
fn hints_stay_bounded_on_a_file_of_thousands_of_runs() {
    let p = Project::new(&[], None);
    let mut df = String::from("FROM alpine:3.20\n");
    for i in 0..2000 {
        df.push_str(&format!("RUN apk add curl{i}\n"));
    }
    let start = std::time::Instant::now();
    let (hints, _, _) = p.hints(&df);
    // At most a few what-if builds, not one per RUN.
    assert!(hints.iter().filter(|h| h.kind == "cleanup-flag").count() <= 4);
    assert!(
        start.elapsed() < std::time::Duration::from_secs(60),
        "{:?}",
        start.elapsed()
    );
}
