//! Shell text → AST: the POSIX subset RUN lines use. Lists (`;`, newline,
//! `&`), `&&`/`||`, pipelines (with `!`), subshells `( )`, groups `{ }`,
//! `if`/`for`/`while`/`until`/`case`, function definitions (`name() { …; }`),
//! assignments, redirections (`>`, `>>`,
//! `<`, `2>&1`, `N>file`) and backslash-newline. Words keep their quotes; the
//! interpreter expands them.

use super::scan::{dollar_end, double_quote_end, same_quote_end};

/// A word as written (quotes and escapes still in it).
pub type Word = String;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Redirect {
    /// File descriptor (1 for `>`, 0 for `<`).
    pub fd: u32,
    pub op: RedirOp,
    pub target: Word,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RedirOp {
    Write,
    Append,
    Read,
    /// `N>&M`
    Dup,
    /// `<<EOF` (the target is the body; `$` expands in it).
    HereDoc,
    /// `<<'EOF'` (a quoted delimiter: the body is taken literally).
    HereDocLiteral,
    /// `<<<word` (bash).
    HereString,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    Simple {
        assigns: Vec<(String, Word)>,
        words: Vec<Word>,
        redirects: Vec<Redirect>,
    },
    Subshell(List),
    Group(List),
    If {
        branches: Vec<(List, List)>,
        otherwise: Option<List>,
    },
    For {
        var: String,
        items: Option<Vec<Word>>,
        body: List,
    },
    While {
        until: bool,
        cond: List,
        body: List,
    },
    Case {
        word: Word,
        arms: Vec<(Vec<Word>, List)>,
    },
    /// `name() body`: defines a function (its body is a compound command).
    Function {
        name: String,
        body: Box<Command>,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pipeline {
    pub negate: bool,
    pub commands: Vec<Command>,
}

/// `a && b || c`: the first pipeline, then (is_and, pipeline) pairs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AndOr {
    pub first: Pipeline,
    pub rest: Vec<(bool, Pipeline)>,
}

pub type List = Vec<AndOr>;

#[derive(Clone, Debug, PartialEq, Eq)]
enum Tok {
    Word(String),
    Op(&'static str),
    Newline,
    /// A here-document: its body (read after the line ends) and whether the
    /// delimiter was quoted.
    HereDoc(String, bool),
}

const OPS: [&str; 14] = [
    "&&", "||", ";;", ">>", ">&", "<&", ";", "|", "&", "(", ")", ">", "<<<", "<",
];

/// Splits text into words and operators, keeping quotes inside words.
fn tokenize(src: &str) -> Result<Vec<Tok>, String> {
    let chars: Vec<char> = src.chars().collect();
    let mut toks = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut i = 0;
    // Here-documents whose bodies start after the current line: (token index,
    // delimiter, strip leading tabs).
    let mut pending: Vec<(usize, String, bool)> = Vec::new();
    let flush = |word: &mut String, in_word: &mut bool, toks: &mut Vec<Tok>| {
        if *in_word {
            toks.push(Tok::Word(std::mem::take(word)));
            *in_word = false;
        }
    };
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\\' if chars.get(i + 1) == Some(&'\n') => i += 2,
            '\\' => {
                word.push(c);
                if let Some(n) = chars.get(i + 1) {
                    word.push(*n);
                }
                in_word = true;
                i += 2;
            }
            // Single quotes and backquotes: kept whole up to the matching one.
            q @ ('\'' | '`') => {
                let end = same_quote_end(&chars, i).ok_or(if q == '`' {
                    "unterminated backquote"
                } else {
                    "unterminated quoted string"
                })?;
                word.extend(&chars[i..=end]);
                in_word = true;
                i = end + 1;
            }
            // Double quotes: kept whole, with the substitutions inside them
            // (whose own quotes do not end the string).
            '"' => {
                let end = double_quote_end(&chars, i).ok_or("unterminated quoted string")?;
                word.extend(&chars[i..=end]);
                in_word = true;
                i = end + 1;
            }
            '$' if chars.get(i + 1) == Some(&'(') || chars.get(i + 1) == Some(&'{') => {
                // Keep `$( … )` and `${ … }` whole, nesting and quotes included
                // (an unterminated one runs to the end of the text).
                let end = dollar_end(&chars, i).unwrap_or(chars.len() - 1);
                word.extend(&chars[i..=end]);
                in_word = true;
                i = end + 1;
            }
            '#' if !in_word => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '\n' => {
                flush(&mut word, &mut in_word, &mut toks);
                toks.push(Tok::Newline);
                i += 1;
                for (index, delimiter, strip) in std::mem::take(&mut pending) {
                    let mut body = String::new();
                    while i < chars.len() {
                        let end = chars[i..]
                            .iter()
                            .position(|c| *c == '\n')
                            .map_or(chars.len(), |p| i + p);
                        let line: String = chars[i..end].iter().collect();
                        i = (end + 1).min(chars.len());
                        let line = if strip {
                            line.trim_start_matches('\t').to_owned()
                        } else {
                            line
                        };
                        if line == delimiter {
                            break;
                        }
                        body.push_str(&line);
                        body.push('\n');
                    }
                    if let Some(Tok::HereDoc(b, _)) = toks.get_mut(index) {
                        *b = body;
                    }
                }
            }
            '<' if chars.get(i + 1) == Some(&'<') && chars.get(i + 2) != Some(&'<') => {
                flush(&mut word, &mut in_word, &mut toks);
                i += 2;
                let strip = chars.get(i) == Some(&'-');
                if strip {
                    i += 1;
                }
                while matches!(chars.get(i), Some(' ' | '\t')) {
                    i += 1;
                }
                let start = i;
                while i < chars.len() && !" \t\n;&|<>()".contains(chars[i]) {
                    i += 1;
                }
                let raw: String = chars[start..i].iter().collect();
                if raw.is_empty() {
                    return Err("Syntax error: end of file unexpected (expecting word)".into());
                }
                let quoted = raw.contains(['\'', '"', '\\']);
                let delimiter: String = raw.chars().filter(|c| !"'\"\\".contains(*c)).collect();
                pending.push((toks.len(), delimiter, strip));
                toks.push(Tok::HereDoc(String::new(), quoted));
            }
            c if c == ' ' || c == '\t' || c == '\r' => {
                flush(&mut word, &mut in_word, &mut toks);
                i += 1;
            }
            '<' | '>' | '&' | '|' | ';' | '(' | ')' => {
                // A number right before a redirection is its file descriptor.
                let fd_prefix =
                    in_word && (c == '<' || c == '>') && word.chars().all(|d| d.is_ascii_digit());
                if !fd_prefix {
                    flush(&mut word, &mut in_word, &mut toks);
                }
                let rest: String = chars[i..chars.len().min(i + 3)].iter().collect();
                let op = OPS
                    .iter()
                    .find(|op| rest.starts_with(**op))
                    .copied()
                    .unwrap_or(if c == '<' { "<" } else { ">" });
                if fd_prefix {
                    toks.push(Tok::Word(format!("{}{op}", std::mem::take(&mut word))));
                    in_word = false;
                } else {
                    toks.push(Tok::Op(op));
                }
                i += op.len();
            }
            _ => {
                word.push(c);
                in_word = true;
                i += 1;
            }
        }
    }
    flush(&mut word, &mut in_word, &mut toks);
    Ok(toks)
}

struct Parser {
    toks: Vec<Tok>,
    pos: usize,
}

fn is_redirect_word(w: &str) -> Option<(u32, RedirOp)> {
    let digits = w.chars().take_while(char::is_ascii_digit).count();
    let (fd, op) = w.split_at(digits);
    let fd = fd.parse().ok();
    match op {
        ">" => Some((fd.unwrap_or(1), RedirOp::Write)),
        ">>" => Some((fd.unwrap_or(1), RedirOp::Append)),
        "<" => Some((fd.unwrap_or(0), RedirOp::Read)),
        ">&" => Some((fd.unwrap_or(1), RedirOp::Dup)),
        _ => None,
    }
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }

    fn peek_word(&self) -> Option<&str> {
        match self.peek() {
            Some(Tok::Word(w)) => Some(w),
            _ => None,
        }
    }

    fn skip_newlines(&mut self) {
        while matches!(self.peek(), Some(Tok::Newline)) || self.peek() == Some(&Tok::Op(";")) {
            self.pos += 1;
        }
    }

    fn expect_word(&mut self, word: &str) -> Result<(), String> {
        self.skip_newlines();
        if self.peek_word() == Some(word) {
            self.pos += 1;
            Ok(())
        } else {
            Err(format!("Syntax error: expected \"{word}\""))
        }
    }

    /// A list up to one of the `stops` reserved words (or `)` / end).
    fn list(&mut self, stops: &[&str]) -> Result<List, String> {
        let mut list = Vec::new();
        loop {
            self.skip_newlines();
            match self.peek() {
                None | Some(Tok::Op(")")) | Some(Tok::Op(";;")) => break,
                Some(Tok::Word(w)) if stops.contains(&w.as_str()) => break,
                _ => {}
            }
            list.push(self.and_or()?);
            match self.peek() {
                Some(Tok::Op(";")) | Some(Tok::Op("&")) | Some(Tok::Newline) => self.pos += 1,
                _ => {}
            }
        }
        Ok(list)
    }

    fn and_or(&mut self) -> Result<AndOr, String> {
        let first = self.pipeline()?;
        let mut rest = Vec::new();
        while let Some(Tok::Op(op @ ("&&" | "||"))) = self.peek() {
            let is_and = *op == "&&";
            self.pos += 1;
            while matches!(self.peek(), Some(Tok::Newline)) {
                self.pos += 1;
            }
            rest.push((is_and, self.pipeline()?));
        }
        Ok(AndOr { first, rest })
    }

    fn pipeline(&mut self) -> Result<Pipeline, String> {
        let negate = self.peek_word() == Some("!");
        if negate {
            self.pos += 1;
        }
        let mut commands = vec![self.command()?];
        while self.peek() == Some(&Tok::Op("|")) {
            self.pos += 1;
            while matches!(self.peek(), Some(Tok::Newline)) {
                self.pos += 1;
            }
            commands.push(self.command()?);
        }
        Ok(Pipeline { negate, commands })
    }

    fn command(&mut self) -> Result<Command, String> {
        match self.peek() {
            Some(Tok::Op("(")) => {
                self.pos += 1;
                let body = self.list(&[])?;
                if self.peek() != Some(&Tok::Op(")")) {
                    return Err("Syntax error: \")\" expected".into());
                }
                self.pos += 1;
                return Ok(Command::Subshell(body));
            }
            Some(Tok::Word(w)) => match w.as_str() {
                "{" => {
                    self.pos += 1;
                    let body = self.list(&["}"])?;
                    self.expect_word("}")?;
                    return Ok(Command::Group(body));
                }
                "if" => return self.if_command(),
                "for" => return self.for_command(),
                "while" | "until" => {
                    let until = w == "until";
                    self.pos += 1;
                    let cond = self.list(&["do"])?;
                    self.expect_word("do")?;
                    let body = self.list(&["done"])?;
                    self.expect_word("done")?;
                    return Ok(Command::While { until, cond, body });
                }
                "case" => return self.case_command(),
                "then" | "else" | "elif" | "fi" | "do" | "done" | "esac" | "}" | "in" => {
                    return Err(format!("Syntax error: \"{w}\" unexpected"));
                }
                _ => {}
            },
            _ => {}
        }
        self.simple()
    }

    fn simple(&mut self) -> Result<Command, String> {
        let mut assigns = Vec::new();
        let mut words = Vec::new();
        let mut redirects = Vec::new();
        loop {
            if let Some(Tok::HereDoc(body, quoted)) = self.peek() {
                let op = if *quoted {
                    RedirOp::HereDocLiteral
                } else {
                    RedirOp::HereDoc
                };
                redirects.push(Redirect {
                    fd: 0,
                    op,
                    target: body.clone(),
                });
                self.pos += 1;
                continue;
            }
            let op_redirect = match self.peek() {
                Some(Tok::Op(op @ (">" | ">>" | ">&" | "<" | "<<<"))) => Some(match *op {
                    ">>" => (1, RedirOp::Append),
                    ">&" => (1, RedirOp::Dup),
                    "<" => (0, RedirOp::Read),
                    "<<<" => (0, RedirOp::HereString),
                    _ => (1, RedirOp::Write),
                }),
                _ => None,
            };
            if let Some((fd, op)) = op_redirect {
                redirects.push(self.redirect(fd, op)?);
                continue;
            }
            let Some(Tok::Word(w)) = self.peek().cloned() else {
                break;
            };
            if let Some((fd, op)) = is_redirect_word(&w) {
                redirects.push(self.redirect(fd, op)?);
                continue;
            }
            // `name()` followed by a compound command defines a function.
            if words.is_empty()
                && assigns.is_empty()
                && redirects.is_empty()
                && self.toks.get(self.pos + 1) == Some(&Tok::Op("("))
                && self.toks.get(self.pos + 2) == Some(&Tok::Op(")"))
            {
                self.pos += 3;
                self.skip_newlines();
                let body = self.command()?;
                if matches!(body, Command::Simple { .. } | Command::Function { .. }) {
                    return Err(format!(
                        "Syntax error: function body of \"{w}\" must be a compound command"
                    ));
                }
                return Ok(Command::Function {
                    name: w,
                    body: Box::new(body),
                });
            }
            if words.is_empty() {
                if let Some((name, value)) = w.split_once('=') {
                    if !name.is_empty()
                        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                        && !name.starts_with(|c: char| c.is_ascii_digit())
                    {
                        assigns.push((name.to_owned(), value.to_owned()));
                        self.pos += 1;
                        continue;
                    }
                }
            }
            words.push(w);
            self.pos += 1;
        }
        if words.is_empty() && assigns.is_empty() && redirects.is_empty() {
            return Err(match self.peek() {
                Some(Tok::Op(op)) => format!("Syntax error: \"{op}\" unexpected"),
                Some(Tok::Word(w)) => format!("Syntax error: \"{w}\" unexpected"),
                _ => "Syntax error: end of file unexpected".into(),
            });
        }
        Ok(Command::Simple {
            assigns,
            words,
            redirects,
        })
    }

    /// A redirection: past its operator token, the target word.
    fn redirect(&mut self, fd: u32, op: RedirOp) -> Result<Redirect, String> {
        self.pos += 1;
        let Some(Tok::Word(target)) = self.peek().cloned() else {
            return Err("Syntax error: redirection unexpected".into());
        };
        self.pos += 1;
        Ok(Redirect { fd, op, target })
    }

    fn if_command(&mut self) -> Result<Command, String> {
        self.pos += 1;
        let mut branches = Vec::new();
        let mut otherwise = None;
        loop {
            let cond = self.list(&["then"])?;
            self.expect_word("then")?;
            let body = self.list(&["elif", "else", "fi"])?;
            branches.push((cond, body));
            self.skip_newlines();
            match self.peek_word() {
                Some("elif") => self.pos += 1,
                Some("else") => {
                    self.pos += 1;
                    otherwise = Some(self.list(&["fi"])?);
                    self.expect_word("fi")?;
                    break;
                }
                _ => {
                    self.expect_word("fi")?;
                    break;
                }
            }
        }
        Ok(Command::If {
            branches,
            otherwise,
        })
    }

    fn for_command(&mut self) -> Result<Command, String> {
        self.pos += 1;
        let var = self
            .peek_word()
            .ok_or("Syntax error: bad for loop variable")?
            .to_owned();
        self.pos += 1;
        while matches!(self.peek(), Some(Tok::Newline)) {
            self.pos += 1;
        }
        let items = if self.peek_word() == Some("in") {
            self.pos += 1;
            let mut items = Vec::new();
            while let Some(w) = self.peek_word() {
                items.push(w.to_owned());
                self.pos += 1;
            }
            Some(items)
        } else {
            None
        };
        self.expect_word("do")?;
        let body = self.list(&["done"])?;
        self.expect_word("done")?;
        Ok(Command::For { var, items, body })
    }

    fn case_command(&mut self) -> Result<Command, String> {
        self.pos += 1;
        let word = self
            .peek_word()
            .ok_or("Syntax error: expected a word after case")?
            .to_owned();
        self.pos += 1;
        self.expect_word("in")?;
        let mut arms = Vec::new();
        loop {
            self.skip_newlines_only();
            if self.peek_word() == Some("esac") {
                self.pos += 1;
                break;
            }
            if self.peek() == Some(&Tok::Op("(")) {
                self.pos += 1;
            }
            let mut patterns = Vec::new();
            loop {
                let p = self
                    .peek_word()
                    .ok_or("Syntax error: expected a case pattern")?
                    .to_owned();
                patterns.push(p);
                self.pos += 1;
                if self.peek() == Some(&Tok::Op("|")) {
                    self.pos += 1;
                    continue;
                }
                break;
            }
            if self.peek() != Some(&Tok::Op(")")) {
                return Err("Syntax error: expected \")\" in case".into());
            }
            self.pos += 1;
            let body = self.list(&["esac"])?;
            arms.push((patterns, body));
            if self.peek() == Some(&Tok::Op(";;")) {
                self.pos += 1;
            }
        }
        Ok(Command::Case { word, arms })
    }

    fn skip_newlines_only(&mut self) {
        while matches!(self.peek(), Some(Tok::Newline)) {
            self.pos += 1;
        }
    }
}

