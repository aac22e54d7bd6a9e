//! `ls` as a build's RUN runs it (output not a terminal: one name per line,
//! C-locale order): `-a`/`-A`, `-d`, `-1`, and `-l` with the mode, link count,
//! owner and group names (from /etc/passwd and /etc/group), size (`-h` in
//! ls's powers of 1024), and `-> target` for links. File times are not
//! simulated: `-l` shows the epoch and the step says so.

use crate::build::Note;
use crate::fs::{path, Node};

use super::{flags_and_operands, missing, out};
use crate::shell::interp::Interp;

/// What `-l` shows for a file time layerlab does not keep.
const NO_TIME: &str = "Jan  1  1970";

struct Options {
    all: bool,
    almost_all: bool,
    long: bool,
    human: bool,
    directory: bool,
}

/// One line of the listing: the name and, for `-l`, its node.
struct Entry {
    name: String,
    node: Node,
}

pub(super) fn ls(sh: &mut Interp<'_>, args: &[String]) -> i32 {
    let (mut flags, mut operands) = flags_and_operands(args);
    for a in args {
        match a.as_str() {
            "--all" => flags.push('a'),
            "--almost-all" => flags.push('A'),
            "--directory" => flags.push('d'),
            "--human-readable" => flags.push('h'),
            _ => {}
        }
    }
    let o = Options {
        all: flags.contains('a'),
        almost_all: flags.contains('A'),
        long: flags.contains('l') || flags.contains('n'),
        human: flags.contains('h'),
        directory: flags.contains('d'),
    };
    if operands.is_empty() {
        operands.push(".".into());
    }
    let mut status = 0;
    let mut files = Vec::new();
    let mut dirs = Vec::new();
    for operand in &operands {
        let abs = sh.abs(operand);
        match sh.tree.get(&abs) {
            None => {
                let message = format!("ls: cannot access '{operand}': No such file or directory");
                status = status.max(missing(sh, message, 2));
            }
            Some(node) if node.is_dir() && !o.directory => dirs.push((operand.clone(), abs)),
            Some(node) => files.push(Entry {
                name: operand.clone(),
                node: node.clone(),
            }),
        }
    }
    files.sort_by(|a, b| a.name.cmp(&b.name));
    dirs.sort();
    let mut text = String::new();
    if !files.is_empty() {
        text.push_str(&lines(sh, &files, &o));
    }
    let headed = operands.len() > 1;
    for (i, (shown, abs)) in dirs.iter().enumerate() {
        if headed {
            if !text.is_empty() || i > 0 {
                text.push('\n');
            }
            text.push_str(&format!("{shown}:\n"));
        }
        let entries = dir_entries(sh, abs, &o);
        if o.long {
            let blocks: u64 = entries.iter().map(|e| blocks_of(&e.node)).sum();
            text.push_str(&format!("total {blocks}\n"));
        }
        text.push_str(&lines(sh, &entries, &o));
    }
    if o.long && !(files.is_empty() && dirs.is_empty()) {
        sh.notes.push(Note::unsimulated(format!(
            "ls -l file times (shown as {NO_TIME}); modes, owners and sizes are the image's"
        )));
    }
    out(sh, &text);
    status
}

/// A directory's entries as ls lists them.
fn dir_entries(sh: &Interp<'_>, abs: &str, o: &Options) -> Vec<Entry> {
    let Some(Node::Dir { entries, .. }) = sh.tree.get(abs) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if o.all {
        for (name, at) in [(".", abs.to_owned()), ("..", path::parent(abs).to_owned())] {
            if let Some(node) = sh.tree.get(&at) {
                out.push(Entry {
                    name: name.into(),
                    node: node.clone(),
                });
            }
        }
    }
    for (name, node) in entries {
        if name.starts_with('.') && !(o.all || o.almost_all) {
            continue;
        }
        out.push(Entry {
            name: name.to_string(),
            node: node.clone(),
        });
    }
    out
}

