//! Shell patterns (`*`, `?`, `\` escapes; no bracket expressions) as used by
//! `${var#pattern}`, `${var%pattern}` and `${var/pattern/replacement}`.
//!
//! BuildKit turns a pattern into a Go regular expression (`*` → `.*` or
//! `.*?`, `?` → `.`, metacharacters escaped) and searches with it. Such a
//! regex is only literals, `.` and `.*`, so layerlab matches it directly with a
//! small backtracking matcher that follows the same leftmost-first priorities
//! (greedy stars try longest first, lazy ones shortest first; `.` does not
//! match a newline). [`ShellPattern::as_str`] still gives the regex text
//! BuildKit would compile. Suffix removal reverses both the pattern and the
//! value so a leftmost search finds the shortest or longest *rightmost* match.

/// One element of a compiled pattern.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tok {
    Lit(char),
    /// `.`: any character but `\n`.
    Any,
    /// `.*` / `.*?`: a run of such characters.
    Star,
}

/// A compiled shell pattern.
#[derive(Clone, Debug)]
pub struct ShellPattern {
    toks: Vec<Tok>,
    greedy: bool,
    anchored: bool,
    text: String,
}

impl ShellPattern {
    /// The Go regex BuildKit would compile for this pattern.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The end of a match starting at byte `start` of `value`, trying stars in
    /// priority order.
    fn match_at(&self, value: &str, start: usize) -> Option<usize> {
        let chars: Vec<(usize, char)> = value[start..]
            .char_indices()
            .map(|(i, c)| (start + i, c))
            .collect();
        let end_of = |k: usize| chars.get(k).map_or(value.len(), |(i, _)| *i);
        // Iterative backtracking over (token index, char index) with a stack of
        // star alternatives still to try.
        let mut stack: Vec<(usize, usize, usize)> = Vec::new(); // (tok, char pos, next length to try)
        let (mut t, mut k) = (0usize, 0usize);
        loop {
            if t == self.toks.len() {
                return Some(end_of(k));
            }
            let advanced = match self.toks[t] {
                Tok::Lit(c) => (chars.get(k).map(|x| x.1) == Some(c)).then_some(k + 1),
                Tok::Any => chars.get(k).filter(|x| x.1 != '\n').map(|_| k + 1),
                Tok::Star => {
                    let max = chars[k..].iter().take_while(|x| x.1 != '\n').count();
                    let first = if self.greedy { max } else { 0 };
                    stack.push((t, k, first));
                    Some(k + first)
                }
            };
            match advanced {
                Some(next) => {
                    t += 1;
                    k = next;
                }
                None => {
                    // Backtrack to the most recent star with an alternative left.
                    loop {
                        let (st, sk, len) = stack.pop()?;
                        let max = chars[sk..].iter().take_while(|x| x.1 != '\n').count();
                        let next_len = if self.greedy {
                            len.checked_sub(1)
                        } else {
                            (len < max).then_some(len + 1)
                        };
                        if let Some(l) = next_len {
                            stack.push((st, sk, l));
                            t = st + 1;
                            k = sk + l;
                            break;
                        }
                    }
                }
            }
        }
    }

    /// The leftmost match at or after byte `from`: (start, end).
    pub fn find_from(&self, value: &str, from: usize) -> Option<(usize, usize)> {
        let starts = std::iter::once(from)
            .chain(value[from..].char_indices().skip(1).map(|(i, _)| from + i))
            .chain(std::iter::once(value.len()));
        let mut last = None;
        for s in starts {
            if last == Some(s) {
                continue;
            }
            last = Some(s);
            if let Some(e) = self.match_at(value, s) {
                return Some((s, e));
            }
            if self.anchored {
                return None;
            }
        }
        None
    }

    pub fn find(&self, value: &str) -> Option<(usize, usize)> {
        self.find_from(value, 0)
    }

