//! Wildcards as Go's `filepath.Match` reads them, one path component at a
//! time, and the paths of a tree a pattern matches (COPY and ADD sources,
//! the shell's globs and `find -name`).

use super::{path, Node, Tree};

/// Whether a source has wildcard characters.
pub fn has_wildcard(s: &str) -> bool {
    s.contains(['*', '?', '['])
}

/// Go's `filepath.Match` for one path component.
pub fn glob_match(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    // Each (pattern position, name position) is decided once: `*` tries every
    // split, and without the table `****x` against a long name is exponential.
    let mut memo = vec![None; (p.len() + 1) * (n.len() + 1)];
    Glob {
        p: &p,
        n: &n,
        memo: &mut memo,
    }
    .at(0, 0)
}

struct Glob<'a> {
    p: &'a [char],
    n: &'a [char],
    memo: &'a mut Vec<Option<bool>>,
}

impl Glob<'_> {
    fn at(&mut self, pi: usize, ni: usize) -> bool {
        let slot = pi * (self.n.len() + 1) + ni;
        if let Some(known) = self.memo[slot] {
            return known;
        }
        let result = self.step(pi, ni);
        self.memo[slot] = Some(result);
        result
    }

    fn step(&mut self, pi: usize, ni: usize) -> bool {
        let (p, n) = (&self.p[pi..], &self.n[ni..]);
        match p.first() {
            None => n.is_empty(),
            Some('*') => (ni..=self.n.len()).any(|i| self.at(pi + 1, i)),
            Some('?') => !n.is_empty() && self.at(pi + 1, ni + 1),
            Some('[') => {
                let Some(c) = n.first() else { return false };
                let mut i = 1;
                let negate = matches!(p.get(1), Some('^') | Some('!'));
                if negate {
                    i += 1;
                }
                let mut matched = false;
                let mut first = true;
                while i < p.len() && (p[i] != ']' || first) {
                    first = false;
                    let mut lo = p[i];
                    if lo == '\\' && i + 1 < p.len() {
                        i += 1;
                        lo = p[i];
                    }
                    let mut hi = lo;
                    if p.get(i + 1) == Some(&'-') && p.get(i + 2).is_some_and(|c| *c != ']') {
                        hi = p[i + 2];
                        i += 2;
                    }
                    if lo <= *c && *c <= hi {
                        matched = true;
                    }
                    i += 1;
                }
                if i >= p.len() {
                    return false; // unterminated class: Go reports ErrBadPattern, i.e. no match
                }
                matched != negate && self.at(pi + i + 1, ni + 1)
            }
            Some('\\') if p.len() > 1 => n.first() == Some(&p[1]) && self.at(pi + 2, ni + 1),
            Some(c) => n.first() == Some(c) && self.at(pi + 1, ni + 1),
        }
    }
}

/// Paths in `tree` matching a cleaned absolute pattern, component by component.
pub fn expand_wildcard(tree: &Tree, pattern: &str) -> Vec<String> {
    let mut current = vec![String::from("/")];
    for comp in path::components(pattern) {
        let mut next = Vec::new();
        for dir in &current {
            if let Some(Node::Dir { entries, .. }) = tree.get(dir) {
                for name in entries.keys() {
                    if glob_match(comp, name) {
                        next.push(path::child(dir, name));
                    }
                }
            }
        }
        current = next;
    }
    current.retain(|p| p != "/");
    current
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filepath_match() {
        assert!(glob_match("*.py", "app.py"));
        assert!(!glob_match("*.py", "app.pyc"));
        assert!(glob_match("a?c", "abc"));
        assert!(glob_match("[a-c]x", "bx"));
        assert!(!glob_match("[^a-c]x", "bx"));
        assert!(glob_match("\\*", "*"));
        assert!(glob_match("**a*b", "xxaxxb"));
        assert!(!glob_match("**a*b", "xxaxxc"));
    }

    #[test]
    fn many_stars_do_not_backtrack_exponentially() {
        // Found by the shell fuzzer: each `*` used to retry every split.
        let pattern = format!("{}x", "*".repeat(40));
        let name = "a".repeat(200);
        assert!(!glob_match(&pattern, &name));
        assert!(glob_match(&pattern, &format!("{name}x")));
    }
}
