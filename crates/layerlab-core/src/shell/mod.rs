//! RUN simulation: a POSIX shell subset interpreted over the image's
//! filesystem ([`ShellExecutor`], a [`RunExecutor`](crate::build::RunExecutor)).
//!
//! Shell form runs the command text (`/bin/sh -c`); exec form runs argv
//! directly (a `sh -c SCRIPT` argv is interpreted too); RUN heredocs run as
//! scripts. What layerlab cannot simulate is never silently ignored: the step
//! gets a note "not simulated: …, assumed to change no files".
//!
//! The parser is hand-written rather than a crate: brush-parser builds for
//! wasm32 but adds about 139 kB gzipped to the page on its own, half of the
//! playground's download budget, for a grammar RUN lines barely use.
//!
//! ```
//! use layerlab_core::build::{RunContext, RunExecutor};
//! use layerlab_core::fs::Tree;
//! use layerlab_core::shell::ShellExecutor;
//! let mut tree = Tree::new();
//! let outcome = ShellExecutor::default().run(RunContext {
//!     argv: vec!["/bin/sh".into(), "-c".into(), "mkdir -p /app && echo hi > /app/x.txt && cat /app/x.txt".into()],
//!     shell_form: true, heredocs: &[], env: vec![], workdir: "/".into(), user: String::new(),
//!     mounts: &[], network: None, tree: &mut tree, strict_path: false,
//! });
//! assert_eq!((outcome.exit_code, outcome.output.as_slice()), (0, &["hi".to_owned()][..]));
//! assert_eq!(tree.get("/app/x.txt").unwrap().own_size(), 3);
//! ```

mod commands;
mod interp;
pub mod parse;
mod scan;

use crate::build::{Note, RunContext, RunExecutor, RunOutcome};
use crate::expand::Env;

/// What a host command printed and returned.
#[derive(Clone, Debug, Default)]
pub struct HostOutput {
    pub stdout: String,
    pub stderr: String,
    pub status: i32,
}

impl HostOutput {
    pub fn ok(stdout: impl Into<String>) -> HostOutput {
        HostOutput {
            stdout: stdout.into(),
            ..HostOutput::default()
        }
    }

    pub fn error(stderr: impl Into<String>, status: i32) -> HostOutput {
        HostOutput {
            stderr: stderr.into(),
            status,
            ..HostOutput::default()
        }
    }

    /// Both outputs, the second's status.
    pub fn and(mut self, other: HostOutput) -> HostOutput {
        self.stdout.push_str(&other.stdout);
        self.stderr.push_str(&other.stderr);
        self.status = other.status;
        self
    }
}

/// Commands a host adds to the shell (the terminal's `docker`, `vi`): asked
/// first for every command; `None` lets the shell run it as usual.
pub trait HostCommands {
    fn run(
        &mut self,
        argv: &[String],
        stdin: &str,
        cwd: &str,
        env: &Env,
        files: &mut crate::fs::Tree,
    ) -> Option<HostOutput>;
}

/// What a host shell's command line left behind.
pub struct HostRun {
    pub status: i32,
    /// Output lines, standard output and error in the order written.
    pub output: Vec<String>,
    /// The working directory and variables afterwards (`cd`, `export`).
    pub cwd: String,
    pub env: Env,
}

/// Runs `script` in a host shell over `files`: the terminal's shell, with
/// `host` asked first for each command (`docker`). Every program must be on
/// PATH in `files`.
pub fn run_host(
    files: &mut crate::fs::Tree,
    env: Env,
    cwd: &str,
    script: &str,
    host: &mut dyn HostCommands,
) -> HostRun {
    let mut sh = interp::Interp::new(files, env, cwd, "");
    sh.strict_path = true;
    sh.host = Some(host);
    let status = sh.run_script(script);
    let mut output = std::mem::take(&mut sh.output);
    output.append(&mut sh.host_notes);
    HostRun {
        status,
        output,
        cwd: sh.cwd.clone(),
        env: std::mem::take(&mut sh.env),
    }
}

/// Whether a command line needs more lines: an open quote, a here-document
/// without its end, a trailing `\\`, `&&` or `|`, an open `if`/`for`.
pub fn incomplete(src: &str) -> bool {
    if src.ends_with('\\') {
        return true;
    }
    if heredoc_open(src) {
        return true;
    }
    match parse::parse_script(src) {
        Ok(_) => false,
        Err(e) => e.contains("unterminated") || e.contains("end of file unexpected"),
    }
}

/// A `<<WORD` whose WORD line has not come yet.
fn heredoc_open(src: &str) -> bool {
    let lines: Vec<&str> = src.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        let Some(at) = line.find("<<") else { continue };
        let rest = line[at + 2..].trim_start_matches('-').trim_start();
        if rest.starts_with('<') {
            continue;
        }
        let word: String = rest
            .chars()
            .filter(|c| !matches!(c, '\'' | '"'))
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if word.is_empty() {
            continue;
        }
        if !lines[i + 1..]
            .iter()
            .any(|l| l.trim_start_matches('\t') == word)
        {
            return true;
        }
    }
    false
}

