//! Argument parsers, one per kind of instruction (BuildKit's `line_parsers.go`).
//!
//! Each takes the text after the keyword and flags, and returns the argument
//! values in dump order with their offsets in the joined line.

use super::command::{is_split_space, split_whitespace, Piece};
use super::json_array::{parse_json_array, JsonArgs};
use crate::text::{decode_rune, go_lossy, go_quote, is_ascii_space, is_space};

/// Parsed arguments: the values and whether they came from the JSON form.
#[derive(Debug, Default)]
pub(crate) struct Args {
    pub values: Vec<Piece>,
    pub json: bool,
}

impl Args {
    fn plain(values: Vec<Piece>) -> Self {
        Args {
            values,
            json: false,
        }
    }
}

pub(crate) const NOT_STRING_ARRAY: &str =
    "when using JSON array syntax, arrays must be comprised of strings only";

/// The argument parser for an instruction keyword (already lowercased).
/// `None` for ONBUILD, which the caller handles, and for unknown instructions.
pub(crate) fn parse_args(
    keyword: &[u8],
    rest: &[u8],
    at: usize,
    escape: u8,
) -> Option<Result<Args, String>> {
    Some(match keyword {
        b"add" | b"copy" | b"volume" => maybe_json_to_list(rest, at),
        b"arg" => Ok(Args::plain(parse_words(rest, at, escape))),
        b"cmd" | b"entrypoint" | b"run" | b"shell" => maybe_json(rest, at),
        b"env" => name_val(rest, at, "ENV", escape),
        b"label" => name_val(rest, at, "LABEL", escape),
        b"expose" | b"from" => Ok(Args::plain(whitespace_list(rest, at))),
        b"healthcheck" => health_config(rest, at),
        b"maintainer" | b"stopsignal" | b"user" | b"workdir" => Ok(Args::plain(whole(rest, at))),
        _ => return None,
    })
}

fn whole(rest: &[u8], at: usize) -> Vec<Piece> {
    if rest.is_empty() {
        return Vec::new();
    }
    vec![Piece {
        value: rest.to_vec(),
        at,
    }]
}

fn whitespace_list(rest: &[u8], at: usize) -> Vec<Piece> {
    if rest.is_empty() {
        return Vec::new();
    }
    split_whitespace(rest, at)
}

fn from_json(rest: &[u8], at: usize) -> Result<Option<Args>, String> {
    match parse_json_array(rest) {
        JsonArgs::Strings(items) => Ok(Some(Args {
            values: items
                .into_iter()
                .map(|(value, i)| Piece { value, at: at + i })
                .collect(),
            json: true,
        })),
        JsonArgs::NotStrings => Err(NOT_STRING_ARRAY.into()),
        JsonArgs::Invalid => Ok(None),
    }
}

/// RUN, CMD, ENTRYPOINT, SHELL: a JSON array, or the whole rest as one string.
fn maybe_json(rest: &[u8], at: usize) -> Result<Args, String> {
    if rest.is_empty() {
        return Ok(Args::default());
    }
    Ok(from_json(rest, at)?.unwrap_or_else(|| Args::plain(whole(rest, at))))
}

/// ADD, COPY, VOLUME: a JSON array, or whitespace-separated words.
fn maybe_json_to_list(rest: &[u8], at: usize) -> Result<Args, String> {
    Ok(from_json(rest, at)?.unwrap_or_else(|| Args::plain(whitespace_list(rest, at))))
}

/// HEALTHCHECK: a type word (`CMD`, `NONE`, …), then the rest like CMD.
fn health_config(rest: &[u8], at: usize) -> Result<Args, String> {
    // BuildKit scans bytes here, so 0x85 and 0xA0 bytes count as blanks.
    let byte_space = |b: &u8| is_space(*b as char);
    let sep = rest.iter().position(byte_space).unwrap_or(rest.len());
    if sep == 0 {
        return Ok(Args::default());
    }
    let next = sep + rest[sep..].iter().take_while(|b| byte_space(b)).count();
    let mut cmd = maybe_json(&rest[next..], at + next)?;
    cmd.values.insert(
        0,
        Piece {
            value: rest[..sep].to_vec(),
            at,
        },
    );
    Ok(cmd)
}

