//! The repository's `data/` compiled into the binary (see `build.rs`): the
//! catalog and the package data, read lazily by path and inflated on first
//! read. `--catalog` and `$LAYERLAB_DATA` take precedence.

use layerlab_core::catalog::source::DataSource;

/// `(path under data/, deflated here, bytes)`.
static FILES: &[(&str, bool, &[u8])] = include!(concat!(env!("OUT_DIR"), "/data_table.rs"));

/// The embedded data files.
#[derive(Debug, Default)]
pub struct Embedded;

impl DataSource for Embedded {
    fn read(&self, path: &str) -> Option<Vec<u8>> {
        let (_, deflated, bytes) = FILES.iter().find(|(p, _, _)| *p == path)?;
        if *deflated {
            miniz_oxide::inflate::decompress_to_vec(bytes).ok()
        } else {
            Some(bytes.to_vec())
        }
    }
}

/// Bytes the embedded data adds to the binary.
pub fn embedded_bytes() -> usize {
    FILES.iter().map(|(_, _, b)| b.len()).sum()
}
