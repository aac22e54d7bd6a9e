//! `.dockerignore` patterns with Docker's semantics (moby's patternmatcher).
//!
//! Patterns are cleaned paths relative to the context root (a leading `/` is
//! dropped); `*` and `?` stay within one path component, `**` spans any number
//! of them, `[...]` is a character class, `\` escapes. `!pattern` re-includes.
//! The last pattern that matches a path, or any of its parent directories,
//! decides.

use regex::Regex;

use crate::fs::path::clean;

#[derive(Clone, Debug)]
struct Pattern {
    exclusion: bool,
    regex: Option<Regex>,
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
            let regex = Regex::new(&pattern_regex(&cleaned)).ok();
            patterns.push(Pattern { exclusion, regex });
        }
        IgnoreMatcher { patterns }
    }

    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
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
            let Some(re) = &p.regex else { continue };
            let mut hit = re.is_match(path);
            if !hit {
                hit = (1..=parents.len()).any(|i| re.is_match(&parents[..i].join("/")));
            }
            if hit {
                matched = !p.exclusion;
            }
        }
        matched
    }
}

/// The regex for one cleaned pattern (patternmatcher's conversion).
fn pattern_regex(pattern: &str) -> String {
    let chars: Vec<char> = pattern.chars().collect();
    let mut re = String::from("^");
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
                if i >= chars.len() {
                    re.push_str(".*");
                } else {
                    re.push_str("(.*/)?");
                }
            }
            '*' => re.push_str("[^/]*"),
            '?' => re.push_str("[^/]"),
            '\\' => match chars.get(i) {
                Some(c) => {
                    re.push('\\');
                    re.push(*c);
                    i += 1;
                }
                None => re.push_str("\\\\"),
            },
            '[' | ']' => re.push(ch),
            c if ".+()|{}^$".contains(c) => {
                re.push('\\');
                re.push(c);
            }
            c => re.push(c),
        }
    }
    re.push('$');
    re
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
