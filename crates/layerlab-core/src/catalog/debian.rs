//! Debian package data (from `scripts/catalog/debian_packages.py`): each
//! binary package's version, installed size, dependencies, recommendations,
//! provides and the programs it puts on PATH, and the dependency resolution
//! `apt-get install` does with them.
//!
//! Resolution follows apt's defaults closely enough for sizes: Depends and
//! Pre-Depends are required, Recommends are installed unless
//! `--no-install-recommends`, an alternative `a | b` takes the first one that
//! is installed, chosen, or exists, and a virtual package resolves to its first
//! provider. Version constraints are not checked (each release has one version).

use std::collections::{BTreeSet, HashMap};

/// One binary package.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Package {
    pub name: String,
    pub version: String,
    /// Installed-Size, in bytes (the index gives KiB).
    pub installed_size: u64,
    pub priority: String,
    pub essential: bool,
    /// Dependency groups; each is a list of alternatives.
    pub depends: Vec<Vec<String>>,
    pub recommends: Vec<Vec<String>>,
    pub provides: Vec<String>,
    /// Absolute paths of the programs it installs on PATH.
    pub programs: Vec<String>,
    /// Directories holding most of its files, with file counts (from
    /// Contents), over which its size is shared out (see [`super::placement`]).
    pub dirs: Vec<(String, u32)>,
}

/// A release's packages.
#[derive(Clone, Debug, Default)]
pub struct Release {
    pub name: String,
    /// Bytes `apt-get update` stores under /var/lib/apt/lists (from the release's meta file).
    pub lists_bytes: u64,
    packages: HashMap<String, Package>,
    providers: HashMap<String, Vec<String>>,
}

fn groups(field: &str) -> Vec<Vec<String>> {
    field
        .split(',')
        .filter(|g| !g.is_empty())
        .map(|g| g.split('|').map(str::to_owned).collect())
        .collect()
}

impl Release {
    /// Reads the gzip-compressed TSV the generation script writes.
    pub fn from_tsv_gz(name: &str, bytes: &[u8]) -> Result<Release, String> {
        let data = crate::gzip::decompress(bytes, 256 << 20).map_err(|e| format!("{name}: {e}"))?;
        let text = String::from_utf8(data).map_err(|e| format!("{name}: {e}"))?;
        Ok(Release::from_tsv(name, &text))
    }

    /// Reads `lists_bytes` from the release's `<release>.meta.json`.
    pub fn with_meta(mut self, meta_json: &[u8]) -> Release {
        if let Ok(v) = serde_json::from_slice::<serde_json::Value>(meta_json) {
            self.lists_bytes = v
                .get("apt_lists_bytes")
                .and_then(|b| b.as_u64())
                .unwrap_or(0);
        }
        self
    }

    pub fn from_tsv(name: &str, text: &str) -> Release {
        let mut release = Release {
            name: name.to_owned(),
            ..Release::default()
        };
        for line in text
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
        {
            let f: Vec<&str> = line.split('\t').collect();
            let get = |i: usize| f.get(i).copied().unwrap_or("");
            let pkg = Package {
                name: get(0).to_owned(),
                version: get(1).to_owned(),
                installed_size: get(2).parse::<u64>().unwrap_or(0) * 1024,
                priority: get(3).to_owned(),
                essential: get(4) == "yes",
                depends: groups(get(5)),
                recommends: groups(get(6)),
                provides: get(7)
                    .split(',')
                    .filter(|p| !p.is_empty())
                    .map(str::to_owned)
                    .collect(),
                programs: get(8)
                    .split(' ')
                    .filter(|p| !p.is_empty())
                    .map(str::to_owned)
                    .collect(),
                dirs: super::placement::parse_dirs(get(9)),
            };
            for p in &pkg.provides {
                release
                    .providers
                    .entry(p.clone())
                    .or_default()
                    .push(pkg.name.clone());
            }
            release.packages.insert(pkg.name.clone(), pkg);
        }
        release
    }

    pub fn get(&self, name: &str) -> Option<&Package> {
        self.packages.get(name)
    }

    pub fn len(&self) -> usize {
        self.packages.len()
    }

    pub fn is_empty(&self) -> bool {
        self.packages.is_empty()
    }

    /// The real package a name stands for: itself, or its first provider.
    pub fn real(&self, name: &str) -> Option<&Package> {
        self.packages.get(name).or_else(|| {
            self.providers
                .get(name)?
                .first()
                .and_then(|p| self.packages.get(p))
        })
    }

