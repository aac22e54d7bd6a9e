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

pub(crate) mod archive;
pub mod cache;
mod context;
pub(crate) mod copy;
mod dispatch;
pub mod executor;
pub mod history;
pub mod ignore;
pub mod stages;
pub mod state;

use std::collections::HashMap;
use std::sync::Arc;

pub use cache::{CacheRecord, CacheStore, MissReason, StepInputs, StepOutput};
pub use context::{Context, ContextFile};
pub use executor::{NoopExecutor, RunContext, RunExecutor, RunOutcome};
pub use history::Builder;
pub use state::{ImageLayer, StageState};

use crate::catalog::Catalog;
use crate::expand::{Env, Lexer};
use crate::fs::{diff, DiffKind, Meta, Tree};
use crate::image::{short_id, HistoryEntry, ImageConfig};
use crate::instructions::{parse_instruction, Command, Instruction};
use stages::{resolve_ref, SourceRef};

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

/// An error that stops the build, with its place in the Dockerfile.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct BuildError {
    pub message: String,
    /// 1-based line, when the error belongs to one.
    pub line: Option<usize>,
    pub column: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum StepStatus {
    /// Taken from the cache.
    Cached,
    /// Run in this build.
    Built,
    /// The step that failed.
    Failed,
}

/// One step of the build.
#[derive(Clone, Debug, serde::Serialize)]
pub struct StepResult {
    /// 1-based position in the whole build (the classic builder's `Step i/N`).
    pub number: usize,
    pub stage: usize,
    /// `builder`, or `stage-0` for an unnamed stage.
    pub stage_name: String,
    pub keyword: String,
    /// The instruction as written.
    pub instruction: String,
    pub line: usize,
    pub end_line: usize,
    /// Ran as an ONBUILD trigger of the base image.
    pub onbuild: bool,
    pub status: StepStatus,
    /// Whether the step makes a filesystem layer (RUN, COPY, ADD, WORKDIR, FROM of an image).
    pub makes_layer: bool,
    pub layer_size: u64,
    pub layer_digest: Option<String>,
    /// Image ID after this step.
    pub image_id: String,
    pub cache_key: String,
    pub miss: Option<MissReason>,
    /// The miss reason in plain words.
    pub miss_text: Option<String>,
    pub history: Option<HistoryEntry>,
    pub notes: Vec<String>,
    pub output: Vec<String>,
    /// Simulated time this step takes when it runs.
    pub duration_ms: u64,
    /// `docker diff` of this step's layer against the step before.
    pub changes: Vec<(String, DiffKind)>,
    /// The union filesystem after this step.
    #[serde(skip)]
    pub tree: Tree,
}

/// A stage of the Dockerfile and whether it was built.
#[derive(Clone, Debug, serde::Serialize)]
pub struct StageSummary {
    pub index: usize,
    pub name: String,
    pub base: String,
    pub line: usize,
    /// False when the target does not reach it.
    pub built: bool,
}

/// The image the build produced (the target stage).
#[derive(Clone, Debug, serde::Serialize)]
pub struct FinalImage {
    pub id: String,
    pub config: ImageConfig,
    /// Sum of all layer sizes, base image included.
    pub size: u64,
    pub layers: Vec<ImageLayer>,
    pub tags: Vec<String>,
    pub base: String,
    pub base_id: String,
    pub base_size: u64,
    pub base_created: Option<String>,
    /// `docker diff` of the image against its base image.
    pub changes: Vec<(String, DiffKind)>,
    /// The image ID known for each history entry (`None` prints `<missing>`).
    pub history_ids: Vec<Option<String>>,
    #[serde(skip)]
    pub tree: Tree,
}

impl FinalImage {
    /// `docker history` rows, newest first.
    pub fn history_rows(&self) -> Vec<crate::report::docker::HistoryRow> {
        let sizes: Vec<u64> = self.layers.iter().map(|l| l.size).collect();
        crate::report::docker::history_rows(&self.config, &sizes, &self.history_ids)
    }
}

/// Everything a build produced, successful or not.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct BuildResult {
    pub steps: Vec<StepResult>,
    pub stages: Vec<StageSummary>,
    pub image: Option<FinalImage>,
    pub error: Option<BuildError>,
    /// Parser warnings and notes (unknown base images, assumptions).
    pub warnings: Vec<BuildError>,
    /// Size of the context tar sent (after `.dockerignore`).
    pub context_size: u64,
    pub builder: Builder,
    /// Instructions in the stages being built, FROM included (the classic `Step i/N`'s N).
    pub instruction_count: usize,
    /// Simulated time of the steps that ran, and of the ones the cache saved.
    pub duration_ms: u64,
    pub saved_ms: u64,
}

