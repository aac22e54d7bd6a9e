//! The lesson format a docs author writes by hand (`docs/lessons.md`):
//! Markdown with front matter (`title`, `date`, `builder`), the starting
//! files as fenced blocks whose info string names them (`file=app.py`),
//! then `## ` steps, each with prose and a ```` ```goals ```` block, one goal
//! a line. Blocks marked `solution file=NAME` are the reference solution
//! (the tests check it meets every goal; the page does not show it).

use super::goals::Goal;

/// A parsed lesson.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Lesson {
    pub title: String,
    /// The catalog date tags resolve at (`2026-08`).
    pub date: Option<String>,
    /// `buildkit` (the default) or `classic`.
    pub builder: String,
    /// Prose before the first step.
    pub intro: String,
    /// The starting files, Dockerfile first.
    pub files: Vec<(String, String)>,
    /// The reference solution's files (replacing the starting ones).
    pub solution: Vec<(String, String)>,
    pub steps: Vec<Step>,
}

/// One step: its heading, its prose and its goals.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Step {
    pub title: String,
    pub prose: String,
    pub goals: Vec<Goal>,
}

/// `file=NAME` in a fence's info string.
fn file_name(info: &str) -> Option<String> {
    info.split_whitespace()
        .find_map(|w| w.strip_prefix("file="))
        .map(str::to_owned)
}

/// Parses a lesson; the error names the line.
pub fn parse(text: &str) -> Result<Lesson, String> {
    let mut lesson = Lesson {
        builder: "buildkit".into(),
        ..Lesson::default()
    };
    let mut lines = text.lines().enumerate().peekable();
    // Front matter.
    if lines.peek().is_some_and(|(_, l)| l.trim() == "---") {
        lines.next();
        for (n, line) in lines.by_ref() {
            if line.trim() == "---" {
                break;
            }
            let Some((key, value)) = line.split_once(':') else {
                return Err(format!(
                    "line {}: expected `key: value` in the front matter",
                    n + 1
                ));
            };
            // A ` #` starts a comment.
            let value = value.split(" #").next().unwrap_or("");
            let value = value.trim().trim_matches('"').to_owned();
            match key.trim() {
                "title" => lesson.title = value,
                "date" => lesson.date = Some(value).filter(|v| !v.is_empty()),
                "builder" => lesson.builder = value,
                _ => {}
            }
        }
    }
    let mut prose = String::new();
    while let Some((n, line)) = lines.next() {
        let trimmed = line.trim_start();
        if let Some(info) = trimmed.strip_prefix("```") {
            let mut body = String::new();
            for (_, l) in lines.by_ref() {
                if l.trim_start().starts_with("```") {
                    break;
                }
                body.push_str(l);
                body.push('\n');
            }
            let info = info.trim();
            if info == "goals" {
                let Some(step) = lesson.steps.last_mut() else {
                    return Err(format!("line {}: goals before the first `## ` step", n + 1));
                };
                for g in body.lines().map(str::trim).filter(|l| !l.is_empty()) {
                    step.goals
                        .push(Goal::parse(g).map_err(|e| format!("line {}: {e}", n + 1))?);
                }
            } else if let Some(name) = file_name(info) {
                let list = if info.split_whitespace().any(|w| w == "solution") {
                    &mut lesson.solution
                } else {
                    &mut lesson.files
                };
                list.retain(|(f, _)| *f != name);
                list.push((name, body));
            } else {
                prose.push_str(&format!("```{info}\n{body}```\n"));
            }
            continue;
        }
        if let Some(title) = line.strip_prefix("## ") {
            flush(&mut lesson, &mut prose);
            lesson.steps.push(Step {
                title: title.trim().to_owned(),
                ..Step::default()
            });
            continue;
        }
        prose.push_str(line);
        prose.push('\n');
    }
    flush(&mut lesson, &mut prose);
    if lesson.title.is_empty() {
        return Err("the front matter has no title".into());
    }
    if !lesson.files.iter().any(|(f, _)| f == "Dockerfile") {
        return Err("no starting Dockerfile (a block with file=Dockerfile)".into());
    }
    // The Dockerfile first, as the playground shows files.
    lesson.files.sort_by_key(|(f, _)| f != "Dockerfile");
    Ok(lesson)
}

fn flush(lesson: &mut Lesson, prose: &mut String) {
    let text = std::mem::take(prose).trim().to_owned();
    match lesson.steps.last_mut() {
        Some(step) => step.prose = text,
        None => lesson.intro = text,
    }
}

impl Lesson {
    /// The starting files with the solution's files laid over them.
    pub fn solved_files(&self) -> Vec<(String, String)> {
        let mut files = self.files.clone();
        for (name, body) in &self.solution {
            match files.iter_mut().find(|(f, _)| f == name) {
                Some(f) => f.1 = body.clone(),
                None => files.push((name.clone(), body.clone())),
            }
        }
        files
    }
}
