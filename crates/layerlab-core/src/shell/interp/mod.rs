//! The interpreter: runs a parsed script against the image's filesystem.
//!
//! Words are expanded as `sh` does them (quotes, `$VAR`/`${…}` through the
//! core's expander, `$(…)` when its output is knowable, unquoted globs against
//! the tree). Control flow, `&&`/`||`, `set -e`, functions and exit codes
//! follow POSIX. Hostile scripts are bounded, each with its own message: a
//! step budget stops endless loops, a nesting limit stops fork bombs and
//! endless recursion, and a size limit stops values that double forever.
//!
//! This module runs lists, pipelines and commands; `words` expands words,
//! `redirect` writes `>` and `>>`, `limits` holds the bounds and stops.

use crate::build::Note;
use crate::expand::Env;
use crate::fs::{path, Node, Tree};

use super::parse::{parse_script, AndOr, Command, List, Pipeline, RedirOp, Redirect};

mod limits;
mod redirect;
mod words;

pub(crate) use limits::STOPPED_STATUS;
use redirect::Appending;

pub(crate) struct Interp<'a> {
    pub tree: &'a mut Tree,
    pub env: Env,
    pub cwd: String,
    pub user: String,
    pub status: i32,
    errexit: bool,
    xtrace: bool,
    /// Inside an `if` condition or left of `&&`/`||`: failures do not exit.
    conditional: usize,
    pub output: Vec<String>,
    pub notes: Vec<crate::build::Note>,
    pub strict_path: bool,
    steps: usize,
    /// Nesting of function calls, `sh -c` and `$(…)`.
    depth: usize,
    /// Set once a limit stopped the script: nothing runs after it.
    stopped: bool,
    /// The file `>>` last appended to, with its content: a script appending
    /// line by line writes the file once instead of copying it each time.
    appending: Option<Appending>,
    /// The current command's words used the output of a command layerlab
    /// could not simulate (`$(go env GOPATH)`): what they hold is unknown.
    pub unknown_output: bool,
    /// Standard input comes from a command in the pipeline that layerlab
    /// could not simulate (so what it holds is unknown).
    pub stdin_unknown: bool,
    /// Functions defined so far.
    functions: std::collections::HashMap<String, std::rc::Rc<Command>>,
    /// Command substitutions parsed so far, by their text (a loop runs the
    /// same ones again and again).
    substitutions: std::collections::HashMap<String, std::rc::Rc<List>>,
    pub exit: Option<i32>,
    /// Captured stdout of the current command (for pipes, `$(…)` and redirections).
    pub stdout: String,
    pub stdin: String,
    /// Debian package data, for apt-get.
    pub debian: Option<std::sync::Arc<crate::catalog::debian::Releases>>,
    /// Records Debian releases apt-get lacked data for (see `ShellExecutor`).
    pub wanted_debian: Option<super::WantedReleases>,
    /// npm package data, for npm.
    pub npm: Option<std::sync::Arc<crate::catalog::npm::Npm>>,
    /// Alpine package data, for apk.
    pub alpine: Option<std::sync::Arc<crate::catalog::alpine::Alpine>>,
    /// Python package data, for pip.
    pub pypi: Option<std::sync::Arc<crate::catalog::pypi::PyPi>>,
    /// Simulated time added by commands (downloads, installs).
    pub duration_ms: u64,
    /// Commands a host provides (the terminal's `docker`); asked before the builtins.
    pub host: Option<&'a mut dyn super::HostCommands>,
    /// The host's own remarks (`layerlab: …` lines), shown after the output.
    pub host_notes: Vec<String>,
}

impl<'a> Interp<'a> {
    pub fn new(tree: &'a mut Tree, env: Env, cwd: &str, user: &str) -> Self {
        Interp {
            tree,
            env,
            cwd: cwd.to_owned(),
            user: user.to_owned(),
            status: 0,
            errexit: false,
            xtrace: false,
            conditional: 0,
            output: Vec::new(),
            notes: Vec::new(),
            strict_path: false,
            steps: 0,
            depth: 0,
            stopped: false,
            functions: std::collections::HashMap::new(),
            substitutions: std::collections::HashMap::new(),
            appending: None,
            unknown_output: false,
            stdin_unknown: false,
            exit: None,
            stdout: String::new(),
            stdin: String::new(),
            debian: None,
            wanted_debian: None,
            pypi: None,
            npm: None,
            alpine: None,
            duration_ms: 0,
            host: None,
            host_notes: Vec::new(),
        }
    }

    /// Runs a whole script; returns its exit status.
    pub fn run_script(&mut self, src: &str) -> i32 {
        match parse_script(src) {
            Ok(list) => {
                self.run_list(&list);
                self.flush_appends();
                let out = std::mem::take(&mut self.stdout);
                self.emit(&out);
                if self.stopped {
                    return STOPPED_STATUS;
                }
                self.exit.unwrap_or(self.status)
            }
            Err(e) => {
                self.output.push(format!("/bin/sh: 1: {e}"));
                2
            }
        }
    }

