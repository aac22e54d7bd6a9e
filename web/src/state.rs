//! The playground's state in one place: the files, the options, the session's
//! build cache and what the core made of the last build. Actions change it;
//! components only render it (Yew's todomvc pattern). Every build fact comes
//! from a layerlab-core call.

use std::cell::RefCell;
use std::rc::Rc;

use layerlab_core::build::{
    build, what_if, BuildOptions, BuildResult, Builder, CacheStore, Context, StepStatus,
};
use layerlab_core::lessons::{self, Lesson};
use layerlab_core::shell::ShellExecutor;
use layerlab_core::syntax::parse_lenient;
use yew::Reducible;

use crate::share::{Snapshot, FORMAT_VERSION};

/// The small Flask app the playground opens with.
pub fn starter_files() -> Vec<(String, String)> {
    vec![
        (
            "Dockerfile".into(),
            "FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\nCOPY . .\nEXPOSE 5000\nCMD [\"python\", \"app.py\"]\n".into(),
        ),
        (
            "app.py".into(),
            "from flask import Flask\n\napp = Flask(__name__)\n\n\n@app.route(\"/\")\ndef hello():\n    return \"Hello, layers!\\n\"\n\n\nif __name__ == \"__main__\":\n    app.run(host=\"0.0.0.0\", port=5000)\n".into(),
        ),
        // Pinned to the version the package data has (no stand-in note).
        ("requirements.txt".into(), "flask==3.1.3\n".into()),
        (".dockerignore".into(), "__pycache__\n*.pyc\n.git\n".into()),
    ]
}

/// One diagnostic for the gutter and the problems list.
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub error: bool,
    /// A build check's documentation page.
    pub url: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutputTab {
    Files,
    Log,
    ClassicLog,
    History,
    Images,
    Inspect,
    Hints,
}

/// The app state.
pub struct AppState {
    pub files: Vec<(String, String)>,
    pub active: usize,
    pub builder: Builder,
    pub catalog_date: Option<String>,
    /// The session's cache; it outlives builds so edits show CACHED steps.
    pub cache: RefCell<CacheStore>,
    /// The latest build (possibly failed).
    pub result: Option<Rc<BuildResult>>,
    /// The latest build that succeeded, shown greyed while the text is broken.
    pub last_good: Option<Rc<BuildResult>>,
    pub problems: Vec<Problem>,
    pub selected_step: Option<usize>,
    pub tab: OutputTab,
    /// Files changed since the last build.
    pub dirty: bool,
    pub builds: u64,
    /// A message for the user (share link copied, bad link…).
    pub notice: Option<String>,
    /// Bumped by every action: components re-render when it changes.
    pub version: u64,
    /// Bumped by every action that changes what a share link or the autosave
    /// holds (files, builder, catalog date): autosave runs when it changes.
    pub input_revision: u64,
    /// Wall time the last build took in this browser (for the debounce).
    pub last_build_ms: f64,
    /// The lesson being followed, and its current step.
    pub lesson: Option<(Rc<Lesson>, usize)>,
    /// Where that lesson comes from, and its step (what a share link keeps;
    /// set before the lesson itself is fetched when a link resumes one).
    pub lesson_url: Option<(String, usize)>,
}

/// Milliseconds from the browser's clock (0 off the web, where nothing is timed).
fn now_ms() -> f64 {
    #[cfg(target_arch = "wasm32")]
    {
        js_sys::Date::now()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        0.0
    }
}

impl PartialEq for AppState {
    fn eq(&self, other: &Self) -> bool {
        self.version == other.version
    }
}

impl Default for AppState {
    fn default() -> Self {
        AppState::from_files(starter_files(), Builder::BuildKit, None)
    }
}

impl AppState {
    pub fn from_files(
        files: Vec<(String, String)>,
        builder: Builder,
        catalog_date: Option<String>,
    ) -> Self {
        let mut state = AppState {
            files,
            active: 0,
            builder,
            catalog_date,
            cache: RefCell::new(CacheStore::new()),
            result: None,
            last_good: None,
            problems: Vec::new(),
            selected_step: None,
            tab: OutputTab::Files,
            dirty: true,
            builds: 0,
            notice: None,
            version: 0,
            input_revision: 0,
            last_build_ms: 0.0,
            lesson: None,
            lesson_url: None,
        };
        state.run_build();
        state
    }

