//! The session: the one place state lives. It owns the host's files (the
//! project the editor shows, and wherever the terminal `cd`s), the options,
//! the builders' cache, the image store, containers, the registry and the
//! package data. Front ends send a [`Change`] to [`Session::apply`] and get
//! back a [`View`] of plain data holding everything the panels show, as
//! rust-analyzer's `AnalysisHost` takes changes and answers queries.
//!
//! Every change that matters is kept in a journal; replaying the journal
//! gives the same session (IDs, digests and times come from the session's
//! own clock and counter), which is how the CLI's state directory, the
//! page's autosave and share links keep a session.
//!
//! ```
//! use layerlab_core::session::{Change, Options, PackageData, Session};
//! let mut s = Session::new(Options::default(), PackageData::default());
//! s.apply(Change::SetFile { path: "Dockerfile".into(), text: "FROM scratch\nCOPY a.txt /\n".into() });
//! s.apply(Change::SetFile { path: "a.txt".into(), text: "hi\n".into() });
//! let view = s.apply(Change::Terminal { input: "docker build -t demo .".into() });
//! assert!(view.terminal.iter().any(|l| l.text.contains("demo")));
//! let view = s.apply(Change::Terminal { input: "docker images demo".into() });
//! assert!(view.terminal.last().unwrap().text.starts_with("demo "));
//! ```

pub mod builds;
pub mod containers;
mod docker;
pub mod era;
pub mod images;
pub mod registry;
mod terminal;
mod view;

use std::collections::BTreeSet;
use std::sync::Arc;

use crate::build::{BuildResult, Builder, CacheStore};
use crate::catalog::Catalog;
use crate::fs::{Meta, Tree};
use crate::shell::ShellExecutor;

pub use terminal::{LineKind, TermLine};
pub use view::{Diagnostic, ImageSummary, LayerSummary, View};

/// The home directory of the terminal's user.
pub const HOME: &str = "/home/learner";
/// The project directory: what the editor shows, where the terminal starts.
pub const PROJECT: &str = "/home/learner/lab";

/// Session options.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Options {
    /// The date the session stands in (`2017-06`): base images resolve as of
    /// it, the clock starts there, and Docker's texts are that release's.
    #[serde(default)]
    pub date: Option<String>,
    /// The builder; `None` follows the date (classic before Docker 23).
    #[serde(default)]
    pub builder: Option<Builder>,
}

/// The catalog and package data builds run over. The page fills it in as
/// data arrives; the CLI loads it all at once.
#[derive(Clone, Debug, Default)]
pub struct PackageData {
    pub catalog: Arc<Catalog>,
    pub executor: ShellExecutor,
}

/// What can happen to a session.
/// Serialized as serde's default (externally tagged) form: the internally
/// tagged form's deserializer cost the page 14 kB of code.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    /// Writes a project file (path relative to the project).
    SetFile {
        path: String,
        text: String,
    },
    RemoveFile {
        path: String,
    },
    RenameFile {
        from: String,
        to: String,
    },
    SetOptions {
        options: Options,
    },
    /// Builds the project as the editor shows it (the live build).
    Build,
    ClearCache,
    /// A line (or a paste of many) typed into the terminal.
    Terminal {
        input: String,
    },
    /// Ctrl+C: drops a half-typed command or an open prompt.
    Interrupt,
    /// Ctrl+L / `clear`: empties the terminal.
    ClearTerminal,
    /// Package data arrived: waiting commands run, the live build runs again.
    DataChanged,
}

