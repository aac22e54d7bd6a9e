//! The playground's state: the core's session (files, options, cache,
//! images, containers, registry) and the view it last returned, plus UI
//! state (the open file, the selected step, the tab). Actions become the
//! session's changes; components only render (Yew's todomvc pattern).

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;

use layerlab_core::build::{what_if, BuildResult, Builder, CacheStore};
use layerlab_core::lessons::{self, Lesson};
use layerlab_core::session::{Change, Options, Session, View};
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

/// One diagnostic for the gutter and the problems list (the session's).
pub type Problem = layerlab_core::session::Diagnostic;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutputTab {
    Files,
    Log,
    ClassicLog,
    History,
    Images,
    Inspect,
    Hints,
    Terminal,
}

/// The app state: the session (where files, cache, images, containers and
/// the registry live) and what it last showed, plus the UI's own state.
pub struct AppState {
    /// The session; moved from state to state (it outlives builds, so edits
    /// show CACHED steps and the terminal's images stay).
    pub session: RefCell<Option<Session>>,
    /// What the session last showed.
    pub view: Rc<View>,
    /// The project's files (the view's), the Dockerfile first.
    pub files: Vec<(String, String)>,
    pub active: usize,
    pub builder: Builder,
    pub catalog_date: Option<String>,
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
    /// holds (files, builder, catalog date, terminal): autosave runs when it changes.
    pub input_revision: u64,
    /// Wall time the last build took in this browser (for the debounce).
    pub last_build_ms: f64,
    /// The lesson being followed, and its current step.
    pub lesson: Option<(Rc<Lesson>, usize)>,
    /// Where that lesson comes from, and its step (what a share link keeps;
    /// set before the lesson itself is fetched when a link resumes one).
    pub lesson_url: Option<(String, usize)>,
    /// The fetched data the session was last given.
    pub data_signature: [usize; 5],
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

fn builder_name(b: Builder) -> String {
    if b == Builder::Classic {
        "classic".into()
    } else {
        "buildkit".into()
    }
}

fn builder_of(name: &str) -> Builder {
    if name == "classic" {
        Builder::Classic
    } else {
        Builder::BuildKit
    }
}

impl AppState {
    fn blank(builder: Builder, catalog_date: Option<String>, journal: &[Change]) -> Self {
        let options = Options {
            date: catalog_date.clone(),
            builder: Some(builder),
        };
        let session = Session::replay(options, crate::data::package_data(), journal);
        let view = Rc::new(session.view());
        AppState {
            session: RefCell::new(Some(session)),
            files: view.files.clone(),
            view,
            active: 0,
            builder,
            catalog_date,
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
            data_signature: crate::data::data_signature(),
        }
    }

    pub fn from_files(
        files: Vec<(String, String)>,
        builder: Builder,
        catalog_date: Option<String>,
    ) -> Self {
        let mut state = AppState::blank(builder, catalog_date, &[]);
        state.set_files(files);
        state.run_build();
        state
    }

    pub fn from_snapshot(s: Snapshot) -> Self {
        let builder = builder_of(&s.builder);
        let mut state = if s.session.is_empty() {
            AppState::from_files(s.files, builder, s.catalog_date)
        } else {
            // The terminal's session too: replayed (images, tags, pushes).
            let mut state = AppState::blank(builder, s.catalog_date, &s.session);
            state.refresh();
            state
        };
        state.lesson_url = s.lesson;
        state
    }

    pub fn snapshot(&self) -> Snapshot {
        let journal = self.with_session(|s| {
            let used_terminal = s
                .journal()
                .iter()
                .any(|c| matches!(c, Change::Terminal { .. }));
            if used_terminal {
                s.journal().to_vec()
            } else {
                Vec::new()
            }
        });
        Snapshot {
            v: FORMAT_VERSION,
            files: self.files.clone(),
            builder: builder_name(self.builder),
            catalog_date: self.catalog_date.clone(),
            lesson: self.lesson_url.clone(),
            session: journal,
        }
    }