    /// The packages `apt-get install ROOTS` adds to a system that has `installed`,
    /// in install order. Errors use apt's wording.
    pub fn install_set(
        &self,
        roots: &[String],
        installed: &BTreeSet<String>,
        recommends: bool,
    ) -> Result<Vec<&Package>, String> {
        let mut chosen: Vec<&Package> = Vec::new();
        let mut seen: BTreeSet<String> = installed.clone();
        let mut stack: Vec<&Package> = Vec::new();
        for root in roots {
            let pkg = self
                .real(root)
                .ok_or_else(|| format!("E: Unable to locate package {root}"))?;
            if seen.insert(pkg.name.clone()) {
                stack.push(pkg);
            }
        }
        while let Some(pkg) = stack.pop() {
            chosen.push(pkg);
            let mut wanted: Vec<(&Vec<String>, bool)> =
                pkg.depends.iter().map(|g| (g, true)).collect();
            if recommends {
                wanted.extend(pkg.recommends.iter().map(|g| (g, false)));
            }
            for (group, required) in wanted {
                let satisfied = group.iter().any(|alt| {
                    seen.contains(alt)
                        || self
                            .providers
                            .get(alt)
                            .is_some_and(|ps| ps.iter().any(|p| seen.contains(p)))
                });
                if satisfied {
                    continue;
                }
                match group.iter().find_map(|alt| self.real(alt)) {
                    Some(dep) if seen.insert(dep.name.clone()) => stack.push(dep),
                    Some(_) => {}
                    None if required => {
                        return Err(format!(
                            "E: Unable to correct problems: {} depends on {} but it is not installable",
                            pkg.name,
                            group.join(" | ")
                        ));
                    }
                    None => {}
                }
            }
        }
        Ok(chosen)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "# header\n\
app\t1.0\t10\toptional\t\tlibc6,python3|python3-minimal\tdocs\t\t/usr/bin/app\n\
libc6\t2.36\t12000\trequired\t\t\t\t\t\n\
python3\t3.11\t100\toptional\t\tlibc6\t\tpython3-any\t/usr/bin/python3\n\
python3-minimal\t3.11\t50\toptional\t\t\t\t\t\n\
docs\t1\t2000\toptional\t\t\t\t\t\n\
tool\t1\t1\toptional\t\tpython3-any,missing-lib\t\t\t\n";

    #[test]
    fn resolves_depends_alternatives_and_recommends() {
        let r = Release::from_tsv("test", SAMPLE);
        assert_eq!(r.len(), 6);
        let names =
            |set: Vec<&Package>| set.iter().map(|p| p.name.clone()).collect::<BTreeSet<_>>();
        let none = BTreeSet::new();
        let with = names(r.install_set(&["app".into()], &none, true).unwrap());
        assert_eq!(
            with,
            BTreeSet::from(["app", "libc6", "python3", "docs"].map(String::from))
        );
        let without = names(r.install_set(&["app".into()], &none, false).unwrap());
        assert!(!without.contains("docs"));
        let installed = BTreeSet::from(["libc6".to_owned()]);
        assert!(
            !names(r.install_set(&["app".into()], &installed, false).unwrap()).contains("libc6")
        );
        assert_eq!(
            r.install_set(&["nope".into()], &none, true).unwrap_err(),
            "E: Unable to locate package nope"
        );
        assert!(r
            .install_set(&["tool".into()], &none, true)
            .unwrap_err()
            .contains("missing-lib"));
        assert_eq!(r.get("app").unwrap().installed_size, 10 * 1024);
    }
}

#[cfg(test)]
mod real_data {
    use super::*;

    fn bookworm() -> Release {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../data/debian/bookworm.tsv.gz"
        );
        Release::from_tsv_gz("bookworm", &std::fs::read(path).unwrap()).unwrap()
    }

    #[test]
    fn bookworm_python3_pip_with_and_without_recommends() {
        let r = bookworm();
        assert!(r.len() > 60_000);
        let pip = r.get("python3-pip").unwrap();
        assert!(
            pip.programs.iter().any(|p| p == "/usr/bin/pip3"),
            "{:?}",
            pip.programs
        );
        let none = BTreeSet::new();
        let size = |set: &[&Package]| set.iter().map(|p| p.installed_size).sum::<u64>();
        let with = r.install_set(&["python3-pip".into()], &none, true).unwrap();
        let without = r
            .install_set(&["python3-pip".into()], &none, false)
            .unwrap();
        assert!(with.len() > without.len());
        assert!(size(&with) > size(&without));
        assert!(without.iter().any(|p| p.name == "python3"));
    }
}

/// Bytes of a dpkg status stanza: the fields layerlab knows, padded to the
/// size a real one has with its Description, Maintainer and the rest.
/// Calibrated from seed 000 (see `shell::commands::dpkg_state`).
pub const STANZA_BYTES: usize = 1_050;

