//! Hints of layerlab's own, each with its effect measured: the fixed
//! Dockerfile is built in a scratch copy of the cache (a what-if build) and
//! compared with the build the learner has, never estimated. A hint names
//! its lines, says what it changes, and carries the fixed Dockerfile when
//! the fix is mechanical (the page offers it as one click).
//!
//! Patterns: the dependency manifest copied with the sources before the
//! install (editing any source re-runs the install); `apt-get update` in a
//! RUN of its own; files deleted in a later RUN than the one that made them;
//! installs without `--no-install-recommends`, `--no-cache-dir`,
//! `--no-cache`; a `latest` or missing base tag; `ADD` where `COPY` does;
//! a Go toolchain left in the final image (the two-stage rewrite); `.git`,
//! `node_modules` and the like sent in the context (a `.dockerignore`).

use crate::build::what_if::{edit_file, edit_line, Inputs};
use crate::build::{build, BuildResult, CacheStore};
use crate::report::human_size;

/// One hint.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Hint {
    /// Which pattern (`cache-order`, `apt-update-alone`, …).
    pub kind: &'static str,
    /// The Dockerfile lines it is about.
    pub lines: Vec<usize>,
    /// What is wrong and what it does, measured.
    pub message: String,
    /// The Dockerfile with the fix applied, when the fix is mechanical.
    pub fix: Option<String>,
    /// A context file the fix writes instead (`.dockerignore`), with its text.
    pub writes: Option<(String, String)>,
}

/// Every hint for a build the learner has (`result`, built from `inputs`
/// over `cache`). The cache is not changed.
pub fn hints(inputs: &Inputs<'_>, cache: &CacheStore, result: &BuildResult) -> Vec<Hint> {
    if result.error.is_some() {
        return Vec::new();
    }
    let text = String::from_utf8_lossy(inputs.dockerfile).into_owned();
    let lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let mut out = Vec::new();
    cache_order(inputs, cache, result, &lines, &mut out);
    apt_update_alone(result, &lines, &mut out);
    deleted_later(result, &lines, &mut out);
    cleanup_flags(inputs, cache, result, &lines, &mut out);
    base_tags(inputs, result, &lines, &mut out);
    add_for_copy(inputs, result, &lines, &mut out);
    multi_stage(inputs, cache, result, &lines, &mut out);
    big_context(inputs, result, &mut out);
    out
}

/// How far into a build the cache-order hint looks for `COPY . .`.
const MAX_STEPS_LOOKED_AT: usize = 200;

/// How many candidates a hint weighs by building them.
const MAX_WEIGHED: usize = 4;

/// Directories a context should rarely send.
const HEAVY: [&str; 5] = [".git", "node_modules", "__pycache__", ".venv", "target"];

fn big_context(inputs: &Inputs<'_>, result: &BuildResult, out: &mut Vec<Hint>) {
    let path = inputs
        .options
        .dockerfile_path
        .as_deref()
        .unwrap_or("Dockerfile");
    let ignore = inputs.context.ignore_for(path);
    let present: Vec<&str> = HEAVY
        .iter()
        .copied()
        .filter(|dir| {
            inputs
                .context
                .files()
                .any(|(p, _)| p.starts_with(&format!("{dir}/")) && !ignore.excludes(p))
        })
        .collect();
    if present.is_empty() {
        return;
    }
    let existing = inputs
        .context
        .get(".dockerignore")
        .map(|f| String::from_utf8_lossy(&f.data).into_owned())
        .unwrap_or_default();
    let mut text = existing.clone();
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    for dir in &present {
        text.push_str(&format!("{dir}/\n"));
    }
    // The context as it would be: the new .dockerignore sent with it.
    let mut with_ignore = inputs.context.clone();
    with_ignore.add(".dockerignore", text.as_bytes());
    let smaller = with_ignore.tar_size(&crate::build::ignore::IgnoreMatcher::parse(&text));
    if smaller >= result.context_size {
        return;
    }
    out.push(Hint {
        kind: "big-context",
        lines: Vec::new(),
        message: format!(
            "The build sends {} of context, {} in it; a .dockerignore with {} cuts it to {} (measured on the context's files).",
            human_size(result.context_size),
            present.join(" and "),
            present
                .iter()
                .map(|d| format!("`{d}/`"))
                .collect::<Vec<_>>()
                .join(", "),
            human_size(smaller)
        ),
        fix: None,
        writes: Some((".dockerignore".into(), text)),
    });
}

