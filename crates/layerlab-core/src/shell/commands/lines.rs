//! Line filters over standard input or files, as GNU coreutils prints them:
//! `head`, `tail`, `wc`, `sort` (C locale; `-r`, `-u`, `-n`), `uniq` (`-c`,
//! `-d`, `-u`) and `cut` (`-d`/`-f`, `-c`). Text that comes from a command
//! layerlab could not simulate, or a file whose content it does not hold, is
//! unknown: the command is noted instead.

use crate::fs::Node;

use super::{fail, missing, out};
use crate::shell::interp::Interp;

/// The text a filter reads: its files, else standard input. `Err` carries the
/// exit status when it could not be read or is not known (then noted).
fn input(sh: &mut Interp<'_>, argv: &[String], files: &[String]) -> Result<String, i32> {
    let unknown = |sh: &mut Interp<'_>| Err(super::unknown_input(sh, argv));
    if files.is_empty() || files.iter().all(|f| f == "-") {
        if sh.stdin_unknown {
            return unknown(sh);
        }
        return Ok(std::mem::take(&mut sh.stdin));
    }
    let mut text = String::new();
    for f in files {
        let p = sh.abs(f);
        match sh.tree.get(&p) {
            Some(Node::File { content, .. }) => match content.as_bytes() {
                Some(b) => text.push_str(&String::from_utf8_lossy(b)),
                None => return unknown(sh),
            },
            Some(Node::Dir { .. }) => {
                return Err(fail(sh, format!("{}: {f}: Is a directory", argv[0]), 1));
            }
            _ => {
                let message = format!("{}: {f}: No such file or directory", argv[0]);
                return Err(missing(sh, message, 1));
            }
        }
    }
    Ok(text)
}

/// Splits into lines keeping what each ends with (a last line may have no newline).
fn split_lines(text: &str) -> Vec<&str> {
    text.split_inclusive('\n').collect()
}

/// `-n N`, `-nN`, `-N`, `--lines=N` (and `-c` for bytes): the count and
/// whether it counts bytes; the remaining operands are files.
fn count_and_files(args: &[String]) -> Result<(String, bool, Vec<String>), String> {
    let mut count = "10".to_owned();
    let mut bytes = false;
    let mut files = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        i += 1;
        if a == "-n" || a == "-c" {
            bytes = a == "-c";
            count = args.get(i).cloned().ok_or("option requires an argument")?;
            i += 1;
        } else if let Some(n) = a.strip_prefix("--lines=") {
            count = n.to_owned();
        } else if let Some(n) = a.strip_prefix("--bytes=") {
            (count, bytes) = (n.to_owned(), true);
        } else if let Some(n) = a.strip_prefix("-n").or_else(|| a.strip_prefix("-c")) {
            bytes = a.starts_with("-c");
            count = n.to_owned();
        } else if a.len() > 1 && a.starts_with('-') && a[1..].chars().all(|c| c.is_ascii_digit()) {
            count = a[1..].to_owned();
        } else if a.starts_with('-') && a.len() > 1 {
            // -q, -v and the like change nothing here.
        } else {
            files.push(a.clone());
        }
    }
    Ok((count, bytes, files))
}

/// `head` and `tail`.
pub(super) fn head_or_tail(sh: &mut Interp<'_>, argv: &[String]) -> i32 {
    let tail = argv[0] == "tail";
    let (count, bytes, files) = match count_and_files(&argv[1..]) {
        Ok(v) => v,
        Err(e) => return fail(sh, format!("{}: {e}", argv[0]), 1),
    };
    let from_start = tail && count.starts_with('+');
    let Ok(n) = count.trim_start_matches('+').parse::<usize>() else {
        let what = if bytes { "bytes" } else { "lines" };
        return fail(
            sh,
            format!("{}: invalid number of {what}: '{count}'", argv[0]),
            1,
        );
    };
    let text = match input(sh, argv, &files) {
        Ok(t) => t,
        Err(code) => return code,
    };
    let picked: String = if bytes {
        let b = text.as_bytes();
        let range = match (tail, from_start) {
            (false, _) => 0..n.min(b.len()),
            (true, true) => n.saturating_sub(1).min(b.len())..b.len(),
            (true, false) => b.len().saturating_sub(n)..b.len(),
        };
        String::from_utf8_lossy(&b[range]).into_owned()
    } else {
        let lines = split_lines(&text);
        let range = match (tail, from_start) {
            (false, _) => 0..n.min(lines.len()),
            (true, true) => n.saturating_sub(1).min(lines.len())..lines.len(),
            (true, false) => lines.len().saturating_sub(n)..lines.len(),
        };
        lines[range].concat()
    };
    out(sh, &picked)
}

