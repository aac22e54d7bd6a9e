//! `apt-get` / `apt` against the release's real package data: `update` writes
//! the index files (`/var/lib/apt/lists`, the release's real size), `install`
//! resolves dependencies (and Recommends unless `--no-install-recommends`),
//! skips what dpkg already has, and adds each package's programs and its
//! installed size; `remove`/`purge` take them away. Without the lists, apt
//! cannot find packages, as in a fresh image.
//!
//! What is approximated (and said in a note): a package's files other than
//! its programs are one block of its Installed-Size under
//! `/usr/share/layerlab-packages/`; download time uses a stated bandwidth.

use std::collections::BTreeSet;

use crate::catalog::debian::Release;
use crate::fs::{Content, Meta, Node};

use super::{fail, put_sized, DOWNLOAD_BYTES_PER_MS};
use crate::shell::interp::Interp;

const LISTS: &str = "/var/lib/apt/lists";
const STATUS: &str = "/var/lib/dpkg/status";
const BULK: &str = "/usr/share/layerlab-packages";

fn codename(sh: &Interp<'_>) -> Option<String> {
    match sh.tree.get("/etc/os-release") {
        Some(Node::File { content, .. }) => {
            let text = String::from_utf8_lossy(content.as_bytes()?).into_owned();
            text.lines()
                .find_map(|l| {
                    l.strip_prefix("VERSION_CODENAME=")
                        .map(|v| v.trim_matches('"').to_owned())
                })
                .filter(|c| !c.is_empty())
        }
        _ => None,
    }
}

fn installed(sh: &Interp<'_>) -> BTreeSet<String> {
    match sh.tree.get(STATUS) {
        Some(Node::File { content, .. }) => {
            String::from_utf8_lossy(content.as_bytes().unwrap_or_default())
                .lines()
                .filter_map(|l| l.strip_prefix("Package: ").map(str::to_owned))
                .collect()
        }
        _ => BTreeSet::new(),
    }
}

fn has_lists(sh: &Interp<'_>) -> bool {
    matches!(sh.tree.get(LISTS), Some(Node::Dir { entries, .. }) if entries.keys().any(|k| k.contains("Packages")))
}

/// Runs `apt-get ARGS`; `None` when this image has no package data (the caller notes it).
pub(super) fn run(sh: &mut Interp<'_>, args: &[String]) -> Option<i32> {
    let release = codename(sh)?;
    let data = sh.debian.clone();
    let Some(rel) = data.as_deref().and_then(|d| d.get(&release)) else {
        if let Some(wanted) = &sh.wanted_debian {
            if let Ok(mut set) = wanted.lock() {
                set.insert(release);
            }
        }
        return None;
    };
    let action = args.iter().find(|a| !a.starts_with('-'))?.clone();
    let packages: Vec<String> = args
        .iter()
        .filter(|a| !a.starts_with('-') && **a != action)
        .map(|p| p.split('=').next().unwrap_or(p).to_owned())
        .collect();
    Some(match action.as_str() {
        "update" => update(sh, rel),
        "install" => install(
            sh,
            rel,
            &packages,
            !args.iter().any(|a| a == "--no-install-recommends"),
        ),
        "remove" | "purge" => remove(sh, rel, &packages),
        "clean" | "autoclean" => {
            let _ = sh.tree.remove("/var/cache/apt/archives");
            let _ = sh
                .tree
                .mkdir_all("/var/cache/apt/archives/partial", Meta::DIR);
            0
        }
        _ => return None,
    })
}

fn update(sh: &mut Interp<'_>, rel: &Release) -> i32 {
    let _ = sh.tree.mkdir_all(&format!("{LISTS}/partial"), Meta::DIR);
    let name = format!(
        "{LISTS}/debian_dists_{}_main_binary-amd64_Packages.lz4",
        rel.name
    );
    put_sized(sh, &name, &name, rel.lists_bytes);
    sh.emit(&format!(
        "Get:1 http://deb.debian.org/debian {} InRelease\nReading package lists...\n",
        rel.name
    ));
    sh.notes.push(format!("apt-get update: {} bytes of package lists for {} main (the real index size; updates and security suites not counted)", rel.lists_bytes, rel.name));
    sh.duration_ms += rel.lists_bytes / DOWNLOAD_BYTES_PER_MS;
    0
}

