//! Argument parsers, one per kind of instruction (BuildKit's `line_parsers.go`).
//!
//! Each takes the text after the keyword and flags, and returns the argument
//! values in dump order with their offsets in the joined line.

use super::command::{is_split_space, split_whitespace};
use super::json_array::{parse_json_array, JsonArgs};
use super::Sink;
use crate::text::{decode_rune, go_lossy, go_quote, is_ascii_space, is_space};

pub(crate) const NOT_STRING_ARRAY: &str =
    "when using JSON array syntax, arrays must be comprised of strings only";

/// Gives the sink the arguments of an instruction (keyword already
/// lowercased) in dump order. Returns whether they came from the JSON form;
/// `None` for ONBUILD, which the caller handles, and for unknown instructions.
pub(crate) fn parse_args(
    keyword: &[u8],
    rest: &[u8],
    at: usize,
    escape: u8,
    sink: &mut Sink<'_>,
) -> Option<Result<bool, String>> {
    Some(match keyword {
        b"add" | b"copy" | b"volume" => maybe_json_to_list(rest, at, sink),
        b"arg" => {
            parse_words(rest, at, escape, sink);
            Ok(false)
        }
        b"cmd" | b"entrypoint" | b"run" | b"shell" => maybe_json(rest, at, sink),
        b"env" => name_val(rest, at, "ENV", escape, sink).map(|()| false),
        b"label" => name_val(rest, at, "LABEL", escape, sink).map(|()| false),
        b"expose" | b"from" => {
            whitespace_list(rest, at, sink);
            Ok(false)
        }
        b"healthcheck" => health_config(rest, at, sink),
        b"maintainer" | b"stopsignal" | b"user" | b"workdir" => {
            whole(rest, at, sink);
            Ok(false)
        }
        _ => return None,
    })
}

fn whole(rest: &[u8], at: usize, sink: &mut Sink<'_>) {
    if !rest.is_empty() {
        sink.line(at, at + rest.len());
    }
}

fn whitespace_list(rest: &[u8], at: usize, sink: &mut Sink<'_>) {
    if !rest.is_empty() {
        split_whitespace(rest, at, sink);
    }
}

/// The JSON form, when `rest` is one: `Ok(true)` once its strings are in the sink.
fn from_json(rest: &[u8], at: usize, sink: &mut Sink<'_>) -> Result<bool, String> {
    match parse_json_array(rest, at, sink) {
        JsonArgs::Strings => Ok(true),
        JsonArgs::NotStrings => Err(NOT_STRING_ARRAY.into()),
        JsonArgs::Invalid => Ok(false),
    }
}

/// RUN, CMD, ENTRYPOINT, SHELL: a JSON array, or the whole rest as one string.
fn maybe_json(rest: &[u8], at: usize, sink: &mut Sink<'_>) -> Result<bool, String> {
    if rest.is_empty() {
        return Ok(false);
    }
    let json = from_json(rest, at, sink)?;
    if !json {
        whole(rest, at, sink);
    }
    Ok(json)
}

/// ADD, COPY, VOLUME: a JSON array, or whitespace-separated words.
fn maybe_json_to_list(rest: &[u8], at: usize, sink: &mut Sink<'_>) -> Result<bool, String> {
    let json = from_json(rest, at, sink)?;
    if !json {
        whitespace_list(rest, at, sink);
    }
    Ok(json)
}

/// HEALTHCHECK: a type word (`CMD`, `NONE`, …), then the rest like CMD.
fn health_config(rest: &[u8], at: usize, sink: &mut Sink<'_>) -> Result<bool, String> {
    // BuildKit scans bytes here, so 0x85 and 0xA0 bytes count as blanks.
    let byte_space = |b: &u8| is_space(*b as char);
    let sep = rest.iter().position(byte_space).unwrap_or(rest.len());
    if sep == 0 {
        return Ok(false);
    }
    let next = sep + rest[sep..].iter().take_while(|b| byte_space(b)).count();
    sink.line(at, at + sep);
    maybe_json(&rest[next..], at + next, sink)
}