/// A `/var/lib/dpkg/status` stanza for an installed package.
pub fn status_stanza(
    name: &str,
    version: &str,
    priority: &str,
    installed_size: u64,
    depends: &[Vec<String>],
    recommends: &[Vec<String>],
) -> String {
    let groups = |g: &[Vec<String>]| {
        g.iter()
            .map(|alts| alts.join(" | "))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut s = format!(
        "Package: {name}\nStatus: install ok installed\nPriority: {}\nInstalled-Size: {}\nArchitecture: amd64\nVersion: {version}\n",
        if priority.is_empty() { "optional" } else { priority },
        installed_size / 1024,
    );
    if !depends.is_empty() {
        s.push_str(&format!("Depends: {}\n", groups(depends)));
    }
    if !recommends.is_empty() {
        s.push_str(&format!("Recommends: {}\n", groups(recommends)));
    }
    // The Description and the other fields layerlab does not hold, as filler.
    s.push_str("Description: ");
    let filler = STANZA_BYTES.saturating_sub(s.len() + 2).max(1);
    s.push_str(&".".repeat(filler));
    s.push_str("\n\n");
    s
}

/// The releases `data/debian` holds (`<name>.tsv.gz` and `<name>.meta.json`),
/// as written by `scripts/catalog/debian_packages.py`; `bionic` (Ubuntu 18.04)
/// is a calibrated stand-in written by `scripts/catalog/calibrated_bionic.py`.
pub const RELEASES: [&str; 4] = ["bionic", "bullseye", "bookworm", "trixie"];

/// How Ubuntu releases stand in with Debian data (`data/debian/ubuntu.json`,
/// compiled in): one size factor for every release, and the Debian release
/// nearest in time to each Ubuntu one.
#[derive(Debug, serde::Deserialize)]
pub struct UbuntuModel {
    pub size_factor: f64,
    pub size_factor_source: String,
    pub stand_ins: std::collections::BTreeMap<String, String>,
}

/// The Ubuntu stand-in model.
pub fn ubuntu_model() -> &'static UbuntuModel {
    static MODEL: std::sync::OnceLock<UbuntuModel> = std::sync::OnceLock::new();
    MODEL.get_or_init(|| {
        serde_json::from_str(include_str!("../../../../data/debian/ubuntu.json"))
            .expect("data/debian/ubuntu.json")
    })
}

/// The data file a release's packages come from: its own, or for an Ubuntu
/// release without one, the Debian release standing in for it.
pub fn data_release(codename: &str) -> &str {
    if RELEASES.contains(&codename) {
        return codename;
    }
    ubuntu_model()
        .stand_ins
        .get(codename)
        .map_or(codename, String::as_str)
}

/// Several releases' data, each parsed the first time it is asked for (a
/// build usually needs one release, or none). An Ubuntu release without
/// data of its own is its stand-in's data scaled by the Ubuntu factor.
#[derive(Debug, Default)]
pub struct Releases {
    sources: Vec<(String, Vec<u8>, Vec<u8>)>,
    parsed: Vec<std::sync::OnceLock<Option<Release>>>,
    /// Ubuntu releases standing in with a release added here, made when
    /// first asked for.
    stood_in: Vec<(String, std::sync::OnceLock<Release>)>,
}

impl Releases {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a release from its `<release>.tsv.gz` and `<release>.meta.json` bytes.
    pub fn add(&mut self, name: &str, tsv_gz: Vec<u8>, meta_json: Vec<u8>) {
        self.sources.push((name.to_owned(), tsv_gz, meta_json));
        self.parsed.push(std::sync::OnceLock::new());
        self.add_stand_ins(name);
    }

    /// Adds an already parsed release.
    pub fn add_parsed(&mut self, release: Release) {
        let cell = std::sync::OnceLock::new();
        let name = release.name.clone();
        let _ = cell.set(Some(release));
        self.add_stand_ins(&name);
        self.sources.push((name, Vec::new(), Vec::new()));
        self.parsed.push(cell);
    }

    pub fn get(&self, name: &str) -> Option<&Release> {
        let Some(i) = self.sources.iter().position(|(n, _, _)| n == name) else {
            return self.stand_in(name);
        };
        self.parsed[i]
            .get_or_init(|| {
                let (name, gz, meta) = &self.sources[i];
                Release::from_tsv_gz(name, gz)
                    .ok()
                    .map(|r| r.with_meta(meta))
            })
            .as_ref()
    }

    /// An Ubuntu release's stand-in: the Debian data nearest in time, each
    /// Installed-Size scaled by the one Ubuntu factor. Made once, kept for
    /// the program's life (a handful of releases at most).
    fn stand_in(&self, name: &str) -> Option<&Release> {
        let (_, cell) = self.stood_in.iter().find(|(n, _)| n == name)?;
        let base_name = data_release(name);
        let base = self.get(base_name)?;
        Some(cell.get_or_init(|| {
            // A stand-in on another Ubuntu stand-in (16.04 on 18.04's) is
            // scaled already.
            let factor = if ubuntu_model().stand_ins.contains_key(base_name) {
                1.0
            } else {
                ubuntu_model().size_factor
            };
            let mut release = base.clone();
            release.name = name.to_owned();
            for p in release.packages.values_mut() {
                p.installed_size = (p.installed_size as f64 * factor).round() as u64;
            }
            release
        }))
    }

    /// Makes room for the Ubuntu releases that `name` stands in for.
    fn add_stand_ins(&mut self, name: &str) {
        for (ubuntu, debian) in &ubuntu_model().stand_ins {
            if debian == name && !RELEASES.contains(&ubuntu.as_str()) {
                self.stood_in
                    .push((ubuntu.clone(), std::sync::OnceLock::new()));
            }
        }
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.sources.iter().map(|(n, _, _)| n.as_str())
    }
}
