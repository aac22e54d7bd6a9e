//! Dockerfile text → AST, exactly as BuildKit's parser builds it.
//!
//! [`parse`] gives BuildKit's answer: the instructions, or the first error with
//! BuildKit's message and line range. [`parse_lenient`] keeps going past bad
//! instructions, so an editor can show every problem and still use the lines
//! that parse. Both return the same [`Instruction`]s for the lines that parse.
//!
//! What the parser does (and does not) do is BuildKit's: it joins continuation
//! lines, reads parser directives, splits flags, decodes JSON arrays, reads
//! heredoc bodies. It does not know instruction semantics: an unknown
//! instruction parses fine (as `(foo "")`) and is rejected by the next layer;
//! quotes in ENV/ARG/LABEL values stay until expansion.
//!
//! ```
//! use layerlab_core::syntax::parse;
//! let parsed = parse(b"FROM alpine AS base\nENV A=1 B=\"two words\"\n").unwrap();
//! assert_eq!(parsed.instructions[1].keyword_lower(), "env");
//! assert_eq!(
//!     parsed.dump(),
//!     "(from \"alpine\" \"AS\" \"base\")\n(env \"A\" \"1\" \"=\" \"B\" \"\\\"two words\\\"\" \"=\")\n"
//! );
//! let err = parse(b"FROM a\nENV X\n").unwrap_err();
//! assert_eq!((err.message.as_str(), err.start_line), ("ENV must have two arguments", 2));
//! ```

mod args;
mod ast;
mod command;
mod directives;
mod dump;
mod heredoc;
mod json_array;
mod lines;

use std::borrow::Cow;
use std::sync::Arc;

pub use ast::{Instruction, Word, Words, WordsIter};
use ast::{Shared, Span};
use command::split_command;
pub use directives::Directive;
pub use heredoc::{chomp_content, heredocs_from_line, parse_heredoc, Heredoc};
use lines::{find_byte, trim_newline, LineScanner};

use crate::text::{go_lossy, go_to_lower, trim_left_space, trim_space};

/// Room for every instruction keyword (the longest, `healthcheck`, has 11 bytes).
const KEYWORD_BUF: usize = 16;

/// A keyword lowercased as Go's `strings.ToLower` does: in `buf` when it is
/// short ASCII (every real keyword), else in a new vector (non-ASCII runes
/// such as U+212A KELVIN SIGN and U+0130 lower to ASCII letters).
fn lower_keyword<'b>(value: &[u8], buf: &'b mut [u8; KEYWORD_BUF]) -> Cow<'b, [u8]> {
    if value.len() <= buf.len() && value.is_ascii() {
        let out = &mut buf[..value.len()];
        out.copy_from_slice(value);
        out.make_ascii_lowercase();
        Cow::Borrowed(out)
    } else {
        Cow::Owned(go_to_lower(value))
    }
}

/// Whether `text` holds `<<` (the sign of a possible heredoc).
fn has_heredoc_marker(text: &[u8]) -> bool {
    let mut from = 0;
    while let Some(i) = find_byte(b'<', &text[from..]) {
        if text.get(from + i + 1) == Some(&b'<') {
            return true;
        }
        from += i + 1;
    }
    false
}

/// A warning from the parser (BuildKit returns these rather than printing them).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Warning {
    pub message: String,
    /// 1-based line the warning is reported at (the instruction's last line).
    pub line: usize,
}

/// A parse error: BuildKit's message and line range, plus a column for editors.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ParseError {
    pub message: String,
    /// BuildKit's location: first and last line of the error range. BuildKit
    /// reports directive errors and "file with no instructions" at the count of
    /// lines read before, so these can be 0; we keep its numbers.
    pub start_line: usize,
    pub end_line: usize,
    /// 1-based column (in characters) of where the instruction starts on
    /// `start_line`, or 1.
    pub column: usize,
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.start_line, self.column, self.message)
    }
}

impl std::error::Error for ParseError {}