/// Everything but the host's files: what `docker` commands work on (kept
/// apart so the host shell can lend its files and this at the same time).
#[derive(Debug, Default)]
pub struct Engine {
    pub options: Options,
    pub data: PackageData,
    pub cache: CacheStore,
    pub images: images::ImageStore,
    pub containers: Vec<containers::Container>,
    pub registry: registry::Registry,
    /// The Docker ID `docker login` was given.
    pub login: Option<String>,
    /// Seconds since the epoch, the session's own clock.
    pub clock: i64,
    /// Counter for IDs (containers).
    pub seq: u64,
    /// The build the panels show, with the Dockerfile it built.
    pub shown: Option<(Arc<BuildResult>, String)>,
    /// The last build that succeeded (shown while the text does not parse).
    pub last_good: Option<(Arc<BuildResult>, String)>,
    /// The shown build's diagnostics (made once per build, not per view).
    pub diagnostics: Vec<view::Diagnostic>,
    /// A file `vi`/`nano` asked to open in the editor.
    pub open: Option<String>,
    /// Catalog entries a build waited for.
    pub wanted: BTreeSet<String>,
    /// A question a command asked (`Username:`, `[y/N]`), answered by the
    /// next terminal line.
    pub prompt: Option<docker::Prompt>,
    /// The image the live build last tagged (replaced by the next one).
    live_image: Option<String>,
    /// A step ran a package manager whose data was not here yet: its cached
    /// result is not the real one.
    pub(crate) built_without_data: bool,
    /// The image store's revision the catalog's local bases were taken at.
    local_synced: Option<u64>,
}

impl PackageData {
    /// Everything a data source holds: the catalog and the package data of
    /// every package manager (Debian releases parsed when first used).
    pub fn from_source(
        source: Arc<dyn crate::catalog::source::DataSource>,
    ) -> Result<PackageData, String> {
        let executor = ShellExecutor::from_source(source.as_ref());
        let mut catalog = Catalog::from_source(source)?;
        if let Some(debian) = &executor.debian {
            catalog = catalog.with_debian(debian.clone());
        }
        Ok(PackageData {
            catalog: Arc::new(catalog),
            executor,
        })
    }
}

/// A session.
pub struct Session {
    /// The host's filesystem: the home directory and the project.
    pub files: Tree,
    pub cwd: String,
    pub engine: Engine,
    pub terminal: terminal::Terminal,
    journal: Vec<Change>,
    /// Changes of a replay still to apply (they wait while a build waits
    /// for package data, so they apply in order).
    replaying: std::collections::VecDeque<Change>,
    revision: u64,
}

impl Session {
    pub fn new(options: Options, data: PackageData) -> Session {
        let mut files = Tree::new();
        let _ = files.mkdir_all(PROJECT, Meta::DIR);
        let _ = files.mkdir_all("/usr/bin", Meta::DIR);
        // The host's accounts, so `ls -l` shows names.
        for (path, text) in [
            ("/etc/passwd", "root:x:0:0:root:/root:/bin/bash\nlearner:x:1000:1000:learner:/home/learner:/bin/bash\n"),
            ("/etc/group", "root:x:0:\nlearner:x:1000:\n"),
        ] {
            let _ = files.write_file(path, Meta::FILE, crate::fs::Content::bytes(text.as_bytes().to_vec()));
        }
        for program in terminal::HOST_PROGRAMS {
            let _ = files.write_file(
                &format!("/usr/bin/{program}"),
                Meta::EXEC,
                crate::fs::Content::bytes(Vec::new()),
            );
        }
        let clock = start_of(options.date.as_deref());
        Session {
            files,
            cwd: PROJECT.to_owned(),
            engine: Engine {
                options,
                data,
                clock,
                ..Engine::default()
            },
            terminal: terminal::Terminal::default(),
            journal: Vec::new(),
            replaying: std::collections::VecDeque::new(),
            revision: 0,
        }
    }

    /// A session made again from its journal. Where a build waits for
    /// package data the replay pauses (the view's `wanted` says what for)
    /// and goes on at `DataChanged`.
    pub fn replay(options: Options, data: PackageData, journal: &[Change]) -> Session {
        let mut s = Session::new(options, data);
        s.replaying = journal.iter().cloned().collect();
        s.continue_replay();
        s
    }

    fn continue_replay(&mut self) {
        while self.engine.wanted.is_empty() && !self.terminal.waiting() {
            let Some(change) = self.replaying.pop_front() else {
                break;
            };
            self.apply_one(change);
        }
    }

    /// Whether a replay is still going on.
    pub fn replaying(&self) -> bool {
        !self.replaying.is_empty()
    }

