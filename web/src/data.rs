//! Data for the playground: compiled in, the lists of examples and lessons
//! (from the repository's `data/`, by `build.rs`); fetched at start beside
//! the page, the catalog index and the pip and npm package data (`data/`,
//! copied into `dist/` by Trunk); fetched on demand, a catalog entry's details (ID,
//! config, installed packages: `catalog/entries/`) when a build first uses
//! the entry, and a Debian release's package data (`debian/`, about 2 MB
//! each) when a build's apt-get asks for it.

use std::cell::{Cell, RefCell};
use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex, OnceLock};

use layerlab_core::catalog::alpine::{Alpine, Branch, BRANCHES};
use layerlab_core::catalog::debian::{Releases, RELEASES};
use layerlab_core::catalog::npm::Npm;
use layerlab_core::catalog::pypi::PyPi;
use layerlab_core::catalog::source::{self, DataSource};
use layerlab_core::catalog::Catalog;
use layerlab_core::shell::WantedReleases;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// One of the playground's examples (`data/examples/<id>/`).
#[derive(Clone, Debug, PartialEq, serde::Deserialize)]
pub struct Example {
    pub id: String,
    pub title: String,
    /// What to try, in a sentence or two.
    #[serde(default)]
    pub summary: String,
    /// Its files' names (the files are fetched when it is chosen).
    /// The tutorial's date: tags resolve as of then.
    pub date: String,
    pub files: Vec<String>,
}

impl Example {
    /// The builder of the example's era: BuildKit is Docker's default since
    /// 2023 (Engine 23.0); the older lessons used the classic builder.
    pub fn builder(&self) -> &'static str {
        if self.date.as_str() >= "2023" {
            "buildkit"
        } else {
            "classic"
        }
    }
}

/// Fetches an example's files (`examples/<id>/<name>`, beside the page).
pub async fn load_example(example: &Example) -> Result<Vec<(String, String)>, String> {
    let mut files = Vec::new();
    for name in &example.files {
        let text = fetch_text(&format!("examples/{}/{name}", example.id))
            .await
            .ok_or_else(|| format!("could not fetch the example file {name}"))?;
        files.push((name.clone(), text));
    }
    Ok(files)
}

/// A fetched Debian release: name, `.tsv.gz` and `.meta.json` bytes.
type ReleaseFiles = (String, Vec<u8>, Vec<u8>);

thread_local! {
    /// The catalog with Debian data, once apt-get has asked for it.
    static FULL_CATALOG: Cell<Option<&'static Catalog>> = const { Cell::new(None) };
    static DEBIAN_FILES: RefCell<Vec<ReleaseFiles>> = const { RefCell::new(Vec::new()) };
    static DEBIAN: RefCell<Option<Arc<Releases>>> = const { RefCell::new(None) };
    /// Releases being fetched or fetched (each is asked for once).
    static REQUESTED: RefCell<BTreeSet<String>> = const { RefCell::new(BTreeSet::new()) };
    /// Filled by apt-get during builds with the releases it lacked.
    static WANTED: WantedReleases = WantedReleases::default();
    /// Catalog entries whose details are being fetched or were.
    static REQUESTED_ENTRIES: RefCell<BTreeSet<String>> = const { RefCell::new(BTreeSet::new()) };
}

/// Data files fetched so far, by path under `data/`: the catalog reads its
/// entries' details from here.
#[derive(Debug, Default)]
pub struct Fetched(Mutex<HashMap<String, Vec<u8>>>);

impl DataSource for Fetched {
    fn read(&self, path: &str) -> Option<Vec<u8>> {
        let fetched = self.0.lock().ok()?.get(path).cloned();
        // Natively (the crate's tests) the repository's data/ is at hand.
        #[cfg(not(target_arch = "wasm32"))]
        let fetched = fetched.or_else(|| {
            std::fs::read(
                std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("../data")
                    .join(path),
            )
            .ok()
        });
        fetched
    }
}

fn fetched() -> &'static Arc<Fetched> {
    static FETCHED: OnceLock<Arc<Fetched>> = OnceLock::new();
    FETCHED.get_or_init(Arc::default)
}

pub fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    if let Some(full) = FULL_CATALOG.with(Cell::get) {
        return full;
    }
    CATALOG.get_or_init(|| {
        let source: Arc<dyn DataSource> = fetched().clone();
        let index = source.read("catalog/index.json").unwrap_or_default();
        Catalog::from_index(&index, source).unwrap_or_default()
    })
}

/// Fetches the details of the entries a Dockerfile's `FROM` lines name
/// (before the first build, so it does not wait for them).
pub async fn prefetch_entries(dockerfile: &str) {
    let keys = catalog().base_keys(dockerfile.as_bytes(), None);
    let _ = load_entries(&keys).await;
}

