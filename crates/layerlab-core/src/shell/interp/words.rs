//! Word expansion in the shell: quotes, parameters (through the core's
//! expander), command substitution when its output is knowable, and unquoted
//! globs matched against the tree.

use crate::expand::Lexer;
use crate::fs::path;

use super::super::parse::parse_script;
use super::super::scan::{dollar_end, same_quote_end};
use super::Interp;

impl Interp<'_> {
    /// One word, expanded without field splitting.
    pub fn expand_single(&mut self, word: &str) -> String {
        let word = &self.tilde(word);
        let prepared = self.substitute_commands(word);
        let value = Lexer::new('\\')
            .expand_word(&prepared, &self.env)
            .unwrap_or(prepared);
        if self.value_fits(value.len()) {
            value
        } else {
            String::new()
        }
    }

    /// A word expanded into fields, globs matched against the tree.
    pub(super) fn expand(&mut self, word: &str) -> Vec<String> {
        let word = &self.tilde(word);
        let prepared = self.substitute_commands(word);
        let fields = match Lexer::new('\\').expand_words(&prepared, &self.env) {
            Ok(f) => f,
            Err(e) => {
                self.output.push(format!("/bin/sh: 1: {}", e.reason));
                vec![prepared]
            }
        };
        if !self.value_fits(fields.iter().map(String::len).sum()) {
            return Vec::new();
        }
        if !has_unquoted_glob(word) {
            return fields;
        }
        let mut out = Vec::new();
        for f in fields {
            let pattern = path::join(&self.cwd, &f);
            let mut matches = crate::fs::glob::expand_wildcard(self.tree, &pattern);
            if matches.is_empty() {
                out.push(f);
                continue;
            }
            matches.sort_unstable();
            let relative = !f.starts_with('/');
            out.extend(matches.into_iter().map(|m| {
                if relative {
                    m.strip_prefix(&format!("{}/", self.cwd.trim_end_matches('/')))
                        .map(str::to_owned)
                        .unwrap_or(m)
                } else {
                    m
                }
            }));
        }
        out
    }

    /// Tilde expansion: an unquoted `~` alone or before `/` at the start of a
    /// word is `$HOME` (quoted, so it is not split or globbed).
    fn tilde(&self, word: &str) -> String {
        match word.strip_prefix('~') {
            Some(rest) if rest.is_empty() || rest.starts_with('/') => {
                let home = super::super::commands::home(self);
                format!("'{}'{rest}", home.replace('\'', "'\\''"))
            }
            _ => word.to_owned(),
        }
    }

    /// Replaces `$(…)` and `` `…` `` with the command's output, escaped so the
    /// expander keeps it literal (and splits it only outside double quotes).
    pub(super) fn substitute_commands(&mut self, word: &str) -> String {
        if !word.contains("$(") && !word.contains('`') {
            return word.to_owned();
        }
        let chars: Vec<char> = word.chars().collect();
        let mut out = String::new();
        let mut in_double = false;
        let mut in_single = false;
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if c == '\'' && !in_double {
                in_single = !in_single;
            } else if c == '"' && !in_single {
                in_double = !in_double;
            }
            let sub = if !in_single && c == '$' && chars.get(i + 1) == Some(&'(') {
                // To its own `)`: quotes inside it do not count.
                let j = dollar_end(&chars, i).unwrap_or(chars.len());
                Some((
                    chars[i + 2..j.min(chars.len())].iter().collect::<String>(),
                    j + 1,
                ))
            } else if !in_single && c == '`' {
                let end = same_quote_end(&chars, i).unwrap_or(chars.len());
                Some((chars[i + 1..end].iter().collect::<String>(), end + 1))
            } else {
                None
            };
            match sub {
                Some((inner, next)) => {
                    let result = self.capture(&inner);
                    let result = result.trim_end_matches('\n');
                    for ch in result.chars() {
                        if in_double {
                            if matches!(ch, '"' | '\\' | '$') {
                                out.push('\\');
                            }
                        } else if !ch.is_whitespace() {
                            out.push('\\');
                        }
                        out.push(ch);
                    }
                    i = next;
                }
                None => {
                    out.push(c);
                    i += 1;
                }
            }
        }
        out
    }

    /// Runs `script` and returns what it printed.
    pub(super) fn capture(&mut self, script: &str) -> String {
        // A substitution runs a subshell: it counts against the step budget
        // too (a script of nested substitutions spent its time parsing them).
        if !self.tick() {
            return String::new();
        }
        let outer = std::mem::take(&mut self.stdout);
        let (status, exit) = (self.status, self.exit);
        let notes_before = self.notes.len();
        let unknown_before = self.unknown_output;
        let parsed = match self.substitutions.get(script) {
            Some(list) => Some(list.clone()),
            None => parse_script(script).ok().map(|list| {
                let list = std::rc::Rc::new(list);
                self.substitutions.insert(script.to_owned(), list.clone());
                list
            }),
        };
        if let Some(list) = parsed {
            if self.enter() {
                self.conditional += 1;
                self.run_list(&list);
                self.conditional -= 1;
                self.depth -= 1;
            }
        }
        if !self.stopped {
            self.exit = exit;
        }
        self.status = status;
        self.unknown_output = unknown_before || self.unsimulated_since(notes_before);
        std::mem::replace(&mut self.stdout, outer)
    }
}

/// Whether the raw word has `*`, `?` or `[` outside quotes.
fn has_unquoted_glob(word: &str) -> bool {
    let mut single = false;
    let mut double = false;
    let mut escaped = false;
    for c in word.chars() {
        if escaped {
            escaped = false;
            continue;
        }
        match c {
            '\\' if !single => escaped = true,
            '\'' if !double => single = !single,
            '"' if !single => double = !double,
            '*' | '?' | '[' if !single && !double => return true,
            _ => {}
        }
    }
    false
}
