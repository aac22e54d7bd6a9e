//! Splitting an instruction line into its keyword, `--flags` and the rest.

use crate::text::{is_space, trim_space};

/// A piece of the joined line: its bytes and its offset in that line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Piece {
    pub value: Vec<u8>,
    pub at: usize,
}

/// The keyword, flags and arguments of one instruction line.
pub(crate) struct SplitLine<'a> {
    pub keyword: Piece,
    /// `None` when the line has nothing after the keyword (BuildKit's nil flags).
    pub flags: Option<Vec<Piece>>,
    pub rest: &'a [u8],
    pub rest_at: usize,
}

/// BuildKit's `[\t\v\f\r ]` (its `reWhitespace`).
pub(crate) fn is_split_space(b: u8) -> bool {
    matches!(b, b'\t' | b'\x0b' | b'\x0c' | b'\r' | b' ')
}

/// Splits `[\t\v\f\r ]+`-separated fields, with their offsets.
pub(crate) fn split_whitespace(s: &[u8], base: usize) -> Vec<Piece> {
    // Room for `image AS name` and for most COPY lines without growing.
    let mut out = Vec::with_capacity(4);
    let mut start = 0;
    let mut i = 0;
    while i < s.len() {
        if is_split_space(s[i]) {
            out.push(Piece {
                value: s[start..i].to_vec(),
                at: base + start,
            });
            while i < s.len() && is_split_space(s[i]) {
                i += 1;
            }
            start = i;
        } else {
            i += 1;
        }
    }
    out.push(Piece {
        value: s[start..].to_vec(),
        at: base + start,
    });
    out
}

/// Offset of `inner` (a subslice of `outer`) within it.
pub(crate) fn offset_in(outer: &[u8], inner: &[u8]) -> usize {
    inner.as_ptr() as usize - outer.as_ptr() as usize
}

/// BuildKit's `splitCommand`: keyword up to the first blank run, then flags.
pub(crate) fn split_command(line: &[u8], base: usize) -> SplitLine<'_> {
    let trimmed = trim_space(line);
    let at = base + offset_in(line, trimmed);
    let Some(gap) = trimmed.iter().position(|b| is_split_space(*b)) else {
        return SplitLine {
            keyword: Piece {
                value: trimmed.to_vec(),
                at,
            },
            flags: None,
            rest: &trimmed[trimmed.len()..],
            rest_at: at + trimmed.len(),
        };
    };
    let after = gap
        + trimmed[gap..]
            .iter()
            .take_while(|b| is_split_space(**b))
            .count();
    let (flags, rest_rel) = extract_builder_flags(&trimmed[after..]);
    let rest = &trimmed[after + rest_rel..];
    let rest_trimmed = trim_space(rest);
    SplitLine {
        keyword: Piece {
            value: trimmed[..gap].to_vec(),
            at,
        },
        flags: Some(
            flags
                .into_iter()
                .map(|p| Piece {
                    at: p.at + at + after,
                    ..p
                })
                .collect(),
        ),
        rest: rest_trimmed,
        rest_at: at + after + rest_rel + offset_in(rest, rest_trimmed),
    }
}