/// Fetches the details of the catalog entries a build found missing (and of
/// the entries whose package lists they borrow); `true` when anything new
/// arrived, so the page builds again. Each entry is asked for once.
pub async fn load_entries(keys: &[String]) -> Result<bool, String> {
    let mut got = false;
    let mut queue: Vec<String> = keys.to_vec();
    while let Some(key) = queue.pop() {
        let path = source::entry_path(&key);
        if fetched().read(&path).is_some()
            || !REQUESTED_ENTRIES.with(|r| r.borrow_mut().insert(key.clone()))
        {
            continue;
        }
        let bytes = fetch_bytes(&path)
            .await
            .ok_or_else(|| format!("could not fetch the catalog entry {key}"))?;
        queue.extend(layerlab_core::catalog::borrowed_packages(&bytes));
        if let Ok(mut m) = fetched().0.lock() {
            m.insert(path, bytes);
        }
        got = true;
    }
    Ok(got)
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
            .filter(|c| {
                let known = RELEASES.contains(&c.as_str())
                    || c.strip_prefix("alpine/")
                        .is_some_and(|b| BRANCHES.contains(&b));
                known && r.insert(c.clone())
            })
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
    DEBIAN_FILES.with(|f| f.borrow_mut().push((name.to_owned(), gz, meta)));
    let mut releases = Releases::new();
    DEBIAN_FILES.with(|f| {
        for (n, gz, meta) in f.borrow().iter() {
            releases.add(n, gz.clone(), meta.clone());
        }
    });
    let releases = Arc::new(releases);
    DEBIAN.with(|d| *d.borrow_mut() = Some(releases.clone()));
    // The catalog's entries list their installed packages (dpkg's
    // database), so apt-get skips what the image already has.
    let base = match FULL_CATALOG.with(Cell::get) {
        Some(c) => c.clone(),
        None => catalog().clone(),
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
thread_local! {
    /// The Alpine branches fetched so far (apk asks for its branch on demand).
    static ALPINE: RefCell<Arc<Alpine>> = RefCell::new(Arc::default());
}

/// Alpine package data fetched so far (a branch without it: apk asks for it).
pub fn alpine() -> Option<Arc<Alpine>> {
    Some(ALPINE.with(|a| a.borrow().clone()))
}

/// Fetches one Alpine branch's package data (`alpine/v3.20`).
pub async fn load_alpine_branch(wanted: &str) -> Result<(), String> {
    let branch = wanted.trim_start_matches("alpine/");
    let text = fetch_text(&format!("alpine/{branch}.tsv"))
        .await
        .ok_or_else(|| format!("could not fetch the Alpine {branch} package data"))?;
    ALPINE.with(|a| {
        let mut next = (**a.borrow()).clone();
        next.branches
            .insert(branch.to_owned(), Branch::from_tsv(branch, &text));
        *a.borrow_mut() = Arc::new(next);
    });
    Ok(())
}

/// What the session builds over: the catalog (one shared copy per catalog
/// the page has made) and the package data fetched so far.
pub fn package_data() -> layerlab_core::session::PackageData {
    thread_local! {
        static SHARED: RefCell<Option<(usize, Arc<Catalog>)>> = const { RefCell::new(None) };
    }
    let current = catalog();
    let key = current as *const Catalog as usize;
    let catalog = SHARED.with(|s| {
        let mut s = s.borrow_mut();
        match &*s {
            Some((k, c)) if *k == key => c.clone(),
            _ => {
                let c = Arc::new(current.clone());
                *s = Some((key, c.clone()));
                c
            }
        }
    });
    layerlab_core::session::PackageData {
        catalog,
        executor: layerlab_core::shell::ShellExecutor {
            pypi: pypi(),
            npm: npm(),
            alpine: alpine(),
            debian: debian(),
            wanted_debian: Some(wanted_debian()),
            ..Default::default()
        },
    }
}

/// Changes whenever fetched data changes what a build sees (the catalog
/// made with Debian data, a Debian release, an Alpine branch, pip's or
/// npm's data).
pub fn data_signature() -> [usize; 5] {
    fn ptr<T>(a: Option<Arc<T>>) -> usize {
        a.map_or(0, |a| Arc::as_ptr(&a) as usize)
    }
    [
        catalog() as *const Catalog as usize,
        ptr(debian()),
        ptr(alpine()),
        ptr(pypi()),
        ptr(npm()),
    ]
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
    // The catalog index (about 8 kB gzipped): fetched, not compiled in, so
    // the page's code is cached apart from the data.
    if let Some(index) = fetch_bytes("catalog/index.json").await {
        if let Ok(mut m) = fetched().0.lock() {
            m.insert("catalog/index.json".into(), index);
        }
    }
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

/// A built-in lesson (`data/lessons/<id>.md`, served as `lessons/<id>.md`).
#[derive(Clone, Debug, PartialEq, serde::Deserialize)]
pub struct LessonEntry {
    pub id: String,
    pub title: String,
}

pub fn lessons() -> &'static [LessonEntry] {
    static LESSONS: OnceLock<Vec<LessonEntry>> = OnceLock::new();
    LESSONS.get_or_init(|| {
        serde_json::from_slice(include_bytes!(concat!(env!("OUT_DIR"), "/lessons.json")))
            .unwrap_or_default()
    })
}

/// Fetches and reads a lesson file: a built-in one's path or an author's URL
/// (`?lesson=URL`: same origin, or a host that allows it by CORS).
pub async fn load_lesson(url: &str) -> Result<layerlab_core::lessons::Lesson, String> {
    let text = fetch_text(url)
        .await
        .ok_or_else(|| format!("could not fetch the lesson {url}"))?;
    layerlab_core::lessons::parse(&text).map_err(|e| format!("lesson {url}: {e}"))
}