/// A parsed Dockerfile.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Parsed {
    pub instructions: Vec<Instruction>,
    pub directives: Vec<Directive>,
    /// The escape character in force (`\` or `` ` ``).
    pub escape: char,
    pub warnings: Vec<Warning>,
    /// Byte offset of the start of each line (index 0 is line 1).
    /// The source and the text the instructions point into.
    #[serde(skip)]
    shared: Arc<Shared>,
}

impl Parsed {
    /// BuildKit's `AST.Dump()` plus the trailing newline its fixtures hold.
    pub fn dump(&self) -> String {
        dump::dump_root(&self.instructions)
    }

    /// 1-based line and column (in characters) of a byte offset in the source.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let source = self.shared.source();
        let end = offset.min(source.len());
        // Lines end at `\n`; one that ends the source starts no line.
        let before = &source[..end.min(source.len().saturating_sub(1))];
        let (mut line, mut start) = (1, 0);
        while let Some(i) = find_byte(b'\n', &before[start..]) {
            line += 1;
            start += i + 1;
        }
        (line, column(source, start.min(end), end))
    }
}

/// 1-based column (in characters) of `offset` on the line that starts at `start`.
fn column(source: &[u8], start: usize, offset: usize) -> usize {
    crate::text::runes(&source[start..offset]).count() + 1
}

/// Parses like BuildKit: the instructions, or the first error.
pub fn parse(src: &[u8]) -> Result<Parsed, ParseError> {
    let (parsed, mut errors) = parse_lenient(src);
    if errors.is_empty() {
        Ok(parsed)
    } else {
        Err(errors.swap_remove(0))
    }
}

/// Parses past errors: every instruction that parses, and every error, in
/// source order. The first error is the one BuildKit reports.
pub fn parse_lenient(src: &[u8]) -> (Parsed, Vec<ParseError>) {
    Parser::new(src).run()
}

/// Where each piece of a joined logical line came from.
#[derive(Default)]
struct JoinedLine {
    /// (offset in the joined line, offset in the source) for each piece.
    segments: Vec<(usize, usize)>,
    /// Length of the last piece noted.
    pending: usize,
}

impl JoinedLine {
    fn clear(&mut self) {
        self.segments.clear();
        self.pending = 0;
    }

    /// Notes a piece of the source (`len` bytes at `src_offset`).
    fn push(&mut self, len: usize, src_offset: usize) {
        let end = self.segments.last().map_or(0, |&(start, _)| start) + self.pending;
        self.segments.push((end, src_offset));
        self.pending = len;
    }

    fn len(&self) -> usize {
        self.segments.last().map_or(0, |&(start, _)| start) + self.pending
    }

    /// Copies the pieces, joined, from `src` onto the end of `out`.
    fn join_onto(&self, src: &[u8], out: &mut Vec<u8>) {
        let len = self.len();
        for (i, &(start, from)) in self.segments.iter().enumerate() {
            let end = self.segments.get(i + 1).map_or(len, |&(next, _)| next);
            out.extend_from_slice(&src[from..from + (end - start)]);
        }
    }

    fn source_offset(&self, at: usize) -> usize {
        if let [(_, from)] = self.segments[..] {
            return from + at;
        }
        let i = self
            .segments
            .partition_point(|&(start, _)| start <= at)
            .max(1);
        let (start, src) = self.segments.get(i - 1).copied().unwrap_or((0, 0));
        src + (at - start)
    }
}

/// Where the parsers put the values they find: spans of the joined line
/// (which sits at `line_base` in the parse's text), or of bytes they decode.
pub(crate) struct Sink<'s> {
    /// The decoded bytes.
    pub bytes: &'s mut Vec<u8>,
    spans: &'s mut Vec<Span>,
    line: &'s JoinedLine,
    line_base: usize,
}