/// A Go build left in the final image: the two-stage rewrite (build in
/// golang, ship the binary alone), built and weighed.
fn multi_stage(
    inputs: &Inputs<'_>,
    cache: &CacheStore,
    result: &BuildResult,
    lines: &[String],
    out: &mut Vec<Hint>,
) {
    let (Some(image), [stage]) = (&result.image, &result.stages[..]) else {
        return;
    };
    if !stage.reference.starts_with("golang") {
        return;
    }
    let Some(run) = result
        .steps
        .iter()
        .find(|s| s.keyword == "RUN" && s.instruction.contains("go build"))
    else {
        return;
    };
    let words: Vec<&str> = run.instruction.split_whitespace().collect();
    let Some(output) = words
        .iter()
        .position(|w| *w == "-o")
        .and_then(|i| words.get(i + 1))
        .filter(|o| o.starts_with('/'))
    else {
        return;
    };
    let static_binary = run.instruction.contains("CGO_ENABLED=0")
        || result
            .steps
            .iter()
            .any(|s| s.keyword == "ENV" && s.instruction.contains("CGO_ENABLED=0"));
    let runtime = if static_binary {
        "scratch"
    } else {
        "debian:bookworm-slim"
    };
    let Some(from) = result.steps.first() else {
        return;
    };
    let mut text: Vec<String> = Vec::new();
    for (i, line) in lines.iter().enumerate().take(run.end_line) {
        if i + 1 == from.line {
            text.push(format!("{line} AS build"));
        } else {
            text.push(line.clone());
        }
    }
    text.push(String::new());
    text.push(format!("FROM {runtime}"));
    text.push(format!("COPY --from=build {output} {output}"));
    for s in result.steps.iter().filter(|s| s.line > run.end_line) {
        if matches!(
            s.keyword.as_str(),
            "CMD" | "ENTRYPOINT" | "EXPOSE" | "USER" | "LABEL"
        ) {
            text.extend(lines[s.line - 1..s.end_line].iter().cloned());
        }
    }
    let fixed = text.join("\n") + "\n";
    let Some(size) = smaller(inputs, cache, &fixed, image.size) else {
        return;
    };
    out.push(Hint {
        kind: "multi-stage",
        lines: vec![from.line, run.line],
        message: format!(
            "The final image carries the Go toolchain, the sources and the build cache with its one binary: a multi-stage build would leave {} behind, for a {} image instead of {} (measured by building the rewrite).",
            human_size(image.size - size),
            human_size(size),
            human_size(image.size)
        ),
        fix: Some(fixed),
        writes: None,
    });
}

/// The text of a Dockerfile with lines `first..=last` (1-based) replaced.
fn replace_lines(lines: &[String], first: usize, last: usize, with: &[String]) -> String {
    let mut out: Vec<String> = lines[..first - 1].to_vec();
    out.extend(with.iter().cloned());
    out.extend(lines[last.min(lines.len())..].iter().cloned());
    out.join("\n") + "\n"
}

fn secs(ms: u64) -> String {
    format!("{}.{} s", ms / 1000, (ms % 1000) / 100)
}

/// The final image's size after building `dockerfile` over a scratch copy of
/// the cache.
fn size_of(inputs: &Inputs<'_>, cache: &CacheStore, dockerfile: &str) -> Option<u64> {
    let mut scratch = cache.clone();
    let r = build(
        dockerfile.as_bytes(),
        inputs.context,
        inputs.catalog,
        inputs.options,
        &mut scratch,
        inputs.executor,
    );
    r.image.map(|i| i.size)
}

/// The fixed Dockerfile's image size, when it is smaller than `than`.
fn smaller(inputs: &Inputs<'_>, cache: &CacheStore, fixed: &str, than: u64) -> Option<u64> {
    size_of(inputs, cache, fixed).filter(|size| *size < than)
}

/// A cleanup-flag hint: `what` the image would be, measured.
fn saving(line: usize, what: &str, size: u64, before: u64, fixed: String) -> Hint {
    Hint {
        kind: "cleanup-flag",
        lines: vec![line],
        message: format!(
            "{what} the image is {} instead of {} (saves {}, measured by building it).",
            human_size(size),
            human_size(before),
            human_size(before - size)
        ),
        fix: Some(fixed),
        writes: None,
    }
}

const INSTALLS: [(&str, &[&str]); 6] = [
    ("npm ci", &["package.json", "package-lock.json"]),
    ("npm install", &["package.json", "package-lock.json"]),
    ("yarn install", &["package.json", "yarn.lock"]),
    ("go mod download", &["go.mod", "go.sum"]),
    ("bundle install", &["Gemfile", "Gemfile.lock"]),
    ("composer install", &["composer.json", "composer.lock"]),
];

