//! File utilities over the tree: `mkdir`, `rm`, `touch`, `cp`, `mv`, `ln`,
//! `chmod`, `chown`, `cat`, `tar -x`.

use crate::build::Note;
use crate::fs::{path, Content, Meta, Node};

use super::{fail, flags_and_operands, missing, option_value, out};
use crate::shell::interp::Interp;

pub(super) fn owner(sh: &Interp<'_>) -> Meta {
    let (uid, gid) = if sh.user.is_empty() {
        (0, 0)
    } else {
        crate::accounts::resolve_owner(sh.tree, &sh.user).unwrap_or((0, 0))
    };
    Meta {
        mode: 0o755,
        uid,
        gid,
    }
}

pub(super) fn mkdir(sh: &mut Interp<'_>, args: &[String]) -> i32 {
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
            status = missing(
                sh,
                format!("mkdir: cannot create directory '{d}': No such file or directory"),
                1,
            );
            if status == 0 {
                let _ = sh.tree.mkdir_all(&p, meta);
            }
        }
    }
    status
}

pub(super) fn rm(sh: &mut Interp<'_>, args: &[String]) -> i32 {
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
                status = missing(
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

pub(super) fn touch(sh: &mut Interp<'_>, args: &[String]) -> i32 {
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

pub(super) fn copy_or_move(sh: &mut Interp<'_>, args: &[String], moving: bool) -> i32 {
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
            let code = missing(
                sh,
                format!("{cmd}: cannot stat '{src}': No such file or directory"),
                1,
            );
            if code != 0 {
                return code;
            }
            continue;
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

pub(super) fn ln(sh: &mut Interp<'_>, args: &[String]) -> i32 {
    let (flags, operands) = flags_and_operands(args);
    // `ln [-s] TARGET… DIRECTORY`: one link per target, inside the directory.
    if let [targets @ .., dir] = operands.as_slice() {
        if !targets.is_empty() {
            for t in targets {
                let code = ln_one(sh, &flags, t, dir);
                if code != 0 {
                    return code;
                }
            }
            return 0;
        }
    }
    match operands.as_slice() {
        // `ln -s TARGET`: a link of the same name in the working directory.
        [target] => {
            let link = path::base_name(target).to_owned();
            ln_one(sh, &flags, target, &link)
        }
        _ => fail(sh, "ln: missing file operand".into(), 1),
    }
}

/// One link `link` to `target` (into `link` when it is a directory).
fn ln_one(sh: &mut Interp<'_>, flags: &str, target: &str, link: &str) -> i32 {
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
                return missing(
                    sh,
                    format!("ln: failed to access '{target}': No such file or directory"),
                    1,
                )
            }
        }
    };
    if sh.tree.insert(&link_abs, node.clone()).is_ok() {
        return 0;
    }
    let code = missing(
        sh,
        format!("ln: failed to create link '{link}': No such file or directory"),
        1,
    );
    if code == 0 {
        let _ = sh.tree.mkdir_all(path::parent(&link_abs), Meta::DIR);
        let _ = sh.tree.insert(&link_abs, node);
    }
    code
}

pub(super) fn each_path(
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

pub(super) fn chmod(sh: &mut Interp<'_>, args: &[String]) -> i32 {
    let (flags, operands) = flags_and_operands(args);
    let Some((mode, files)) = operands.split_first() else {
        return fail(sh, "chmod: missing operand".into(), 1);
    };
    for f in files {
        let p = sh.abs(f);
        if !sh.tree.exists(&p) {
            let code = missing(
                sh,
                format!("chmod: cannot access '{f}': No such file or directory"),
                1,
            );
            if code != 0 {
                return code;
            }
            continue;
        }
        let mut bad = false;
        each_path(sh, &p, flags.contains('R'), &mut |sh, q| {
            if let Some(node) = sh.tree.get(q) {
                let meta = node.meta();
                match crate::fs::mode::apply_chmod(mode, meta.mode, node.is_dir()) {
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

pub(super) fn chown(sh: &mut Interp<'_>, args: &[String]) -> i32 {
    let (flags, operands) = flags_and_operands(args);
    let Some((spec, files)) = operands.split_first() else {
        return fail(sh, "chown: missing operand".into(), 1);
    };
    let (uid, gid) = match crate::accounts::resolve_owner(sh.tree, spec) {
        Ok(o) => o,
        Err(_) => {
            // An account an unsimulated command may have made: noted, owner left as is.
            return super::missing(sh, format!("chown: invalid user: '{spec}'"), 1);
        }
    };
    for f in files {
        let p = sh.abs(f);
        if !sh.tree.exists(&p) {
            let code = missing(
                sh,
                format!("chown: cannot access '{f}': No such file or directory"),
                1,
            );
            if code != 0 {
                return code;
            }
            continue;
        }
        each_path(sh, &p, flags.contains('R'), &mut |sh, q| {
            if let Some(meta) = sh.tree.get(q).map(Node::meta) {
                let _ = sh.tree.set_meta(q, Meta { uid, gid, ..meta });
            }
        });
    }
    0
}

pub(super) fn cat(sh: &mut Interp<'_>, args: &[String]) -> i32 {
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
                None => sh.notes.push(Note::info(format!(
                    "cat {f}: contents not known to layerlab ({} bytes)",
                    content.size()
                ))),
            },
            Some(_) => return fail(sh, format!("cat: {f}: Is a directory"), 1),
            None => {
                let code = missing(sh, format!("cat: {f}: No such file or directory"), 1);
                if code != 0 {
                    return code;
                }
            }
        }
    }
    0
}

pub(super) fn tar(sh: &mut Interp<'_>, args: &[String]) -> i32 {
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
            if let Some(entries) = bytes.and_then(|b| crate::fs::archive::extract(&b)) {
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
    sh.notes.push(Note::unsimulated(format!(
        "tar {}, assumed to change no files",
        args.join(" ")
    )));
    0
}