impl Sink<'_> {
    /// A value that is `start..end` of the joined line.
    pub fn line(&mut self, start: usize, end: usize) {
        self.line_at(start, end, start);
    }

    /// A value that is `start..end` of the joined line, written from `at`.
    pub fn line_at(&mut self, start: usize, end: usize, at: usize) {
        let base = self.line_base;
        self.push(base + start, base + end, at, false);
    }

    /// A value decoded onto the bytes from `start` to their end, written from `at`.
    pub fn decoded(&mut self, start: usize, at: usize) {
        let end = self.bytes.len();
        self.push(start, end, at, true);
    }

    /// A value that is `start..end` of the decoded bytes, written from `at`.
    pub fn decoded_range(&mut self, start: usize, end: usize, at: usize) {
        self.push(start, end, at, true);
    }

    fn push(&mut self, start: usize, end: usize, at: usize, decoded: bool) {
        let offset = self.line.source_offset(at);
        self.spans.push(Span {
            start,
            end,
            offset,
            decoded,
        });
    }

    /// How many values and bytes there are, for [`Self::rollback`].
    pub fn mark(&self) -> (usize, usize) {
        (self.spans.len(), self.bytes.len())
    }

    pub fn rollback(&mut self, (spans, bytes): (usize, usize)) {
        self.spans.truncate(spans);
        self.bytes.truncate(bytes);
    }
}

struct Parser<'a> {
    src: &'a [u8],
    lines: LineScanner<'a>,
    directives: directives::DirectiveState,
    current_line: usize,
    instructions: Vec<Instruction>,
    warnings: Vec<Warning>,
    errors: Vec<ParseError>,
    /// The parse's text (the source, then joined lines), the bytes of the
    /// values it decoded, and the spans of every value; shared by the
    /// instructions once parsed.
    text: Vec<u8>,
    decoded: Vec<u8>,
    spans: Vec<Span>,
}

/// A physical line as [`Parser::process_line`] leaves it.
struct CleanLine<'a> {
    /// The line without its newline (and, for a first line, leading blanks);
    /// empty for a comment.
    text: &'a [u8],
    /// Source offset of `text`.
    at: usize,
    /// Go's `isComment`: the first non-blank character is `#`.
    comment: bool,
    /// Only blanks.
    blank: bool,
}

/// Strips a trailing continuation character (and blanks after it). Returns the
/// line and whether it ended the instruction.
fn trim_continuation(line: &[u8], escape: u8) -> (&[u8], bool) {
    let end = line
        .iter()
        .rposition(|b| *b != b' ' && *b != b'\t')
        .map_or(0, |i| i + 1);
    // An escaped escape character (`\\`) is not a continuation.
    if end > 0 && line[end - 1] == escape && (end == 1 || line[end - 2] != escape) {
        (&line[..end - 1], false)
    } else {
        (line, true)
    }
}

impl<'a> Parser<'a> {
    fn new(src: &'a [u8]) -> Self {
        // Joined lines are made of source bytes: room for the source twice.
        let mut text = Vec::with_capacity(2 * src.len());
        text.extend_from_slice(src);
        Parser {
            src,
            lines: LineScanner::new(src),
            directives: directives::DirectiveState::new(),
            current_line: 0,
            // About one instruction per 128 bytes in real Dockerfiles.
            instructions: Vec::with_capacity(src.len() / 128 + 1),
            warnings: Vec::new(),
            errors: Vec::new(),
            text,
            decoded: Vec::new(),
            // About one value per 64 bytes in real Dockerfiles, rarely one per 16.
            spans: Vec::with_capacity(src.len() / 16 + 8),
        }
    }

    fn error(&mut self, message: impl Into<String>, start: usize, end: usize, column: usize) {
        self.errors.push(ParseError {
            message: message.into(),
            start_line: start,
            end_line: end.max(start),
            column,
        });
    }

