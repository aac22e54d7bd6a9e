//! COPY and ADD: which files a source pattern matches, where each lands, and
//! the checksum that keys the cache.
//!
//! Sources are read from a source tree (the context, filtered by
//! `.dockerignore`, or another stage's or image's filesystem) from its root.
//! Wildcards follow Go's `filepath.Match` per path component. A directory
//! source copies its contents; a destination ending in `/` (or several sources)
//! is a directory; a relative destination is relative to WORKDIR.

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};

use crate::fs::glob::{expand_wildcard, has_wildcard};
use crate::fs::mode::apply_chmod;
use crate::fs::{path, Content, Meta, Node, Tree};

/// One entry to write: where, and what.
#[derive(Clone, Debug)]
pub(crate) struct CopyItem {
    pub dest: String,
    pub node: Node,
}

/// A resolved COPY: the entries to write, the checksums of what was matched,
/// and the classic builder's source label.
#[derive(Clone, Debug, Default)]
pub(crate) struct CopyPlan {
    pub items: Vec<CopyItem>,
    /// Directories to create first (the destination directory).
    pub dirs: Vec<String>,
    /// Matched source path → checksum (content, mode; never times).
    pub files: BTreeMap<String, String>,
    /// `file:<sha>`, `dir:<sha>` or `multi:<sha>`.
    pub label: String,
    pub notes: Vec<crate::build::Note>,
    /// The files came from a stage or image whose files layerlab does not
    /// fully know: the destination may now hold files it does not know of.
    pub source_incomplete: bool,
}

/// The checksum of one entry for the cache key.
pub(crate) fn entry_checksum(node: &Node) -> String {
    let meta = node.meta();
    let body = match node {
        Node::File { content, .. } => crate::fs::hex(&content.digest()),
        Node::Symlink { target, .. } => format!("link:{target}"),
        Node::Dir { .. } => "dir".into(),
    };
    format!("{:o}:{}:{}:{body}", meta.mode, meta.uid, meta.gid)
}

/// Inputs of a COPY already expanded by the builder.
pub(crate) struct CopyRequest<'a> {
    pub keyword: &'a str,
    pub sources: &'a [String],
    pub dest: &'a str,
    pub workdir: &'a str,
    /// Where sources are read from.
    pub source: &'a Tree,
    /// The stage's filesystem (to see whether the destination is a directory).
    pub target: &'a Tree,
    pub owner: Option<(u32, u32)>,
    pub chmod: Option<&'a str>,
    /// Heredoc sources: name → (body, already expanded/chomped).
    pub heredocs: &'a [(String, Vec<u8>)],
    pub from_context: bool,
    /// Whether `source` holds every file it really would: false for an image
    /// (the catalog summarises its files) and for a stage after a command
    /// layerlab could not simulate. A missing source is then noted and
    /// skipped instead of failing the build, since Docker may well find it.
    pub source_complete: bool,
    /// The `--from` reference, for that note.
    pub from: Option<&'a str>,
    pub parents: bool,
    pub exclude: &'a [String],
}

