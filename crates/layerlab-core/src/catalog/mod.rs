//! Base images: what `FROM python:3.12-slim` starts from.
//!
//! The catalog is layerlab's own data (`data/catalog/`, written by
//! `scripts/catalog/catalog.py` from official-image scans): an index of every
//! entry (image, tag, resolved name, date, size, distribution) and, per
//! entry, its details (image ID, config, installed packages, source), read
//! from a [`source::DataSource`] when a build first uses the entry. The older
//! one-file format (an array of full entries, `from_json`) still reads.
//! A reference resolves as Docker Hub's tags do, as of the catalog date
//! ([`resolve`]); a tag the catalog lacks is stood in for by the nearest
//! entry, with a note. The base filesystem is generated deterministically from
//! the entry: key paths (`/bin/sh`, `/etc/os-release`, `/etc/passwd`) plus bulk
//! content, adding up to the image's real size.

pub mod alpine;
mod base;
pub mod debian;
pub mod npm;
pub mod placement;
pub mod pypi;
pub mod resolve;
pub mod source;

/// What installing `roots` adds, for package managers that install one copy
/// per name (pip, npm): every root and its dependencies (`deps`) found by `get`,
/// skipping `installed`, roots first; and the names `get` does not know.
pub(crate) fn install_closure<'a, T>(
    roots: &[String],
    installed: &[String],
    get: impl Fn(&str) -> Option<&'a T>,
    deps: impl Fn(&'a T) -> &'a [String],
) -> (Vec<&'a T>, Vec<String>) {
    let mut chosen = Vec::new();
    let mut unknown = Vec::new();
    let mut seen: Vec<String> = installed.to_vec();
    let mut stack: Vec<String> = roots.iter().rev().cloned().collect();
    while let Some(name) = stack.pop() {
        if seen.contains(&name) {
            continue;
        }
        seen.push(name.clone());
        match get(&name) {
            Some(found) => {
                chosen.push(found);
                stack.extend(deps(found).iter().rev().cloned());
            }
            None => unknown.push(name),
        }
    }
    (chosen, unknown)
}

use serde::Deserialize;

use crate::fs::Tree;
use crate::image::ImageConfig;

/// One catalog entry (only the fields the simulator uses). From the index,
/// only the fields resolution needs are filled until its details are read.
#[derive(Clone, Debug, Deserialize)]
pub struct CatalogEntry {
    /// The entry's data file name (`python_3.12-slim_2026-07-14`).
    #[serde(default)]
    pub key: String,
    pub image: String,
    pub tag: String,
    #[serde(default)]
    pub resolved: String,
    #[serde(default)]
    pub as_of: String,
    #[serde(default)]
    pub image_id: String,
    #[serde(default)]
    pub created: String,
    #[serde(default, alias = "size")]
    pub virtual_size_bytes: u64,
    /// `dpkg`, `apk`, `rpm`, or none (busybox).
    #[serde(default, alias = "pm")]
    pub package_manager: Option<String>,
    /// The month a historical entry stands for.
    #[serde(default, rename = "historical_target")]
    pub historical: Option<String>,
    /// The entry whose package list stands in for the unread part of this one's.
    #[serde(default)]
    pub packages_from: Option<String>,
    /// Whether the details (ID, config, packages) are here.
    #[serde(default = "yes")]
    pub detailed: bool,
    #[serde(default)]
    pub config: EntryConfig,
    #[serde(default)]
    pub os: EntryOs,
    #[serde(default)]
    pub source: String,
    /// Installed packages (dpkg or apk), when the data lists them.
    #[serde(default)]
    pub packages: Vec<EntryPackage>,
    /// The registry's compressed layer blobs, where a remote scan lists them.
    #[serde(default)]
    pub layers: Vec<EntryLayer>,
    /// The manifest digest of the remote scan those layers come from
    /// (`sha256:…`), empty where there is none.
    #[serde(default)]
    pub repo_digest: String,
}

