//! Lesson goals: checks on what a build did and on the cache, never on the
//! text of the Dockerfile. One goal a line:
//!
//! - `build succeeds`
//! - `image size < 150MB` (also `<=`, `>`, `>=`; B, kB, MB, GB are decimal)
//! - `context size < 10kB`
//! - `at most 3 layers` (layers with files, the base's included)
//! - `step "RUN pip install" is CACHED after editing app.py`
//! - `step "RUN apt-get install" is CACHED after changing build-arg VERSION`
//! - `final image has no /var/lib/apt/lists/*` (`*` at the end: any entry in it)
//! - `final image has /usr/share/nginx/html/index.html`
//! - `stage "build" is not in the final image`
//! - `no build-check warnings`
//! - `no hint "deleted-later"`

use crate::build::what_if::{edit_file, Inputs};
use crate::build::{build, BuildOptions, BuildResult, CacheStore};

/// One goal.
#[derive(Clone, Debug, PartialEq)]
pub enum Goal {
    BuildSucceeds,
    ImageSize(Cmp, u64),
    ContextSize(Cmp, u64),
    AtMostLayers(usize),
    CachedAfterEdit { step: String, file: String },
    CachedAfterBuildArg { step: String, arg: String },
    HasNo(String),
    Has(String),
    StageNotInImage(String),
    NoChecks,
    NoHint(String),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cmp {
    Lt,
    Le,
    Gt,
    Ge,
}

impl Cmp {
    fn holds(self, a: u64, b: u64) -> bool {
        match self {
            Cmp::Lt => a < b,
            Cmp::Le => a <= b,
            Cmp::Gt => a > b,
            Cmp::Ge => a >= b,
        }
    }
}

/// `150MB` → 150,000,000 (decimal units, as `docker images` prints them).
fn bytes(text: &str) -> Option<u64> {
    let t = text.trim();
    let split = t
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(t.len());
    let (n, unit) = t.split_at(split);
    let scale: u64 = match unit.trim() {
        "" | "B" => 1,
        "kB" | "KB" => 1_000,
        "MB" => 1_000_000,
        "GB" => 1_000_000_000,
        _ => return None,
    };
    // Decimal digits by hand: parsing floats would bring their tables into
    // the page (about 14 kB gzipped).
    let (whole, fraction) = n.split_once('.').unwrap_or((n, ""));
    let mut value = whole.parse::<u64>().ok()?.checked_mul(scale)?;
    let mut place = scale;
    for d in fraction.chars() {
        place /= 10;
        value += u64::from(d.to_digit(10)?) * place;
    }
    Some(value)
}

fn comparison(rest: &str) -> Option<(Cmp, u64)> {
    let rest = rest.trim();
    for (op, cmp) in [
        ("<=", Cmp::Le),
        (">=", Cmp::Ge),
        ("<", Cmp::Lt),
        (">", Cmp::Gt),
    ] {
        if let Some(v) = rest.strip_prefix(op) {
            return Some((cmp, bytes(v)?));
        }
    }
    None
}

/// `"text"` at the start of `s`: the text and the rest.
fn quoted(s: &str) -> Option<(String, &str)> {
    let s = s.trim_start().strip_prefix('"')?;
    let end = s.find('"')?;
    Some((s[..end].to_owned(), &s[end + 1..]))
}

impl Goal {
    /// Reads one goal line.
    pub fn parse(line: &str) -> Result<Goal, String> {
        let bad = || format!("not a goal layerlab knows: `{line}` (see docs/lessons.md)");
        let l = line.trim();
        if l == "build succeeds" {
            return Ok(Goal::BuildSucceeds);
        }
        if l == "no build-check warnings" {
            return Ok(Goal::NoChecks);
        }
        if let Some(rest) = l.strip_prefix("image size") {
            let (c, n) = comparison(rest).ok_or_else(bad)?;
            return Ok(Goal::ImageSize(c, n));
        }
        if let Some(rest) = l.strip_prefix("context size") {
            let (c, n) = comparison(rest).ok_or_else(bad)?;
            return Ok(Goal::ContextSize(c, n));
        }
        if let Some(rest) = l.strip_prefix("at most ") {
            let n = rest
                .strip_suffix(" layers")
                .or_else(|| rest.strip_suffix(" layer"))
                .and_then(|n| n.trim().parse().ok())
                .ok_or_else(bad)?;
            return Ok(Goal::AtMostLayers(n));
        }
        if let Some(rest) = l.strip_prefix("final image has no ") {
            return Ok(Goal::HasNo(rest.trim().to_owned()));
        }
        if let Some(rest) = l.strip_prefix("final image has ") {
            return Ok(Goal::Has(rest.trim().to_owned()));
        }
        if let Some(rest) = l.strip_prefix("no hint ") {
            let (kind, _) = quoted(rest).ok_or_else(bad)?;
            return Ok(Goal::NoHint(kind));
        }
        if let Some(rest) = l.strip_prefix("stage ") {
            let (name, rest) = quoted(rest).ok_or_else(bad)?;
            if rest.trim() == "is not in the final image" {
                return Ok(Goal::StageNotInImage(name));
            }
            return Err(bad());
        }
        if let Some(rest) = l.strip_prefix("step ") {
            let (step, rest) = quoted(rest).ok_or_else(bad)?;
            let rest = rest.trim();
            if let Some(file) = rest.strip_prefix("is CACHED after editing ") {
                return Ok(Goal::CachedAfterEdit {
                    step,
                    file: file.trim().to_owned(),
                });
            }
            if let Some(arg) = rest.strip_prefix("is CACHED after changing build-arg ") {
                return Ok(Goal::CachedAfterBuildArg {
                    step,
                    arg: arg.trim().to_owned(),
                });
            }
        }
        Err(bad())
    }
}

impl Goal {
    /// The goal in words, for the lesson panel.
    pub fn describe(&self) -> String {
        let cmp = |c: &Cmp| match c {
            Cmp::Lt => "under",
            Cmp::Le => "at most",
            Cmp::Gt => "over",
            Cmp::Ge => "at least",
        };
        let size = |n: &u64| crate::report::human_size(*n);
        match self {
            Goal::BuildSucceeds => "The build succeeds".into(),
            Goal::ImageSize(c, n) => format!("The image is {} {}", cmp(c), size(n)),
            Goal::ContextSize(c, n) => format!("The build context is {} {}", cmp(c), size(n)),
            Goal::AtMostLayers(n) => format!("At most {n} layers"),
            Goal::CachedAfterEdit { step, file } => {
                format!("`{step}` stays cached when {file} changes")
            }
            Goal::CachedAfterBuildArg { step, arg } => {
                format!("`{step}` stays cached when {arg} changes")
            }
            Goal::HasNo(p) => format!("The final image has no {p}"),
            Goal::Has(p) => format!("The final image has {p}"),
            Goal::StageNotInImage(s) => format!("Stage {s} is not in the final image"),
            Goal::NoChecks => "No build-check warnings".into(),
            Goal::NoHint(k) => format!("No {k} hint"),
        }
    }
}

/// Whether a goal is met, and what the build showed.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Verdict {
    pub met: bool,
    pub detail: String,
}

