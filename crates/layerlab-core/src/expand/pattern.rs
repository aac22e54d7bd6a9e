//! Shell patterns (`*`, `?`, `\` escapes; no bracket expressions) as used by
//! `${var#pattern}`, `${var%pattern}` and `${var/pattern/replacement}`.
//!
//! Like BuildKit, a pattern is turned into a regular expression: `*` becomes
//! `.*` (greedy) or `.*?` (shortest), `?` becomes `.`, and regex metacharacters
//! are escaped. Suffix removal reverses both the pattern and the value so that a
//! leftmost regex search finds the shortest or longest *rightmost* match.

use regex::Regex;

/// Builds the regex for `pattern`. `anchored` pins it to the start of the value.
/// Errors carry BuildKit's text (`invalid escape '\x'`).
pub fn shell_pattern_to_regex(
    pattern: &str,
    greedy: bool,
    anchored: bool,
) -> Result<Regex, String> {
    let chars = scanner_chars(pattern);
    let mut out = String::with_capacity(pattern.len() + 4);
    if anchored {
        out.push('^');
    }
    let star = if greedy { ".*" } else { ".*?" };
    let mut i = 0;
    while i < chars.len() {
        let mut tok = chars[i];
        i += 1;
        match tok {
            '*' => {
                out.push_str(star);
                continue;
            }
            '?' => {
                out.push('.');
                continue;
            }
            '\\' => {
                // `\}` and `\/` only protect the character from the ${} scanner;
                // the escape is not part of the pattern.
                if matches!(chars.get(i), Some('}') | Some('/')) {
                    continue;
                }
                out.push('\\');
                let next = chars.get(i).copied();
                i += 1;
                match next {
                    Some(c @ ('*' | '?' | '\\')) => tok = c,
                    other => {
                        return Err(format!(
                            "invalid escape '\\{}'",
                            other.unwrap_or(char::REPLACEMENT_CHARACTER)
                        ))
                    }
                }
            }
            '[' | ']' | '{' | '}' | '.' | '+' | '(' | ')' | '|' | '^' | '$' => out.push('\\'),
            _ => {}
        }
        out.push(tok);
    }
    Regex::new(&out).map_err(|e| e.to_string())
}

/// The characters Go's `text/scanner` yields for `s`: a leading BOM is skipped.
pub fn scanner_chars(s: &str) -> Vec<char> {
    let s = s.strip_prefix('\u{feff}').unwrap_or(s);
    s.chars().collect()
}

/// Removes the shortest (or longest, if `greedy`) prefix of `value` matching
/// `pattern`.
pub fn trim_prefix(pattern: &str, value: &str, greedy: bool) -> Result<String, String> {
    let re = shell_pattern_to_regex(pattern, greedy, true)
        .map_err(|e| format!("invalid pattern ({pattern}) in substitution: {e}"))?;
    Ok(match re.find(value) {
        Some(m) => value[m.end()..].to_owned(),
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
        // `?` and `*` match whole characters, not bytes.
        assert_eq!(trim_prefix("?", "한국어", false).unwrap(), "국어");
        assert_eq!(trim_suffix("?", "한국어", false).unwrap(), "한국");
        assert!(trim_prefix("\\\\x\\q", "abc", false)
            .unwrap_err()
            .starts_with("invalid pattern"));
    }
}