/// One compressed layer blob of a catalog image (a remote scan's list).
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
pub struct EntryLayer {
    pub digest: String,
    pub size: u64,
}

fn yes() -> bool {
    true
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct EntryPackage {
    #[serde(alias = "n")]
    pub name: String,
    #[serde(default, alias = "v")]
    pub version: Option<String>,
    #[serde(default, alias = "m")]
    pub manager: Option<String>,
    /// apk's installed size (the catalog has none for dpkg).
    #[serde(default, alias = "s")]
    pub installed_size_bytes: Option<u64>,
    /// The scan this package was taken from when not the entry's own.
    #[serde(default, rename = "from")]
    pub inferred_from: Option<String>,
}

/// An entry's details file (`data/catalog/entries/<key>.json`).
#[derive(Clone, Debug, Default, Deserialize)]
struct EntryDetails {
    #[serde(default)]
    image_id: String,
    #[serde(default)]
    created: String,
    #[serde(default)]
    config: EntryConfig,
    #[serde(default)]
    source: String,
    #[serde(default)]
    packages: Vec<EntryPackage>,
    #[serde(default)]
    packages_from: Option<String>,
    #[serde(default)]
    layers: Vec<EntryLayer>,
    #[serde(default)]
    layers_source: Option<LayersSource>,
}

/// Where an entry's layer list comes from (`data/catalog/entries/…`).
#[derive(Clone, Debug, Default, Deserialize)]
struct LayersSource {
    /// `nginx@sha256:…`.
    #[serde(default)]
    repo_digest: String,
}

/// The key of the entry whose package list an entry's details file borrows
/// (`packages_from`), so a front end fetches that file too.
pub fn borrowed_packages(details: &[u8]) -> Option<String> {
    serde_json::from_slice::<EntryDetails>(details)
        .ok()?
        .packages_from
}

/// The index file (`data/catalog/index.json`).
#[derive(Deserialize)]
struct Index {
    entries: Vec<CatalogEntry>,
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct EntryConfig {
    #[serde(default)]
    pub env: Option<Vec<String>>,
    #[serde(default)]
    pub cmd: Option<Vec<String>>,
    #[serde(default)]
    pub entrypoint: Option<Vec<String>>,
    #[serde(default)]
    pub workdir: Option<String>,
    #[serde(default)]
    pub user: Option<String>,
    #[serde(default)]
    pub exposed_ports: Option<serde_json::Value>,
    #[serde(default)]
    pub stopsignal: Option<String>,
    #[serde(default)]
    pub labels: Option<std::collections::BTreeMap<String, String>>,
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct EntryOs {
    #[serde(default)]
    pub distro: Option<String>,
    #[serde(default)]
    pub version_id: Option<String>,
    #[serde(default)]
    pub codename: Option<String>,
}

/// A base image ready to build on.
#[derive(Clone, Debug)]
pub struct BaseImage {
    /// The reference as normalized (`python:3.6.1-alpine`).
    pub reference: String,
    /// Full image ID (`sha256:…`).
    pub id: String,
    pub created: Option<String>,
    pub config: ImageConfig,
    pub tree: Tree,
    /// Size Docker reports for it.
    pub size: u64,
    /// Where the figures come from, or why they are missing.
    pub note: String,
    /// Whether the image was found in the catalog.
    pub known: bool,
    /// Whether every program on the image's PATH is known (from its packages),
    /// so a command that is not there can fail with `not found`.
    pub programs_known: bool,
    /// How the reference matched its entry (`None`: not in the catalog).
    pub matched: Option<resolve::Match>,
    /// The entry's details are not loaded yet (the page fetches them and
    /// builds again): size and name are real, ID and files are not.
    pub pending: Option<String>,
}

impl BaseImage {
    /// The digest of the one layer that stands for the base (its first diff ID).
    pub fn layer_digest(&self) -> String {
        self.config
            .rootfs
            .diff_ids
            .front()
            .cloned()
            .unwrap_or_default()
    }
}

/// The set of known base images.
#[derive(Clone, Debug, Default)]
pub struct Catalog {
    entries: Vec<CatalogEntry>,
    /// Where entries' details are read from (none: entries carry them).
    details: Option<std::sync::Arc<dyn source::DataSource>>,
    /// Details read so far, by key.
    loaded: Loaded,
    /// Debian package data: the programs of a base image's dpkg packages.
    debian: Option<std::sync::Arc<debian::Releases>>,
    /// Base images made so far.
    made: MadeBases,
    /// Images a session built, by `name:tag`: a FROM names them before the
    /// catalog (shared by the catalog's clones).
    local: LocalImages,
}

/// A session's own images, usable as bases.
#[derive(Clone, Debug, Default)]
struct LocalImages(std::sync::Arc<std::sync::Mutex<std::collections::HashMap<String, BaseImage>>>);

/// Base images already made, by entry. Making one writes a block per
/// installed package (a few ms for a Debian base), and every build's FROM
/// asks again; the images are persistent trees, so handing out a clone is
/// cheap. A cloned catalog starts empty (its Debian data may differ).
#[derive(Default)]
struct MadeBases(std::sync::Mutex<std::collections::HashMap<String, BaseImage>>);

impl Clone for MadeBases {
    fn clone(&self) -> Self {
        Self::default()
    }
}

/// Entries whose details have been read, by key.
#[derive(Default)]
struct Loaded(std::sync::Mutex<std::collections::HashMap<String, std::sync::Arc<CatalogEntry>>>);

impl Clone for Loaded {
    fn clone(&self) -> Self {
        Self(std::sync::Mutex::new(
            self.0.lock().map(|m| m.clone()).unwrap_or_default(),
        ))
    }
}

impl std::fmt::Debug for Loaded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Loaded")
    }
}

impl std::fmt::Debug for MadeBases {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MadeBases")
    }
}

