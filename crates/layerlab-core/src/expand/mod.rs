//! Word expansion for ARG, ENV and instruction arguments: BuildKit's shell lexer.
//!
//! Takes a word and an environment and returns the expanded text, the words it
//! splits into, and which variable names were looked up (found or not). It does
//! quote removal (`'…'`, `"…"`), escapes (the Dockerfile's escape character),
//! `$name`, `${name}` and the modifiers `-` `+` `?` (with or without `:`), `#`
//! `##` `%` `%%` and `/` `//`, with BuildKit's exact error messages.
//!
//! This is not a shell: there is no command substitution, arithmetic or globbing.
//! RUN commands are interpreted elsewhere; this module is what Docker itself
//! applies to Dockerfile words.
//!
//! ```
//! use layerlab_core::expand::{Env, Lexer};
//! let env = Env::from_pairs(["NAME=world", "EMPTY="]);
//! let out = Lexer::new('\\').expand("hello ${NAME} ${EMPTY:-x}", &env).unwrap();
//! assert_eq!(out.result, "hello world x");
//! assert_eq!(out.words, ["hello", "world", "x"]);
//! ```

pub mod pattern;

use std::collections::{BTreeSet, HashMap};

use crate::text::{go_quote, is_digit, is_letter, is_space};

/// An environment as BuildKit builds one from `NAME=value` strings: a string
/// without `=` is a name with an empty value, and a later duplicate wins.
/// Names keep their first-seen order; lookups are hashed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Env {
    vars: Vec<(String, String)>,
    index: HashMap<String, usize>,
}

impl Env {
    pub fn new() -> Self {
        Self::default()
    }

    /// Builds an environment from `NAME=value` entries.
    pub fn from_pairs<I, S>(pairs: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut env = Self::new();
        for pair in pairs {
            let pair = pair.as_ref();
            match pair.split_once('=') {
                Some((k, v)) => env.set(k, v),
                None => env.set(pair, ""),
            }
        }
        env
    }

    /// Sets `name` to `value`, replacing an earlier value.
    pub fn set(&mut self, name: &str, value: &str) {
        match self.index.get(name) {
            Some(&i) => self.vars[i].1 = value.to_owned(),
            None => {
                self.index.insert(name.to_owned(), self.vars.len());
                self.vars.push((name.to_owned(), value.to_owned()));
            }
        }
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.index.get(name).map(|&i| self.vars[i].1.as_str())
    }

    /// Looks a name up ignoring ASCII and Unicode case, as BuildKit does on Windows.
    fn get_case_insensitive(&self, name: &str) -> Option<&str> {
        let folded = |s: &str| s.chars().flat_map(char::to_lowercase).collect::<String>();
        let wanted = folded(name);
        self.vars
            .iter()
            .find(|(k, _)| folded(k) == wanted)
            .map(|(_, v)| v.as_str())
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.vars.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }
}

/// The lexer's settings. `Lexer::new(escape)` gives the behaviour Dockerfile
/// instructions get; the other switches are BuildKit's internal modes (used for
/// heredoc detection and heredoc bodies).
#[derive(Clone, Debug)]
pub struct Lexer {
    pub escape: char,
    /// Keep quote characters in the result.
    pub raw_quotes: bool,
    /// Keep escape characters in the result.
    pub raw_escapes: bool,
    /// Treat quotes as ordinary characters.
    pub skip_process_quotes: bool,
    /// Leave references to unset variables as written.
    pub skip_unset_env: bool,
    /// Compare names ignoring case (Windows semantics).
    pub case_insensitive_env: bool,
}

/// What an expansion produced.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Expansion {
    /// Single-word result: quotes removed, variables expanded, spaces kept.
    pub result: String,
    /// The result split into words (text from quotes and escapes is not split).
    pub words: Vec<String>,
    /// Names looked up and found (possibly empty).
    pub matched: BTreeSet<String>,
    /// Names looked up and not set.
    pub unmatched: BTreeSet<String>,
}

/// An expansion error, with BuildKit's message
/// (`failed to process "${x": unsupported modifier (�) in substitution`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExpandError {
    /// The full message, as BuildKit wraps it.
    pub message: String,
    /// The lexer's own message, without the `failed to process "…": ` prefix.
    pub reason: String,
}

