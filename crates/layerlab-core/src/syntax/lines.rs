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
        let end = rest
            .iter()
            .position(|&b| b == b'\n')
            .map_or(rest.len(), |i| i + 1);
        let content = if rest[..end].ends_with(b"\n") {
            end - 1
        } else {
            end
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
    fn stops_at_the_64k_limit() {
        let ok = [vec![b'x'; MAX_TOKEN - 1], b"\n".to_vec()].concat();
        assert_eq!(LineScanner::new(&ok).count(), 1);
        let long = [b"a\n".to_vec(), vec![b'x'; MAX_TOKEN], b"\nb\n".to_vec()].concat();
        let mut scanner = LineScanner::new(&long);
        assert_eq!(scanner.by_ref().count(), 1);
        assert!(scanner.hit_line_limit());
    }
}
