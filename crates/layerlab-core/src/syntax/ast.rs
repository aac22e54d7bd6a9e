//! The AST's types. A parse keeps its text once: the source, then the joined
//! lines of instructions that continue over several lines; and, apart, the
//! values the parser decoded (quotes taken off flags, JSON escapes, invalid
//! UTF-8 replaced). Every value is a span of one or the other. Instructions
//! share them, so a parse allocates a handful of times, not once per word.

use std::borrow::Cow;
use std::sync::Arc;

use serde::ser::{Serialize, SerializeStruct, Serializer};

use super::dump;
use super::heredoc::Heredoc;
use crate::text::{go_lossy, go_to_lower};

/// A value of the AST (the keyword, a flag, an argument) and where it starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Word<'a> {
    /// The bytes as BuildKit holds them (not necessarily valid UTF-8).
    #[serde(serialize_with = "super::serialize_lossy")]
    pub value: &'a [u8],
    /// Byte offset in the source of the first character of this value.
    pub offset: usize,
}

impl Word<'_> {
    /// The value as text (invalid UTF-8 shown as U+FFFD).
    pub fn text(&self) -> String {
        go_lossy(self.value)
    }
}

/// Where a value is in the parse's text (or its decoded bytes), and where it
/// starts in the source.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Span {
    pub start: usize,
    pub end: usize,
    pub offset: usize,
    pub decoded: bool,
}

/// The text and spans of one parse, shared by its instructions.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Shared {
    /// The source, then joined lines.
    pub text: Vec<u8>,
    pub source_len: usize,
    /// Values the parser decoded.
    pub decoded: Vec<u8>,
    pub spans: Vec<Span>,
}

impl Shared {
    pub fn source(&self) -> &[u8] {
        &self.text[..self.source_len]
    }

    fn bytes(&self, span: &Span) -> &[u8] {
        let from = if span.decoded {
            &self.decoded
        } else {
            &self.text
        };
        &from[span.start..span.end]
    }

    fn word(&self, span: &Span) -> Word<'_> {
        Word {
            value: self.bytes(span),
            offset: span.offset,
        }
    }
}

/// The flags or the arguments of an instruction: a list of [`Word`]s.
#[derive(Clone, Copy)]
pub struct Words<'a> {
    shared: &'a Shared,
    spans: &'a [Span],
}

impl<'a> Words<'a> {
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    pub fn get(&self, i: usize) -> Option<Word<'a>> {
        self.spans.get(i).map(|s| self.shared.word(s))
    }

    pub fn first(&self) -> Option<Word<'a>> {
        self.get(0)
    }

    pub fn last(&self) -> Option<Word<'a>> {
        self.spans.last().map(|s| self.shared.word(s))
    }

    pub fn iter(&self) -> WordsIter<'a> {
        WordsIter {
            shared: self.shared,
            spans: self.spans.iter(),
        }
    }

    /// The words in runs of `n` (ENV and LABEL give key, value, separator triples).
    pub fn chunks(&self, n: usize) -> impl Iterator<Item = Words<'a>> + 'a {
        let shared = self.shared;
        self.spans
            .chunks(n)
            .map(move |spans| Words { shared, spans })
    }
}

/// The [`Word`]s of a [`Words`].
pub struct WordsIter<'a> {
    shared: &'a Shared,
    spans: std::slice::Iter<'a, Span>,
}

impl<'a> Iterator for WordsIter<'a> {
    type Item = Word<'a>;

    fn next(&mut self) -> Option<Word<'a>> {
        self.spans.next().map(|s| self.shared.word(s))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.spans.size_hint()
    }
}

impl DoubleEndedIterator for WordsIter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.spans.next_back().map(|s| self.shared.word(s))
    }
}

impl ExactSizeIterator for WordsIter<'_> {}

impl<'a> IntoIterator for Words<'a> {
    type Item = Word<'a>;
    type IntoIter = WordsIter<'a>;

    fn into_iter(self) -> WordsIter<'a> {
        self.iter()
    }
}

impl std::fmt::Debug for Words<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl PartialEq for Words<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

impl Serialize for Words<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

/// One instruction (a child of BuildKit's root node).
#[derive(Clone)]
pub struct Instruction {
    /// The parse's text and spans (set once the parse is done).
    pub(crate) shared: Option<Arc<Shared>>,
    /// Spans `comments_at..keyword_at` are the comment lines directly above; then
    /// come the keyword, `flag_count` flags and `arg_count` arguments (for ONBUILD, the
    /// wrapped instruction's spans follow the flags instead).
    pub(crate) comments_at: usize,
    pub(crate) keyword_at: usize,
    pub(crate) flag_count: usize,
    pub(crate) arg_count: usize,
    /// The joined logical line, in the shared text.
    pub(crate) original_at: (usize, usize),
    /// For ONBUILD: the instruction it wraps.
    pub nested: Option<Box<Instruction>>,
    /// Arguments came from the JSON (exec) form.
    pub json: bool,
    pub heredocs: Vec<Heredoc>,
    /// 1-based first and last source line, heredoc bodies included.
    pub start_line: usize,
    pub end_line: usize,
}

