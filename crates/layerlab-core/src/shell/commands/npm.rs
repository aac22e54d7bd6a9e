//! `npm install` / `npm ci` against measured npm package data: the
//! dependencies of the package.json in the working directory (devDependencies
//! too unless `--omit=dev`, `--production` or NODE_ENV=production) or the
//! packages named, resolved flat; each lands in node_modules with its unpacked
//! size, its tarball in npm's cache (`/root/.npm/_cacache`) until
//! `npm cache clean --force`.

use crate::build::Note;
use crate::fs::Node;

use super::{fail, note_unknown, put_sized, DOWNLOAD_BYTES_PER_MS};
use crate::shell::interp::Interp;

fn package_json_deps(sh: &Interp<'_>, dev: bool) -> Option<Vec<String>> {
    let path = sh.abs("package.json");
    let Some(Node::File { content, .. }) = sh.tree.get(&path) else {
        return None;
    };
    let v: serde_json::Value = serde_json::from_slice(content.as_bytes()?).ok()?;
    let mut names = Vec::new();
    let fields: &[&str] = if dev {
        &["dependencies", "devDependencies"]
    } else {
        &["dependencies"]
    };
    for field in fields {
        if let Some(obj) = v.get(*field).and_then(|d| d.as_object()) {
            names.extend(obj.keys().cloned());
        }
    }
    Some(names)
}

/// Runs `npm ARGS`; `None` when there is no data or the subcommand is not simulated.
pub(super) fn run(sh: &mut Interp<'_>, args: &[String]) -> Option<i32> {
    let data = sh.npm.clone()?;
    let sub = args.first()?.as_str();
    if sub == "cache" && args.iter().any(|a| a == "clean") {
        let _ = sh.tree.remove("/root/.npm/_cacache");
        return Some(0);
    }
    if !matches!(sub, "install" | "i" | "ci" | "add") {
        return None;
    }
    let production = sh.env.get("NODE_ENV") == Some("production")
        || args
            .iter()
            .any(|a| a == "--production" || a == "--omit=dev" || a == "--only=production");
    let named: Vec<String> = args[1..]
        .iter()
        .filter(|a| !a.starts_with('-'))
        .map(|a| {
            // `name@range` (keep a leading `@` of scoped names).
            match a[1..].find('@') {
                Some(i) => a[..i + 1].to_owned(),
                None => a.clone(),
            }
        })
        .collect();
    let roots = if named.is_empty() {
        match package_json_deps(sh, !production) {
            Some(r) => r,
            None => {
                let dir = sh.cwd.clone();
                return Some(fail(sh, format!("npm error code ENOENT\nnpm error path {dir}/package.json\nnpm error enoent Could not read package.json"), 254));
            }
        }
    } else {
        named
    };
    let modules = sh.abs("node_modules");
    let installed: Vec<String> = match sh.tree.get(&modules) {
        Some(Node::Dir { entries, .. }) => entries.keys().map(|k| k.to_string()).collect(),
        _ => Vec::new(),
    };
    let (set, unknown) = data.install_set(&roots, &installed);
    note_unknown(sh, "npm install", &unknown);
    let mut total = 0;
    for p in &set {
        let id = format!("{}@{}", p.name, p.version);
        total += put_sized(
            sh,
            &format!("{modules}/{}/.layerlab-files", p.name),
            &id,
            p.unpacked,
        );
        total += put_sized(
            sh,
            &format!(
                "/root/.npm/_cacache/content-v2/{}-{}.tgz",
                p.name.replace('/', "+"),
                p.version
            ),
            &format!("tgz:{id}"),
            p.tarball,
        );
        sh.duration_ms += p.tarball / DOWNLOAD_BYTES_PER_MS + 20;
    }
    sh.output.push(format!(
        "added {} packages in {}",
        set.len(),
        crate::report::time::seconds(sh.duration_ms)
    ));
    if !set.is_empty() {
        sh.notes.push(Note::info(format!(
            "npm install: {} packages, {} with npm's cache (sizes measured with npm pack)",
            set.len(),
            crate::report::human_size(total)
        )));
    }
    Some(0)
}
