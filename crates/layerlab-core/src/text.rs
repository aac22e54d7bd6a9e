//! Go string semantics that BuildKit's output depends on.
//!
//! BuildKit is written in Go, and its parser and lexer inherit Go's view of text:
//! strings are bytes, invalid UTF-8 decodes to U+FFFD one byte at a time,
//! `unicode.IsSpace` and `unicode.IsLetter` follow the Unicode tables, and the AST
//! dump quotes values with `strconv.Quote`. Matching BuildKit byte for byte means
//! matching these exactly, so they live here, in one place, with no knowledge of
//! Dockerfiles.
//!
//! ```
//! use layerlab_core::text::go_quote;
//! assert_eq!(go_quote(b"a\tb\xff\xc2\xa0"), r#""a\tb\xff\u00a0""#);
//! ```

mod tables {
    include!(concat!(env!("OUT_DIR"), "/unicode_tables.rs"));
}

/// Whether `c` falls in one of the sorted, disjoint `ranges`.
fn in_ranges(ranges: &[(u32, u32)], c: char) -> bool {
    let c = c as u32;
    ranges
        .binary_search_by(|&(lo, hi)| {
            if hi < c {
                std::cmp::Ordering::Less
            } else if lo > c {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

/// Decodes one rune the way Go's `utf8.DecodeRune` does: a valid UTF-8 sequence
/// gives its char; anything else gives `None` (Go's `RuneError`) with width 1.
pub fn decode_rune(bytes: &[u8]) -> (Option<char>, usize) {
    let len = match bytes.first() {
        None => return (None, 0),
        Some(b) if *b < 0x80 => return (Some(*b as char), 1),
        Some(b) if *b >= 0xF0 => 4,
        Some(b) if *b >= 0xE0 => 3,
        Some(_) => 2,
    };
    match bytes.get(..len).and_then(|s| std::str::from_utf8(s).ok()) {
        Some(s) => (s.chars().next(), len),
        None => (None, 1),
    }
}

/// Iterates over the runes of `bytes` as Go's `for range` does, yielding each
/// rune's byte offset, value (U+FFFD for an invalid byte) and byte width.
pub fn runes(bytes: &[u8]) -> impl Iterator<Item = (usize, char, usize)> + '_ {
    let mut pos = 0;
    std::iter::from_fn(move || {
        if pos >= bytes.len() {
            return None;
        }
        let (ch, width) = decode_rune(&bytes[pos..]);
        let at = pos;
        pos += width;
        Some((at, ch.unwrap_or(char::REPLACEMENT_CHARACTER), width))
    })
}

/// Converts bytes to a `String` as Go's `string([]rune(s))` would: every invalid
/// byte becomes one U+FFFD.
pub fn go_lossy(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_owned(),
        Err(_) => runes(bytes).map(|(_, c, _)| c).collect(),
    }
}

/// Go's `unicode.IsSpace`. Rust's `char::is_whitespace` uses the same
/// White_Space property, including U+0085 and U+00A0.
pub fn is_space(c: char) -> bool {
    c.is_whitespace()
}

/// Go's `unicode.IsLetter`: general category L.
pub fn is_letter(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphabetic();
    }
    in_ranges(&tables::LETTER, c)
}

/// Go's `unicode.IsDigit`: general category Nd.
pub fn is_digit(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_digit();
    }
    in_ranges(&tables::DIGIT, c)
}

/// Go's `strconv.IsPrint`: letters, marks, numbers, punctuation, symbols and the
/// ASCII space (no other space, control, format, private or unassigned rune).
pub fn is_print(c: char) -> bool {
    if c.is_ascii() {
        return (' '..='~').contains(&c);
    }
    in_ranges(&tables::GRAPHIC, c)
}

/// Go's `unicode.IsSpace` of an ASCII byte: `\t`, `\n`, `\v`, `\f`, `\r`
/// and space (unlike `u8::is_ascii_whitespace`, which leaves out `\v`).
#[inline]
pub fn is_ascii_space(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r' | b' ')
}