    fn with_session<R>(&self, f: impl FnOnce(&Session) -> R) -> R {
        f(self
            .session
            .borrow()
            .as_ref()
            .expect("the state holds its session"))
    }

    /// Applies a change to the session (giving it any data fetched since)
    /// and takes in what it shows.
    fn apply(&mut self, change: Change) {
        self.apply_all([change]);
    }

    /// Gives the session the changes, then takes one view (a view per
    /// change cost a view of the whole session for each file of a link).
    fn apply_all(&mut self, changes: impl IntoIterator<Item = Change>) {
        let signature = crate::data::data_signature();
        let data_changed = signature != self.data_signature;
        {
            let mut session = self.session.borrow_mut();
            let session = session.as_mut().expect("the state holds its session");
            if data_changed {
                session.set_data(crate::data::package_data());
            }
            for change in changes {
                session.change(change);
            }
        }
        self.data_signature = signature;
        self.refresh();
    }

    /// Takes in the session's view.
    fn refresh(&mut self) {
        let view = Rc::new(self.with_session(Session::view));
        // Tabs keep their order; new files come last.
        let mut files = view.files.clone();
        let rank = |name: &str| {
            self.files
                .iter()
                .position(|(n, _)| n == name)
                .unwrap_or(usize::MAX)
        };
        files.sort_by_key(|(n, _)| (n != "Dockerfile", rank(n)));
        self.files = files;
        self.active = self.active.min(self.files.len().saturating_sub(1));
        self.problems = view.diagnostics.clone();
        if let Some((r, _)) = &view.build {
            if self.selected_step.is_some_and(|s| s >= r.steps.len()) {
                self.selected_step = None;
            }
        }
        self.view = view;
    }

    /// Replaces the project's files with these.
    fn set_files(&mut self, files: Vec<(String, String)>) {
        let removed = self
            .files
            .iter()
            .filter(|(name, _)| !files.iter().any(|(n, _)| n == name))
            .map(|(name, _)| Change::RemoveFile { path: name.clone() })
            .collect::<Vec<_>>();
        // The tabs take the order given (the view ranks files by the tabs').
        self.files = files.clone();
        let set = files
            .into_iter()
            .map(|(path, text)| Change::SetFile { path, text });
        self.apply_all(removed.into_iter().chain(set));
    }

    /// The build shown in the panels and whether it is a stale last good
    /// one (the latest does not parse).
    pub fn shown(&self) -> Option<(&Arc<BuildResult>, bool)> {
        self.view.build.as_ref().map(|(r, _)| (r, self.view.stale))
    }

    /// The Dockerfile of the build shown.
    pub fn dockerfile(&self) -> &str {
        self.view
            .build
            .as_ref()
            .map(|(_, d)| d.as_str())
            .or_else(|| self.files.first().map(|(_, c)| c.as_str()))
            .unwrap_or("")
    }

