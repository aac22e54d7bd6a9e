//! The [`View`]: everything the panels show, as plain data — the project's
//! files, the build shown and its diagnostics, the terminal, the images
//! with the layers they share, and what data the session waits for.

use std::sync::Arc;

use crate::build::{BuildResult, StepStatus};

use super::terminal::TermLine;
use super::Session;

/// One diagnostic for the editor's gutter and the problems list.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub error: bool,
    /// A build check's documentation page.
    pub url: Option<String>,
}

/// One layer of an image, for the images panel.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct LayerSummary {
    /// 12 hex characters of the diff ID.
    pub id: String,
    pub size: u64,
    /// How many images of the session hold this layer.
    pub shared_by: usize,
    /// The official repository it comes from, for a base image's layers.
    pub origin: Option<String>,
}

/// An image of the session, for the images panel.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ImageSummary {
    pub id: String,
    pub tags: Vec<String>,
    pub created: Option<String>,
    pub size: u64,
    /// Oldest first.
    pub layers: Vec<LayerSummary>,
    /// Registry digests (`me/app@sha256:…`).
    pub pushed: Vec<String>,
}

/// What the panels show.
#[derive(Clone, Debug, Default)]
pub struct View {
    pub revision: u64,
    /// The project's files, the Dockerfile first.
    pub files: Vec<(String, String)>,
    /// The build the panels show, and the Dockerfile it built.
    pub build: Option<(Arc<BuildResult>, String)>,
    /// The shown build is the last good one (the latest does not parse).
    pub stale: bool,
    /// The latest build, whatever happened to it.
    pub latest: Option<Arc<BuildResult>>,
    pub diagnostics: Vec<Diagnostic>,
    pub terminal: Vec<TermLine>,
    pub prompt: String,
    /// The terminal asks for a password: hide what is typed.
    pub secret: bool,
    pub history: Vec<String>,
    pub images: Vec<ImageSummary>,
    /// A file `vi`/`nano` asked the editor to open.
    pub open: Option<String>,
    /// Catalog entries the session waits for.
    pub wanted: Vec<String>,
    /// The terminal's working directory.
    pub cwd: String,
    /// The session's clock (seconds), for "5 minutes ago".
    pub now: i64,
}

pub(super) fn view(s: &Session) -> View {
    let engine = &s.engine;
    let (build, stale) = shown(engine.shown.as_ref(), engine.last_good.as_ref());
    View {
        revision: s.revision,
        files: s.project_files(),
        build,
        stale,
        latest: engine.shown.as_ref().map(|(r, _)| r.clone()),
        diagnostics: engine.diagnostics.clone(),
        terminal: s.terminal.lines.clone(),
        prompt: s.prompt(),
        secret: engine.prompt.as_ref().is_some_and(|p| p.secret()),
        history: s.terminal.history.clone(),
        images: images(s),
        open: engine.open.clone(),
        wanted: engine.wanted.iter().cloned().collect(),
        cwd: s.cwd.clone(),
        now: engine.clock,
    }
}

/// The latest build, or the last good one while the text does not parse.
/// A build that failed in a step is shown itself: its log and failed step
/// are the lesson ("scratch has no shell").
fn shown(
    latest: Option<&(Arc<BuildResult>, String)>,
    good: Option<&(Arc<BuildResult>, String)>,
) -> (Option<(Arc<BuildResult>, String)>, bool) {
    let failed_in_a_step = |r: &BuildResult| r.steps.iter().any(|s| s.status == StepStatus::Failed);
    match (latest, good) {
        (Some(l), _) if l.0.ok() || failed_in_a_step(&l.0) => (Some(l.clone()), false),
        (_, Some(g)) => (Some(g.clone()), true),
        (Some(l), None) => (Some(l.clone()), false),
        _ => (None, false),
    }
}

fn images(s: &Session) -> Vec<ImageSummary> {
    let all = s.engine.images.all();
    // How many images hold each layer, counted once.
    let mut holders: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for i in all {
        let mut seen = std::collections::HashSet::new();
        for l in &i.layers {
            if seen.insert(l.diff_id.as_str()) {
                *holders.entry(l.diff_id.as_str()).or_default() += 1;
            }
        }
    }
    all.iter()
        .rev()
        .map(|i| ImageSummary {
            id: i.id.clone(),
            tags: i.tags.clone(),
            created: i.created.clone(),
            size: i.size,
            layers: i
                .layers
                .iter()
                .map(|l| LayerSummary {
                    id: crate::image::short_id(&l.diff_id).to_owned(),
                    size: l.size,
                    shared_by: holders.get(l.diff_id.as_str()).copied().unwrap_or(1),
                    origin: l.origin.clone(),
                })
                .collect(),
            pushed: i.repo_digests.clone(),
        })
        .collect()
}

/// The build's diagnostics: every parse error (its one lenient parse goes
/// past the first), its own error when it is not a parse error, its
/// warnings (the parser's among them) and Docker's build checks, by place.
pub fn diagnostics(result: &BuildResult) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = result
        .parse_errors
        .iter()
        .map(|e| Diagnostic {
            line: e.start_line.max(1),
            column: e.column,
            message: e.message.clone(),
            error: true,
            url: None,
        })
        .collect();
    if let (Some(e), true) = (&result.error, result.parse_errors.is_empty()) {
        out.push(Diagnostic {
            line: e.line.unwrap_or(1),
            column: e.column,
            message: e.message.clone(),
            error: true,
            url: None,
        });
    }
    out.extend(result.warnings.iter().map(|w| Diagnostic {
        line: w.line.unwrap_or(1),
        column: 1,
        message: w.message.clone(),
        error: false,
        url: None,
    }));
    out.extend(result.checks.iter().map(|c| Diagnostic {
        line: c.line.max(1),
        column: 1,
        message: format!("{}: {}", c.rule, c.message),
        error: false,
        url: Some(c.url.clone()),
    }));
    out.sort_unstable_by(|a, b| {
        (a.line, a.column, !a.error, &a.message).cmp(&(b.line, b.column, !b.error, &b.message))
    });
    out
}
