//! `apt-get` / `apt` against the release's real package data: `update` writes
//! the index files (`/var/lib/apt/lists`, the release's real size), `install`
//! resolves dependencies (and Recommends unless `--no-install-recommends`),
//! skips what dpkg already has, and adds each package's programs and its
//! installed size; `remove`/`purge` take them away. Without the lists, apt
//! cannot find packages, as in a fresh image.
//!
//! What is approximated (and said in a note): a package's files other than
//! its programs are a block in each directory its files are in (its
//! Installed-Size shared out by file count, see
//! [`crate::catalog::placement`]); download time uses a stated bandwidth.

use crate::build::Note;
use std::collections::BTreeSet;

use crate::catalog::debian::Release;
use crate::fs::{Meta, Node};

use super::dpkg_state::{self, installed};
use super::{fail, put_package, put_sized, remove_package, PackageFiles, DOWNLOAD_BYTES_PER_MS};
use crate::shell::interp::Interp;

const LISTS: &str = "/var/lib/apt/lists";

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

/// Bytes of the `.pyc` files a Python module package's postinst compiles
/// (dh_python's pycompile), which its Installed-Size does not count. An
/// estimate: such a package is mostly `.py` source (`-dev` and `-doc`
/// packages are not), and bytecode is about 90% of its source's size.
fn bytecode_bytes(pkg: &crate::catalog::debian::Package) -> u64 {
    let module = (pkg.name.starts_with("python") || pkg.name.starts_with("libpython"))
        && !pkg.name.ends_with("-dev")
        && !pkg.name.ends_with("-doc")
        && !pkg.name.ends_with("-whl");
    if module {
        pkg.installed_size * 9 / 10
    } else {
        0
    }
}

/// Whether the image lists an apt source besides Debian's own.
fn third_party_sources(sh: &Interp<'_>) -> bool {
    matches!(sh.tree.get("/etc/apt/sources.list.d"), Some(Node::Dir { entries, .. })
        if entries.keys().any(|k| &**k != "debian.sources"))
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
                set.insert(crate::catalog::debian::data_release(&release).to_owned());
            }
        }
        return None;
    };
    // `-o NAME=VALUE` sets an apt option: its value is not a package.
    let options: Vec<&str> = args
        .windows(2)
        .filter(|w| w[0] == "-o")
        .map(|w| w[1].as_str())
        .collect();
    let recommends_important = !options
        .iter()
        .any(|o| o.eq_ignore_ascii_case("APT::AutoRemove::RecommendsImportant=false"));
    let action = args
        .iter()
        .find(|a| !a.starts_with('-') && !options.contains(&a.as_str()))?
        .clone();
    let packages: Vec<String> = args
        .iter()
        .filter(|a| !a.starts_with('-') && **a != action && !options.contains(&a.as_str()))
        .map(|p| p.split('=').next().unwrap_or(p).to_owned())
        .collect();
    Some(match action.as_str() {
        "update" => update(sh, rel),
        "install" => {
            // APT 3's `install --update` runs `update` first.
            if args.iter().any(|a| a == "--update") && update(sh, rel) != 0 {
                return Some(100);
            }
            install(
                sh,
                rel,
                &packages,
                !args.iter().any(|a| a == "--no-install-recommends"),
            )
        }
        "remove" | "purge" => {
            let code = remove(sh, rel, &packages);
            if args
                .iter()
                .any(|a| a == "--auto-remove" || a == "--autoremove")
            {
                autoremove(sh, rel, recommends_important)
            } else {
                code
            }
        }
        "autoremove" => autoremove(sh, rel, recommends_important),
        "clean" | "autoclean" | "distclean" | "dist-clean" => {
            let _ = sh.tree.remove("/var/cache/apt/archives");
            let _ = sh
                .tree
                .mkdir_all("/var/cache/apt/archives/partial", Meta::DIR);
            // APT 3's `dist-clean` also removes the package lists.
            if matches!(action.as_str(), "distclean" | "dist-clean") {
                let _ = sh.tree.remove(LISTS);
                let _ = sh.tree.mkdir_all(&format!("{LISTS}/partial"), Meta::DIR);
            }
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
        "Get:1 [Debian mirror] {} InRelease\nReading package lists...\n",
        rel.name
    ));
    sh.notes.push(Note::info(format!(
        "apt-get update: {} of package lists for {} main (the real index size, {} bytes; updates and security suites not counted)",
        crate::report::human_size(rel.lists_bytes),
        rel.name,
        rel.lists_bytes
    )));
    sh.duration_ms += rel.lists_bytes / DOWNLOAD_BYTES_PER_MS;
    0
}