    /// Go's `ReplaceAllString`: every non-overlapping match replaced, `$0`,
    /// `${0}` and `$$` expanded in the replacement (other references are empty).
    pub fn replace_all(&self, value: &str, replacement: &str) -> String {
        let mut out = String::new();
        let mut last_end = 0;
        let mut search = 0;
        let mut prev_end = 0;
        while search <= value.len() {
            let Some((s, e)) = self.find_from(value, search) else {
                break;
            };
            out.push_str(&value[last_end..s]);
            if e > prev_end || s == 0 {
                expand_template(&mut out, replacement, &value[s..e]);
            }
            last_end = e;
            prev_end = e;
            // Always advance at least one character.
            let width = value[search..].chars().next().map_or(0, char::len_utf8);
            search = if search + width > e {
                search + width
            } else if search + 1 > e {
                search + 1
            } else {
                e
            };
        }
        if last_end < value.len() {
            out.push_str(&value[last_end..]);
        }
        out
    }
}

/// Go's `regexp.Expand` for a regex without capture groups.
fn expand_template(out: &mut String, template: &str, whole: &str) {
    let mut rest = template;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        rest = &rest[i + 1..];
        if let Some(r) = rest.strip_prefix('$') {
            out.push('$');
            rest = r;
            continue;
        }
        let is_word = |c: char| c.is_ascii_alphanumeric() || c == '_';
        let (name, after) = if let Some(braced) = rest.strip_prefix('{') {
            match braced.find('}') {
                Some(j) if j > 0 && braced[..j].chars().all(is_word) => {
                    (&braced[..j], &braced[j + 1..])
                }
                _ => ("", rest),
            }
        } else {
            let n = rest.find(|c: char| !is_word(c)).unwrap_or(rest.len());
            (&rest[..n], &rest[n..])
        };
        if name.is_empty() {
            out.push('$');
            continue;
        }
        if name.parse::<u64>() == Ok(0) {
            out.push_str(whole);
        }
        rest = after;
    }
    out.push_str(rest);
}

/// Compiles `pattern`. `anchored` pins it to the start of the value. Errors
/// carry BuildKit's text (`invalid escape '\x'`).
pub fn shell_pattern_to_regex(
    pattern: &str,
    greedy: bool,
    anchored: bool,
) -> Result<ShellPattern, String> {
    let chars = scanner_chars(pattern);
    let mut text = String::with_capacity(pattern.len() + 4);
    let mut toks = Vec::new();
    if anchored {
        text.push('^');
    }
    let mut i = 0;
    while i < chars.len() {
        let tok = chars[i];
        i += 1;
        match tok {
            '*' => {
                text.push_str(if greedy { ".*" } else { ".*?" });
                toks.push(Tok::Star);
            }
            '?' => {
                text.push('.');
                toks.push(Tok::Any);
            }
            '\\' => {
                // `\}` and `\/` only protect the character from the ${} scanner;
                // the escape is not part of the pattern.
                if matches!(chars.get(i), Some('}') | Some('/')) {
                    continue;
                }
                let next = chars.get(i).copied();
                i += 1;
                match next {
                    Some(c @ ('*' | '?' | '\\')) => {
                        text.push('\\');
                        text.push(c);
                        toks.push(Tok::Lit(c));
                    }
                    other => {
                        return Err(format!(
                            "invalid escape '\\{}'",
                            other.unwrap_or(char::REPLACEMENT_CHARACTER)
                        ))
                    }
                }
            }
            c => {
                if "[]{}.+()|^$".contains(c) {
                    text.push('\\');
                }
                text.push(c);
                toks.push(Tok::Lit(c));
            }
        }
    }
    Ok(ShellPattern {
        toks,
        greedy,
        anchored,
        text,
    })
}

/// The characters Go's `text/scanner` yields for `s`: a leading BOM is skipped.
pub(crate) fn scanner_chars(s: &str) -> Vec<char> {
    let s = s.strip_prefix('\u{feff}').unwrap_or(s);
    s.chars().collect()
}