/// Splits `[registry/][library/]name[:tag][@digest]` into (name, tag).
pub fn normalize_reference(reference: &str) -> (String, String) {
    let without_digest = reference.split('@').next().unwrap_or(reference);
    let mut name = without_digest;
    for prefix in ["docker.io/", "index.docker.io/", "registry-1.docker.io/"] {
        name = name.strip_prefix(prefix).unwrap_or(name);
    }
    name = name.strip_prefix("library/").unwrap_or(name);
    // A colon after the last slash is the tag (a colon before it is a registry port).
    let slash = name.rfind('/').map_or(0, |i| i + 1);
    match name[slash..].rfind(':') {
        Some(i) => (
            name[..slash + i].to_owned(),
            name[slash + i + 1..].to_owned(),
        ),
        None => (name.to_owned(), "latest".to_owned()),
    }
}

impl Catalog {
    /// Reads catalog JSON (an array of entries).
    pub fn from_json(bytes: &[u8]) -> Result<Catalog, String> {
        let entries: Vec<CatalogEntry> =
            serde_json::from_slice(bytes).map_err(|e| format!("catalog: {e}"))?;
        Ok(Catalog {
            entries,
            ..Catalog::default()
        })
    }

    /// Reads layerlab's catalog index (`data/catalog/index.json`); each
    /// entry's details come from `details` when a build first needs them.
    pub fn from_index(
        bytes: &[u8],
        details: std::sync::Arc<dyn source::DataSource>,
    ) -> Result<Catalog, String> {
        let index: Index = serde_json::from_slice(bytes).map_err(|e| format!("catalog: {e}"))?;
        let entries = index
            .entries
            .into_iter()
            .map(|mut e| {
                e.detailed = false;
                e
            })
            .collect();
        Ok(Catalog {
            entries,
            details: Some(details),
            ..Catalog::default()
        })
    }

