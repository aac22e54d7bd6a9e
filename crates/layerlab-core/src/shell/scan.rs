//! Where a quoted string or a substitution ends, as `sh` reads them: a
//! double-quoted string may hold `$(…)`, `${…}` and backquotes whose own
//! quotes do not end it (`"$(echo "in" 'a)b')"` is one word), and a `$(…)`
//! ends at its own `)`, not at one inside quotes. The tokenizer and the
//! interpreter's command substitution both ask here.

/// How deep substitutions and quotes may nest before the text is taken as
/// unterminated (a bound for hostile input, far above real scripts).
const MAX_NESTING: usize = 200;

/// The index of the `"` closing the string whose opening quote is at `start`.
pub(super) fn double_quote_end(chars: &[char], start: usize) -> Option<usize> {
    double_quote_end_at(chars, start, 0)
}

/// The index of the `)` or `}` closing the `$(` or `${` whose `$` is at `start`.
pub(super) fn dollar_end(chars: &[char], start: usize) -> Option<usize> {
    dollar_end_at(chars, start, 0)
}

/// The index of the quote closing a single-quoted string or a backquote.
pub(super) fn same_quote_end(chars: &[char], start: usize) -> Option<usize> {
    let quote = chars[start];
    let mut j = start + 1;
    while j < chars.len() {
        match chars[j] {
            // A backslash escapes inside backquotes, never inside single quotes.
            '\\' if quote == '`' => j += 1,
            c if c == quote => return Some(j),
            _ => {}
        }
        j += 1;
    }
    None
}

fn double_quote_end_at(chars: &[char], start: usize, nesting: usize) -> Option<usize> {
    if nesting > MAX_NESTING {
        return None;
    }
    let mut j = start + 1;
    while j < chars.len() {
        match chars[j] {
            '\\' => j += 1,
            '"' => return Some(j),
            '`' => j = same_quote_end(chars, j)?,
            '$' if matches!(chars.get(j + 1), Some('(' | '{')) => {
                j = dollar_end_at(chars, j, nesting + 1)?;
            }
            _ => {}
        }
        j += 1;
    }
    None
}

fn dollar_end_at(chars: &[char], start: usize, nesting: usize) -> Option<usize> {
    if nesting > MAX_NESTING {
        return None;
    }
    let (open, close) = if chars.get(start + 1) == Some(&'(') {
        ('(', ')')
    } else {
        ('{', '}')
    };
    let mut depth = 0usize;
    let mut j = start + 1;
    while j < chars.len() {
        match chars[j] {
            '\\' => j += 1,
            '\'' | '`' => j = same_quote_end(chars, j)?,
            '"' => j = double_quote_end_at(chars, j, nesting + 1)?,
            '$' if matches!(chars.get(j + 1), Some('(' | '{')) => {
                j = dollar_end_at(chars, j, nesting + 1)?;
            }
            c if c == open => depth += 1,
            c if c == close => {
                depth -= 1;
                if depth == 0 {
                    return Some(j);
                }
            }
            _ => {}
        }
        j += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    #[test]
    fn quotes_inside_substitutions_do_not_end_the_string() {
        let s = chars(r#""$(echo 'a("b c")d' | tr a z)" rest"#);
        assert_eq!(double_quote_end(&s, 0), Some(29));
        let s = chars(r#""in $(echo "deep $(echo ")")")" x"#);
        assert_eq!(double_quote_end(&s, 0), Some(30));
        let s = chars(r#""a\"b" x"#);
        assert_eq!(double_quote_end(&s, 0), Some(5));
        let s = chars(r#""${x:-"}"}" y"#);
        assert_eq!(double_quote_end(&s, 0), Some(10));
        let s = chars(r#""`echo "x"`""#);
        assert_eq!(double_quote_end(&s, 0), Some(11));
        assert_eq!(double_quote_end(&chars(r#""open $(x"#), 0), None);
    }

    #[test]
    fn a_substitution_ends_at_its_own_paren() {
        let s = chars("$(echo ')' \")\" $((1+2)) ${a%)}) tail");
        assert_eq!(dollar_end(&s, 0), Some(30));
        let s = chars("${a:-$(echo })} x");
        assert_eq!(dollar_end(&s, 0), Some(14));
        assert_eq!(dollar_end(&chars("$(echo"), 0), None);
    }

    #[test]
    fn nesting_is_bounded() {
        let deep = format!("\"{}\"", "$(\"".repeat(10_000));
        assert_eq!(double_quote_end(&chars(&deep), 0), None);
    }
}
