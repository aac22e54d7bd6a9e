//! Base images: what `FROM python:3.12-slim` starts from.
//!
//! The catalog is read from the JSON of official-image data (the format of
//! `shared/catalog/images.json`: real image IDs, sizes, configs, package lists,
//! current and historical tags). A tag resolves to the entry current at the
//! catalog date: the newest entry not after it, else the oldest; by default
//! the newest. The base filesystem is generated deterministically from the
//! entry: key paths (`/bin/sh`, `/etc/os-release`, `/etc/passwd`) plus bulk
//! content, adding up to the image's real size.

mod accounts;
pub mod alpine;
pub mod debian;
pub mod npm;
pub mod placement;
pub mod pypi;

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

use crate::fs::{Content, Meta, Node, Tree};
use crate::image::{HistoryEntry, ImageConfig, RunConfig, DEFAULT_PATH};

/// One catalog entry (only the fields the simulator uses).
#[derive(Clone, Debug, Deserialize)]
pub struct CatalogEntry {
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
    #[serde(default)]
    pub virtual_size_bytes: u64,
    #[serde(default)]
    pub config: EntryConfig,
    #[serde(default)]
    pub os: EntryOs,
    #[serde(default)]
    pub source: String,
    /// Installed packages (dpkg or apk), when the data lists them.
    #[serde(default)]
    pub packages: Vec<EntryPackage>,
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct EntryPackage {
    pub name: String,
    #[serde(default)]
    pub version: Option<String>,
    #[serde(default)]
    pub manager: Option<String>,
    /// apk's installed size (the catalog has none for dpkg).
    #[serde(default)]
    pub installed_size_bytes: Option<u64>,
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
}

/// The set of known base images.
#[derive(Clone, Debug, Default)]
pub struct Catalog {
    entries: Vec<CatalogEntry>,
    /// Debian package data: the programs of a base image's dpkg packages.
    debian: Option<std::sync::Arc<debian::Releases>>,
    /// Base images made so far.
    made: MadeBases,
}

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
            debian: None,
            made: MadeBases::default(),
        })
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

    /// The entry for `reference` at `date` (`YYYY-MM[-DD]`, default: newest).
    pub fn lookup(&self, reference: &str, date: Option<&str>) -> Option<&CatalogEntry> {
        let (name, tag) = normalize_reference(reference);
        // By date, then catalog order (a total order, so an unstable sort
        // gives the stable result).
        let mut candidates: Vec<(usize, &CatalogEntry)> = self
            .entries
            .iter()
            .enumerate()
            .filter(|(_, e)| e.image == name && e.tag == tag)
            .collect();
        candidates.sort_unstable_by(|(i, a), (j, b)| a.as_of.cmp(&b.as_of).then(i.cmp(j)));
        let candidates: Vec<&CatalogEntry> = candidates.into_iter().map(|(_, e)| e).collect();
        match date {
            None => candidates.last().copied(),
            Some(date) => candidates
                .iter()
                .rev()
                .find(|e| e.as_of.as_str() <= date || e.as_of.starts_with(date))
                .or(candidates.first())
                .copied(),
        }
    }

    /// The base image for `reference`; an image the catalog does not know gets
    /// an empty filesystem and the default config, with a note saying so.
    pub fn base_image(&self, reference: &str, date: Option<&str>) -> BaseImage {
        let (name, tag) = normalize_reference(reference);
        match self.lookup(reference, date) {
            Some(entry) => {
                let key = format!(
                    "{}:{}@{}/{}",
                    entry.image, entry.tag, entry.image_id, entry.as_of
                );
                let made = self.made.0.lock().ok().and_then(|m| m.get(&key).cloned());
                made.unwrap_or_else(|| {
                    let base = base_from_entry(entry, self.release_for(entry));
                    if let Ok(mut m) = self.made.0.lock() {
                        m.insert(key, base.clone());
                    }
                    base
                })
            }
            None => {
                let config = ImageConfig::scratch();
                // The tags the catalog has for this image, to pick one that is known.
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
                    id: unknown_image_id(&name, &tag),
                    created: None,
                    config,
                    tree: Tree::new(),
                    size: 0,
                    note: format!("{name}:{tag} is not in layerlab's catalog: its size and files are unknown (shown as empty){known_tags}"),
                    known: false,
                    programs_known: false,
                }
            }
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

fn base_from_entry(entry: &CatalogEntry, release: Option<&debian::Release>) -> BaseImage {
    let c = &entry.config;
    let mut env = c.env.clone().unwrap_or_default();
    if !env.iter().any(|e| e.starts_with("PATH=")) {
        env.insert(0, DEFAULT_PATH.to_owned());
    }
    let exposed_ports = match &c.exposed_ports {
        Some(serde_json::Value::Object(m)) => {
            m.keys().map(|k| (k.clone(), Default::default())).collect()
        }
        Some(serde_json::Value::Array(a)) => a
            .iter()
            .filter_map(|v| v.as_str())
            .map(|k| (k.to_owned(), Default::default()))
            .collect(),
        _ => Default::default(),
    };
    let tree = base_tree(entry, release);
    let programs_known = release.is_some()
        && entry
            .packages
            .iter()
            .any(|p| p.manager.as_deref() == Some("dpkg"));
    let size = if entry.virtual_size_bytes > 0 {
        entry.virtual_size_bytes
    } else {
        tree.total_size()
    };
    let mut config = ImageConfig {
        architecture: "amd64".into(),
        os: "linux".into(),
        config: RunConfig {
            env,
            cmd: c.cmd.clone(),
            entrypoint: c.entrypoint.clone().filter(|e| !e.is_empty()),
            working_dir: c.workdir.clone().unwrap_or_default(),
            user: c.user.clone().unwrap_or_default(),
            exposed_ports,
            stop_signal: c.stopsignal.clone().unwrap_or_default(),
            labels: c.labels.clone().unwrap_or_default(),
            ..RunConfig::default()
        },
        ..ImageConfig::default()
    };
    let layer = crate::fs::diff(&Tree::new(), &tree);
    config.rootfs.kind = "layers".into();
    config.rootfs.diff_ids = std::iter::once(layer.digest()).collect();
    config.history = std::iter::once(HistoryEntry {
        created: Some(entry.created.clone()).filter(|c| !c.is_empty()),
        created_by: format!("layers of {} (not itemised in the catalog)", entry.resolved),
        comment: String::new(),
        empty_layer: false,
    })
    .collect();
    BaseImage {
        reference: format!("{}:{}", entry.image, entry.tag),
        id: entry.image_id.clone(),
        created: Some(entry.created.clone()).filter(|c| !c.is_empty()),
        config,
        tree,
        size,
        note: format!(
            "{} as of {} ({})",
            entry.resolved, entry.as_of, entry.source
        ),
        known: true,
        programs_known,
    }
}

/// A deterministic filesystem for a catalog entry: the paths builds look at,
/// then bulk content making up the rest of the image's real size (a block per
/// installed package when their sizes are known).
/// Programs official language images install under /usr/local (their
/// Dockerfiles build them there; no package lists them), by the ENV they set.
const LANGUAGE_PROGRAMS: [(&str, &[&str]); 3] = [
    (
        "PYTHON_VERSION",
        &[
            "/usr/local/bin/python3",
            "/usr/local/bin/python",
            "/usr/local/bin/pip3",
            "/usr/local/bin/pip",
        ],
    ),
    (
        "NODE_VERSION",
        &[
            "/usr/local/bin/node",
            "/usr/local/bin/npm",
            "/usr/local/bin/npx",
        ],
    ),
    (
        "GOLANG_VERSION",
        &["/usr/local/go/bin/go", "/usr/local/go/bin/gofmt"],
    ),
];

fn base_tree(entry: &CatalogEntry, release: Option<&debian::Release>) -> Tree {
    let mut t = Tree::new();
    for dir in [
        "/bin",
        "/etc",
        "/home",
        "/lib",
        "/root",
        "/sbin",
        "/usr/bin",
        "/usr/lib",
        "/usr/local/bin",
        "/usr/sbin",
        "/var/lib",
        "/var/cache",
        "/var/log",
    ] {
        let _ = t.mkdir_all(dir, Meta::DIR);
    }
    let _ = t.mkdir_all(
        "/tmp",
        Meta {
            mode: 0o1777,
            uid: 0,
            gid: 0,
        },
    );
    let distro = entry.os.distro.clone().unwrap_or_else(|| "linux".into());
    let os_release = format!(
        "NAME=\"{distro}\"\nID={distro}\nVERSION_ID={}\nVERSION_CODENAME={}\n",
        entry.os.version_id.clone().unwrap_or_default(),
        entry.os.codename.clone().unwrap_or_default()
    );
    let _ = t.write_file(
        "/etc/os-release",
        Meta::FILE,
        Content::bytes(os_release.into_bytes()),
    );
    let (passwd, group) = accounts::for_distro(&distro);
    let _ = t.write_file("/etc/passwd", Meta::FILE, Content::bytes(passwd.as_bytes()));
    let _ = t.write_file("/etc/group", Meta::FILE, Content::bytes(group.as_bytes()));
    // dpkg's database, so apt-get knows what the image already has.
    let dpkg: String = entry
        .packages
        .iter()
        .filter(|p| p.manager.as_deref() == Some("dpkg"))
        .map(|p| {
            let known = release.and_then(|r| r.get(&p.name));
            debian::status_stanza(
                &p.name,
                p.version.as_deref().unwrap_or(""),
                known.map_or("required", |k| k.priority.as_str()),
                known.map_or(0, |k| k.installed_size),
                known.map_or(&[][..], |k| &k.depends[..]),
                &[],
            )
        })
        .collect();
    if !dpkg.is_empty() {
        let _ = t.write_file(
            "/var/lib/dpkg/status",
            Meta::FILE,
            Content::bytes(dpkg.into_bytes()),
        );
    }
    // apk's database and world, so apk knows what the image already has.
    let apk: Vec<&EntryPackage> = entry
        .packages
        .iter()
        .filter(|p| p.manager.as_deref() == Some("apk"))
        .collect();
    if !apk.is_empty() {
        let db: String = apk
            .iter()
            .map(|p| {
                format!(
                    "P:{}\nV:{}\nI:{}\n\n",
                    p.name,
                    p.version.as_deref().unwrap_or(""),
                    p.installed_size_bytes.unwrap_or(0)
                )
            })
            .collect();
        let world: String = apk.iter().map(|p| format!("{}\n", p.name)).collect();
        let _ = t.write_file(
            "/lib/apk/db/installed",
            Meta::FILE,
            Content::bytes(db.into_bytes()),
        );
        let _ = t.write_file(
            "/etc/apk/world",
            Meta::FILE,
            Content::bytes(world.into_bytes()),
        );
    }
    // Programs of the installed packages and of the language runtime, each a
    // share of its package's size (all from the image's budget).
    if let Some(release) = release {
        for p in entry
            .packages
            .iter()
            .filter(|p| p.manager.as_deref() == Some("dpkg"))
        {
            if let Some(pkg) = release.get(&p.name) {
                let share = pkg.installed_size / (2 * pkg.programs.len().max(1) as u64);
                for program in &pkg.programs {
                    if !t.exists(program) {
                        let _ = t.write_file(
                            program,
                            Meta::EXEC,
                            Content::sized(&format!("{}:{program}", pkg.name), share.min(100_000)),
                        );
                    }
                }
            }
        }
    }
    let env = entry.config.env.clone().unwrap_or_default();
    for (var, programs) in LANGUAGE_PROGRAMS {
        if env.iter().any(|e| e.starts_with(&format!("{var}="))) {
            for program in programs {
                let _ = t.write_file(program, Meta::EXEC, Content::sized(program, 10_000));
            }
        }
    }
    // The shell binary's size comes out of the image's budget like everything else.
    let budget = entry.virtual_size_bytes.saturating_sub(t.total_size());
    if distro == "alpine" || entry.image == "busybox" {
        let _ = t.write_file(
            "/bin/busybox",
            Meta::EXEC,
            Content::sized("busybox", budget.min(800_000)),
        );
        let _ = t.insert("/bin/sh", Node::symlink("/bin/busybox"));
    } else {
        let _ = t.write_file(
            "/bin/dash",
            Meta::EXEC,
            Content::sized("dash", budget.min(125_560)),
        );
        let _ = t.insert("/bin/sh", Node::symlink("dash"));
    }
    let used = t.total_size();
    let rest = entry.virtual_size_bytes.saturating_sub(used);
    let label = format!("{}:{}@{}", entry.image, entry.tag, entry.image_id);
    // The rest of the size: one block per installed package, in proportion to
    // its installed size (apk's from the scan, dpkg's from the Debian data),
    // where apt-get and apk keep the packages they install; else one block.
    // Each package's block is then spread over the directories its files
    // are in, where Debian's data says (see [`placement`]).
    let weights: Vec<(&str, u64, &placement::Dirs)> = entry
        .packages
        .iter()
        .filter_map(|p| {
            let (size, dirs) = match p.manager.as_deref() {
                Some("apk") => (p.installed_size_bytes?, &[][..]),
                Some("dpkg") => {
                    let known = release.and_then(|r| r.get(&p.name))?;
                    (known.installed_size, &known.dirs[..])
                }
                _ => return None,
            };
            Some((p.name.as_str(), size, dirs))
        })
        .filter(|(_, size, _)| *size > 0)
        .collect();
    let total: u64 = weights.iter().map(|(_, w, _)| w).sum();
    if rest > 0 && total > 0 {
        let mut left = rest;
        for (i, (name, weight, dirs)) in weights.iter().enumerate() {
            let share = if i + 1 == weights.len() {
                left
            } else {
                (u128::from(rest) * u128::from(*weight) / u128::from(total)) as u64
            };
            left -= share.min(left);
            for (path, size) in placement::blocks(name, dirs, share) {
                let _ = t.write_file(
                    &path,
                    Meta::FILE,
                    Content::sized(&format!("{label}{path}"), size),
                );
            }
        }
    } else if rest > 0 {
        let _ = t.write_file(
            "/usr/lib/.layerlab-base-content",
            Meta::FILE,
            Content::sized(&label, rest),
        );
    }
    t
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
        // A tag the catalog lacks names the tags it has for that image.
        let other_tag = cat.base_image("ubuntu:16.04", None);
        assert!(
            other_tag
                .note
                .ends_with("(shown as empty); the catalog has ubuntu:latest"),
            "{}",
            other_tag.note
        );
    }
}