/// Parses a script. Errors use dash's wording (`Syntax error: "fi" unexpected`).
pub fn parse_script(src: &str) -> Result<List, String> {
    let toks = tokenize(src)?;
    let mut p = Parser { toks, pos: 0 };
    let list = p.list(&[])?;
    p.skip_newlines();
    match p.peek() {
        None => Ok(list),
        Some(Tok::Op(op)) => Err(format!("Syntax error: \"{op}\" unexpected")),
        Some(Tok::Word(w)) => Err(format!("Syntax error: \"{w}\" unexpected")),
        Some(Tok::Newline) => Ok(list),
        Some(Tok::HereDoc(..)) => Err("Syntax error: redirection unexpected".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(c: &Command) -> Vec<String> {
        match c {
            Command::Simple { words, .. } => words.clone(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn lists_and_pipelines() {
        let list =
            parse_script("apt-get update && apt-get install -y x || true; echo \"a b\" | tee /f\n")
                .unwrap();
        assert_eq!(list.len(), 2);
        assert_eq!(list[0].rest.len(), 2);
        assert_eq!(words(&list[0].first.commands[0]), ["apt-get", "update"]);
        assert_eq!(words(&list[1].first.commands[0]), ["echo", "\"a b\""]);
        assert_eq!(list[1].first.commands.len(), 2);
    }

    #[test]
    fn redirections_assignments_and_continuations() {
        let list = parse_script("A=1 B='x y' cmd 2>&1 >>/var/log/x \\\n  arg >/dev/null").unwrap();
        match &list[0].first.commands[0] {
            Command::Simple {
                assigns,
                words,
                redirects,
            } => {
                assert_eq!(
                    assigns,
                    &[
                        ("A".to_owned(), "1".to_owned()),
                        ("B".to_owned(), "'x y'".to_owned())
                    ]
                );
                assert_eq!(words, &["cmd", "arg"]);
                assert_eq!(redirects.len(), 3);
                assert_eq!(
                    (
                        redirects[0].fd,
                        redirects[0].op,
                        redirects[0].target.as_str()
                    ),
                    (2, RedirOp::Dup, "1")
                );
                assert_eq!(redirects[1].op, RedirOp::Append);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn compound_commands() {
        let src = "set -ex; for f in a b; do mkdir -p /x/$f; done; if [ -f /a ]; then echo y; elif true; then :; else echo n; fi\ncase \"$(uname -m)\" in x86_64|amd64) A=1;; *) A=2;; esac\n( cd /tmp && ls ) ; { echo a; echo b; }";
        let list = parse_script(src).unwrap();
        assert!(matches!(list[1].first.commands[0], Command::For { .. }));
        assert!(
            matches!(&list[2].first.commands[0], Command::If { branches, otherwise: Some(_) } if branches.len() == 2)
        );
        assert!(
            matches!(&list[3].first.commands[0], Command::Case { arms, .. } if arms.len() == 2)
        );
        assert!(matches!(list[4].first.commands[0], Command::Subshell(_)));
        assert!(matches!(list[5].first.commands[0], Command::Group(_)));
        assert_eq!(
            parse_script("if true; then echo; fi fi").unwrap_err(),
            "Syntax error: \"fi\" unexpected"
        );
        assert!(parse_script("echo 'open").is_err());
    }

    #[test]
    fn function_definitions() {
        let list = parse_script(":(){ :|:& };:").unwrap();
        let Command::Function { name, body } = &list[0].first.commands[0] else {
            panic!("not a function: {list:?}");
        };
        assert_eq!(name, ":");
        assert!(matches!(**body, Command::Group(ref l) if l[0].first.commands.len() == 2));
        assert_eq!(words(&list[1].first.commands[0]), [":"]);
        let list = parse_script("greet() {\n echo hi\n}\ngreet").unwrap();
        assert!(
            matches!(&list[0].first.commands[0], Command::Function { name, .. } if name == "greet")
        );
        assert!(parse_script("f() echo hi").is_err());
    }
}
