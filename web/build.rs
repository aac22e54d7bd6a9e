//! Build-time data for the playground, read from the repository alone:
//! - `catalog-index.json`: layerlab's catalog index (`data/catalog/index.json`:
//!   names, tags, sizes, dates, distributions); each entry's details are
//!   fetched from `catalog/entries/` when a build first uses it;
//! - `examples.json`: the list of the playground's examples (`data/examples/<id>/`,
//!   in the order `data/examples/order.json` gives): id, title, date, summary
//!   and file names; the files are fetched when an example is chosen;
//! - `lessons.json`: the built-in lessons' ids and titles (`data/lessons`).

use std::path::{Path, PathBuf};

use serde_json::{json, Value};

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap()).join("..");
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap());
    let index = root.join("data/catalog/index.json");
    let examples_dir = root.join("data/examples");
    println!("cargo:rerun-if-changed={}", index.display());
    println!("cargo:rerun-if-changed={}", examples_dir.display());
    let index_text = std::fs::read_to_string(&index).expect("data/catalog/index.json");
    std::fs::write(out.join("catalog-index.json"), index_text).unwrap();
    std::fs::write(
        out.join("examples.json"),
        examples(&examples_dir).to_string(),
    )
    .unwrap();
    let lessons_dir = root.join("data/lessons");
    println!("cargo:rerun-if-changed={}", lessons_dir.display());
    std::fs::write(out.join("lessons.json"), lessons(&lessons_dir).to_string()).unwrap();
}

/// The built-in lessons' ids and titles (their text is fetched when chosen).
fn lessons(dir: &Path) -> Value {
    let order: Vec<String> = std::fs::read_to_string(dir.join("order.json"))
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default();
    let list: Vec<Value> = order
        .iter()
        .map(|id| {
            let text = std::fs::read_to_string(dir.join(format!("{id}.md")))
                .unwrap_or_else(|e| panic!("lesson {id}: {e}"));
            let title = text
                .lines()
                .find_map(|l| l.strip_prefix("title:"))
                .map(|t| t.trim().to_owned())
                .unwrap_or_else(|| id.clone());
            json!({"id": id, "title": title})
        })
        .collect();
    Value::Array(list)
}

fn examples(dir: &Path) -> Value {
    let order: Vec<String> = std::fs::read_to_string(dir.join("order.json"))
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default();
    let mut list = Vec::new();
    for id in order {
        let here = dir.join(&id);
        println!("cargo:rerun-if-changed={}", here.display());
        let meta: Value = serde_json::from_str(
            &std::fs::read_to_string(here.join("example.json"))
                .unwrap_or_else(|e| panic!("{}: {e}", here.display())),
        )
        .unwrap();
        let files: Vec<Value> = meta["files"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(|name| {
                assert!(
                    here.join(name).is_file(),
                    "{}/{name} is missing",
                    here.display()
                );
                json!(name)
            })
            .collect();
        list.push(json!({
            "id": id,
            "title": meta["title"],
            "date": meta["date"],
            "summary": meta["summary"],
            "files": files,
        }));
    }
    Value::Array(list)
}
