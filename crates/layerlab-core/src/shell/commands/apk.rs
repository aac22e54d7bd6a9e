//! `apk` against Alpine package data (`catalog::alpine`): `update` writes the
//! branch's APKINDEX files to `/var/cache/apk`; `add` needs them (or
//! `--no-cache`, which fetches the index without keeping it), records what was
//! asked for in `/etc/apk/world` (or under a `--virtual` name) and installs the
//! dependency closure minus what the image has; `del` takes names out of the
//! world and removes every package nothing in the world still needs, as apk
//! does. Each package is its programs plus one block of its installed size.

use crate::build::Note;
use std::collections::BTreeSet;

use crate::catalog::alpine::{ApkPackage, Branch};
use crate::fs::{Content, Meta, Node};

use super::{put_package, put_sized, remove_package, PackageFiles, DOWNLOAD_BYTES_PER_MS};
use crate::shell::interp::Interp;

const WORLD: &str = "/etc/apk/world";
const INSTALLED: &str = "/lib/apk/db/installed";
const CACHE: &str = "/var/cache/apk";

fn read(sh: &Interp<'_>, path: &str) -> String {
    sh.tree.text(path).unwrap_or_default()
}

fn write(sh: &mut Interp<'_>, path: &str, text: String) {
    let _ = sh
        .tree
        .write_file(path, Meta::FILE, Content::bytes(text.into_bytes()));
}

/// Installed packages, from apk's database (`P:` lines).
fn installed(sh: &Interp<'_>) -> BTreeSet<String> {
    read(sh, INSTALLED)
        .lines()
        .filter_map(|l| l.strip_prefix("P:").map(str::to_owned))
        .collect()
}

fn world(sh: &Interp<'_>) -> Vec<String> {
    read(sh, WORLD)
        .split_whitespace()
        .map(str::to_owned)
        .collect()
}

fn version_id(sh: &Interp<'_>) -> Option<String> {
    read(sh, "/etc/os-release").lines().find_map(|l| {
        l.strip_prefix("VERSION_ID=")
            .map(|v| v.trim_matches('"').to_owned())
    })
}

fn has_index(sh: &Interp<'_>) -> bool {
    matches!(sh.tree.get(CACHE), Some(Node::Dir { entries, .. })
        if entries.keys().any(|k| k.starts_with("APKINDEX.")))
}

/// Runs `apk ARGS`; `None` when there is no data for this image's branch.
pub(super) fn run(sh: &mut Interp<'_>, args: &[String]) -> Option<i32> {
    if args.iter().any(|a| a == "--print-arch") {
        return Some(super::out(sh, "x86_64\n"));
    }
    let data = sh.alpine.clone()?;
    let version = version_id(sh)?;
    let Some(branch) = data.branch_for(&version) else {
        // The page fetches a branch's data when a build first asks for it.
        if let Some(wanted) = &sh.wanted_debian {
            if let Ok(mut w) = wanted.lock() {
                w.insert(format!(
                    "alpine/{}",
                    crate::catalog::alpine::branch_name(&version)
                ));
            }
        }
        return None;
    };
    let action = args.iter().find(|a| !a.starts_with('-'))?.clone();
    let no_cache = args.iter().any(|a| a == "--no-cache");
    let mut virtual_name = None;
    let mut names = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        if a == "--virtual" || a == "-t" {
            virtual_name = args.get(i + 1).cloned();
            i += 1;
        } else if let Some(v) = a.strip_prefix("--virtual=") {
            virtual_name = Some(v.to_owned());
        } else if !a.starts_with('-') && *a != action {
            names.push(a.split(['=', '<', '>', '~']).next().unwrap_or(a).to_owned());
        }
        i += 1;
    }
    Some(match action.as_str() {
        "update" => {
            update(sh, branch, true);
            0
        }
        "add" => add(sh, branch, &names, no_cache, virtual_name),
        "del" => del(sh, branch, &names),
        _ => return None,
    })
}

