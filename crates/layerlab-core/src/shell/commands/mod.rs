//! The commands RUN lines use, simulated on the filesystem: shell builtins
//! (`cd`, `export`, `set`, `test`, `echo`, `printf`, `exit`…), file utilities
//! (`mkdir`, `rm`, `touch`, `cp`, `mv`, `ln`, `chmod`, `chown`, `install`,
//! `cat`, `ls`, `tar -x`, `find`, `xargs`),
//! files of a stated size (`dd`, `fallocate`, `truncate`, never allocated),
//! download checks (`gpg`, `sha256sum`), `gosu`, text filters (`tr`,
//! field-printing `awk`, `head`, `tail`, `wc`, `sort`, `uniq`, `cut`),
//! `go build`/`go install` (a binary of an assumed size),
//! user management (`useradd`, `adduser`, `groupadd`, `addgroup`) and
//! downloads (`curl`, `wget`, `git clone`: files of an assumed size, noted).
//! Anything else is noted as not simulated, or, when the image's files are
//! fully known, fails with `not found` (exit 127) if it is not on PATH.

use crate::build::Note;
use crate::fs::{Content, Meta, Node};

use super::interp::Interp;

mod apk;
mod apt;
mod builtins;
mod dpkg_state;
mod files;
mod find;
mod go;
mod install;
mod lines;
mod ls;
mod net;
mod npm;
mod pip;
mod sized;
mod text;
mod users;
mod verify;

use builtins::{cd, echo, printf, test};
use files::{cat, chmod, chown, copy_or_move, ln, mkdir, rm, tar, touch};
use net::{download, git_clone};
use sized::{dd, fallocate, truncate};
use users::{add_group, add_user};
use verify::{checksum, gpg};

/// Runs one command; returns its exit status.
pub(crate) fn run(sh: &mut Interp<'_>, argv: &[String]) -> i32 {
    let name = argv[0].as_str();
    let args = &argv[1..];
    if let Some(host) = sh.host.as_mut() {
        if let Some(done) = host.run(argv, &sh.stdin, &sh.cwd, &sh.env, sh.tree) {
            let remark = |l: &&str| l.starts_with("layerlab: ");
            for l in done.stdout.split_inclusive('\n') {
                if remark(&l) {
                    sh.host_notes.push(l.trim_end().to_owned());
                } else {
                    sh.stdout.push_str(l);
                }
            }
            // Standard error follows standard output into the same stream,
            // so a terminal shows them in order.
            for l in done.stderr.split_inclusive('\n') {
                if remark(&l) {
                    sh.host_notes.push(l.trim_end().to_owned());
                } else {
                    sh.stdout.push_str(l);
                }
            }
            return done.status;
        }
    }
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
        // Everything below is a program: with the image's programs known, it must be on PATH.
        _ if sh.strict_path && !on_path(sh, name) => {
            fail(sh, format!("/bin/sh: 1: {name}: not found"), 127)
        }
        "mkdir" => mkdir(sh, args),
        "rm" => rm(sh, args),
        "touch" => touch(sh, args),
        "cp" => copy_or_move(sh, args, false),
        "mv" => copy_or_move(sh, args, true),
        "ln" => ln(sh, args),
        "chmod" => chmod(sh, args),
        "chown" => chown(sh, args),
        "install" => install::install(sh, args),
        "cat" => cat(sh, args),
        "ls" => ls::ls(sh, args),
        "find" => find::find(sh, argv),
        "xargs" => find::xargs(sh, argv),
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
        "dd" => dd(sh, args),
        "tr" => text::tr(sh, args),
        "dirname" | "basename" => match args.iter().find(|a| !a.starts_with('-')) {
            Some(p) => {
                let suffix = args.iter().filter(|a| !a.starts_with('-')).nth(1);
                let line = path_part(name, p, suffix.map(String::as_str));
                out(sh, &format!("{line}\n"))
            }
            None => fail(sh, format!("{name}: missing operand"), 1),
        },
        "awk" | "gawk" | "mawk" => text::awk(sh, argv),
        "head" | "tail" => lines::head_or_tail(sh, argv),
        "wc" => lines::wc(sh, argv),
        "sort" => lines::sort(sh, argv),
        "uniq" => lines::uniq(sh, argv),
        "cut" => lines::cut(sh, argv),
        "gpg" | "gpg2" => gpg(sh, args),
        "gpgconf" => 0,
        "sha256sum" | "sha512sum" => checksum(sh, name, args),
        // `gosu USER CMD…`: runs CMD as USER.
        "gosu" | "su-exec" if args.len() >= 2 => {
            let user = std::mem::replace(&mut sh.user, args[0].clone());
            let code = run(sh, &args[1..]);
            sh.user = user;
            code
        }
        "fallocate" => fallocate(sh, args),
        "truncate" => truncate(sh, args),
        "sh" | "bash" if args.first().map(String::as_str) == Some("-c") => {
            let script = args.get(1).cloned().unwrap_or_default();
            sh.run_nested(&script)
        }
        "go" => match go::go(sh, args) {
            Some(code) => code,
            None => other(sh, argv),
        },
        "npm" => match npm::run(sh, args) {
            Some(code) => code,
            None => other(sh, argv),
        },
        "pip" | "pip2" | "pip3" => match pip::run(sh, name, args) {
            Some(code) => code,
            None => other(sh, argv),
        },
        "apk" => match apk::run(sh, args) {
            Some(code) => code,
            None => other(sh, argv),
        },
        "apt-mark" => match apt::mark(sh, args) {
            Some(code) => code,
            None => other(sh, argv),
        },
        "apt-get" | "apt" => match apt::run(sh, args) {
            Some(code) => code,
            None => other(sh, argv),
        },
        _ => other(sh, argv),
    }
}