    pub fn from_snapshot(s: Snapshot) -> Self {
        let builder = if s.builder == "classic" {
            Builder::Classic
        } else {
            Builder::BuildKit
        };
        let mut state = AppState::from_files(s.files, builder, s.catalog_date);
        state.lesson_url = s.lesson;
        state
    }

    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            v: FORMAT_VERSION,
            files: self.files.clone(),
            builder: if self.builder == Builder::Classic {
                "classic".into()
            } else {
                "buildkit".into()
            },
            catalog_date: self.catalog_date.clone(),
            lesson: self.lesson_url.clone(),
        }
    }

    pub fn dockerfile(&self) -> &str {
        self.files.first().map(|(_, c)| c.as_str()).unwrap_or("")
    }

    /// What is shown in the panels: the latest build, or the last good one
    /// while the text does not parse. A build that failed in a step is shown
    /// itself: its log and failed step are the lesson ("scratch has no shell").
    pub fn shown(&self) -> Option<(&Rc<BuildResult>, bool)> {
        let failed_in_a_step =
            |r: &BuildResult| r.steps.iter().any(|s| s.status == StepStatus::Failed);
        match (&self.result, &self.last_good) {
            (Some(r), _) if r.ok() || failed_in_a_step(r) => Some((r, false)),
            (_, Some(good)) => Some((good, true)),
            (Some(r), None) => Some((r, false)),
            _ => None,
        }
    }

    /// The build context: every file but the Dockerfile.
    fn context(&self) -> Context {
        let mut context = Context::new();
        for (name, content) in self.files.iter().skip(1) {
            context.add(name, content.as_bytes());
        }
        context
    }

    fn options(&self) -> BuildOptions {
        BuildOptions {
            builder: self.builder,
            catalog_date: self.catalog_date.clone(),
            tags: vec!["playground:latest".into()],
            ..BuildOptions::default()
        }
    }

    fn executor() -> ShellExecutor {
        ShellExecutor {
            pypi: crate::data::pypi(),
            npm: crate::data::npm(),
            alpine: crate::data::alpine(),
            debian: crate::data::debian(),
            wanted_debian: Some(crate::data::wanted_debian()),
            ..ShellExecutor::default()
        }
    }

    /// Runs `f` over this session's build inputs and cache: what the core's
    /// what-if builds, hints and lesson goals start from.
    fn with_inputs<R>(&self, f: impl FnOnce(&what_if::Inputs<'_>, &CacheStore) -> R) -> R {
        let context = self.context();
        let options = self.options();
        let executor = Self::executor();
        let inputs = what_if::Inputs {
            dockerfile: self.dockerfile().as_bytes(),
            context: &context,
            catalog: crate::data::catalog(),
            options: &options,
            executor: &executor,
        };
        f(&inputs, &self.cache.borrow())
    }

    /// What editing context file `path` would rebuild (the core builds
    /// again over a scratch copy of the session cache).
    pub fn what_if_file(&self, path: &str) -> Option<what_if::Rebuild> {
        self.with_inputs(|inputs, cache| what_if::edit_file(inputs, cache, path))
    }

    /// layerlab's hints for the shown build, each measured by a what-if
    /// build over a scratch copy of the session cache.
    pub fn hints(&self) -> Vec<layerlab_core::hints::Hint> {
        let Some(result) = &self.result else {
            return Vec::new();
        };
        self.with_inputs(|inputs, cache| layerlab_core::hints::hints(inputs, cache, result))
    }

    /// The current lesson step's goals, each checked against the shown
    /// build (what-if builds over a scratch copy of the session cache).
    pub fn lesson_verdicts(&self) -> Vec<(lessons::Goal, lessons::Verdict)> {
        let (Some((lesson, step)), Some(result)) = (&self.lesson, &self.result) else {
            return Vec::new();
        };
        let Some(step) = lesson.steps.get(*step) else {
            return Vec::new();
        };
        self.with_inputs(|inputs, cache| lessons::check(step, inputs, cache, result))
    }

    /// Builds the current files against the session cache.
    fn run_build(&mut self) {
        let started = now_ms();
        let context = self.context();
        let options = self.options();
        let result = build(
            self.dockerfile().as_bytes(),
            &context,
            crate::data::catalog(),
            &options,
            &mut self.cache.borrow_mut(),
            &Self::executor(),
        );
        // Diagnostics: every parse problem (the lenient parse goes past the first),
        // then the build's own error if it is not one of them.
        let (parsed, errors) = parse_lenient(self.dockerfile().as_bytes());
        let mut problems: Vec<Problem> = errors
            .iter()
            .map(|e| Problem {
                line: e.start_line.max(1),
                column: e.column,
                message: e.message.clone(),
                error: true,
                url: None,
            })
            .collect();
        problems.extend(parsed.warnings.iter().map(|w| Problem {
            line: w.line,
            column: 1,
            message: w.message.clone(),
            error: false,
            url: None,
        }));
        if let Some(e) = &result.error {
            if !problems.iter().any(|p| p.message == e.message) {
                problems.push(Problem {
                    line: e.line.unwrap_or(1),
                    column: e.column,
                    message: e.message.clone(),
                    error: true,
                    url: None,
                });
            }
        }
        problems.extend(
            result
                .warnings
                .iter()
                .filter(|w| !w.message.starts_with("Empty continuation"))
                .map(|w| Problem {
                    line: w.line.unwrap_or(1),
                    column: 1,
                    message: w.message.clone(),
                    error: false,
                    url: None,
                }),
        );
        // Docker's build checks, each with its rule's page.
        problems.extend(result.checks.iter().map(|c| Problem {
            line: c.line.max(1),
            column: 1,
            message: format!("{}: {}", c.rule, c.message),
            error: false,
            url: Some(c.url.clone()),
        }));
        problems.sort_unstable_by(|a, b| {
            (a.line, a.column, !a.error, &a.message).cmp(&(b.line, b.column, !b.error, &b.message))
        });
        self.problems = problems;
        let result = Rc::new(result);
        if result.ok() {
            self.last_good = Some(result.clone());
        }
        if self.selected_step.is_some_and(|s| s >= result.steps.len()) {
            self.selected_step = None;
        }
        self.result = Some(result);
        self.dirty = false;
        self.builds += 1;
        self.last_build_ms = now_ms() - started;
    }
}