/// What an instruction's `shared` is before the parse that makes it is done.
static UNSHARED: Shared = Shared {
    text: Vec::new(),
    source_len: 0,
    decoded: Vec::new(),
    spans: Vec::new(),
};

impl Instruction {
    fn shared(&self) -> &Shared {
        self.shared.as_deref().unwrap_or(&UNSHARED)
    }

    /// The instruction word as written (`run`, `RUN`, `Run`…).
    pub fn keyword(&self) -> Word<'_> {
        let shared = self.shared();
        shared.word(&shared.spans[self.keyword_at])
    }

    fn words(&self, from: usize, len: usize) -> Words<'_> {
        let shared = self.shared();
        Words {
            shared,
            spans: &shared.spans[from..from + len],
        }
    }

    /// `--name=value` flags, quotes removed.
    pub fn flags(&self) -> Words<'_> {
        self.words(self.keyword_at + 1, self.flag_count)
    }

    /// Argument values in BuildKit's order (for ENV/LABEL: key, value, separator triples).
    pub fn args(&self) -> Words<'_> {
        self.words(self.keyword_at + 1 + self.flag_count, self.arg_count)
    }

    /// The joined logical line (continuations removed), as BuildKit's `Original`.
    pub fn original(&self) -> &[u8] {
        &self.shared().text[self.original_at.0..self.original_at.1]
    }

    /// Comment lines directly above the instruction, `#` and blanks around
    /// removed (invalid UTF-8 shown as U+FFFD).
    pub fn comments(&self) -> impl DoubleEndedIterator<Item = Cow<'_, str>> + ExactSizeIterator {
        let shared = self.shared();
        shared.spans[self.comments_at..self.keyword_at]
            .iter()
            .map(|s| match std::str::from_utf8(shared.bytes(s)) {
                Ok(text) => Cow::Borrowed(text),
                Err(_) => Cow::Owned(go_lossy(shared.bytes(s))),
            })
    }

    /// The keyword lowercased, as the dump and the dispatcher see it.
    pub fn keyword_lower(&self) -> String {
        go_lossy(&go_to_lower(self.keyword().value))
    }

    /// This instruction's line of the BuildKit dump (without parentheses).
    pub fn dump(&self) -> String {
        dump::dump_instruction(self)
    }

    /// Argument values as text.
    pub fn arg_texts(&self) -> Vec<String> {
        self.args().iter().map(|w| w.text()).collect()
    }

    /// Flag values as text.
    pub fn flag_texts(&self) -> Vec<String> {
        self.flags().iter().map(|w| w.text()).collect()
    }

    /// Points this instruction (and the one it wraps) at the parse's text.
    pub(crate) fn set_shared(&mut self, shared: &Arc<Shared>) {
        self.shared = Some(Arc::clone(shared));
        if let Some(inner) = &mut self.nested {
            inner.set_shared(shared);
        }
    }
}

impl PartialEq for Instruction {
    fn eq(&self, other: &Self) -> bool {
        self.keyword() == other.keyword()
            && self.flags() == other.flags()
            && self.args() == other.args()
            && self.nested == other.nested
            && self.json == other.json
            && self.heredocs == other.heredocs
            && self.original() == other.original()
            && (self.start_line, self.end_line) == (other.start_line, other.end_line)
            && self.comments().eq(other.comments())
    }
}

impl Eq for Instruction {}

impl std::fmt::Debug for Instruction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Instruction")
            .field("keyword", &self.keyword())
            .field("flags", &self.flags())
            .field("args", &self.args())
            .field("nested", &self.nested)
            .field("json", &self.json)
            .field("heredocs", &self.heredocs)
            .field("original", &go_lossy(self.original()))
            .field("start_line", &self.start_line)
            .field("end_line", &self.end_line)
            .field("comments", &self.comments().collect::<Vec<_>>())
            .finish()
    }
}

impl Serialize for Instruction {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut out = s.serialize_struct("Instruction", 10)?;
        out.serialize_field("keyword", &self.keyword())?;
        out.serialize_field("flags", &self.flags())?;
        out.serialize_field("args", &self.args())?;
        out.serialize_field("nested", &self.nested)?;
        out.serialize_field("json", &self.json)?;
        out.serialize_field("heredocs", &self.heredocs)?;
        out.serialize_field("original", &go_lossy(self.original()))?;
        out.serialize_field("start_line", &self.start_line)?;
        out.serialize_field("end_line", &self.end_line)?;
        out.serialize_field("comments", &self.comments().collect::<Vec<_>>())?;
        out.end()
    }
}