fn lines(sh: &Interp<'_>, entries: &[Entry], o: &Options) -> String {
    if !o.long {
        return entries.iter().map(|e| format!("{}\n", e.name)).collect();
    }
    let rows: Vec<[String; 6]> = entries
        .iter()
        .map(|e| {
            let meta = e.node.meta();
            let size = match &e.node {
                Node::Dir { .. } => 4096,
                Node::Symlink { target, .. } => target.len() as u64,
                Node::File { .. } => e.node.own_size(),
            };
            let name = match &e.node {
                Node::Symlink { target, .. } => format!("{} -> {target}", e.name),
                _ => e.name.clone(),
            };
            [
                mode_text(&e.node, meta.mode),
                links(&e.node).to_string(),
                account(sh, "/etc/passwd", meta.uid),
                account(sh, "/etc/group", meta.gid),
                if o.human {
                    human(size)
                } else {
                    size.to_string()
                },
                name,
            ]
        })
        .collect();
    let width = |i: usize| rows.iter().map(|r| r[i].len()).max().unwrap_or(0);
    let (wl, wu, wg, ws) = (width(1), width(2), width(3), width(4));
    rows.iter()
        .map(|r| {
            format!(
                "{} {:>wl$} {:<wu$} {:<wg$} {:>ws$} {NO_TIME} {}\n",
                r[0], r[1], r[2], r[3], r[4], r[5]
            )
        })
        .collect()
}

/// `drwxr-xr-x`, with setuid/setgid/sticky as `s`/`S` and `t`/`T`.
fn mode_text(node: &Node, mode: u32) -> String {
    let kind = match node {
        Node::Dir { .. } => 'd',
        Node::Symlink { .. } => 'l',
        Node::File { .. } => '-',
    };
    let mut text = String::from(kind);
    for (shift, special, mark) in [(6, 0o4000, 's'), (3, 0o2000, 's'), (0, 0o1000, 't')] {
        let bits = (mode >> shift) & 7;
        text.push(if bits & 4 != 0 { 'r' } else { '-' });
        text.push(if bits & 2 != 0 { 'w' } else { '-' });
        text.push(match (bits & 1 != 0, mode & special != 0) {
            (true, true) => mark,
            (false, true) => mark.to_ascii_uppercase(),
            (true, false) => 'x',
            (false, false) => '-',
        });
    }
    text
}

/// A directory's links: itself, its entry in its parent, and each subdirectory's `..`.
fn links(node: &Node) -> usize {
    match node {
        Node::Dir { entries, .. } => 2 + entries.values().filter(|n| n.is_dir()).count(),
        _ => 1,
    }
}

/// The name of uid/gid `id` in /etc/passwd or /etc/group, else the number.
fn account(sh: &Interp<'_>, file: &str, id: u32) -> String {
    let id = id.to_string();
    crate::accounts::account_entry(sh.tree, file, &id)
        .filter(|fields| fields[2] == id)
        .map_or(id, |fields| fields[0].clone())
}

/// 1 KiB blocks a node takes on a 4 KiB-block filesystem (`total` of `-l`).
fn blocks_of(node: &Node) -> u64 {
    match node {
        Node::Dir { .. } => 4,
        Node::Symlink { .. } => 0,
        Node::File { .. } => node.own_size().div_ceil(4096) * 4,
    }
}

/// ls's `-h`: powers of 1024, rounded up, one decimal below 10 (`4.0K`, `12K`).
fn human(size: u64) -> String {
    if size < 1024 {
        return size.to_string();
    }
    let size = u128::from(size);
    let mut unit = 0;
    let mut scale: u128 = 1024;
    while unit < 5 && size > scale * 1023 {
        scale *= 1024;
        unit += 1;
    }
    let letter = ['K', 'M', 'G', 'T', 'P', 'E'][unit];
    let tenths = (size * 10).div_ceil(scale);
    if tenths < 100 {
        format!("{}.{}{letter}", tenths / 10, tenths % 10)
    } else {
        format!("{}{letter}", size.div_ceil(scale))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_sizes_as_ls_rounds_them() {
        assert_eq!(human(1000), "1000");
        assert_eq!(human(1024), "1.0K");
        assert_eq!(human(4096), "4.0K");
        assert_eq!(human(4097), "4.1K");
        assert_eq!(human(12_000), "12K");
        assert_eq!(human(1_048_576), "1.0M");
        assert_eq!(human(10_485_760), "10M");
        assert_eq!(human(u64::MAX), "16E");
    }
}
