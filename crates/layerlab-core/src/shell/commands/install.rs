//! `install` (GNU coreutils): copies files into place with a mode and an
//! owner (`install -m 755 tool /usr/local/bin/`), or creates directories with
//! them (`install -d -o postgres -g postgres -m 1777 /var/run/postgresql`).
//! Its options are parsed as getopt does (`-Dm644`, `--mode=0755`); files
//! and directories get mode 0755 unless `-m` says otherwise.

use crate::build::Note;
use crate::fs::{path, Meta, Node};

use super::files::owner;
use super::{fail, missing};
use crate::shell::interp::Interp;

/// What the options asked for.
#[derive(Default)]
struct Options {
    directories: bool,
    leading: bool,
    verbose: bool,
    strip: bool,
    no_target_directory: bool,
    mode: Option<String>,
    owner: Option<String>,
    group: Option<String>,
    target: Option<String>,
    operands: Vec<String>,
}

/// Options that take a value, short and long.
const VALUED: [(char, &str); 6] = [
    ('m', "mode"),
    ('o', "owner"),
    ('g', "group"),
    ('t', "target-directory"),
    ('S', "suffix"),
    ('\0', "strip-program"),
];

impl Options {
    fn set(&mut self, key: char, value: String) {
        match key {
            'm' => self.mode = Some(value),
            'o' => self.owner = Some(value),
            'g' => self.group = Some(value),
            't' => self.target = Some(value),
            _ => {}
        }
    }

    fn flag(&mut self, key: char) -> Result<(), String> {
        match key {
            'd' => self.directories = true,
            'D' => self.leading = true,
            'v' => self.verbose = true,
            's' => self.strip = true,
            'T' => self.no_target_directory = true,
            'b' | 'c' | 'C' | 'p' | 'Z' => {}
            other => return Err(format!("install: invalid option -- '{other}'")),
        }
        Ok(())
    }

    fn parse(args: &[String]) -> Result<Options, String> {
        let mut o = Options::default();
        let mut i = 0;
        while i < args.len() {
            let a = &args[i];
            i += 1;
            if a == "--" {
                o.operands.extend(args[i..].iter().cloned());
                break;
            }
            if let Some(long) = a.strip_prefix("--") {
                let (name, inline) = match long.split_once('=') {
                    Some((n, v)) => (n, Some(v.to_owned())),
                    None => (long, None),
                };
                if let Some((key, _)) = VALUED.iter().find(|(_, l)| *l == name) {
                    let value = match inline {
                        Some(v) => v,
                        None => {
                            i += 1;
                            args.get(i - 1).cloned().ok_or_else(|| {
                                format!("install: option '--{name}' requires an argument")
                            })?
                        }
                    };
                    o.set(*key, value);
                    continue;
                }
                match name {
                    "directory" => o.directories = true,
                    "verbose" => o.verbose = true,
                    "strip" => o.strip = true,
                    "no-target-directory" => o.no_target_directory = true,
                    "compare"
                    | "preserve-timestamps"
                    | "preserve-context"
                    | "backup"
                    | "context"
                    | "debug" => {}
                    _ => return Err(format!("install: unrecognized option '--{name}'")),
                }
                continue;
            }
            if a.len() < 2 || !a.starts_with('-') {
                o.operands.push(a.clone());
                continue;
            }
            // Short options, bundled as getopt allows: `-Dm644`, `-dm 0755`.
            let chars: Vec<char> = a[1..].chars().collect();
            for (at, &c) in chars.iter().enumerate() {
                if VALUED.iter().any(|(k, _)| *k == c) {
                    let rest: String = chars[at + 1..].iter().collect();
                    let value = if rest.is_empty() {
                        i += 1;
                        args.get(i - 1).cloned().ok_or_else(|| {
                            format!("install: option requires an argument -- '{c}'")
                        })?
                    } else {
                        rest
                    };
                    o.set(c, value);
                    break;
                }
                o.flag(c)?;
            }
        }
        Ok(o)
    }
}