/// ENV and LABEL: `KEY value` (old form) or `k=v k2="v 2"` (new form), as
/// (key, value, separator) triples.
fn name_val(rest: &[u8], at: usize, key: &str, escape: u8) -> Result<Args, String> {
    let mut words = Words::new(rest, escape);
    let Some(first) = words.next() else {
        return Ok(Args::default());
    };
    // `=` is ASCII: the lossy decoding of a word keeps it where it is.
    if !rest[first.clone()].contains(&b'=') {
        let gap = rest.iter().position(|b| is_split_space(*b));
        let Some(gap) = gap else {
            return Err(format!("{key} must have two arguments"));
        };
        let value_at = gap
            + rest[gap..]
                .iter()
                .take_while(|b| is_split_space(**b))
                .count();
        let values = vec![
            Piece {
                value: rest[..gap].to_vec(),
                at,
            },
            Piece {
                value: rest[value_at..].to_vec(),
                at: at + value_at,
            },
            Piece {
                value: Vec::new(),
                at: at + value_at,
            },
        ];
        return Ok(Args::plain(values));
    }
    let mut values = Vec::with_capacity(6);
    for span in std::iter::once(first).chain(words) {
        let word_at = at + span.start;
        let raw = &rest[span];
        if raw.is_ascii() || std::str::from_utf8(raw).is_ok() {
            // The word is its source bytes: split it there, with no copy between.
            let Some(eq) = raw.iter().position(|b| *b == b'=') else {
                return Err(no_equals(raw));
            };
            push_pair(
                &mut values,
                raw[..eq].to_vec(),
                raw[eq + 1..].to_vec(),
                word_at,
                eq,
            );
        } else {
            let word = go_lossy(raw).into_bytes();
            let Some(eq) = word.iter().position(|b| *b == b'=') else {
                return Err(no_equals(&word));
            };
            push_pair(
                &mut values,
                word[..eq].to_vec(),
                word[eq + 1..].to_vec(),
                word_at,
                eq,
            );
        }
    }
    Ok(Args::plain(values))
}

fn no_equals(word: &[u8]) -> String {
    format!(
        "Syntax error - can't find = in {}. Must be of the form: name=value",
        go_quote(word)
    )
}

/// Pushes the (key, value, `=`) triple of a `key=value` word at `word_at`
/// whose `=` is at `eq`.
fn push_pair(values: &mut Vec<Piece>, key: Vec<u8>, value: Vec<u8>, word_at: usize, eq: usize) {
    values.push(Piece {
        value: key,
        at: word_at,
    });
    values.push(Piece {
        value,
        at: word_at + eq + 1,
    });
    values.push(Piece {
        value: b"=".to_vec(),
        at: word_at + eq,
    });
}

/// BuildKit's `parseWords`: splits on Unicode blanks outside quotes, keeping
/// quotes and escapes in the words (the expander removes them later). Invalid
/// UTF-8 becomes U+FFFD, as Go's rune decoding does.
pub(crate) fn parse_words(rest: &[u8], at: usize, escape: u8) -> Vec<Piece> {
    Words::new(rest, escape)
        .map(|span| Piece {
            at: at + span.start,
            value: go_lossy_bytes(&rest[span]),
        })
        .collect()
}

/// `bytes` as Go's `string([]rune(s))` would have them: the same bytes when
/// they are UTF-8, else every invalid byte as U+FFFD.
fn go_lossy_bytes(bytes: &[u8]) -> Vec<u8> {
    if bytes.is_ascii() {
        return bytes.to_vec();
    }
    match std::str::from_utf8(bytes) {
        Ok(_) => bytes.to_vec(),
        Err(_) => go_lossy(bytes).into_bytes(),
    }
}

/// The words of BuildKit's `parseWords`, as byte ranges of the input.
///
/// BuildKit builds each word rune by rune, and keeps every rune it reads
/// (quotes, escapes and escaped runes included) except an escape that is the
/// input's very last rune. So a word is always a contiguous run of the input,
/// decoded (invalid bytes as U+FFFD); this finds where each run starts and ends.
struct Words<'a> {
    rest: &'a [u8],
    escape: u8,
    pos: usize,
}

