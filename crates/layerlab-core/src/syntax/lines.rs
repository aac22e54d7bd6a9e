//! Physical lines of a Dockerfile, as BuildKit's scanner delivers them.
//!
//! Each line keeps its terminator (heredoc bodies need it) and its byte offset
//! in the source. A line of 64 KiB or more stops the scan, as Go's
//! `bufio.Scanner` does with its default buffer.

/// Go's `bufio.MaxScanTokenSize`.
const MAX_TOKEN: usize = 64 * 1024;

/// One physical line: its bytes (terminator included) and where it starts.
#[derive(Clone, Copy, Debug)]
pub(crate) struct RawLine<'a> {
    pub bytes: &'a [u8],
    pub offset: usize,
}

/// Yields the lines of `src` until the end or a line that is too long.
pub(crate) struct LineScanner<'a> {
    src: &'a [u8],
    pos: usize,
    too_long: bool,
}

impl<'a> LineScanner<'a> {
    pub fn new(src: &'a [u8]) -> Self {
        LineScanner {
            src,
            pos: 0,
            too_long: false,
        }
    }

    /// Whether the scan stopped at a line over the limit.
    pub fn hit_line_limit(&self) -> bool {
        self.too_long
    }

    /// The error BuildKit reports for such a line.
    pub fn limit_message() -> String {
        format!(
            "dockerfile line greater than max allowed size of {}",
            MAX_TOKEN - 1
        )
    }
}

impl<'a> Iterator for LineScanner<'a> {
    type Item = RawLine<'a>;

    fn next(&mut self) -> Option<RawLine<'a>> {
        if self.too_long || self.pos >= self.src.len() {
            return None;
        }
        let rest = &self.src[self.pos..];
        let (end, content) = match find_byte(b'\n', rest) {
            Some(i) => (i + 1, i),
            None => (rest.len(), rest.len()),
        };
        // The scanner's buffer holds 65536 bytes: a line plus its newline must fit.
        if content >= MAX_TOKEN {
            self.too_long = true;
            return None;
        }
        let line = RawLine {
            bytes: &rest[..end],
            offset: self.pos,
        };
        self.pos += end;
        Some(line)
    }
}

/// The index of the first `needle` in `hay`. Reads words of eight bytes:
/// lines average 30 bytes and an instruction 200, so a byte-by-byte loop would
/// be most of the parser's time.
pub(crate) fn find_byte(needle: u8, hay: &[u8]) -> Option<usize> {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    let pattern = LO * u64::from(needle);
    // Bit 7 of each byte of the result is set where `word` has `needle`; bytes
    // above the first such byte may be set spuriously, so only the lowest set
    // bit is used.
    let matches = |word: &[u8]| {
        let word = u64::from_le_bytes(word.try_into().expect("eight bytes")) ^ pattern;
        word.wrapping_sub(LO) & !word & HI
    };
    let mut at = 0;
    // Sixteen bytes a turn (two words), then eight, then one by one.
    let mut pairs = hay.chunks_exact(16);
    for pair in pairs.by_ref() {
        let (low, high) = pair.split_at(8);
        let (low, high) = (matches(low), matches(high));
        if low | high != 0 {
            let (word_at, bits) = if low != 0 { (at, low) } else { (at + 8, high) };
            return Some(word_at + bits.trailing_zeros() as usize / 8);
        }
        at += 16;
    }
    let mut rest = pairs.remainder();
    if rest.len() >= 8 {
        let bits = matches(&rest[..8]);
        if bits != 0 {
            return Some(at + bits.trailing_zeros() as usize / 8);
        }
        rest = &rest[8..];
        at += 8;
    }
    rest.iter().position(|&b| b == needle).map(|i| at + i)
}

/// Go's `bytes.TrimRight(b, "\r\n")`.
pub(crate) fn trim_newline(bytes: &[u8]) -> &[u8] {
    let end = bytes
        .iter()
        .rposition(|&b| b != b'\r' && b != b'\n')
        .map_or(0, |i| i + 1);
    &bytes[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_keeping_terminators() {
        let lines: Vec<_> = LineScanner::new(b"a\r\nb\n\nc")
            .map(|l| (l.bytes, l.offset))
            .collect();
        assert_eq!(
            lines,
            [(&b"a\r\n"[..], 0), (b"b\n", 3), (b"\n", 5), (b"c", 6)]
        );
    }

    #[test]
    fn find_byte_finds_the_first() {
        let hay = b"0123456789abcdef\n0123456789\n\n";
        for start in 0..hay.len() {
            for end in start..=hay.len() {
                let s = &hay[start..end];
                for needle in [b'\n', b'0', b'f', b'9', 0x80, 0] {
                    assert_eq!(
                        find_byte(needle, s),
                        s.iter().position(|&b| b == needle),
                        "{needle} in {s:?}"
                    );
                }
            }
        }
        let high = [0x7f, 0x80, 0x81, 0xff, 0x00, 0x01, 0x0a, 0x0b, 0x0a];
        for needle in 0..=255u8 {
            assert_eq!(
                find_byte(needle, &high),
                high.iter().position(|&b| b == needle)
            );
        }
    }

    #[test]
    fn stops_at_the_64k_limit() {
        let ok = [vec![b'x'; MAX_TOKEN - 1], b"\n".to_vec()].concat();
        assert_eq!(LineScanner::new(&ok).count(), 1);
        let long = [b"a\n".to_vec(), vec![b'x'; MAX_TOKEN], b"\nb\n".to_vec()].concat();
        let mut scanner = LineScanner::new(&long);
        assert_eq!(scanner.by_ref().count(), 1);
        assert!(scanner.hit_line_limit());
    }
}