/// Resolves the sources and destination into entries to write.
pub(crate) fn plan_copy(req: &CopyRequest<'_>) -> Result<CopyPlan, String> {
    let mut plan = CopyPlan {
        source_incomplete: !req.source_complete,
        ..CopyPlan::default()
    };
    // Rule: an empty destination means WORKDIR.
    let dest_abs = if req.dest.is_empty() {
        req.workdir.to_owned()
    } else {
        path::join(req.workdir, req.dest)
    };
    let dest_is_dir_syntax = req.dest.is_empty()
        || req.dest.ends_with('/')
        || req.dest == "."
        || req.dest.ends_with("/.");
    let dest_exists_dir = req
        .target
        .get(&req.target.resolve(&dest_abs))
        .is_some_and(Node::is_dir);
    let excludes = crate::build::ignore::IgnoreMatcher::parse(&req.exclude.join("\n"));

    // Collect (source path, node) pairs.
    let mut matched: Vec<(String, Node)> = Vec::new();
    let mut missing = Vec::new();
    for src in req.sources {
        if let Some(name) = src.strip_prefix("<<") {
            let name = name.trim_start_matches('-');
            if let Some((hname, body)) = req.heredocs.iter().find(|(h, _)| h == name) {
                let node = Node::file(Meta::FILE, Content::bytes(body.clone()));
                matched.push((format!("/{hname}"), node));
                continue;
            }
        }
        let is_url =
            src.starts_with("http://") || src.starts_with("https://") || src.starts_with("git@");
        if is_url {
            if req.keyword == "COPY" {
                return Err("source can't be a URL for COPY".into());
            }
            let name = src
                .trim_end_matches('/')
                .rsplit('/')
                .next()
                .unwrap_or("download")
                .to_owned();
            let size = 1_000_000;
            plan.notes.push(crate::build::Note::info(format!(
                "ADD {src}: remote content is not fetched; assumed a {size}-byte file named {name}"
            )));
            matched.push((
                format!("/{name}"),
                Node::file(
                    Meta {
                        mode: 0o600,
                        uid: 0,
                        gid: 0,
                    },
                    Content::sized(src, size),
                ),
            ));
            continue;
        }
        let cleaned = path::clean(&format!("/{src}"));
        if has_wildcard(src) {
            for p in expand_wildcard(req.source, &cleaned) {
                if let Some(node) = req.source.get(&p) {
                    matched.push((p, node.clone()));
                }
            }
        } else {
            match req.source.get(&cleaned) {
                Some(node) => matched.push((cleaned, node.clone())),
                None => missing.push(cleaned),
            }
        }
    }
    if let Some(first) = missing.first() {
        if req.source_complete {
            return Err(format!("failed to compute cache key: failed to calculate checksum of ref: \"{first}\": not found"));
        }
        let from = req.from.unwrap_or("the source");
        plan.notes.push(crate::build::Note::unsimulated(format!(
            "{} is not in {from}'s files as layerlab knows them (a command it could not simulate, or the image's own files, may hold it); copied nothing for it",
            missing.join(", ")
        )));
        if matched.is_empty() {
            plan.label = format!("dir:{}", crate::fs::hex(&Sha256::digest(b"")));
            return Ok(plan);
        }
    }
    if matched.is_empty() {
        return Err(format!(
            "{} failed: no source files were specified",
            req.keyword
        ));
    }
    let many = matched.len() > 1 || req.sources.len() > 1;
    if many && !dest_is_dir_syntax && !dest_exists_dir {
        return Err(format!(
            "When using {} with more than one source file, the destination must be a directory and end with a /",
            req.keyword
        ));
    }
    let into_dir = dest_is_dir_syntax || dest_exists_dir || many;
    let owner = req.owner.unwrap_or((0, 0));
    let mode_for = |meta: Meta, is_dir: bool| -> Result<Meta, String> {
        let mode = match req.chmod {
            Some(c) => apply_chmod(c, meta.mode, is_dir)?,
            None => meta.mode,
        };
        Ok(Meta {
            mode,
            uid: owner.0,
            gid: owner.1,
        })
    };
    if into_dir {
        plan.dirs.push(dest_abs.clone());
    }
    let mut kinds = Vec::new();
    for (src_path, node) in &matched {
        let rel_display = src_path.trim_start_matches('/').to_owned();
        match node {
            Node::Dir { .. } => {
                kinds.push('d');
                let target_root = if req.parents {
                    path::join(&dest_abs, &rel_display)
                } else {
                    dest_abs.clone()
                };
                plan.dirs.push(target_root.clone());
                for (p, child) in req.source.walk(src_path).into_iter().skip(1) {
                    let rel = &p[src_path.len()..].trim_start_matches('/').to_owned();
                    let full_rel = path::join(src_path, rel)[1..].to_owned();
                    if req.from_context && !excludes.is_empty() && excludes.excludes(&full_rel) {
                        continue;
                    }
                    plan.files.insert(full_rel, entry_checksum(child));
                    let meta = mode_for(child.meta(), child.is_dir())?;
                    let mut shallow = child.shallow();
                    shallow.set_meta(meta);
                    plan.items.push(CopyItem {
                        dest: path::join(&target_root, rel),
                        node: shallow,
                    });
                }
            }
            Node::File {
                content: Content::Bytes(bytes),
                ..
            } if req.keyword == "ADD"
                && req.from_context
                && crate::fs::archive::extract(bytes).is_some() =>
            {
                // ADD unpacks a local archive into the destination directory.
                kinds.push('d');
                plan.files.insert(rel_display.clone(), entry_checksum(node));
                plan.dirs.push(dest_abs.clone());
                for (rel, mut entry) in crate::fs::archive::extract(bytes).unwrap_or_default() {
                    // Archive entries keep their own owners unless --chown is given.
                    let mut meta = entry.meta();
                    if let Some(c) = req.chmod {
                        meta.mode = apply_chmod(c, meta.mode, entry.is_dir())?;
                    }
                    if let Some((uid, gid)) = req.owner {
                        meta = Meta { uid, gid, ..meta };
                    }
                    entry.set_meta(meta);
                    plan.items.push(CopyItem {
                        dest: path::join(&dest_abs, &rel),
                        node: entry,
                    });
                }
            }
            _ => {
                kinds.push('f');
                if !excludes.is_empty() && excludes.excludes(&rel_display) {
                    continue;
                }
                plan.files.insert(rel_display.clone(), entry_checksum(node));
                let dest = if req.parents {
                    path::join(&dest_abs, &rel_display)
                } else if into_dir {
                    path::child(&dest_abs, path::base_name(src_path))
                } else {
                    dest_abs.clone()
                };
                let mut placed = node.clone();
                placed.set_meta(mode_for(node.meta(), false)?);
                plan.items.push(CopyItem { dest, node: placed });
            }
        }
    }
    let mut h = Sha256::new();
    for (k, v) in &plan.files {
        h.update(k.as_bytes());
        h.update([0]);
        h.update(v.as_bytes());
        h.update([b'\n']);
    }
    let kind = match kinds.as_slice() {
        ['f'] => "file",
        ['d'] => "dir",
        _ => "multi",
    };
    plan.label = format!("{kind}:{}", crate::fs::hex(&h.finalize()));
    Ok(plan)
}
