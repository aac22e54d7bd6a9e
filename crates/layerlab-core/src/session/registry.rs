//! The session's registry: repositories, their tags' manifests, and the
//! layer blobs each holds, so a second push sends only what changed and a
//! base image's layers are mounted from its official repository.
//!
//! Manifests are Docker's image manifest, schema 2, serialized as the
//! registry stores it (three-space indent); the size a push prints is that
//! document's length, its digest the document's sha256. The config blob's
//! digest is the image ID, as in Docker.

use std::collections::{BTreeMap, BTreeSet};

use sha2::{Digest, Sha256};

use super::images::{Image, Layer};

/// The compression model: compressed blob bytes per layer byte, from the
/// catalog entries whose remote scans list their compressed layers
/// (`data/catalog/compression.json`, written by `scripts/catalog/catalog.py`).
#[derive(serde::Deserialize)]
struct Compression {
    ratio: f64,
    empty_blob: u64,
}

fn compression() -> &'static Compression {
    static MODEL: std::sync::OnceLock<Compression> = std::sync::OnceLock::new();
    MODEL.get_or_init(|| {
        serde_json::from_str(include_str!("../../../../data/catalog/compression.json")).unwrap_or(
            Compression {
                ratio: 0.355,
                empty_blob: 32,
            },
        )
    })
}

/// Bytes of a layer's compressed blob: the stated ratio, plus an empty
/// gzipped tar's 32 bytes.
pub fn compressed_size(size: u64) -> u64 {
    let model = compression();
    (size as f64 * model.ratio).round() as u64 + model.empty_blob
}

/// The compressed blob's digest for a layer layerlab made (the real one
/// depends on gzip's bytes; this one is stable per layer).
pub fn blob_digest(diff_id: &str) -> String {
    format!(
        "sha256:{}",
        crate::fs::hex(&Sha256::digest(format!("gzip:{diff_id}")))
    )
}

/// A pushed tag.
#[derive(Clone, Debug)]
pub struct Manifest {
    pub digest: String,
    pub json: String,
    /// The image as pushed (what a pull brings back).
    pub image: Image,
}

#[derive(Clone, Debug, Default)]
struct Repository {
    tags: BTreeMap<String, Manifest>,
    blobs: BTreeSet<String>,
}

/// What a push did, line by line, newest layer first (as Docker prints).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PushLine {
    pub id: String,
    pub status: String,
}

#[derive(Clone, Debug, Default)]
pub struct Registry {
    repositories: BTreeMap<String, Repository>,
}

/// The manifest document for an image.
pub fn manifest(image: &Image) -> String {
    let config = serde_json::to_string(&image.config).unwrap_or_default();
    let mut out = String::from("{\n   \"schemaVersion\": 2,\n   \"mediaType\": \"application/vnd.docker.distribution.manifest.v2+json\",\n   \"config\": {\n      \"mediaType\": \"application/vnd.docker.container.image.v1+json\",\n");
    out.push_str(&format!(
        "      \"size\": {},\n      \"digest\": \"{}\"\n   }},\n   \"layers\": [",
        config.len(),
        image.id
    ));
    for (i, l) in image.layers.iter().enumerate() {
        out.push_str(if i == 0 { "\n" } else { ",\n" });
        out.push_str(&format!(
            "      {{\n         \"mediaType\": \"application/vnd.docker.image.rootfs.diff.tar.gzip\",\n         \"size\": {},\n         \"digest\": \"{}\"\n      }}",
            l.blob_size, l.blob
        ));
    }
    out.push_str("\n   ]\n}");
    out
}

/// `sha256:…` of a document.
pub fn digest_of(text: &str) -> String {
    format!(
        "sha256:{}",
        crate::fs::hex(&Sha256::digest(text.as_bytes()))
    )
}

