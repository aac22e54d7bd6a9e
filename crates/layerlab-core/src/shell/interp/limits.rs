//! The limits that bound hostile scripts, and what happens at one: a step
//! budget stops endless loops, a nesting limit stops fork bombs and endless
//! recursion, size limits stop values and outputs that double forever. A
//! limit stops the whole script with its own message and status 124.

use super::Interp;

/// Commands a script may run before the simulation gives up on it.
const MAX_STEPS: usize = 100_000;

/// How deep function calls, `sh -c` and `$(…)` may nest.
const MAX_DEPTH: usize = 64;

/// The longest word expansion (a variable's value, an argument) a script may
/// build: far above what RUN lines use, low enough to stop a doubling loop fast.
const MAX_VALUE: usize = 1 << 20;

/// The longest output or file a redirection may write.
const MAX_TEXT: usize = 8 << 20;

/// The exit status of a script layerlab stopped (as `timeout` reports one).
pub(crate) const STOPPED_STATUS: i32 = 124;

impl Interp<'_> {
    /// Stops the whole script: `message` goes to the log, nothing else runs.
    pub(super) fn stop(&mut self, message: String) {
        if !self.stopped {
            self.stopped = true;
            self.output.push(message);
        }
        self.exit = Some(STOPPED_STATUS);
    }

    /// One level deeper (a function call, `sh -c`, `$(…)`); false, and the
    /// script stopped, past [`MAX_DEPTH`].
    pub(super) fn enter(&mut self) -> bool {
        if self.stopped {
            return false;
        }
        if self.depth >= MAX_DEPTH {
            self.output.push("/bin/sh: 1: Cannot fork".into());
            self.stop(format!(
                "layerlab stopped this RUN: calls nested more than {MAX_DEPTH} deep (a fork bomb or endless recursion; Docker would run until the machine ran out of processes)"
            ));
            return false;
        }
        self.depth += 1;
        true
    }

    /// Whether text of `len` bytes may be kept; stops the script when it is too long.
    pub(crate) fn fits(&mut self, len: usize) -> bool {
        self.within(len, MAX_TEXT, "an output")
    }

    /// Whether an expanded word of `len` bytes may be kept.
    pub(super) fn value_fits(&mut self, len: usize) -> bool {
        self.within(len, MAX_VALUE, "a value")
    }

    pub(super) fn within(&mut self, len: usize, limit: usize, what: &str) -> bool {
        if len > limit {
            self.stop(format!(
                "layerlab stopped this RUN: the script built {what} of more than {} MiB (text that keeps doubling?)",
                limit >> 20
            ));
            return false;
        }
        !self.stopped
    }

    pub(super) fn tick(&mut self) -> bool {
        self.steps += 1;
        if self.steps > MAX_STEPS {
            self.stop(format!(
                "layerlab stopped this RUN after {MAX_STEPS} commands, its step budget (an endless loop? Docker would keep running it)"
            ));
            return false;
        }
        !self.stopped
    }
}