/// Whose package index the sizes come from: the release's own, or for an
/// Ubuntu release the Debian one standing in for it, scaled (calibrated).
fn index_source(release: &str) -> String {
    let model = crate::catalog::debian::ubuntu_model();
    // Follow the stand-ins down to a Debian release (16.04 → 18.04's → bullseye).
    let mut base = release;
    let mut via = Vec::new();
    while let Some(next) = model.stand_ins.get(base) {
        if base != release {
            via.push(base);
        }
        base = next;
    }
    if base == release {
        return format!("{release}'s package index");
    }
    let via = if via.is_empty() {
        String::new()
    } else {
        format!(" (via the {} stand-in)", via.join(", "))
    };
    format!(
        "Debian {base}'s package index standing in for Ubuntu {release}{via}, sizes x {} (calibrated: {})",
        model.size_factor, model.size_factor_source
    )
}

fn install(sh: &mut Interp<'_>, rel: &Release, roots: &[String], recommends: bool) -> i32 {
    sh.emit("Reading package lists...\nBuilding dependency tree...");
    if !has_lists(sh) {
        let first = roots.first().cloned().unwrap_or_default();
        return fail(sh, format!("E: Unable to locate package {first}"), 100);
    }
    // Packages from a repository the build added (sources.list.d) are not in
    // Debian's data: noted, and the rest installed.
    let (known, unknown): (Vec<String>, Vec<String>) =
        roots.iter().cloned().partition(|r| rel.real(r).is_some());
    let roots = if !unknown.is_empty() && (third_party_sources(sh) || !sh.strict_path) {
        super::note_unknown(sh, "apt-get install", &unknown);
        if known.is_empty() {
            return 0;
        }
        &known[..]
    } else {
        roots
    };
    let have = installed(sh);
    let set = match rel.install_set(roots, &have, recommends) {
        Ok(s) => s,
        Err(e) => return fail(sh, e, 100),
    };
    let total: u64 = set.iter().map(|p| p.installed_size).sum();
    let names: Vec<&str> = set.iter().map(|p| p.name.as_str()).collect();
    sh.emit(&format!("The following NEW packages will be installed:\n  {}\n0 upgraded, {} newly installed, 0 to remove and 0 not upgraded.\nAfter this operation, {} of additional disk space will be used.\n", names.join(" "), set.len(), crate::report::human_size(total)));
    for pkg in &set {
        let extra = bytecode_bytes(pkg);
        let files = PackageFiles {
            name: &pkg.name,
            programs: &pkg.programs,
            dirs: &pkg.dirs,
        };
        put_package(sh, &files, &pkg.version, pkg.installed_size, extra);
    }
    // What was asked for is installed manually; the rest only as dependencies.
    let asked: BTreeSet<&str> = roots
        .iter()
        .filter_map(|r| rel.real(r).map(|p| p.name.as_str()))
        .collect();
    let auto: BTreeSet<String> = set
        .iter()
        .filter(|p| !asked.contains(p.name.as_str()))
        .map(|p| p.name.clone())
        .collect();
    dpkg_state::record(sh, &set, &auto, &BTreeSet::new());
    sh.notes.push(Note::info(format!(
        "apt-get install: {} packages, {} installed (Installed-Size from {}; files other than programs are summarised per package and directory)",
        set.len(),
        crate::report::human_size(total),
        index_source(&rel.name)
    )));
    // Downloads are about a third of the installed size; installing takes time too.
    sh.duration_ms += total / 3 / DOWNLOAD_BYTES_PER_MS + set.len() as u64 * 150;
    0
}

fn remove(sh: &mut Interp<'_>, rel: &Release, names: &[String]) -> i32 {
    let have = installed(sh);
    let mut removed = BTreeSet::new();
    for name in names {
        if !have.contains(name) {
            sh.output
                .push(format!("Package '{name}' is not installed, so not removed"));
            continue;
        }
        removed.insert(name.clone());
    }
    remove_packages(sh, rel, &removed);
    0
}

