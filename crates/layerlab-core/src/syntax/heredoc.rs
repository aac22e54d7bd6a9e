//! Heredoc markers (`<<EOF`, `<<-EOF`, `3<<'EOF'`) on RUN, COPY and ADD lines.
//!
//! The line is re-lexed with the shell lexer (escape `\`, quotes and escapes
//! kept, unset variables left as written); each resulting word that looks like
//! `[fd]<<[-]name` is a heredoc. A quoted name (any part of it) turns expansion
//! of the body off.

use crate::expand::{Env, Lexer};

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

fn heredoc_lexer() -> Lexer {
    let mut lexer = Lexer::new('\\');
    lexer.skip_unset_env = true;
    lexer
}

/// The heredocs named on an instruction line, in order.
pub fn heredocs_from_line(line: &str) -> Result<Vec<Heredoc>, String> {
    let mut lexer = heredoc_lexer();
    lexer.raw_quotes = true;
    lexer.raw_escapes = true;
    // BuildKit ignores lexing errors here: such a line simply has no heredocs.
    let words = lexer.expand_words(line, &Env::new()).unwrap_or_default();
    let mut docs = Vec::new();
    for word in words {
        if let Some(doc) = parse_heredoc(&word)? {
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
    let mut lexer = heredoc_lexer();
    let words = lexer
        .expand_words(rest, &Env::new())
        .map_err(|e| e.message)?;
    let [name] = words.as_slice() else {
        return Ok(None);
    };
    lexer.raw_quotes = true;
    let raw = lexer
        .expand_words(rest, &Env::new())
        .map_err(|e| e.message)?;
    if raw.len() != words.len() {
        return Err(format!(
            "internal lexing of heredoc produced inconsistent results: {rest}"
        ));
    }
    let quotes = |s: &str| s.matches(['\'', '"']).count();
    Ok(Some(Heredoc {
        name: name.clone(),
        fd,
        expand: quotes(name) == quotes(&raw[0]),
        chomp,
        content: Vec::new(),
        content_offset: 0,
        first_line: 0,
    }))
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
    }
}
