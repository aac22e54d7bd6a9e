//! Text filters over standard input: `tr`, and the one-line `awk` programs
//! Dockerfiles use to pick fields (`awk -F- '{ print $NF }'`).

use super::{fail, out};
use crate::shell::interp::Interp;

/// `tr [-d] [-s] SET1 [SET2]`: translate, delete or squeeze characters.
pub(super) fn tr(sh: &mut Interp<'_>, args: &[String]) -> i32 {
    let mut delete = false;
    let mut squeeze = false;
    let mut sets = Vec::new();
    for a in args {
        match a.as_str() {
            "-d" => delete = true,
            "-s" => squeeze = true,
            "-ds" | "-sd" => {
                delete = true;
                squeeze = true;
            }
            _ => sets.push(expand_set(a)),
        }
    }
    let Some(set1) = sets.first() else {
        return fail(sh, "tr: missing operand".into(), 1);
    };
    let set2 = sets.get(1);
    let mut text = String::new();
    let mut last: Option<char> = None;
    for c in sh.stdin.chars() {
        let mapped = if delete && set1.contains(&c) {
            continue;
        } else if let (Some(set2), false, Some(i)) =
            (set2, delete, set1.iter().position(|x| *x == c))
        {
            // SET2 shorter than SET1 repeats its last character, as GNU tr does.
            set2.get(i).or(set2.last()).copied().unwrap_or(c)
        } else {
            c
        };
        let squeeze_set = if delete { set2 } else { set2.or(Some(set1)) };
        if squeeze && last == Some(mapped) && squeeze_set.is_some_and(|s| s.contains(&mapped)) {
            continue;
        }
        last = Some(mapped);
        text.push(mapped);
    }
    out(sh, &text)
}

/// A tr set: ranges (`a-z`), classes (`[:upper:]`…) and escapes (`\n`).
fn expand_set(spec: &str) -> Vec<char> {
    type Class = (&'static str, fn(char) -> bool);
    let classes: [Class; 6] = [
        ("[:upper:]", |c| c.is_ascii_uppercase()),
        ("[:lower:]", |c| c.is_ascii_lowercase()),
        ("[:digit:]", |c| c.is_ascii_digit()),
        ("[:space:]", |c| c.is_ascii_whitespace()),
        ("[:alpha:]", |c| c.is_ascii_alphabetic()),
        ("[:alnum:]", |c| c.is_ascii_alphanumeric()),
    ];
    let mut out = Vec::new();
    let mut rest = spec;
    while !rest.is_empty() {
        if let Some((name, test)) = classes.iter().find(|(n, _)| rest.starts_with(n)) {
            out.extend((0u8..128).map(char::from).filter(|c| test(*c)));
            rest = &rest[name.len()..];
            continue;
        }
        let mut chars = rest.chars();
        let mut c = chars.next().unwrap_or_default();
        if c == '\\' {
            c = match chars.next() {
                Some('n') => '\n',
                Some('t') => '\t',
                Some(other) => other,
                None => '\\',
            };
        }
        let after = chars.as_str();
        if let Some(tail) = after.strip_prefix('-') {
            if let Some(hi) = tail.chars().next() {
                out.extend(c..=hi);
                rest = &tail[hi.len_utf8()..];
                continue;
            }
        }
        out.push(c);
        rest = after;
    }
    out
}

/// One item of an awk `print`: a field or a string.
enum Item {
    /// `$N` (`$0` is the whole line).
    Field(usize),
    /// `$NF` (0) or `$(NF-k)` (k).
    FromLast(usize),
    Text(String),
}

/// Parses `{ print ITEM, ITEM… }`; anything else is not simulated.
fn print_program(program: &str) -> Option<Vec<Item>> {
    let inner = program.trim().strip_prefix('{')?.strip_suffix('}')?;
    let inner = inner.trim().trim_end_matches(';').trim();
    let rest = inner.strip_prefix("print")?;
    if !rest.is_empty() && !rest.starts_with(char::is_whitespace) {
        return None;
    }
    if rest.trim().is_empty() {
        return Some(vec![Item::Field(0)]);
    }
    rest.split(',')
        .map(|item| {
            let item = item.trim();
            if let Some(text) = item.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
                return (!text.contains(['"', '\\'])).then(|| Item::Text(text.to_owned()));
            }
            let field = item.strip_prefix('$')?;
            let field = field
                .strip_prefix('(')
                .and_then(|f| f.strip_suffix(')'))
                .unwrap_or(field)
                .replace(' ', "");
            if field == "NF" {
                return Some(Item::FromLast(0));
            }
            if let Some(k) = field.strip_prefix("NF-") {
                return k.parse().ok().map(Item::FromLast);
            }
            field.parse().ok().map(Item::Field)
        })
        .collect()
}

/// `awk [-F SEP] '{ print … }' [FILE…]`: prints fields of each line. Other
/// programs (patterns, variables, functions) are noted, not simulated.
pub(super) fn awk(sh: &mut Interp<'_>, argv: &[String]) -> i32 {
    let mut sep: Option<String> = None;
    let mut i = 1;
    while let Some(a) = argv.get(i) {
        if a == "-F" {
            sep = argv.get(i + 1).cloned();
            i += 2;
        } else if let Some(s) = a.strip_prefix("-F") {
            sep = Some(s.to_owned());
            i += 1;
        } else {
            break;
        }
    }
    let sep = sep.map(|s| if s == "\\t" { "\t".to_owned() } else { s });
    let program = argv.get(i).and_then(|p| print_program(p));
    // Only a single-character separator (or the default, runs of blanks).
    let simple_sep = sep.as_ref().is_none_or(|s| s.chars().count() == 1);
    let (Some(items), true, false) = (program, simple_sep, sh.stdin_unknown) else {
        return super::other(sh, argv);
    };
    let files = &argv[i + 1..];
    let mut input = String::new();
    if files.is_empty() {
        input = std::mem::take(&mut sh.stdin);
    }
    for f in files {
        let p = sh.abs(f);
        match sh.tree.get(&p) {
            Some(crate::fs::Node::File { content, .. }) => match content.as_bytes() {
                Some(b) => input.push_str(&String::from_utf8_lossy(b)),
                None => return super::other(sh, argv),
            },
            _ => {
                return super::missing(
                    sh,
                    format!("awk: cannot open \"{f}\" (No such file or directory)"),
                    2,
                )
            }
        }
    }
    let mut text = String::new();
    for line in input.lines() {
        let fields: Vec<&str> = match &sep {
            Some(s) if s != " " => line.split(s.as_str()).collect(),
            _ => line.split_whitespace().collect(),
        };
        let values: Vec<&str> = items
            .iter()
            .map(|item| match item {
                Item::Field(0) => line,
                Item::Field(n) => fields.get(n - 1).copied().unwrap_or(""),
                Item::FromLast(k) => fields
                    .len()
                    .checked_sub(k + 1)
                    .and_then(|n| fields.get(n))
                    .copied()
                    .unwrap_or(""),
                Item::Text(t) => t.as_str(),
            })
            .collect();
        text.push_str(&values.join(" "));
        text.push('\n');
    }
    out(sh, &text)
}

#[cfg(test)]
mod tests {
    use super::expand_set;

    #[test]
    fn sets_expand_ranges_and_classes() {
        assert_eq!(expand_set("a-c"), ['a', 'b', 'c']);
        assert_eq!(expand_set("3"), ['3']);
        assert_eq!(expand_set("[:digit:]").len(), 10);
        assert_eq!(expand_set("\\n,"), ['\n', ',']);
    }
}