    /// Reads the catalog from a data source (its `catalog/index.json`).
    pub fn from_source(source: std::sync::Arc<dyn source::DataSource>) -> Result<Catalog, String> {
        let index = source
            .read("catalog/index.json")
            .ok_or("catalog: no catalog/index.json in the data")?;
        Catalog::from_index(&index, source)
    }

    /// An entry with its details, reading them (and those of the entry whose
    /// package list stands in for the unread part) if need be; `None` while
    /// the source does not have them.
    pub fn detailed(&self, entry: &CatalogEntry) -> Option<std::sync::Arc<CatalogEntry>> {
        if entry.detailed {
            return Some(std::sync::Arc::new(entry.clone()));
        }
        if let Some(done) = self.loaded.0.lock().ok()?.get(&entry.key) {
            return Some(done.clone());
        }
        let source = self.details.as_ref()?;
        let read = |key: &str| -> Option<EntryDetails> {
            serde_json::from_slice(&source.read(&source::entry_path(key))?).ok()
        };
        let details = read(&entry.key)?;
        let mut full = entry.clone();
        full.detailed = true;
        full.image_id = details.image_id;
        full.created = details.created;
        full.config = details.config;
        full.source = details.source;
        full.packages = details.packages;
        full.layers = details.layers;
        full.repo_digest = details
            .layers_source
            .and_then(|l| l.repo_digest.split_once('@').map(|(_, d)| d.to_owned()))
            .unwrap_or_default();
        if let Some(other) = details.packages_from {
            let base = read(&other)?;
            let label = self
                .entries
                .iter()
                .find(|e| e.key == other)
                .map_or(other.clone(), |e| {
                    format!("{}:{} ({})", e.image, e.tag, e.as_of)
                });
            for p in base.packages {
                if !full.packages.iter().any(|q| q.name == p.name) {
                    full.packages.push(EntryPackage {
                        inferred_from: Some(label.clone()),
                        ..p
                    });
                }
            }
            full.packages_from = Some(other);
        }
        let full = std::sync::Arc::new(full);
        if let Ok(mut m) = self.loaded.0.lock() {
            m.insert(entry.key.clone(), full.clone());
        }
        Some(full)
    }

    /// The keys of the entries a Dockerfile's FROM lines name (as written:
    /// a base built from ARGs is left to the build), so a front end that
    /// fetches details can ask for them before the first build.
    pub fn base_keys(&self, dockerfile: &[u8], date: Option<&str>) -> Vec<String> {
        let (parsed, _) = crate::syntax::parse_lenient(dockerfile);
        parsed
            .instructions
            .iter()
            .filter(|n| n.keyword().value.eq_ignore_ascii_case(b"FROM"))
            .filter_map(|n| n.args().first())
            .map(|w| String::from_utf8_lossy(w.value).into_owned())
            .filter(|r| !r.contains('$'))
            .filter_map(|r| self.lookup(&r, date).map(|e| e.key.clone()))
            .collect()
    }

    /// Adds Debian package data, so base images list the programs their
    /// packages put on PATH (and a missing command can be `not found`).
    pub fn with_debian(mut self, releases: std::sync::Arc<debian::Releases>) -> Self {
        self.debian = Some(releases);
        self.made = MadeBases::default();
        self
    }

    pub fn entries(&self) -> &[CatalogEntry] {
        &self.entries
    }

    /// The entry `reference` means at `date` (`YYYY-MM[-DD]`, default:
    /// today), and how it matched (see [`resolve`]).
    pub fn resolve(
        &self,
        reference: &str,
        date: Option<&str>,
    ) -> Option<(&CatalogEntry, resolve::Match)> {
        let (name, tag) = normalize_reference(reference);
        let entries: Vec<&CatalogEntry> = self.entries.iter().collect();
        resolve::resolve(&entries, &name, &tag, date)
    }

    /// The entry for `reference` at `date`, exact, alias or stand-in.
    pub fn lookup(&self, reference: &str, date: Option<&str>) -> Option<&CatalogEntry> {
        self.resolve(reference, date).map(|(e, _)| e)
    }