impl std::fmt::Display for ExpandError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ExpandError {}

impl Lexer {
    pub fn new(escape: char) -> Self {
        Lexer {
            escape,
            raw_quotes: false,
            raw_escapes: false,
            skip_process_quotes: false,
            skip_unset_env: false,
            case_insensitive_env: false,
        }
    }

    /// Expands `word` against `env`.
    pub fn expand(&self, word: &str, env: &Env) -> Result<Expansion, ExpandError> {
        let mut state = WordState {
            lexer: self,
            env,
            chars: pattern::scanner_chars(word),
            pos: 0,
            raw_escapes: self.raw_escapes,
            matched: BTreeSet::new(),
            unmatched: BTreeSet::new(),
        };
        match state.process_until(None, self.raw_escapes) {
            Ok((result, words)) => Ok(Expansion {
                result,
                words,
                matched: state.matched,
                unmatched: state.unmatched,
            }),
            Err(reason) => Err(ExpandError {
                message: format!(
                    "failed to process {}: {}",
                    go_quote(word.as_bytes()),
                    reason
                ),
                reason,
            }),
        }
    }

    /// Single-word mode (`ProcessWord`).
    pub fn expand_word(&self, word: &str, env: &Env) -> Result<String, ExpandError> {
        self.expand(word, env).map(|e| e.result)
    }

    /// Word-splitting mode (`ProcessWords`).
    pub fn expand_words(&self, word: &str, env: &Env) -> Result<Vec<String>, ExpandError> {
        self.expand(word, env).map(|e| e.words)
    }
}

/// Accumulates words: unquoted whitespace ends a word, quoted or escaped text never does.
#[derive(Default)]
struct WordSplitter {
    word: String,
    words: Vec<String>,
    in_word: bool,
}

impl WordSplitter {
    fn add_char(&mut self, ch: char) {
        if is_space(ch) {
            if self.in_word && !self.word.is_empty() {
                self.words.push(std::mem::take(&mut self.word));
                self.in_word = false;
            }
        } else {
            self.add_raw_char(ch);
        }
    }

    fn add_raw_char(&mut self, ch: char) {
        self.word.push(ch);
        self.in_word = true;
    }

    fn add_string(&mut self, s: &str) {
        s.chars().for_each(|c| self.add_char(c));
    }

    fn add_raw_string(&mut self, s: &str) {
        self.word.push_str(s);
        self.in_word = true;
    }

    fn finish(mut self) -> Vec<String> {
        if !self.word.is_empty() {
            self.words.push(self.word);
        }
        self.words
    }
}

struct WordState<'a> {
    lexer: &'a Lexer,
    env: &'a Env,
    chars: Vec<char>,
    pos: usize,
    raw_escapes: bool,
    matched: BTreeSet<String>,
    unmatched: BTreeSet<String>,
}

type Step<T> = Result<T, String>;

/// Go's `string(rune)` of a scanner result: EOF prints as U+FFFD.
fn rune_text(ch: Option<char>) -> char {
    ch.unwrap_or(char::REPLACEMENT_CHARACTER)
}

