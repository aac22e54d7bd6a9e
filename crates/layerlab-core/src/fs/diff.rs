//! Layers as diffs between snapshots, in the OCI image-layer model.
//!
//! A [`LayerDiff`] holds, per path, what the layer's tar would hold: an entry
//! that is added or replaced (a directory entry carries only its metadata), a
//! whiteout (`.wh.name`: the path is deleted), or an opaque directory
//! (`.wh..wh..opq`: everything the lower layers had in it is hidden).
//! [`diff`] computes the layer between two trees, skipping shared subtrees in
//! O(1); [`LayerDiff::apply`] stacks a layer on a tree. Applying `diff(a, b)` to
//! `a` gives `b`.

use std::collections::BTreeMap;

use imbl::ordmap::DiffItem;
use sha2::{Digest, Sha256};

use super::path::child;
use super::tree::{Meta, Node, Tree};

/// One entry of a layer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// The entry at this path, added or replaced (a directory without children).
    Put(Node),
    /// `.wh.<name>`: the path was deleted.
    Whiteout,
    /// `.wh..wh..opq`: a directory whose lower contents are hidden, with its metadata.
    Opaque(Meta),
}

/// How `docker diff` labels a path.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum DiffKind {
    #[serde(rename = "A")]
    Added,
    #[serde(rename = "C")]
    Changed,
    #[serde(rename = "D")]
    Deleted,
}

impl DiffKind {
    pub fn letter(self) -> char {
        match self {
            DiffKind::Added => 'A',
            DiffKind::Changed => 'C',
            DiffKind::Deleted => 'D',
        }
    }
}

/// A layer: its entries by path, in path order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LayerDiff {
    pub changes: BTreeMap<String, Change>,
}

/// The layer that turns `lower` into `upper`.
pub fn diff(lower: &Tree, upper: &Tree) -> LayerDiff {
    let mut out = LayerDiff::default();
    diff_nodes("/", Some(lower.root()), upper.root(), &mut out);
    out
}

fn put_all(path: &str, node: &Node, out: &mut LayerDiff) {
    out.changes
        .insert(path.to_owned(), Change::Put(node.shallow()));
    if let Node::Dir { entries, .. } = node {
        for (name, c) in entries {
            put_all(&child(path, name), c, out);
        }
    }
}

fn diff_nodes(path: &str, lower: Option<&Node>, upper: &Node, out: &mut LayerDiff) {
    match (lower, upper) {
        (
            Some(Node::Dir {
                meta: lm,
                entries: le,
            }),
            Node::Dir {
                meta: um,
                entries: ue,
            },
        ) => {
            if le.ptr_eq(ue) && lm == um {
                return;
            }
            // imbl's diff skips subtrees the two maps share.
            let changes: Vec<_> = le.diff(ue).collect();
            let removed = changes
                .iter()
                .filter(|c| matches!(c, DiffItem::Remove(..)))
                .count();
            if removed == le.len() && !le.is_empty() && !ue.is_empty() {
                // Nothing of the lower directory survives and new entries appear:
                // the directory was replaced. One opaque marker
                // instead of a whiteout per child (what overlayfs records when
                // a directory is removed and recreated).
                out.changes.insert(path.to_owned(), Change::Opaque(*um));
                for (name, c) in ue {
                    put_all(&child(path, name), c, out);
                }
                return;
            }
            if lm != um {
                out.changes
                    .insert(path.to_owned(), Change::Put(Node::empty_dir(*um)));
            }
            for change in changes {
                match change {
                    DiffItem::Remove(name, _) => {
                        out.changes.insert(child(path, name), Change::Whiteout);
                    }
                    DiffItem::Add(name, c) => put_all(&child(path, name), c, out),
                    DiffItem::Update {
                        old: (_, l),
                        new: (name, u),
                    } => diff_nodes(&child(path, name), Some(l), u, out),
                }
            }
        }
        (Some(l), u) if l == u => {}
        (_, u) => put_all(path, u, out),
    }
}

impl LayerDiff {
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// Stacks this layer on `tree`.
    pub fn apply(&self, tree: &mut Tree) {
        for (path, change) in &self.changes {
            // Entries come in path order, so parents are always placed first.
            let result = match change {
                Change::Whiteout => tree.remove(path).map(|_| ()),
                Change::Opaque(meta) => tree.insert(path, Node::empty_dir(*meta)),
                Change::Put(Node::Dir { meta, .. }) => match tree.get(path) {
                    Some(Node::Dir { .. }) => tree.set_meta(path, *meta),
                    _ => tree.insert(path, Node::empty_dir(*meta)),
                },
                Change::Put(node) => tree.insert(path, node.clone()),
            };
            // A well-formed layer never fails here; a stray whiteout is harmless.
            debug_assert!(
                result.is_ok() || matches!(change, Change::Whiteout),
                "{path}: {result:?}"
            );
        }
    }

    /// The layer's size as Docker reports it: bytes of the files (and symlink
    /// targets) it adds or replaces; deletions count 0.
    pub fn size(&self) -> u64 {
        self.changes
            .values()
            .map(|c| match c {
                Change::Put(node) => node.own_size(),
                _ => 0,
            })
            .sum()
    }

