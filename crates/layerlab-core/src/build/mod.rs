//! The builder: Dockerfile + context → steps, layers, cache hits and the image.
//!
//! [`build`] parses, types and plans the Dockerfile, then runs the reachable
//! stages in dependency order. Every step gets a cache key (parent key plus
//! its inputs); a hit reuses the earlier result, a miss runs the step, says why
//! it missed, and makes every later step of the stage rebuild. The result holds
//! everything the reports and the playground show; nothing is printed here.
//!
//! ```
//! use layerlab_core::build::{build, BuildOptions, CacheStore, Context, NoopExecutor};
//! use layerlab_core::catalog::Catalog;
//! let mut ctx = Context::new();
//! ctx.add("app.py", b"print('hi')\n");
//! let dockerfile = b"FROM scratch\nCOPY app.py /app/\nCMD [\"python\", \"/app/app.py\"]\n";
//! let mut cache = CacheStore::new();
//! let opts = BuildOptions::default();
//! let first = build(dockerfile, &ctx, &Catalog::default(), &opts, &mut cache, &NoopExecutor);
//! assert_eq!(first.image.as_ref().unwrap().size, 12);
//! let second = build(dockerfile, &ctx, &Catalog::default(), &opts, &mut cache, &NoopExecutor);
//! assert!(second.steps.iter().skip(1).all(|s| s.status == layerlab_core::build::StepStatus::Cached));
//! ```

pub mod cache;
mod context;
pub(crate) mod copy;
mod dispatch;
pub mod executor;
mod from;
pub mod history;
pub mod ignore;
mod note;
mod result;
mod runner;
pub mod stages;
pub mod state;
pub mod what_if;

use std::collections::HashMap;

pub use cache::{CacheRecord, CacheStore, MissReason, StepInputs, StepOutput};
pub use context::{Context, ContextFile};
pub use executor::{NoopExecutor, RunContext, RunExecutor, RunOutcome};
pub use history::Builder;
pub use note::{Note, NoteKind};
pub use result::{BuildError, BuildResult, FinalImage, Pull, StageSummary, StepResult, StepStatus};
pub use state::{ImageLayer, StageState};

use crate::catalog::Catalog;
use crate::expand::{Env, Lexer};
use crate::fs::{diff, Meta, Tree};
use crate::image::short_id;
use crate::instructions::{parse_instruction, Command};
use runner::Runner;

/// How to build.
#[derive(Clone, Debug, Default)]
pub struct BuildOptions {
    /// Path of the Dockerfile in the context (for `<name>.dockerignore`); default `Dockerfile`.
    pub dockerfile_path: Option<String>,
    pub target: Option<String>,
    pub build_args: Vec<(String, String)>,
    pub no_cache: bool,
    /// Stages (by name) that must not use the cache.
    pub no_cache_stages: Vec<String>,
    pub tags: Vec<String>,
    pub builder: Builder,
    /// Resolve tags as of this date (`YYYY-MM[-DD]`); default the newest data.
    pub catalog_date: Option<String>,
    /// RFC 3339 time recorded for newly built steps (the core never reads the clock).
    pub now: Option<String>,
}

/// The most layers overlayfs stacks for a container (moby/buildkit#3067: an
/// image of 129 layers builds but does not run).
const MAX_RUNNABLE_LAYERS: usize = 127;

fn fail(result: &mut BuildResult, message: impl Into<String>, line: Option<usize>) {
    result.error = Some(BuildError {
        message: message.into(),
        line,
        column: 1,
    });
}

/// What Docker's build checks look at for one build.
struct Checking<'a> {
    parsed: &'a crate::syntax::Parsed,
    options: &'a BuildOptions,
    catalog: &'a Catalog,
    ignore: &'a ignore::IgnoreMatcher,
    dockerfile: &'a [u8],
    target: &'a str,
}

impl Checking<'_> {
    /// The checks that fire (none for the classic builder) and the
    /// directive's configuration, or the directive's parse error.
    fn run(
        &self,
        reachable: &dyn Fn(usize) -> bool,
    ) -> Result<(Vec<crate::checks::Check>, crate::checks::Config), String> {
        if self.options.builder != Builder::BuildKit {
            return Ok((Vec::new(), crate::checks::Config::default()));
        }
        let config = match self.parsed.directives.iter().find(|d| d.name == "check") {
            Some(d) => crate::checks::Config::parse(&d.value)?,
            None => crate::checks::Config::default(),
        };
        let builtins = builtin_args(self.target);
        // A base's environment, as its config has it (with the PATH every
        // stage gets); `None` when the catalog does not know it yet.
        let base_env = |reference: &str| -> Option<Vec<String>> {
            let mut env = if reference.eq_ignore_ascii_case("scratch") {
                Vec::new()
            } else {
                let date = self.options.catalog_date.as_deref();
                let (entry, _) = self.catalog.resolve(reference, date)?;
                self.catalog
                    .detailed(entry)?
                    .config
                    .env
                    .clone()
                    .unwrap_or_default()
            };
            if !env.iter().any(|e| e.starts_with("PATH=")) {
                env.insert(0, crate::image::DEFAULT_PATH.to_owned());
            }
            Some(env)
        };
        let checks = crate::checks::run(
            self.parsed,
            &config,
            &crate::checks::Scope {
                reachable,
                builtin_args: &builtins,
                base_env: &base_env,
                ignore: (!self.ignore.is_empty()).then_some(self.ignore),
                source: self.dockerfile,
            },
        );
        Ok((checks, config))
    }
}

