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
mod command;
mod directives;
mod dump;
mod heredoc;
mod json_array;
mod lines;

use command::{split_command, Piece};
pub use directives::Directive;
pub use heredoc::{chomp_content, heredocs_from_line, parse_heredoc, Heredoc};
use lines::{trim_newline, LineScanner};

use crate::text::{go_lossy, go_to_lower, trim_left_space};

/// A value in the AST (a flag, an argument, the keyword) and where it starts.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Word {
    /// The bytes as BuildKit holds them (not necessarily valid UTF-8).
    #[serde(serialize_with = "serialize_lossy")]
    pub value: Vec<u8>,
    /// Byte offset in the source of the first character of this value.
    pub offset: usize,
}

impl Word {
    /// The value as text (invalid UTF-8 shown as U+FFFD).
    pub fn text(&self) -> String {
        go_lossy(&self.value)
    }
}

/// One instruction (a child of BuildKit's root node).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Instruction {
    /// The instruction word as written (`run`, `RUN`, `Run`…).
    pub keyword: Word,
    /// `--name=value` flags, quotes removed.
    pub flags: Vec<Word>,
    /// Argument values in BuildKit's order (for ENV/LABEL: key, value, separator triples).
    pub args: Vec<Word>,
    /// For ONBUILD: the instruction it wraps.
    pub nested: Option<Box<Instruction>>,
    /// Arguments came from the JSON (exec) form.
    pub json: bool,
    pub heredocs: Vec<Heredoc>,
    /// The joined logical line (continuations removed), as BuildKit's `Original`.
    #[serde(serialize_with = "serialize_lossy")]
    pub original: Vec<u8>,
    /// 1-based first and last source line, heredoc bodies included.
    pub start_line: usize,
    pub end_line: usize,
    /// Comment lines directly above the instruction.
    pub comments: Vec<String>,
}

impl Instruction {
    /// The keyword lowercased, as the dump and the dispatcher see it.
    pub fn keyword_lower(&self) -> String {
        go_lossy(&go_to_lower(&self.keyword.value))
    }

    /// This instruction's line of the BuildKit dump (without parentheses).
    pub fn dump(&self) -> String {
        dump::dump_instruction(self)
    }

    /// Argument values as text.
    pub fn arg_texts(&self) -> Vec<String> {
        self.args.iter().map(Word::text).collect()
    }

    /// Flag values as text.
    pub fn flag_texts(&self) -> Vec<String> {
        self.flags.iter().map(Word::text).collect()
    }

    fn can_contain_heredoc(&self) -> bool {
        let target = match (&self.nested, self.keyword_lower().as_str()) {
            (Some(inner), "onbuild") => inner,
            _ => self,
        };
        matches!(target.keyword_lower().as_str(), "run" | "copy" | "add") && !target.json
    }
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
    #[serde(skip)]
    line_starts: Vec<usize>,
    #[serde(skip)]
    source: Vec<u8>,
}

impl Parsed {
    /// BuildKit's `AST.Dump()` plus the trailing newline its fixtures hold.
    pub fn dump(&self) -> String {
        dump::dump_root(&self.instructions)
    }

    /// 1-based line and column (in characters) of a byte offset in the source.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        line_col(&self.source, &self.line_starts, offset)
    }
}