    /// sha256 over a canonical serialization of the entries (path order; kind,
    /// mode, owner, size and content digest of each). Equal layers, equal digests.
    pub fn digest(&self) -> String {
        let mut h = Sha256::new();
        for (path, change) in &self.changes {
            h.update(path.as_bytes());
            h.update([0]);
            match change {
                Change::Whiteout => h.update(b"whiteout"),
                Change::Opaque(meta) => {
                    h.update(b"opaque");
                    hash_meta(&mut h, meta);
                }
                Change::Put(node) => {
                    hash_meta(&mut h, &node.meta());
                    match node {
                        Node::Dir { .. } => h.update(b"dir"),
                        Node::Symlink { target, .. } => {
                            h.update(b"symlink");
                            h.update(target.as_bytes());
                        }
                        Node::File { content, .. } => {
                            h.update(b"file");
                            h.update(content.size().to_le_bytes());
                            h.update(content.digest());
                        }
                    }
                }
            }
            h.update([b'\n']);
        }
        format!("sha256:{}", hex(&h.finalize()))
    }

    /// Paths and labels as `docker diff` lists them, comparing against `lower`
    /// (the tree this layer is applied on): new paths are A, replaced ones C,
    /// whiteouts D, and every existing directory above a change is C.
    pub fn docker_diff(&self, lower: &Tree) -> Vec<(String, DiffKind)> {
        let mut out: BTreeMap<String, DiffKind> = BTreeMap::new();
        for (path, change) in &self.changes {
            let kind = match change {
                Change::Whiteout => DiffKind::Deleted,
                _ if lower.exists(path) => DiffKind::Changed,
                _ => DiffKind::Added,
            };
            out.insert(path.clone(), kind);
            let mut dir = super::path::parent(path);
            while dir != "/" {
                if lower.exists(dir) {
                    out.entry(dir.to_owned()).or_insert(DiffKind::Changed);
                }
                dir = super::path::parent(dir);
            }
        }
        out.into_iter().filter(|(p, _)| p != "/").collect()
    }
}

fn hash_meta(h: &mut Sha256, meta: &Meta) {
    h.update(meta.mode.to_le_bytes());
    h.update(meta.uid.to_le_bytes());
    h.update(meta.gid.to_le_bytes());
}

/// Lowercase hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::tree::Content;
    use super::*;

    fn file(t: &mut Tree, path: &str, body: &str) {
        t.write_file(path, Meta::FILE, Content::bytes(body.as_bytes()))
            .unwrap();
    }

    #[test]
    fn added_changed_deleted() {
        let mut a = Tree::new();
        file(&mut a, "/etc/a", "1");
        file(&mut a, "/etc/b", "22");
        let mut b = a.clone();
        file(&mut b, "/etc/a", "one");
        b.remove("/etc/b").unwrap();
        file(&mut b, "/app/x.py", "print()");
        let d = diff(&a, &b);
        let kinds: Vec<_> = d
            .docker_diff(&a)
            .into_iter()
            .map(|(p, k)| format!("{} {p}", k.letter()))
            .collect();
        assert_eq!(
            kinds,
            ["A /app", "A /app/x.py", "C /etc", "C /etc/a", "D /etc/b"]
        );
        assert_eq!(d.size(), 3 + 7);
        let mut applied = a.clone();
        d.apply(&mut applied);
        assert_eq!(applied, b);
    }

    #[test]
    fn deleting_in_a_later_layer_does_not_shrink_earlier_ones() {
        let mut a = Tree::new();
        let mut b = a.clone();
        file(&mut b, "/tmp/big", &"x".repeat(1000));
        let mut c = b.clone();
        c.remove("/tmp/big").unwrap();
        assert_eq!(diff(&a, &b).size(), 1000);
        assert_eq!(diff(&b, &c).size(), 0);
        assert_eq!(
            diff(&b, &c).changes.get("/tmp/big"),
            Some(&Change::Whiteout)
        );
        a = c;
        assert!(a.get("/tmp/big").is_none());
    }

    #[test]
    fn recreated_directory_is_opaque() {
        let mut a = Tree::new();
        file(&mut a, "/var/cache/x", "1");
        file(&mut a, "/var/cache/y", "2");
        let mut b = a.clone();
        b.remove("/var/cache").unwrap();
        b.mkdir_all("/var/cache", Meta::DIR).unwrap();
        file(&mut b, "/var/cache/z", "3");
        let d = diff(&a, &b);
        assert_eq!(
            d.changes.get("/var/cache"),
            Some(&Change::Opaque(Meta::DIR))
        );
        let mut applied = a.clone();
        d.apply(&mut applied);
        assert_eq!(applied, b);
    }

    #[test]
    fn digests_are_deterministic_and_content_sensitive() {
        let a = Tree::new();
        let mut b = a.clone();
        file(&mut b, "/f", "x");
        let mut c = a.clone();
        file(&mut c, "/f", "y");
        assert_eq!(diff(&a, &b).digest(), diff(&a, &b.clone()).digest());
        assert_ne!(diff(&a, &b).digest(), diff(&a, &c).digest());
        assert!(diff(&a, &b).digest().starts_with("sha256:"));
    }
}
