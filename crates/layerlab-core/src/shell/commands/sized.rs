//! Commands that make a file of a stated size: `dd`, `fallocate`, `truncate`.
//! The file gets its declared size and a digest standing for its content; the
//! bytes are never allocated, so `fallocate -l 50G` costs nothing here and
//! still makes a 50 GB layer, as it would in Docker.

use crate::fs::{Content, Meta, Node};

use super::{fail, option_value};
use crate::shell::interp::Interp;

/// How fast `dd` writes: 1 GB/s (a stated assumption for simulated time).
const WRITE_BYTES_PER_MS: u64 = 1_000_000;

/// `dd if=… of=… bs=… count=…`.
pub(super) fn dd(sh: &mut Interp<'_>, args: &[String]) -> i32 {
    let operand = |key: &str| {
        args.iter()
            .find_map(|a| a.strip_prefix(key)?.strip_prefix('='))
            .map(str::to_owned)
    };
    let block = match operand("bs").or_else(|| operand("ibs")) {
        Some(v) => match parse_dd_size(&v) {
            Some(n) if n > 0 => n,
            _ => return fail(sh, format!("dd: invalid number: '{v}'"), 1),
        },
        None => 512,
    };
    let count = match operand("count") {
        Some(v) => match parse_dd_size(&v) {
            Some(n) => Some(n),
            None => return fail(sh, format!("dd: invalid number: '{v}'"), 1),
        },
        None => None,
    };
    let input = operand("if").unwrap_or_else(|| "/dev/stdin".into());
    let available = match input.as_str() {
        "/dev/zero" | "/dev/urandom" | "/dev/random" => None,
        "/dev/stdin" => Some(sh.stdin.len() as u64),
        other => match sh.tree.get(&sh.abs(other)) {
            Some(Node::File { content, .. }) => Some(content.size()),
            _ => {
                return fail(
                    sh,
                    format!("dd: failed to open '{other}': No such file or directory"),
                    1,
                )
            }
        },
    };
    let wanted = count.map(|c| c.saturating_mul(block));
    let bytes = match (wanted, available) {
        (Some(w), Some(a)) => w.min(a),
        (Some(w), None) => w,
        (None, Some(a)) => a,
        // `dd if=/dev/zero` without count= never ends.
        (None, None) => {
            return fail(
                sh,
                format!("dd: reading {input} without count= never ends"),
                1,
            )
        }
    };
    if let Some(target) = operand("of") {
        let p = sh.abs(&target);
        let label = format!("dd {input} {bytes}");
        if let Err(code) = write_sized(sh, &p, &label, bytes) {
            return fail(sh, format!("dd: failed to open '{target}': {code}"), 1);
        }
    }
    let records = bytes / block;
    let partial = u64::from(bytes % block != 0);
    sh.output.push(format!("{records}+{partial} records in"));
    sh.output.push(format!("{records}+{partial} records out"));
    sh.output.push(format!("{bytes} bytes copied"));
    sh.duration_ms += bytes / WRITE_BYTES_PER_MS;
    0
}

/// `fallocate -l LENGTH FILE`.
pub(super) fn fallocate(sh: &mut Interp<'_>, args: &[String]) -> i32 {
    let Some(length) = option_value(args, &["-l", "--length"]) else {
        return fail(sh, "fallocate: no length argument specified".into(), 1);
    };
    let Some(bytes) = parse_length(&length) else {
        return fail(
            sh,
            format!("fallocate: invalid length value specified: {length}"),
            1,
        );
    };
    let Some(target) = last_operand(args, &["-l", "--length", "-o", "--offset"]) else {
        return fail(sh, "fallocate: no filename specified".into(), 1);
    };
    let p = sh.abs(&target);
    match write_sized(sh, &p, &format!("fallocate {bytes}"), bytes) {
        Ok(()) => 0,
        Err(e) => fail(sh, format!("fallocate: cannot open {target}: {e}"), 1),
    }
}