    /// Runs `sh -c SCRIPT` inside this shell; returns its status.
    pub fn run_nested(&mut self, src: &str) -> i32 {
        match parse_script(src) {
            Ok(list) => {
                if !self.enter() {
                    return 2;
                }
                let outer_exit = self.exit.take();
                self.run_list(&list);
                let code = self.exit.take().unwrap_or(self.status);
                self.exit = outer_exit;
                self.depth -= 1;
                code
            }
            Err(e) => {
                self.output.push(format!("sh: 1: {e}"));
                2
            }
        }
    }

    /// Text written to the build log.
    pub fn emit(&mut self, text: &str) {
        for line in text.lines() {
            self.output.push(line.to_owned());
        }
    }

    pub fn set_option(&mut self, flag: char, on: bool) {
        match flag {
            'e' => self.errexit = on,
            'x' => self.xtrace = on,
            _ => {}
        }
    }

    fn run_list(&mut self, list: &List) {
        for item in list {
            if self.exit.is_some() || self.stopped {
                return;
            }
            self.run_and_or(item);
        }
    }

    fn run_and_or(&mut self, item: &AndOr) {
        let guarded = !item.rest.is_empty();
        if guarded {
            self.conditional += 1;
        }
        self.run_pipeline(&item.first);
        for (i, (is_and, p)) in item.rest.iter().enumerate() {
            if self.exit.is_some() {
                break;
            }
            let last = i + 1 == item.rest.len();
            if last {
                self.conditional -= 1;
            }
            let ran = (self.status == 0) == *is_and;
            if ran {
                self.run_pipeline(p);
            }
            if last {
                // `set -e` looks only at the last pipeline of an and-or list,
                // if it ran, and ignores one that begins with `!` (as dash).
                if ran && !p.negate {
                    self.check_errexit();
                }
                return;
            }
        }
        if guarded {
            self.conditional -= 1;
        } else if !item.first.negate {
            self.check_errexit();
        }
    }

    fn check_errexit(&mut self) {
        if self.errexit && self.status != 0 && self.conditional == 0 && self.exit.is_none() {
            self.exit = Some(self.status);
        }
    }

    fn run_pipeline(&mut self, p: &Pipeline) {
        if p.negate {
            self.conditional += 1;
        }
        let mut last_unsimulated = false;
        for (i, c) in p.commands.iter().enumerate() {
            if i > 0 {
                self.stdin = std::mem::take(&mut self.stdout);
                self.stdin_unknown = last_unsimulated;
            }
            let notes_before = self.notes.len();
            self.run_command(c);
            last_unsimulated = self.unsimulated_since(notes_before);
        }
        self.stdin.clear();
        self.stdin_unknown = false;
        // `! cmd` of a command layerlab could not simulate: its status is
        // unknown, so the negation is assumed to hold too (as the command
        // itself is assumed to succeed), rather than failing the script.
        if p.negate {
            self.conditional -= 1;
            self.status = if last_unsimulated {
                0
            } else {
                i32::from(self.status == 0)
            };
        }
        // `$?`.
        self.env.set("?", &self.status.to_string());
    }

    /// Whether a note since the first `before` says something was not simulated.
    pub(crate) fn unsimulated_since(&self, before: usize) -> bool {
        self.notes[before..].iter().any(Note::is_unsimulated)
    }

    fn run_command(&mut self, c: &Command) {
        if !self.tick() {
            return;
        }
        match c {
            Command::Simple {
                assigns,
                words,
                redirects,
            } => self.run_simple(assigns, words, redirects),
            Command::Group(l) => self.run_list(l),
            Command::Subshell(l) => {
                let (env, cwd) = (self.env.clone(), self.cwd.clone());
                self.run_list(l);
                if let Some(code) = self.exit.take() {
                    self.status = code;
                }
                self.env = env;
                self.cwd = cwd;
            }
            Command::If {
                branches,
                otherwise,
            } => {
                for (cond, body) in branches {
                    self.conditional += 1;
                    self.run_list(cond);
                    self.conditional -= 1;
                    if self.status == 0 {
                        self.run_list(body);
                        return;
                    }
                }
                self.status = 0;
                if let Some(body) = otherwise {
                    self.run_list(body);
                }
            }
            Command::For { var, items, body } => {
                let items = match items {
                    Some(words) => words.iter().flat_map(|w| self.expand(w)).collect(),
                    None => Vec::new(),
                };
                self.status = 0;
                for item in items {
                    if self.exit.is_some() || !self.tick() {
                        break;
                    }
                    self.env.set(var, &item);
                    self.run_list(body);
                }
            }
            Command::While { until, cond, body } => loop {
                if self.exit.is_some() || !self.tick() {
                    break;
                }
                self.conditional += 1;
                self.run_list(cond);
                self.conditional -= 1;
                if (self.status == 0) == *until {
                    self.status = 0;
                    break;
                }
                self.run_list(body);
            },
            Command::Function { name, body } => {
                self.functions
                    .insert(name.clone(), std::rc::Rc::new((**body).clone()));
                self.status = 0;
            }
            Command::Case { word, arms } => {
                let value = self.expand_single(word);
                self.status = 0;
                for (patterns, body) in arms {
                    let hit = patterns.iter().any(|p| {
                        let p = self.expand_single(p);
                        p == "*" || crate::fs::glob::glob_match(&p, &value)
                    });
                    if hit {
                        self.run_list(body);
                        break;
                    }
                }
            }
        }
    }

