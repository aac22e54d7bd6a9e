//! Shell builtins: `echo`, `printf`, `cd`, `test`/`[`.

use crate::build::Note;
use crate::fs::{path, Node};

use super::out;
use crate::shell::interp::Interp;

pub(super) fn echo(sh: &mut Interp<'_>, args: &[String]) -> i32 {
    let (newline, words) = match args.first().map(String::as_str) {
        Some("-n") => (false, &args[1..]),
        Some("-e") => (true, &args[1..]),
        _ => (true, args),
    };
    let mut text = words.join(" ").replace("\\n", "\n").replace("\\t", "\t");
    if newline {
        text.push('\n');
    }
    out(sh, &text)
}

pub(super) fn printf(sh: &mut Interp<'_>, args: &[String]) -> i32 {
    let Some(format) = args.first() else { return 1 };
    let mut values = args[1..].iter();
    let mut text = String::new();
    let mut chars = format.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '%' => match chars.next() {
                Some('%') => text.push('%'),
                Some(_) => text.push_str(values.next().map(String::as_str).unwrap_or("")),
                None => text.push('%'),
            },
            '\\' => match chars.next() {
                Some('n') => text.push('\n'),
                Some('t') => text.push('\t'),
                Some(other) => text.push(other),
                None => text.push('\\'),
            },
            c => text.push(c),
        }
    }
    out(sh, &text)
}

pub(super) fn cd(sh: &mut Interp<'_>, args: &[String]) -> i32 {
    let target = args
        .first()
        .cloned()
        .unwrap_or_else(|| match super::home(sh) {
            h if h.is_empty() => "/".into(),
            h => h,
        });
    let p = sh.abs(&target);
    if sh.tree.get(&p).is_some_and(Node::is_dir) {
        sh.cwd = p;
        return 0;
    }
    let code = super::missing(sh, format!("/bin/sh: 1: cd: can't cd to {target}"), 2);
    if code == 0 && sh.tree.mkdir_all(&p, crate::fs::Meta::DIR).is_ok() {
        sh.cwd = p;
    }
    code
}

pub(super) fn test(sh: &mut Interp<'_>, args: &[String]) -> i32 {
    // A test of what an unsimulated command printed cannot be decided here.
    if sh.unknown_output {
        sh.notes.push(Note::unsimulated(format!(
            "test {}: it reads the output of a command layerlab could not simulate, assumed true",
            args.join(" ")
        )));
        return 0;
    }
    let whole = args.join(" ");
    let (negate, args) = match args.first().map(String::as_str) {
        Some("!") => (true, &args[1..]),
        _ => (false, args),
    };
    let result = match args {
        [] => false,
        [s] => !s.is_empty(),
        [op, f] => {
            let node = sh.tree.get(&sh.abs(f)).cloned();
            // A file an unsimulated command (of this script, or of an earlier
            // step) may have made: the files are not fully known then.
            let file_test = matches!(op.as_str(), "-e" | "-f" | "-d" | "-s" | "-x" | "-r" | "-w");
            if file_test && node.is_none() && !sh.strict_path {
                sh.notes.push(Note::unsimulated(format!(
                    "test {whole}: an earlier command layerlab could not simulate may have made {f}, assumed true"
                )));
                return 0;
            }
            match op.as_str() {
                "-e" => node.is_some(),
                "-f" => matches!(node, Some(Node::File { .. })),
                "-d" => matches!(node, Some(Node::Dir { .. })),
                "-s" => node.is_some_and(|n| n.own_size() > 0),
                "-x" => node.is_some_and(|n| n.meta().mode & 0o111 != 0),
                "-L" | "-h" => matches!(
                    sh.tree.get(&path::join(&sh.cwd, f)),
                    Some(Node::Symlink { .. })
                ),
                "-z" => f.is_empty(),
                "-n" => !f.is_empty(),
                _ => false,
            }
        }
        [a, op, b] => match op.as_str() {
            "=" | "==" => a == b,
            "!=" => a != b,
            "-eq" | "-ne" | "-lt" | "-le" | "-gt" | "-ge" => {
                let (x, y) = (a.parse::<i64>().unwrap_or(0), b.parse::<i64>().unwrap_or(0));
                match op.as_str() {
                    "-eq" => x == y,
                    "-ne" => x != y,
                    "-lt" => x < y,
                    "-le" => x <= y,
                    "-gt" => x > y,
                    _ => x >= y,
                }
            }
            _ => false,
        },
        _ => false,
    };
    i32::from(result == negate)
}