/// The manifest files an install step reads, present in the context.
fn manifests(install: &str, inputs: &Inputs<'_>) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for (cmd, files) in INSTALLS {
        if install.contains(cmd) {
            names.extend(files.iter().map(|f| (*f).to_owned()));
        }
    }
    // pip install -r FILE
    let words: Vec<&str> = install.split_whitespace().collect();
    for (i, w) in words.iter().enumerate() {
        if (*w == "-r" || *w == "--requirement") && install.contains("pip") {
            if let Some(f) = words.get(i + 1) {
                names.push((*f).to_owned());
            }
        }
    }
    names.retain(|n| inputs.context.get(n).is_some());
    names.dedup();
    names
}

fn cache_order(
    inputs: &Inputs<'_>,
    cache: &CacheStore,
    result: &BuildResult,
    lines: &[String],
    out: &mut Vec<Hint>,
) {
    let mut weighed = 0;
    for (i, copy) in result.steps.iter().enumerate().take(MAX_STEPS_LOOKED_AT) {
        if weighed == MAX_WEIGHED {
            return;
        }
        let words: Vec<&str> = copy.instruction.split_whitespace().collect();
        let copies_all =
            copy.keyword == "COPY" && words.len() == 3 && matches!(words[1], "." | "./");
        if !copies_all {
            continue;
        }
        let Some(install) = result.steps[i + 1..]
            .iter()
            .filter(|s| s.stage == copy.stage && s.keyword == "RUN")
            .find(|s| !manifests(&s.instruction, inputs).is_empty())
        else {
            continue;
        };
        let files = manifests(&install.instruction, inputs);
        // A source file: any other file the COPY reads.
        let Some(source) =
            inputs.context.files().map(|(p, _)| p).find(|p| {
                !files.iter().any(|f| f == p) && !p.starts_with('.') && *p != "Dockerfile"
            })
        else {
            continue;
        };
        weighed += 1;
        let Some(before) = edit_file(inputs, cache, source) else {
            continue;
        };
        if !before.steps.iter().any(|(n, _)| *n == install.number) {
            continue;
        }
        // The fix: the manifest first, the install, then the sources.
        let dest = words[2];
        let manifest_dest = if dest == "." { "./" } else { dest };
        let mut with = vec![format!("COPY {} {manifest_dest}", files.join(" "))];
        with.extend(lines[copy.end_line..install.end_line].iter().cloned());
        with.push(lines[copy.line - 1].clone());
        let fixed = replace_lines(lines, copy.line, install.end_line, &with);
        let mut scratch = cache.clone();
        build(
            fixed.as_bytes(),
            inputs.context,
            inputs.catalog,
            inputs.options,
            &mut scratch,
            inputs.executor,
        );
        let fixed_inputs = Inputs {
            dockerfile: fixed.as_bytes(),
            ..*inputs
        };
        let Some(after) = edit_file(&fixed_inputs, &scratch, source) else {
            continue;
        };
        let install_text: String = install.instruction.chars().take(40).collect();
        out.push(Hint {
            kind: "cache-order",
            lines: vec![copy.line, install.line],
            message: format!(
                "Editing {source} re-runs step {} (`{install_text}`, {}, {}): it comes after `{}`, which copies every file. Copy {} first and it stays cached: an edit of {source} then rebuilds {} step{}, {} (measured).",
                install.number,
                secs(install.duration_ms),
                human_size(install.layer_size),
                copy.instruction,
                files.join(" and "),
                after.steps.len(),
                if after.steps.len() == 1 { "" } else { "s" },
                secs(after.duration_ms),
            ),
            fix: Some(fixed),
            writes: None,
        });
        return;
    }
}

