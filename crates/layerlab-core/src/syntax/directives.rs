//! Parser directives (`# syntax=…`, `# escape=…`, `# check=…`) at the top of a file.
//!
//! The directive block is the run of lines at the start of the file that each
//! look like `# name = value` with a known name; the first other line (blank,
//! ordinary comment, instruction, or unknown name) ends it for good.

/// A directive found at the top of the file.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Directive {
    /// Lowercased name: `syntax`, `escape` or `check`.
    pub name: String,
    pub value: String,
    /// 1-based line.
    pub line: usize,
}

/// Tracks the directive block while lines are read.
pub(crate) struct DirectiveState {
    pub escape: u8,
    done: bool,
    line: usize,
    pub found: Vec<Directive>,
}

impl DirectiveState {
    pub fn new() -> Self {
        DirectiveState {
            escape: b'\\',
            done: false,
            line: 0,
            found: Vec::new(),
        }
    }

    /// Looks at one line (newline trimmed). Errors carry BuildKit's message.
    #[inline]
    pub fn observe(&mut self, line: &[u8]) -> Result<(), String> {
        self.line += 1;
        if self.done {
            return Ok(());
        }
        self.read(line)
    }

    /// [`Self::observe`] within the directive block.
    fn read(&mut self, line: &[u8]) -> Result<(), String> {
        let Some((name, value)) = match_directive(line) else {
            self.done = true;
            return Ok(());
        };
        let name = name.to_ascii_lowercase();
        if !matches!(name.as_str(), "syntax" | "escape" | "check") {
            self.done = true;
            return Ok(());
        }
        if self.found.iter().any(|d| d.name == name) {
            return Err(format!("only one {name} parser directive can be used"));
        }
        let value = crate::text::go_lossy(value);
        if name == "escape" {
            match value.as_str() {
                "\\" => self.escape = b'\\',
                "`" => self.escape = b'`',
                _ => {
                    return Err(format!(
                        "invalid escape token '{value}' does not match ` or \\"
                    ))
                }
            }
        }
        self.found.push(Directive {
            name,
            value,
            line: self.line,
        });
        Ok(())
    }
}

/// Go's `\s`: ASCII blanks only (not `\v`).
fn is_re_space(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | b'\x0c' | b'\r' | b' ')
}

/// Matches `^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$` by hand, returning the
/// name and value.
fn match_directive(line: &[u8]) -> Option<(&str, &[u8])> {
    let rest = line.strip_prefix(b"#")?;
    let skip = |s: &[u8]| s.iter().take_while(|b| is_re_space(**b)).count();
    let rest = &rest[skip(rest)..];
    if !rest.first()?.is_ascii_alphabetic() {
        return None;
    }
    let name_len = rest
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric())
        .count();
    let (name, rest) = rest.split_at(name_len);
    let rest = &rest[skip(rest)..];
    let after_eq = rest.strip_prefix(b"=")?;
    let blanks = skip(after_eq);
    let value = if blanks == after_eq.len() {
        // Only blanks after `=`: the lazy `(.+?)` takes the last one.
        after_eq.last().map(std::slice::from_ref)?
    } else {
        let value = &after_eq[blanks..];
        let end = value
            .iter()
            .rposition(|b| !is_re_space(*b))
            .map_or(0, |i| i + 1);
        &value[..end]
    };
    Some((std::str::from_utf8(name).ok()?, value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directive_lines() {
        assert_eq!(
            match_directive(b"# escape = `"),
            Some(("escape", &b"`"[..]))
        );
        assert_eq!(
            match_directive(b"#syntax=docker/dockerfile:1 "),
            Some(("syntax", &b"docker/dockerfile:1"[..]))
        );
        assert_eq!(
            match_directive(b"# key = FOO bar"),
            Some(("key", &b"FOO bar"[..]))
        );
        assert_eq!(match_directive(b"# escape= "), Some(("escape", &b" "[..])));
        assert_eq!(match_directive(b"# escape="), None);
        assert_eq!(match_directive(b"# Comment here"), None);
        assert_eq!(match_directive(b"#!/bin/sh"), None);
    }

    #[test]
    fn block_ends_at_first_other_line() {
        let mut d = DirectiveState::new();
        d.observe(b"# EScape=`").unwrap();
        d.observe(b"# KEY = FOO bar").unwrap();
        d.observe(b"# escape=\\").unwrap();
        assert_eq!(d.escape, b'`');
        assert_eq!(d.found.len(), 1);
        let mut d = DirectiveState::new();
        d.observe(b"# escape=\\").unwrap();
        assert_eq!(
            d.observe(b"# escape=`").unwrap_err(),
            "only one escape parser directive can be used"
        );
        let mut d = DirectiveState::new();
        assert_eq!(
            d.observe(b"# escape=x").unwrap_err(),
            "invalid escape token 'x' does not match ` or \\"
        );
    }
}