pub(super) fn install(sh: &mut Interp<'_>, args: &[String]) -> i32 {
    let o = match Options::parse(args) {
        Ok(o) => o,
        Err(e) => return fail(sh, e, 1),
    };
    let mode = match o.mode.as_deref() {
        // A symbolic mode applies to 0, as install's does.
        Some(m) => match crate::fs::mode::apply_chmod(m, 0, o.directories) {
            Ok(mode) => mode,
            Err(_) => return fail(sh, format!("install: invalid mode '{m}'"), 1),
        },
        None => 0o755,
    };
    let meta = match ownership(sh, &o, mode) {
        Ok(meta) => meta,
        Err(code) => return code,
    };
    if o.strip {
        sh.notes.push(Note::unsimulated(
            "install -s, the stripped size is unknown (the file keeps its size)",
        ));
    }
    if o.directories {
        return directories(sh, &o, meta);
    }
    files(sh, &o, meta)
}

/// The owner and group of what install makes: `-o`/`-g`, else the user's.
/// An account the image does not have fails as install does, or, when an
/// earlier unsimulated command may have made it, is noted and left as is.
fn ownership(sh: &mut Interp<'_>, o: &Options, mode: u32) -> Result<Meta, i32> {
    let mut meta = Meta { mode, ..owner(sh) };
    if let Some(user) = &o.owner {
        match crate::accounts::resolve_owner(sh.tree, user) {
            Ok((uid, _)) => meta.uid = uid,
            Err(_) => unknown_account(sh, format!("install: invalid user '{user}'"))?,
        }
    }
    if let Some(group) = &o.group {
        let gid = crate::accounts::account_entry(sh.tree, "/etc/group", group)
            .and_then(|fields| fields[2].parse().ok())
            .or_else(|| group.parse().ok());
        match gid {
            Some(gid) => meta.gid = gid,
            None => unknown_account(sh, format!("install: invalid group '{group}'"))?,
        }
    }
    Ok(meta)
}

fn unknown_account(sh: &mut Interp<'_>, message: String) -> Result<(), i32> {
    match missing(sh, message, 1) {
        0 => Ok(()),
        code => Err(code),
    }
}

/// `install -d DIR...`: each directory and its missing parents; the mode and
/// owner go on the named directory, parents get 0755 and the user's owner.
fn directories(sh: &mut Interp<'_>, o: &Options, meta: Meta) -> i32 {
    if o.operands.is_empty() {
        return fail(sh, "install: missing file operand".into(), 1);
    }
    for dir in &o.operands {
        let abs = sh.abs(dir);
        if let Err(code) = make_parents(sh, &abs, o.verbose, dir) {
            return code;
        }
        match sh.tree.get(&abs) {
            Some(node) if node.is_dir() => {
                let _ = sh.tree.set_meta(&abs, meta);
            }
            Some(_) => {
                return fail(
                    sh,
                    format!("install: cannot create directory '{dir}': File exists"),
                    1,
                )
            }
            None => {
                let _ = sh.tree.insert(&abs, Node::empty_dir(meta));
                if o.verbose {
                    sh.stdout
                        .push_str(&format!("install: creating directory '{dir}'\n"));
                }
            }
        }
    }
    0
}

/// Creates the missing directories above `abs` (0755, the user's owner).
fn make_parents(sh: &mut Interp<'_>, abs: &str, verbose: bool, shown: &str) -> Result<(), i32> {
    let parent = path::parent(abs);
    if sh.tree.get(parent).is_some_and(Node::is_dir) {
        return Ok(());
    }
    let mut made = String::new();
    for comp in path::components(parent) {
        made = path::child(if made.is_empty() { "/" } else { &made }, comp);
        match sh.tree.get(&made) {
            Some(n) if n.is_dir() => continue,
            Some(_) => {
                let code = fail(
                    sh,
                    format!("install: cannot create directory '{made}': Not a directory"),
                    1,
                );
                return Err(code);
            }
            None => {
                let _ = sh.tree.insert(&made, Node::empty_dir(owner(sh)));
                if verbose {
                    let text = if shown.starts_with('/') {
                        made.clone()
                    } else {
                        made.trim_start_matches(&format!("{}/", sh.cwd.trim_end_matches('/')))
                            .to_owned()
                    };
                    sh.stdout
                        .push_str(&format!("install: creating directory '{text}'\n"));
                }
            }
        }
    }
    Ok(())
}

