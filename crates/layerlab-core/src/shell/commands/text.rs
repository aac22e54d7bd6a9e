//! Text filters over standard input: `tr`.

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
