//! What every dpkg run rewrites besides the packages' own files, which is why
//! a RUN that only removes packages still makes a layer of a megabyte or more:
//! `/var/lib/dpkg/status` (one stanza per installed package) and its previous
//! copy `status-old`, debconf's databases in `/var/cache/debconf`, and apt's
//! record of which packages were installed only as dependencies
//! (`/var/lib/apt/extended_states`, which `apt-get autoremove` reads).
//!
//! Two figures are calibrated, not measured (layerlab has no Ubuntu 18.04
//! data): the size of a status stanza (`catalog::debian::STANZA_BYTES`, the
//! fields layerlab knows padded with the Description and others it does not)
//! and the size of debconf's databases. They are solved from seed 000's
//! `docker history`, where `apt-get remove -y python-pip` made a 1.29MB layer
//! (233 packages' stanzas in status-old, 232 in status) and `apt-get
//! autoremove -y` 1.18MB (232 and 134): 99 stanzas make the 0.11MB between
//! them, about 1,050 bytes each, and debconf the remaining 0.79MB.

use std::collections::BTreeSet;

use crate::catalog::debian::{status_stanza, Package};
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

/// Bytes of debconf's four database files together. Calibrated: see the module comment.
const DEBCONF_BYTES: u64 = 793_000;

/// The packages dpkg's status lists as installed.
pub(super) fn installed(sh: &Interp<'_>) -> BTreeSet<String> {
    status_text(sh)
        .lines()
        .filter_map(|l| l.strip_prefix("Package: ").map(str::to_owned))
        .collect()
}

fn status_text(sh: &Interp<'_>) -> String {
    sh.tree.text(STATUS).unwrap_or_default()
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
        new.push_str(&status_stanza(
            &pkg.name,
            &pkg.version,
            &pkg.priority,
            pkg.installed_size,
            &pkg.depends,
            &pkg.recommends,
        ));
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
    write_auto(sh, &marks);
}

/// Writes apt's auto-installed marks.
pub(super) fn write_auto(sh: &mut Interp<'_>, marks: &BTreeSet<String>) {
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
