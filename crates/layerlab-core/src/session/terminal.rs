//! The terminal: a host shell over the session's files where a lab's
//! commands paste as written. A leading `$ ` is dropped, a paste runs line
//! by line (a quote or here-document left open waits for its end, as a
//! shell's `> ` prompt does), `docker` runs against the session, and a
//! command that waits for package data runs when the data arrives.

use std::collections::VecDeque;

use crate::expand::Env;

use super::{Session, HOME};

/// Programs the host has besides `docker`: the shell's file utilities.
pub const HOST_PROGRAMS: [&str; 24] = [
    "cat", "ls", "mkdir", "rm", "cp", "mv", "touch", "echo", "printf", "head", "tail", "wc",
    "sort", "uniq", "cut", "tr", "tee", "find", "xargs", "grep", "sed", "ln", "chmod", "docker",
];

/// What a terminal line is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LineKind {
    /// What the user typed, after its prompt.
    Input,
    Output,
    /// layerlab speaking for itself (what is simulated and what is not).
    Note,
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct TermLine {
    pub kind: LineKind,
    pub text: String,
}

/// Lines a terminal keeps; older ones scroll away.
const SCROLLBACK: usize = 5000;

/// The terminal's own state.
#[derive(Clone, Debug, Default)]
pub struct Terminal {
    pub lines: Vec<TermLine>,
    /// Commands typed, oldest first (↑/↓).
    pub history: Vec<String>,
    /// A command still being typed (an open quote or here-document).
    pending: String,
    /// Lines waiting to run: the rest of a paste, or a command that waits
    /// for package data (`true`: already echoed).
    queue: VecDeque<(String, bool)>,
    /// Variables `export` set.
    env: Vec<(String, String)>,
}

impl Terminal {
    pub fn push(&mut self, kind: LineKind, text: impl Into<String>) {
        self.lines.push(TermLine {
            kind,
            text: text.into(),
        });
        if self.lines.len() > SCROLLBACK {
            let extra = self.lines.len() - SCROLLBACK;
            self.lines.drain(..extra);
        }
    }

    pub fn interrupt(&mut self) {
        self.pending.clear();
        self.queue.clear();
        self.push(LineKind::Input, "^C");
    }

    /// Whether a command is still being typed.
    pub fn continuing(&self) -> bool {
        !self.pending.is_empty()
    }

    /// Whether commands wait (for data, or the rest of a paste).
    pub fn waiting(&self) -> bool {
        !self.queue.is_empty()
    }
}

impl Session {
    /// The prompt the terminal shows now.
    pub fn prompt(&self) -> String {
        if let Some(p) = &self.engine.prompt {
            return p.text().to_owned();
        }
        if self.terminal.continuing() {
            return "> ".into();
        }
        let dir = match self.cwd.strip_prefix(HOME) {
            Some(rest) => format!("~{rest}"),
            None => self.cwd.clone(),
        };
        format!("learner@layerlab:{dir}$ ")
    }

    pub(super) fn input(&mut self, text: &str) {
        let text = text.replace("\r\n", "\n");
        let mut lines: Vec<&str> = text.split('\n').collect();
        // A paste's final newline is not an empty command.
        if lines.len() > 1 && lines.last() == Some(&"") {
            lines.pop();
        }
        for line in lines {
            self.terminal.queue.push_back((line.to_owned(), false));
        }
        self.run_queue();
    }

    /// Runs queued lines until one waits for package data.
    pub(super) fn run_queue(&mut self) {
        while self.engine.wanted.is_empty() {
            let Some((line, echoed)) = self.terminal.queue.pop_front() else {
                break;
            };
            self.line(&line, echoed);
        }
    }

