//! The FROM step: the stage's base (an earlier stage, `scratch`, or an image
//! the catalog makes), the warning a stand-in or unknown image gets, and the
//! step that records the base, CACHED when the previous build had the same
//! base here and otherwise the reason every later step sits on a new parent.

use std::sync::Arc;

use super::cache::{MissReason, StepInputs};
use super::fail;
use super::result::{StepResult, StepStatus};
use super::runner::{Runner, StageDone};
use super::stages::SourceRef;
use super::state::{ImageLayer, StageState};
use crate::fs::Tree;
use crate::image::ImageConfig;

/// A stage's base, before its FROM step is recorded.
pub(super) struct Base {
    pub(super) done: StageDone,
    /// The base image's size (0 for a stage or scratch).
    pub(super) size: u64,
    pub(super) id: String,
    /// What the FROM step says of its base, and whether it is a warning.
    pub(super) note: Option<(String, bool)>,
}

impl Runner<'_> {
    /// The state a stage starts from.
    pub(super) fn stage_base(
        &mut self,
        reference: SourceRef,
        from_line: usize,
    ) -> Result<Base, ()> {
        let (done, size, id, note) = match reference {
            SourceRef::Stage(i) => {
                let Some(parent) = self.built.get(&i) else {
                    fail(
                        self.result,
                        format!("stage {i} was not built"),
                        Some(from_line),
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
        Ok(Base {
            done,
            size,
            id,
            note,
        })
    }

    /// Records the FROM step; returns the stage's state, the step's cache
    /// key and, when the base is new here, the step that made it new.
    pub(super) fn record_from(
        &mut self,
        index: usize,
        stage_name: &str,
        base_ref: &str,
        base: Base,
    ) -> (StageDone, String, Option<(usize, String)>) {
        let def = &self.stages[index];
        let Base {
            done,
            size: from_size,
            id: from_id,
            note,
        } = base;
        let note = note.map(|(n, _)| n);
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
            stage_name: stage_name.to_owned(),
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
        (done, key, new_base)
    }
}