impl WordState<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn next(&mut self) -> Option<char> {
        let ch = self.peek();
        if ch.is_some() {
            self.pos += 1;
        }
        ch
    }

    /// Processes characters up to `stop` (consumed) or the end of input.
    fn process_until(
        &mut self,
        stop: Option<char>,
        raw_escapes: bool,
    ) -> Step<(String, Vec<String>)> {
        let saved = std::mem::replace(&mut self.raw_escapes, raw_escapes);
        let out = self.process_until_inner(stop);
        self.raw_escapes = saved;
        out
    }

    fn process_until_inner(&mut self, stop: Option<char>) -> Step<(String, Vec<String>)> {
        let mut result = String::new();
        let mut words = WordSplitter::default();
        let quotes = !self.lexer.skip_process_quotes;
        while let Some(ch) = self.peek() {
            if Some(ch) == stop {
                self.next();
                return Ok((result, words.finish()));
            }
            match ch {
                '$' => {
                    let value = self.process_dollar()?;
                    result.push_str(&value);
                    words.add_string(&value);
                }
                '\'' if quotes => {
                    let value = self.process_single_quote()?;
                    result.push_str(&value);
                    words.add_raw_string(&value);
                }
                '"' if quotes => {
                    let value = self.process_double_quote()?;
                    result.push_str(&value);
                    words.add_raw_string(&value);
                }
                _ => {
                    self.next();
                    if ch == self.lexer.escape {
                        if self.raw_escapes {
                            words.add_raw_char(ch);
                            result.push(ch);
                        }
                        // The escape character escapes the next one; at the end it is dropped.
                        let Some(escaped) = self.next() else { break };
                        words.add_raw_char(escaped);
                        result.push(escaped);
                    } else if ch == '<' && self.peek() == Some('<') {
                        // A heredoc marker keeps the blanks after `<<` in its word, so
                        // `<< EOF` is one word (and `<<- EOF` is two).
                        self.next();
                        words.add_raw_char('<');
                        words.add_raw_char('<');
                        result.push_str("<<");
                        while let Some(blank) = self.peek().filter(|c| is_space(*c)) {
                            self.next();
                            words.add_raw_char(blank);
                            result.push(blank);
                        }
                    } else {
                        words.add_char(ch);
                        result.push(ch);
                    }
                }
            }
        }
        if let Some(stop) = stop {
            return Err(format!(
                "unexpected end of statement while looking for matching {stop}"
            ));
        }
        Ok((result, words.finish()))
    }

    fn process_single_quote(&mut self) -> Step<String> {
        let mut result = String::new();
        let open = self.next();
        if self.lexer.raw_quotes {
            result.extend(open);
        }
        loop {
            match self.next() {
                None => {
                    return Err(
                        "unexpected end of statement while looking for matching single-quote"
                            .into(),
                    )
                }
                Some('\'') => {
                    if self.lexer.raw_quotes {
                        result.push('\'');
                    }
                    return Ok(result);
                }
                Some(c) => result.push(c),
            }
        }
    }

    fn process_double_quote(&mut self) -> Step<String> {
        let mut result = String::new();
        let open = self.next();
        if self.lexer.raw_quotes {
            result.extend(open);
        }
        loop {
            match self.peek() {
                None => {
                    return Err(
                        "unexpected end of statement while looking for matching double-quote"
                            .into(),
                    )
                }
                Some('"') => {
                    self.next();
                    if self.lexer.raw_quotes {
                        result.push('"');
                    }
                    return Ok(result);
                }
                Some('$') => {
                    let value = self.process_dollar()?;
                    result.push_str(&value);
                }
                Some(_) => {
                    let mut ch = self.next().unwrap_or_default();
                    if ch == self.lexer.escape {
                        if self.raw_escapes {
                            result.push(ch);
                        }
                        match self.peek() {
                            // An escape at the end is ignored (the quote is then unterminated).
                            None => continue,
                            // Only `"`, `$` and the escape itself can be escaped in double quotes.
                            Some(c) if c == '"' || c == '$' || c == self.lexer.escape => {
                                ch = c;
                                self.next();
                            }
                            Some(_) => {}
                        }
                    }
                    result.push(ch);
                }
            }
        }
    }

    fn process_dollar(&mut self) -> Step<String> {
        self.next(); // `$`
        if self.peek() != Some('{') {
            let name = self.process_name();
            if name.is_empty() {
                return Ok("$".into());
            }
            return Ok(match self.lookup(&name) {
                Some(value) => value,
                None if self.lexer.skip_unset_env => format!("${name}"),
                None => String::new(),
            });
        }
        self.next(); // `{`
        match self.peek() {
            None => return Err("syntax error: missing '}'".into()),
            Some('{' | '}' | ':') => return Err("syntax error: bad substitution".into()),
            Some(_) => {}
        }
        let name = self.process_name();
        let op = self.next();
        match op {
            Some('}') => Ok(match self.lookup(&name) {
                Some(value) => value,
                None if self.lexer.skip_unset_env => format!("${{{name}}}"),
                None => String::new(),
            }),
            Some(':' | '+' | '-' | '?' | '#' | '%') => self.process_modifier(name, op),
            Some('/') => self.process_replace(name),
            other => Err(format!(
                "unsupported modifier ({}) in substitution",
                rune_text(other)
            )),
        }
    }

    /// `${name<op>word}` for the default, alternative, required and trim modifiers.
    fn process_modifier(&mut self, name: String, mut op: Option<char>) -> Step<String> {
        let mut op_text = String::from(rune_text(op));
        let null_is_unset = op == Some(':');
        if null_is_unset {
            op = self.next();
            op_text.push(rune_text(op));
        }
        let trims = matches!(op, Some('#' | '%'));
        if null_is_unset && trims {
            return Err(format!("unsupported modifier ({op_text}) in substitution"));
        }
        let mut word = match self.process_until(Some('}'), trims) {
            Ok((word, _)) => word,
            Err(_) if self.peek().is_none() => return Err("syntax error: missing '}'".into()),
            Err(e) => return Err(e),
        };
        let value = self.lookup(&name);
        if self.lexer.skip_unset_env && value.is_none() {
            return Ok(format!("${{{name}{op_text}{word}}}"));
        }
        let unset = match &value {
            None => true,
            Some(v) => null_is_unset && v.is_empty(),
        };
        match op {
            Some('-') => Ok(if unset {
                word
            } else {
                value.unwrap_or_default()
            }),
            Some('+') => Ok(if unset { String::new() } else { word }),
            Some('?') => {
                let default = match value {
                    None => "is not allowed to be unset",
                    Some(_) if unset => "is not allowed to be empty",
                    Some(v) => return Ok(v),
                };
                let message = if word.is_empty() { default } else { &word };
                Err(format!("{name}: {message}"))
            }
            Some(c @ ('#' | '%')) => {
                let greedy = word.starts_with(c);
                if greedy {
                    word.remove(0);
                }
                let value = value.unwrap_or_default();
                if c == '%' {
                    pattern::trim_suffix(&word, &value, greedy)
                } else {
                    pattern::trim_prefix(&word, &value, greedy)
                }
            }
            _ => Err(format!("unsupported modifier ({op_text}) in substitution")),
        }
    }

    /// `${name/pattern/replacement}` and `${name//pattern/replacement}`.
    fn process_replace(&mut self, name: String) -> Step<String> {
        let replace_all = self.peek() == Some('/');
        if replace_all {
            self.next();
        }
        let pattern = match self.process_until(Some('/'), true) {
            Ok((p, _)) => p,
            Err(_) if self.peek().is_none() => {
                return Err("syntax error: missing '/' in ${}".into())
            }
            Err(e) => return Err(e),
        };
        let replacement = match self.process_until(Some('}'), true) {
            Ok((r, _)) => r,
            Err(_) if self.peek().is_none() => return Err("syntax error: missing '}'".into()),
            Err(e) => return Err(e),
        };
        let Some(value) = self.lookup(&name) else {
            if self.lexer.skip_unset_env {
                return Ok(format!("${{{name}/{pattern}/{replacement}}}"));
            }
            return self.replace_in("", &pattern, &replacement, replace_all);
        };
        self.replace_in(&value, &pattern, &replacement, replace_all)
    }

    fn replace_in(&self, value: &str, pattern: &str, replacement: &str, all: bool) -> Step<String> {
        let re = pattern::shell_pattern_to_regex(pattern, true, false)
            .map_err(|e| format!("invalid pattern ({pattern}) in substitution: {e}"))?;
        if all {
            // Like Go's ReplaceAllString, `$0`/`${0}`/`$$` in the replacement are expanded.
            return Ok(re.replace_all(value, replacement));
        }
        Ok(match re.find(value) {
            Some((start, end)) => format!("{}{}{}", &value[..start], replacement, &value[end..]),
            None => value.to_owned(),
        })
    }

    /// Reads a variable name: letters, digits and `_`; a run of digits
    /// (positional parameter); or one special parameter character.
    fn process_name(&mut self) -> String {
        let mut name = String::new();
        while let Some(ch) = self.peek() {
            if name.is_empty() && is_digit(ch) {
                while let Some(d) = self.peek().filter(|c| is_digit(*c)) {
                    self.next();
                    name.push(d);
                }
                return name;
            }
            if name.is_empty() && matches!(ch, '@' | '*' | '#' | '?' | '-' | '$' | '!' | '0') {
                self.next();
                return ch.to_string();
            }
            if !is_letter(ch) && !is_digit(ch) && ch != '_' {
                break;
            }
            self.next();
            name.push(ch);
        }
        name
    }

    /// Looks a name up and records it as matched or unmatched.
    fn lookup(&mut self, name: &str) -> Option<String> {
        let found = if self.lexer.case_insensitive_env {
            self.env.get_case_insensitive(name)
        } else {
            self.env.get(name)
        };
        match found {
            Some(v) => {
                self.matched.insert(name.to_owned());
                Some(v.to_owned())
            }
            None => {
                self.unmatched.insert(name.to_owned());
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(input: &str, env: &[&str]) -> Result<String, String> {
        Lexer::new('\\')
            .expand_word(input, &Env::from_pairs(env))
            .map_err(|e| e.reason)
    }

    #[test]
    fn modifiers() {
        let env = ["SET=v", "EMPTY="];
        assert_eq!(
            word("${SET:-d}${EMPTY:-d}${NONE-d}${EMPTY-d}", &env).unwrap(),
            "vdd"
        );
        assert_eq!(
            word("${SET:+a}${EMPTY:+a}${EMPTY+a}${NONE+a}", &env).unwrap(),
            "aa"
        );
        assert_eq!(
            word("${NONE:?}", &env).unwrap_err(),
            "NONE: is not allowed to be unset"
        );
        assert_eq!(
            word("${EMPTY:?}", &env).unwrap_err(),
            "EMPTY: is not allowed to be empty"
        );
        assert_eq!(word("${EMPTY?}", &env).unwrap(), "");
        assert_eq!(
            word("${NONE?custom $SET}", &env).unwrap_err(),
            "NONE: custom v"
        );
    }

    #[test]
    fn trims_and_replacements() {
        let env = ["P=/usr/local/bin/tool.tar.gz"];
        assert_eq!(word("${P#*/}", &env).unwrap(), "usr/local/bin/tool.tar.gz");
        assert_eq!(word("${P##*/}", &env).unwrap(), "tool.tar.gz");
        assert_eq!(word("${P%.*}", &env).unwrap(), "/usr/local/bin/tool.tar");
        assert_eq!(word("${P%%.*}", &env).unwrap(), "/usr/local/bin/tool");
        assert_eq!(
            word("${P/local/opt}", &env).unwrap(),
            "/usr/opt/bin/tool.tar.gz"
        );
        assert_eq!(
            word("${P//\\//_}", &env).unwrap(),
            "_usr_local_bin_tool.tar.gz"
        );
        assert_eq!(
            word("${P:#x}", &env).unwrap_err(),
            "unsupported modifier (:#) in substitution"
        );
        assert_eq!(
            word("${P:=x}", &env).unwrap_err(),
            "unsupported modifier (:=) in substitution"
        );
        assert_eq!(
            word("${P", &env).unwrap_err(),
            "unsupported modifier (\u{fffd}) in substitution"
        );
        assert_eq!(
            word("${P/a", &env).unwrap_err(),
            "syntax error: missing '/' in ${}"
        );
    }

    #[test]
    fn heredoc_markers_keep_blanks() {
        let mut lexer = Lexer::new('\\');
        lexer.raw_quotes = true;
        lexer.raw_escapes = true;
        lexer.skip_unset_env = true;
        let words = lexer
            .expand_words("RUN << -EOF <<- X 2<<'a b'", &Env::new())
            .unwrap();
        assert_eq!(words, ["RUN", "<< -EOF", "<<-", "X", "2<<'a b'"]);
    }

    #[test]
    fn matched_and_unmatched_names() {
        let out = Lexer::new('\\')
            .expand("$A ${B:-x} $C", &Env::from_pairs(["A=1", "C="]))
            .unwrap();
        assert_eq!(
            out.matched,
            BTreeSet::from(["A".to_owned(), "C".to_owned()])
        );
        assert_eq!(out.unmatched, BTreeSet::from(["B".to_owned()]));
    }
}