    /// Cleans one physical line: newline and (for a first line) leading blanks
    /// removed, comments emptied; and lets the directive block see it.
    #[inline(always)]
    fn process_line(&mut self, raw: &'a [u8], offset: usize, first: bool) -> CleanLine<'a> {
        let token = trim_newline(raw);
        let lead = trim_left_space(token);
        // Go's `isComment`, on the line as read (the same with or without leading blanks).
        let comment = lead.starts_with(b"#");
        let (token, at) = if first {
            (lead, offset + token.len() - lead.len())
        } else {
            (token, offset)
        };
        if let Err(message) = self.directives.observe(token) {
            // BuildKit reports this before counting the line.
            let line = self.current_line;
            self.error(message, line, 0, 1);
        }
        CleanLine {
            text: if comment { &token[..0] } else { token },
            at,
            comment,
            blank: lead.is_empty(),
        }
    }

    fn run(mut self) -> (Parsed, Vec<ParseError>) {
        // The spans from `comments` on are the comments above the next instruction.
        let mut comments = 0;
        // Room for a RUN of 64 lines without growing.
        let mut line = JoinedLine {
            segments: Vec::with_capacity(64),
            pending: 0,
        };
        let src = self.src;
        while let Some(first) = self.lines.next() {
            let mut bytes = first.bytes;
            let mut offset = first.offset;
            if self.current_line == 0 && bytes.starts_with(b"\xEF\xBB\xBF") {
                bytes = &bytes[3..];
                offset += 3;
            }
            let clean = self.process_line(bytes, offset, true);
            if clean.comment {
                // BuildKit drops the first byte (the `#` only when unindented).
                let comment = trim_space(&bytes[1..]);
                if comment.is_empty() {
                    comments = self.spans.len();
                } else {
                    let offset = command::offset_in(src, comment);
                    self.spans.push(Span {
                        start: offset,
                        end: offset + comment.len(),
                        offset,
                        decoded: false,
                    });
                }
            }
            let (cleaned, at) = (clean.text, clean.at);
            self.current_line += 1;
            let start_line = self.current_line;
            let escape = self.directives.escape;
            let (piece, mut ended) = trim_continuation(cleaned, escape);
            if ended && piece.is_empty() {
                continue;
            }
            line.clear();
            line.push(piece.len(), at);
            let mut empty_continuation = false;
            while !ended {
                let Some(next) = self.lines.next() else { break };
                let clean = self.process_line(next.bytes, next.offset, false);
                self.current_line += 1;
                if clean.comment {
                    continue;
                }
                if clean.blank {
                    empty_continuation = true;
                    continue;
                }
                let (piece, end) = trim_continuation(clean.text, escape);
                ended = end;
                line.push(piece.len(), clean.at);
            }
            // The joined line: in the source when it is one piece, else
            // joined onto the end of the text.
            let line_base = match line.segments[..] {
                [(_, from)] => from,
                _ => {
                    let base = self.text.len();
                    line.join_onto(src, &mut self.text);
                    base
                }
            };
            let line_end = line_base + line.len();
            let text = &self.text[line_base..line_end];
            if empty_continuation {
                self.warnings.push(Warning {
                    message: format!("Empty continuation line found in: {}", go_lossy(text)),
                    line: self.current_line,
                });
            }
            let mut sink = Sink {
                bytes: &mut self.decoded,
                spans: &mut self.spans,
                line: &line,
                line_base,
            };
            let found = node_from_line(&mut sink, text, 0, escape);
            // BuildKit looks for heredocs in RUN, COPY and ADD lines with `<<`.
            let heredoc_line = match &found {
                Ok((_, true)) if has_heredoc_marker(text) => Some(go_lossy(text)),
                _ => None,
            };
            let column = || column(src, first.offset, line.source_offset(0));
            let mut node = match found {
                Ok((node, _)) => node,
                Err(message) => {
                    let end = self.current_line;
                    self.error(message, start_line, end, column());
                    comments = self.spans.len();
                    continue;
                }
            };
            let heredocs_ok = match heredoc_line {
                Some(text) => self.read_heredocs(&mut node, &text, start_line, column()),
                None => true,
            };
            node.start_line = start_line;
            node.end_line = self.current_line;
            node.comments_at = comments;
            node.original_at = (line_base, line_end);
            comments = self.spans.len();
            self.instructions.push(node);
            if !heredocs_ok {
                break;
            }
        }
        let lines_read = self.current_line;
        if self.errors.is_empty() && self.instructions.is_empty() {
            self.error("file with no instructions", lines_read, 0, 1);
        }
        if self.lines.hit_line_limit() {
            self.error(LineScanner::limit_message(), lines_read, 0, 1);
        }
        let shared = Arc::new(Shared {
            text: self.text,
            source_len: src.len(),
            decoded: self.decoded,
            spans: self.spans,
        });
        let mut instructions = self.instructions;
        for node in &mut instructions {
            node.set_shared(&shared);
        }
        let parsed = Parsed {
            instructions,
            directives: self.directives.found,
            escape: self.directives.escape as char,
            warnings: self.warnings,
            shared,
        };
        (parsed, self.errors)
    }

    /// Reads the bodies of the heredocs named on `text`. Returns false when one
    /// is never terminated (an error, and the end of parsing).
    fn read_heredocs(
        &mut self,
        node: &mut Instruction,
        text: &str,
        start_line: usize,
        column: usize,
    ) -> bool {
        let docs = match heredoc::heredocs_from_line(text) {
            Ok(docs) => docs,
            Err(message) => {
                let end = self.current_line;
                self.error(message, start_line, end, column);
                return true;
            }
        };
        for mut doc in docs {
            let mut terminated = false;
            doc.first_line = self.current_line + 1;
            // The body is the run of whole lines (terminators included) from
            // `content_start` to `content_end`: copied once, at the end.
            let mut content_start = None;
            let mut content_end = 0;
            for line in self.lines.by_ref() {
                self.current_line += 1;
                let mut candidate = trim_newline(line.bytes);
                if doc.chomp {
                    let tabs = candidate.iter().take_while(|b| **b == b'\t').count();
                    candidate = &candidate[tabs..];
                }
                if candidate == doc.name.as_bytes() {
                    terminated = true;
                    break;
                }
                content_start.get_or_insert(line.offset);
                content_end = line.offset + line.bytes.len();
            }
            doc.content_offset = content_start.unwrap_or(self.src.len());
            if let Some(start) = content_start {
                doc.content.extend_from_slice(&self.src[start..content_end]);
            }
            if !terminated {
                let end = self.current_line;
                self.error("unterminated heredoc", start_line, end, column);
                node.heredocs.push(doc);
                return false;
            }
            node.heredocs.push(doc);
        }
        true
    }
}

/// BuildKit's `newNodeFromLine` over `text`, which sits at `base` in the
/// joined line; the values go to the sink. The node's `original` and
/// comments are left for the caller to fill; a nested (ONBUILD) node's
/// `original` is filled here. Also says whether the node can have heredocs
/// (RUN, COPY and ADD not in the JSON form, or ONBUILD of one).
fn node_from_line(
    sink: &mut Sink<'_>,
    text: &[u8],
    base: usize,
    escape: u8,
) -> Result<(Instruction, bool), String> {
    let keyword = sink.spans.len();
    let split = split_command(text, base, sink);
    let mut buf = [0; KEYWORD_BUF];
    let lower = lower_keyword(split.keyword, &mut buf);
    let mut node = Instruction {
        shared: None,
        comments_at: keyword,
        keyword_at: keyword,
        flag_count: split.flags,
        arg_count: 0,
        original_at: (0, 0),
        nested: None,
        json: false,
        heredocs: Vec::new(),
        start_line: 0,
        end_line: 0,
    };
    if *lower == *b"onbuild" {
        let mut heredocs = false;
        if !split.rest.is_empty() {
            let (mut inner, inner_heredocs) =
                node_from_line(sink, split.rest, split.rest_at, escape)?;
            let start = sink.line_base + split.rest_at;
            inner.original_at = (start, start + split.rest.len());
            node.nested = Some(Box::new(inner));
            heredocs = inner_heredocs;
        }
        return Ok((node, heredocs));
    }
    let before = sink.spans.len();
    match args::parse_args(&lower, split.rest, split.rest_at, escape, sink) {
        Some(json) => node.json = json?,
        // Unknown instructions keep one empty argument; the next layer rejects them.
        None => sink.line(split.rest_at, split.rest_at),
    }
    node.arg_count = sink.spans.len() - before;
    let heredocs = matches!(&*lower, b"run" | b"copy" | b"add") && !node.json;
    Ok((node, heredocs))
}

/// Serializes bytes as text, invalid UTF-8 as U+FFFD.
pub(crate) fn serialize_lossy<S: serde::Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&go_lossy(bytes))
}

#[cfg(test)]
mod tests;