fn line_col(source: &[u8], line_starts: &[usize], offset: usize) -> (usize, usize) {
    let line = line_starts.partition_point(|&s| s <= offset).max(1);
    let start = line_starts.get(line - 1).copied().unwrap_or(0);
    let end = offset.min(source.len());
    let col = crate::text::runes(&source[start.min(end)..end]).count() + 1;
    (line, col)
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

/// The joined logical line and where each of its pieces came from.
#[derive(Default)]
struct JoinedLine {
    text: Vec<u8>,
    /// (offset in `text`, offset in the source) for each piece.
    segments: Vec<(usize, usize)>,
}

impl JoinedLine {
    fn push(&mut self, piece: &[u8], src_offset: usize) {
        self.segments.push((self.text.len(), src_offset));
        self.text.extend_from_slice(piece);
    }

    fn source_offset(&self, at: usize) -> usize {
        let i = self
            .segments
            .partition_point(|&(start, _)| start <= at)
            .max(1);
        let (start, src) = self.segments.get(i - 1).copied().unwrap_or((0, 0));
        src + (at - start)
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
    line_starts: Vec<usize>,
}

/// Go's `isComment`: the first non-blank character is `#`.
fn is_comment(line: &[u8]) -> bool {
    trim_left_space(trim_newline(line)).starts_with(b"#")
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
        let line_starts = std::iter::once(0)
            .chain(
                src.iter()
                    .enumerate()
                    .filter(|(_, b)| **b == b'\n')
                    .map(|(i, _)| i + 1),
            )
            .filter(|&s| s < src.len() || s == 0)
            .collect();
        Parser {
            src,
            lines: LineScanner::new(src),
            directives: directives::DirectiveState::new(),
            current_line: 0,
            instructions: Vec::new(),
            warnings: Vec::new(),
            errors: Vec::new(),
            line_starts,
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
    fn process_line(&mut self, raw: &'a [u8], offset: usize, first: bool) -> (&'a [u8], usize) {
        let mut token = trim_newline(raw);
        let mut at = offset;
        if first {
            let trimmed = trim_left_space(token);
            at += token.len() - trimmed.len();
            token = trimmed;
        }
        if let Err(message) = self.directives.observe(token) {
            // BuildKit reports this before counting the line.
            let line = self.current_line;
            self.error(message, line, 0, 1);
        }
        if is_comment(token) {
            (&token[..0], at)
        } else {
            (token, at)
        }
    }

    fn run(mut self) -> (Parsed, Vec<ParseError>) {
        let mut comments: Vec<String> = Vec::new();
        while let Some(first) = self.lines.next() {
            let mut bytes = first.bytes;
            let mut offset = first.offset;
            if self.current_line == 0 && bytes.starts_with(b"\xEF\xBB\xBF") {
                bytes = &bytes[3..];
                offset += 3;
            }
            if is_comment(bytes) {
                // BuildKit drops the first byte (the `#` only when unindented).
                let comment = go_lossy(crate::text::trim_space(&bytes[1..]));
                if comment.is_empty() {
                    comments.clear();
                } else {
                    comments.push(comment);
                }
            }
            let (cleaned, at) = self.process_line(bytes, offset, true);
            self.current_line += 1;
            let start_line = self.current_line;
            let escape = self.directives.escape;
            let (piece, mut ended) = trim_continuation(cleaned, escape);
            if ended && piece.is_empty() {
                continue;
            }
            let mut line = JoinedLine::default();
            line.push(piece, at);
            let mut empty_continuation = false;
            while !ended {
                let Some(next) = self.lines.next() else { break };
                let (cleaned, at) = self.process_line(next.bytes, next.offset, false);
                self.current_line += 1;
                if is_comment(next.bytes) {
                    continue;
                }
                if trim_left_space(cleaned).is_empty() {
                    empty_continuation = true;
                    continue;
                }
                let (piece, end) = trim_continuation(cleaned, escape);
                ended = end;
                line.push(piece, at);
            }
            if empty_continuation {
                self.warnings.push(Warning {
                    message: format!("Empty continuation line found in: {}", go_lossy(&line.text)),
                    line: self.current_line,
                });
            }
            let column = self.column_of(line.source_offset(0));
            let node = match self.node_from_line(&line, 0, &line.text, escape) {
                Ok(node) => node,
                Err(message) => {
                    let end = self.current_line;
                    self.error(message, start_line, end, column);
                    comments.clear();
                    continue;
                }
            };
            let mut node = node;
            let heredocs_ok = self.read_heredocs(&mut node, &line.text, start_line, column);
            node.start_line = start_line;
            node.end_line = self.current_line;
            node.comments = std::mem::take(&mut comments);
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
        let parsed = Parsed {
            instructions: self.instructions,
            directives: self.directives.found,
            escape: self.directives.escape as char,
            warnings: self.warnings,
            line_starts: self.line_starts,
            source: self.src.to_vec(),
        };
        (parsed, self.errors)
    }

    fn column_of(&self, offset: usize) -> usize {
        line_col(self.src, &self.line_starts, offset).1
    }

    /// Reads the bodies of the heredocs named on `text`. Returns false when one
    /// is never terminated (an error, and the end of parsing).
    fn read_heredocs(
        &mut self,
        node: &mut Instruction,
        text: &[u8],
        start_line: usize,
        column: usize,
    ) -> bool {
        if !node.can_contain_heredoc() || !text.windows(2).any(|w| w == b"<<") {
            return true;
        }
        let docs = match heredoc::heredocs_from_line(&go_lossy(text)) {
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
            let mut content_start = None;
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
                doc.content.extend_from_slice(line.bytes);
            }
            doc.content_offset = content_start.unwrap_or(self.src.len());
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

    /// BuildKit's `newNodeFromLine` over `text`, which sits at `base` in `line`.
    fn node_from_line(
        &self,
        line: &JoinedLine,
        base: usize,
        text: &[u8],
        escape: u8,
    ) -> Result<Instruction, String> {
        let split = split_command(text, base);
        let word = |p: Piece| Word {
            offset: line.source_offset(p.at),
            value: p.value,
        };
        let keyword = word(split.keyword.clone());
        let lower = go_to_lower(&keyword.value);
        let flags: Vec<Word> = split
            .flags
            .unwrap_or_default()
            .into_iter()
            .map(word)
            .collect();
        let mut node = Instruction {
            keyword,
            flags,
            args: Vec::new(),
            nested: None,
            json: false,
            heredocs: Vec::new(),
            original: text.to_vec(),
            start_line: 0,
            end_line: 0,
            comments: Vec::new(),
        };
        if lower == b"onbuild" {
            if !split.rest.is_empty() {
                let inner = self.node_from_line(line, split.rest_at, split.rest, escape)?;
                node.nested = Some(Box::new(inner));
            }
            return Ok(node);
        }
        match args::parse_args(&lower, split.rest, split.rest_at, escape) {
            Some(parsed) => {
                let parsed = parsed?;
                node.json = parsed.json;
                node.args = parsed.values.into_iter().map(word).collect();
            }
            // Unknown instructions keep one empty argument; the next layer rejects them.
            None => node.args.push(Word {
                value: Vec::new(),
                offset: line.source_offset(split.rest_at),
            }),
        }
        Ok(node)
    }
}

/// Serializes bytes as text, invalid UTF-8 as U+FFFD.
pub(crate) fn serialize_lossy<S: serde::Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&go_lossy(bytes))
}

#[cfg(test)]
mod tests;
