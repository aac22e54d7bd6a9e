//! The CLI's state directory (default `.layerlab/`): the build cache and the
//! images built, as JSON, so that a second `layerlab build` hits the cache and
//! `layerlab images/history/diff` can show what was built.

use std::path::{Path, PathBuf};

use layerlab_core::build::CacheStore;
use layerlab_core::fs::DiffKind;
use layerlab_core::report::docker::{HistoryRow, ImageRow};

/// An image kept in the store.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct StoredImage {
    pub id: String,
    /// `name:tag` references pointing at it.
    pub tags: Vec<String>,
    pub created: Option<String>,
    pub size: u64,
    pub history: Vec<HistoryRow>,
    pub changes: Vec<(String, DiffKind)>,
}

#[derive(Default, serde::Serialize, serde::Deserialize)]
pub struct Images {
    pub images: Vec<StoredImage>,
}

pub struct Store {
    dir: PathBuf,
}

impl Store {
    pub fn new(dir: &Path) -> Store {
        Store {
            dir: dir.to_owned(),
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn read<T: serde::de::DeserializeOwned + Default>(&self, name: &str) -> Result<T, String> {
        let path = self.dir.join(name);
        match std::fs::read(&path) {
            Ok(bytes) => {
                serde_json::from_slice(&bytes).map_err(|e| format!("{}: {e}", path.display()))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(T::default()),
            Err(e) => Err(format!("{}: {e}", path.display())),
        }
    }

    fn write<T: serde::Serialize>(&self, name: &str, value: &T) -> Result<(), String> {
        std::fs::create_dir_all(&self.dir).map_err(|e| format!("{}: {e}", self.dir.display()))?;
        let path = self.dir.join(name);
        let json = serde_json::to_vec(value).map_err(|e| e.to_string())?;
        std::fs::write(&path, json).map_err(|e| format!("{}: {e}", path.display()))
    }

    pub fn cache(&self) -> Result<CacheStore, String> {
        self.read("cache.json")
    }

    pub fn save_cache(&self, cache: &CacheStore) -> Result<(), String> {
        self.write("cache.json", cache)
    }

    pub fn images(&self) -> Result<Images, String> {
        self.read("images.json")
    }

    /// Adds (or updates) an image; its tags move to it from any other image.
    pub fn add_image(&self, image: StoredImage) -> Result<(), String> {
        let mut all = self.images()?;
        for other in &mut all.images {
            other.tags.retain(|t| !image.tags.contains(t));
        }
        match all.images.iter_mut().find(|i| i.id == image.id) {
            Some(existing) => {
                for t in image.tags {
                    if !existing.tags.contains(&t) {
                        existing.tags.push(t);
                    }
                }
            }
            None => all.images.push(image),
        }
        self.write("images.json", &all)
    }

    /// Finds an image by tag (`name` means `name:latest`) or ID prefix.
    pub fn find(&self, reference: &str) -> Result<StoredImage, String> {
        let all = self.images()?;
        let tag = layerlab_core::report::logs::full_tag(reference);
        let id = reference.strip_prefix("sha256:").unwrap_or(reference);
        all.images
            .into_iter()
            .find(|i| {
                i.tags.contains(&tag)
                    || (id.len() >= 4 && i.id.trim_start_matches("sha256:").starts_with(id))
            })
            .ok_or_else(|| format!("Error response from daemon: No such image: {reference}"))
    }
}

/// `docker images` rows: one per tag, `<none>` for untagged images.
pub fn image_rows(images: &Images) -> Vec<ImageRow> {
    images
        .images
        .iter()
        .rev()
        .flat_map(|i| ImageRow::for_tags(&i.tags, &i.id, i.created.as_deref(), i.size))
        .collect()
}
