//! The commands RUN lines use, simulated on the filesystem: shell builtins
//! (`cd`, `export`, `set`, `test`, `echo`, `printf`, `exit`…), file utilities
//! (`mkdir`, `rm`, `touch`, `cp`, `mv`, `ln`, `chmod`, `chown`, `cat`, `tar -x`),
//! user management (`useradd`, `adduser`, `groupadd`, `addgroup`) and
//! downloads (`curl`, `wget`, `git clone`: files of an assumed size, noted).
//! Anything else is noted as not simulated, or, when the image's files are
//! fully known, fails with `not found` (exit 127) if it is not on PATH.

use crate::fs::{path, Content, Meta, Node};

use super::interp::Interp;

/// Size assumed for a download whose size layerlab cannot know.
const ASSUMED_DOWNLOAD: u64 = 1_000_000;

/// Runs one command; returns its exit status.
pub(crate) fn run(sh: &mut Interp<'_>, argv: &[String]) -> i32 {
    let name = argv[0].as_str();
    let args = &argv[1..];
    match name {
        ":" | "true" => 0,
        "false" => 1,
        "echo" => echo(sh, args),
        "printf" => printf(sh, args),
        "cd" => cd(sh, args),
        "pwd" => out(sh, &format!("{}\n", sh.cwd)),
        "export" | "readonly" => {
            for a in args {
                if let Some((k, v)) = a.split_once('=') {
                    sh.env.set(k, v);
                }
            }
            0
        }
        "unset" => 0,
        "set" => {
            for a in args {
                let on = a.starts_with('-');
                if a.starts_with('-') || a.starts_with('+') {
                    a[1..].chars().for_each(|f| sh.set_option(f, on));
                }
            }
            0
        }
        "exit" => {
            let code = args
                .first()
                .and_then(|a| a.parse().ok())
                .unwrap_or(sh.status);
            sh.exit = Some(code);
            code
        }
        "test" | "[" => test(
            sh,
            if name == "[" {
                &args[..args.len().saturating_sub(1)]
            } else {
                args
            },
        ),
        "mkdir" => mkdir(sh, args),
        "rm" => rm(sh, args),
        "touch" => touch(sh, args),
        "cp" => copy_or_move(sh, args, false),
        "mv" => copy_or_move(sh, args, true),
        "ln" => ln(sh, args),
        "chmod" => chmod(sh, args),
        "chown" => chown(sh, args),
        "cat" => cat(sh, args),
        "tee" => {
            let text = sh.stdin.clone();
            for f in args.iter().filter(|a| !a.starts_with('-')) {
                let p = sh.abs(f);
                let _ =
                    sh.tree
                        .write_file(&p, Meta::FILE, Content::bytes(text.as_bytes().to_vec()));
            }
            out(sh, &text)
        }
        "whoami" => {
            let u = if sh.user.is_empty() {
                "root".to_owned()
            } else {
                sh.user.clone()
            };
            out(sh, &format!("{u}\n"))
        }
        "uname" => out(
            sh,
            if args.iter().any(|a| a == "-m") {
                "x86_64\n"
            } else {
                "Linux\n"
            },
        ),
        "nproc" => out(sh, "2\n"),
        "dpkg" if args.first().map(String::as_str) == Some("--print-architecture") => {
            out(sh, "amd64\n")
        }
        "mktemp" => {
            let dir = args.iter().any(|a| a == "-d");
            let p = format!("/tmp/tmp.layerlab{}", sh.tree.len() % 10_000);
            let _ = if dir {
                sh.tree.mkdir_all(
                    &p,
                    Meta {
                        mode: 0o700,
                        uid: 0,
                        gid: 0,
                    },
                )
            } else {
                sh.tree.write_file(
                    &p,
                    Meta {
                        mode: 0o600,
                        uid: 0,
                        gid: 0,
                    },
                    Content::bytes(Vec::new()),
                )
            };
            out(sh, &format!("{p}\n"))
        }
        "useradd" | "adduser" => add_user(sh, args),
        "groupadd" | "addgroup" => add_group(sh, args),
        "curl" | "wget" => download(sh, name, args),
        "git" if args.first().map(String::as_str) == Some("clone") => git_clone(sh, &args[1..]),
        "tar" => tar(sh, args),
        "sh" | "bash" if args.first().map(String::as_str) == Some("-c") => {
            let script = args.get(1).cloned().unwrap_or_default();
            sh.run_nested(&script)
        }
        _ => other(sh, argv),
    }
}

