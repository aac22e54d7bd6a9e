//! Users and groups: `useradd`, `adduser`, `groupadd`, `addgroup` edit
//! `/etc/passwd` and `/etc/group` and make home directories.

use crate::fs::{Content, Meta, Node};

use super::{fail, option_value};
use crate::shell::interp::Interp;

pub(super) fn append_line(sh: &mut Interp<'_>, file: &str, line: &str) {
    let mut data = match sh.tree.get(file) {
        Some(Node::File { content, .. }) => content.as_bytes().unwrap_or_default().to_vec(),
        _ => Vec::new(),
    };
    data.extend_from_slice(line.as_bytes());
    data.push(b'\n');
    let _ = sh.tree.write_file(file, Meta::FILE, Content::bytes(data));
}

/// The next free id at or above `start` in `/etc/passwd` or `/etc/group`.
pub(super) fn next_id(sh: &Interp<'_>, file: &str, start: u32) -> u32 {
    let text = sh.tree.text(file).unwrap_or_default();
    let used: Vec<u32> = text
        .lines()
        .filter_map(|l| l.split(':').nth(2)?.parse().ok())
        .collect();
    (start..).find(|id| !used.contains(id)).unwrap_or(start)
}

pub(super) fn add_group(sh: &mut Interp<'_>, args: &[String]) -> i32 {
    let Some(name) = args.iter().rev().find(|a| !a.starts_with('-')).cloned() else {
        return fail(sh, "groupadd: missing group name".into(), 2);
    };
    let system = args
        .iter()
        .any(|a| a == "-r" || a == "-S" || a == "--system");
    let gid = option_value(args, &["-g", "--gid"])
        .and_then(|g| g.parse().ok())
        .unwrap_or_else(|| next_id(sh, "/etc/group", if system { 100 } else { 1000 }));
    append_line(sh, "/etc/group", &format!("{name}:x:{gid}:"));
    0
}

pub(super) fn add_user(sh: &mut Interp<'_>, args: &[String]) -> i32 {
    let valued = [
        "-u",
        "--uid",
        "-g",
        "--gid",
        "-G",
        "--ingroup",
        "-s",
        "--shell",
        "-d",
        "--home",
        "-h",
        "--home-dir",
        "-c",
        "--gecos",
    ];
    let mut name = None;
    let mut i = 0;
    while i < args.len() {
        if valued.contains(&args[i].as_str()) {
            i += 2;
            continue;
        }
        if !args[i].starts_with('-') {
            name = Some(args[i].clone());
        }
        i += 1;
    }
    let Some(name) = name else {
        return fail(sh, "useradd: missing user name".into(), 2);
    };
    let system = args
        .iter()
        .any(|a| a == "-r" || a == "-S" || a == "--system");
    let uid = option_value(args, &["-u", "--uid"])
        .and_then(|u| u.parse().ok())
        .unwrap_or_else(|| next_id(sh, "/etc/passwd", if system { 100 } else { 1000 }));
    let group = option_value(args, &["-g", "--gid", "-G", "--ingroup"]);
    let gid = match group {
        Some(g) => crate::accounts::resolve_owner(sh.tree, &format!("0:{g}"))
            .map(|(_, gid)| gid)
            .unwrap_or(uid),
        None => {
            append_line(sh, "/etc/group", &format!("{name}:x:{uid}:"));
            uid
        }
    };
    let home = option_value(args, &["-d", "--home", "-h", "--home-dir"])
        .unwrap_or_else(|| format!("/home/{name}"));
    let shell = option_value(args, &["-s", "--shell"]).unwrap_or_else(|| "/bin/sh".into());
    append_line(
        sh,
        "/etc/passwd",
        &format!("{name}:x:{uid}:{gid}::{home}:{shell}"),
    );
    // useradd makes the home only with -m; adduser always does (unless --no-create-home / -H).
    let make_home = args.iter().any(|a| a == "-m" || a == "--create-home")
        || (args.iter().all(|a| a != "--no-create-home" && a != "-H") && sh_is_adduser(args));
    if make_home {
        let _ = sh.tree.mkdir_all(
            &home,
            Meta {
                mode: 0o755,
                uid,
                gid,
            },
        );
    }
    0
}

/// `adduser` is recognised by its usual flags (useradd never takes them).
pub(super) fn sh_is_adduser(args: &[String]) -> bool {
    args.iter().any(|a| {
        matches!(
            a.as_str(),
            "-D" | "--disabled-password" | "--gecos" | "-h" | "--home"
        )
    })
}
