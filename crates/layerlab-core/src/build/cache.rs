//! The build cache: keys as Docker computes them, a store that outlives one
//! build, and the reason a step missed.
//!
//! A step's key is the sha256 of its parent's key and its inputs: the
//! instruction's canonical text (values expanded, the ARGs it sees) and, for
//! COPY/ADD, the checksum of the matched files' names, contents and modes
//! (never their times). The store also keeps the inputs of the previous build
//! step by step, so a miss can say what changed.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::state::StageState;
use crate::fs::LayerDiff;

/// What a step's key is made of; kept to explain misses.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepInputs {
    /// Where the step stands: `<stage>#<n>`.
    pub position: String,
    /// The instruction as it will run (expanded), e.g. `RUN pip install flask`.
    pub text: String,
    /// ARGs the step sees, by name.
    pub args: BTreeMap<String, String>,
    /// For COPY/ADD: each matched source file and its content checksum.
    pub files: BTreeMap<String, String>,
    /// For FROM: the base image (reference and ID).
    pub base: Option<String>,
    /// `classic` when the classic builder runs the step, empty for BuildKit:
    /// the two keep separate caches, so a step one built is not a hit for
    /// the other.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub builder: String,
    /// The cache key of the step it ran on: a miss is explained against an
    /// earlier build's step only when both sat on the same parent.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub parent: String,
}

impl StepInputs {
    /// The cache key: sha256 over the parent key and these inputs.
    pub fn key(&self, parent: &str) -> String {
        let mut h = Sha256::new();
        h.update(parent.as_bytes());
        h.update([0]);
        h.update(self.text.as_bytes());
        for (k, v) in &self.args {
            h.update([1]);
            h.update(k.as_bytes());
            h.update([b'=']);
            h.update(v.as_bytes());
        }
        for (k, v) in &self.files {
            h.update([2]);
            h.update(k.as_bytes());
            h.update([0]);
            h.update(v.as_bytes());
        }
        if let Some(base) = &self.base {
            h.update([3]);
            h.update(base.as_bytes());
        }
        if !self.builder.is_empty() {
            h.update([4]);
            h.update(self.builder.as_bytes());
        }
        format!("sha256:{}", crate::fs::hex(&h.finalize()))
    }
}

/// Why a step did not come from the cache.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MissReason {
    /// This step was never built before.
    NotBuiltBefore,
    /// `--no-cache` (or no-cache for this stage).
    NoCache,
    /// The instruction itself changed.
    InstructionChanged { before: String, after: String },
    /// An ARG the step sees changed value.
    ArgChanged {
        name: String,
        before: Option<String>,
        after: Option<String>,
    },
    /// Files matched by COPY/ADD changed (paths with what happened to each).
    FilesChanged {
        changed: Vec<String>,
        added: Vec<String>,
        removed: Vec<String>,
    },
    /// FROM now resolves to a different image.
    BaseChanged { before: String, after: String },
    /// The other builder (classic or BuildKit) built it: their caches are separate.
    BuilderChanged { before: String, after: String },
    /// An earlier step of this stage was rebuilt.
    ParentRebuilt { step: usize, instruction: String },
    /// Inputs are as before but the result is gone from the cache.
    Evicted,
}

impl MissReason {
    /// The reason in plain words, for a learner (`keyword` is the step's instruction).
    pub fn explain(&self, keyword: &str) -> String {
        match self {
            MissReason::NotBuiltBefore => {
                "not in the cache: this step has not been built before".into()
            }
            MissReason::NoCache => "cache disabled (--no-cache)".into(),
            MissReason::InstructionChanged { before, after } => {
                format!("{keyword} line changed: `{before}` → `{after}`")
            }
            MissReason::ArgChanged {
                name,
                before,
                after,
            } => format!(
                "ARG {name} changed from {} to {}",
                before.as_deref().unwrap_or("(unset)"),
                after.as_deref().unwrap_or("(unset)")
            ),
            MissReason::FilesChanged {
                changed,
                added,
                removed,
            } => {
                let mut parts = Vec::new();
                for (list, what) in [(changed, "changed"), (added, "added"), (removed, "removed")] {
                    if !list.is_empty() {
                        parts.push(format!("{} {what}", list.join(", ")));
                    }
                }
                format!("{keyword}: {}", parts.join("; "))
            }
            MissReason::BaseChanged { before, after } => {
                format!("base image changed: {before} → {after}")
            }
            MissReason::BuilderChanged { before, after } => format!(
                "built before by {before}, not {after}: the classic builder and BuildKit keep separate caches"
            ),
            MissReason::ParentRebuilt { step, instruction } => {
                format!("parent layer was rebuilt (step {step}: {instruction})")
            }
            MissReason::Evicted => "not in the cache any more (cleared or evicted)".into(),
        }
    }