    fn run_simple(
        &mut self,
        assigns: &[(String, String)],
        words: &[String],
        redirects: &[Redirect],
    ) {
        self.unknown_output = false;
        let argv: Vec<String> = words.iter().flat_map(|w| self.expand(w)).collect();
        let values: Vec<(String, String)> = assigns
            .iter()
            .map(|(k, v)| (k.clone(), self.expand_single(v)))
            .collect();
        if argv.is_empty() {
            for (k, v) in values {
                self.env.set(&k, &v);
            }
            self.status = 0;
            return;
        }
        if self.xtrace {
            self.output.push(format!("+ {}", argv.join(" ")));
        }
        // Assignments before a command apply to it; for builtins like export they stick.
        let saved: Vec<(String, Option<String>)> = values
            .iter()
            .map(|(k, _)| (k.clone(), self.env.get(k).map(str::to_owned)))
            .collect();
        for (k, v) in &values {
            self.env.set(k, v);
        }
        // Only commands that cannot read files leave a pending append alone.
        if !matches!(
            argv[0].as_str(),
            "echo" | "printf" | ":" | "true" | "false" | "export" | "set"
        ) {
            self.flush_appends();
        }
        // Input redirections: `< file`, here-documents, here-strings.
        for r in redirects {
            let input = match r.op {
                RedirOp::Read => {
                    let p = self.expand_single(&r.target);
                    match self.tree.get(&self.abs(&p)) {
                        Some(Node::File { content, .. }) => {
                            String::from_utf8_lossy(content.as_bytes().unwrap_or_default())
                                .into_owned()
                        }
                        _ => continue,
                    }
                }
                RedirOp::HereDocLiteral => r.target.clone(),
                RedirOp::HereDoc => {
                    let quoted = format!("\"{}\"", r.target.replace('"', "\\\""));
                    self.expand_single(&quoted)
                }
                RedirOp::HereString => format!("{}\n", self.expand_single(&r.target)),
                _ => continue,
            };
            self.stdin = input;
        }
        let outer_stdout = std::mem::take(&mut self.stdout);
        self.status = match self.functions.get(&argv[0]).cloned() {
            Some(body) => self.call(&body, &argv[1..]),
            None => super::commands::run(self, &argv),
        };
        let produced = std::mem::replace(&mut self.stdout, outer_stdout);
        if !self.fits(produced.len()) {
            return;
        }
        let mut to_stdout = true;
        for r in redirects {
            let target = self.expand_single(&r.target);
            match (r.fd, r.op) {
                (1, RedirOp::Write | RedirOp::Append) => {
                    to_stdout = false;
                    if target != "/dev/null" {
                        self.write_output(&target, &produced, r.op == RedirOp::Append);
                    }
                }
                (_, RedirOp::Read) => {}
                _ => {}
            }
        }
        if to_stdout {
            self.stdout.push_str(&produced);
        }
        if !matches!(argv[0].as_str(), "export" | "cd" | "set" | "unset") {
            for (k, old) in saved {
                match old {
                    Some(v) => self.env.set(&k, &v),
                    None => self.env.set(&k, ""),
                }
            }
        }
    }

    /// Calls a function: `$1`… are its arguments while it runs.
    fn call(&mut self, body: &Command, args: &[String]) -> i32 {
        if !self.enter() {
            return 2;
        }
        let names: Vec<String> = (1..=args.len().max(self.positional_count()))
            .map(|i| i.to_string())
            .chain(["#".to_owned()])
            .collect();
        let saved: Vec<Option<String>> = names
            .iter()
            .map(|n| self.env.get(n).map(str::to_owned))
            .collect();
        for (i, n) in names.iter().enumerate() {
            let value = if n == "#" {
                args.len().to_string()
            } else {
                args.get(i).cloned().unwrap_or_default()
            };
            self.env.set(n, &value);
        }
        self.run_command(body);
        for (n, old) in names.iter().zip(saved) {
            self.env.set(n, old.as_deref().unwrap_or(""));
        }
        self.depth -= 1;
        self.status
    }

    /// How many positional parameters are set (`$#`).
    fn positional_count(&self) -> usize {
        self.env.get("#").and_then(|n| n.parse().ok()).unwrap_or(0)
    }

    /// An absolute path for a word (relative to the working directory), symlinks resolved.
    pub fn abs(&self, p: &str) -> String {
        self.tree.resolve(&path::join(&self.cwd, p))
    }
}
