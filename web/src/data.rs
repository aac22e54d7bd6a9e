//! Data for the playground: compiled in, the base-image catalog and the seed
//! lessons offered as examples (both produced by `build.rs`); fetched at start
//! beside the page, the pip and npm package data (`data/pypi`, `data/npm`,
//! copied into `dist/` by Trunk) that RUN's package managers need.

use std::sync::{Arc, OnceLock};

use layerlab_core::catalog::npm::Npm;
use layerlab_core::catalog::pypi::PyPi;
use layerlab_core::catalog::Catalog;
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

pub fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| {
        Catalog::from_json(include_bytes!(concat!(env!("OUT_DIR"), "/catalog.json")))
            .unwrap_or_default()
    })
}

pub fn examples() -> &'static [Example] {
    static EXAMPLES: OnceLock<Vec<Example>> = OnceLock::new();
    EXAMPLES.get_or_init(|| {
        serde_json::from_str(include_str!(concat!(env!("OUT_DIR"), "/examples.json")))
            .unwrap_or_default()
    })
}

static PYPI: OnceLock<Arc<PyPi>> = OnceLock::new();
static NPM: OnceLock<Arc<Npm>> = OnceLock::new();

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
}

async fn fetch_text(url: &str) -> Option<String> {
    let window = web_sys::window()?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str(url))
        .await
        .ok()?
        .dyn_into()
        .ok()?;
    if !response.ok() {
        return None;
    }
    JsFuture::from(response.text().ok()?)
        .await
        .ok()?
        .as_string()
}