    /// The base image for `reference`; an image the catalog does not know gets
    /// an empty filesystem and the default config, with a note saying so.
    pub fn base_image(&self, reference: &str, date: Option<&str>) -> BaseImage {
        let (name, tag) = normalize_reference(reference);
        if let Some(local) = self.local(&format!("{name}:{tag}")) {
            return local;
        }
        let Some((entry, matched)) = self.resolve(reference, date) else {
            return self.unknown_base(&name, &tag);
        };
        let asked = format!("{name}:{tag}");
        let digest = reference
            .split_once('@')
            .map(|(_, d)| format!("; the digest {d} is shown as written, the tag decides"))
            .unwrap_or_default();
        let Some(full) = self.detailed(entry) else {
            // The page has not fetched the details yet: real name and size,
            // no files; it builds again when they arrive.
            let mut base = self.unknown_base(&name, &tag);
            base.known = true;
            base.size = entry.virtual_size_bytes;
            base.matched = Some(matched);
            base.note = format!(
                "loading the details of {}:{} ({})…",
                entry.image, entry.tag, entry.resolved
            );
            base.pending = Some(entry.key.clone());
            return base;
        };
        let key = format!(
            "{}:{}@{}/{}",
            full.image, full.tag, full.image_id, full.as_of
        );
        let made = self.made.0.lock().ok().and_then(|m| m.get(&key).cloned());
        let mut base = made.unwrap_or_else(|| {
            let base = base::base_from_entry(&full, self.release_for(&full));
            if let Ok(mut m) = self.made.0.lock() {
                m.insert(key, base.clone());
            }
            base
        });
        let what = format!("{} as of {} ({})", full.resolved, full.as_of, full.source);
        base.note = match &matched {
            resolve::Match::Exact => format!("{what}{digest}"),
            resolve::Match::Alias => format!("{asked} is {what}{digest}"),
            // The same tag, of another date (a moving tag before the
            // catalog's first entry for it).
            resolve::Match::StandIn(why) if format!("{}:{}", full.image, full.tag) == asked => {
                format!(
                    "{asked} as of {} is not in the catalog; shown as {asked} of {} ({why}): {what}{digest}",
                    date.unwrap_or("today"),
                    full.as_of
                )
            }
            resolve::Match::StandIn(why) => format!(
                "{asked} is not in the catalog; shown as {}:{} ({why}): {what}{digest}",
                full.image, full.tag
            ),
        };
        base.reference = asked;
        base.matched = Some(matched);
        base
    }

    /// An image the catalog does not know: empty, with the tags it has of
    /// the same image, if any.
    /// An image a session built, by `name:tag`.
    pub fn local(&self, reference: &str) -> Option<BaseImage> {
        self.local.0.lock().ok()?.get(reference).cloned()
    }

    /// Replaces the session's own images a FROM can name.
    pub fn set_local(&self, images: std::collections::HashMap<String, BaseImage>) {
        if let Ok(mut m) = self.local.0.lock() {
            *m = images;
        }
    }

    fn unknown_base(&self, name: &str, tag: &str) -> BaseImage {
        let mut tags: Vec<&str> = self
            .entries
            .iter()
            .filter(|e| e.image == name)
            .map(|e| e.tag.as_str())
            .collect();
        tags.sort_unstable();
        tags.dedup();
        let known_tags = if tags.is_empty() {
            String::new()
        } else {
            format!(
                "; the catalog has {name}:{}",
                tags.join(&format!(", {name}:"))
            )
        };
        BaseImage {
            reference: format!("{name}:{tag}"),
            id: unknown_image_id(name, tag),
            created: None,
            config: ImageConfig::scratch(),
            tree: Tree::new(),
            size: 0,
            note: format!("{name}:{tag} is not in layerlab's catalog: its size and files are unknown (shown as empty){known_tags}"),
            known: false,
            programs_known: false,
            matched: None,
            pending: None,
        }
    }
}

