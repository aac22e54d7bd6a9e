//! Builds in a session: the context read from the host's files, the build
//! run against the session's one cache, base images pulled the first time
//! a FROM names them (a pull on the FROM step, the image in the store), and
//! the built image stored under its tags.

use crate::build::{build, BuildOptions, BuildResult, Context, Pull};
use crate::fs::{Node, Tree};

use super::images::{Image, Layer};
use super::Engine;

/// The files under `dir` as a build context.
pub fn context_of(files: &Tree, dir: &str) -> Context {
    let mut context = Context::new();
    let prefix = format!("{}/", dir.trim_end_matches('/'));
    for (path, node) in files.walk(dir) {
        if let (Node::File { meta, content }, Some(rel)) = (node, path.strip_prefix(&prefix)) {
            let data = content.as_bytes().map(<[u8]>::to_vec).unwrap_or_default();
            context.insert(rel, data, meta.mode);
        }
    }
    context
}

/// Download speed pulls are timed with (bytes per second of compressed blobs).
const PULL_RATE: u64 = 20_000_000;

impl Engine {
    /// Runs a build over the session's cache and stores what it made.
    /// `live` marks the editor's build, whose image replaces the last one.
    pub fn build(
        &mut self,
        dockerfile: &[u8],
        context: &Context,
        mut options: BuildOptions,
        live: bool,
    ) -> BuildResult {
        options.catalog_date = self.options.date.clone();
        options.now = Some(self.now());
        let wanted = || {
            self.data
                .executor
                .wanted_debian
                .as_ref()
                .and_then(|w| w.lock().ok().map(|s| s.clone()))
                .unwrap_or_default()
        };
        let wanted_before = wanted();
        let mut result = build(
            dockerfile,
            context,
            &self.data.catalog,
            &options,
            &mut self.cache,
            &self.data.executor,
        );
        if !result.pending.is_empty() {
            self.wanted.extend(result.pending.iter().cloned());
            return result;
        }
        // apt-get or apk asked for a release's data the page has not fetched.
        self.built_without_data |= wanted() != wanted_before;
        let pulled_ms = self.pull_bases(&mut result);
        self.clock += ((result.duration_ms + pulled_ms) / 1000) as i64 + 1;
        if let Some(image) = &result.image {
            let base = self.base_layers_of(&result);
            let programs_known = result.stages.last().is_some_and(|s| s.base == "scratch")
                || self
                    .images
                    .find(&crate::report::logs::full_tag(&image.base))
                    .is_some_and(|b| b.programs_known);
            let stored = Image::built(image, &base, programs_known);
            if live {
                self.replace_live_image(&stored.id);
            }
            self.images.add(stored);
            self.sync_local();
        }
        result
    }

    /// Tells the catalog which images this session made, so a later FROM
    /// names them (`FROM mybase` after `docker build -t mybase .`).
    /// Done only when the store changed since the last time.
    pub fn sync_local(&mut self) {
        let revision = self.images.revision();
        if self.local_synced != Some(revision) {
            self.data.catalog.set_local(self.images.local_bases());
            self.local_synced = Some(revision);
        }
    }

    /// The previous live image goes when the new one takes its tag, unless
    /// a container uses it or it has other tags.
    fn replace_live_image(&mut self, new_id: &str) {
        if let Some(old) = self.live_image.replace(new_id.to_owned()) {
            let used = self.containers.iter().any(|c| c.image_id == old);
            let only_live = self
                .images
                .all()
                .iter()
                .find(|i| i.id == old)
                .is_some_and(|i| i.tags.iter().all(|t| t == "playground:latest"));
            if old != new_id && !used && only_live {
                let _ = self.images.remove(&old, true, &|_| None);
            }
        }
    }

    /// Marks each FROM whose base is not in the store as pulled and stores
    /// the base; returns the time the pulls took.
    fn pull_bases(&mut self, result: &mut BuildResult) -> u64 {
        let mut total = 0;
        for i in 0..result.steps.len() {
            let step = &result.steps[i];
            if step.keyword != "FROM" || step.onbuild {
                continue;
            }
            let Some(stage) = result.stages.iter().find(|s| s.index == step.stage) else {
                continue;
            };
            let reference = stage.reference.clone();
            let local = |name: &str| result.stages.iter().any(|s| s.name == name);
            if reference.eq_ignore_ascii_case("scratch") || local(&reference) {
                continue;
            }
            if let Some(pull) = self.pull(&reference) {
                total += pull.duration_ms;
                result.steps[i].pulled = Some(pull);
            }
        }
        total
    }