fn out(sh: &mut Interp<'_>, text: &str) -> i32 {
    sh.stdout.push_str(text);
    0
}

fn fail(sh: &mut Interp<'_>, msg: String, code: i32) -> i32 {
    sh.output.push(msg);
    code
}

/// A command layerlab does not simulate: noted, or `not found` under strict PATH.
fn other(sh: &mut Interp<'_>, argv: &[String]) -> i32 {
    let name = &argv[0];
    if sh.strict_path && !on_path(sh, name) {
        return fail(sh, format!("/bin/sh: 1: {name}: not found"), 127);
    }
    sh.notes.push(format!(
        "not simulated: {}, assumed to change no files",
        argv.join(" ")
    ));
    0
}

/// Whether `name` is an executable file in the image (directly or on PATH).
pub(crate) fn on_path(sh: &Interp<'_>, name: &str) -> bool {
    let exists = |p: &str| matches!(sh.tree.get(&sh.tree.resolve(p)), Some(Node::File { .. }));
    if name.contains('/') {
        return exists(&sh.abs(name));
    }
    let path_var = sh
        .env
        .get("PATH")
        .unwrap_or("/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
        .to_owned();
    path_var
        .split(':')
        .filter(|d| !d.is_empty())
        .any(|d| exists(&format!("{d}/{name}")))
}

fn flags_and_operands(args: &[String]) -> (String, Vec<String>) {
    let mut flags = String::new();
    let mut operands = Vec::new();
    let mut done = false;
    for a in args {
        if !done && a == "--" {
            done = true;
        } else if !done && a.starts_with('-') && a.len() > 1 && !a.starts_with("--") {
            flags.push_str(&a[1..]);
        } else if !done && a.starts_with("--") {
            match a.as_str() {
                "--parents" => flags.push('p'),
                "--recursive" => flags.push('r'),
                "--force" => flags.push('f'),
                "--symbolic" => flags.push('s'),
                _ => {}
            }
        } else {
            operands.push(a.clone());
        }
    }
    (flags, operands)
}

fn echo(sh: &mut Interp<'_>, args: &[String]) -> i32 {
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

fn printf(sh: &mut Interp<'_>, args: &[String]) -> i32 {
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

fn cd(sh: &mut Interp<'_>, args: &[String]) -> i32 {
    let target = args.first().cloned().unwrap_or_else(|| "/root".into());
    let p = sh.abs(&target);
    if sh.tree.get(&p).is_some_and(Node::is_dir) {
        sh.cwd = p;
        0
    } else {
        fail(sh, format!("/bin/sh: 1: cd: can't cd to {target}"), 2)
    }
}

fn test(sh: &mut Interp<'_>, args: &[String]) -> i32 {
    let (negate, args) = match args.first().map(String::as_str) {
        Some("!") => (true, &args[1..]),
        _ => (false, args),
    };
    let result = match args {
        [] => false,
        [s] => !s.is_empty(),
        [op, f] => {
            let node = sh.tree.get(&sh.abs(f)).cloned();
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

fn owner(sh: &Interp<'_>) -> Meta {
    let (uid, gid) = if sh.user.is_empty() {
        (0, 0)
    } else {
        crate::build::state::resolve_owner(sh.tree, &sh.user).unwrap_or((0, 0))
    };
    Meta {
        mode: 0o755,
        uid,
        gid,
    }
}

fn mkdir(sh: &mut Interp<'_>, args: &[String]) -> i32 {
    let (flags, dirs) = flags_and_operands(args);
    let meta = owner(sh);
    let mut status = 0;
    for d in dirs {
        let p = sh.abs(&d);
        if flags.contains('p') {
            if sh.tree.mkdir_all(&p, meta).is_err() {
                status = fail(
                    sh,
                    format!("mkdir: cannot create directory '{d}': Not a directory"),
                    1,
                );
            }
        } else if sh.tree.exists(&p) {
            status = fail(
                sh,
                format!("mkdir: cannot create directory '{d}': File exists"),
                1,
            );
        } else if sh.tree.insert(&p, Node::empty_dir(meta)).is_err() {
            status = fail(
                sh,
                format!("mkdir: cannot create directory '{d}': No such file or directory"),
                1,
            );
        }
    }
    status
}

fn rm(sh: &mut Interp<'_>, args: &[String]) -> i32 {
    let (flags, paths) = flags_and_operands(args);
    let (recursive, force) = (
        flags.contains('r') || flags.contains('R'),
        flags.contains('f'),
    );
    let mut status = 0;
    for p in paths {
        let abs = path::join(&sh.cwd, &p);
        match sh.tree.get(&abs) {
            None if force => {}
            None => {
                status = fail(
                    sh,
                    format!("rm: cannot remove '{p}': No such file or directory"),
                    1,
                )
            }
            Some(Node::Dir { .. }) if !recursive => {
                status = fail(sh, format!("rm: cannot remove '{p}': Is a directory"), 1)
            }
            Some(_) => {
                let _ = sh.tree.remove(&abs);
            }
        }
    }
    status
}

fn touch(sh: &mut Interp<'_>, args: &[String]) -> i32 {
    let (_, files) = flags_and_operands(args);
    let meta = Meta {
        mode: 0o644,
        ..owner(sh)
    };
    for f in files {
        let p = sh.abs(&f);
        if !sh.tree.exists(&p)
            && sh
                .tree
                .insert(&p, Node::file(meta, Content::bytes(Vec::new())))
                .is_err()
        {
            return fail(
                sh,
                format!("touch: cannot touch '{f}': No such file or directory"),
                1,
            );
        }
    }
    0
}

fn copy_or_move(sh: &mut Interp<'_>, args: &[String], moving: bool) -> i32 {
    let cmd = if moving { "mv" } else { "cp" };
    let (flags, mut operands) = flags_and_operands(args);
    let recursive = moving || flags.contains('r') || flags.contains('R') || flags.contains('a');
    let Some(dest) = operands.pop() else {
        return fail(sh, format!("{cmd}: missing file operand"), 1);
    };
    let dest_abs = sh.abs(&dest);
    let dest_is_dir = sh.tree.get(&dest_abs).is_some_and(Node::is_dir);
    if operands.len() > 1 && !dest_is_dir {
        return fail(sh, format!("{cmd}: target '{dest}' is not a directory"), 1);
    }
    for src in operands {
        let src_abs = sh.abs(&src);
        let Some(node) = sh.tree.get(&src_abs).cloned() else {
            return fail(
                sh,
                format!("{cmd}: cannot stat '{src}': No such file or directory"),
                1,
            );
        };
        if node.is_dir() && !recursive {
            return fail(
                sh,
                format!("cp: -r not specified; omitting directory '{src}'"),
                1,
            );
        }
        let target = if dest_is_dir {
            path::child(&dest_abs, path::base_name(&src_abs))
        } else {
            dest_abs.clone()
        };
        if sh.tree.insert(&target, node).is_err() {
            return fail(
                sh,
                format!("{cmd}: cannot create '{dest}': No such file or directory"),
                1,
            );
        }
        if moving {
            let _ = sh.tree.remove(&src_abs);
        }
    }
    0
}

fn ln(sh: &mut Interp<'_>, args: &[String]) -> i32 {
    let (flags, operands) = flags_and_operands(args);
    let [target, link] = operands.as_slice() else {
        return fail(sh, "ln: missing file operand".into(), 1);
    };
    let mut link_abs = path::join(&sh.cwd, link);
    if sh
        .tree
        .get(&sh.tree.resolve(&link_abs))
        .is_some_and(Node::is_dir)
    {
        link_abs = path::child(&sh.tree.resolve(&link_abs), path::base_name(target));
    }
    if sh.tree.exists(&link_abs) {
        if !flags.contains('f') {
            return fail(
                sh,
                format!("ln: failed to create symbolic link '{link}': File exists"),
                1,
            );
        }
        let _ = sh.tree.remove(&link_abs);
    }
    let node = if flags.contains('s') {
        Node::symlink(target)
    } else {
        match sh.tree.get(&sh.abs(target)).cloned() {
            Some(n) => n,
            None => {
                return fail(
                    sh,
                    format!("ln: failed to access '{target}': No such file or directory"),
                    1,
                )
            }
        }
    };
    match sh.tree.insert(&link_abs, node) {
        Ok(()) => 0,
        Err(_) => fail(
            sh,
            format!("ln: failed to create link '{link}': No such file or directory"),
            1,
        ),
    }
}

fn each_path(
    sh: &mut Interp<'_>,
    root: &str,
    recursive: bool,
    f: &mut dyn FnMut(&mut Interp<'_>, &str),
) {
    let paths: Vec<String> = if recursive {
        sh.tree.walk(root).into_iter().map(|(p, _)| p).collect()
    } else {
        vec![root.to_owned()]
    };
    for p in paths {
        f(sh, &p);
    }
}

fn chmod(sh: &mut Interp<'_>, args: &[String]) -> i32 {
    let (flags, operands) = flags_and_operands(args);
    let Some((mode, files)) = operands.split_first() else {
        return fail(sh, "chmod: missing operand".into(), 1);
    };
    for f in files {
        let p = sh.abs(f);
        if !sh.tree.exists(&p) {
            return fail(
                sh,
                format!("chmod: cannot access '{f}': No such file or directory"),
                1,
            );
        }
        let mut bad = false;
        each_path(sh, &p, flags.contains('R'), &mut |sh, q| {
            if let Some(node) = sh.tree.get(q) {
                let meta = node.meta();
                match crate::build::copy::apply_chmod(mode, meta.mode, node.is_dir()) {
                    Ok(m) => {
                        let _ = sh.tree.set_meta(q, Meta { mode: m, ..meta });
                    }
                    Err(_) => bad = true,
                }
            }
        });
        if bad {
            return fail(sh, format!("chmod: invalid mode: '{mode}'"), 1);
        }
    }
    0
}

fn chown(sh: &mut Interp<'_>, args: &[String]) -> i32 {
    let (flags, operands) = flags_and_operands(args);
    let Some((spec, files)) = operands.split_first() else {
        return fail(sh, "chown: missing operand".into(), 1);
    };
    let (uid, gid) = match crate::build::state::resolve_owner(sh.tree, spec) {
        Ok(o) => o,
        Err(_) => return fail(sh, format!("chown: invalid user: '{spec}'"), 1),
    };
    for f in files {
        let p = sh.abs(f);
        if !sh.tree.exists(&p) {
            return fail(
                sh,
                format!("chown: cannot access '{f}': No such file or directory"),
                1,
            );
        }
        each_path(sh, &p, flags.contains('R'), &mut |sh, q| {
            if let Some(meta) = sh.tree.get(q).map(Node::meta) {
                let _ = sh.tree.set_meta(q, Meta { uid, gid, ..meta });
            }
        });
    }
    0
}

fn cat(sh: &mut Interp<'_>, args: &[String]) -> i32 {
    let (_, files) = flags_and_operands(args);
    if files.is_empty() {
        let text = sh.stdin.clone();
        return out(sh, &text);
    }
    for f in files {
        match sh.tree.get(&sh.abs(&f)).cloned() {
            Some(Node::File { content, .. }) => match content.as_bytes() {
                Some(b) => {
                    let text = String::from_utf8_lossy(b).into_owned();
                    out(sh, &text);
                }
                None => sh.notes.push(format!(
                    "cat {f}: contents not known to layerlab ({} bytes)",
                    content.size()
                )),
            },
            Some(_) => return fail(sh, format!("cat: {f}: Is a directory"), 1),
            None => return fail(sh, format!("cat: {f}: No such file or directory"), 1),
        }
    }
    0
}

fn append_line(sh: &mut Interp<'_>, file: &str, line: &str) {
    let mut data = match sh.tree.get(file) {
        Some(Node::File { content, .. }) => content.as_bytes().unwrap_or_default().to_vec(),
        _ => Vec::new(),
    };
    data.extend_from_slice(line.as_bytes());
    data.push(b'\n');
    let _ = sh.tree.write_file(file, Meta::FILE, Content::bytes(data));
}

/// The next free id at or above `start` in `/etc/passwd` or `/etc/group`.
fn next_id(sh: &Interp<'_>, file: &str, start: u32) -> u32 {
    let text = match sh.tree.get(file) {
        Some(Node::File { content, .. }) => {
            String::from_utf8_lossy(content.as_bytes().unwrap_or_default()).into_owned()
        }
        _ => String::new(),
    };
    let used: Vec<u32> = text
        .lines()
        .filter_map(|l| l.split(':').nth(2)?.parse().ok())
        .collect();
    (start..).find(|id| !used.contains(id)).unwrap_or(start)
}

fn option_value(args: &[String], names: &[&str]) -> Option<String> {
    args.iter()
        .position(|a| names.contains(&a.as_str()))
        .and_then(|i| args.get(i + 1).cloned())
}

fn add_group(sh: &mut Interp<'_>, args: &[String]) -> i32 {
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

fn add_user(sh: &mut Interp<'_>, args: &[String]) -> i32 {
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
        Some(g) => crate::build::state::resolve_owner(sh.tree, &format!("0:{g}"))
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
fn sh_is_adduser(args: &[String]) -> bool {
    args.iter().any(|a| {
        matches!(
            a.as_str(),
            "-D" | "--disabled-password" | "--gecos" | "-h" | "--home"
        )
    })
}

fn download(sh: &mut Interp<'_>, name: &str, args: &[String]) -> i32 {
    let url = args
        .iter()
        .find(|a| a.contains("://"))
        .cloned()
        .unwrap_or_default();
    let file_name = url
        .split(['?', '#'])
        .next()
        .unwrap_or("")
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or("index.html")
        .to_owned();
    let explicit = option_value(args, &["-o", "--output", "-O", "--output-document"])
        .filter(|o| !(name == "curl" && args.iter().any(|a| a == "-O") && o.contains("://")));
    let remote_name = args.iter().any(|a| {
        a == "-O"
            || a == "--remote-name"
            || (a.starts_with('-') && !a.starts_with("--") && a.contains('O') && name == "curl")
    });
    let target = match (explicit, name) {
        (Some(o), _) if o != "-" => Some(o),
        (Some(_), _) => None,
        (None, "wget") => Some(file_name.clone()),
        (None, _) if remote_name => Some(file_name.clone()),
        _ => None,
    };
    match target {
        Some(t) => {
            let p = sh.abs(&t);
            let _ = sh
                .tree
                .write_file(&p, Meta::FILE, Content::sized(&url, ASSUMED_DOWNLOAD));
            sh.notes.push(format!(
                "{name} {url}: not fetched; assumed a {ASSUMED_DOWNLOAD}-byte file {t}"
            ));
        }
        None => sh
            .notes
            .push(format!("{name} {url}: output not known to layerlab")),
    }
    0
}

fn git_clone(sh: &mut Interp<'_>, args: &[String]) -> i32 {
    let operands: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    let Some(url) = operands.first() else {
        return fail(
            sh,
            "fatal: You must specify a repository to clone.".into(),
            128,
        );
    };
    let dir = operands.get(1).map(|s| s.to_string()).unwrap_or_else(|| {
        url.trim_end_matches('/')
            .trim_end_matches(".git")
            .rsplit('/')
            .next()
            .unwrap_or("repo")
            .to_owned()
    });
    let p = sh.abs(&dir);
    let _ = sh.tree.mkdir_all(&p, Meta::DIR);
    let _ = sh.tree.write_file(
        &format!("{p}/.git/pack"),
        Meta::FILE,
        Content::sized(url, ASSUMED_DOWNLOAD),
    );
    sh.notes.push(format!(
        "git clone {url}: not fetched; assumed {ASSUMED_DOWNLOAD} bytes in {dir}/.git"
    ));
    0
}

fn tar(sh: &mut Interp<'_>, args: &[String]) -> i32 {
    let mode = args.first().cloned().unwrap_or_default();
    let extract = mode.contains('x') || args.iter().any(|a| a == "--extract");
    let file = option_value(args, &["-f", "--file"]).or_else(|| {
        // Bundled flags: `tar -xzf archive.tgz`.
        let i = args.iter().position(|a| {
            a.starts_with('-') && a.ends_with('f')
                || (!a.starts_with('-')
                    && a.ends_with('f')
                    && a.chars().all(|c| c.is_ascii_alphabetic()))
        })?;
        args.get(i + 1).cloned()
    });
    let dest = option_value(args, &["-C", "--directory"]).unwrap_or_else(|| ".".into());
    if extract {
        if let Some(f) = &file {
            let bytes = match sh.tree.get(&sh.abs(f)) {
                Some(Node::File {
                    content: Content::Bytes(b),
                    ..
                }) => Some(b.clone()),
                _ => None,
            };
            if let Some(entries) = bytes.and_then(|b| crate::build::archive::extract(&b)) {
                let root = sh.abs(&dest);
                for (rel, node) in entries {
                    let _ = sh
                        .tree
                        .mkdir_all(path::parent(&path::join(&root, &rel)), Meta::DIR);
                    let _ = sh.tree.insert(&path::join(&root, &rel), node);
                }
                return 0;
            }
        }
    }
    sh.notes.push(format!(
        "not simulated: tar {}, assumed to change no files",
        args.join(" ")
    ));
    0
}