fn verdict(met: bool, detail: String) -> Verdict {
    Verdict { met, detail }
}

/// The first step whose instruction starts with `text`.
fn step_starting<'a>(result: &'a BuildResult, text: &str) -> Option<&'a crate::build::StepResult> {
    result
        .steps
        .iter()
        .find(|s| s.instruction.starts_with(text))
}

/// "editing app.py leaves step 4 cached" (met) or "… rebuilds step 4 (…)".
fn cached_verdict(rebuilt: bool, edit: &str, number: usize, step: &str) -> Verdict {
    if rebuilt {
        verdict(false, format!("{edit} rebuilds step {number} ({step})"))
    } else {
        verdict(true, format!("{edit} leaves step {number} cached"))
    }
}

impl Goal {
    /// Checks the goal against a build (`result`, built from `inputs` over
    /// `cache`); what-if builds run over a scratch copy of the cache.
    pub fn check(&self, inputs: &Inputs<'_>, cache: &CacheStore, result: &BuildResult) -> Verdict {
        let size = |b: u64| crate::report::human_size(b);
        let image = result.image.as_ref();
        match self {
            Goal::BuildSucceeds => verdict(
                result.ok(),
                result
                    .error
                    .as_ref()
                    .map_or("the build succeeds".into(), |e| e.message.clone()),
            ),
            Goal::ImageSize(cmp, n) => match image {
                Some(i) => verdict(
                    cmp.holds(i.size, *n),
                    format!("the image is {}", size(i.size)),
                ),
                None => verdict(false, "no image: the build did not finish".into()),
            },
            Goal::ContextSize(cmp, n) => verdict(
                cmp.holds(result.context_size, *n),
                format!("the context is {}", size(result.context_size)),
            ),
            Goal::AtMostLayers(n) => match image {
                Some(i) => {
                    let count = i.layers.iter().filter(|l| l.size > 0).count();
                    verdict(
                        count <= *n,
                        format!("the image has {count} layers with files"),
                    )
                }
                None => verdict(false, "no image: the build did not finish".into()),
            },
            Goal::CachedAfterEdit { step, file } => {
                let Some(target) = step_starting(result, step) else {
                    return verdict(false, format!("no step starts with `{step}`"));
                };
                match edit_file(inputs, cache, file) {
                    None => verdict(false, format!("the context has no {file}")),
                    Some(r) => {
                        let rebuilt = r.steps.iter().any(|(n, _)| *n == target.number);
                        cached_verdict(rebuilt, &format!("editing {file}"), target.number, step)
                    }
                }
            }
            Goal::CachedAfterBuildArg { step, arg } => {
                let Some(target) = step_starting(result, step) else {
                    return verdict(false, format!("no step starts with `{step}`"));
                };
                let mut options: BuildOptions = inputs.options.clone();
                options.build_args.retain(|(k, _)| k != arg);
                options
                    .build_args
                    .push((arg.clone(), "layerlab-what-if".into()));
                let mut scratch = cache.clone();
                let again = build(
                    inputs.dockerfile,
                    inputs.context,
                    inputs.catalog,
                    &options,
                    &mut scratch,
                    inputs.executor,
                );
                let rebuilt = again
                    .steps
                    .iter()
                    .find(|s| s.number == target.number)
                    .is_none_or(|s| s.miss.is_some());
                cached_verdict(rebuilt, &format!("changing {arg}"), target.number, step)
            }
            Goal::HasNo(pattern) | Goal::Has(pattern) => {
                let Some(last) = result.steps.last().filter(|_| result.ok()) else {
                    return verdict(false, "no image: the build did not finish".into());
                };
                let tree = &last.tree;
                let found = match pattern.strip_suffix("/*") {
                    Some(dir) => {
                        matches!(tree.get(dir), Some(crate::fs::Node::Dir { entries, .. }) if !entries.is_empty())
                    }
                    None => tree.exists(pattern),
                };
                let want = matches!(self, Goal::Has(_));
                let detail = if found {
                    format!("the image has {pattern}")
                } else {
                    format!("the image has no {pattern}")
                };
                verdict(found == want, detail)
            }
            Goal::StageNotInImage(name) => {
                let target = result.steps.last().map(|s| s.stage);
                let stage = result.stages.iter().find(|s| s.name == *name);
                let Some(stage) = stage else {
                    return verdict(false, format!("there is no stage {name}"));
                };
                // The final image is the target stage and the stages it is
                // built FROM, never the ones it only copies from.
                let mut chain = vec![];
                let mut at = target;
                while let Some(i) = at {
                    chain.push(i);
                    let base = &result.stages[i].base;
                    at = result
                        .stages
                        .iter()
                        .position(|s| s.name == *base && !chain.contains(&s.index));
                }
                let inside = chain.contains(&stage.index);
                let detail = if inside {
                    format!("the final image is built on stage {name}")
                } else {
                    format!("stage {name} only feeds the final image")
                };
                verdict(!inside, detail)
            }
            Goal::NoChecks => verdict(
                result.checks.is_empty(),
                match result.checks.first() {
                    Some(c) => format!(
                        "{} build-check warnings, first: {}",
                        result.checks.len(),
                        c.short()
                    ),
                    None => "no build-check warnings".into(),
                },
            ),
            Goal::NoHint(kind) => {
                let hints = crate::hints::hints(inputs, cache, result);
                let found = hints.iter().find(|h| h.kind == kind);
                verdict(
                    found.is_none(),
                    found.map_or(format!("no {kind} hint"), |h| h.message.clone()),
                )
            }
        }
    }
}