    /// Runs `f` over the live build's inputs and the session's cache (the
    /// core's: what-if builds, hints and lesson goals start from them).
    fn with_inputs<R>(&self, f: impl FnOnce(&what_if::Inputs<'_>, &CacheStore) -> R) -> R {
        self.with_session(|s| s.with_project(f))
    }

    /// What editing context file `path` would rebuild (the core builds
    /// again over a scratch copy of the session cache).
    pub fn what_if_file(&self, path: &str) -> Option<what_if::Rebuild> {
        self.with_inputs(|inputs, cache| what_if::edit_file(inputs, cache, path))
    }

    /// layerlab's hints for the shown build, each measured by a what-if
    /// build over a scratch copy of the session cache.
    pub fn hints(&self) -> Vec<layerlab_core::hints::Hint> {
        let Some(result) = &self.view.latest else {
            return Vec::new();
        };
        self.with_inputs(|inputs, cache| layerlab_core::hints::hints(inputs, cache, result))
    }

    /// The current lesson step's goals, each checked against the shown
    /// build (what-if builds over a scratch copy of the session cache).
    pub fn lesson_verdicts(&self) -> Vec<(lessons::Goal, lessons::Verdict)> {
        let (Some((lesson, step)), Some(result)) = (&self.lesson, &self.view.latest) else {
            return Vec::new();
        };
        let Some(step) = lesson.steps.get(*step) else {
            return Vec::new();
        };
        self.with_inputs(|inputs, cache| lessons::check(step, inputs, cache, result))
    }

    /// Builds the project (the live build) over the session's cache.
    fn run_build(&mut self) {
        let started = now_ms();
        self.apply(Change::Build);
        self.dirty = false;
        self.builds += 1;
        self.last_build_ms = now_ms() - started;
    }

    fn set_options(&mut self) {
        let options = Options {
            date: self.catalog_date.clone(),
            builder: Some(self.builder),
        };
        self.apply(Change::SetOptions { options });
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
    /// A line (or paste) typed into the terminal.
    Terminal(String),
    /// Ctrl+C in the terminal.
    Interrupt,
    /// Ctrl+L / `clear`.
    ClearTerminal,
    /// Fetched data arrived: the session goes on with it.
    DataArrived,
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = AppState {
            session: RefCell::new(self.session.borrow_mut().take()),
            view: self.view.clone(),
            files: self.files.clone(),
            active: self.active,
            builder: self.builder,
            catalog_date: self.catalog_date.clone(),
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
            data_signature: self.data_signature,
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
                | Action::Terminal(_)
        );
        match action {
            Action::Edit(i, text) => {
                // The editor shows the text already: the session takes it,
                // and the view comes with the build.
                if let Some(f) = next.files.get_mut(i) {
                    f.1 = text.clone();
                    let path = f.0.clone();
                    if let Some(session) = next.session.get_mut().as_mut() {
                        session.change(Change::SetFile { path, text });
                    }
                    next.dirty = true;
                }
            }
            Action::Select(i) => next.active = i.min(next.files.len().saturating_sub(1)),
            Action::AddFile(name) => {
                let name = name.trim().trim_start_matches("./").to_owned();
                if !name.is_empty() && !next.files.iter().any(|(n, _)| *n == name) {
                    next.apply(Change::SetFile {
                        path: name.clone(),
                        text: String::new(),
                    });
                    next.active = next.files.iter().position(|(n, _)| *n == name).unwrap_or(0);
                    next.run_build();
                }
            }
            Action::RenameFile(i, name) => {
                let name = name.trim().trim_start_matches("./").to_owned();
                if i > 0 && !name.is_empty() && !next.files.iter().any(|(n, _)| *n == name) {
                    if let Some(from) = next.files.get(i).map(|f| f.0.clone()) {
                        next.apply(Change::RenameFile {
                            from,
                            to: name.clone(),
                        });
                        next.active = next.files.iter().position(|(n, _)| *n == name).unwrap_or(0);
                        next.run_build();
                    }
                }
            }
            Action::DeleteFile(i) => {
                if i > 0 && i < next.files.len() {
                    let path = next.files[i].0.clone();
                    next.apply(Change::RemoveFile { path });
                    next.active = next.active.min(next.files.len() - 1);
                    next.run_build();
                }
            }
            Action::Build => next.run_build(),
            Action::ClearCache => {
                next.apply(Change::ClearCache);
                next.run_build();
            }
            Action::ResumeLesson(lesson, url, step) => {
                let step = step.min(lesson.steps.len().saturating_sub(1));
                next.lesson = Some((lesson, step));
                next.lesson_url = Some((url, step));
            }
            Action::StartLesson(lesson, url) => {
                next.lesson_url = Some((url, 0));
                next.builder = builder_of(&lesson.builder);
                next.catalog_date = lesson.date.clone();
                next.set_options();
                next.set_files(lesson.files.clone());
                next.active = 0;
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
                next.apply(Change::SetFile { path: name, text });
                next.run_build();
            }
            Action::SelectStep(s) => next.selected_step = s,
            Action::Tab(t) => next.tab = t,
            Action::SetBuilder(b) => {
                next.builder = b;
                next.set_options();
                next.run_build();
            }
            Action::SetCatalogDate(d) => {
                next.catalog_date = d.filter(|d| !d.is_empty());
                next.set_options();
                next.run_build();
            }
            Action::Load(s) => {
                next.builder = builder_of(&s.builder);
                next.catalog_date = s.catalog_date;
                next.set_options();
                next.set_files(s.files);
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
            Action::Terminal(line) => {
                let before = next.builds_seen();
                next.apply(Change::Terminal { input: line });
                if next.builds_seen() != before {
                    next.builds += 1;
                }
                if let Some(path) = next.take_open() {
                    if let Some(i) = next.files.iter().position(|(n, _)| *n == path) {
                        next.active = i;
                    }
                }
            }
            Action::Interrupt => next.apply(Change::Interrupt),
            Action::ClearTerminal => next.apply(Change::ClearTerminal),
            Action::DataArrived => {
                next.apply(Change::DataChanged);
                next.builds += 1;
            }
        }
        if input_changes {
            next.input_revision = self.input_revision + 1;
        }
        Rc::new(next)
    }
}

/// What the panels beside the editor render from: a keystroke in the
/// editor changes none of it, so they are not rendered again until the
/// build (or the selection, the tab, the lesson) changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PanelsKey {
    view: usize,
    selected_step: Option<usize>,
    tab: OutputTab,
    builds: u64,
    build_ms: u64,
    lesson: Option<(usize, usize)>,
}

impl AppState {
    pub fn panels_key(&self) -> PanelsKey {
        PanelsKey {
            view: Rc::as_ptr(&self.view) as usize,
            selected_step: self.selected_step,
            tab: self.tab,
            builds: self.builds,
            build_ms: self.last_build_ms.to_bits(),
            lesson: self
                .lesson
                .as_ref()
                .map(|(l, step)| (Rc::as_ptr(l) as usize, *step)),
        }
    }

