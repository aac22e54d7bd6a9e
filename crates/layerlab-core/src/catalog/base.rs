//! A base image made from a catalog entry: its config (env, cmd, ports…),
//! and a deterministic filesystem — the paths builds look at, the package
//! manager's directories and database, the programs of its packages and of
//! the language runtime, and bulk content adding up to the real size, a block
//! per package in each directory its files are in.

use super::{debian, placement, resolve, BaseImage, CatalogEntry, EntryPackage};
use crate::accounts;
use crate::fs::{Content, Meta, Node, Tree};
use crate::image::{HistoryEntry, ImageConfig, RunConfig, DEFAULT_PATH};

pub(super) fn base_from_entry(
    entry: &CatalogEntry,
    release: Option<&debian::Release>,
) -> BaseImage {
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
        matched: Some(resolve::Match::Exact),
        pending: None,
    }
}

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

/// A deterministic filesystem for a catalog entry: the paths builds look at,
/// then bulk content making up the rest of the image's real size (a block per
/// installed package when their sizes are known).
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
    // The configuration and state directories a distribution's package
    // manager ships, which Dockerfiles write into (`/etc/apt/apt.conf.d/…`).
    let dirs: &[&str] = match entry
        .package_manager
        .as_deref()
        .or_else(|| entry.packages.first().and_then(|p| p.manager.as_deref()))
    {
        Some("dpkg") => &[
            "/etc/apt/apt.conf.d",
            "/etc/apt/preferences.d",
            "/etc/apt/sources.list.d",
            "/etc/apt/trusted.gpg.d",
            "/var/lib/apt/lists/partial",
            "/var/cache/apt/archives/partial",
            "/var/lib/dpkg/info",
            "/usr/share/doc",
            "/usr/share/man",
            "/usr/local/share",
            "/usr/local/lib",
            "/usr/local/sbin",
            "/usr/local/include",
            "/opt",
            "/srv",
            "/mnt",
            "/run",
        ],
        Some("apk") => &[
            "/etc/apk/keys",
            "/lib/apk/db",
            "/var/cache/apk",
            "/usr/share",
            "/usr/local/lib",
            "/usr/local/share",
            "/usr/local/sbin",
            "/opt",
            "/srv",
            "/mnt",
            "/run",
        ],
        _ => &[],
    };
    for dir in dirs {
        let _ = t.mkdir_all(dir, Meta::DIR);
    }
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
