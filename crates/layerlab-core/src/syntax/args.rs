//! Argument parsers, one per kind of instruction (BuildKit's `line_parsers.go`).
//!
//! Each takes the text after the keyword and flags, and returns the argument
//! values in dump order with their offsets in the joined line.

use super::command::{is_split_space, split_whitespace, Piece};
use super::json_array::{parse_json_array, JsonArgs};
use crate::text::{decode_rune, go_quote, is_space};

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
    let words = parse_words(rest, at, escape);
    let Some(first) = words.first() else {
        return Ok(Args::default());
    };
    let mut values = Vec::new();
    if !first.value.contains(&b'=') {
        let gap = rest.iter().position(|b| is_split_space(*b));
        let Some(gap) = gap else {
            return Err(format!("{key} must have two arguments"));
        };
        let value_at = gap
            + rest[gap..]
                .iter()
                .take_while(|b| is_split_space(**b))
                .count();
        values.push(Piece {
            value: rest[..gap].to_vec(),
            at,
        });
        values.push(Piece {
            value: rest[value_at..].to_vec(),
            at: at + value_at,
        });
        values.push(Piece {
            value: Vec::new(),
            at: at + value_at,
        });
        return Ok(Args::plain(values));
    }
    for word in words {
        let Some(eq) = word.value.iter().position(|b| *b == b'=') else {
            return Err(format!(
                "Syntax error - can't find = in {}. Must be of the form: name=value",
                go_quote(&word.value)
            ));
        };
        values.push(Piece {
            value: word.value[..eq].to_vec(),
            at: word.at,
        });
        values.push(Piece {
            value: word.value[eq + 1..].to_vec(),
            at: word.at + eq + 1,
        });
        values.push(Piece {
            value: b"=".to_vec(),
            at: word.at + eq,
        });
    }
    Ok(Args::plain(values))
}

/// BuildKit's `parseWords`: splits on Unicode blanks outside quotes, keeping
/// quotes and escapes in the words (the expander removes them later). Invalid
/// UTF-8 becomes U+FFFD, as Go's rune decoding does.
pub(crate) fn parse_words(rest: &[u8], at: usize, escape: u8) -> Vec<Piece> {
    #[derive(PartialEq)]
    enum Phase {
        Spaces,
        Word,
        Quote(char),
    }
    let escape = escape as char;
    let decode = |pos: usize| {
        let (ch, width) = decode_rune(&rest[pos..]);
        (ch.unwrap_or(char::REPLACEMENT_CHARACTER), width)
    };
    let mut words = Vec::new();
    let mut phase = Phase::Spaces;
    let mut word = String::new();
    let mut word_at = 0;
    let mut blank_ok = false;
    let mut pos = 0;
    while pos < rest.len() {
        let (mut ch, mut width) = decode(pos);
        if phase == Phase::Spaces {
            if is_space(ch) {
                pos += width;
                continue;
            }
            phase = Phase::Word;
            word_at = pos;
        }
        match phase {
            Phase::Word => {
                if is_space(ch) {
                    phase = Phase::Spaces;
                    if blank_ok || !word.is_empty() {
                        words.push(Piece {
                            value: std::mem::take(&mut word).into_bytes(),
                            at: at + word_at,
                        });
                    }
                    blank_ok = false;
                    pos += width;
                    continue;
                }
                if ch == '\'' || ch == '"' {
                    phase = Phase::Quote(ch);
                    blank_ok = true;
                }
                if ch == escape {
                    if pos + width == rest.len() {
                        pos += width;
                        continue; // an escape at the very end is dropped
                    }
                    // Outside quotes the escape and the escaped character are both kept.
                    word.push(ch);
                    pos += width;
                    (ch, width) = decode(pos);
                }
                word.push(ch);
            }
            Phase::Quote(quote) => {
                if ch == quote {
                    phase = Phase::Word;
                }
                if ch == escape && quote != '\'' {
                    if pos + width == rest.len() {
                        phase = Phase::Word;
                        pos += width;
                        continue;
                    }
                    pos += width;
                    word.push(ch);
                    (ch, width) = decode(pos);
                }
                word.push(ch);
            }
            Phase::Spaces => unreachable!("a word has started"),
        }
        pos += width;
    }
    if phase != Phase::Spaces && (blank_ok || !word.is_empty()) {
        words.push(Piece {
            value: word.into_bytes(),
            at: at + word_at,
        });
    }
    words
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