pub(super) fn out(sh: &mut Interp<'_>, text: &str) -> i32 {
    sh.stdout.push_str(text);
    0
}

pub(super) fn fail(sh: &mut Interp<'_>, msg: String, code: i32) -> i32 {
    sh.output.push(msg);
    code
}

/// A path a command needs is missing. When the image's files are not fully
/// known (an earlier command layerlab could not simulate may have made it),
/// the failure is noted and the command assumed to succeed; otherwise it fails
/// as the real command would.
pub(super) fn missing(sh: &mut Interp<'_>, msg: String, code: i32) -> i32 {
    if sh.strict_path {
        return fail(sh, msg, code);
    }
    sh.notes.push(Note::unsimulated(format!(
        "{msg}; the image's files are not fully known (an earlier command layerlab could not simulate may have made it), assumed to succeed"
    )));
    0
}

/// The bandwidth package downloads are timed with: 10 MB/s.
pub(super) const DOWNLOAD_BYTES_PER_MS: u64 = 10_000;

/// Writes a file of `size` bytes standing for content layerlab does not hold
/// (`label` keeps distinct files distinct); returns `size` for the step's total.
pub(super) fn put_sized(sh: &mut Interp<'_>, path: &str, label: &str, size: u64) -> u64 {
    let _ = sh
        .tree
        .write_file(path, Meta::FILE, Content::sized(label, size));
    size
}

/// Where a package's files go: its programs on PATH and the directories its
/// bulk is spread over (see [`crate::catalog::placement`]).
pub(super) struct PackageFiles<'a> {
    pub name: &'a str,
    pub programs: &'a [String],
    pub dirs: &'a [(String, u32)],
}

/// Writes an installed package: each program on PATH gets a share of half its
/// `size`, the rest (plus `extra` bytes, such as bytecode compiled at install)
/// is a block in each of its directories.
pub(super) fn put_package(
    sh: &mut Interp<'_>,
    files: &PackageFiles<'_>,
    version: &str,
    size: u64,
    extra: u64,
) {
    let name = files.name;
    let mut left = size;
    for program in files.programs {
        let share = (size / (2 * files.programs.len() as u64)).min(left);
        left -= share;
        let _ = sh.tree.write_file(
            program,
            Meta::EXEC,
            Content::sized(&format!("{name}:{program}"), share),
        );
    }
    for (path, bytes) in crate::catalog::placement::blocks(name, files.dirs, left + extra) {
        put_sized(sh, &path, &format!("{name}@{version}{path}"), bytes);
    }
}