/// Simulates RUN with the shell interpreter.
#[derive(Clone, Debug, Default)]
pub struct ShellExecutor {
    /// Treat the image's files as complete: a command not on PATH fails with
    /// `not found` (exit 127) instead of being noted as not simulated.
    pub strict_path: bool,
    /// Debian releases' package data; without it apt-get is noted as not simulated.
    pub debian: Option<std::sync::Arc<crate::catalog::debian::Releases>>,
    /// Python package data; without it pip is noted as not simulated.
    pub pypi: Option<std::sync::Arc<crate::catalog::pypi::PyPi>>,
    /// npm package data; without it npm is noted as not simulated.
    pub npm: Option<std::sync::Arc<crate::catalog::npm::Npm>>,
    /// Alpine package data; without it (or for other branches) apk is noted as not simulated.
    pub alpine: Option<std::sync::Arc<crate::catalog::alpine::Alpine>>,
    /// Where apt-get records the Debian releases (codenames) it needed but had
    /// no data for, and apk the Alpine branches (`alpine/v3.20`), so a front
    /// end that loads data on demand can fetch them.
    pub wanted_debian: Option<WantedReleases>,
}

/// Codenames of Debian releases whose package data a build asked for.
pub type WantedReleases = std::sync::Arc<std::sync::Mutex<std::collections::BTreeSet<String>>>;

impl ShellExecutor {
    /// An executor with all the package data in a `data/` directory laid out as
    /// the repository's (`debian/`, `pypi/`, `npm/`, `alpine/`); a part that is missing is
    /// left out (its package manager is then noted as not simulated).
    pub fn from_data_dir(dir: &std::path::Path) -> Self {
        Self::from_source(&crate::catalog::source::DirSource(dir.to_owned()))
    }

    /// An executor with the package data a source holds (paths as in the
    /// repository's `data/`); Debian releases are parsed when first asked for.
    pub fn from_source(source: &dyn crate::catalog::source::DataSource) -> Self {
        use crate::catalog::{debian, npm::Npm, pypi::PyPi};
        use std::sync::Arc;
        let mut releases = debian::Releases::new();
        for name in debian::RELEASES {
            if let Some(tsv) = source.read(&format!("debian/{name}.tsv.gz")) {
                let meta = source
                    .read(&format!("debian/{name}.meta.json"))
                    .unwrap_or_default();
                releases.add(name, tsv, meta);
            }
        }
        let text = |p: &str| source.read(p).and_then(|b| String::from_utf8(b).ok());
        let pypi = text("pypi/packages.tsv")
            .zip(text("pypi/eras.tsv"))
            .map(|(p, e)| Arc::new(PyPi::from_tsv(&p, &e)));
        let mut alpine = crate::catalog::alpine::Alpine::default();
        for branch in crate::catalog::alpine::BRANCHES {
            if let Some(t) = text(&format!("alpine/{branch}.tsv")) {
                alpine.branches.insert(
                    branch.to_owned(),
                    crate::catalog::alpine::Branch::from_tsv(branch, &t),
                );
            }
        }
        ShellExecutor {
            debian: Some(Arc::new(releases)),
            pypi,
            npm: text("npm/packages.tsv").map(|t| Arc::new(Npm::from_tsv(&t))),
            alpine: Some(Arc::new(alpine)),
            ..ShellExecutor::default()
        }
    }

    /// An executor with Debian package data for apt-get.
    pub fn with_debian(releases: std::sync::Arc<crate::catalog::debian::Releases>) -> Self {
        ShellExecutor {
            debian: Some(releases),
            ..ShellExecutor::default()
        }
    }
}

impl RunExecutor for ShellExecutor {
    fn run(&self, ctx: RunContext<'_>) -> RunOutcome {
        let mut env = Env::new();
        for (k, v) in &ctx.env {
            env.set(k, v);
        }
        let mut sh = interp::Interp::new(ctx.tree, env, &ctx.workdir, &ctx.user);
        sh.strict_path = self.strict_path || ctx.strict_path;
        sh.debian = self.debian.clone();
        sh.pypi = self.pypi.clone();
        sh.npm = self.npm.clone();
        sh.alpine = self.alpine.clone();
        sh.wanted_debian = self.wanted_debian.clone();
        if sh.strict_path {
            if let Some(error) = cannot_start(&sh, &ctx.argv) {
                return RunOutcome {
                    exit_code: 1,
                    duration_ms: 50,
                    start_error: Some(error),
                    ..RunOutcome::default()
                };
            }
        }
        let script = script_of(&ctx.argv, ctx.shell_form, ctx.heredocs);
        if let Some(what) = foreign(&ctx.argv, ctx.shell_form, script.as_deref()) {
            return RunOutcome {
                exit_code: 0,
                output: Vec::new(),
                notes: vec![Note::unsimulated(format!(
                    "{what} (not a POSIX shell), assumed to change no files"
                ))],
                duration_ms: 50,
                start_error: None,
            };
        }
        let exit_code = match script {
            Some(text) => sh.run_script(&text),
            None => {
                let argv: Vec<String> = ctx.argv.iter().map(|a| shell_quote(a)).collect();
                sh.run_script(&argv.join(" "))
            }
        };
        // A base cost per line of work, plus what downloads and installs took.
        let commands = sh.output.len() + sh.notes.len() + 1;
        let duration_ms = 50 + 10 * commands as u64 + sh.duration_ms;
        RunOutcome {
            exit_code,
            output: sh.output,
            notes: summarise_notes(sh.notes),
            duration_ms,
            start_error: None,
        }
    }
}