impl<'a> Words<'a> {
    fn new(rest: &'a [u8], escape: u8) -> Self {
        Words {
            rest,
            escape,
            pos: 0,
        }
    }

    /// Width of the rune at `pos` and whether it is a Unicode blank.
    #[inline]
    fn rune(&self, pos: usize) -> (usize, bool) {
        let b = self.rest[pos];
        if b < 0x80 {
            return (1, is_ascii_space(b));
        }
        let (ch, width) = decode_rune(&self.rest[pos..]);
        (width, ch.is_some_and(is_space))
    }
}

impl Iterator for Words<'_> {
    type Item = std::ops::Range<usize>;

    fn next(&mut self) -> Option<std::ops::Range<usize>> {
        let rest = self.rest;
        let len = rest.len();
        // Blanks before the word.
        let start = loop {
            if self.pos >= len {
                return None;
            }
            let (width, blank) = self.rune(self.pos);
            if !blank {
                break self.pos;
            }
            self.pos += width;
        };
        let mut quote = None;
        // A quote makes even an empty word count (`''`).
        let mut blank_ok = false;
        let mut end = start;
        while self.pos < len {
            let b = rest[self.pos];
            let (mut width, blank) = self.rune(self.pos);
            match quote {
                None => {
                    if blank {
                        self.pos += width;
                        break;
                    }
                    if b == b'\'' || b == b'"' {
                        quote = Some(b);
                        blank_ok = true;
                    }
                    if b == self.escape {
                        if self.pos + width == len {
                            // An escape at the very end is dropped.
                            self.pos = len;
                            break;
                        }
                        // The escape and the escaped rune are both kept.
                        self.pos += width;
                        width = self.rune(self.pos).0;
                    }
                }
                Some(q) => {
                    if b == q {
                        quote = None;
                    }
                    if b == self.escape && q != b'\'' {
                        if self.pos + width == len {
                            self.pos = len;
                            break;
                        }
                        self.pos += width;
                        width = self.rune(self.pos).0;
                    }
                }
            }
            self.pos += width;
            end = self.pos;
        }
        if blank_ok || end > start {
            Some(start..end)
        } else {
            // Only a dropped escape: no word, and nothing after it.
            self.next()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        parse_words(s.as_bytes(), 0, b'\\')
            .into_iter()
            .map(|p| String::from_utf8(p.value).unwrap())
            .collect()
    }

    #[test]
    fn parse_words_keeps_quotes_and_escapes() {
        assert_eq!(words("foo bar"), ["foo", "bar"]);
        assert_eq!(words("foo\\ bar"), ["foo\\ bar"]);
        assert_eq!(words("foo bar 'abc xyz'"), ["foo", "bar", "'abc xyz'"]);
        assert_eq!(words("abc=\"123 456\" def"), ["abc=\"123 456\"", "def"]);
        assert_eq!(words("a=\"b\\\"c\" x\\"), ["a=\"b\\\"c\"", "x"]);
        assert_eq!(words("''"), ["''"]);
    }

    #[test]
    fn env_forms() {
        let env = |s: &str| {
            name_val(s.as_bytes(), 0, "ENV", b'\\').map(|a| {
                a.values
                    .into_iter()
                    .map(|p| String::from_utf8(p.value).unwrap())
                    .collect::<Vec<_>>()
            })
        };
        assert_eq!(
            env("PATH /usr/bin  /bin").unwrap(),
            ["PATH", "/usr/bin  /bin", ""]
        );
        assert_eq!(
            env("A=1 B=\"2 3\"").unwrap(),
            ["A", "1", "=", "B", "\"2 3\"", "="]
        );
        assert_eq!(env("PATH").unwrap_err(), "ENV must have two arguments");
        assert_eq!(
            env("A=1 C").unwrap_err(),
            "Syntax error - can't find = in \"C\". Must be of the form: name=value"
        );
    }
}
