//! `find` over the image's files and `xargs`, the pair Dockerfiles use to
//! clean up (`find /usr/local -name '*.pyc' -delete`,
//! `find … -exec rm -rf '{}' +`, `find … -print0 | xargs -0 rm -f`).
//!
//! `find` takes start paths and an expression of tests (`-name`, `-iname`,
//! `-path`, `-type`, `-empty`, `-executable`), operators (`!`/`-not`, `-a`, `-o`, parentheses)
//! and actions (`-print`, `-print0`, `-delete`, `-exec … ;` / `-exec … +`),
//! with `-maxdepth`/`-mindepth`. Matches are collected first and acted on
//! deepest first, as `-delete` does. A test it does not know (`-newer`,
//! `-size`, `-perm`…) makes the whole command a noted, not simulated one.

use crate::build::Note;
use crate::fs::glob::glob_match;
use crate::fs::{path, Node};

use super::{fail, missing, out};
use crate::shell::interp::Interp;

/// A parsed `find` expression.
#[derive(Debug)]
enum Expr {
    Name { pattern: String, fold: bool },
    Path(String),
    Type(char),
    Empty,
    Executable,
    Not(Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Print { nul: bool },
    Delete,
    Exec { argv: Vec<String>, batch: bool },
    True,
}

/// The options that are not part of the expression.
#[derive(Default)]
struct Options {
    min_depth: usize,
    max_depth: Option<usize>,
}

struct Parser<'a> {
    args: &'a [String],
    pos: usize,
    options: Options,
    has_action: bool,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&str> {
        self.args.get(self.pos).map(String::as_str)
    }

