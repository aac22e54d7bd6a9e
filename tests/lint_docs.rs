//! Docker's build checks on the examples of their documentation pages
//! (`../shared/conformance/buildkit/docs/lint-rules/*.md`, read in place):
//! each ❌ example makes its rule fire, each ✅ example does not. Where
//! BuildKit's source disagrees with its own page, the source wins; those
//! examples are listed below with the reason. Prints a line per rule.

use layerlab_core::build::{build, BuildOptions, CacheStore, Context, NoopExecutor};

/// (rule, example index in its page, why the page's verdict does not hold).
const SOURCE_WINS: &[(&str, usize, &str)] = &[
    (
        "CopyIgnoredFile",
        0,
        "the pattern `*/tmp/*` does not match the cleaned path `tmp/helloworld.txt`",
    ),
    (
        "LegacyKeyValueFormat",
        0,
        "`ARG foo bar` declares two ARGs; only ENV and LABEL are checked",
    ),
    (
        "LegacyKeyValueFormat",
        2,
        "an ENV before any FROM stops the build before the stage is dispatched",
    ),
    (
        "SecretsUsedInArgOrEnv",
        0,
        "ARGs before the first FROM are never dispatched, so never checked",
    ),
];

/// The page's examples: (bad?, Dockerfile), and its `.dockerignore` if it gives one.
fn examples(page: &str) -> (Vec<(bool, String)>, Option<String>) {
    let mut out = Vec::new();
    let mut ignore = None;
    let mut verdict: Option<bool> = None;
    let mut lines = page.lines();
    let mut after_ignore_note = false;
    while let Some(line) = lines.next() {
        if line.contains("`.dockerignore` file") {
            after_ignore_note = true;
        }
        if line.starts_with('❌') {
            verdict = Some(true);
        } else if line.starts_with('✅') {
            verdict = Some(false);
        }
        let fence = line.trim_start();
        if fence.starts_with("```") {
            let lang = fence.trim_start_matches('`');
            let body: Vec<&str> = lines
                .by_ref()
                .take_while(|l| !l.trim_start().starts_with("```"))
                .collect();
            let text = body.join("\n") + "\n";
            if lang == "dockerfile" {
                if let Some(bad) = verdict.take() {
                    out.push((bad, text));
                }
            } else if lang == "text" && after_ignore_note && ignore.is_none() {
                ignore = Some(text);
            }
        }
    }
    (out, ignore)
}

#[test]
fn each_rule_fires_on_its_bad_examples_and_not_on_its_good_ones() {
    let dir = layerlab_tests::conformance_dir().join("buildkit/docs/lint-rules");
    let catalog = layerlab_tests::catalog();
    let mut pages: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    pages.sort();
    let (mut passed, mut total) = (0, 0);
    let mut failures = Vec::new();
    for path in pages {
        let page = std::fs::read_to_string(&path).unwrap();
        let Some(rule) = page
            .lines()
            .find_map(|l| l.strip_prefix("title: "))
            .map(str::to_owned)
        else {
            continue;
        };
        if !layerlab_core::checks::RULES.iter().any(|(r, _)| *r == rule) {
            continue;
        }
        let experimental = layerlab_core::checks::RULES
            .iter()
            .any(|(r, e)| *r == rule && *e);
        let (examples, ignore) = examples(&page);
        for (i, (bad, text)) in examples.iter().enumerate() {
            total += 1;
            let src = if experimental {
                format!("# check=experimental={rule}\n{text}")
            } else {
                text.clone()
            };
            let mut context = Context::stub_for(src.as_bytes());
            if let Some(ignore) = &ignore {
                context.add(".dockerignore", ignore.as_bytes());
            }
            let result = build(
                src.as_bytes(),
                &context,
                &catalog,
                &BuildOptions::default(),
                &mut CacheStore::new(),
                &NoopExecutor,
            );
            let fired: Vec<String> = result
                .checks
                .iter()
                .filter(|c| c.rule == rule)
                .map(|c| c.short())
                .collect();
            let exception = SOURCE_WINS.iter().find(|(r, n, _)| *r == rule && *n == i);
            let fires = !fired.is_empty();
            let ok = (fires == *bad) != exception.is_some();
            if ok {
                passed += 1;
            } else {
                failures.push(format!(
                    "{rule} example {i} ({}): {fired:?}\n{text}",
                    if *bad { "bad" } else { "good" }
                ));
            }
        }
    }
    println!("build checks: documented examples behave as BuildKit's source says {passed}/{total}");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(total >= 40, "{total} examples read");
}
