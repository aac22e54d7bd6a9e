//! What a build produced: its steps (status, layer, miss reason, history),
//! stages, the final image, and errors with their line. Reports and the
//! playground read these; nothing here formats text.

use super::cache::MissReason;
use super::history::Builder;
use super::state::ImageLayer;
use crate::fs::{DiffKind, Tree};
use crate::image::{HistoryEntry, ImageConfig};

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
    pub notes: Vec<super::Note>,
    pub output: Vec<String>,
    /// Simulated time this step takes when it runs.
    pub duration_ms: u64,
    /// `docker diff` of this step's layer against the step before.
    pub changes: Vec<(String, DiffKind)>,
    /// The union filesystem after this step.
    #[serde(skip)]
    pub tree: Tree,
    /// A FROM whose base image was not present yet: what was pulled (set by
    /// the session, which keeps the image store; `None` in a bare build).
    pub pulled: Option<Pull>,
}

/// A base image pulled for a FROM: what `docker pull` and the build logs show.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Pull {
    /// The tag as written after the name (`3.6.1-alpine`).
    pub tag: String,
    /// The repository path (`library/python`).
    pub repository: String,
    /// The normalized reference (`python:3.6.1-alpine`).
    pub reference: String,
    /// Compressed layer blobs (`sha256:…`, bytes), oldest first.
    pub layers: Vec<(String, u64)>,
    /// The manifest digest (`sha256:…`).
    pub digest: String,
    /// Simulated time the download and extraction take.
    pub duration_ms: u64,
}

/// A stage of the Dockerfile and whether it was built.
#[derive(Clone, Debug, serde::Serialize)]
pub struct StageSummary {
    pub index: usize,
    pub name: String,
    pub base: String,
    /// The base as the global ARGs expand it (`golang:1.22-alpine`).
    pub reference: String,
    pub line: usize,
    /// False when the target does not reach it.
    pub built: bool,
    /// Its RUN, COPY, ADD and WORKDIR instructions: BuildKit numbers a
    /// stage's steps `[i/N]` over these and its FROM, run or not.
    pub vertices: usize,
}

/// The image the build produced (the target stage).
#[derive(Clone, Debug, serde::Serialize)]
pub struct FinalImage {
    pub id: String,
    pub config: ImageConfig,
    /// Sum of all layer sizes, base image included.
    pub size: u64,
    pub layers: crate::chain::Chain<ImageLayer>,
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
    /// Docker's build checks that fired (BuildKit only; the classic builder
    /// has none), in the order BuildKit emits them.
    pub checks: Vec<crate::checks::Check>,
    /// Catalog entries whose details the data source did not have yet (the
    /// page fetches them and builds again); empty when the build is final.
    pub pending: Vec<String>,
    /// Size of the context tar sent (after `.dockerignore`).
    pub context_size: u64,
    pub builder: Builder,
    /// Instructions in the stages being built, FROM included (the classic `Step i/N`'s N).
    pub instruction_count: usize,
    /// Simulated time of the steps that ran, and of the ones the cache saved.
    pub duration_ms: u64,
    pub saved_ms: u64,
    /// Every parse error of the Dockerfile (the first is `error`), from the
    /// build's one lenient parse, for editors.
    #[serde(skip)]
    pub parse_errors: Vec<crate::syntax::ParseError>,
}

impl BuildResult {
    pub fn ok(&self) -> bool {
        self.error.is_none()
    }
}