    fn or(&mut self) -> Result<Expr, String> {
        let mut left = self.and()?;
        while matches!(self.peek(), Some("-o" | "-or")) {
            self.pos += 1;
            left = Expr::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Expr, String> {
        let mut left = self.unary()?;
        loop {
            match self.peek() {
                Some("-a" | "-and") => self.pos += 1,
                None | Some("-o" | "-or" | ")") => return Ok(left),
                _ => {}
            }
            left = Expr::And(Box::new(left), Box::new(self.unary()?));
        }
    }

    fn unary(&mut self) -> Result<Expr, String> {
        match self.peek() {
            Some("!" | "-not") => {
                self.pos += 1;
                Ok(Expr::Not(Box::new(self.unary()?)))
            }
            Some("(") => {
                self.pos += 1;
                let e = self.or()?;
                if self.peek() != Some(")") {
                    return Err("find: invalid expression; I was expecting to find a ')' somewhere but did not see one.".into());
                }
                self.pos += 1;
                Ok(e)
            }
            _ => self.primary(),
        }
    }

    fn value(&mut self, name: &str) -> Result<String, String> {
        let v = self
            .args
            .get(self.pos)
            .cloned()
            .ok_or_else(|| format!("find: missing argument to `{name}'"))?;
        self.pos += 1;
        Ok(v)
    }

    fn primary(&mut self) -> Result<Expr, String> {
        let Some(word) = self.peek().map(str::to_owned) else {
            return Err("find: invalid expression".into());
        };
        self.pos += 1;
        let depth = |v: String| {
            v.parse::<usize>()
                .map_err(|_| format!("find: invalid argument `{v}' to `{word}'"))
        };
        Ok(match word.as_str() {
            "-name" => Expr::Name {
                pattern: self.value(&word)?,
                fold: false,
            },
            "-iname" => Expr::Name {
                pattern: self.value(&word)?.to_ascii_lowercase(),
                fold: true,
            },
            "-path" | "-wholename" => Expr::Path(self.value(&word)?),
            "-type" => {
                let t = self.value(&word)?;
                match t.as_str() {
                    "f" | "d" | "l" => Expr::Type(t.chars().next().unwrap_or('f')),
                    _ => return Err(format!("find: Unknown argument to -type: {t}")),
                }
            }
            "-empty" => Expr::Empty,
            "-executable" => Expr::Executable,
            "-maxdepth" => {
                self.options.max_depth = Some(depth(self.value(&word)?)?);
                Expr::True
            }
            "-mindepth" => {
                self.options.min_depth = depth(self.value(&word)?)?;
                Expr::True
            }
            "-depth" | "-xdev" | "-mount" | "-ignore_readdir_race" | "-noleaf" => Expr::True,
            "-print" | "-print0" => {
                self.has_action = true;
                Expr::Print {
                    nul: word == "-print0",
                }
            }
            "-delete" => {
                self.has_action = true;
                Expr::Delete
            }
            "-exec" | "-execdir" => {
                self.has_action = true;
                let mut argv = Vec::new();
                loop {
                    let Some(a) = self.args.get(self.pos) else {
                        return Err(format!("find: missing argument to `{word}'"));
                    };
                    self.pos += 1;
                    if a == ";" {
                        break Expr::Exec { argv, batch: false };
                    }
                    if a == "+" && argv.last().is_some_and(|l: &String| l == "{}") {
                        argv.pop();
                        return Ok(Expr::Exec { argv, batch: true });
                    }
                    argv.push(a.clone());
                }
            }
            other => return Err(format!("unknown:{other}")),
        })
    }
}

/// One file find visits: the path it prints, the absolute path, its type
/// (`f`, `d`, `l`), whether it is empty, its depth.
struct Visit {
    shown: String,
    abs: String,
    kind: char,
    empty: bool,
    /// Any execute bit is set (layerlab runs RUN as root, for whom any bit
    /// makes a file executable).
    executable: bool,
    depth: usize,
}

/// What the expression asks to do with the matches.
#[derive(Default)]
struct Actions {
    printed: String,
    delete: Vec<(String, String)>,
    exec_each: Vec<(Vec<String>, String)>,
    exec_batch: Vec<(Vec<String>, Vec<String>)>,
}

fn eval(e: &Expr, v: &Visit, actions: &mut Actions) -> bool {
    match e {
        Expr::Name { pattern, fold } => {
            let trimmed = v.shown.trim_end_matches('/');
            let base = if trimmed.is_empty() {
                "/"
            } else {
                trimmed.rsplit('/').next().unwrap_or(trimmed)
            };
            if *fold {
                glob_match(pattern, &base.to_ascii_lowercase())
            } else {
                glob_match(pattern, base)
            }
        }
        // fnmatch without FNM_PATHNAME, as find uses it: `*`, `?` and
        // `[…]` match `/` too, which the shared matcher does.
        Expr::Path(pattern) => glob_match(pattern, &v.shown),
        Expr::Type(t) => *t == v.kind,
        Expr::Empty => v.empty,
        Expr::Executable => v.executable,
        Expr::Not(x) => !eval(x, v, actions),
        Expr::And(a, b) => eval(a, v, actions) && eval(b, v, actions),
        Expr::Or(a, b) => eval(a, v, actions) || eval(b, v, actions),
        Expr::Print { nul } => {
            actions.printed.push_str(&v.shown);
            actions.printed.push(if *nul { '\0' } else { '\n' });
            true
        }
        Expr::Delete => {
            actions.delete.push((v.shown.clone(), v.abs.clone()));
            true
        }
        Expr::Exec { argv, batch: false } => {
            actions.exec_each.push((argv.clone(), v.shown.clone()));
            true
        }
        Expr::Exec { argv, batch: true } => {
            match actions.exec_batch.iter_mut().find(|(a, _)| a == argv) {
                Some((_, paths)) => paths.push(v.shown.clone()),
                None => actions
                    .exec_batch
                    .push((argv.clone(), vec![v.shown.clone()])),
            }
            true
        }
        Expr::True => true,
    }
}

fn walk(sh: &Interp<'_>, shown: &str, abs: &str, depth: usize, out: &mut Vec<Visit>) {
    let Some(node) = sh.tree.get(abs) else {
        return;
    };
    let (kind, empty, children): (char, bool, Vec<String>) = match node {
        Node::Dir { entries, .. } => (
            'd',
            entries.is_empty(),
            entries.keys().map(|k| k.to_string()).collect(),
        ),
        Node::File { content, .. } => ('f', content.size() == 0, Vec::new()),
        Node::Symlink { .. } => ('l', false, Vec::new()),
    };
    out.push(Visit {
        shown: shown.to_owned(),
        abs: abs.to_owned(),
        kind,
        empty,
        executable: node.meta().mode & 0o111 != 0,
        depth,
    });
    for name in children {
        let shown_child = if shown.ends_with('/') {
            format!("{shown}{name}")
        } else {
            format!("{shown}/{name}")
        };
        walk(sh, &shown_child, &path::child(abs, &name), depth + 1, out);
    }
}

pub(super) fn find(sh: &mut Interp<'_>, argv: &[String]) -> i32 {
    let args = &argv[1..];
    let split = args
        .iter()
        .position(|a| a.starts_with('-') || a == "!" || a == "(")
        .unwrap_or(args.len());
    let (starts, expr_args) = args.split_at(split);
    let mut parser = Parser {
        args: expr_args,
        pos: 0,
        options: Options::default(),
        has_action: false,
    };
    let parsed = if expr_args.is_empty() {
        Ok(Expr::True)
    } else {
        parser.or().and_then(|e| match parser.peek() {
            None => Ok(e),
            Some(extra) => Err(format!("find: paths must precede expression: `{extra}'")),
        })
    };
    let expr = match parsed {
        Ok(e) => e,
        Err(e) if e.starts_with("unknown:") => return super::other(sh, argv),
        Err(e) => return fail(sh, e, 1),
    };
    let expr = if parser.has_action {
        expr
    } else {
        Expr::And(Box::new(expr), Box::new(Expr::Print { nul: false }))
    };
    let starts: Vec<String> = if starts.is_empty() {
        vec![".".into()]
    } else {
        starts.to_vec()
    };
    let mut status = 0;
    let mut visits = Vec::new();
    for s in &starts {
        let abs = sh.abs(s);
        if !sh.tree.exists(&abs) {
            status = missing(sh, format!("find: '{s}': No such file or directory"), 1);
            continue;
        }
        walk(sh, s, &sh.tree.resolve(&abs), 0, &mut visits);
    }
    let mut actions = Actions::default();
    for v in visits.iter().filter(|v| {
        v.depth >= parser.options.min_depth
            && parser.options.max_depth.is_none_or(|max| v.depth <= max)
    }) {
        eval(&expr, v, &mut actions);
    }
    out(sh, &actions.printed);
    // Deepest first, so a directory's files go before it does.
    for (shown, abs) in actions.delete.iter().rev() {
        let non_empty =
            matches!(sh.tree.get(abs), Some(Node::Dir { entries, .. }) if !entries.is_empty());
        if non_empty {
            status = fail(
                sh,
                format!("find: cannot delete '{shown}': Directory not empty"),
                1,
            );
        } else {
            let _ = sh.tree.remove(abs);
        }
    }
    let each = actions.exec_each.len();
    for (n, (argv, shown)) in actions.exec_each.into_iter().enumerate() {
        let argv: Vec<String> = argv.iter().map(|a| a.replace("{}", &shown)).collect();
        let notes_before = sh.notes.len();
        if !argv.is_empty() && super::run(sh, &argv) != 0 {
            status = 1;
        }
        // A command layerlab does not simulate is noted once, not per file.
        let program = argv.first().map_or("", String::as_str);
        if sh.notes[notes_before..].iter().any(|note| {
            note.is_unsimulated()
                && note.text.starts_with(&format!("not simulated: {program}"))
                && note.text.ends_with("assumed to change no files")
        }) {
            if each > n + 1 {
                sh.notes.push(Note::unsimulated(format!(
                    "{program} for {} more files found, assumed to change no files",
                    each - n - 1
                )));
            }
            break;
        }
    }
    for (mut argv, paths) in actions.exec_batch {
        argv.extend(paths);
        if !argv.is_empty() && super::run(sh, &argv) != 0 {
            status = 1;
        }
    }
    status
}

/// `xargs [-0] [-r] [-t] [-n N] [COMMAND [ARGS]]`: runs the command with the
/// words read from standard input appended.
pub(super) fn xargs(sh: &mut Interp<'_>, argv: &[String]) -> i32 {
    let mut i = 1;
    let (mut nul, mut no_empty, mut trace, mut per) = (false, false, false, None::<usize>);
    while let Some(a) = argv.get(i) {
        match a.as_str() {
            "--null" => nul = true,
            "--no-run-if-empty" => no_empty = true,
            "--verbose" => trace = true,
            "-n" => {
                i += 1;
                per = argv.get(i).and_then(|n| n.parse().ok()).filter(|n| *n > 0);
            }
            // Short flags, alone or together (`-rt`, `-0r`).
            a if a.starts_with('-') && a.len() > 1 && a[1..].chars().all(|c| "0rt".contains(c)) => {
                nul |= a.contains('0');
                no_empty |= a.contains('r');
                trace |= a.contains('t');
            }
            a if a.starts_with('-') && a.len() > 1 => {
                // Options that change what is run (-I, -L, -P…): not simulated.
                return super::other(sh, argv);
            }
            _ => break,
        }
        i += 1;
    }
    if sh.stdin_unknown {
        return super::unknown_input(sh, argv);
    }
    let command: Vec<String> = if i < argv.len() {
        argv[i..].to_vec()
    } else {
        vec!["echo".into()]
    };
    let input = std::mem::take(&mut sh.stdin);
    let words: Vec<String> = if nul {
        input
            .split('\0')
            .filter(|w| !w.is_empty())
            .map(str::to_owned)
            .collect()
    } else {
        input.split_whitespace().map(str::to_owned).collect()
    };
    if words.is_empty() && no_empty {
        return 0;
    }
    let chunk = per.unwrap_or(words.len().max(1));
    let mut status = 0;
    let groups: Vec<&[String]> = if words.is_empty() {
        vec![&[]]
    } else {
        words.chunks(chunk).collect()
    };
    for group in groups {
        let mut run: Vec<String> = command.clone();
        run.extend(group.iter().cloned());
        if trace {
            sh.output.push(run.join(" "));
        }
        if super::run(sh, &run) != 0 {
            status = 123;
        }
    }
    status
}
