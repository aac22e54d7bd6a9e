//! How RUN changes the filesystem: a pluggable executor.
//!
//! The builder prepares everything Docker gives a RUN step (the command with
//! the shell applied, environment, working directory, user, the stage's
//! filesystem) and hands it to a [`RunExecutor`]. The executor changes the tree
//! and reports output, exit status and what it could not simulate.

use crate::fs::Tree;
use crate::syntax::Heredoc;

/// Everything a RUN step sees.
pub struct RunContext<'a> {
    /// argv: the shell prefix plus the command (shell form), or the exec form.
    pub argv: Vec<String>,
    /// Whether the instruction was written in shell form.
    pub shell_form: bool,
    /// Heredoc bodies attached to the RUN (scripts or stdin).
    pub heredocs: &'a [Heredoc],
    /// `NAME=value` entries: the image's ENV plus the ARGs in effect.
    pub env: Vec<(String, String)>,
    pub workdir: String,
    pub user: String,
    /// `--mount` options as written (expanded).
    pub mounts: &'a [String],
    pub network: Option<&'a str>,
    pub tree: &'a mut Tree,
    /// The image's programs are all known: a command not on PATH is `not found`.
    pub strict_path: bool,
}

/// What running the step produced.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RunOutcome {
    pub exit_code: i32,
    /// Output lines, as the build log shows them.
    pub output: Vec<String>,
    /// Things the simulation could not do exactly ("not simulated: …").
    pub notes: Vec<super::Note>,
    /// Simulated duration.
    pub duration_ms: u64,
    /// The container runtime could not start the step's program (no
    /// `/bin/sh` on `FROM scratch`): runc's reason. Each builder words the
    /// failure its own way.
    pub start_error: Option<String>,
}

/// Simulates RUN commands.
pub trait RunExecutor {
    fn run(&self, ctx: RunContext<'_>) -> RunOutcome;
}

/// An executor that changes no files and says so: the default until a shell
/// simulator is plugged in.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoopExecutor;

impl RunExecutor for NoopExecutor {
    fn run(&self, ctx: RunContext<'_>) -> RunOutcome {
        let command = if ctx.shell_form {
            ctx.argv.last().cloned().unwrap_or_default()
        } else {
            ctx.argv.join(" ")
        };
        RunOutcome {
            exit_code: 0,
            output: Vec::new(),
            notes: vec![super::Note::unsimulated(format!(
                "{command}, assumed to change no files"
            ))],
            duration_ms: 0,
            start_error: None,
        }
    }
}