/// BuildKit's `extractBuilderFlags`. Works on bytes: each byte is taken as a
/// Latin-1 code point (so `ü` comes out as `Ã¼`), and `\` always escapes the
/// next byte, whatever the file's escape character. Returns the flags and the
/// offset where the arguments start.
fn extract_builder_flags(line: &[u8]) -> (Vec<Piece>, usize) {
    #[derive(PartialEq)]
    enum Phase {
        Spaces,
        Word,
        Quote(u8),
    }
    let byte_space = |b: u8| is_space(b as char);
    let mut words = Vec::new();
    let mut phase = Phase::Spaces;
    // The flag being read, as UTF-8; each flag is copied out at its exact size.
    let mut word: Vec<u8> = Vec::new();
    let mut word_at = 0;
    let mut blank_ok = false;
    let mut pos = 0;
    loop {
        let at_end = pos == line.len();
        if phase == Phase::Spaces {
            if at_end {
                break;
            }
            let ch = line[pos];
            if byte_space(ch) {
                pos += 1;
                continue;
            }
            if ch != b'-' || line.get(pos + 1) != Some(&b'-') {
                return (words, pos);
            }
            // Most flags have no quote, no escape and no byte above ASCII: such
            // a flag is its bytes, up to the next blank.
            let plain_end = line[pos..]
                .iter()
                .position(|&b| matches!(b, b'\'' | b'"' | b'\\') || b >= 0x80 || byte_space(b))
                .map_or(line.len(), |i| pos + i);
            if line.get(plain_end).is_none_or(|&b| byte_space(b)) {
                let flag = &line[pos..plain_end];
                if flag == b"--" {
                    return (words, plain_end);
                }
                words.push(Piece {
                    value: flag.to_vec(),
                    at: pos,
                });
                pos = plain_end;
                continue;
            }
            if word.capacity() == 0 {
                // A flag is at most the rest of the line, each byte taking two at most.
                word.reserve(2 * (line.len() - pos));
            }
            phase = Phase::Word;
            word_at = pos;
        }
        if at_end {
            if word != b"--" && (blank_ok || !word.is_empty()) {
                words.push(Piece {
                    value: word.as_slice().to_vec(),
                    at: word_at,
                });
            }
            break;
        }
        let mut ch = line[pos];
        match phase {
            Phase::Word => {
                if byte_space(ch) {
                    phase = Phase::Spaces;
                    if word == b"--" {
                        return (words, pos);
                    }
                    if blank_ok || !word.is_empty() {
                        words.push(Piece {
                            value: word.as_slice().to_vec(),
                            at: word_at,
                        });
                    }
                    word.clear();
                    blank_ok = false;
                    pos += 1;
                    continue;
                }
                if ch == b'\'' || ch == b'"' {
                    phase = Phase::Quote(ch);
                    blank_ok = true;
                    pos += 1;
                    continue;
                }
                if ch == b'\\' {
                    if pos + 1 == line.len() {
                        pos += 1;
                        continue;
                    }
                    pos += 1;
                    ch = line[pos];
                }
                push_latin1(&mut word, ch);
            }
            Phase::Quote(quote) => {
                if ch == quote {
                    phase = Phase::Word;
                    pos += 1;
                    continue;
                }
                if ch == b'\\' {
                    if pos + 1 == line.len() {
                        phase = Phase::Word;
                        pos += 1;
                        continue;
                    }
                    pos += 1;
                    ch = line[pos];
                }
                push_latin1(&mut word, ch);
            }
            Phase::Spaces => unreachable!("handled above"),
        }
        pos += 1;
    }
    (words, line.len())
}

/// Appends byte `b` taken as a Latin-1 code point, in UTF-8 (Go's `string(rune(b))`).
fn push_latin1(out: &mut Vec<u8>, b: u8) {
    if b < 0x80 {
        out.push(b);
    } else {
        out.extend_from_slice(&[0xC0 | (b >> 6), 0x80 | (b & 0x3F)]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flags(line: &str) -> (Vec<String>, String) {
        let split = split_command(line.as_bytes(), 0);
        let flags = split.flags.unwrap_or_default();
        (
            flags
                .into_iter()
                .map(|p| String::from_utf8(p.value).unwrap())
                .collect(),
            String::from_utf8(split.rest.to_vec()).unwrap(),
        )
    }

    #[test]
    fn flags_then_rest() {
        assert_eq!(
            flags("COPY --from=a --chown='a b' x y"),
            (vec!["--from=a".into(), "--chown=a b".into()], "x y".into())
        );
        assert_eq!(
            flags("COPY --doit=true -- foo /tmp/"),
            (vec!["--doit=true".into()], "foo /tmp/".into())
        );
        assert_eq!(
            flags("CMD --doit -- [ ]"),
            (vec!["--doit".into()], "[ ]".into())
        );
        assert_eq!(flags("COPY --chown=ü a b").0, vec!["--chown=Ã¼".to_owned()]);
        assert_eq!(
            flags("RUN --x=\\\"q\\\" echo").0,
            vec!["--x=\"q\"".to_owned()]
        );
    }

    #[test]
    fn offsets_point_into_the_line() {
        let split = split_command(b"  COPY  --a=b   src dst ", 10);
        assert_eq!(split.keyword.at, 12);
        assert_eq!(split.flags.unwrap()[0].at, 18);
        assert_eq!(split.rest, b"src dst");
        assert_eq!(split.rest_at, 26);
    }
}
