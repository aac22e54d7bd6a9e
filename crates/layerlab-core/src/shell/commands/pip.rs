//! `pip install` against measured package data: the era's versions (by the
//! image's PYTHON_VERSION), requirements resolved, what is installed skipped.
//! Each distribution's files land in site-packages with its unpacked size,
//! bytecode from its source size times the era's factor (measured or
//! calibrated; the step's note says which), and pip's cache in
//! `~/.cache/pip` (downloads, and wheels built from sdists) unless
//! `--no-cache-dir` or `PIP_NO_CACHE_DIR`.

use crate::build::Note;
use crate::catalog::pypi::normalize;
use crate::fs::Node;

use super::{fail, home, note_unknown, put_sized, DOWNLOAD_BYTES_PER_MS};
use crate::shell::interp::Interp;

/// Options of `pip install` that take a value (skipped with it when not used).
const VALUE_OPTIONS: [&str; 16] = [
    "-i",
    "--index-url",
    "--extra-index-url",
    "-c",
    "--constraint",
    "-f",
    "--find-links",
    "--trusted-host",
    "--timeout",
    "--retries",
    "--root",
    "--platform",
    "--python-version",
    "--only-binary",
    "--no-binary",
    "-e",
];

/// Where pip puts packages: the image's site-packages (official images:
/// `/usr/local/lib/pythonX.Y/site-packages`), or under `--prefix`, `--user`
/// (`$HOME/.local`) or straight into `--target`.
#[derive(Clone, Debug, PartialEq)]
enum Scheme {
    Default,
    Prefix(String),
    User,
    Target(String),
}

/// The Python pip runs with: an official image's PYTHON_VERSION or, for a
/// distribution's `pip` (python-pip on Ubuntu 18.04 and Debian before 11), its
/// Python 2.7.
fn python_version(sh: &Interp<'_>, command: &str) -> Option<String> {
    if let Some(v) = sh.env.get("PYTHON_VERSION") {
        return Some(v.to_owned());
    }
    let python2 = matches!(sh.tree.get("/usr/bin/python2.7"), Some(Node::File { .. }));
    (python2 && matches!(command, "pip" | "pip2")).then(|| "2.7".to_owned())
}

fn python_dir(version: Option<&str>) -> String {
    match version {
        Some(v) => format!(
            "python{}",
            v.split('.').take(2).collect::<Vec<_>>().join(".")
        ),
        None => "python3".into(),
    }
}

fn site_packages(sh: &Interp<'_>, scheme: &Scheme, version: Option<&str>) -> String {
    let py = python_dir(version);
    match scheme {
        Scheme::Default if sh.env.get("PYTHON_VERSION").is_some() => {
            format!("/usr/local/lib/{py}/site-packages")
        }
        // A distribution's Python: pip installs into dist-packages.
        Scheme::Default => format!("/usr/local/lib/{py}/dist-packages"),
        Scheme::Prefix(p) => format!("{}/lib/{py}/site-packages", p.trim_end_matches('/')),
        Scheme::User => format!("{}/.local/lib/{py}/site-packages", home(sh)),
        Scheme::Target(t) => t.trim_end_matches('/').to_owned(),
    }
}