/// Deletes what [`put_package`] wrote.
pub(super) fn remove_package(sh: &mut Interp<'_>, files: &PackageFiles<'_>) {
    for program in files.programs {
        let _ = sh.tree.remove(program);
    }
    for (path, _) in crate::catalog::placement::blocks(files.name, files.dirs, 0) {
        let _ = sh.tree.remove(&path);
    }
}

/// The user's home directory: `$HOME` (the build sets it from /etc/passwd),
/// else `/root`; without a trailing slash.
pub(crate) fn home(sh: &Interp<'_>) -> String {
    match sh.env.get("HOME").map(|h| h.trim_end_matches('/')) {
        Some(h) if !h.is_empty() => h.to_owned(),
        Some(_) => String::new(),
        None => "/root".into(),
    }
}

/// Notes a command whose input layerlab does not hold (standard input from
/// a command it could not simulate, or a file of unknown content); the
/// command is assumed to succeed. Returns its exit status, 0.
pub(super) fn unknown_input(sh: &mut Interp<'_>, argv: &[String]) -> i32 {
    sh.notes.push(Note::unsimulated(format!(
        "{}: its input is not known to layerlab",
        argv.join(" ")
    )));
    0
}

/// Notes the requested packages a package manager has no data for.
pub(super) fn note_unknown(sh: &mut Interp<'_>, command: &str, unknown: &[String]) {
    if !unknown.is_empty() {
        sh.notes.push(Note::unsimulated(format!(
            "{command} {}, no package data (assumed to change no files)",
            unknown.join(" ")
        )));
    }
}

/// A command layerlab does not simulate: noted, or `not found` under strict PATH.
fn other(sh: &mut Interp<'_>, argv: &[String]) -> i32 {
    let name = &argv[0];
    if sh.strict_path && !on_path(sh, name) {
        return fail(sh, format!("/bin/sh: 1: {name}: not found"), 127);
    }
    sh.notes.push(Note::unsimulated(format!(
        "{}, assumed to change no files",
        argv.join(" ")
    )));
    // What that command installed is unknown now: stop treating missing programs as errors.
    sh.strict_path = false;
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

pub(super) fn flags_and_operands(args: &[String]) -> (String, Vec<String>) {
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

/// The value after the first of `names` in `args` (`-o FILE`).
pub(super) fn option_value(args: &[String], names: &[&str]) -> Option<String> {
    args.iter()
        .position(|a| names.contains(&a.as_str()))
        .and_then(|i| args.get(i + 1).cloned())
}

/// `dirname P` / `basename P [SUFFIX]`, as POSIX defines them on the text.
fn path_part(which: &str, p: &str, suffix: Option<&str>) -> String {
    let trimmed = p.trim_end_matches('/');
    if trimmed.is_empty() {
        return if p.is_empty() { ".".into() } else { "/".into() };
    }
    let (dir, base) = match trimmed.rfind('/') {
        Some(i) => (trimmed[..i].trim_end_matches('/'), &trimmed[i + 1..]),
        None => (".", trimmed),
    };
    if which == "dirname" {
        return if dir.is_empty() {
            "/".into()
        } else {
            dir.into()
        };
    }
    match suffix {
        Some(s) if base != s && base.ends_with(s) => base[..base.len() - s.len()].into(),
        _ => base.into(),
    }
}

#[cfg(test)]
mod path_part_tests {
    use super::path_part;

    #[test]
    fn dirname_and_basename_as_posix() {
        for (p, dir, base) in [
            (
                "/usr/local/libexec/docker/cli-plugins/docker-buildx",
                "/usr/local/libexec/docker/cli-plugins",
                "docker-buildx",
            ),
            ("/usr/", "/", "usr"),
            ("file.tar.gz", ".", "file.tar.gz"),
            ("/", "/", "/"),
            ("a//b//", "a", "b"),
        ] {
            assert_eq!(path_part("dirname", p, None), dir, "{p}");
            assert_eq!(path_part("basename", p, None), base, "{p}");
        }
        assert_eq!(path_part("basename", "/x/app.py", Some(".py")), "app");
        assert_eq!(path_part("basename", ".py", Some(".py")), ".py");
    }
}
