//! Running the stages: FROM (base image, earlier stage or scratch), ONBUILD
//! triggers, then each instruction through the cache: prepare, look the key
//! up, reuse the stored state on a hit, apply and record on a miss.

use std::collections::HashMap;
use std::sync::Arc;

use super::cache::{CacheRecord, CacheStore, MissReason, StepInputs, StepOutput};
use super::dispatch;
use super::executor::RunExecutor;
use super::history::{self, Builder};
use super::result::{BuildError, BuildResult, StepResult, StepStatus};
use super::stages::{self, resolve_ref, SourceRef};
use super::state::{ImageLayer, StageState};
use super::{fail, BuildOptions};
use crate::catalog::Catalog;
use crate::expand::Env;
use crate::fs::{diff, Tree};
use crate::image::{HistoryEntry, ImageConfig};
use crate::instructions::{parse_instruction, Command, Instruction};

/// A finished stage.
#[derive(Clone)]
pub(super) struct StageDone {
    /// Shared with the cache: a hit costs a pointer copy, a change copies once.
    pub(super) state: Arc<StageState>,
    pub(super) base_ref: String,
    pub(super) base_id: String,
    pub(super) base_size: u64,
    pub(super) base_created: Option<String>,
    pub(super) base_tree: Tree,
}

/// Layers an image may have below a classic-builder container (with its init
/// and writable layers on top, overlayfs stops at about 127): Docker 18's
/// `Step 126/129 : RUN …` over a one-layer alpine printed `max depth exceeded`.
const MAX_CLASSIC_DEPTH: usize = 125;

pub(super) struct Runner<'a> {
    pub(super) options: &'a BuildOptions,
    pub(super) catalog: &'a Catalog,
    pub(super) cache: &'a mut CacheStore,
    pub(super) executor: &'a dyn RunExecutor,
    pub(super) global: &'a Env,
    pub(super) context: &'a Tree,
    pub(super) escape: char,
    pub(super) built: HashMap<usize, StageDone>,
    pub(super) stages: &'a [stages::StageDef],
    pub(super) result: &'a mut BuildResult,
    pub(super) remembered: Vec<StepInputs>,
}

/// Per-stage progress through the cache chain.
struct Chain {
    key: String,
    no_cache: bool,
    /// The first step of this stage that missed (number, instruction).
    first_miss: Option<(usize, String)>,
    /// The FROM step, when its base is not the one the previous build had
    /// here: later steps sit on a new parent (number, instruction).
    new_base: Option<(usize, String)>,
}

/// Where a step stands in the build, for its result.
struct StepAt<'a> {
    ins: &'a Instruction,
    stage: usize,
    stage_name: &'a str,
    number: usize,
    onbuild: bool,
}

/// What a failed step shows, and the build's error.
struct Failed {
    message: String,
    key: String,
    notes: Vec<crate::build::Note>,
    output: Vec<String>,
    duration_ms: u64,
}

impl Failed {
    fn new(message: String, key: String) -> Self {
        Failed {
            message,
            key,
            notes: Vec::new(),
            output: Vec::new(),
            duration_ms: 0,
        }
    }
}

