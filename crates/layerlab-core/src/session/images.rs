//! The session's image store: images by ID, the tags pointing at them, and
//! their layers, which images share by digest (`docker images`, `rmi`,
//! `image prune`, `system df` read it; builds and pulls add to it).

use crate::build::FinalImage;
use crate::catalog::BaseImage;
use crate::fs::Tree;
use crate::image::ImageConfig;
use crate::report::docker::{HistoryRow, ImageRow};
use crate::report::logs::full_tag;

/// One layer of a stored image.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layer {
    /// The uncompressed digest (diff ID), `sha256:…`: what `push` shows.
    pub diff_id: String,
    /// The compressed blob a registry keeps, `sha256:…`: what `pull` shows.
    pub blob: String,
    /// Bytes on disk (uncompressed).
    pub size: u64,
    /// Bytes of the compressed blob.
    pub blob_size: u64,
    /// The official repository the layer comes from (`library/python`),
    /// for layers of a catalog base image.
    pub origin: Option<String>,
}

/// An image in the store.
#[derive(Clone, Debug)]
pub struct Image {
    pub id: String,
    /// Full references (`python-hello-world:latest`), in the order given.
    pub tags: Vec<String>,
    pub created: Option<String>,
    pub size: u64,
    pub config: ImageConfig,
    pub layers: Vec<Layer>,
    pub history: Vec<HistoryRow>,
    pub tree: Tree,
    /// `repo@sha256:…` digests this image has in a registry.
    pub repo_digests: Vec<String>,
    /// Whether every program on the image's PATH is known, so `docker run`
    /// can say a program is missing.
    pub programs_known: bool,
    /// Notes on where the image's figures come from.
    pub notes: Vec<String>,
    /// Made in this session (built, or pulled from its registry), not a
    /// catalog image: a FROM names it before the catalog.
    pub own: bool,
}

impl Image {
    /// An image the builder made. Its base layer becomes `base_layers`
    /// (the catalog's list, or one layer standing for the base).
    pub fn built(image: &FinalImage, base_layers: &[Layer], programs_known: bool) -> Image {
        let mut layers: Vec<Layer> = Vec::new();
        for (i, l) in image.layers.iter().enumerate() {
            // The first layer, made by no step, stands for the whole base.
            if i == 0 && l.step.is_none() && !base_layers.is_empty() {
                layers.extend(base_layers.iter().cloned());
                continue;
            }
            layers.push(Layer {
                diff_id: l.digest.clone(),
                blob: super::registry::blob_digest(&l.digest),
                size: l.size,
                blob_size: super::registry::compressed_size(l.size),
                origin: None,
            });
        }
        Image {
            id: image.id.clone(),
            tags: image.tags.iter().map(|t| full_tag(t)).collect(),
            created: image
                .config
                .history
                .iter()
                .last()
                .and_then(|h| h.created.clone()),
            size: image.size,
            config: image.config.clone(),
            layers,
            history: image.history_rows(),
            tree: image.tree.clone(),
            repo_digests: Vec::new(),
            programs_known,
            notes: Vec::new(),
            own: true,
        }
    }

    /// The image as a base for a FROM.
    pub fn as_base(&self, reference: &str) -> BaseImage {
        BaseImage {
            reference: reference.to_owned(),
            id: self.id.clone(),
            created: self.created.clone(),
            config: self.config.clone(),
            tree: self.tree.clone(),
            size: self.size,
            note: format!("{reference} is an image of this session"),
            known: true,
            programs_known: self.programs_known,
            matched: Some(crate::catalog::resolve::Match::Exact),
            pending: None,
        }
    }

    /// A catalog base image as pulled.
    pub fn pulled(base: &BaseImage, layers: Vec<Layer>) -> Image {
        let sizes: Vec<u64> = if layers.len() == 1 {
            vec![base.size]
        } else {
            layers.iter().map(|l| l.size).collect()
        };
        let ids = vec![None; base.config.history.len()];
        let mut history = crate::report::docker::history_rows(&base.config, &sizes, &ids);
        if let Some(top) = history.first_mut() {
            top.image_id = Some(base.id.clone());
        }
        Image {
            id: base.id.clone(),
            tags: vec![full_tag(&base.reference)],
            created: base.created.clone(),
            size: base.size,
            config: base.config.clone(),
            layers,
            history,
            tree: base.tree.clone(),
            repo_digests: Vec::new(),
            programs_known: base.programs_known,
            notes: vec![base.note.clone()],
            own: false,
        }
    }

    pub fn short_id(&self) -> &str {
        crate::image::short_id(&self.id)
    }
}

/// All images of the session.
#[derive(Clone, Debug, Default)]
pub struct ImageStore {
    images: Vec<Image>,
    /// Bumped by every change of images or tags.
    revision: u64,
}

/// What removing a reference did (`docker rmi`'s lines).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Removed {
    pub untagged: Vec<String>,
    pub deleted: Vec<String>,
}