fn apt_update_alone(result: &BuildResult, lines: &[String], out: &mut Vec<Hint>) {
    for (i, s) in result.steps.iter().enumerate() {
        let cmd = s.instruction.strip_prefix("RUN ").unwrap_or("");
        let alone = s.keyword == "RUN"
            && cmd
                .split_whitespace()
                .all(|w| matches!(w, "apt-get" | "update" | "-y" | "-q" | "-qq" | "--yes"))
            && cmd.contains("update");
        if !alone {
            continue;
        }
        let Some(install) = result.steps[i + 1..].iter().find(|t| {
            t.stage == s.stage && t.keyword == "RUN" && t.instruction.contains("apt-get install")
        }) else {
            continue;
        };
        // Measured from the cache keys: editing the install line leaves the
        // update step cached, so it installs from old lists.
        let rebuilt = edit_line(result, install.line);
        if rebuilt.steps.iter().any(|(n, _)| *n == s.number) {
            continue;
        }
        let mut with: Vec<String> = lines[s.end_line..install.line - 1].to_vec();
        let first = &lines[install.line - 1];
        with.push(first.replacen("RUN ", "RUN apt-get update && ", 1));
        with.extend(lines[install.line..install.end_line].iter().cloned());
        let fixed = replace_lines(lines, s.line, install.end_line, &with);
        out.push(Hint {
            kind: "apt-update-alone",
            lines: vec![s.line, install.line],
            message: format!(
                "`apt-get update` runs in step {} on its own: editing the install (line {}) rebuilds {} step{} but not step {}, so apt-get installs from package lists cached at the first build, which go stale. Run update and install in one RUN.",
                s.number,
                install.line,
                rebuilt.steps.len(),
                if rebuilt.steps.len() == 1 { "" } else { "s" },
                s.number
            ),
            fix: Some(fixed),
            writes: None,
        });
    }
}

fn deleted_later(result: &BuildResult, lines: &[String], out: &mut Vec<Hint>) {
    let waste = crate::report::files::wasted_space(result);
    let mut groups: Vec<(usize, usize, u64, usize)> = Vec::new();
    for w in &waste {
        match groups
            .iter_mut()
            .find(|g| g.0 == w.written_by && g.1 == w.hidden_by)
        {
            Some(g) => {
                g.2 += w.size;
                g.3 += 1;
            }
            None => groups.push((w.written_by, w.hidden_by, w.size, 1)),
        }
    }
    for (written, hidden, size, files) in groups {
        if size < 1_000_000 {
            continue;
        }
        let (w, h) = (&result.steps[written], &result.steps[hidden]);
        // The fix, when every step from the writer to the one that deletes
        // is a shell-form RUN: one RUN doing all of it.
        let span = &result.steps[written..=hidden];
        let fix = span
            .iter()
            .all(|s| {
                s.keyword == "RUN" && !s.instruction.trim_start_matches("RUN ").starts_with('[')
            })
            .then(|| {
                let commands: Vec<String> = span
                    .iter()
                    .map(|s| s.instruction.trim_start_matches("RUN ").trim().to_owned())
                    .collect();
                let joined = format!("RUN {}", commands.join(" \\\n    && "));
                replace_lines(lines, w.line, h.end_line, &[joined])
            });
        out.push(Hint {
            kind: "deleted-later",
            lines: vec![w.line, h.line],
            message: format!(
                "{} of {files} file{} written by step {} are deleted by step {}, but still ship in step {}'s layer: the image is {} bigger than it looks. Delete them in the same RUN that makes them.",
                human_size(size),
                if files == 1 { "" } else { "s" },
                w.number,
                h.number,
                w.number,
                human_size(size)
            ),
            fix,
            writes: None,
        });
    }
}

