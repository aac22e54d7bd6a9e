//! The playground's state: the Dockerfile text and what the core made of it.
//! Plain data and the methods that change it (Yew's todomvc pattern).

use layerlab_core::syntax::{parse_lenient, ParseError, Parsed};

/// The Flask example the playground opens with.
pub const STARTER_DOCKERFILE: &str = "\
# syntax=docker/dockerfile:1
FROM python:3.12-slim
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
EXPOSE 5000
CMD [\"python\", \"app.py\"]
";

/// One diagnostic as the problems list shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub severity: Severity,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Severity {
    Error,
    Warning,
}

/// The editor text and the parse of it.
#[derive(Clone, Debug, PartialEq)]
pub struct Playground {
    pub dockerfile: String,
    pub parsed: Parsed,
    pub problems: Vec<Problem>,
}

impl Playground {
    pub fn new(dockerfile: &str) -> Self {
        let mut state = Playground {
            dockerfile: String::new(),
            parsed: Parsed::default(),
            problems: Vec::new(),
        };
        state.set_dockerfile(dockerfile.to_owned());
        state
    }

    /// Replaces the text and re-parses it (lenient: good lines keep parsing).
    pub fn set_dockerfile(&mut self, text: String) {
        let (parsed, errors) = parse_lenient(text.as_bytes());
        self.problems = errors.iter().map(problem_from_error).collect();
        self.problems
            .extend(parsed.warnings.iter().map(|w| Problem {
                line: w.line,
                column: 1,
                message: w.message.clone(),
                severity: Severity::Warning,
            }));
        self.problems.sort_by_key(|p| (p.line, p.column));
        self.parsed = parsed;
        self.dockerfile = text;
    }
}

fn problem_from_error(e: &ParseError) -> Problem {
    Problem {
        // BuildKit counts some errors at line 0; an editor shows line 1.
        line: e.start_line.max(1),
        column: e.column,
        message: e.message.clone(),
        severity: Severity::Error,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn starter_parses_cleanly() {
        let state = Playground::new(STARTER_DOCKERFILE);
        assert!(state.problems.is_empty());
        assert_eq!(state.parsed.instructions.len(), 7);
    }

    #[test]
    fn errors_become_problems_and_good_lines_remain() {
        let state = Playground::new("FROM a\nENV X\nRUN ok\n");
        assert_eq!(state.problems.len(), 1);
        assert_eq!((state.problems[0].line, state.problems[0].column), (2, 1));
        assert_eq!(state.parsed.instructions.len(), 2);
    }
}
