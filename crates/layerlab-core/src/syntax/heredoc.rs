//! Heredoc markers (`<<EOF`, `<<-EOF`, `3<<'EOF'`) on RUN, COPY and ADD lines.
//!
//! The line is re-lexed with the shell lexer (escape `\`, quotes and escapes
//! kept, unset variables left as written); each resulting word that looks like
//! `[fd]<<[-]name` is a heredoc. A quoted name (any part of it) turns expansion
//! of the body off.

use crate::expand::{Env, Lexer};
use crate::text::is_ascii_space;

/// A heredoc attached to an instruction.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Heredoc {
    /// The terminator, quotes removed.
    pub name: String,
    /// File descriptor before `<<` (0 when absent).
    pub fd: u64,
    /// Whether the body is subject to variable expansion (name was not quoted).
    pub expand: bool,
    /// `<<-`: leading tabs are removed from the body (when it is used) and the terminator.
    pub chomp: bool,
    /// The body as written, every line with its terminator.
    #[serde(serialize_with = "crate::syntax::serialize_lossy")]
    pub content: Vec<u8>,
    /// Byte offset of the body in the source.
    pub content_offset: usize,
    /// 1-based lines of the body (first, last); equal and empty-bodied when there is none.
    pub first_line: usize,
}

/// The words of `text` as the heredoc lexer splits them (escape `\`, unset
/// variables left as written), quotes and escapes kept as asked.
fn lexed_words(text: &str, raw_quotes: bool, raw_escapes: bool) -> Result<Vec<String>, String> {
    let mut lexer = Lexer::new('\\');
    lexer.skip_unset_env = true;
    lexer.raw_quotes = raw_quotes;
    lexer.raw_escapes = raw_escapes;
    lexer.expand_words(text, &Env::new()).map_err(|e| e.message)
}

/// The words the heredoc lexer finds in `text`, as written (quotes kept),
/// when they are plain to see: ASCII (so no BOM, only ASCII blanks), no
/// escape, every quote closed, and variables only as `$name` or `${name}`
/// (with no variable set, the lexer leaves those as written). Words are
/// separated by blanks outside quotes; `<<` keeps the blanks after it.
/// `None`: the lexer must tell.
fn plain_words(text: &str) -> Option<Vec<&str>> {
    let bytes = text.as_bytes();
    let mut words = Vec::new();
    let mut start = None;
    let mut quote = None;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if !b.is_ascii() || b == b'\\' {
            return None;
        }
        i += 1;
        if b == b'$' && bytes.get(i) == Some(&b'{') {
            let name = bytes[i + 1..]
                .iter()
                .take_while(|&&c| c.is_ascii_alphanumeric() || c == b'_')
                .count();
            let plain = bytes.get(i + 1).is_some_and(|&c| !c.is_ascii_digit())
                && bytes.get(i + 1 + name) == Some(&b'}');
            if name == 0 || !plain {
                return None;
            }
        }
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if is_ascii_space(b) => {
                if let Some(from) = start.take() {
                    words.push(&text[from..i - 1]);
                }
            }
            None => {
                start.get_or_insert(i - 1);
                if b == b'\'' || b == b'"' {
                    quote = Some(b);
                } else if b == b'<' && bytes.get(i) == Some(&b'<') {
                    i += 1;
                    while bytes.get(i).is_some_and(|&b| is_ascii_space(b)) {
                        i += 1;
                    }
                }
            }
        }
    }
    if quote.is_some() {
        return None;
    }
    words.extend(start.map(|from| &text[from..]));
    Some(words)
}

/// A word of [`plain_words`] without its quotes.
fn unquote(word: &str) -> String {
    let mut quote = None;
    word.chars()
        .filter(|&c| match quote {
            Some(q) if c == q => {
                quote = None;
                false
            }
            None if c == '\'' || c == '"' => {
                quote = Some(c);
                false
            }
            _ => true,
        })
        .collect()
}

/// The heredocs named on an instruction line, in order.
pub fn heredocs_from_line(line: &str) -> Result<Vec<Heredoc>, String> {
    let lexed;
    let words: Vec<&str> = match plain_words(line) {
        Some(words) => words,
        None => {
            // BuildKit ignores lexing errors here: such a line simply has no heredocs.
            lexed = lexed_words(line, true, true).unwrap_or_default();
            lexed.iter().map(String::as_str).collect()
        }
    };
    let mut docs = Vec::new();
    for word in words {
        if let Some(doc) = parse_heredoc(word)? {
            docs.push(doc);
        }
    }
    Ok(docs)
}