/// `install SRC DEST`, `install SRC... DIR`, `install -t DIR SRC...`.
fn files(sh: &mut Interp<'_>, o: &Options, meta: Meta) -> i32 {
    let mut sources = o.operands.clone();
    let dest = match &o.target {
        Some(t) => t.clone(),
        None => match sources.pop() {
            Some(d) if !sources.is_empty() => d,
            Some(d) => {
                return fail(
                    sh,
                    format!("install: missing destination file operand after '{d}'"),
                    1,
                )
            }
            None => return fail(sh, "install: missing file operand".into(), 1),
        },
    };
    let dest_abs = sh.abs(&dest);
    if o.leading {
        // -D: the destination's parents (or the -t directory itself) are made.
        let leaf = if o.target.is_some() {
            path::child(&dest_abs, "x")
        } else {
            dest_abs.clone()
        };
        if let Err(code) = make_parents(sh, &leaf, o.verbose, &dest) {
            return code;
        }
    }
    let into_dir = o.target.is_some()
        || (!o.no_target_directory && sh.tree.get(&dest_abs).is_some_and(Node::is_dir));
    if sources.len() > 1 && !into_dir {
        return fail(
            sh,
            format!("install: target '{dest}' is not a directory"),
            1,
        );
    }
    let mut status = 0;
    for src in &sources {
        let src_abs = sh.abs(src);
        let content = match sh.tree.get(&src_abs) {
            Some(Node::File { content, .. }) => content.clone(),
            Some(Node::Dir { .. }) => {
                status = fail(sh, format!("install: omitting directory '{src}'"), 1);
                continue;
            }
            _ => {
                let code = missing(
                    sh,
                    format!("install: cannot stat '{src}': No such file or directory"),
                    1,
                );
                status = status.max(code);
                continue;
            }
        };
        let (target, shown) = if into_dir {
            let name = path::base_name(&src_abs);
            (
                path::child(&dest_abs, name),
                format!("{}/{name}", dest.trim_end_matches('/')),
            )
        } else {
            (dest_abs.clone(), dest.clone())
        };
        if !sh.tree.get(path::parent(&target)).is_some_and(Node::is_dir) {
            let code = missing(
                sh,
                format!("install: cannot create regular file '{shown}': No such file or directory"),
                1,
            );
            status = status.max(code);
            if code != 0 {
                continue;
            }
            let _ = sh.tree.mkdir_all(path::parent(&target), owner(sh));
        }
        let _ = sh.tree.insert(&target, Node::file(meta, content));
        if o.verbose {
            sh.stdout.push_str(&format!("'{src}' -> '{shown}'\n"));
        }
    }
    status
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Options {
        let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        Options::parse(&args).unwrap()
    }

    #[test]
    fn options_bundle_and_take_values_as_getopt_does() {
        let o = parse(&["-Dm644", "a", "/b"]);
        assert!(o.leading && !o.directories);
        assert_eq!(o.mode.as_deref(), Some("644"));
        assert_eq!(o.operands, ["a", "/b"]);
        let o = parse(&["-dm", "0755", "-o", "pg", "--group=pg", "--verbose", "/d"]);
        assert!(o.directories && o.verbose);
        assert_eq!(
            (o.mode.as_deref(), o.owner.as_deref(), o.group.as_deref()),
            (Some("0755"), Some("pg"), Some("pg"))
        );
        let o = parse(&["-t", "/bin", "--", "-x"]);
        assert_eq!(o.target.as_deref(), Some("/bin"));
        assert_eq!(o.operands, ["-x"]);
        let args: Vec<String> = vec!["-q".into()];
        assert_eq!(
            Options::parse(&args).err().as_deref(),
            Some("install: invalid option -- 'q'")
        );
    }
}