impl Catalog {
    /// The package data for an image's distribution: its own release, or
    /// (for Ubuntu, whose indices are not available here) bookworm's as an
    /// approximation of package → program names.
    fn release_for(&self, entry: &CatalogEntry) -> Option<&debian::Release> {
        let data = self.debian.as_ref()?;
        let codename = entry.os.codename.as_deref().unwrap_or("");
        data.get(codename)
            .or_else(|| match entry.os.distro.as_deref() {
                Some("ubuntu") | Some("debian") => data.get("bookworm"),
                _ => None,
            })
    }
}

fn unknown_image_id(name: &str, tag: &str) -> String {
    use sha2::{Digest, Sha256};
    format!(
        "sha256:{}",
        crate::fs::hex(&Sha256::digest(format!("unknown:{name}:{tag}")))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_normalize() {
        assert_eq!(
            normalize_reference("python"),
            ("python".into(), "latest".into())
        );
        assert_eq!(
            normalize_reference("docker.io/library/python:3.12@sha256:abc"),
            ("python".into(), "3.12".into())
        );
        assert_eq!(
            normalize_reference("localhost:5000/app"),
            ("localhost:5000/app".into(), "latest".into())
        );
        assert_eq!(
            normalize_reference("ghcr.io/o/app:v1"),
            ("ghcr.io/o/app".into(), "v1".into())
        );
    }

    #[test]
    fn dates_pick_entries_and_unknown_images_say_so() {
        let json = br#"[
            {"image":"ubuntu","tag":"latest","as_of":"2021-01-21","image_id":"sha256:old","virtual_size_bytes":1000},
            {"image":"ubuntu","tag":"latest","as_of":"2026-08-17","image_id":"sha256:new","virtual_size_bytes":2000}
        ]"#;
        let cat = Catalog::from_json(json).unwrap();
        assert_eq!(cat.lookup("ubuntu", None).unwrap().image_id, "sha256:new");
        assert_eq!(
            cat.lookup("ubuntu", Some("2021-02")).unwrap().image_id,
            "sha256:old"
        );
        assert_eq!(
            cat.lookup("ubuntu", Some("2019-01")).unwrap().image_id,
            "sha256:old"
        );
        let base = cat.base_image("ubuntu:latest", Some("2021-02"));
        assert_eq!(base.size, 1000);
        assert!(base.tree.exists("/bin/sh"));
        let unknown = cat.base_image("example/app", None);
        assert!(!unknown.known && unknown.note.contains("not in layerlab's catalog"));
        assert!(!unknown.note.contains("the catalog has"));
        // A tag the catalog lacks, of an image it has, is stood in for by
        // the nearest entry, and the note names both.
        let other_tag = cat.base_image("ubuntu:16.04", None);
        assert!(other_tag.known && other_tag.size > 0);
        assert!(
            other_tag
                .note
                .starts_with("ubuntu:16.04 is not in the catalog; shown as ubuntu:latest ("),
            "{}",
            other_tag.note
        );
    }

    #[test]
    fn base_keys_name_the_entries_to_fetch_and_details_say_what_they_borrow() {
        let data = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data");
        let source = std::sync::Arc::new(source::DirSource(data));
        let cat = Catalog::from_source(source.clone()).unwrap();
        let keys = cat.base_keys(
            b"ARG V=1\nFROM python:3.12-slim AS a\nFROM golang:${V}\nfrom node:20-alpine\n",
            None,
        );
        assert_eq!(keys.len(), 2, "{keys:?}");
        assert!(keys[0].starts_with("python_3.12-slim_") && keys[1].starts_with("node_20-alpine_"));
        let go = cat.lookup("golang:1.22", None).unwrap();
        let details = source::DataSource::read(&*source, &source::entry_path(&go.key)).unwrap();
        let borrowed = borrowed_packages(&details).unwrap();
        assert!(
            borrowed.starts_with("buildpack-deps_bookworm_"),
            "{borrowed}"
        );
    }
}
