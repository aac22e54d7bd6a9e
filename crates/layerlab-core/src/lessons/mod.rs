//! Lessons with goals checked against the build: the format an author
//! writes (`format.rs`) and the goals, checks on build results and the
//! cache (`goals.rs`). `check` tells, for a lesson step, which goals the
//! learner's current build meets.

mod format;
mod goals;

pub use format::{parse, Lesson, Step};
pub use goals::{Cmp, Goal, Verdict};

use crate::build::what_if::Inputs;
use crate::build::{BuildResult, CacheStore};

/// Each goal of `step` with its verdict on this build.
pub fn check(
    step: &Step,
    inputs: &Inputs<'_>,
    cache: &CacheStore,
    result: &BuildResult,
) -> Vec<(Goal, Verdict)> {
    step.goals
        .iter()
        .map(|g| (g.clone(), g.check(inputs, cache, result)))
        .collect()
}
