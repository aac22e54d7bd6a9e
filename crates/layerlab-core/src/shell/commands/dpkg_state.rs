//! What every dpkg run rewrites besides the packages' own files, which is why
//! a RUN that only removes packages still makes a layer of a megabyte or more:
//! `/var/lib/dpkg/status` (one stanza per installed package) and its previous
//! copy `status-old`, debconf's databases in `/var/cache/debconf`, and apt's
//! record of which packages were installed only as dependencies
//! (`/var/lib/apt/extended_states`, which `apt-get autoremove` reads).
//!
//! Two figures are calibrated, not measured (layerlab has no Ubuntu 18.04
//! data): the bytes of a status stanza beyond the fields layerlab knows (the
//! Description, Maintainer…) and the size of debconf's databases. They are
//! solved from seed 000's `docker history`, where `apt-get remove -y
//! python-pip` made a 1.29MB layer and `apt-get autoremove -y` 1.18MB.

use std::collections::BTreeSet;

use crate::catalog::debian::Package;
use crate::fs::{Content, Meta, Node};

use super::put_sized;
use crate::shell::interp::Interp;

pub(super) const STATUS: &str = "/var/lib/dpkg/status";
const STATUS_OLD: &str = "/var/lib/dpkg/status-old";
const EXTENDED_STATES: &str = "/var/lib/apt/extended_states";
const DEBCONF: [&str; 4] = [
    "/var/cache/debconf/config.dat",
    "/var/cache/debconf/config.dat-old",
    "/var/cache/debconf/templates.dat",
    "/var/cache/debconf/templates.dat-old",
];

/// Bytes of a status stanza's fields layerlab does not hold (Description,
/// Maintainer, Section…). Calibrated: see the module comment.
const STANZA_EXTRA_BYTES: usize = 620;

/// Bytes of debconf's four database files together. Calibrated: see the module comment.
const DEBCONF_BYTES: u64 = 720_000;

/// The packages dpkg's status lists as installed.
pub(super) fn installed(sh: &Interp<'_>) -> BTreeSet<String> {
    status_text(sh)
        .lines()
        .filter_map(|l| l.strip_prefix("Package: ").map(str::to_owned))
        .collect()
}

fn status_text(sh: &Interp<'_>) -> String {
    match sh.tree.get(STATUS) {
        Some(Node::File { content, .. }) => {
            String::from_utf8_lossy(content.as_bytes().unwrap_or_default()).into_owned()
        }
        _ => String::new(),
    }
}

/// A status stanza for a package layerlab installs.
fn stanza(pkg: &Package) -> String {
    let groups = |g: &[Vec<String>]| {
        g.iter()
            .map(|alts| alts.join(" | "))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut s = format!(
        "Package: {}\nStatus: install ok installed\nPriority: {}\nInstalled-Size: {}\nArchitecture: amd64\nVersion: {}\n",
        pkg.name,
        if pkg.priority.is_empty() { "optional" } else { &pkg.priority },
        pkg.installed_size / 1024,
        pkg.version
    );
    if !pkg.depends.is_empty() {
        s.push_str(&format!("Depends: {}\n", groups(&pkg.depends)));
    }
    if !pkg.recommends.is_empty() {
        s.push_str(&format!("Recommends: {}\n", groups(&pkg.recommends)));
    }
    // The description and the other fields, as blank continuation text.
    s.push_str("Description: ");
    s.push_str(&".".repeat(STANZA_EXTRA_BYTES));
    s.push_str("\n\n");
    s
}

/// Records a dpkg run that added `added` and removed `removed`: the status
/// file (its previous version kept as `status-old`), debconf's databases and
/// apt's auto-installed marks (`auto` are the added packages only pulled in as
/// dependencies).
pub(super) fn record(
    sh: &mut Interp<'_>,
    added: &[&Package],
    auto: &BTreeSet<String>,
    removed: &BTreeSet<String>,
) {
    let old = status_text(sh);
    let mut new: String = old
        .split("\n\n")
        .filter(|s| {
            let name = s
                .trim_start()
                .lines()
                .next()
                .and_then(|l| l.strip_prefix("Package: "));
            !s.trim().is_empty() && !name.is_some_and(|n| removed.contains(n))
        })
        .map(|s| format!("{}\n\n", s.trim_matches('\n')))
        .collect();
    for pkg in added {
        new.push_str(&stanza(pkg));
    }
    let _ = sh
        .tree
        .write_file(STATUS_OLD, Meta::FILE, Content::bytes(old.into_bytes()));
    let version = new.len();
    let _ = sh
        .tree
        .write_file(STATUS, Meta::FILE, Content::bytes(new.into_bytes()));
    // debconf rewrites its databases on every run (layerlab's stand-in content
    // differs whenever the status does).
    for (i, f) in DEBCONF.iter().enumerate() {
        put_sized(sh, f, &format!("debconf {i} {version}"), DEBCONF_BYTES / 4);
    }
    let mut marks = auto_installed(sh);
    marks.retain(|n| !removed.contains(n));
    marks.extend(auto.iter().cloned());
    let text: String = marks
        .iter()
        .map(|n| format!("Package: {n}\nArchitecture: amd64\nAuto-Installed: 1\n\n"))
        .collect();
    let _ = sh.tree.write_file(
        EXTENDED_STATES,
        Meta::FILE,
        Content::bytes(text.into_bytes()),
    );
}

/// Packages apt marked as installed only to satisfy dependencies.
pub(super) fn auto_installed(sh: &Interp<'_>) -> BTreeSet<String> {
    match sh.tree.get(EXTENDED_STATES) {
        Some(Node::File { content, .. }) => {
            String::from_utf8_lossy(content.as_bytes().unwrap_or_default())
                .lines()
                .filter_map(|l| l.strip_prefix("Package: ").map(str::to_owned))
                .collect()
        }
        _ => BTreeSet::new(),
    }
}