fn installed(sh: &Interp<'_>, site: &str) -> Vec<String> {
    match sh.tree.get(site) {
        Some(Node::Dir { entries, .. }) => entries
            .keys()
            .filter_map(|k| {
                k.strip_suffix(".dist-info")
                    .and_then(|d| d.rsplit_once('-'))
                    .map(|(n, _)| normalize(n))
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// Requirements from `-r FILE`, as written (comments and options dropped).
fn requirements(sh: &mut Interp<'_>, file: &str) -> Result<Vec<String>, String> {
    let path = sh.abs(file);
    match sh.tree.get(&path) {
        Some(Node::File { content, .. }) => Ok(String::from_utf8_lossy(content.as_bytes().unwrap_or_default())
            .lines()
            .map(|l| l.split('#').next().unwrap_or("").trim())
            .filter(|l| !l.is_empty() && !l.starts_with('-'))
            .map(str::to_owned)
            .collect()),
        _ => Err(format!("ERROR: Could not open requirements file: [Errno 2] No such file or directory: '{file}'")),
    }
}

/// A requirement's name and, for an exact pin (`flask==3.0.3`), its version.
fn requirement(spec: &str) -> (String, Option<String>) {
    let name = spec
        .split(|c: char| "<>=!~;[ ".contains(c))
        .next()
        .unwrap_or(spec)
        .to_owned();
    let pin = spec
        .split(';')
        .next()
        .and_then(|s| s.split_once("=="))
        .map(|(_, v)| v.trim().to_owned())
        .filter(|v| !v.is_empty() && !v.contains(['*', ',']));
    (name, pin)
}

/// Runs `pip ARGS`; `None` when there is no package data (the caller notes it).
pub(super) fn run(sh: &mut Interp<'_>, command: &str, args: &[String]) -> Option<i32> {
    let data = sh.pypi.clone()?;
    if args.first().map(String::as_str) != Some("install") {
        return None;
    }
    let version = python_version(sh, command);
    let era = data.era_for(version.as_deref())?.clone();
    let mut specs = Vec::new();
    let mut no_cache = sh
        .env
        .get("PIP_NO_CACHE_DIR")
        .is_some_and(|v| !v.is_empty() && v != "0" && v != "false");
    let mut scheme = Scheme::Default;
    let mut i = 1;
    while i < args.len() {
        match args[i].as_str() {
            "--no-cache-dir" | "--no-cache" => no_cache = true,
            "--user" => scheme = Scheme::User,
            "--prefix" | "--target" | "-t" => {
                let dir = sh.abs(args.get(i + 1).map(String::as_str).unwrap_or(""));
                scheme = if args[i] == "--prefix" {
                    Scheme::Prefix(dir)
                } else {
                    Scheme::Target(dir)
                };
                i += 1;
            }
            a if a.starts_with("--prefix=") => scheme = Scheme::Prefix(sh.abs(&a[9..])),
            a if a.starts_with("--target=") => scheme = Scheme::Target(sh.abs(&a[9..])),
            a if VALUE_OPTIONS.contains(&a) => i += 1,
            "-r" | "--requirement" => {
                let file = args.get(i + 1).cloned().unwrap_or_default();
                match requirements(sh, &file) {
                    Ok(r) => specs.extend(r),
                    Err(e) => return Some(fail(sh, e, 1)),
                }
                i += 1;
            }
            a if a.starts_with('-') => {}
            a => specs.push(a.to_owned()),
        }
        i += 1;
    }
    let (names, pins): (Vec<String>, Vec<Option<String>>) =
        specs.iter().map(|s| requirement(s)).unzip();
    let site = site_packages(sh, &scheme, version.as_deref());
    // pip skips what the environment already has, except into a --target.
    let mut places = vec![site.clone()];
    if !matches!(scheme, Scheme::Target(_) | Scheme::Default) {
        places.insert(0, site_packages(sh, &Scheme::Default, version.as_deref()));
    }
    let have: Vec<(String, String)> = places
        .iter()
        .flat_map(|place| {
            installed(sh, place)
                .into_iter()
                .map(move |n| (n, place.clone()))
        })
        .collect();
    for name in &names {
        if let Some((n, place)) = have.iter().find(|(n, _)| *n == normalize(name)) {
            sh.output
                .push(format!("Requirement already satisfied: {n} in {place}"));
        }
    }
    let have: Vec<String> = have.into_iter().map(|(n, _)| n).collect();
    let (set, unknown) = data.install_set(&era.name, &names, &have);
    note_unknown(sh, "pip install", &unknown);
    let mut total = 0;
    // An official python image ships without bytecode: the first pip run
    // writes it for the modules it imports (the standard library, pip).
    let official = sh.env.get("PYTHON_VERSION").is_some_and(|v| !v.is_empty());
    let no_bytecode = sh
        .env
        .get("PYTHONDONTWRITEBYTECODE")
        .is_some_and(|v| !v.is_empty());
    let marker = format!(
        "/usr/local/lib/{}/__pycache__/.layerlab-first-run",
        python_dir(version.as_deref())
    );
    if official
        && !no_bytecode
        && era.first_run_bytes > 0
        && !sh.tree.exists(&marker)
        && !set.is_empty()
    {
        total += put_sized(sh, &marker, "first-run bytecode", era.first_run_bytes);
    }
    for d in &set {
        sh.output.push(format!("Collecting {}", d.name));
        sh.output.push(format!(
            "  Downloading {} ({})",
            d.file,
            crate::report::human_size(d.download)
        ));
        let pyc = (d.py_bytes as f64 * era.pyc_factor) as u64;
        let dir_name = d.name.replace('-', "_");
        let pkg_dir = format!("{site}/{dir_name}");
        total += put_sized(
            sh,
            &format!("{pkg_dir}/.layerlab-files"),
            &d.file,
            d.unpacked,
        );
        total += put_sized(
            sh,
            &format!("{pkg_dir}/__pycache__/.layerlab-bytecode"),
            &format!("{}.pyc", d.file),
            pyc,
        );
        total += put_sized(
            sh,
            &format!("{site}/{dir_name}-{}.dist-info/RECORD", d.version),
            &format!("{}.record", d.file),
            era.dist_info_bytes,
        );
        if !no_cache {
            total += put_sized(
                sh,
                &format!("{}/.cache/pip/http/{}", home(sh), d.file),
                &format!("cache:{}", d.file),
                d.download,
            );
            if !d.file.ends_with(".whl") {
                total += put_sized(
                    sh,
                    &format!("{}/.cache/pip/wheels/{}.whl", home(sh), d.name),
                    &format!("wheel:{}", d.file),
                    d.download,
                );
            }
        }
        sh.duration_ms += d.download / DOWNLOAD_BYTES_PER_MS + 100;
    }
    if !set.is_empty() {
        let list: Vec<String> = set
            .iter()
            .map(|d| format!("{}-{}", d.name, d.version))
            .collect();
        sh.output
            .push(format!("Successfully installed {}", list.join(" ")));
        // Pins to versions the data does not have: the era's version stands in.
        let stand_ins: Vec<String> = names
            .iter()
            .zip(&pins)
            .filter_map(|(name, pin)| {
                let pin = pin.as_ref()?;
                let d = set.iter().find(|d| normalize(&d.name) == normalize(name))?;
                (d.version != *pin).then(|| format!("{}=={pin} (as {})", d.name, d.version))
            })
            .collect();
        if !stand_ins.is_empty() {
            sh.notes.push(Note::info(format!(
                "pip install: no sizes for the pinned {}; the version layerlab has data for stands in",
                stand_ins.join(", ")
            )));
        }
        sh.notes.push(Note::info(format!(
            "pip install: {} packages, {} ({} era; sizes measured from the distributions, bytecode factor {}: {})",
            set.len(),
            crate::report::human_size(total),
            era.name,
            era.pyc_factor,
            era.source
        )));
    }
    Some(0)
}