/// Matches `^(\d*)<<(-?)\s*([^<]*)$` and reads the name.
pub fn parse_heredoc(word: &str) -> Result<Option<Heredoc>, String> {
    let digits = word.bytes().take_while(u8::is_ascii_digit).count();
    let Some(after) = word[digits..].strip_prefix("<<") else {
        return Ok(None);
    };
    let (chomp, after) = match after.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, after),
    };
    let rest = after.trim_start_matches(['\t', '\n', '\x0c', '\r', ' ']);
    if rest.contains('<') || rest.is_empty() {
        return Ok(None);
    }
    // Go's ParseUint: empty gives 0, overflow gives the maximum.
    let fd = match &word[..digits] {
        "" => 0,
        d => d.parse::<u64>().unwrap_or(u64::MAX),
    };
    let heredoc = |name: &str, expand: bool| Heredoc {
        name: name.to_owned(),
        fd,
        expand,
        chomp,
        content: Vec::new(),
        content_offset: 0,
        first_line: 0,
    };
    let quotes = |s: &str| s.matches(['\'', '"']).count();
    if let Some(raw) = plain_words(rest) {
        // The lexer drops a word that is only quotes: that case is left to it.
        let names: Vec<String> = raw.iter().map(|w| unquote(w)).collect();
        if names.iter().all(|n| !n.is_empty()) {
            return Ok(match (&names[..], &raw[..]) {
                ([name], [raw]) => Some(heredoc(name, quotes(name) == quotes(raw))),
                _ => None,
            });
        }
    }
    let words = lexed_words(rest, false, false)?;
    let [name] = words.as_slice() else {
        return Ok(None);
    };
    let raw = lexed_words(rest, true, false)?;
    if raw.len() != words.len() {
        return Err(format!(
            "internal lexing of heredoc produced inconsistent results: {rest}"
        ));
    }
    Ok(Some(heredoc(name, quotes(name) == quotes(&raw[0]))))
}

/// Removes leading tabs from every line of a `<<-` body.
pub fn chomp_content(content: &str) -> String {
    content
        .split_inclusive('\n')
        .map(|line| line.trim_start_matches('\t'))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(line: &str) -> Vec<String> {
        heredocs_from_line(line)
            .unwrap()
            .into_iter()
            .map(|h| h.name)
            .collect()
    }

    #[test]
    fn heredoc_words() {
        assert_eq!(names("RUN <<EOF"), ["EOF"]);
        assert_eq!(names("RUN <<- EOF"), Vec::<String>::new());
        assert_eq!(names("RUN << -EOF"), ["-EOF"]);
        assert_eq!(names("RUN 4<<EOF <<EOF2"), ["EOF", "EOF2"]);
        assert_eq!(names("RUN '<<EOF'"), Vec::<String>::new());
        assert_eq!(names("RUN <<  EOF  > foo"), ["EOF"]);
    }

    #[test]
    fn parse_heredoc_word() {
        assert_eq!(parse_heredoc("<<-\"END\"").unwrap().unwrap().name, "END");
        assert!(parse_heredoc("<<'END").is_err());
        assert_eq!(parse_heredoc("<<END cat").unwrap(), None);
        let doc = parse_heredoc("3<<-'e'o\\'f").unwrap().unwrap();
        assert_eq!(
            (doc.fd, doc.chomp, doc.expand, doc.name.as_str()),
            (3, true, false, "eo'f")
        );
        assert_eq!(chomp_content("\thello\n\tworld\n"), "hello\nworld\n");
        assert_eq!(parse_heredoc("<<\x0bEOF \t").unwrap().unwrap().name, "EOF");
        assert_eq!(parse_heredoc("<<EOF x").unwrap(), None);
    }

    proptest::proptest! {
        #[test]
        fn plain_words_are_the_lexers(s in "[ab1E_<\\-'\"${}@\\\\é \t\n\r\x0b\x0c]{0,14}") {
            if let Some(words) = plain_words(&s) {
                proptest::prop_assert_eq!(&words, &lexed_words(&s, true, true).unwrap());
                let unquoted: Vec<String> =
                    words.iter().map(|w| unquote(w)).filter(|w| !w.is_empty()).collect();
                proptest::prop_assert_eq!(&unquoted, &lexed_words(&s, false, false).unwrap());
            }
        }

        #[test]
        fn plain_words_with_variables(parts in proptest::collection::vec(proptest::sample::select(&[
            "$", "${a}", "${_1}", "${1}", "${a:-b}", "${", "$a", "$1", "$@", "$$", "a", " ", "\t",
            "<<", "<<-", "'", "\"", "E", "{", "}", "=",
        ][..]), 0..10)) {
            let s = parts.concat();
            if let Some(words) = plain_words(&s) {
                proptest::prop_assert_eq!(&words, &lexed_words(&s, true, true).unwrap());
                let unquoted: Vec<String> =
                    words.iter().map(|w| unquote(w)).filter(|w| !w.is_empty()).collect();
                proptest::prop_assert_eq!(&unquoted, &lexed_words(&s, false, false).unwrap());
            }
        }
    }
}
