//! Data for the playground: compiled in, the base-image catalog and the seed
//! lessons offered as examples (both produced by `build.rs`); fetched at start
//! beside the page, the pip, npm and apk package data (`data/pypi`,
//! `data/npm`, `data/alpine`, copied into `dist/` by Trunk) that RUN's
//! package managers need; fetched on
//! demand, when a build's apt-get asks for it, a Debian release's package data
//! (`debian/`, about 2 MB each) and the full catalog with each image's installed
//! packages (`images.json`).

use std::cell::{Cell, RefCell};
use std::collections::BTreeSet;
use std::sync::{Arc, OnceLock};

use layerlab_core::catalog::alpine::{Alpine, Branch, BRANCHES};
use layerlab_core::catalog::debian::{Releases, RELEASES};
use layerlab_core::catalog::npm::Npm;
use layerlab_core::catalog::pypi::PyPi;
use layerlab_core::catalog::Catalog;
use layerlab_core::shell::WantedReleases;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// An example from a seed tutorial.
#[derive(Clone, Debug, PartialEq, serde::Deserialize)]
pub struct Example {
    pub id: String,
    pub title: String,
    /// The tutorial's date: tags resolve as of then.
    pub date: String,
    pub files: Vec<(String, String)>,
}

/// A fetched Debian release: name, `.tsv.gz` and `.meta.json` bytes.
type ReleaseFiles = (String, Vec<u8>, Vec<u8>);

thread_local! {
    /// The full catalog with Debian data, once apt-get has asked for it.
    static FULL_CATALOG: Cell<Option<&'static Catalog>> = const { Cell::new(None) };
    static DEBIAN_FILES: RefCell<Vec<ReleaseFiles>> = const { RefCell::new(Vec::new()) };
    static DEBIAN: RefCell<Option<Arc<Releases>>> = const { RefCell::new(None) };
    /// Releases being fetched or fetched (each is asked for once).
    static REQUESTED: RefCell<BTreeSet<String>> = const { RefCell::new(BTreeSet::new()) };
    /// Filled by apt-get during builds with the releases it lacked.
    static WANTED: WantedReleases = WantedReleases::default();
}

pub fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    if let Some(full) = FULL_CATALOG.with(Cell::get) {
        return full;
    }
    CATALOG.get_or_init(|| {
        Catalog::from_json(include_bytes!(concat!(env!("OUT_DIR"), "/catalog.json")))
            .unwrap_or_default()
    })
}

/// Debian package data fetched so far.
pub fn debian() -> Option<Arc<Releases>> {
    DEBIAN.with(|d| d.borrow().clone())
}

/// The set apt-get records missing releases in (given to every build).
pub fn wanted_debian() -> WantedReleases {
    WANTED.with(Clone::clone)
}

/// Releases builds asked for that are not fetched or being fetched yet; each is
/// returned once.
pub fn take_new_wanted_releases() -> Vec<String> {
    let wanted: Vec<String> = WANTED.with(|w| {
        w.lock()
            .map(|mut s| std::mem::take(&mut *s).into_iter().collect())
            .unwrap_or_default()
    });
    REQUESTED.with(|r| {
        let mut r = r.borrow_mut();
        wanted
            .into_iter()
            .filter(|c| RELEASES.contains(&c.as_str()) && r.insert(c.clone()))
            .collect()
    })
}

/// Fetches a Debian release's package data (and, the first time, the full
/// catalog). `Err` says what could not be fetched.
pub async fn load_debian_release(name: &str) -> Result<(), String> {
    let gz = fetch_bytes(&format!("debian/{name}.tsv.gz"))
        .await
        .ok_or_else(|| format!("could not fetch the Debian {name} package data"))?;
    let meta = fetch_bytes(&format!("debian/{name}.meta.json"))
        .await
        .unwrap_or_default();
    let full = if FULL_CATALOG.with(Cell::get).is_none() {
        fetch_bytes("images.json").await
    } else {
        None
    };
    DEBIAN_FILES.with(|f| f.borrow_mut().push((name.to_owned(), gz, meta)));
    let mut releases = Releases::new();
    DEBIAN_FILES.with(|f| {
        for (n, gz, meta) in f.borrow().iter() {
            releases.add(n, gz.clone(), meta.clone());
        }
    });
    let releases = Arc::new(releases);
    DEBIAN.with(|d| *d.borrow_mut() = Some(releases.clone()));
    // The full catalog lists each image's installed packages (dpkg's database),
    // so apt-get skips what the image already has.
    let base = match full.and_then(|b| Catalog::from_json(&b).ok()) {
        Some(c) => c,
        None => match FULL_CATALOG.with(Cell::get) {
            Some(c) => c.clone(),
            None => catalog().clone(),
        },
    };
    let leaked: &'static Catalog = Box::leak(Box::new(base.with_debian(releases)));
    FULL_CATALOG.with(|c| c.set(Some(leaked)));
    Ok(())
}

pub fn examples() -> &'static [Example] {
    static EXAMPLES: OnceLock<Vec<Example>> = OnceLock::new();
    EXAMPLES.get_or_init(|| {
        serde_json::from_slice(include_bytes!(concat!(env!("OUT_DIR"), "/examples.json")))
            .unwrap_or_default()
    })
}

static PYPI: OnceLock<Arc<PyPi>> = OnceLock::new();
static NPM: OnceLock<Arc<Npm>> = OnceLock::new();
static ALPINE: OnceLock<Arc<Alpine>> = OnceLock::new();

/// Alpine package data, once fetched (without it apk is noted as not simulated).
pub fn alpine() -> Option<Arc<Alpine>> {
    ALPINE.get().cloned()
}

/// Python package data, once fetched (without it pip is noted as not simulated).
pub fn pypi() -> Option<Arc<PyPi>> {
    PYPI.get().cloned()
}

/// npm package data, once fetched (without it npm is noted as not simulated).
pub fn npm() -> Option<Arc<Npm>> {
    NPM.get().cloned()
}

/// Fetches the package data served beside the page. A file that cannot be
/// fetched leaves its package manager unsimulated; the page works without it.
pub async fn load_package_data() {
    let (packages, eras) = (
        fetch_text("pypi/packages.tsv").await,
        fetch_text("pypi/eras.tsv").await,
    );
    if let (Some(packages), Some(eras)) = (packages, eras) {
        let _ = PYPI.set(Arc::new(PyPi::from_tsv(&packages, &eras)));
    }
    if let Some(text) = fetch_text("npm/packages.tsv").await {
        let _ = NPM.set(Arc::new(Npm::from_tsv(&text)));
    }
    let mut alpine = Alpine::default();
    for name in BRANCHES {
        if let Some(text) = fetch_text(&format!("alpine/{name}.tsv")).await {
            alpine
                .branches
                .insert(name.to_owned(), Branch::from_tsv(name, &text));
        }
    }
    let _ = ALPINE.set(Arc::new(alpine));
}

async fn fetch_ok(url: &str) -> Option<web_sys::Response> {
    let window = web_sys::window()?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str(url))
        .await
        .ok()?
        .dyn_into()
        .ok()?;
    response.ok().then_some(response)
}

async fn fetch_text(url: &str) -> Option<String> {
    let response = fetch_ok(url).await?;
    JsFuture::from(response.text().ok()?)
        .await
        .ok()?
        .as_string()
}

async fn fetch_bytes(url: &str) -> Option<Vec<u8>> {
    let response = fetch_ok(url).await?;
    let buffer = JsFuture::from(response.array_buffer().ok()?).await.ok()?;
    Some(js_sys::Uint8Array::new(&buffer).to_vec())
}