impl ImageStore {
    pub fn all(&self) -> &[Image] {
        &self.images
    }

    /// Adds an image, or the tags of one already stored; tags move to it
    /// from any other image (which becomes dangling if it loses its last).
    /// Changes with every change of the store's images or tags.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    pub fn add(&mut self, image: Image) -> &Image {
        self.revision += 1;
        for other in &mut self.images {
            if other.id != image.id {
                other.tags.retain(|t| !image.tags.contains(t));
            }
        }
        let at = match self.images.iter().position(|i| i.id == image.id) {
            Some(at) => {
                let existing = &mut self.images[at];
                for t in image.tags {
                    if !existing.tags.contains(&t) {
                        existing.tags.push(t);
                    }
                }
                at
            }
            None => {
                self.images.push(image);
                self.images.len() - 1
            }
        };
        &self.images[at]
    }

    /// Finds an image by reference (`name` means `name:latest`) or by a
    /// prefix of its ID (`f1b2`, `sha256:f1b2…`).
    pub fn find(&self, reference: &str) -> Option<&Image> {
        self.position(reference).map(|i| &self.images[i])
    }

    fn position(&self, reference: &str) -> Option<usize> {
        let tag = full_tag(reference);
        if let Some(i) = self.images.iter().position(|i| i.tags.contains(&tag)) {
            return Some(i);
        }
        let hex = reference.strip_prefix("sha256:").unwrap_or(reference);
        let is_hex = !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit());
        if !is_hex {
            return None;
        }
        self.images
            .iter()
            .position(|i| i.id.trim_start_matches("sha256:").starts_with(hex))
    }

    /// Adds `target` as a tag of the image `source` names.
    pub fn tag(&mut self, source: &str, target: &str) -> Result<(), String> {
        self.revision += 1;
        let at = self.position(source).ok_or_else(|| {
            format!(
                "Error response from daemon: No such image: {}",
                full_tag(source)
            )
        })?;
        let target = full_tag(target);
        for (i, other) in self.images.iter_mut().enumerate() {
            if i != at {
                other.tags.retain(|t| *t != target);
            }
        }
        if !self.images[at].tags.contains(&target) {
            self.images[at].tags.push(target);
        }
        Ok(())
    }

    /// `docker rmi REF`: removes the tag, and the image once it has no tag
    /// left (or when named by ID). `in_use` says whether a container uses an image ID.
    pub fn remove(
        &mut self,
        reference: &str,
        force: bool,
        in_use: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Removed, String> {
        self.revision += 1;
        let at = self
            .position(reference)
            .ok_or_else(|| format!("Error response from daemon: No such image: {reference}"))?;
        let tag = full_tag(reference);
        let by_tag = self.images[at].tags.contains(&tag);
        let id = self.images[at].id.clone();
        let mut removed = Removed::default();
        if by_tag && self.images[at].tags.len() > 1 {
            self.images[at].tags.retain(|t| *t != tag);
            removed.untagged.push(tag);
            return Ok(removed);
        }
        if let (Some(container), false) = (in_use(&id), force) {
            return Err(if by_tag {
                format!(
                    "Error response from daemon: conflict: unable to remove repository reference \"{reference}\" (must force) - container {} is using its referenced image {}",
                    crate::image::short_id(&container),
                    crate::image::short_id(&id)
                )
            } else {
                format!(
                    "Error response from daemon: conflict: unable to delete {} (must be forced) - image is being used by stopped container {}",
                    crate::image::short_id(&id),
                    crate::image::short_id(&container)
                )
            });
        }
        if !by_tag && self.images[at].tags.len() > 1 && !force {
            return Err(format!(
                "Error response from daemon: conflict: unable to delete {} (must be forced) - image is referenced in multiple repositories",
                crate::image::short_id(&id)
            ));
        }
        let image = self.images.remove(at);
        removed.untagged.extend(image.tags.iter().cloned());
        for d in &image.repo_digests {
            removed.untagged.push(d.clone());
        }
        removed.deleted.push(image.id.clone());
        // Layers no other image holds go with it.
        for l in &image.layers {
            if !self.has_layer(&l.diff_id) && !removed.deleted.contains(&l.diff_id) {
                removed.deleted.push(l.diff_id.clone());
            }
        }
        Ok(removed)
    }

    /// Whether any stored image has the layer.
    pub fn has_layer(&self, diff_id: &str) -> bool {
        self.images.iter().any(|i| {
            i.layers
                .iter()
                .any(|l| l.diff_id == diff_id || l.blob == diff_id)
        })
    }

    /// Removes untagged images no container uses (`docker image prune`);
    /// returns what went and the bytes freed.
    pub fn prune(&mut self, in_use: &dyn Fn(&str) -> bool) -> (Removed, u64) {
        let mut removed = Removed::default();
        let before = self.disk_usage();
        let dangling: Vec<String> = self
            .images
            .iter()
            .filter(|i| i.tags.is_empty() && !in_use(&i.id))
            .map(|i| i.id.clone())
            .collect();
        for id in dangling {
            if let Ok(r) = self.remove(&id, true, &|_| None) {
                removed.untagged.extend(r.untagged);
                removed.deleted.extend(r.deleted);
            }
        }
        (removed, before - self.disk_usage())
    }

    /// Bytes of all distinct layers (what the images take on disk).
    pub fn disk_usage(&self) -> u64 {
        let mut seen = std::collections::BTreeSet::new();
        self.images
            .iter()
            .flat_map(|i| i.layers.iter())
            .filter(|l| seen.insert(l.diff_id.clone()))
            .map(|l| l.size)
            .sum()
    }

    /// `docker system df -v`: per image, the bytes it shares with another
    /// image and the bytes only it holds.
    pub fn shared_and_unique(&self, image: &Image) -> (u64, u64) {
        let mut shared = 0;
        let mut unique = 0;
        for l in &image.layers {
            let elsewhere = self
                .images
                .iter()
                .filter(|o| o.id != image.id)
                .any(|o| o.layers.iter().any(|m| m.diff_id == l.diff_id));
            if elsewhere {
                shared += l.size;
            } else {
                unique += l.size;
            }
        }
        (shared, unique)
    }

    /// `docker images` rows, newest first: one per tag, `<none>` for an
    /// untagged image; `repository` filters by name.
    pub fn rows(&self, repository: Option<&str>, all: bool) -> Vec<ImageRow> {
        let wanted = |row: &ImageRow| match repository {
            None => true,
            Some(want) => {
                let (want_repo, want_tag) = match want.rsplit_once(':') {
                    Some((r, t)) if !t.contains('/') => (r, Some(t)),
                    _ => (want, None),
                };
                row.repository == want_repo && want_tag.is_none_or(|w| w == row.tag)
            }
        };
        self.images
            .iter()
            .rev()
            .filter(|i| !i.tags.is_empty() || all || repository.is_none())
            .flat_map(|i| ImageRow::for_tags(&i.tags, &i.id, i.created.as_deref(), i.size))
            .filter(wanted)
            .collect()
    }

    /// The session's own images by `name:tag`, as bases a FROM can name.
    pub fn local_bases(&self) -> std::collections::HashMap<String, BaseImage> {
        self.images
            .iter()
            .filter(|i| i.own)
            .flat_map(|i| i.tags.iter().map(move |t| (t.clone(), i.as_base(t))))
            .collect()
    }

    /// Records a registry digest for an image.
    pub fn add_repo_digest(&mut self, id: &str, digest: String) {
        if let Some(image) = self.images.iter_mut().find(|i| i.id == id) {
            let repo = digest.split('@').next().unwrap_or_default().to_owned();
            image
                .repo_digests
                .retain(|d| !d.starts_with(&format!("{repo}@")));
            image.repo_digests.push(digest);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image(id: &str, tags: &[&str], layers: &[(&str, u64)]) -> Image {
        Image {
            id: id.into(),
            tags: tags.iter().map(|t| full_tag(t)).collect(),
            created: None,
            size: layers.iter().map(|l| l.1).sum(),
            config: ImageConfig::scratch(),
            layers: layers
                .iter()
                .map(|(d, s)| Layer {
                    diff_id: (*d).into(),
                    blob: (*d).into(),
                    size: *s,
                    blob_size: *s,
                    origin: None,
                })
                .collect(),
            history: Vec::new(),
            tree: Tree::new(),
            repo_digests: Vec::new(),
            programs_known: false,
            notes: Vec::new(),
            own: true,
        }
    }

    #[test]
    fn tags_move_and_rmi_untags_before_it_deletes() {
        let mut store = ImageStore::default();
        store.add(image(
            "sha256:aaaa1111",
            &["app"],
            &[("base", 100), ("a", 5)],
        ));
        store.add(image(
            "sha256:bbbb2222",
            &["app"],
            &[("base", 100), ("b", 7)],
        ));
        assert!(store.all()[0].tags.is_empty(), "the tag moved");
        assert_eq!(store.shared_and_unique(&store.all()[1].clone()), (100, 7));
        store.tag("app", "me/app:1").unwrap();
        let r = store.remove("me/app:1", false, &|_| None).unwrap();
        assert_eq!(r.untagged, ["me/app:1"]);
        assert!(r.deleted.is_empty());
        let r = store.remove("app", false, &|_| None).unwrap();
        assert_eq!(r.deleted, ["sha256:bbbb2222", "b"], "base is still held");
        let (pruned, freed) = store.prune(&|_| false);
        assert_eq!(pruned.deleted, ["sha256:aaaa1111", "base", "a"]);
        assert_eq!(freed, 105);
        assert!(store.find("app").is_none());
        assert_eq!(
            store.tag("nope", "x").unwrap_err(),
            "Error response from daemon: No such image: nope:latest"
        );
    }
}