impl BuildResult {
    pub fn ok(&self) -> bool {
        self.error.is_none()
    }
}

fn fail(result: &mut BuildResult, message: impl Into<String>, line: Option<usize>) {
    result.error = Some(BuildError {
        message: message.into(),
        line,
        column: 1,
    });
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

    let parsed = match crate::syntax::parse(dockerfile) {
        Ok(p) => p,
        Err(e) => {
            result.error = Some(BuildError {
                message: e.message,
                line: Some(e.start_line.max(1)),
                column: e.column,
            });
            return result;
        }
    };
    for w in &parsed.warnings {
        result.warnings.push(BuildError {
            message: w.message.clone(),
            line: Some(w.line),
            column: 1,
        });
    }
    let escape = parsed.escape;
    let mut instructions = Vec::new();
    for node in &parsed.instructions {
        match parse_instruction(node) {
            Ok(i) => instructions.push(i),
            Err(e) => {
                let column = parsed.line_col(node.keyword.offset).1;
                result.error = Some(BuildError {
                    message: e.message,
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
            fail(&mut result, e.message, Some(e.line));
            return result;
        }
    };
    // Global args: built-ins, then meta ARGs in order (build-args win; rule 9).
    let target_name = match &options.target {
        Some(t) => t.to_lowercase(),
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
    result.instruction_count = plan
        .order
        .iter()
        .map(|i| plan.stages[*i].instructions.len() + 1)
        .sum();
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
        remembered: Vec::new(),
    };
    for &index in &plan.order {
        if runner.run_stage(index).is_err() {
            break;
        }
    }
    let remembered = std::mem::take(&mut runner.remembered);
    let final_state = runner.built.remove(&plan.target);
    drop(runner);
    cache.remember(remembered);
    for stage in &plan.stages {
        result.stages.push(StageSummary {
            index: stage.index,
            name: stage.display_name(),
            base: stage.from.image.clone(),
            line: stage.from_line,
            built: !plan.skipped.contains(&stage.index),
        });
    }
    if let (None, Some(done)) = (&result.error, final_state) {
        let base_tree = done.base_tree.clone();
        result.image = Some(FinalImage {
            id: done.state.config.id(),
            size: done.state.size(),
            layers: done.state.layers.clone(),
            tags: options.tags.clone(),
            base: done.base_ref.clone(),
            base_id: done.base_id.clone(),
            base_size: done.base_size,
            base_created: done.base_created.clone(),
            changes: diff(&base_tree, &done.state.tree).docker_diff(&base_tree),
            history_ids: done.state.history_ids.clone(),
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

/// A finished stage.
#[derive(Clone)]
struct StageDone {
    /// Shared with the cache: a hit costs a pointer copy, a change copies once.
    state: Arc<StageState>,
    base_ref: String,
    base_id: String,
    base_size: u64,
    base_created: Option<String>,
    base_tree: Tree,
}

struct Runner<'a> {
    options: &'a BuildOptions,
    catalog: &'a Catalog,
    cache: &'a mut CacheStore,
    executor: &'a dyn RunExecutor,
    global: &'a Env,
    context: &'a Tree,
    escape: char,
    built: HashMap<usize, StageDone>,
    stages: &'a [stages::StageDef],
    result: &'a mut BuildResult,
    remembered: Vec<StepInputs>,
}

/// Per-stage progress through the cache chain.
struct Chain {
    key: String,
    no_cache: bool,
    /// The first step of this stage that missed (number, instruction).
    first_miss: Option<(usize, String)>,
}

impl Runner<'_> {
    fn run_stage(&mut self, index: usize) -> Result<(), ()> {
        let def = &self.stages[index];
        let stage_name = def.display_name();
        let base_ref = stages::expand_base(&def.from, self.global)
            .map_err(|m| fail(self.result, m, Some(def.from_line)))?;
        let reference = resolve_ref(self.stages, index, &base_ref, true)
            .map_err(|m| fail(self.result, m, Some(def.from_line)))?;
        let no_cache = self.options.no_cache
            || self
                .options
                .no_cache_stages
                .iter()
                .any(|s| s.eq_ignore_ascii_case(&stage_name));
        let (done_base, from_size, from_id, note) = match reference {
            SourceRef::Stage(i) => {
                let Some(parent) = self.built.get(&i) else {
                    fail(
                        self.result,
                        format!("stage {i} was not built"),
                        Some(def.from_line),
                    );
                    return Err(());
                };
                let mut done = parent.clone();
                // Rule 8: the stage's ARGs do not carry over; its config does.
                let state = Arc::make_mut(&mut done.state);
                state.args.clear();
                state.cmd_set = false;
                let id = done.state.config.id();
                (done, 0, id, None)
            }
            SourceRef::Image(r) if r == "scratch" => {
                let state = StageState {
                    tree: Tree::new(),
                    config: ImageConfig::scratch(),
                    args: Vec::new(),
                    cmd_set: false,
                    layers: Vec::new(),
                    history_ids: Vec::new(),
                };
                let done = StageDone {
                    state: Arc::new(state),
                    base_ref: "scratch".into(),
                    base_id: String::new(),
                    base_size: 0,
                    base_created: None,
                    base_tree: Tree::new(),
                };
                (done, 0, String::new(), None)
            }
            SourceRef::Image(r) => {
                let base = self
                    .catalog
                    .base_image(&r, self.options.catalog_date.as_deref());
                let layer_digest = base
                    .config
                    .rootfs
                    .diff_ids
                    .first()
                    .cloned()
                    .unwrap_or_default();
                let layers = vec![ImageLayer {
                    digest: layer_digest,
                    size: base.size,
                    created_by: base
                        .config
                        .history
                        .first()
                        .map(|h| h.created_by.clone())
                        .unwrap_or_default(),
                    step: None,
                }];
                let note = (!base.known).then(|| base.note.clone());
                // An image the catalog does not know has no layers to show.
                let layers = if base.known { layers } else { Vec::new() };
                let mut history_ids = vec![None; base.config.history.len()];
                if let Some(last) = history_ids.last_mut() {
                    *last = Some(base.id.clone());
                }
                let state = StageState {
                    tree: base.tree.clone(),
                    config: base.config.clone(),
                    args: Vec::new(),
                    cmd_set: false,
                    layers,
                    history_ids,
                };
                let done = StageDone {
                    state: Arc::new(state),
                    base_ref: base.reference.clone(),
                    base_id: base.id.clone(),
                    base_size: base.size,
                    base_created: base.created.clone(),
                    base_tree: base.tree,
                };
                (done, base.size, base.id, note)
            }
        };
        if let Some(n) = &note {
            self.result.warnings.push(BuildError {
                message: n.clone(),
                line: Some(def.from_line),
                column: 1,
            });
        }
        let mut done = done_base;
        // The FROM step.
        let inputs = StepInputs {
            position: format!("{stage_name}#0"),
            text: format!("FROM {base_ref}"),
            base: Some(format!("{base_ref}@{from_id}")),
            ..Default::default()
        };
        let key = inputs.key("");
        let from_step = StepResult {
            number: self.result.steps.len() + 1,
            stage: index,
            stage_name: stage_name.clone(),
            keyword: "FROM".into(),
            instruction: def.from_text.clone(),
            line: def.from_line,
            end_line: def.from_line,
            onbuild: false,
            status: if self
                .cache
                .previous_inputs(&inputs.position)
                .is_some_and(|p| p.base == inputs.base)
            {
                StepStatus::Cached
            } else {
                StepStatus::Built
            },
            makes_layer: from_size > 0,
            layer_size: from_size,
            layer_digest: done
                .state
                .layers
                .first()
                .map(|l| l.digest.clone())
                .filter(|_| from_size > 0),
            image_id: if from_id.is_empty() {
                done.state.config.id()
            } else {
                from_id
            },
            cache_key: key.clone(),
            miss: None,
            miss_text: None,
            history: None,
            notes: note.into_iter().collect(),
            output: Vec::new(),
            duration_ms: from_size / 50_000,
            changes: Vec::new(),
            tree: done.state.tree.clone(),
        };
        self.result.steps.push(from_step);
        self.remembered.push(inputs);
        let mut chain = Chain {
            key,
            no_cache,
            first_miss: None,
        };
        // ONBUILD triggers of the base run first, then are cleared (rule 30).
        let triggers = std::mem::take(&mut Arc::make_mut(&mut done.state).config.config.on_build);
        for trigger in triggers {
            let parsed = crate::syntax::parse(trigger.as_bytes());
            let ins = parsed.ok().and_then(|p| {
                p.instructions
                    .first()
                    .and_then(|n| parse_instruction(n).ok())
            });
            let Some(mut ins) = ins else {
                fail(
                    self.result,
                    format!("invalid ONBUILD trigger: {trigger}"),
                    Some(def.from_line),
                );
                return Err(());
            };
            ins.start_line = def.from_line;
            ins.end_line = def.from_line;
            self.run_step(&ins, index, &stage_name, &mut done, &mut chain, true)?;
        }
        for ins in &def.instructions {
            self.run_step(ins, index, &stage_name, &mut done, &mut chain, false)?;
        }
        self.built.insert(index, done);
        Ok(())
    }

    fn stage_tree(&self, reference: &str, current: usize) -> Result<Tree, String> {
        match resolve_ref(self.stages, current, reference, false)? {
            SourceRef::Stage(i) => self
                .built
                .get(&i)
                .map(|d| d.state.tree.clone())
                .ok_or_else(|| format!("stage {reference} was not built")),
            SourceRef::Image(r) => Ok(self
                .catalog
                .base_image(&r, self.options.catalog_date.as_deref())
                .tree),
        }
    }

    fn run_step(
        &mut self,
        ins: &Instruction,
        stage: usize,
        stage_name: &str,
        done: &mut StageDone,
        chain: &mut Chain,
        onbuild: bool,
    ) -> Result<(), ()> {
        let number = self.result.steps.len() + 1;
        let position = format!(
            "{stage_name}#{}{}",
            if onbuild { "onbuild:" } else { "" },
            ins.start_line
        );
        let build_args = self.options.build_args.clone();
        let prepared = {
            let lookup = |r: &str| self.stage_tree(r, stage);
            let sources = dispatch::Sources {
                context: self.context,
                stage_tree: &lookup,
                builder: self.options.builder,
                build_args: &build_args,
                global: self.global,
            };
            dispatch::prepare(ins, &done.state, &sources, self.escape, position)
        };
        let prepared = match prepared {
            Ok(p) => p,
            Err(message) => {
                fail(self.result, message, Some(ins.start_line));
                return Err(());
            }
        };
        let key = prepared.inputs.key(&chain.key);
        let usable = !chain.no_cache && chain.first_miss.is_none();
        let record = if usable {
            self.cache.get(&key).cloned()
        } else {
            None
        };
        let before = done.state.tree.clone();
        let mut notes = Vec::new();
        let mut output = Vec::new();
        let mut duration_ms = 1;
        let mut status = StepStatus::Built;
        let mut miss = None;
        let mut layer = None;
        let reused = record.as_ref().and_then(|r| r.output.clone());
        if let Some(out) = reused {
            done.state = out.state.clone();
            layer = out.layer.clone();
        } else {
            match dispatch::apply(
                &prepared.action,
                Arc::make_mut(&mut done.state),
                self.executor,
            ) {
                Ok(Some(outcome)) => {
                    notes.extend(outcome.notes.iter().cloned());
                    output = outcome.output.clone();
                    duration_ms = outcome.duration_ms.max(1);
                    if outcome.exit_code != 0 {
                        let cmd = match &prepared.action {
                            dispatch::Action::Run { argv, .. } => argv.join(" "),
                            _ => String::new(),
                        };
                        let message = match self.options.builder {
                            Builder::BuildKit => format!(
                                "process \"{cmd}\" did not complete successfully: exit code: {}",
                                outcome.exit_code
                            ),
                            Builder::Classic => format!(
                                "The command '{cmd}' returned a non-zero code: {}",
                                outcome.exit_code
                            ),
                        };
                        self.push_failed(
                            ins, stage, stage_name, number, onbuild, key, notes, output,
                        );
                        fail(self.result, message, Some(ins.start_line));
                        return Err(());
                    }
                }
                Ok(None) => {}
                Err(message) => {
                    self.push_failed(ins, stage, stage_name, number, onbuild, key, notes, output);
                    fail(self.result, message, Some(ins.start_line));
                    return Err(());
                }
            }
        }
        if let dispatch::Action::Copy { plan, .. } = &prepared.action {
            notes.extend(plan.notes.iter().cloned());
        }
        let layer = match layer {
            Some(l) => Some(l),
            None if prepared.makes_layer => Some(diff(&before, &done.state.tree)),
            None => None,
        };
        // History and rootfs, then the step's image ID.
        let created = record
            .as_ref()
            .and_then(|r| r.created.clone())
            .or_else(|| self.options.now.clone());
        let entry = HistoryEntry {
            created,
            created_by: prepared.created_by.clone(),
            comment: history::comment(self.options.builder),
            empty_layer: layer.is_none(),
        };
        let keeps_history = !(matches!(ins.command, Command::Onbuild { .. })
            && self.options.builder == Builder::BuildKit);
        if record.as_ref().and_then(|r| r.output.as_ref()).is_none() {
            if keeps_history {
                Arc::make_mut(&mut done.state)
                    .config
                    .history
                    .push(entry.clone());
            }
            if let Some(l) = &layer {
                let state = Arc::make_mut(&mut done.state);
                state.config.rootfs.diff_ids.push(l.digest());
                state.layers.push(ImageLayer {
                    digest: l.digest(),
                    size: l.size(),
                    created_by: entry.created_by.clone(),
                    step: Some(number - 1),
                });
            }
        }
        // A hit keeps the ID it had; only a rebuilt step hashes its config.
        let image_id = match &record {
            Some(r) => r.image_id.clone(),
            None => done.state.config.id(),
        };
        if keeps_history && record.as_ref().and_then(|r| r.output.as_ref()).is_none() {
            Arc::make_mut(&mut done.state)
                .history_ids
                .push(Some(image_id.clone()));
        }
        match &record {
            Some(r) => {
                status = StepStatus::Cached;
                duration_ms = r.duration_ms.max(1);
            }
            None => {
                let reason = if chain.no_cache {
                    MissReason::NoCache
                } else if let Some((step, instruction)) = &chain.first_miss {
                    MissReason::ParentRebuilt {
                        step: *step,
                        instruction: instruction.clone(),
                    }
                } else {
                    MissReason::between(
                        self.cache.previous_inputs(&prepared.inputs.position),
                        &prepared.inputs,
                    )
                };
                if chain.first_miss.is_none() {
                    chain.first_miss = Some((number, ins.original.clone()));
                }
                miss = Some(reason);
                self.cache.insert(
                    key.clone(),
                    CacheRecord {
                        image_id: image_id.clone(),
                        created: self.options.now.clone(),
                        layer_size: layer.as_ref().map_or(0, |l| l.size()),
                        duration_ms,
                        output: Some(Arc::new(StepOutput {
                            state: done.state.clone(),
                            layer: layer.clone(),
                        })),
                    },
                );
            }
        }
        chain.key = key.clone();
        let keyword = if onbuild {
            format!("ONBUILD {}", ins.keyword)
        } else {
            ins.keyword.clone()
        };
        let miss_text = miss.as_ref().map(|m| m.explain(&ins.keyword));
        let changes = layer
            .as_ref()
            .map(|l| l.docker_diff(&before))
            .unwrap_or_default();
        self.remembered.push(prepared.inputs);
        self.result.steps.push(StepResult {
            number,
            stage,
            stage_name: stage_name.to_owned(),
            keyword,
            instruction: ins.original.clone(),
            line: ins.start_line,
            end_line: ins.end_line,
            onbuild,
            status,
            makes_layer: layer.is_some(),
            layer_size: layer.as_ref().map_or(0, |l| l.size()),
            layer_digest: layer.as_ref().map(|l| l.digest()),
            image_id,
            cache_key: key,
            miss,
            miss_text,
            history: keeps_history.then_some(entry),
            notes,
            output,
            duration_ms,
            changes,
            tree: done.state.tree.clone(),
        });
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn push_failed(
        &mut self,
        ins: &Instruction,
        stage: usize,
        stage_name: &str,
        number: usize,
        onbuild: bool,
        key: String,
        notes: Vec<String>,
        output: Vec<String>,
    ) {
        self.result.steps.push(StepResult {
            number,
            stage,
            stage_name: stage_name.to_owned(),
            keyword: if onbuild {
                format!("ONBUILD {}", ins.keyword)
            } else {
                ins.keyword.clone()
            },
            instruction: ins.original.clone(),
            line: ins.start_line,
            end_line: ins.end_line,
            onbuild,
            status: StepStatus::Failed,
            makes_layer: false,
            layer_size: 0,
            layer_digest: None,
            image_id: String::new(),
            cache_key: key,
            miss: None,
            miss_text: None,
            history: None,
            notes,
            output,
            duration_ms: 0,
            changes: Vec::new(),
            tree: Tree::new(),
        });
    }
}

/// The short ID Docker prints for a full image ID.
pub fn short(id: &str) -> &str {
    short_id(id)
}

#[cfg(test)]
mod tests;
