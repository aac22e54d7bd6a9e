//! Packs the repository's `data/` (catalog and package data) into the binary,
//! so an installed `layerlab` works in any directory. Files already gzipped
//! (the Debian releases) are kept as they are; the rest are deflated here and
//! inflated when first read (`src/embedded.rs`).

use std::path::{Path, PathBuf};

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let data = manifest.join("../../data");
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap());
    println!("cargo:rerun-if-changed={}", data.display());
    let mut files = Vec::new();
    collect(&data, &data, &mut files);
    files.sort();
    let mut table = String::from("&[\n");
    for (i, rel) in files.iter().enumerate() {
        let bytes = std::fs::read(data.join(rel)).unwrap();
        let (stored, deflated) = if rel.ends_with(".gz") {
            (bytes, false)
        } else {
            (miniz_oxide::deflate::compress_to_vec(&bytes, 9), true)
        };
        let blob = out.join(format!("data-{i}.bin"));
        std::fs::write(&blob, stored).unwrap();
        table.push_str(&format!(
            "    ({rel:?}, {deflated}, include_bytes!({:?})),\n",
            blob.display().to_string()
        ));
    }
    table.push_str("]\n");
    std::fs::write(out.join("data_table.rs"), table).unwrap();
}

fn collect(root: &Path, dir: &Path, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        println!("cargo:rerun-if-changed={}", path.display());
        if path.is_dir() {
            collect(root, &path, out);
        } else {
            let rel = path
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            out.push(rel);
        }
    }
}