fn install(sh: &mut Interp<'_>, rel: &Release, roots: &[String], recommends: bool) -> i32 {
    sh.emit("Reading package lists...\nBuilding dependency tree...");
    if !has_lists(sh) {
        let first = roots.first().cloned().unwrap_or_default();
        return fail(sh, format!("E: Unable to locate package {first}"), 100);
    }
    let have = installed(sh);
    let set = match rel.install_set(roots, &have, recommends) {
        Ok(s) => s,
        Err(e) => return fail(sh, e, 100),
    };
    let total: u64 = set.iter().map(|p| p.installed_size).sum();
    let names: Vec<&str> = set.iter().map(|p| p.name.as_str()).collect();
    sh.emit(&format!("The following NEW packages will be installed:\n  {}\n0 upgraded, {} newly installed, 0 to remove and 0 not upgraded.\nAfter this operation, {} of additional disk space will be used.\n", names.join(" "), set.len(), crate::report::human_size(total)));
    let mut status = String::new();
    for pkg in &set {
        let mut left = pkg.installed_size;
        for program in &pkg.programs {
            let size = (pkg.installed_size / (2 * pkg.programs.len().max(1) as u64)).min(left);
            left -= size;
            let _ = sh.tree.write_file(
                program,
                Meta::EXEC,
                Content::sized(&format!("{}:{program}", pkg.name), size),
            );
        }
        put_sized(
            sh,
            &format!("{BULK}/{}", pkg.name),
            &format!("{}@{}", pkg.name, pkg.version),
            left,
        );
        status.push_str(&format!(
            "Package: {}\nStatus: install ok installed\nVersion: {}\n\n",
            pkg.name, pkg.version
        ));
    }
    append(sh, STATUS, &status);
    sh.notes.push(format!(
        "apt-get install: {} packages, {} installed (Installed-Size from {}'s package index; files other than programs are summarised per package)",
        set.len(),
        crate::report::human_size(total),
        rel.name
    ));
    // Downloads are about a third of the installed size; installing takes time too.
    sh.duration_ms += total / 3 / DOWNLOAD_BYTES_PER_MS + set.len() as u64 * 150;
    0
}

fn remove(sh: &mut Interp<'_>, rel: &Release, names: &[String]) -> i32 {
    let have = installed(sh);
    for name in names {
        if !have.contains(name) {
            sh.output
                .push(format!("Package '{name}' is not installed, so not removed"));
            continue;
        }
        if let Some(pkg) = rel.get(name) {
            for program in &pkg.programs {
                let _ = sh.tree.remove(program);
            }
        }
        let _ = sh.tree.remove(&format!("{BULK}/{name}"));
    }
    let kept: String = match sh.tree.get(STATUS) {
        Some(Node::File { content, .. }) => {
            String::from_utf8_lossy(content.as_bytes().unwrap_or_default())
                .split("\n\n")
                .filter(|s| {
                    !s.trim().is_empty()
                        && !names
                            .iter()
                            .any(|n| s.starts_with(&format!("Package: {n}\n")))
                })
                .map(|s| format!("{}\n\n", s.trim_end()))
                .collect()
        }
        _ => String::new(),
    };
    let _ = sh
        .tree
        .write_file(STATUS, Meta::FILE, Content::bytes(kept.into_bytes()));
    0
}

fn append(sh: &mut Interp<'_>, file: &str, text: &str) {
    let mut data = match sh.tree.get(file) {
        Some(Node::File { content, .. }) => content.as_bytes().unwrap_or_default().to_vec(),
        _ => Vec::new(),
    };
    data.extend_from_slice(text.as_bytes());
    let _ = sh.tree.write_file(file, Meta::FILE, Content::bytes(data));
}