/// `truncate -s SIZE FILE…`.
pub(super) fn truncate(sh: &mut Interp<'_>, args: &[String]) -> i32 {
    let Some(size) = option_value(args, &["-s", "--size"]) else {
        return fail(
            sh,
            "truncate: you must specify either '--size' or '--reference'".into(),
            1,
        );
    };
    let Some(bytes) = parse_length(&size) else {
        return fail(sh, format!("truncate: Invalid number: '{size}'"), 1);
    };
    let Some(target) = last_operand(args, &["-s", "--size"]) else {
        return fail(sh, "truncate: missing file operand".into(), 1);
    };
    let p = sh.abs(&target);
    match write_sized(sh, &p, &format!("truncate {bytes}"), bytes) {
        Ok(()) => 0,
        Err(e) => fail(
            sh,
            format!("truncate: cannot open '{target}' for writing: {e}"),
            1,
        ),
    }
}

/// The last argument that is neither an option nor an option's value.
fn last_operand(args: &[String], with_value: &[&str]) -> Option<String> {
    let mut skip = false;
    let mut last = None;
    for a in args {
        if skip {
            skip = false;
        } else if with_value.contains(&a.as_str()) {
            skip = true;
        } else if !a.starts_with('-') {
            last = Some(a.clone());
        }
    }
    last
}

/// Writes `bytes` of content identified by `label` at `p`, without allocating it.
fn write_sized(sh: &mut Interp<'_>, p: &str, label: &str, bytes: u64) -> Result<(), &'static str> {
    let meta = sh.tree.get(p).map(Node::meta).unwrap_or(Meta::FILE);
    let content = if bytes == 0 {
        Content::bytes(Vec::new())
    } else {
        Content::sized(label, bytes)
    };
    sh.tree
        .write_file(p, meta, content)
        .map_err(|_| "No such file or directory")
}

/// dd's numbers: `N`, `Nc` (1), `Nw` (2), `Nb` (512), `NK`/`NKiB` (1024),
/// `NkB` (1000), likewise M, G, T.
fn parse_dd_size(v: &str) -> Option<u64> {
    let split = v.find(|c: char| !c.is_ascii_digit()).unwrap_or(v.len());
    let (digits, suffix) = v.split_at(split);
    let n: u64 = digits.parse().ok()?;
    let unit = match suffix {
        "" | "c" => 1,
        "w" => 2,
        "b" => 512,
        _ => unit(suffix)?,
    };
    n.checked_mul(unit)
}

/// fallocate's and truncate's lengths: `N`, `NK`/`NKiB` (1024), `NKB` (1000),
/// likewise M, G, T, P.
fn parse_length(v: &str) -> Option<u64> {
    let v = v.trim_start_matches('+');
    let split = v.find(|c: char| !c.is_ascii_digit()).unwrap_or(v.len());
    let (digits, suffix) = v.split_at(split);
    let n: u64 = digits.parse().ok()?;
    n.checked_mul(if suffix.is_empty() { 1 } else { unit(suffix)? })
}

/// `K`, `KiB` → 1024; `KB`/`kB` → 1000; likewise M, G, T, P.
fn unit(suffix: &str) -> Option<u64> {
    let mut chars = suffix.chars();
    let power = match chars.next()?.to_ascii_uppercase() {
        'K' => 1,
        'M' => 2,
        'G' => 3,
        'T' => 4,
        'P' => 5,
        _ => return None,
    };
    let base: u64 = match chars.as_str() {
        "" | "iB" => 1024,
        "B" => 1000,
        _ => return None,
    };
    base.checked_pow(power)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_like_coreutils() {
        assert_eq!(parse_dd_size("1M"), Some(1 << 20));
        assert_eq!(parse_dd_size("1MB"), Some(1_000_000));
        assert_eq!(parse_dd_size("4b"), Some(2048));
        assert_eq!(parse_dd_size("100000"), Some(100_000));
        assert_eq!(parse_dd_size("1X"), None);
        assert_eq!(parse_length("50G"), Some(50 << 30));
        assert_eq!(parse_length("2GiB"), Some(2 << 30));
        assert_eq!(parse_length("10KB"), Some(10_000));
        assert_eq!(parse_length("99999999P"), None);
    }
}