/// Go's `bytes.TrimLeftFunc(s, unicode.IsSpace)`.
#[inline]
pub fn trim_left_space(bytes: &[u8]) -> &[u8] {
    // Lines mostly start with no blank or a few ASCII ones: those inline, the rest below.
    let n = bytes.iter().take_while(|&&b| is_ascii_space(b)).count();
    let rest = &bytes[n..];
    match rest.first() {
        Some(&b) if b >= 0x80 => trim_left_space_runes(rest),
        _ => rest,
    }
}

/// [`trim_left_space`] from a non-ASCII byte on.
fn trim_left_space_runes(bytes: &[u8]) -> &[u8] {
    let mut pos = 0;
    while let Some(&b) = bytes.get(pos) {
        if b < 0x80 {
            if !is_ascii_space(b) {
                break;
            }
            pos += 1;
            continue;
        }
        let (ch, width) = decode_rune(&bytes[pos..]);
        match ch {
            Some(c) if is_space(c) => pos += width,
            _ => break,
        }
    }
    &bytes[pos..]
}

/// Go's `utf8.DecodeLastRune`.
fn decode_last_rune(bytes: &[u8]) -> (Option<char>, usize) {
    let end = bytes.len();
    let Some(&last) = bytes.last() else {
        return (None, 0);
    };
    if last < 0x80 {
        return (Some(last as char), 1);
    }
    let lim = end.saturating_sub(4);
    let mut start = end - 1;
    while start > lim && bytes[start] & 0xC0 == 0x80 {
        start -= 1;
    }
    let (ch, width) = decode_rune(&bytes[start..end]);
    if start + width != end {
        return (None, 1);
    }
    (ch, width)
}

/// Go's `bytes.TrimRightFunc(s, unicode.IsSpace)`.
#[inline]
pub fn trim_right_space(bytes: &[u8]) -> &[u8] {
    let n = bytes
        .iter()
        .rev()
        .take_while(|&&b| is_ascii_space(b))
        .count();
    let rest = &bytes[..bytes.len() - n];
    match rest.last() {
        Some(&b) if b >= 0x80 => trim_right_space_runes(rest),
        _ => rest,
    }
}

/// [`trim_right_space`] from a non-ASCII byte on.
fn trim_right_space_runes(bytes: &[u8]) -> &[u8] {
    let mut end = bytes.len();
    while end > 0 {
        let b = bytes[end - 1];
        if b < 0x80 {
            if !is_ascii_space(b) {
                break;
            }
            end -= 1;
            continue;
        }
        match decode_last_rune(&bytes[..end]) {
            (Some(c), width) if is_space(c) => end -= width,
            _ => break,
        }
    }
    &bytes[..end]
}

/// Go's `strings.TrimSpace`.
#[inline]
pub fn trim_space(bytes: &[u8]) -> &[u8] {
    trim_right_space(trim_left_space(bytes))
}

/// Go's `strings.ToLower`: ASCII input is lowered byte by byte; anything else is
/// mapped rune by rune with simple case mapping, invalid bytes becoming U+FFFD.
pub fn go_to_lower(bytes: &[u8]) -> Vec<u8> {
    if bytes.is_ascii() {
        return bytes.to_ascii_lowercase();
    }
    let mut out = String::with_capacity(bytes.len());
    for (_, c, _) in runes(bytes) {
        out.push(simple_lower(c));
    }
    out.into_bytes()
}

/// Go's `strings.ToLower` of a string: each rune mapped on its own (no
/// final-sigma rule, unlike `str::to_lowercase`).
pub fn go_lower(s: &str) -> String {
    String::from_utf8(go_to_lower(s.as_bytes()))
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// `unicode.ToLower`: the simple (one rune to one rune) lowercase mapping.
fn simple_lower(c: char) -> char {
    // U+0130 is the only rune whose full lowercase mapping is longer than one
    // char; its simple mapping is plain `i`.
    if c == '\u{130}' {
        return 'i';
    }
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(l), None) => l,
        _ => c,
    }
}

const LOWER_HEX: &[u8; 16] = b"0123456789abcdef";