/// What can happen to the state.
pub enum Action {
    Edit(usize, String),
    Select(usize),
    AddFile(String),
    RenameFile(usize, String),
    DeleteFile(usize),
    Build,
    ClearCache,
    SelectStep(Option<usize>),
    Tab(OutputTab),
    SetBuilder(Builder),
    SetCatalogDate(Option<String>),
    Load(Snapshot),
    Reset,
    Notice(Option<String>),
    /// Writes a context file (creating it if need be) and rebuilds.
    WriteFile(String, String),
    /// Starts a lesson (from its URL): its files, date and builder, at its first step.
    StartLesson(Rc<Lesson>, String),
    /// Resumes a lesson at a step over the files a share link brought.
    ResumeLesson(Rc<Lesson>, String, usize),
    /// Moves to a step of the lesson.
    LessonStep(usize),
    EndLesson,
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = AppState {
            files: self.files.clone(),
            active: self.active,
            builder: self.builder,
            catalog_date: self.catalog_date.clone(),
            cache: RefCell::new(std::mem::take(&mut *self.cache.borrow_mut())),
            result: self.result.clone(),
            last_good: self.last_good.clone(),
            problems: self.problems.clone(),
            selected_step: self.selected_step,
            tab: self.tab,
            dirty: self.dirty,
            builds: self.builds,
            notice: self.notice.clone(),
            version: self.version + 1,
            input_revision: self.input_revision,
            last_build_ms: self.last_build_ms,
            lesson: self.lesson.clone(),
            lesson_url: self.lesson_url.clone(),
        };
        let input_changes = matches!(
            action,
            Action::Edit(..)
                | Action::AddFile(_)
                | Action::RenameFile(..)
                | Action::DeleteFile(_)
                | Action::SetBuilder(_)
                | Action::SetCatalogDate(_)
                | Action::Load(_)
                | Action::Reset
                | Action::StartLesson(..)
                | Action::LessonStep(_)
                | Action::EndLesson
                | Action::WriteFile(..)
        );
        match action {
            Action::Edit(i, text) => {
                if let Some(f) = next.files.get_mut(i) {
                    f.1 = text;
                    next.dirty = true;
                }
            }
            Action::Select(i) => next.active = i.min(next.files.len().saturating_sub(1)),
            Action::AddFile(name) => {
                let name = name.trim().trim_start_matches("./").to_owned();
                if !name.is_empty() && !next.files.iter().any(|(n, _)| *n == name) {
                    next.files.push((name, String::new()));
                    next.active = next.files.len() - 1;
                    next.run_build();
                }
            }
            Action::RenameFile(i, name) => {
                let name = name.trim().trim_start_matches("./").to_owned();
                if i > 0 && !name.is_empty() && !next.files.iter().any(|(n, _)| *n == name) {
                    if let Some(f) = next.files.get_mut(i) {
                        f.0 = name;
                        next.run_build();
                    }
                }
            }
            Action::DeleteFile(i) => {
                if i > 0 && i < next.files.len() {
                    next.files.remove(i);
                    next.active = next.active.min(next.files.len() - 1);
                    next.run_build();
                }
            }
            Action::Build => next.run_build(),
            Action::ClearCache => {
                next.cache.borrow_mut().clear();
                next.run_build();
            }
            Action::ResumeLesson(lesson, url, step) => {
                let step = step.min(lesson.steps.len().saturating_sub(1));
                next.lesson = Some((lesson, step));
                next.lesson_url = Some((url, step));
            }
            Action::StartLesson(lesson, url) => {
                next.lesson_url = Some((url, 0));
                next.files = lesson.files.clone();
                next.active = 0;
                next.builder = if lesson.builder == "classic" {
                    Builder::Classic
                } else {
                    Builder::BuildKit
                };
                next.catalog_date = lesson.date.clone();
                next.selected_step = None;
                next.lesson = Some((lesson, 0));
                next.run_build();
            }
            Action::LessonStep(i) => {
                if let Some((lesson, step)) = &mut next.lesson {
                    *step = i.min(lesson.steps.len().saturating_sub(1));
                    if let Some((_, s)) = &mut next.lesson_url {
                        *s = *step;
                    }
                }
            }
            Action::EndLesson => {
                next.lesson = None;
                next.lesson_url = None;
            }
            Action::WriteFile(name, text) => {
                match next.files.iter_mut().find(|(n, _)| *n == name) {
                    Some(f) => f.1 = text,
                    None => next.files.push((name, text)),
                }
                next.run_build();
            }
            Action::SelectStep(s) => next.selected_step = s,
            Action::Tab(t) => next.tab = t,
            Action::SetBuilder(b) => {
                next.builder = b;
                next.run_build();
            }
            Action::SetCatalogDate(d) => {
                next.catalog_date = d.filter(|d| !d.is_empty());
                next.run_build();
            }
            Action::Load(s) => {
                next.builder = if s.builder == "classic" {
                    Builder::Classic
                } else {
                    Builder::BuildKit
                };
                next.files = s.files;
                next.catalog_date = s.catalog_date;
                next.active = 0;
                next.selected_step = None;
                // Other files end the lesson being followed.
                next.lesson = None;
                next.lesson_url = s.lesson;
                next.run_build();
            }
            Action::Reset => {
                next = AppState {
                    version: self.version + 1,
                    ..AppState::default()
                }
            }
            Action::Notice(n) => next.notice = n,
        }
        if input_changes {
            next.input_revision = self.input_revision + 1;
        }
        Rc::new(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reduce(state: Rc<AppState>, action: Action) -> Rc<AppState> {
        state.reduce(action)
    }

    #[test]
    fn a_build_that_fails_in_a_step_is_shown_a_parse_error_keeps_the_last_good() {
        let state = Rc::new(AppState::default());
        let state = reduce(state, Action::Edit(0, "FROM scratch\nRUN echo hi\n".into()));
        let state = reduce(state, Action::Build);
        let (shown, stale) = state.shown().unwrap();
        assert!(!stale && !shown.ok());
        assert_eq!(shown.steps.last().unwrap().status, StepStatus::Failed);
        let state = reduce(state, Action::Edit(0, "FROM scratch\nENV BROKEN\n".into()));
        let state = reduce(state, Action::Build);
        let (shown, stale) = state.shown().unwrap();
        assert!(stale && shown.ok());
    }

    #[test]
    fn only_actions_on_the_input_bump_the_autosave_revision() {
        let state = Rc::new(AppState::default());
        let state = reduce(state, Action::Build);
        let state = reduce(state, Action::SelectStep(Some(1)));
        let state = reduce(state, Action::Tab(OutputTab::History));
        let state = reduce(state, Action::Notice(Some("hi".into())));
        assert_eq!(state.input_revision, 0);
        let state = reduce(state, Action::Edit(0, "FROM alpine\n".into()));
        assert_eq!(state.input_revision, 1);
        let state = reduce(state, Action::AddFile("x.txt".into()));
        let state = reduce(state, Action::SetBuilder(Builder::Classic));
        let state = reduce(state, Action::Reset);
        assert_eq!(state.input_revision, 4);
    }

    #[test]
    fn starter_builds_and_an_edit_rebuilds_from_the_copy() {
        let state = Rc::new(AppState::default());
        assert!(
            state.result.as_ref().unwrap().ok(),
            "{:?}",
            state.result.as_ref().unwrap().error
        );
        let app = state.files.iter().position(|(n, _)| n == "app.py").unwrap();
        let state = reduce(state, Action::Edit(app, "print('changed')\n".into()));
        let state = reduce(state, Action::Build);
        let r = state.result.as_ref().unwrap();
        let statuses: Vec<StepStatus> = r.steps.iter().map(|s| s.status).collect();
        assert_eq!(statuses[..4], [StepStatus::Cached; 4]);
        let copy_all = r
            .steps
            .iter()
            .position(|s| s.instruction == "COPY . .")
            .unwrap();
        assert_eq!(r.steps[copy_all].status, StepStatus::Built);
        assert_eq!(
            r.steps[copy_all].miss_text.as_deref(),
            Some("COPY: app.py changed")
        );
    }

    #[test]
    fn clearing_the_cache_rebuilds_every_step_and_says_why() {
        let state = reduce(Rc::new(AppState::default()), Action::Build);
        let state = reduce(state, Action::ClearCache);
        let r = state.result.as_ref().unwrap();
        // The base image stays pulled; every step after FROM runs again.
        assert!(r.steps[0].instruction.starts_with("FROM"));
        assert!(
            r.steps[1..].iter().all(|s| s.status == StepStatus::Built),
            "{:?}",
            r.steps.iter().map(|s| s.status).collect::<Vec<_>>()
        );
        assert_eq!(
            r.steps[1].miss_text.as_deref(),
            Some("not in the cache any more (cleared or evicted)")
        );
    }

    #[test]
    fn a_syntax_error_keeps_the_last_good_build() {
        let state = Rc::new(AppState::default());
        let state = reduce(
            state,
            Action::Edit(0, "FROM python:3.12-slim\nENV BROKEN\n".into()),
        );
        let state = reduce(state, Action::Build);
        assert_eq!(state.problems[0].line, 2);
        let (shown, stale) = state.shown().unwrap();
        assert!(stale && shown.ok());
    }

    #[test]
    fn files_can_be_added_renamed_and_deleted_but_not_the_dockerfile() {
        let state = Rc::new(AppState::default());
        let n = state.files.len();
        let state = reduce(
            state,
            Action::AddFile("<img src=x onerror=alert(1)>.py".into()),
        );
        assert_eq!(state.files.len(), n + 1);
        let state = reduce(state, Action::RenameFile(n, "safe.py".into()));
        assert_eq!(state.files[n].0, "safe.py");
        let state = reduce(state, Action::DeleteFile(0));
        assert_eq!(state.files[0].0, "Dockerfile");
        let state = reduce(state, Action::DeleteFile(n));
        assert_eq!(state.files.len(), n);
    }
}