/// Turns the context into a filesystem rooted at `/` (after `.dockerignore`).
fn context_tree(context: &Context, ignore: &ignore::IgnoreMatcher) -> Tree {
    let mut t = Tree::new();
    for (p, f) in context.files() {
        if ignore.excludes(p) {
            continue;
        }
        let meta = Meta {
            mode: f.mode,
            uid: 0,
            gid: 0,
        };
        let _ = t.write_file(
            &format!("/{p}"),
            meta,
            crate::fs::Content::Bytes(f.data.clone()),
        );
    }
    t
}

/// Built-in global ARGs (rule 13), for linux/amd64.
fn builtin_args(target_stage: &str) -> Vec<(String, String)> {
    [
        ("BUILDPLATFORM", "linux/amd64"),
        ("BUILDOS", "linux"),
        ("BUILDARCH", "amd64"),
        ("BUILDVARIANT", ""),
        ("TARGETPLATFORM", "linux/amd64"),
        ("TARGETOS", "linux"),
        ("TARGETARCH", "amd64"),
        ("TARGETVARIANT", ""),
        ("TARGETSTAGE", target_stage),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect()
}

/// Runs a build. Never panics on bad input: errors end up in `result.error`.
pub fn build(
    dockerfile: &[u8],
    context: &Context,
    catalog: &Catalog,
    options: &BuildOptions,
    cache: &mut CacheStore,
    executor: &dyn RunExecutor,
) -> BuildResult {
    let mut result = BuildResult {
        builder: options.builder,
        ..BuildResult::default()
    };
    let dockerfile_path = options
        .dockerfile_path
        .clone()
        .unwrap_or_else(|| "Dockerfile".into());
    let ignore = context.ignore_for(&dockerfile_path);
    result.context_size = context.tar_size(&ignore);

    // One lenient parse: its first error is BuildKit's, and every error
    // and warning is kept for editors (the session's diagnostics).
    let (parsed, errors) = crate::syntax::parse_lenient(dockerfile);
    for w in &parsed.warnings {
        result.warnings.push(BuildError {
            message: w.message.clone(),
            line: Some(w.line),
            column: 1,
        });
    }
    if let Some(e) = errors.first() {
        result.error = Some(BuildError {
            message: e.message.clone(),
            line: Some(e.start_line.max(1)),
            column: e.column,
        });
        result.parse_errors = errors;
        return result;
    }
    let escape = parsed.escape;
    let mut instructions = Vec::new();
    for node in &parsed.instructions {
        match parse_instruction(node) {
            Ok(i) => instructions.push(i),
            Err(e) => {
                let column = parsed.line_col(node.keyword().offset).1;
                // BuildKit's instructions.Parse wraps what typing rejects.
                result.error = Some(BuildError {
                    message: format!("dockerfile parse error on line {}: {}", e.line, e.message),
                    line: Some(e.line),
                    column,
                });
                return result;
            }
        }
    }
    let (meta_args, stage_defs) = match stages::split(instructions) {
        Ok(x) => x,
        Err(e) => {
            // The checks made while parsing still show (no stage is dispatched).
            let checking = Checking {
                parsed: &parsed,
                options,
                catalog,
                ignore: &ignore,
                dockerfile,
                target: "default",
            };
            result.checks = checking.run(&|_| false).map(|(c, _)| c).unwrap_or_default();
            fail(&mut result, e.message, Some(e.line));
            return result;
        }
    };
    // Global args: built-ins, then meta ARGs in order (build-args win; rule 9).
    let target_name = match &options.target {
        Some(t) => crate::text::go_lower(t),
        None => stage_defs
            .last()
            .and_then(|s| s.name.clone())
            .unwrap_or_else(|| "default".into()),
    };
    let mut global = Env::from_pairs(
        builtin_args(&target_name)
            .iter()
            .map(|(k, v)| format!("{k}={v}")),
    );
    for ins in &meta_args {
        if let Command::Arg { args } = &ins.command {
            for (name, default) in args {
                let value = match options.build_args.iter().rev().find(|(k, _)| k == name) {
                    Some((_, v)) => Some(v.clone()),
                    None => match default {
                        Some(d) => match Lexer::new(escape).expand_word(d, &global) {
                            Ok(v) => Some(v),
                            Err(e) => {
                                fail(&mut result, e.message, Some(ins.start_line));
                                return result;
                            }
                        },
                        None => None,
                    },
                };
                if let Some(v) = value {
                    global.set(name, &v);
                }
            }
        }
    }
    let plan = match stages::plan(meta_args, stage_defs, options.target.as_deref(), &global) {
        Ok(p) => p,
        Err(e) => {
            fail(&mut result, e.message, Some(e.line));
            return result;
        }
    };
    // Docker's build checks (BuildKit runs them on every build).
    let reachable = |i: usize| !plan.skipped.contains(&i);
    let checked = Checking {
        parsed: &parsed,
        options,
        catalog,
        ignore: &ignore,
        dockerfile,
        target: &target_name,
    };
    match checked.run(&reachable) {
        Ok((checks, config)) => {
            result.checks = checks;
            // error=true: the build fails before anything runs.
            if config.error {
                if let Some(message) = crate::checks::violation(&result.checks) {
                    fail(&mut result, message, None);
                    return result;
                }
            }
        }
        Err(e) => {
            fail(&mut result, e, None);
            return result;
        }
    }
    result.instruction_count = plan
        .order
        .iter()
        .map(|i| plan.stages[*i].instructions.len() + 1)
        .sum();
    let instruction_count = result.instruction_count;
    result.steps.reserve(instruction_count);
    cache.reserve(instruction_count);
    let context_fs = context_tree(context, &ignore);
    let mut runner = Runner {
        options,
        catalog,
        cache,
        executor,
        global: &global,
        context: &context_fs,
        escape,
        built: HashMap::new(),
        stages: &plan.stages,
        result: &mut result,
        remembered: Vec::with_capacity(instruction_count),
    };
    for &index in &plan.order {
        if runner.run_stage(index).is_err() {
            break;
        }
    }
    let remembered = std::mem::take(&mut runner.remembered);
    let final_state = runner.built.remove(&plan.target);
    drop(runner);
    if result.pending.is_empty() {
        cache.remember(remembered);
    }
    for stage in &plan.stages {
        result.stages.push(StageSummary {
            index: stage.index,
            name: stage.display_name(),
            base: stage.from.image.clone(),
            reference: stages::expand_base(&stage.from, &global)
                .unwrap_or_else(|_| stage.from.image.clone()),
            line: stage.from_line,
            built: !plan.skipped.contains(&stage.index),
            vertices: stage
                .instructions
                .iter()
                .filter(|i| matches!(i.keyword.as_str(), "RUN" | "COPY" | "ADD" | "WORKDIR"))
                .count(),
        });
    }
    if let (None, Some(done)) = (&result.error, final_state) {
        let base_tree = done.base_tree.clone();
        let id = done.state.config.id();
        let mut history_ids: Vec<Option<String>> = done.state.history_ids.iter().cloned().collect();
        if let Some(top) = history_ids.last_mut() {
            *top = Some(id.clone());
        }
        if done.state.layers.len() > MAX_RUNNABLE_LAYERS {
            result.warnings.push(BuildError {
                message: format!(
                    "the image has {} layers: Docker builds it, but `docker run` fails with \"max depth exceeded\" above {MAX_RUNNABLE_LAYERS} (merge RUN lines)",
                    done.state.layers.len()
                ),
                line: None,
                column: 1,
            });
        }
        result.image = Some(FinalImage {
            id,
            size: done.state.size(),
            layers: done.state.layers.clone(),
            tags: options.tags.clone(),
            base: done.base_ref.clone(),
            base_id: done.base_id.clone(),
            base_size: done.base_size,
            base_created: done.base_created.clone(),
            changes: diff(&base_tree, &done.state.tree).docker_diff(&base_tree),
            history_ids,
            tree: done.state.tree.clone(),
            config: done.state.config.clone(),
        });
    }
    result.duration_ms = result
        .steps
        .iter()
        .filter(|s| s.status != StepStatus::Cached)
        .map(|s| s.duration_ms)
        .sum();
    result.saved_ms = result
        .steps
        .iter()
        .filter(|s| s.status == StepStatus::Cached)
        .map(|s| s.duration_ms)
        .sum();
    result
}

/// The short ID Docker prints for a full image ID.
pub fn short(id: &str) -> &str {
    short_id(id)
}

#[cfg(test)]
mod tests;
