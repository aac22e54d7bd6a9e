//! Where layerlab's data files come from: a directory (`data/` of a checkout
//! or `$LAYERLAB_DATA`), the files compiled into the CLI, or what the page has
//! fetched so far. Paths are relative to `data/` (`catalog/index.json`,
//! `debian/bookworm.tsv.gz`).

use std::path::PathBuf;

/// A read-only set of data files. `read` returns `None` for a file the source
/// does not hold (or, in the page, has not fetched yet).
pub trait DataSource: Send + Sync + std::fmt::Debug {
    fn read(&self, path: &str) -> Option<Vec<u8>>;
}

/// Files under a directory.
#[derive(Clone, Debug)]
pub struct DirSource(pub PathBuf);

impl DataSource for DirSource {
    fn read(&self, path: &str) -> Option<Vec<u8>> {
        if path.split('/').any(|part| part == ".." || part.is_empty()) {
            return None;
        }
        std::fs::read(self.0.join(path)).ok()
    }
}

/// The data file holding one catalog entry's details.
pub fn entry_path(key: &str) -> String {
    format!("catalog/entries/{key}.json")
}