    fn line(&mut self, line: &str, echoed: bool) {
        if let Some(prompt) = self.engine.prompt.take() {
            let shown = if prompt.secret() { "" } else { line };
            self.terminal
                .push(LineKind::Input, format!("{}{shown}", prompt.text()));
            let out = super::docker::answer(&mut self.engine, prompt, line);
            self.print(&out.stdout);
            self.print(&out.stderr);
            return;
        }
        let prompt = self.prompt();
        let line = if self.terminal.pending.is_empty() {
            strip_prompt(line)
        } else {
            line
        };
        if !echoed {
            self.terminal
                .push(LineKind::Input, format!("{prompt}{line}"));
        }
        if !self.terminal.pending.is_empty() {
            self.terminal.pending.push('\n');
        }
        self.terminal.pending.push_str(line);
        if crate::shell::incomplete(&self.terminal.pending) {
            return;
        }
        let command = std::mem::take(&mut self.terminal.pending);
        if command.trim().is_empty() {
            return;
        }
        self.terminal.history.push(command.clone());
        // A person takes a few seconds per command.
        self.engine.clock += 5;
        match command.trim() {
            "clear" => {
                self.terminal.lines.clear();
                return;
            }
            "history" => {
                let listed: Vec<String> = self
                    .terminal
                    .history
                    .iter()
                    .enumerate()
                    .map(|(i, c)| format!("{:>5}  {c}", i + 1))
                    .collect();
                for l in listed {
                    self.terminal.push(LineKind::Output, l);
                }
                return;
            }
            _ => {}
        }
        let mut env = Env::new();
        env.set("HOME", HOME);
        env.set("USER", "learner");
        env.set("PATH", "/usr/local/bin:/usr/bin:/bin");
        for (k, v) in &self.terminal.env {
            env.set(k, v);
        }
        let run = crate::shell::run_host(
            &mut self.files,
            env,
            &self.cwd.clone(),
            &command,
            &mut self.engine,
        );
        if !self.engine.wanted.is_empty() {
            // A build waits for a base image's details: run it again when
            // they arrive (its output so far is dropped).
            self.terminal.history.pop();
            self.terminal.queue.push_front((command, true));
            self.terminal.push(
                LineKind::Note,
                "layerlab: fetching image data; the command runs when it arrives…",
            );
            return;
        }
        self.cwd = run.cwd;
        self.terminal.env = run
            .env
            .iter()
            .filter(|(k, _)| !matches!(*k, "HOME" | "USER" | "PATH" | "PWD" | "?"))
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        for l in run.output {
            self.say(host_error(&l));
        }
    }

    fn print(&mut self, text: &str) {
        for l in text.lines() {
            self.say(l.to_owned());
        }
    }

    /// An output line; layerlab's own remarks are notes.
    fn say(&mut self, line: String) {
        let kind = if line.starts_with("layerlab: ") {
            LineKind::Note
        } else {
            LineKind::Output
        };
        self.terminal.push(kind, line);
    }
}

/// A lab's `$ docker images` pasted with its prompt runs as `docker images`.
fn strip_prompt(line: &str) -> &str {
    let t = line.trim_start();
    t.strip_prefix("$ ")
        .unwrap_or(if t == "$" { "" } else { line })
}

/// The shell's "not found" in a terminal's words.
fn host_error(line: &str) -> String {
    if let Some(rest) = line.strip_prefix("/bin/sh: 1: ") {
        if let Some(program) = rest.strip_suffix(": not found") {
            return format!(
                "bash: {program}: command not found (layerlab's terminal has docker and file commands; programs run in images)"
            );
        }
        return format!("bash: {rest}");
    }
    line.to_owned()
}

#[cfg(test)]
mod tests {
    use super::super::{Change, Options, PackageData, Session};

    fn session() -> Session {
        Session::new(Options::default(), PackageData::default())
    }

    fn run(s: &mut Session, input: &str) -> Vec<String> {
        let before = s.terminal.lines.len();
        s.apply(Change::Terminal {
            input: input.into(),
        });
        s.terminal.lines[before..]
            .iter()
            .map(|l| l.text.clone())
            .collect()
    }

    #[test]
    fn a_multi_line_echo_pastes_as_one_command() {
        let mut s = session();
        let out = run(
            &mut s,
            "$ echo 'from flask import Flask\n\napp = 1' > app.py\n$ cat app.py",
        );
        assert_eq!(
            out,
            [
                "learner@layerlab:~/lab$ echo 'from flask import Flask",
                "> ",
                "> app = 1' > app.py",
                "learner@layerlab:~/lab$ cat app.py",
                "from flask import Flask",
                "",
                "app = 1",
            ]
        );
        assert!(s.project_files().iter().any(|(p, _)| p == "app.py"));
    }

    #[test]
    fn heredocs_cd_and_unknown_programs() {
        let mut s = session();
        run(&mut s, "mkdir ~/myapp && cd ~/myapp");
        assert_eq!(s.cwd, "/home/learner/myapp");
        run(&mut s, "cat > Dockerfile <<EOF\nFROM scratch\nEOF");
        assert_eq!(
            s.files.text("/home/learner/myapp/Dockerfile").as_deref(),
            Some("FROM scratch\n")
        );
        let out = run(&mut s, "python3 --version");
        assert!(
            out[1].starts_with("bash: python3: command not found"),
            "{out:?}"
        );
        assert_eq!(run(&mut s, "pwd")[1], "/home/learner/myapp");
        s.apply(Change::Terminal {
            input: "clear".into(),
        });
        assert!(s.terminal.lines.is_empty());
    }
}