/// `wc [-l] [-w] [-c|-m] [FILE…]`.
pub(super) fn wc(sh: &mut Interp<'_>, argv: &[String]) -> i32 {
    let (flags, files) = super::flags_and_operands(&argv[1..]);
    let mut wanted: Vec<char> = "lwcm".chars().filter(|f| flags.contains(*f)).collect();
    if wanted.is_empty() {
        wanted = vec!['l', 'w', 'c'];
    }
    let named: Vec<String> = if files.is_empty() {
        vec![String::new()]
    } else {
        files.clone()
    };
    let mut rows = Vec::new();
    for name in &named {
        let one = if name.is_empty() {
            Vec::new()
        } else {
            vec![name.clone()]
        };
        let text = match input(sh, argv, &one) {
            Ok(t) => t,
            Err(code) => return code,
        };
        let counts: Vec<usize> = wanted
            .iter()
            .map(|f| match f {
                'l' => text.matches('\n').count(),
                'w' => text.split_whitespace().count(),
                'm' => text.chars().count(),
                _ => text.len(),
            })
            .collect();
        rows.push((counts, name.clone()));
    }
    if rows.len() > 1 {
        let totals = (0..wanted.len())
            .map(|i| rows.iter().map(|(c, _)| c[i]).sum())
            .collect();
        rows.push((totals, "total".into()));
    }
    // One count of standard input prints bare; otherwise GNU pads to the
    // widest count (7 for standard input).
    let single = wanted.len() == 1 && files.len() <= 1;
    let width = if single {
        0
    } else if files.is_empty() {
        7
    } else {
        rows.iter()
            .flat_map(|(c, _)| c.iter())
            .map(|n| n.to_string().len())
            .max()
            .unwrap_or(1)
    };
    let text: String = rows
        .iter()
        .map(|(counts, name)| {
            let numbers: Vec<String> = counts.iter().map(|n| format!("{n:>width$}")).collect();
            let line = numbers.join(" ");
            if name.is_empty() {
                format!("{line}\n")
            } else {
                format!("{line} {name}\n")
            }
        })
        .collect();
    out(sh, &text)
}

/// `sort [-r] [-u] [-n] [FILE…]` in the C locale; keys (`-k`, `-t`) are not simulated.
pub(super) fn sort(sh: &mut Interp<'_>, argv: &[String]) -> i32 {
    if argv
        .iter()
        .any(|a| a.starts_with("-k") || a.starts_with("-t") || a.starts_with("--key"))
    {
        return super::other(sh, argv);
    }
    let (flags, files) = super::flags_and_operands(&argv[1..]);
    let text = match input(sh, argv, &files) {
        Ok(t) => t,
        Err(code) => return code,
    };
    let mut lines: Vec<&str> = text.lines().collect();
    let numeric = flags.contains('n');
    let compare = |a: &str, b: &str| {
        if numeric {
            compare_numbers(a, b)
        } else {
            a.cmp(b)
        }
    };
    lines.sort_by(|a, b| {
        let by = compare(a, b).then_with(|| a.cmp(b));
        if flags.contains('r') {
            by.reverse()
        } else {
            by
        }
    });
    if flags.contains('u') {
        lines.dedup_by(|a, b| compare(a, b).is_eq());
    }
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    out(sh, &text)
}

/// `sort -n`'s order of two lines by their leading numbers (`-3`, `10`,
/// `2.50`; no number is 0), compared as decimal text: no float parsing, whose
/// tables would weigh 20 kB in the page.
fn compare_numbers(a: &str, b: &str) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    // (negative, integer digits without leading zeros, fraction without trailing zeros)
    fn parts(line: &str) -> (bool, &str, &str) {
        let t = line.trim_start();
        let (negative, t) = match t.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, t),
        };
        let int_end = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
        let int = t[..int_end].trim_start_matches('0');
        let frac = t[int_end..]
            .strip_prefix('.')
            .map(|f| {
                let end = f.find(|c: char| !c.is_ascii_digit()).unwrap_or(f.len());
                f[..end].trim_end_matches('0')
            })
            .unwrap_or("");
        // -0 is 0.
        (negative && !(int.is_empty() && frac.is_empty()), int, frac)
    }
    let (an, ai, af) = parts(a);
    let (bn, bi, bf) = parts(b);
    let magnitude = ai.len().cmp(&bi.len()).then(ai.cmp(bi)).then(af.cmp(bf));
    match (an, bn) {
        (false, false) => magnitude,
        (true, true) => magnitude.reverse(),
        (true, false) => Ordering::Less,
        (false, true) => Ordering::Greater,
    }
}

