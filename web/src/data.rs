//! Data compiled into the playground: the base-image catalog and the seed
//! lessons offered as examples (both produced by `build.rs`).

use std::sync::OnceLock;

use layerlab_core::catalog::Catalog;

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
