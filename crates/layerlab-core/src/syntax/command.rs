//! Splitting an instruction line into its keyword, `--flags` and the rest.

use super::Sink;
use crate::text::{is_space, trim_left_space, trim_space};

/// What follows the keyword and flags of one instruction line (which
/// [`split_command`] gave to the sink).
pub(crate) struct SplitLine<'a> {
    pub keyword: &'a [u8],
    /// How many flags were given to the sink after the keyword.
    pub flags: usize,
    pub rest: &'a [u8],
    pub rest_at: usize,
}

/// BuildKit's `[\t\v\f\r ]` (its `reWhitespace`).
pub(crate) fn is_split_space(b: u8) -> bool {
    matches!(b, b'\t' | b'\x0b' | b'\x0c' | b'\r' | b' ')
}

/// Gives the sink the `[\t\v\f\r ]+`-separated fields of `s`, which sits at
/// `base` in the line.
pub(crate) fn split_whitespace(s: &[u8], base: usize, sink: &mut Sink<'_>) {
    let mut start = 0;
    let mut i = 0;
    while i < s.len() {
        if is_split_space(s[i]) {
            sink.line(base + start, base + i);
            while i < s.len() && is_split_space(s[i]) {
                i += 1;
            }
            start = i;
        } else {
            i += 1;
        }
    }
    sink.line(base + start, base + s.len());
}

/// Offset of `inner` (a subslice of `outer`) within it.
pub(crate) fn offset_in(outer: &[u8], inner: &[u8]) -> usize {
    inner.as_ptr() as usize - outer.as_ptr() as usize
}

/// BuildKit's `splitCommand`: keyword up to the first blank run, then flags.
/// `line` sits at `base` in the joined line; the keyword and the flags go to the sink.
pub(crate) fn split_command<'a>(line: &'a [u8], base: usize, sink: &mut Sink<'_>) -> SplitLine<'a> {
    let trimmed = trim_space(line);
    let at = base + offset_in(line, trimmed);
    let Some(gap) = trimmed.iter().position(|b| is_split_space(*b)) else {
        sink.line(at, at + trimmed.len());
        return SplitLine {
            keyword: trimmed,
            flags: 0,
            rest: &trimmed[trimmed.len()..],
            rest_at: at + trimmed.len(),
        };
    };
    sink.line(at, at + gap);
    let after = gap
        + trimmed[gap..]
            .iter()
            .take_while(|b| is_split_space(**b))
            .count();
    let (flags, rest_rel) = extract_builder_flags(&trimmed[after..], at + after, sink);
    let rest = &trimmed[after + rest_rel..];
    // Its end is the trimmed line's: only its start can have blanks.
    let rest_trimmed = trim_left_space(rest);
    SplitLine {
        keyword: &trimmed[..gap],
        flags,
        rest: rest_trimmed,
        rest_at: at + after + rest_rel + offset_in(rest, rest_trimmed),
    }
}

/// BuildKit's `extractBuilderFlags` over `line`, which sits at `base`. Works on
/// bytes: each byte is taken as a Latin-1 code point (so `ü` comes out as
/// `Ã¼`), and `\` always escapes the next byte, whatever the file's escape
/// character. Gives the flags to the sink; returns how many, and the offset
/// in `line` where the arguments start.
fn extract_builder_flags(line: &[u8], base: usize, sink: &mut Sink<'_>) -> (usize, usize) {
    let byte_space = |b: u8| is_space(b as char);
    let mut count = 0;
    let mut pos = 0;
    loop {
        while pos < line.len() && byte_space(line[pos]) {
            pos += 1;
        }
        if pos == line.len() {
            return (count, pos);
        }
        if line[pos] != b'-' || line.get(pos + 1) != Some(&b'-') {
            return (count, pos);
        }
        // Most flags have no quote, no escape and no byte above ASCII: such
        // a flag is its bytes, up to the next blank.
        let plain_end = line[pos..]
            .iter()
            .position(|&b| matches!(b, b'\'' | b'"' | b'\\') || b >= 0x80 || byte_space(b))
            .map_or(line.len(), |i| pos + i);
        if line.get(plain_end).is_none_or(|&b| byte_space(b)) {
            if &line[pos..plain_end] == b"--" {
                return (count, plain_end);
            }
            sink.line(base + pos, base + plain_end);
            count += 1;
            pos = plain_end;
            continue;
        }
        // Any other flag is decoded into the sink's bytes, up to a blank
        // outside quotes.
        let start = sink.bytes.len();
        let word_at = pos;
        let mut quote = None;
        let mut blank_ok = false;
        while pos < line.len() {
            let mut ch = line[pos];
            match quote {
                None if byte_space(ch) => break,
                None if ch == b'\'' || ch == b'"' => {
                    quote = Some(ch);
                    blank_ok = true;
                    pos += 1;
                    continue;
                }
                Some(q) if ch == q => {
                    quote = None;
                    pos += 1;
                    continue;
                }
                _ => {}
            }
            if ch == b'\\' {
                pos += 1;
                if pos == line.len() {
                    break;
                }
                ch = line[pos];
            }
            push_latin1(sink.bytes, ch);
            pos += 1;
        }
        let word = &sink.bytes[start..];
        if word == b"--" {
            sink.bytes.truncate(start);
            return (count, pos);
        }
        if blank_ok || !word.is_empty() {
            sink.decoded(start, base + word_at);
            count += 1;
        }
        if pos == line.len() {
            return (count, pos);
        }
    }
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
    use super::super::tests::with_sink;
    use super::*;

    fn flags(line: &str) -> (Vec<String>, String) {
        let (values, rest) = with_sink(line.as_bytes(), |line, sink| {
            let split = split_command(line, 0, sink);
            String::from_utf8(split.rest.to_vec()).unwrap()
        });
        (values[1..].to_vec(), rest)
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
        assert_eq!(flags("RUN --x='a \\").0, vec!["--x=a ".to_owned()]);
        assert_eq!(flags("RUN --x=a\\").0, vec!["--x=a".to_owned()]);
    }

    #[test]
    fn offsets_point_into_the_line() {
        let parsed = super::super::parse(b"  COPY  --a=b   src dst \n").unwrap();
        let copy = &parsed.instructions[0];
        assert_eq!(copy.keyword().offset, 2);
        assert_eq!(copy.flags().first().unwrap().offset, 8);
        assert_eq!(copy.args().first().unwrap().offset, 16);
    }
}