    /// The changes that made this session (what a state file, autosave or
    /// share link keeps).
    pub fn journal(&self) -> &[Change] {
        &self.journal
    }

    /// New package data (the page fetched some); follow with `DataChanged`.
    /// Steps that ran a package manager without its data leave the cache,
    /// so the next build runs them with it.
    pub fn set_data(&mut self, data: PackageData) {
        fn same<T>(a: &Option<Arc<T>>, b: &Option<Arc<T>>) -> bool {
            match (a, b) {
                (Some(a), Some(b)) => Arc::ptr_eq(a, b),
                (None, None) => true,
                _ => false,
            }
        }
        let old = &self.engine.data.executor;
        let new = &data.executor;
        let packages_changed = !same(&old.debian, &new.debian)
            || !same(&old.alpine, &new.alpine)
            || !same(&old.pypi, &new.pypi)
            || !same(&old.npm, &new.npm);
        if packages_changed && self.engine.built_without_data {
            self.engine.cache.clear();
            self.engine.built_without_data = false;
        }
        self.engine.data = data;
        // A new catalog learns the session's own images again.
        self.engine.local_synced = None;
        self.engine.sync_local();
    }

    pub fn apply(&mut self, change: Change) -> View {
        self.change(change);
        self.view()
    }

    /// Applies a change without making a view (a keystroke in the editor:
    /// the front end already shows the text).
    pub fn change(&mut self, change: Change) {
        if self.replaying() && change != Change::DataChanged {
            // The user acts before the replay is done: it goes on after.
            self.replaying.push_back(change);
            return;
        }
        self.apply_one(change);
        self.continue_replay();
    }

    fn apply_one(&mut self, change: Change) {
        self.revision += 1;
        self.record(&change);
        match change {
            Change::SetFile { path, text } => {
                let p = project_path(&path);
                if let Some(dir) = p.rsplit_once('/').map(|(d, _)| d) {
                    let _ = self.files.mkdir_all(dir, Meta::DIR);
                }
                let _ = self.files.write_file(
                    &p,
                    Meta::FILE,
                    crate::fs::Content::bytes(text.into_bytes()),
                );
            }
            Change::RemoveFile { path } => {
                let _ = self.files.remove(&project_path(&path));
            }
            Change::RenameFile { from, to } => {
                if let Ok(node) = self.files.remove(&project_path(&from)) {
                    let _ = self.files.insert(&project_path(&to), node);
                }
            }
            Change::SetOptions { options } => {
                if options.date != self.engine.options.date {
                    self.engine.clock = start_of(options.date.as_deref());
                }
                self.engine.options = options;
            }
            Change::Build => self.live_build(),
            Change::ClearCache => self.engine.cache.clear(),
            Change::Terminal { input } => self.input(&input),
            Change::Interrupt => self.terminal.interrupt(),
            Change::ClearTerminal => self.terminal.lines.clear(),
            Change::DataChanged => {
                self.engine.wanted.clear();
                self.run_queue();
                if !self.replaying() {
                    self.live_build();
                }
            }
        }
    }

    /// Keeps the journal short: a file's consecutive edits keep only the last.
    fn record(&mut self, change: &Change) {
        match change {
            Change::DataChanged | Change::ClearTerminal => return,
            Change::SetFile { path, .. } => {
                let same = |c: &Change| matches!(c, Change::SetFile { path: p, .. } if p == path);
                while let Some(last) = self.journal.last() {
                    if same(last)
                        || (*last == Change::Build
                            && self.journal.len() >= 2
                            && same(&self.journal[self.journal.len() - 2]))
                    {
                        self.journal.pop();
                    } else {
                        break;
                    }
                }
            }
            Change::Build if self.journal.last() == Some(&Change::Build) => return,
            _ => {}
        }
        self.journal.push(change.clone());
    }