    /// Identifies the build shown (a terminal build changes it).
    fn builds_seen(&self) -> usize {
        self.view
            .latest
            .as_ref()
            .map_or(0, |r| Arc::as_ptr(r) as usize)
    }

    /// A file `vi`/`nano` asked to open, once.
    fn take_open(&mut self) -> Option<String> {
        let mut session = self.session.borrow_mut();
        session.as_mut()?.engine.open.take()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use layerlab_core::build::StepStatus;

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
            state.view.latest.as_ref().unwrap().ok(),
            "{:?}",
            state.view.latest.as_ref().unwrap().error
        );
        let app = state.files.iter().position(|(n, _)| n == "app.py").unwrap();
        let state = reduce(state, Action::Edit(app, "print('changed')\n".into()));
        let state = reduce(state, Action::Build);
        let r = state.view.latest.as_ref().unwrap();
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
        let r = state.view.latest.as_ref().unwrap();
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
    fn a_date_sets_the_session_clock_and_the_terminal_shares_the_cache() {
        let state = Rc::new(AppState::default());
        let state = state.reduce(Action::SetCatalogDate(Some("2017-06".into())));
        let clock = state.with_session(|s| s.engine.clock);
        assert!(
            layerlab_core::report::time::format_rfc3339(clock).starts_with("2017-06-28"),
            "{clock}"
        );
        // The terminal's build of the project hits the live build's cache.
        let state = state.reduce(Action::Terminal("docker build -t app .".into()));
        let text: Vec<String> = state.view.terminal.iter().map(|l| l.text.clone()).collect();
        assert!(
            text.iter()
                .filter(|l| l.contains("CACHED") || l.contains("Using cache"))
                .count()
                >= 3,
            "{text:#?}"
        );
        assert!(state
            .view
            .images
            .iter()
            .any(|i| i.tags.contains(&"app:latest".to_owned())));
    }

    #[test]
    fn the_terminal_writes_files_the_editor_shows_and_vi_opens_one() {
        let state = Rc::new(AppState::default());
        let state = state.reduce(Action::Terminal("echo 'print(2)' > extra.py".into()));
        assert!(state
            .files
            .iter()
            .any(|(n, t)| n == "extra.py" && t == "print(2)\n"));
        let state = state.reduce(Action::Terminal("vi app.py".into()));
        assert_eq!(state.files[state.active].0, "app.py");
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