impl Registry {
    /// Pushes `image` as `repository:tag` (`jzaccone/python-hello-world`).
    /// Each layer is already there, mounted from the official repository it
    /// came from or from another repository of this registry, or pushed.
    pub fn push(
        &mut self,
        repository: &str,
        tag: &str,
        image: &Image,
    ) -> (Vec<PushLine>, Manifest) {
        let mut lines = Vec::new();
        for layer in image.layers.iter().rev() {
            let status = self.place(repository, layer);
            lines.push(PushLine {
                id: crate::image::short_id(&layer.diff_id).to_owned(),
                status,
            });
        }
        let json = manifest(image);
        let manifest = Manifest {
            digest: digest_of(&json),
            json,
            image: image.clone(),
        };
        self.repositories
            .entry(repository.to_owned())
            .or_default()
            .tags
            .insert(tag.to_owned(), manifest.clone());
        (lines, manifest)
    }

    fn place(&mut self, repository: &str, layer: &Layer) -> String {
        let repo = self.repositories.entry(repository.to_owned()).or_default();
        if !repo.blobs.insert(layer.blob.clone()) {
            return "Layer already exists".into();
        }
        if let Some(origin) = &layer.origin {
            return format!("Mounted from {origin}");
        }
        let elsewhere = self
            .repositories
            .iter()
            .find(|(name, r)| *name != repository && r.blobs.contains(&layer.blob))
            .map(|(name, _)| name.clone());
        match elsewhere {
            Some(other) => format!("Mounted from {other}"),
            None => "Pushed".into(),
        }
    }

    /// The manifest a tag points at.
    pub fn manifest(&self, repository: &str, tag: &str) -> Option<&Manifest> {
        self.repositories.get(repository)?.tags.get(tag)
    }

    /// Whether the repository exists (was pushed to).
    pub fn has_repository(&self, repository: &str) -> bool {
        self.repositories.contains_key(repository)
    }

    /// Repositories and their tags, for the images panel.
    pub fn tags(&self) -> Vec<(String, String, String)> {
        self.repositories
            .iter()
            .flat_map(|(r, repo)| {
                repo.tags
                    .iter()
                    .map(move |(t, m)| (r.clone(), t.clone(), m.digest.clone()))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fs::Tree;
    use crate::image::ImageConfig;

    fn layer(d: &str, origin: Option<&str>) -> Layer {
        Layer {
            diff_id: format!("sha256:{d}"),
            blob: blob_digest(d),
            size: 100,
            blob_size: compressed_size(100),
            origin: origin.map(str::to_owned),
        }
    }

    fn image(layers: Vec<Layer>) -> Image {
        Image {
            id: "sha256:1111".into(),
            tags: vec![],
            created: None,
            size: 0,
            config: ImageConfig::scratch(),
            layers,
            history: vec![],
            tree: Tree::new(),
            repo_digests: vec![],
            programs_known: false,
            notes: vec![],
            own: true,
        }
    }

    #[test]
    fn second_push_sends_only_the_changed_layer() {
        let mut reg = Registry::default();
        let base = layer("base", Some("library/python"));
        let first = image(vec![base.clone(), layer("pip", None), layer("app1", None)]);
        let (lines, m) = reg.push("me/app", "latest", &first);
        let statuses: Vec<&str> = lines.iter().map(|l| l.status.as_str()).collect();
        assert_eq!(
            statuses,
            ["Pushed", "Pushed", "Mounted from library/python"]
        );
        assert_eq!(m.digest, digest_of(&m.json));
        assert!(m.json.starts_with("{\n   \"schemaVersion\": 2,\n"));
        let second = image(vec![base, layer("pip", None), layer("app2", None)]);
        let (lines, _) = reg.push("me/app", "latest", &second);
        let statuses: Vec<&str> = lines.iter().map(|l| l.status.as_str()).collect();
        assert_eq!(
            statuses,
            ["Pushed", "Layer already exists", "Layer already exists"]
        );
        let (lines, _) = reg.push("me/other", "v1", &second);
        assert_eq!(lines[0].status, "Mounted from me/app");
        assert_eq!(compressed_size(0), 32);
    }
}