/// `apt-mark auto|manual|showmanual|showauto NAMES`: apt's record of which
/// packages were installed only as dependencies (what autoremove may take).
/// Names may be patterns (`'.*'`): they then match every installed package.
pub(super) fn mark(sh: &mut Interp<'_>, args: &[String]) -> Option<i32> {
    let action = args.iter().find(|a| !a.starts_with('-'))?.clone();
    let names: Vec<&String> = args
        .iter()
        .filter(|a| !a.starts_with('-') && **a != action)
        .collect();
    let have = installed(sh);
    let mut auto = dpkg_state::auto_installed(sh);
    let pattern = |n: &str| n.contains(['*', '?', '[', '^', '$', '+']);
    let chosen: BTreeSet<String> = have
        .iter()
        .filter(|p| names.iter().any(|n| pattern(n) || n == p))
        .cloned()
        .collect();
    match action.as_str() {
        "auto" | "markauto" => {
            auto.extend(chosen);
            dpkg_state::write_auto(sh, &auto);
        }
        "manual" | "unmarkauto" => {
            auto.retain(|p| !chosen.contains(p));
            dpkg_state::write_auto(sh, &auto);
        }
        "showmanual" => {
            let text: String = have
                .iter()
                .filter(|p| !auto.contains(*p))
                .map(|p| format!("{p}\n"))
                .collect();
            super::out(sh, &text);
        }
        "showauto" => {
            let text: String = auto.iter().map(|p| format!("{p}\n")).collect();
            super::out(sh, &text);
        }
        "hold" | "unhold" => {}
        _ => return None,
    }
    Some(0)
}

/// Deletes the packages' files and records the dpkg run.
fn remove_packages(sh: &mut Interp<'_>, rel: &Release, removed: &BTreeSet<String>) {
    if removed.is_empty() {
        return;
    }
    for name in removed {
        let (programs, dirs) = rel
            .get(name)
            .map(|p| (&p.programs[..], &p.dirs[..]))
            .unwrap_or_default();
        remove_package(
            sh,
            &PackageFiles {
                name,
                programs,
                dirs,
            },
        );
    }
    sh.emit(&format!(
        "The following packages will be REMOVED:\n  {}\n0 upgraded, 0 newly installed, {} to remove and 0 not upgraded.",
        removed.iter().cloned().collect::<Vec<_>>().join(" "),
        removed.len()
    ));
    dpkg_state::record(sh, &[], &BTreeSet::new(), removed);
    sh.duration_ms += removed.len() as u64 * 50;
}

/// `apt-get autoremove`: packages installed only as dependencies that nothing
/// installed manually needs any more (Depends, Pre-Depends or, as apt keeps
/// them by default, Recommends, unless `APT::AutoRemove::RecommendsImportant`
/// is false).
fn autoremove(sh: &mut Interp<'_>, rel: &Release, recommends_important: bool) -> i32 {
    let have = installed(sh);
    let auto = dpkg_state::auto_installed(sh);
    let mut keep: BTreeSet<String> = BTreeSet::new();
    let mut stack: Vec<String> = have
        .iter()
        .filter(|n| !auto.contains(*n))
        .cloned()
        .collect();
    while let Some(name) = stack.pop() {
        if !keep.insert(name.clone()) {
            continue;
        }
        let Some(pkg) = rel.get(&name) else { continue };
        let recommends: &[Vec<String>] = if recommends_important {
            &pkg.recommends
        } else {
            &[]
        };
        for group in pkg.depends.iter().chain(recommends) {
            // The first installed alternative (or provider) satisfies the group.
            let hit = group.iter().find_map(|alt| {
                if have.contains(alt) {
                    Some(alt.clone())
                } else {
                    rel.real(alt)
                        .map(|p| p.name.clone())
                        .filter(|n| have.contains(n))
                }
            });
            if let Some(n) = hit {
                stack.push(n);
            }
        }
    }
    let removed: BTreeSet<String> = have.difference(&keep).cloned().collect();
    remove_packages(sh, rel, &removed);
    0
}
