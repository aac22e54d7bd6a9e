//! The JSON (exec) form of RUN/CMD/ENTRYPOINT/SHELL/COPY/ADD/VOLUME arguments,
//! decoded exactly as Go's `encoding/json` decodes into `[]interface{}`.
//!
//! Three outcomes matter to the parser: an array of strings (JSON form), valid
//! JSON that is not an array of strings (an error), and anything else (the line
//! falls back to the shell/string form). Go quirks kept on purpose: invalid
//! UTF-8 and lone surrogates decode to U+FFFD, nesting deeper than 10000 is
//! invalid, and a number too large for float64 makes decoding fail, so such an
//! array falls back to the string form instead of being an error.

use super::Sink;

/// What the text after an instruction keyword is, seen as a JSON array.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum JsonArgs {
    /// An array of strings: the decoded strings are in the sink.
    Strings,
    /// Valid JSON array holding something other than strings.
    NotStrings,
    /// Not a (decodable) JSON array.
    Invalid,
}

const MAX_DEPTH: usize = 10_000;

/// Parses `rest` (at `at` in the line), which must start (after leading
/// Unicode blanks) with `[`. The strings of an array of strings go to the
/// sink, each at the offset of its opening quote; nothing does otherwise.
pub(crate) fn parse_json_array(rest: &[u8], at: usize, sink: &mut Sink<'_>) -> JsonArgs {
    let trimmed = crate::text::trim_left_space(rest);
    if !trimmed.starts_with(b"[") {
        return JsonArgs::Invalid;
    }
    let mark = sink.mark();
    let mut p = JsonParser {
        s: trimmed,
        pos: 0,
        overflow: false,
        base: at + (rest.len() - trimmed.len()),
        sink,
    };
    let outcome = match p.document() {
        Some(true) if !p.overflow => return JsonArgs::Strings,
        Some(false) if !p.overflow => JsonArgs::NotStrings,
        _ => JsonArgs::Invalid,
    };
    p.sink.rollback(mark);
    outcome
}

/// A string literal as read: bytes of the input, or decoded into the sink's
/// bytes from the given offset on.
enum Str {
    Raw(usize, usize),
    Decoded(usize),
}

struct JsonParser<'a, 's, 'o> {
    s: &'a [u8],
    pos: usize,
    overflow: bool,
    /// Offset of `s` in the line.
    base: usize,
    sink: &'s mut Sink<'o>,
}