/// runc's reason when the step's program (the SHELL's for shell form, e.g.
/// `/bin/sh` on `FROM scratch`) is not in the image; `None` when it is there.
fn cannot_start(sh: &interp::Interp<'_>, argv: &[String]) -> Option<String> {
    let program = argv.first()?;
    if commands::on_path(sh, program) {
        return None;
    }
    let why = if program.contains('/') {
        format!("stat {program}: no such file or directory")
    } else {
        "executable file not found in $PATH".to_owned()
    };
    Some(format!(
        "unable to start container process: error during container init: exec: \"{program}\": {why}"
    ))
}

/// The most notes one step shows: a script that loops over commands layerlab
/// does not simulate would otherwise bury the build result under a note per
/// iteration (the fuzzer found one with 72,000).
const MAX_NOTES: usize = 100;

/// The step's notes without repeats, at most [`MAX_NOTES`] of them plus one
/// saying how many more there were.
fn summarise_notes(notes: Vec<Note>) -> Vec<Note> {
    let mut seen = std::collections::HashSet::new();
    let mut kept = Vec::new();
    let (mut more, mut more_unsimulated) = (0usize, false);
    for n in notes {
        if !seen.insert(n.text.clone()) {
            continue;
        }
        if kept.len() == MAX_NOTES {
            more += 1;
            more_unsimulated |= n.is_unsimulated();
        } else {
            kept.push(n);
        }
    }
    if more > 0 {
        // Still of that kind, so the build knows the step ran something it
        // could not simulate even if only hidden notes said so.
        let text = format!("… and {more} more notes like these, not shown");
        kept.push(if more_unsimulated {
            Note::unsimulated(text)
        } else {
            Note::info(text)
        });
    }
    kept
}

/// The script a RUN executes: the shell-form text, a `sh -c` argument, or a heredoc body.
fn script_of(
    argv: &[String],
    shell_form: bool,
    heredocs: &[crate::syntax::Heredoc],
) -> Option<String> {
    let command = if shell_form {
        argv.last()?
    } else if argv.len() >= 3 && (argv[0].ends_with("sh") && argv[1] == "-c") {
        &argv[2]
    } else {
        return None;
    };
    // `RUN <<EOF` runs the heredoc as the script.
    if let Some(doc) = heredocs.first() {
        if command.trim_start().starts_with("<<") && command.split_whitespace().count() == 1 {
            let body = String::from_utf8_lossy(&doc.content).into_owned();
            return Some(if doc.chomp {
                crate::syntax::chomp_content(&body)
            } else {
                body
            });
        }
    }
    Some(command.clone())
}

/// A RUN for a shell layerlab does not interpret (PowerShell, Windows `cmd`):
/// what to name in the note.
fn foreign(argv: &[String], shell_form: bool, script: Option<&str>) -> Option<String> {
    // The program's name without its directory and `.exe`, compared without case.
    let program = |word: &str| {
        let name = word.rsplit(['/', '\\']).next().unwrap_or(word);
        match name.len().checked_sub(4) {
            Some(n) if name.is_char_boundary(n) && name[n..].eq_ignore_ascii_case(".exe") => {
                &name[..n]
            }
            _ => name,
        }
        .to_owned()
    };
    let is = |name: &str, list: &[&str]| list.iter().any(|l| l.eq_ignore_ascii_case(name));
    let shell = argv.first().map(String::as_str).unwrap_or("");
    let shell_name = shell.rsplit(['/', '\\']).next().unwrap_or(shell);
    if shell_form && !is(shell_name, &["sh", "bash", "ash", "dash", "zsh", "ksh"]) {
        return Some(format!("{shell} script"));
    }
    let first = match script {
        Some(text) => text.split_whitespace().next().unwrap_or(""),
        None => shell,
    };
    let first_name = first.rsplit(['/', '\\']).next().unwrap_or(first);
    let windows = [
        "powershell",
        "powershell.exe",
        "pwsh",
        "pwsh.exe",
        "cmd",
        "cmd.exe",
        "setx",
        "setx.exe",
    ];
    is(first_name, &windows).then(|| format!("{} command", program(first)))
}

/// Single-quotes an exec-form argument so the interpreter takes it literally.
fn shell_quote(arg: &str) -> String {
    format!("'{}'", arg.replace('\'', "'\\''"))
}

#[cfg(test)]
mod tests;