fn cleanup_flags(
    inputs: &Inputs<'_>,
    cache: &CacheStore,
    result: &BuildResult,
    lines: &[String],
    out: &mut Vec<Hint>,
) {
    let Some(image) = &result.image else { return };
    let target = result.steps.last().map(|s| s.stage);
    // Each candidate costs a what-if build: the first few are weighed (a
    // file of thousands of RUNs must not cost thousands of builds).
    let candidate = |s: &&crate::build::StepResult| {
        [
            "apt-get install",
            "pip install",
            "apk add",
            "npm install",
            "npm ci",
        ]
        .iter()
        .any(|c| s.instruction.contains(c))
    };
    for s in result
        .steps
        .iter()
        .filter(|s| s.keyword == "RUN" && Some(s.stage) == target)
        .filter(candidate)
        .take(MAX_WEIGHED)
    {
        let edits: [(&str, &str, &str); 3] = [
            (
                "apt-get install",
                "--no-install-recommends",
                "apt-get install --no-install-recommends",
            ),
            (
                "pip install",
                "--no-cache-dir",
                "pip install --no-cache-dir",
            ),
            ("apk add", "--no-cache", "apk add --no-cache"),
        ];
        // npm keeps its download cache in ~/.npm unless cleaned in the same RUN.
        let npm = ["npm install", "npm ci"]
            .iter()
            .any(|c| s.instruction.contains(c))
            && !s.instruction.contains("npm cache clean");
        if npm {
            let mut fixed_lines: Vec<String> = lines[s.line - 1..s.end_line].to_vec();
            if let Some(last) = fixed_lines.last_mut() {
                last.push_str(" && npm cache clean --force");
            }
            let fixed = replace_lines(lines, s.line, s.end_line, &fixed_lines);
            if let Some(size) = smaller(inputs, cache, &fixed, image.size) {
                let what = format!(
                    "`npm` keeps its cache after step {}: with `npm cache clean --force` in the same RUN",
                    s.number
                );
                out.push(saving(s.line, &what, size, image.size, fixed));
            }
        }
        for (cmd, flag, with) in edits {
            if !s.instruction.contains(cmd) || s.instruction.contains(flag) {
                continue;
            }
            if flag == "--no-cache-dir" && s.instruction.contains("--no-cache ") {
                continue;
            }
            let fixed_lines: Vec<String> = lines[s.line - 1..s.end_line]
                .iter()
                .map(|l| l.replace(cmd, with))
                .collect();
            let fixed = replace_lines(lines, s.line, s.end_line, &fixed_lines);
            if let Some(size) = smaller(inputs, cache, &fixed, image.size) {
                let what = format!("`{cmd}` without `{flag}` in step {}: with it", s.number);
                out.push(saving(s.line, &what, size, image.size, fixed));
            }
        }
    }
}

fn base_tags(inputs: &Inputs<'_>, result: &BuildResult, lines: &[String], out: &mut Vec<Hint>) {
    for s in result.steps.iter().filter(|s| s.keyword == "FROM") {
        let words: Vec<&str> = s.instruction.split_whitespace().collect();
        let Some(reference) = words.iter().skip(1).find(|w| !w.starts_with("--")) else {
            continue;
        };
        if reference.contains('$') || reference.contains('@') {
            continue;
        }
        let (name, tag) = crate::catalog::normalize_reference(reference);
        if tag != "latest" {
            continue;
        }
        let date = inputs.options.catalog_date.as_deref();
        let Some(entry) = inputs.catalog.lookup(reference, date) else {
            continue;
        };
        let resolved_tag = entry.resolved.split_once(':').map(|(_, t)| t).unwrap_or("");
        let resolved_tag = resolved_tag.split(' ').next().unwrap_or("");
        if resolved_tag.is_empty() || resolved_tag == "latest" {
            continue;
        }
        let pinned = format!("{name}:{resolved_tag}");
        let fixed = replace_lines(
            lines,
            s.line,
            s.line,
            &[lines[s.line - 1].replacen(reference, &pinned, 1)],
        );
        out.push(Hint {
            kind: "unpinned-base",
            lines: vec![s.line],
            message: format!(
                "`{reference}` moves: as of {} it is {}. Pin the tag (`{pinned}`) so the build, and its cache, do not change under you.",
                entry.as_of, entry.resolved
            ),
            fix: Some(fixed),
            writes: None,
        });
    }
}

fn add_for_copy(inputs: &Inputs<'_>, result: &BuildResult, lines: &[String], out: &mut Vec<Hint>) {
    for s in result.steps.iter().filter(|s| s.keyword == "ADD") {
        let words: Vec<&str> = s
            .instruction
            .split_whitespace()
            .skip(1)
            .filter(|w| !w.starts_with("--"))
            .collect();
        let Some((_, sources)) = words.split_last() else {
            continue;
        };
        let plain = !sources.is_empty()
            && sources.iter().all(|src| {
                !src.contains("://")
                    && !src.starts_with("git@")
                    && ![".tar", ".tgz", ".gz", ".bz2", ".xz", ".zst"]
                        .iter()
                        .any(|ext| src.ends_with(ext))
                    && inputs.context.get(src.trim_start_matches("./")).is_some()
            });
        if !plain {
            continue;
        }
        let first = &lines[s.line - 1];
        let Some(at) = first.to_ascii_uppercase().find("ADD") else {
            continue;
        };
        let mut fixed_line = first.clone();
        fixed_line.replace_range(at..at + 3, "COPY");
        let fixed = replace_lines(lines, s.line, s.line, &[fixed_line]);
        out.push(Hint {
            kind: "add-for-copy",
            lines: vec![s.line],
            message: format!(
                "Step {} uses ADD for plain local files; COPY does the same and says so (ADD also fetches URLs and unpacks archives).",
                s.number
            ),
            fix: Some(fixed),
            writes: None,
        });
    }
}