/// `uniq [-c] [-d] [-u] [FILE]`: adjacent repeats.
pub(super) fn uniq(sh: &mut Interp<'_>, argv: &[String]) -> i32 {
    let (flags, files) = super::flags_and_operands(&argv[1..]);
    let text = match input(sh, argv, &files[..files.len().min(1)]) {
        Ok(t) => t,
        Err(code) => return code,
    };
    let mut groups: Vec<(&str, usize)> = Vec::new();
    for line in text.lines() {
        match groups.last_mut() {
            Some((l, n)) if *l == line => *n += 1,
            _ => groups.push((line, 1)),
        }
    }
    let text: String = groups
        .iter()
        // -d keeps repeated lines only, -u unrepeated ones only.
        .filter(|(_, n)| (*n > 1 || !flags.contains('d')) && (*n == 1 || !flags.contains('u')))
        .map(|(l, n)| {
            if flags.contains('c') {
                format!("{n:>7} {l}\n")
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    out(sh, &text)
}

/// `cut -d SEP -f LIST` or `cut -c LIST` (`1`, `1,3`, `2-`, `-2`, `1-3`).
pub(super) fn cut(sh: &mut Interp<'_>, argv: &[String]) -> i32 {
    let mut delimiter = '\t';
    let mut list = None;
    let mut by_chars = false;
    let mut files = Vec::new();
    let mut i = 1;
    while i < argv.len() {
        let a = &argv[i];
        i += 1;
        let mut value = |flag: &str| -> Option<String> {
            if a == flag {
                i += 1;
                argv.get(i - 1).cloned()
            } else {
                a.strip_prefix(flag).map(str::to_owned)
            }
        };
        if let Some(d) = value("-d") {
            delimiter = d.chars().next().unwrap_or('\t');
        } else if let Some(f) = value("-f") {
            list = Some(f);
        } else if let Some(c) = value("-c") {
            (list, by_chars) = (Some(c), true);
        } else {
            files.push(a.clone());
        }
    }
    let Some(ranges) = list.as_deref().and_then(parse_list) else {
        return fail(
            sh,
            "cut: you must specify a list of bytes, characters, or fields".into(),
            1,
        );
    };
    let text = match input(sh, argv, &files) {
        Ok(t) => t,
        Err(code) => return code,
    };
    let wanted = |n: usize| ranges.iter().any(|(lo, hi)| (*lo..=*hi).contains(&n));
    let mut result = String::new();
    for line in text.lines() {
        if by_chars {
            result.extend(
                line.chars()
                    .enumerate()
                    .filter(|(i, _)| wanted(i + 1))
                    .map(|(_, c)| c),
            );
        } else if !line.contains(delimiter) {
            // A line without the delimiter is printed whole, as cut does.
            result.push_str(line);
        } else {
            let fields: Vec<&str> = line
                .split(delimiter)
                .enumerate()
                .filter(|(i, _)| wanted(i + 1))
                .map(|(_, f)| f)
                .collect();
            result.push_str(&fields.join(&delimiter.to_string()));
        }
        result.push('\n');
    }
    out(sh, &result)
}

/// A cut list as inclusive 1-based ranges.
fn parse_list(list: &str) -> Option<Vec<(usize, usize)>> {
    list.split(',')
        .map(|part| {
            let (lo, hi) = match part.split_once('-') {
                Some((lo, hi)) => (
                    if lo.is_empty() { 1 } else { lo.parse().ok()? },
                    if hi.is_empty() {
                        usize::MAX
                    } else {
                        hi.parse().ok()?
                    },
                ),
                None => {
                    let n = part.parse().ok()?;
                    (n, n)
                }
            };
            (lo >= 1 && lo <= hi).then_some((lo, hi))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_compare_as_sort_n_does() {
        use std::cmp::Ordering::*;
        let cases = [
            ("2", "10", Less),
            ("-3", "2", Less),
            ("-3", "-20", Greater),
            ("2.50", "2.5", Equal),
            ("007", "7", Equal),
            ("x", "0", Equal),
            ("-0", "0", Equal),
            ("1.05", "1.5", Less),
            ("  12abc", "9", Greater),
        ];
        for (a, b, want) in cases {
            assert_eq!(compare_numbers(a, b), want, "{a} vs {b}");
        }
    }

    #[test]
    fn cut_lists() {
        assert_eq!(
            parse_list("1,3-4,6-"),
            Some(vec![(1, 1), (3, 4), (6, usize::MAX)])
        );
        assert_eq!(parse_list("-2"), Some(vec![(1, 2)]));
        assert_eq!(parse_list("0"), None);
        assert_eq!(parse_list("x"), None);
    }
}
