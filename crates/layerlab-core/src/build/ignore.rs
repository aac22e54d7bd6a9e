//! `.dockerignore` patterns with Docker's semantics (moby's patternmatcher).
//!
//! Patterns are cleaned paths relative to the context root (a leading `/` is
//! dropped); `*` and `?` stay within one path component, `**` spans any number
//! of them, `[...]` is a character class, `\` escapes. `!pattern` re-includes.
//! The last pattern that matches a path, or any of its parent directories,
//! decides.

use crate::fs::path::clean;

/// One element of a compiled pattern (what patternmatcher's regex would hold).
#[derive(Clone, Debug, PartialEq, Eq)]
enum Tok {
    Lit(char),
    /// `?` → `[^/]`
    AnyInName,
    /// `*` → `[^/]*`
    StarInName,
    /// `**/` (or `**` before more) → `(.*/)?`
    Dirs,
    /// a trailing `**` → `.*`
    Rest,
    /// `[...]` (negated, ranges)
    Class(bool, Vec<(char, char)>),
}

#[derive(Clone, Debug)]
struct Pattern {
    exclusion: bool,
    /// The pattern as cleaned (`**/*`).
    source: String,
    /// `None` when the pattern is malformed (Docker ignores such a line).
    toks: Option<Vec<Tok>>,
}

/// A parsed `.dockerignore`.
#[derive(Clone, Debug, Default)]
pub struct IgnoreMatcher {
    patterns: Vec<Pattern>,
}

impl IgnoreMatcher {
    /// Parses the file's text: one pattern per line, `#` comments, blank lines skipped.
    pub fn parse(text: &str) -> Self {
        let mut patterns = Vec::new();
        for line in text.lines() {
            if line.starts_with('#') {
                continue;
            }
            let mut p = line.trim();
            if p.is_empty() {
                continue;
            }
            let exclusion = p.starts_with('!');
            if exclusion {
                p = p[1..].trim();
            }
            let mut cleaned = clean(&format!("/{p}"))[1..].to_owned();
            if cleaned.is_empty() {
                cleaned = ".".into();
            }
            patterns.push(Pattern {
                exclusion,
                toks: compile(&cleaned),
                source: cleaned,
            });
        }
        IgnoreMatcher { patterns }
    }

    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    /// Whether any line re-includes files (`!pattern`).
    pub fn has_exclusions(&self) -> bool {
        self.patterns.iter().any(|p| p.exclusion)
    }

    /// Whether a line excludes the whole context (`*`, `**`, `**/*`).
    pub fn excludes_root(&self) -> bool {
        self.patterns
            .iter()
            .any(|p| !p.exclusion && matches!(p.source.as_str(), "*" | "**" | "**/*"))
    }

    /// Whether `path` (relative, slash-separated) is excluded from the context.
    pub fn excludes(&self, path: &str) -> bool {
        let parents: Vec<&str> = path.split('/').collect();
        let parents = &parents[..parents.len().saturating_sub(1)];
        let mut matched = false;
        for p in &self.patterns {
            // An inclusion cannot change an already-matched path and vice versa.
            if p.exclusion != matched {
                continue;
            }
            let Some(toks) = &p.toks else { continue };
            let is_match = |s: &str| matches(toks, &s.chars().collect::<Vec<_>>());
            let mut hit = is_match(path);
            if !hit {
                hit = (1..=parents.len()).any(|i| is_match(&parents[..i].join("/")));
            }
            if hit {
                matched = !p.exclusion;
            }
        }
        matched
    }
}

/// Compiles a cleaned pattern as patternmatcher does into its regex.
fn compile(pattern: &str) -> Option<Vec<Tok>> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut toks = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let ch = chars[i];
        i += 1;
        match ch {
            '*' if chars.get(i) == Some(&'*') => {
                i += 1;
                if chars.get(i) == Some(&'/') {
                    i += 1;
                }
                toks.push(if i >= chars.len() {
                    Tok::Rest
                } else {
                    Tok::Dirs
                });
            }
            '*' => toks.push(Tok::StarInName),
            '?' => toks.push(Tok::AnyInName),
            '\\' => match chars.get(i) {
                Some(c) => {
                    toks.push(Tok::Lit(*c));
                    i += 1;
                }
                None => toks.push(Tok::Lit('\\')),
            },
            '[' => {
                let negated = chars.get(i) == Some(&'^');
                if negated {
                    i += 1;
                }
                let mut items = Vec::new();
                let mut first = true;
                loop {
                    let mut lo = *chars.get(i)?;
                    if lo == ']' && !first {
                        i += 1;
                        break;
                    }
                    first = false;
                    if lo == '\\' {
                        i += 1;
                        lo = *chars.get(i)?;
                    }
                    i += 1;
                    let mut hi = lo;
                    if chars.get(i) == Some(&'-') && chars.get(i + 1).is_some_and(|c| *c != ']') {
                        hi = chars[i + 1];
                        i += 2;
                    }
                    if hi < lo {
                        return None;
                    }
                    items.push((lo, hi));
                }
                toks.push(Tok::Class(negated, items));
            }
            ']' => toks.push(Tok::Lit(']')),
            c => toks.push(Tok::Lit(c)),
        }
    }
    Some(toks)
}

/// Whether the tokens match the whole of `s`.
fn matches(toks: &[Tok], s: &[char]) -> bool {
    let Some((tok, rest)) = toks.split_first() else {
        return s.is_empty();
    };
    match tok {
        Tok::Lit(c) => s.first() == Some(c) && matches(rest, &s[1..]),
        Tok::AnyInName => s.first().is_some_and(|c| *c != '/') && matches(rest, &s[1..]),
        Tok::Class(negated, items) => {
            s.first()
                .is_some_and(|c| items.iter().any(|(lo, hi)| lo <= c && c <= hi) != *negated)
                && matches(rest, &s[1..])
        }
        Tok::StarInName => {
            let run = s.iter().take_while(|c| **c != '/').count();
            (0..=run).any(|n| matches(rest, &s[n..]))
        }
        Tok::Rest => (0..=s.len()).any(|n| matches(rest, &s[n..])),
        // `(.*/)?`: nothing, or anything up to and including a slash.
        Tok::Dirs => {
            matches(rest, s) || (0..s.len()).any(|n| s[n] == '/' && matches(rest, &s[n + 1..]))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dockerignore_semantics() {
        let m = IgnoreMatcher::parse("# comment\n*.pyc\n**/__pycache__\n/build\n!build/keep.txt\nnode_modules\ndocs/**/*.md\n!README.md\n");
        assert!(m.excludes("app.pyc"));
        assert!(!m.excludes("src/app.pyc"), "* does not cross directories");
        assert!(m.excludes("src/__pycache__/x.cpython.pyc"));
        assert!(m.excludes("build/out.o"));
        assert!(!m.excludes("build/keep.txt"));
        assert!(m.excludes("node_modules/left-pad/index.js"));
        assert!(m.excludes("docs/a/b/c.md"));
        assert!(m.excludes("docs/c.md"));
        assert!(!m.excludes("README.md"));
        assert!(!m.excludes("app.py"));
        let all = IgnoreMatcher::parse("*\n!app.py\n!requirements.txt\n");
        assert!(all.excludes("Dockerfile") && all.excludes(".dockerignore"));
        assert!(!all.excludes("app.py"));
    }
}