    /// Pulls a catalog image into the store; `None` when it is there already
    /// (or not a catalog image).
    pub fn pull(&mut self, reference: &str) -> Option<Pull> {
        let (name, tag) = crate::catalog::normalize_reference(reference);
        let full = format!("{name}:{tag}");
        if self.images.find(&full).is_some() {
            return None;
        }
        let date = self.options.date.clone();
        let base = self.data.catalog.base_image(reference, date.as_deref());
        if let Some(key) = &base.pending {
            self.wanted.insert(key.clone());
            return None;
        }
        if !base.known {
            return None;
        }
        let repository = if name.contains('/') {
            name.clone()
        } else {
            format!("library/{name}")
        };
        let (layers, repo_digest) = self.catalog_layers(&base, &repository);
        let image = Image::pulled(&base, layers.clone());
        let manifest = super::registry::manifest(&image);
        let compressed: u64 = layers.iter().map(|l| l.blob_size).sum();
        let pull = Pull {
            tag: tag.clone(),
            repository,
            reference: full,
            layers: layers
                .iter()
                .map(|l| (l.blob.clone(), l.blob_size))
                .collect(),
            // Docker Hub's digest where the catalog's remote scan gives it
            // (with its layer list), else the digest of the manifest made here.
            digest: if repo_digest.is_empty() {
                super::registry::digest_of(&manifest)
            } else {
                repo_digest
            },
            duration_ms: compressed * 1000 / PULL_RATE + 200,
        };
        let mut image = image;
        image.repo_digests.push(format!("{name}@{}", pull.digest));
        self.images.add(image);
        Some(pull)
    }

    /// A base image's layers: the catalog's list of compressed blobs where
    /// a remote scan gives one (sizes on disk in proportion), else one layer
    /// standing for the whole base, with the builder's digest for it.
    fn catalog_layers(
        &self,
        base: &crate::catalog::BaseImage,
        repository: &str,
    ) -> (Vec<Layer>, String) {
        let origin = Some(repository.to_owned());
        let (listed, repo_digest) = self
            .data
            .catalog
            .resolve(&base.reference, self.options.date.as_deref())
            .and_then(|(entry, _)| self.data.catalog.detailed(entry))
            .map(|e| (e.layers.clone(), e.repo_digest.clone()))
            .unwrap_or_default();
        if listed.is_empty() {
            let diff_id = base.layer_digest();
            let layer = Layer {
                blob: super::registry::blob_digest(&diff_id),
                diff_id,
                size: base.size,
                blob_size: super::registry::compressed_size(base.size),
                origin,
            };
            return (vec![layer], String::new());
        }
        let compressed: u64 = listed.iter().map(|l| l.size).sum::<u64>().max(1);
        let layers = listed
            .iter()
            .map(|l| Layer {
                diff_id: l.digest.clone(),
                blob: l.digest.clone(),
                size: base.size * l.size / compressed,
                blob_size: l.size,
                origin: origin.clone(),
            })
            .collect();
        (layers, repo_digest)
    }

    /// The layers that stand for the final image's base in the store.
    fn base_layers_of(&self, result: &BuildResult) -> Vec<Layer> {
        let Some(image) = &result.image else {
            return Vec::new();
        };
        self.images
            .find(&crate::report::logs::full_tag(&image.base))
            .map(|b| b.layers.clone())
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use crate::session::{Change, Options, PackageData, Session};
    use std::sync::Arc;

    #[test]
    fn package_data_arriving_rebuilds_the_steps_that_ran_without_it() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data");
        let full =
            PackageData::from_source(Arc::new(crate::catalog::source::DirSource(dir))).unwrap();
        let without = PackageData {
            catalog: full.catalog.clone(),
            executor: crate::shell::ShellExecutor {
                wanted_debian: Some(Default::default()),
                ..Default::default()
            },
        };
        let mut s = Session::new(Options::default(), without);
        s.apply(Change::SetFile {
            path: "Dockerfile".into(),
            text: "FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y python3\n"
                .into(),
        });
        let view = s.apply(Change::Build);
        let (r, _) = view.build.unwrap();
        assert!(r.steps[1].notes.iter().any(|n| n.is_unsimulated()));
        s.set_data(full);
        let view = s.apply(Change::DataChanged);
        let (r, _) = view.build.unwrap();
        assert!(
            r.steps[1].notes.iter().all(|n| !n.is_unsimulated()),
            "{:?}",
            r.steps[1].notes
        );
        assert!(r.steps[1].layer_size > 50_000_000);
    }
}