impl Runner<'_> {
    /// What the cache keys say of the builder: the classic builder's cache is
    /// not BuildKit's (see [`StepInputs::builder`]).
    fn builder_name(&self) -> String {
        match self.options.builder {
            Builder::Classic => "classic".into(),
            Builder::BuildKit => String::new(),
        }
    }

    pub(super) fn run_stage(&mut self, index: usize) -> Result<(), ()> {
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
                    layers: crate::chain::Chain::new(),
                    history_ids: crate::chain::Chain::new(),
                    // Empty, so fully known: a RUN finds no shell there.
                    programs_known: true,
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
                let layer_digest = base.layer_digest();
                let layers: crate::chain::Chain<ImageLayer> = std::iter::once(ImageLayer {
                    digest: layer_digest,
                    size: base.size,
                    created_by: base
                        .config
                        .history
                        .front()
                        .map(|h| h.created_by.clone())
                        .unwrap_or_default(),
                    step: None,
                })
                .collect();
                // What the FROM step says of its base: unknown, stood in for,
                // an alias followed, or still loading.
                use crate::catalog::resolve::Match;
                let note = match (&base.matched, &base.pending) {
                    (_, Some(key)) => {
                        self.result.pending.push(key.clone());
                        Some(base.note.clone())
                    }
                    (None, _) | (Some(Match::StandIn(_)), _) | (Some(Match::Alias), _) => {
                        Some(base.note.clone())
                    }
                    (Some(Match::Exact), _) => None,
                };
                let warn = !base.known || matches!(base.matched, Some(Match::StandIn(_)));
                let note = note.map(|n| (n, warn));
                // An image the catalog does not know has no layers to show.
                let layers = if base.known {
                    layers
                } else {
                    crate::chain::Chain::new()
                };
                // Only the base image's own ID is known (its history is one entry per layer).
                let n = base.config.history.len();
                let history_ids: crate::chain::Chain<Option<String>> = (0..n)
                    .map(|i| (i + 1 == n).then(|| base.id.clone()))
                    .collect();
                let state = StageState {
                    tree: base.tree.clone(),
                    config: base.config.clone(),
                    args: Vec::new(),
                    cmd_set: false,
                    layers,
                    history_ids,
                    programs_known: base.programs_known,
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
        if let Some((n, true)) = &note {
            self.result.warnings.push(BuildError {
                message: n.clone(),
                line: Some(def.from_line),
                column: 1,
            });
        }
        let note = note.map(|(n, _)| n);
        let mut done = done_base;
        // The FROM step.
        let inputs = StepInputs {
            position: format!("{stage_name}#0"),
            text: format!("FROM {base_ref}"),
            base: Some(format!("{base_ref}@{from_id}")),
            builder: self.builder_name(),
            ..Default::default()
        };
        let key = inputs.key("");
        // The base the previous build had here: the same (CACHED), or the
        // FROM is why every later step of the stage sits on a new parent.
        let number = self.result.steps.len() + 1;
        let previous = self.cache.previous_inputs(&inputs.position);
        let same_base =
            previous.is_some_and(|p| p.base == inputs.base && p.builder == inputs.builder);
        let from_miss = (!same_base).then(|| MissReason::between(previous, &inputs));
        let new_base = previous
            .filter(|p| p.base != inputs.base)
            .map(|_| (number, def.from_text.clone()));
        let from_step = StepResult {
            number,
            stage: index,
            stage_name: stage_name.clone(),
            keyword: "FROM".into(),
            instruction: def.from_text.clone(),
            line: def.from_line,
            end_line: def.from_line,
            onbuild: false,
            status: if same_base {
                StepStatus::Cached
            } else {
                StepStatus::Built
            },
            makes_layer: from_size > 0,
            layer_size: from_size,
            layer_digest: done
                .state
                .layers
                .front()
                .map(|l| l.digest.clone())
                .filter(|_| from_size > 0),
            image_id: if from_id.is_empty() {
                done.state.config.id()
            } else {
                from_id
            },
            cache_key: key.clone(),
            miss_text: from_miss.as_ref().map(|m| m.explain("FROM")),
            miss: from_miss,
            history: None,
            notes: note.into_iter().map(crate::build::Note::info).collect(),
            output: Vec::new(),
            duration_ms: from_size / 50_000,
            changes: Vec::new(),
            tree: done.state.tree.clone(),
            pulled: None,
        };
        self.result.steps.push(from_step);
        self.remembered.push(inputs);
        let mut chain = Chain {
            key,
            no_cache,
            first_miss: None,
            new_base,
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

    /// The files `--from=reference` copies from, and whether they are all
    /// known: a stage's are unless one of its steps ran a command layerlab
    /// could not simulate; an image's never are (the catalog summarises them).
    fn stage_tree(&self, reference: &str, current: usize) -> Result<(Tree, bool), String> {
        match resolve_ref(self.stages, current, reference, false)? {
            SourceRef::Stage(i) => self
                .built
                .get(&i)
                .map(|d| (d.state.tree.clone(), d.state.programs_known))
                .ok_or_else(|| format!("stage {reference} was not built")),
            SourceRef::Image(r) => Ok((
                self.catalog
                    .base_image(&r, self.options.catalog_date.as_deref())
                    .tree,
                false,
            )),
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
        let at = StepAt {
            ins,
            stage,
            stage_name,
            number,
            onbuild,
        };
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
                // The step shows as failed (a COPY whose source is missing is
                // a vertex with an ERROR in BuildKit's log).
                return self.fail_step(&at, Failed::new(message, String::new()));
            }
        };
        let mut prepared = prepared;
        prepared.inputs.builder = self.builder_name();
        // The classic builder keys an ARG step by its line as written: a
        // --build-arg value does not change it (the steps that see the
        // value, like a RUN, miss instead).
        if self.options.builder == Builder::Classic && ins.keyword == "ARG" {
            prepared.inputs.args.clear();
            prepared.inputs.text = ins.original.clone();
        }
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
        let mut reused_digest = None;
        let reused = record.as_ref().and_then(|r| r.output.clone());
        if let Some(out) = reused {
            done.state = out.state.clone();
            layer = out.layer.clone();
            reused_digest = out.layer_digest.clone();
            // A classic ARG hit (keyed by its line) still sets this build's
            // values, which the next steps see.
            if matches!(prepared.action, dispatch::Action::Arg(_)) {
                let _ = dispatch::apply(
                    &prepared.action,
                    Arc::make_mut(&mut done.state),
                    self.executor,
                    false,
                );
            }
        } else {
            // The classic builder runs RUN/COPY/ADD in a container over the image's
            // layers; overlayfs refuses to stack them past its depth limit.
            if self.options.builder == Builder::Classic
                && done.state.layers.len() >= MAX_CLASSIC_DEPTH
                && matches!(
                    prepared.action,
                    dispatch::Action::Run { .. } | dispatch::Action::Copy { .. }
                )
            {
                let failed = Failed {
                    notes,
                    output,
                    ..Failed::new("max depth exceeded".into(), key)
                };
                return self.fail_step(&at, failed);
            }
            let strict_path = done.state.programs_known;
            match dispatch::apply(
                &prepared.action,
                Arc::make_mut(&mut done.state),
                self.executor,
                strict_path,
            ) {
                Ok(Some(outcome)) => {
                    notes.extend(outcome.notes.iter().cloned());
                    // After a command layerlab could not simulate, the image may hold
                    // programs it does not know of: later steps must not call them missing.
                    if outcome.notes.iter().any(crate::build::Note::is_unsimulated) {
                        Arc::make_mut(&mut done.state).programs_known = false;
                    }
                    output = outcome.output.clone();
                    duration_ms = outcome.duration_ms.max(1);
                    if outcome.exit_code != 0 {
                        let cmd = match &prepared.action {
                            dispatch::Action::Run { argv, .. } => argv.join(" "),
                            _ => String::new(),
                        };
                        let builder = self.options.builder;
                        if let (Builder::BuildKit, Some(e)) = (builder, &outcome.start_error) {
                            // BuildKit logs runc's failure as the step's output.
                            output.push(format!("runc run failed: {e}"));
                        }
                        let message = match (builder, &outcome.start_error) {
                            // The classic builder reports the daemon's error.
                            (Builder::Classic, Some(e)) => format!(
                                "failed to create task for container: failed to create shim task: OCI runtime create failed: runc create failed: {e}: unknown"
                            ),
                            (Builder::Classic, None) => format!(
                                "The command '{cmd}' returned a non-zero code: {}",
                                outcome.exit_code
                            ),
                            (Builder::BuildKit, _) => format!(
                                "process \"{cmd}\" did not complete successfully: exit code: {}",
                                outcome.exit_code
                            ),
                        };
                        let failed = Failed {
                            notes,
                            output,
                            // The log's times are taken from how long the step ran.
                            duration_ms: outcome.duration_ms,
                            ..Failed::new(message, key)
                        };
                        return self.fail_step(&at, failed);
                    }
                }
                Ok(None) => {}
                Err(message) => {
                    let failed = Failed {
                        notes,
                        output,
                        ..Failed::new(message, key)
                    };
                    return self.fail_step(&at, failed);
                }
            }
        }
        if let dispatch::Action::Copy { plan, .. } = &prepared.action {
            notes.extend(plan.notes.iter().cloned());
            // Files from a stage or image layerlab does not fully know (after
            // an unsimulated command, or an image's summarised files): later
            // steps must not call a program missing that they may have brought.
            if plan.source_incomplete && done.state.programs_known {
                Arc::make_mut(&mut done.state).programs_known = false;
            }
        }
        let layer = match layer {
            Some(l) => Some(l),
            None if prepared.makes_layer => Some(Arc::new(diff(&before, &done.state.tree))),
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
        // The layer's digest, computed once (it hashes every change).
        let layer_digest = reused_digest.or_else(|| layer.as_ref().map(|l| l.digest()));
        if record.as_ref().and_then(|r| r.output.as_ref()).is_none() {
            if keeps_history {
                Arc::make_mut(&mut done.state)
                    .config
                    .history
                    .push_back(entry.clone());
            }
            if let (Some(l), Some(digest)) = (&layer, &layer_digest) {
                let state = Arc::make_mut(&mut done.state);
                let digest = digest.clone();
                state.config.rootfs.diff_ids.push_back(digest.clone());
                state.layers.push_back(ImageLayer {
                    digest,
                    size: l.size(),
                    created_by: entry.created_by.clone(),
                    step: Some(number - 1),
                });
            }
        }
        // A hit keeps the ID it had; only a rebuilt step hashes its config. The
        // classic builder commits an image per step; BuildKit only the final one
        // (its `docker history` prints `<missing>` below the top row), which also
        // keeps a 10,000-step build from hashing 10,000 growing configs.
        let image_id = match (&record, self.options.builder) {
            (Some(r), _) => r.image_id.clone(),
            (None, Builder::Classic) => done.state.config.id(),
            (None, Builder::BuildKit) => String::new(),
        };
        if keeps_history && record.as_ref().and_then(|r| r.output.as_ref()).is_none() {
            Arc::make_mut(&mut done.state)
                .history_ids
                .push_back(Some(image_id.clone()).filter(|id| !id.is_empty()));
        }
        // What the step result shows of the layer, taken before the layer
        // itself moves into the cache record.
        let layer_size = layer.as_ref().map_or(0, |l| l.size());
        let makes_layer = layer.is_some();
        let changes = layer
            .as_ref()
            .map(|l| l.docker_diff(&before))
            .unwrap_or_default();
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
                    // Only a step that ran on the same parent says what
                    // changed; on a new parent, the parent is the reason.
                    let previous = self.cache.previous_inputs(&prepared.inputs.position);
                    match (previous, &chain.new_base) {
                        (Some(p), _)
                            if p.parent == chain.key || p.builder != prepared.inputs.builder =>
                        {
                            MissReason::between(Some(p), &prepared.inputs)
                        }
                        (Some(_), Some((step, instruction))) => MissReason::ParentRebuilt {
                            step: *step,
                            instruction: instruction.clone(),
                        },
                        _ => MissReason::NotBuiltBefore,
                    }
                };
                if chain.first_miss.is_none() {
                    chain.first_miss = Some((number, ins.original.clone()));
                }
                miss = Some(reason);
                // A build over a base whose details are still loading is
                // shown, not kept: the next build, with them, is the real one.
                if self.result.pending.is_empty() {
                    self.cache.insert(
                        key.clone(),
                        CacheRecord {
                            image_id: image_id.clone(),
                            created: self.options.now.clone(),
                            layer_size,
                            duration_ms,
                            output: Some(Arc::new(StepOutput {
                                state: done.state.clone(),
                                layer,
                                layer_digest: layer_digest.clone(),
                            })),
                        },
                    );
                }
            }
        }
        prepared.inputs.parent = std::mem::replace(&mut chain.key, key.clone());
        let keyword = if onbuild {
            format!("ONBUILD {}", ins.keyword)
        } else {
            ins.keyword.clone()
        };
        let miss_text = miss.as_ref().map(|m| m.explain(&ins.keyword));
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
            makes_layer,
            layer_size,
            layer_digest,
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
            pulled: None,
        });
        Ok(())
    }

    /// Ends the build at a failed step: the step as the result shows it,
    /// and the build's error.
    fn fail_step(&mut self, at: &StepAt<'_>, failed: Failed) -> Result<(), ()> {
        let ins = at.ins;
        self.result.steps.push(StepResult {
            number: at.number,
            stage: at.stage,
            stage_name: at.stage_name.to_owned(),
            keyword: if at.onbuild {
                format!("ONBUILD {}", ins.keyword)
            } else {
                ins.keyword.clone()
            },
            instruction: ins.original.clone(),
            line: ins.start_line,
            end_line: ins.end_line,
            onbuild: at.onbuild,
            status: StepStatus::Failed,
            makes_layer: false,
            layer_size: 0,
            layer_digest: None,
            image_id: String::new(),
            cache_key: failed.key,
            miss: None,
            miss_text: None,
            history: None,
            notes: failed.notes,
            output: failed.output,
            duration_ms: failed.duration_ms,
            changes: Vec::new(),
            tree: Tree::new(),
            pulled: None,
        });
        fail(self.result, failed.message, Some(ins.start_line));
        Err(())
    }
}