    /// The project's files (relative paths), the Dockerfile first.
    pub fn project_files(&self) -> Vec<(String, String)> {
        let mut files: Vec<(String, String)> = self
            .files
            .walk(PROJECT)
            .into_iter()
            .filter(|(_, n)| matches!(n, crate::fs::Node::File { .. }))
            .filter_map(|(p, _)| {
                let rel = p.strip_prefix(PROJECT)?.trim_start_matches('/').to_owned();
                let text = self.files.text(&p).unwrap_or_default();
                Some((rel, text))
            })
            .collect();
        files.sort_by_key(|(p, _)| (p != "Dockerfile", p.clone()));
        files
    }

    /// The project's Dockerfile, context and build options, as the live
    /// build uses them.
    fn project_inputs(&self) -> (String, crate::build::Context, crate::build::BuildOptions) {
        let dockerfile = self
            .files
            .text(&format!("{PROJECT}/Dockerfile"))
            .unwrap_or_default();
        let context = builds::context_of(&self.files, PROJECT);
        let options = crate::build::BuildOptions {
            builder: self.engine.builder(None),
            catalog_date: self.engine.options.date.clone(),
            tags: vec!["playground:latest".into()],
            ..crate::build::BuildOptions::default()
        };
        (dockerfile, context, options)
    }

    /// Builds the project as the editor shows it; its image is tagged
    /// `playground:latest` (replacing the previous live image).
    fn live_build(&mut self) {
        let (dockerfile, context, options) = self.project_inputs();
        let result = self
            .engine
            .build(dockerfile.as_bytes(), &context, options, true);
        self.engine.show(result, dockerfile);
    }

    /// Runs `f` over the live build's inputs and the session's cache: what
    /// what-if builds, hints and lesson goals start from.
    pub fn with_project<R>(
        &self,
        f: impl FnOnce(&crate::build::what_if::Inputs<'_>, &CacheStore) -> R,
    ) -> R {
        let (dockerfile, context, options) = self.project_inputs();
        let inputs = crate::build::what_if::Inputs {
            dockerfile: dockerfile.as_bytes(),
            context: &context,
            catalog: &self.engine.data.catalog,
            options: &options,
            executor: &self.engine.data.executor,
        };
        f(&inputs, &self.engine.cache)
    }

    pub fn view(&self) -> View {
        view::view(self)
    }

    pub fn revision(&self) -> u64 {
        self.revision
    }
}

impl Engine {
    /// The builder for a build: `DOCKER_BUILDKIT` when given, else the
    /// session's option, else the era's default.
    pub fn builder(&self, env: Option<&str>) -> Builder {
        match env {
            Some("0") => Builder::Classic,
            Some(_) => Builder::BuildKit,
            None => self
                .options
                .builder
                .unwrap_or_else(|| self.era().default_builder()),
        }
    }

    pub fn era(&self) -> era::Era {
        era::era(self.options.date.as_deref())
    }

    pub fn now(&self) -> String {
        crate::report::time::format_rfc3339(self.clock)
    }

    /// Makes a build the one the panels show.
    pub fn show(&mut self, result: BuildResult, dockerfile: String) {
        self.diagnostics = view::diagnostics(&result);
        let result = Arc::new(result);
        if result.ok() {
            self.last_good = Some((result.clone(), dockerfile.clone()));
        }
        self.shown = Some((result, dockerfile));
    }

    /// A fresh 64-hex ID (containers).
    pub fn new_id(&mut self, what: &str) -> String {
        use sha2::{Digest, Sha256};
        self.seq += 1;
        crate::fs::hex(&Sha256::digest(format!(
            "{what}:{}:{}",
            self.seq, self.clock
        )))
    }
}

/// A project-relative path as an absolute host path.
fn project_path(path: &str) -> String {
    crate::fs::path::clean(&format!("{PROJECT}/{}", path.trim_start_matches("./")))
}

/// The clock's start: noon on the 28th of the session's month (or on its day),
/// else a fixed day (the core never reads the real clock).
fn start_of(date: Option<&str>) -> i64 {
    let date = date.unwrap_or("2026-12-01");
    let full = match date.len() {
        7 => format!("{date}-28T12:00:00Z"),
        10 => format!("{date}T12:00:00Z"),
        _ => "2026-12-01T12:00:00Z".to_owned(),
    };
    crate::report::time::parse_rfc3339(&full).unwrap_or(1_796_126_400)
}