/// Removes the shortest (or longest, if `greedy`) prefix of `value` matching
/// `pattern`.
pub fn trim_prefix(pattern: &str, value: &str, greedy: bool) -> Result<String, String> {
    let re = shell_pattern_to_regex(pattern, greedy, true)
        .map_err(|e| format!("invalid pattern ({pattern}) in substitution: {e}"))?;
    Ok(match re.find(value) {
        Some((_, end)) => value[end..].to_owned(),
        None => value.to_owned(),
    })
}

/// Removes the shortest (or longest) suffix of `value` matching `pattern`, by
/// reversing both and trimming a prefix. As in BuildKit, an error names the
/// reversed pattern.
pub fn trim_suffix(pattern: &str, value: &str, greedy: bool) -> Result<String, String> {
    let reversed_value: String = value.chars().rev().collect();
    let trimmed = trim_prefix(&reverse_pattern(pattern), &reversed_value, greedy)?;
    Ok(trimmed.chars().rev().collect())
}

/// Reverses a pattern while keeping each `\x` escape pair in order
/// (`a\*c` → `c\*a`).
pub fn reverse_pattern(pattern: &str) -> String {
    let chars: Vec<char> = pattern.chars().collect();
    let Some(last) = chars.len().checked_sub(1) else {
        return String::new();
    };
    let mut out = vec!['\0'; chars.len()];
    let mut i = 0;
    while i <= last {
        let out_idx = last - i;
        if chars[i] == '\\' && i != last {
            out[out_idx - 1] = '\\';
            out[out_idx] = chars[i + 1];
            i += 2;
        } else {
            out[out_idx] = chars[i];
            i += 1;
        }
    }
    out.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reverse_keeps_escape_pairs_in_order() {
        assert_eq!(reverse_pattern("x\\?yz"), "zy\\?x");
        assert_eq!(reverse_pattern(""), "");
    }

    #[test]
    fn suffix_and_prefix_trimming() {
        assert_eq!(trim_suffix("*.gz", "a.tar.gz", false).unwrap(), "a.tar");
        assert_eq!(trim_suffix(".*", "a.tar.gz", true).unwrap(), "a");
        assert_eq!(trim_prefix("a?", "abc", false).unwrap(), "c");
        assert_eq!(trim_prefix("*/", "/usr/local/bin", true).unwrap(), "bin");
        assert_eq!(
            trim_prefix("*/", "/usr/local/bin", false).unwrap(),
            "usr/local/bin"
        );
        assert!(trim_prefix("\\\\x\\q", "abc", false)
            .unwrap_err()
            .starts_with("invalid pattern"));
        // `?` and `*` match whole characters, not bytes, and never a newline.
        assert_eq!(trim_prefix("?", "한국어", false).unwrap(), "국어");
        assert_eq!(trim_suffix("?", "한국어", false).unwrap(), "한국");
        assert_eq!(trim_prefix("*", "ab\ncd", true).unwrap(), "\ncd");
    }

    #[test]
    fn replacement_follows_go() {
        let p = |s: &str| shell_pattern_to_regex(s, true, false).unwrap();
        assert_eq!(p("o").replace_all("foo boo", "0"), "f00 b00");
        assert_eq!(p("o*").replace_all("foo", "X"), "fX");
        assert_eq!(p("x").replace_all("", "Y"), "");
        assert_eq!(p("").replace_all("ab", "-"), "-a-b-");
        assert_eq!(
            p("b").replace_all("abc", "[$0|${0}|$$|$1|$x]"),
            "a[b|b|$||]c"
        );
        assert_eq!(p("a*c").find("xxabcbc"), Some((2, 7)));
        assert_eq!(
            shell_pattern_to_regex("a*c", false, false)
                .unwrap()
                .find("xxabcbc"),
            Some((2, 5))
        );
    }
}