/// ENV and LABEL: `KEY value` (old form) or `k=v k2="v 2"` (new form), as
/// (key, value, separator) triples.
fn name_val(
    rest: &[u8],
    at: usize,
    key: &str,
    escape: u8,
    sink: &mut Sink<'_>,
) -> Result<(), String> {
    let mut words = Words::new(rest, escape);
    let Some(first) = words.next() else {
        return Ok(());
    };
    // `=` is ASCII: the lossy decoding of a word keeps it where it is.
    if !rest[first.clone()].contains(&b'=') {
        let gap = rest.iter().position(|b| is_split_space(*b));
        let Some(gap) = gap else {
            return Err(format!("{key} must have two arguments"));
        };
        let value_at = at
            + gap
            + rest[gap..]
                .iter()
                .take_while(|b| is_split_space(**b))
                .count();
        sink.line(at, at + gap);
        sink.line(value_at, at + rest.len());
        sink.line(value_at, value_at);
        return Ok(());
    }
    for span in std::iter::once(first).chain(words) {
        let word_at = at + span.start;
        let raw = &rest[span];
        if raw.is_ascii() || std::str::from_utf8(raw).is_ok() {
            // The word is its source bytes: split it there.
            let Some(eq) = raw.iter().position(|b| *b == b'=') else {
                return Err(no_equals(raw));
            };
            let (eq_at, end) = (word_at + eq, word_at + raw.len());
            sink.line(word_at, eq_at);
            sink.line(eq_at + 1, end);
            sink.line(eq_at, eq_at + 1);
        } else {
            let start = sink.bytes.len();
            sink.bytes.extend_from_slice(go_lossy(raw).as_bytes());
            let Some(eq) = sink.bytes[start..].iter().position(|b| *b == b'=') else {
                return Err(no_equals(&sink.bytes[start..]));
            };
            let (eq_in, end) = (start + eq, sink.bytes.len());
            sink.decoded_range(start, eq_in, word_at);
            sink.decoded_range(eq_in + 1, end, word_at + eq + 1);
            sink.decoded_range(eq_in, eq_in + 1, word_at + eq);
        }
    }
    Ok(())
}

fn no_equals(word: &[u8]) -> String {
    format!(
        "Syntax error - can't find = in {}. Must be of the form: name=value",
        go_quote(word)
    )
}

/// BuildKit's `parseWords`: splits on Unicode blanks outside quotes, keeping
/// quotes and escapes in the words (the expander removes them later). Invalid
/// UTF-8 becomes U+FFFD, as Go's rune decoding does.
pub(crate) fn parse_words(rest: &[u8], at: usize, escape: u8, sink: &mut Sink<'_>) {
    for span in Words::new(rest, escape) {
        let bytes = &rest[span.clone()];
        let (start, end) = (at + span.start, at + span.end);
        if bytes.is_ascii() || std::str::from_utf8(bytes).is_ok() {
            sink.line(start, end);
        } else {
            let from = sink.bytes.len();
            sink.bytes.extend_from_slice(go_lossy(bytes).as_bytes());
            sink.decoded(from, start);
        }
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
            // Most bytes stand for themselves: a byte that is no quote, no
            // escape and (outside quotes) no blank is taken as it is. (Inside
            // quotes, the bytes of a multi-byte rune are such bytes.)
            let plain = match quote {
                None => {
                    b < 0x80 && !is_ascii_space(b) && b != b'\'' && b != b'"' && b != self.escape
                }
                Some(q) => b != q && (b != self.escape || q == b'\''),
            };
            if plain {
                self.pos += 1;
                end = self.pos;
                continue;
            }
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
    use super::super::tests::with_sink;
    use super::*;

    fn words(s: &str) -> Vec<String> {
        with_sink(s.as_bytes(), |line, sink| parse_words(line, 0, b'\\', sink)).0
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
            let (values, result) = with_sink(s.as_bytes(), |line, sink| {
                name_val(line, 0, "ENV", b'\\', sink)
            });
            result.map(|()| values)
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
