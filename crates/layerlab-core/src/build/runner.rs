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
use crate::image::HistoryEntry;
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

/// What a step that ran left besides its state.
struct Ran {
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
    pub(super) fn builder_name(&self) -> String {
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
        let base = self.stage_base(reference, def.from_line)?;
        if let Some((n, true)) = &base.note {
            self.result.warnings.push(BuildError {
                message: n.clone(),
                line: Some(def.from_line),
                column: 1,
            });
        }
        let (mut done, key, new_base) = self.record_from(index, &stage_name, &base_ref, base);
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
            match self.execute(&prepared.action, done, &key) {
                Ok(ran) => {
                    notes = ran.notes;
                    output = ran.output;
                    duration_ms = ran.duration_ms;
                }
                Err(failed) => return self.fail_step(&at, failed),
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
                let reason = self.miss_reason(chain, &prepared.inputs);
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

    /// Runs a step that missed the cache over the stage's state; a failure
    /// comes back as what the failed step shows.
    fn execute(
        &mut self,
        action: &dispatch::Action,
        done: &mut StageDone,
        key: &str,
    ) -> Result<Ran, Failed> {
        let builder = self.options.builder;
        // The classic builder runs RUN/COPY/ADD in a container over the image's
        // layers; overlayfs refuses to stack them past its depth limit.
        if builder == Builder::Classic
            && done.state.layers.len() >= MAX_CLASSIC_DEPTH
            && matches!(
                action,
                dispatch::Action::Run { .. } | dispatch::Action::Copy { .. }
            )
        {
            return Err(Failed::new("max depth exceeded".into(), key.to_owned()));
        }
        let strict_path = done.state.programs_known;
        let outcome = match dispatch::apply(
            action,
            Arc::make_mut(&mut done.state),
            self.executor,
            strict_path,
        ) {
            Ok(Some(outcome)) => outcome,
            Ok(None) => {
                return Ok(Ran {
                    notes: Vec::new(),
                    output: Vec::new(),
                    duration_ms: 1,
                })
            }
            Err(message) => return Err(Failed::new(message, key.to_owned())),
        };
        // After a command layerlab could not simulate, the image may hold
        // programs it does not know of: later steps must not call them missing.
        if outcome.notes.iter().any(crate::build::Note::is_unsimulated) {
            Arc::make_mut(&mut done.state).programs_known = false;
        }
        let mut output = outcome.output.clone();
        if outcome.exit_code == 0 {
            return Ok(Ran {
                notes: outcome.notes,
                output,
                duration_ms: outcome.duration_ms.max(1),
            });
        }
        let cmd = match action {
            dispatch::Action::Run { argv, .. } => argv.join(" "),
            _ => String::new(),
        };
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
        Err(Failed {
            notes: outcome.notes,
            output,
            // The log's times are taken from how long the step ran.
            duration_ms: outcome.duration_ms,
            ..Failed::new(message, key.to_owned())
        })
    }

    /// Why a step missed: no cache asked for, an earlier step of the stage
    /// rebuilt, or what changed against the previous build's step on the
    /// same parent (on a new parent, the parent is the reason).
    fn miss_reason(&self, chain: &Chain, inputs: &StepInputs) -> MissReason {
        if chain.no_cache {
            return MissReason::NoCache;
        }
        if let Some((step, instruction)) = &chain.first_miss {
            return MissReason::ParentRebuilt {
                step: *step,
                instruction: instruction.clone(),
            };
        }
        let previous = self.cache.previous_inputs(&inputs.position);
        match (previous, &chain.new_base) {
            (Some(p), _) if p.parent == chain.key || p.builder != inputs.builder => {
                MissReason::between(Some(p), inputs)
            }
            (Some(_), Some((step, instruction))) => MissReason::ParentRebuilt {
                step: *step,
                instruction: instruction.clone(),
            },
            _ => MissReason::NotBuiltBefore,
        }
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
