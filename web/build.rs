//! Build-time data for the playground, read from `../shared` beside the project
//! (nothing of it is kept in the repository):
//! - `catalog.json`: the base-image catalog without dpkg package lists (what
//!   FROM needs, and apk's installed packages for Alpine bases);
//! - `examples.json`: the seed tutorials' Dockerfiles and the files they give.
//!
//! When `../shared` is absent the playground builds with an empty catalog and
//! no examples.

use std::path::{Path, PathBuf};

use layerlab_core::lesson::{echo_files, fences, first_dockerfile};
use serde_json::{json, Value};

fn main() {
    let shared = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap()).join("../../shared");
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap());
    println!(
        "cargo:rerun-if-changed={}",
        shared.join("catalog/images.json").display()
    );
    println!("cargo:rerun-if-changed={}", shared.join("seeds").display());
    std::fs::write(out.join("catalog.json"), compact_catalog(&shared)).unwrap();
    std::fs::write(out.join("examples.json"), examples(&shared).to_string()).unwrap();
}

fn compact_catalog(shared: &Path) -> String {
    let Ok(text) = std::fs::read_to_string(shared.join("catalog/images.json")) else {
        return "[]".into();
    };
    let Ok(Value::Array(entries)) = serde_json::from_str::<Value>(&text) else {
        return "[]".into();
    };
    let keep = [
        "image",
        "tag",
        "resolved",
        "as_of",
        "image_id",
        "created",
        "virtual_size_bytes",
        "config",
        "os",
        "source",
    ];
    let compact: Vec<Value> = entries
        .into_iter()
        .map(|e| {
            let mut object: serde_json::Map<String, Value> = e
                .as_object()
                .unwrap()
                .iter()
                .filter(|(k, _)| keep.contains(&k.as_str()))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            // apk's installed packages (a few per image), so apk knows what an
            // Alpine base already has; dpkg lists come with the full catalog.
            let apk: Vec<Value> = e["packages"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|p| p["manager"] == "apk")
                .map(|p| {
                    json!({"name": p["name"], "version": p["version"], "manager": "apk",
                           "installed_size_bytes": p["installed_size_bytes"]})
                })
                .collect();
            if !apk.is_empty() {
                object.insert("packages".into(), Value::Array(apk));
            }
            Value::Object(object)
        })
        .collect();
    Value::Array(compact).to_string()
}

fn seed(shared: &Path, prefix: &str) -> Option<String> {
    let dir = std::fs::read_dir(shared.join("seeds")).ok()?;
    let entry = dir
        .flatten()
        .find(|e| e.file_name().to_string_lossy().starts_with(prefix))?;
    std::fs::read_to_string(entry.path()).ok()
}

fn examples(shared: &Path) -> Value {
    let mut list = Vec::new();
    if let Some(t) = seed(shared, "000") {
        let app = fences(&t)
            .into_iter()
            .find(|(i, _)| i == "python")
            .map(|(_, b)| b);
        if let (Some(df), Some(app)) = (first_dockerfile(&t), app) {
            list.push(json!({"id": "000", "title": "Building your first Docker app (ubuntu, 2018)", "date": "2018-06",
                "files": [["Dockerfile", df], ["app.py", app]]}));
        }
    }
    if let Some(t) = seed(shared, "001") {
        if let Some(df) = first_dockerfile(&t) {
            list.push(json!({"id": "001", "title": "Dockerfile basics: a Flask server (alpine, 2020)", "date": "2020-06",
                "files": [["Dockerfile", df], ["requirements.txt", "flask\n"], ["server.py", SERVER_PY]]}));
        }
    }
    if let Some(t) = seed(shared, "003") {
        let df = fences(&t)
            .into_iter()
            .map(|(_, b)| b)
            .find(|b| b.starts_with("# The base image"))
            .or_else(|| first_dockerfile(&t));
        if let Some(df) = df {
            list.push(json!({"id": "003", "title": "Constructing a Docker image (ubuntu, 2017)", "date": "2017-06",
                "files": [["Dockerfile", df], ["requirements.txt", "Flask==0.10.1\n"], ["app.py", SERVER_PY]]}));
        }
    }
    if let Some(t) = seed(shared, "004") {
        let files = echo_files(&t);
        let df = files.iter().find(|(n, _)| n == "Dockerfile");
        let app = files.iter().find(|(n, _)| n == "app.py");
        if let (Some(df), Some(app)) = (df, app) {
            list.push(json!({"id": "004", "title": "Lab 2: custom images and the layer cache (2017)", "date": "2017-06",
                "files": [["Dockerfile", df.1], ["app.py", app.1]]}));
        }
    }
    Value::Array(list)
}

/// A small Flask app for examples whose tutorial does not print one.
const SERVER_PY: &str = "from flask import Flask\n\napp = Flask(__name__)\n\n\n@app.route(\"/\")\ndef hello():\n    return \"Hello from layerlab!\\n\"\n\n\nif __name__ == \"__main__\":\n    app.run(host=\"0.0.0.0\", port=5000)\n";