/// Fetches the branch's indexes; they stay in `/var/cache/apk` unless `keep` is false.
fn update(sh: &mut Interp<'_>, branch: &Branch, keep: bool) {
    for (repo, bytes) in &branch.indexes {
        sh.output.push(format!(
            "fetch [Alpine mirror]/{}/{repo}/x86_64/APKINDEX.tar.gz",
            branch.name
        ));
        if keep {
            let path = format!("{CACHE}/APKINDEX.{}-{repo}.tar.gz", branch.name);
            put_sized(sh, &path, &path, *bytes);
        }
        sh.duration_ms += bytes / DOWNLOAD_BYTES_PER_MS;
    }
    if keep {
        sh.notes.push(Note::info(format!(
            "apk update: the {} indexes ({}; sizes estimated)",
            branch.name,
            branch
                .indexes
                .iter()
                .map(|(r, b)| format!("{r} {}", crate::report::human_size(*b)))
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
}

fn add(
    sh: &mut Interp<'_>,
    branch: &Branch,
    names: &[String],
    no_cache: bool,
    virtual_name: Option<String>,
) -> i32 {
    if no_cache {
        update(sh, branch, false);
    } else if !has_index(sh) {
        // apk fetches indexes it has no fresh copy of (its auto-update), and
        // keeps them in /var/cache/apk, in the layer.
        update(sh, branch, true);
    }
    let (known, unknown): (Vec<String>, Vec<String>) = names
        .iter()
        .cloned()
        .partition(|n| branch.real(n).is_some());
    super::note_unknown(sh, "apk add", &unknown);
    let have = installed(sh);
    let set: Vec<&ApkPackage> = branch
        .closure(&known)
        .into_iter()
        .filter(|p| !have.contains(&p.name))
        .collect();
    let total = set.len();
    let mut db = read(sh, INSTALLED);
    for (n, pkg) in set.iter().enumerate() {
        sh.output.push(format!(
            "({}/{total}) Installing {} ({})",
            n + 1,
            pkg.name,
            pkg.version
        ));
        let files = PackageFiles {
            name: &pkg.name,
            programs: &pkg.programs,
            dirs: &[],
        };
        put_package(sh, &files, &pkg.version, pkg.installed_size, 0);
        db.push_str(&format!(
            "P:{}\nV:{}\nI:{}\n\n",
            pkg.name, pkg.version, pkg.installed_size
        ));
    }
    write(sh, INSTALLED, db);
    let mut w = world(sh);
    match virtual_name {
        // A virtual package stands for what it was given: deleting it removes them.
        Some(v) => {
            w.retain(|n| *n != v);
            w.push(v.clone());
            write(sh, &virtual_path(&v), known.join(" "));
        }
        None => w.extend(
            known
                .iter()
                .filter(|n| !w.contains(n))
                .cloned()
                .collect::<Vec<_>>(),
        ),
    }
    w.sort_unstable();
    write(sh, WORLD, w.join("\n") + "\n");
    let bytes: u64 = set.iter().map(|p| p.installed_size).sum();
    sh.output.push(format!(
        "OK: {} in {} packages",
        crate::report::human_size(bytes),
        installed(sh).len()
    ));
    sh.duration_ms += bytes / 3 / DOWNLOAD_BYTES_PER_MS + total as u64 * 50;
    if !set.is_empty() {
        sh.notes.push(Note::info(format!(
            "apk add: {} packages, {} installed ({} data: {})",
            total,
            crate::report::human_size(bytes),
            branch.name,
            sources(&set)
        )));
    }
    0
}

/// Where a `--virtual` package's members are kept (layerlab's own record).
fn virtual_path(name: &str) -> String {
    format!("/lib/apk/db/layerlab-virtual/{name}")
}

/// The kinds of figures used, for the note (scans, calibrated, estimates).
fn sources(set: &[&ApkPackage]) -> String {
    let mut kinds: Vec<&str> = set
        .iter()
        .map(|p| p.source.split(':').next().unwrap_or(""))
        .collect();
    kinds.sort_unstable();
    kinds.dedup();
    kinds.join(", ")
}

fn del(sh: &mut Interp<'_>, branch: &Branch, names: &[String]) -> i32 {
    let mut w = world(sh);
    w.retain(|n| !names.contains(n));
    // What the world still needs (virtual packages stand for their members).
    let mut wanted: Vec<String> = Vec::new();
    for n in &w {
        let members = read(sh, &virtual_path(n));
        if members.is_empty() {
            wanted.push(n.clone());
        } else {
            wanted.extend(members.split_whitespace().map(str::to_owned));
        }
    }
    let keep: BTreeSet<String> = branch
        .closure(&wanted)
        .iter()
        .map(|p| p.name.clone())
        .collect();
    let have = installed(sh);
    let removed: Vec<&ApkPackage> = have
        .iter()
        .filter(|n| !keep.contains(*n))
        .filter_map(|n| branch.packages.get(n))
        .collect();
    for (i, pkg) in removed.iter().enumerate() {
        sh.output.push(format!(
            "({}/{}) Purging {} ({})",
            i + 1,
            removed.len(),
            pkg.name,
            pkg.version
        ));
        let files = PackageFiles {
            name: &pkg.name,
            programs: &pkg.programs,
            dirs: &[],
        };
        remove_package(sh, &files);
    }
    let gone: BTreeSet<&str> = removed.iter().map(|p| p.name.as_str()).collect();
    let db: String = read(sh, INSTALLED)
        .split("\n\n")
        .filter(|s| {
            let name = s.lines().next().and_then(|l| l.strip_prefix("P:"));
            !s.trim().is_empty() && !name.is_some_and(|n| gone.contains(n))
        })
        .map(|s| format!("{}\n\n", s.trim_matches('\n')))
        .collect();
    write(sh, INSTALLED, db);
    for n in names {
        let _ = sh.tree.remove(&virtual_path(n));
    }
    write(sh, WORLD, w.join("\n") + "\n");
    sh.output
        .push(format!("OK: {} packages", installed(sh).len()));
    0
}