    /// Compares a step's inputs with the same step's inputs last time.
    pub fn between(before: Option<&StepInputs>, after: &StepInputs) -> MissReason {
        let Some(before) = before else {
            return MissReason::NotBuiltBefore;
        };
        if before.builder != after.builder {
            let name = |b: &str| {
                if b.is_empty() {
                    "BuildKit".to_owned()
                } else {
                    "the classic builder".to_owned()
                }
            };
            return MissReason::BuilderChanged {
                before: name(&before.builder),
                after: name(&after.builder),
            };
        }
        if before.base != after.base {
            return MissReason::BaseChanged {
                before: before.base.clone().unwrap_or_default(),
                after: after.base.clone().unwrap_or_default(),
            };
        }
        for name in before.args.keys().chain(after.args.keys()) {
            if before.args.get(name) != after.args.get(name) {
                return MissReason::ArgChanged {
                    name: name.clone(),
                    before: before.args.get(name).cloned(),
                    after: after.args.get(name).cloned(),
                };
            }
        }
        if before.text != after.text {
            return MissReason::InstructionChanged {
                before: before.text.clone(),
                after: after.text.clone(),
            };
        }
        if before.files != after.files {
            let changed = after
                .files
                .iter()
                .filter(|(k, v)| before.files.get(*k).is_some_and(|b| b != *v))
                .map(|(k, _)| k.clone())
                .collect();
            let added = after
                .files
                .keys()
                .filter(|k| !before.files.contains_key(*k))
                .cloned()
                .collect();
            let removed = before
                .files
                .keys()
                .filter(|k| !after.files.contains_key(*k))
                .cloned()
                .collect();
            return MissReason::FilesChanged {
                changed,
                added,
                removed,
            };
        }
        MissReason::Evicted
    }
}

/// A step's result as kept in memory, so a hit needs no recomputation.
#[derive(Clone, Debug)]
pub struct StepOutput {
    pub state: Arc<StageState>,
    pub layer: Option<Arc<LayerDiff>>,
    /// The layer's digest (hashing every change of a big layer again on each
    /// hit was most of a warm rebuild).
    pub layer_digest: Option<String>,
}

/// One cached step.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CacheRecord {
    /// The image ID the step produced.
    pub image_id: String,
    /// When the step was first built (as given by the caller).
    pub created: Option<String>,
    pub layer_size: u64,
    /// Simulated time the step took when it was built.
    pub duration_ms: u64,
    #[serde(skip)]
    pub output: Option<Arc<StepOutput>>,
}

/// The cache: records by key, plus the previous build's inputs by position.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct CacheStore {
    records: HashMap<String, CacheRecord>,
    previous: HashMap<String, StepInputs>,
}

impl CacheStore {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn get(&self, key: &str) -> Option<&CacheRecord> {
        self.records.get(key)
    }

    pub fn insert(&mut self, key: String, record: CacheRecord) {
        self.records.insert(key, record);
    }

    /// Makes room for `steps` more records at once, instead of growing the
    /// map step by step (a 10,000-line Dockerfile rehashed it 14 times).
    pub fn reserve(&mut self, steps: usize) {
        self.records.reserve(steps);
    }

    /// The inputs the step at `position` had in the previous build.
    pub fn previous_inputs(&self, position: &str) -> Option<&StepInputs> {
        self.previous.get(position)
    }

    /// Remembers this build's inputs for the next build's explanations.
    pub fn remember(&mut self, inputs: Vec<StepInputs>) {
        self.previous.reserve(inputs.len());
        for i in inputs {
            self.previous.insert(i.position.clone(), i);
        }
    }

    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// Forgets every cached result (the playground's "clear cache"). The last
    /// build's inputs are kept, so the next build can say its steps missed
    /// because the cache was cleared rather than because they are new.
    pub fn clear(&mut self) {
        self.records.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inputs(text: &str) -> StepInputs {
        StepInputs {
            position: "stage-0#2".into(),
            text: text.into(),
            ..Default::default()
        }
    }

    #[test]
    fn keys_depend_on_parent_and_inputs() {
        let a = inputs("RUN x");
        assert_eq!(a.key("p"), inputs("RUN x").key("p"));
        assert_ne!(a.key("p"), a.key("q"));
        assert_ne!(a.key("p"), inputs("RUN y").key("p"));
        let mut f = inputs("COPY a /a");
        f.files.insert("a".into(), "sha256:1".into());
        let mut g = f.clone();
        g.files.insert("a".into(), "sha256:2".into());
        assert_ne!(f.key("p"), g.key("p"));
    }

    #[test]
    fn miss_reasons_name_what_changed() {
        assert_eq!(
            MissReason::between(None, &inputs("RUN x")),
            MissReason::NotBuiltBefore
        );
        let r = MissReason::between(Some(&inputs("RUN x")), &inputs("RUN y"));
        assert_eq!(r.explain("RUN"), "RUN line changed: `RUN x` → `RUN y`");
        let mut a = inputs("COPY . /app");
        a.files.insert("app.py".into(), "1".into());
        a.files.insert("old.py".into(), "1".into());
        let mut b = inputs("COPY . /app");
        b.files.insert("app.py".into(), "2".into());
        b.files.insert("new.py".into(), "1".into());
        assert_eq!(
            MissReason::between(Some(&a), &b).explain("COPY"),
            "COPY: app.py changed; new.py added; old.py removed"
        );
        let mut v1 = inputs("RUN echo $V");
        v1.args.insert("VERSION".into(), "1".into());
        let mut v2 = v1.clone();
        v2.args.insert("VERSION".into(), "2".into());
        assert_eq!(
            MissReason::between(Some(&v1), &v2).explain("RUN"),
            "ARG VERSION changed from 1 to 2"
        );
    }
}