/// Go's `strconv.Quote` over raw bytes (invalid UTF-8 is printed as `\xNN`).
pub fn go_quote(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() + 2);
    out.push('"');
    let mut pos = 0;
    while pos < bytes.len() {
        let (ch, width) = decode_rune(&bytes[pos..]);
        match ch {
            None => {
                let b = bytes[pos];
                out.push_str("\\x");
                out.push(LOWER_HEX[(b >> 4) as usize] as char);
                out.push(LOWER_HEX[(b & 0xF) as usize] as char);
            }
            Some(c) => push_escaped_rune(&mut out, c),
        }
        pos += width;
    }
    out.push('"');
    out
}

fn push_escaped_rune(out: &mut String, c: char) {
    match c {
        '"' => out.push_str("\\\""),
        '\\' => out.push_str("\\\\"),
        c if is_print(c) => out.push(c),
        '\x07' => out.push_str("\\a"),
        '\x08' => out.push_str("\\b"),
        '\x0c' => out.push_str("\\f"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '\x0b' => out.push_str("\\v"),
        c if (c as u32) < 0x20 || c as u32 == 0x7f => {
            let b = c as u32;
            out.push_str("\\x");
            out.push(LOWER_HEX[(b >> 4) as usize] as char);
            out.push(LOWER_HEX[(b & 0xF) as usize] as char);
        }
        c if (c as u32) < 0x10000 => {
            out.push_str("\\u");
            push_hex(out, c as u32, 4);
        }
        c => {
            out.push_str("\\U");
            push_hex(out, c as u32, 8);
        }
    }
}

fn push_hex(out: &mut String, value: u32, digits: u32) {
    for i in (0..digits).rev() {
        out.push(LOWER_HEX[((value >> (4 * i)) & 0xF) as usize] as char);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lower_maps_each_rune_as_go_does() {
        // No final-sigma rule (Rust's str::to_lowercase would give "ας").
        assert_eq!(go_lower("ΑΣ"), "ασ");
        assert_eq!(go_lower("Build-Stage"), "build-stage");
        // The Kelvin sign lower-cases to an ASCII k, as in Go.
        assert_eq!(go_lower("\u{212A}"), "k");
    }

    #[test]
    fn quote_matches_go_strconv() {
        assert_eq!(go_quote(b"plain"), "\"plain\"");
        assert_eq!(go_quote("é♥😀".as_bytes()), "\"é♥😀\"");
        assert_eq!(go_quote(b"\x00\x7f\x1b"), r#""\x00\x7f\x1b""#);
        assert_eq!(
            go_quote("\u{a0}\u{2028}\u{ad}".as_bytes()),
            r#""\u00a0\u2028\u00ad""#
        );
        assert_eq!(go_quote("\u{e0001}".as_bytes()), r#""\U000e0001""#);
        assert_eq!(
            go_quote(b"\"\\\x07\x08\x0c\n\r\t\x0b"),
            r#""\"\\\a\b\f\n\r\t\v""#
        );
        assert_eq!(go_quote(b"\xe2\x82"), r#""\xe2\x82""#);
    }

    #[test]
    fn lossy_decoding_replaces_each_invalid_byte() {
        assert_eq!(go_lossy(b"a\xe2\x82b"), "a\u{fffd}\u{fffd}b");
        assert_eq!(go_lossy(b"\xed\xa0\x80"), "\u{fffd}\u{fffd}\u{fffd}");
    }

    #[test]
    fn trimming_and_lowering() {
        assert_eq!(trim_space(" \u{a0}x y\t\u{3000}".as_bytes()), b"x y");
        assert_eq!(trim_space(b"\xff "), b"\xff");
        assert_eq!(go_to_lower("RUN".as_bytes()), b"run");
        assert_eq!(go_to_lower("WOR\u{212a}DIR".as_bytes()), b"workdir");
        assert_eq!(go_to_lower(b"\xc4\xb0X\xff"), "ix\u{fffd}".as_bytes());
    }

    #[test]
    fn unicode_classes() {
        assert!(is_letter('é') && is_letter('한') && !is_letter('٣') && !is_letter('_'));
        assert!(is_digit('٣') && !is_digit('Ⅳ'));
        assert!(
            is_print('♥')
                && is_print('😀')
                && !is_print('\u{a0}')
                && !is_print('\u{200b}')
                && !is_print('\u{e000}')
        );
    }
}