impl<'a> JsonParser<'a, '_, '_> {
    fn skip_ws(&mut self) {
        while matches!(self.s.get(self.pos), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    /// The whole input: one array and trailing blanks. Returns whether its
    /// items are all strings (which are then in the sink).
    fn document(&mut self) -> Option<bool> {
        self.skip_ws();
        let strings = self.top_array()?;
        self.skip_ws();
        (self.pos == self.s.len()).then_some(strings)
    }

    fn top_array(&mut self) -> Option<bool> {
        self.expect(b'[')?;
        let mut strings = true;
        self.skip_ws();
        if self.eat(b']') {
            return Some(strings);
        }
        loop {
            self.skip_ws();
            let at = self.base + self.pos;
            if self.s.get(self.pos) == Some(&b'"') {
                match self.string()? {
                    Str::Raw(start, end) => {
                        self.sink.line_at(self.base + start, self.base + end, at)
                    }
                    Str::Decoded(start) => self.sink.decoded(start, at),
                }
            } else {
                self.value()?;
                strings = false;
            }
            self.skip_ws();
            if self.eat(b',') {
                continue;
            }
            self.expect(b']')?;
            return Some(strings);
        }
    }

    /// Reads a string that is not kept.
    fn skip_string(&mut self) -> Option<()> {
        if let Str::Decoded(start) = self.string()? {
            self.sink.bytes.truncate(start);
        }
        Some(())
    }

    fn eat(&mut self, b: u8) -> bool {
        if self.s.get(self.pos) == Some(&b) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, b: u8) -> Option<()> {
        self.eat(b).then_some(())
    }

    /// Validates any JSON value (iteratively, so deep nesting cannot overflow the stack).
    fn value(&mut self) -> Option<()> {
        // Each open container: true for an object, false for an array.
        let mut stack: Vec<bool> = Vec::new();
        loop {
            self.skip_ws();
            match *self.s.get(self.pos)? {
                b'[' | b'{' => {
                    let object = self.s[self.pos] == b'{';
                    self.pos += 1;
                    // The top-level array counts as one level.
                    if stack.len() + 2 > MAX_DEPTH {
                        return None;
                    }
                    stack.push(object);
                    self.skip_ws();
                    let close = if object { b'}' } else { b']' };
                    if self.eat(close) {
                        stack.pop();
                    } else {
                        if object {
                            self.member_key()?;
                        }
                        continue;
                    }
                }
                b'"' => self.skip_string()?,
                b't' => self.literal(b"true")?,
                b'f' => self.literal(b"false")?,
                b'n' => self.literal(b"null")?,
                _ => self.number()?,
            }
            // After a complete value: close containers or move to the next element.
            loop {
                let Some(&object) = stack.last() else {
                    return Some(());
                };
                self.skip_ws();
                if self.eat(b',') {
                    if object {
                        self.skip_ws();
                        self.member_key()?;
                    }
                    break;
                }
                self.expect(if object { b'}' } else { b']' })?;
                stack.pop();
            }
        }
    }

    fn member_key(&mut self) -> Option<()> {
        if self.s.get(self.pos) != Some(&b'"') {
            return None;
        }
        self.skip_string()?;
        self.skip_ws();
        self.expect(b':')
    }

    fn literal(&mut self, word: &[u8]) -> Option<()> {
        if self.s[self.pos..].starts_with(word) {
            self.pos += word.len();
            Some(())
        } else {
            None
        }
    }

    fn number(&mut self) -> Option<()> {
        let start = self.pos;
        self.eat(b'-');
        match self.s.get(self.pos)? {
            b'0' => self.pos += 1,
            b'1'..=b'9' => self.digits(),
            _ => return None,
        }
        if self.eat(b'.') {
            if !self.s.get(self.pos)?.is_ascii_digit() {
                return None;
            }
            self.digits();
        }
        if self.eat(b'e') || self.eat(b'E') {
            if !self.eat(b'+') {
                self.eat(b'-');
            }
            if !self.s.get(self.pos)?.is_ascii_digit() {
                return None;
            }
            self.digits();
        }
        let text = std::str::from_utf8(&self.s[start..self.pos]).ok()?;
        if overflows_f64(text) {
            self.overflow = true;
        }
        Some(())
    }

    fn digits(&mut self) {
        while self.s.get(self.pos).is_some_and(u8::is_ascii_digit) {
            self.pos += 1;
        }
    }

    fn hex4(&mut self) -> Option<u32> {
        let text = self.s.get(self.pos..self.pos + 4)?;
        let text = std::str::from_utf8(text).ok()?;
        if !text.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        self.pos += 4;
        u32::from_str_radix(text, 16).ok()
    }

    /// A string literal: its bytes when they stand for themselves, else
    /// decoded into the sink's bytes.
    fn string(&mut self) -> Option<Str> {
        self.expect(b'"')?;
        let first = self.pos;
        self.plain_run();
        if self.s.get(self.pos) == Some(&b'"') {
            // No escape and no non-ASCII byte: the bytes themselves.
            self.pos += 1;
            return Some(Str::Raw(first, self.pos - 1));
        }
        let start = self.sink.bytes.len();
        self.sink.bytes.extend_from_slice(&self.s[first..self.pos]);
        loop {
            let b = *self.s.get(self.pos)?;
            match b {
                b'"' => {
                    self.pos += 1;
                    return Some(Str::Decoded(start));
                }
                b'\\' => {
                    self.pos += 1;
                    let esc = *self.s.get(self.pos)?;
                    self.pos += 1;
                    let decoded = match esc {
                        b'"' | b'\\' | b'/' => esc,
                        b'b' => b'\x08',
                        b'f' => b'\x0c',
                        b'n' => b'\n',
                        b'r' => b'\r',
                        b't' => b'\t',
                        b'u' => {
                            let unit = self.hex4()?;
                            let c = self.surrogate_pair(unit);
                            push_char(self.sink.bytes, c);
                            continue;
                        }
                        _ => return None,
                    };
                    self.sink.bytes.push(decoded);
                }
                0..=0x1f => return None,
                0x80.. => {
                    let (ch, width) = crate::text::decode_rune(&self.s[self.pos..]);
                    match ch {
                        Some(_) => self
                            .sink
                            .bytes
                            .extend_from_slice(&self.s[self.pos..self.pos + width]),
                        None => push_char(self.sink.bytes, char::REPLACEMENT_CHARACTER),
                    }
                    self.pos += width;
                }
                _ => {}
            }
            let run = self.pos;
            self.plain_run();
            self.sink.bytes.extend_from_slice(&self.s[run..self.pos]);
        }
    }

    /// Reads the bytes from here that stand for themselves in a string: ASCII
    /// but `"`, `\` and control characters.
    fn plain_run(&mut self) {
        let rest = &self.s[self.pos..];
        self.pos += rest
            .iter()
            .position(|&b| b == b'"' || b == b'\\' || !(0x20..0x80).contains(&b))
            .unwrap_or(rest.len());
    }

    /// Completes a `\uXXXX` escape, joining a surrogate pair when one follows.
    fn surrogate_pair(&mut self, unit: u32) -> char {
        if (0xD800..0xDC00).contains(&unit) && self.s[self.pos..].starts_with(b"\\u") {
            let save = self.pos;
            self.pos += 2;
            if let Some(low) = self.hex4() {
                if (0xDC00..0xE000).contains(&low) {
                    let c = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
                    return char::from_u32(c).unwrap_or(char::REPLACEMENT_CHARACTER);
                }
            }
            self.pos = save;
        }
        char::from_u32(unit).unwrap_or(char::REPLACEMENT_CHARACTER)
    }
}

/// Appends `c` in UTF-8.
fn push_char(out: &mut Vec<u8>, c: char) {
    out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
}

/// The smallest magnitude that rounds to infinity as a float64: 2^1024 − 2^970
/// (the halfway point above the largest finite value, which ties to even
/// upward), as decimal digits; the value has 309 digits before the point.
const MIN_OVERFLOW: &str = "179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497792";

/// Whether a JSON number (of valid syntax) is out of float64 range, as Go's
/// decoder finds it. Decided on the decimal digits, without parsing a float:
/// the float parser's tables would be 10 kB more for the playground to load.
fn overflows_f64(text: &str) -> bool {
    let text = text.trim_start_matches('-');
    let (mantissa, exp) = match text.find(['e', 'E']) {
        Some(i) => (&text[..i], &text[i + 1..]),
        None => (text, ""),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let (negative, exp_digits) = match exp.as_bytes().first() {
        Some(b'-') => (true, &exp[1..]),
        Some(b'+') => (false, &exp[1..]),
        _ => (false, exp),
    };
    let e = exp_digits
        .bytes()
        .fold(0i64, |acc, d| (acc * 10 + i64::from(d - b'0')).min(1 << 40));
    let e = if negative { -e } else { e };
    let digits: String = int.chars().chain(frac.chars()).collect();
    let lead = digits.bytes().take_while(|b| *b == b'0').count();
    let significant = digits[lead..].trim_end_matches('0');
    if significant.is_empty() {
        return false;
    }
    // The value is 0.<significant> × 10^magnitude.
    let magnitude = int.len() as i64 - lead as i64 + e;
    match magnitude.cmp(&(MIN_OVERFLOW.len() as i64)) {
        std::cmp::Ordering::Less => false,
        std::cmp::Ordering::Greater => true,
        std::cmp::Ordering::Equal => significant >= MIN_OVERFLOW,
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::with_sink;
    use super::*;

    fn parse(s: &[u8]) -> (Vec<String>, JsonArgs) {
        with_sink(s, |line, sink| super::parse_json_array(line, 0, sink))
    }

    fn strings(s: &str) -> Option<Vec<String>> {
        match parse(s.as_bytes()) {
            (v, JsonArgs::Strings) => Some(v),
            (v, _) => {
                assert!(v.is_empty());
                None
            }
        }
    }

    fn parse_json_array(s: &[u8]) -> JsonArgs {
        parse(s).1
    }

    #[test]
    fn arrays_of_strings() {
        assert_eq!(strings("[]"), Some(vec![]));
        assert_eq!(
            strings("[ \"a\", \"b\" ]\t"),
            Some(vec!["a".into(), "b".into()])
        );
        assert_eq!(
            strings(r#"["\/\u0000\ud83d\ude00\ud800"]"#),
            Some(vec!["/\0😀\u{fffd}".into()])
        );
    }

    #[test]
    fn non_strings_and_invalid() {
        assert_eq!(parse_json_array(b"[\"a\", [\"b\"]]"), JsonArgs::NotStrings);
        assert_eq!(
            parse_json_array(b"[1, {\"a\": [null, true]}]"),
            JsonArgs::NotStrings
        );
        assert_eq!(parse_json_array(b"[\"a\", 1e999]"), JsonArgs::Invalid);
        assert_eq!(parse_json_array(b"['a']"), JsonArgs::Invalid);
        assert_eq!(parse_json_array(b"[\"a\",]"), JsonArgs::Invalid);
        assert_eq!(parse_json_array(b"[\"a\"] x"), JsonArgs::Invalid);
        assert_eq!(parse_json_array(b"[\"a\"]\x0b"), JsonArgs::Invalid);
        assert_eq!(parse_json_array(b"[01]"), JsonArgs::Invalid);
        let deep = format!(
            "[{}{}]",
            "[".repeat(MAX_DEPTH - 1),
            "]".repeat(MAX_DEPTH - 1)
        );
        assert_eq!(parse_json_array(deep.as_bytes()), JsonArgs::NotStrings);
        let deeper = format!("[{}{}]", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert_eq!(parse_json_array(deeper.as_bytes()), JsonArgs::Invalid);
    }

    #[test]
    fn overflow_is_decided_as_a_float_parser_would() {
        let cases = [
            "0", "-0.0", "1e308", "1.7976931348623157e308", "1.7976931348623158e308",
            "1.79769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497791e308",
            "179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497792",
            "1e309", "-1e400", "0.000001e314", "0.00001e314", "10e307", "100e307", "1e-400",
            "123456789e300", "0e999999999999999999", "1E+308", "2e308", "1e99999999999999999999",
        ];
        for c in cases {
            assert_eq!(
                overflows_f64(c),
                c.parse::<f64>().unwrap().is_infinite(),
                "{c}"
            );
        }
    }
}
