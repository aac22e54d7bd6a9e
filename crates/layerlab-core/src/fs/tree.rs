//! The filesystem tree of one snapshot (an image's union view at some layer).
//!
//! Directories hold their children in a persistent ordered map, so cloning a
//! tree is O(1) and changing one file copies only the directories on its path:
//! two snapshots share everything they have in common.

use std::sync::Arc;

use imbl::OrdMap;
use sha2::{Digest, Sha256};

use super::path::{child, components, parent};

/// Permission bits and ownership.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Meta {
    /// Permission bits (`0o755`), without the file type.
    pub mode: u32,
    pub uid: u32,
    pub gid: u32,
}

impl Meta {
    pub const DIR: Meta = Meta {
        mode: 0o755,
        uid: 0,
        gid: 0,
    };
    pub const FILE: Meta = Meta {
        mode: 0o644,
        uid: 0,
        gid: 0,
    };
    pub const EXEC: Meta = Meta {
        mode: 0o755,
        uid: 0,
        gid: 0,
    };
}

/// What a file holds: real bytes, or (for bulk content such as base images and
/// packages, which layerlab does not carry byte for byte) a size and digest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Content {
    Bytes(Arc<[u8]>),
    Sized { size: u64, digest: [u8; 32] },
}

impl Content {
    pub fn bytes(data: impl Into<Arc<[u8]>>) -> Self {
        Content::Bytes(data.into())
    }

    /// Bulk content of `size` bytes, identified by `label` (its digest is the
    /// sha256 of the label and size, so equal labels mean equal content).
    pub fn sized(label: &str, size: u64) -> Self {
        let mut h = Sha256::new();
        h.update(label.as_bytes());
        h.update(size.to_le_bytes());
        Content::Sized {
            size,
            digest: h.finalize().into(),
        }
    }

    pub fn size(&self) -> u64 {
        match self {
            Content::Bytes(b) => b.len() as u64,
            Content::Sized { size, .. } => *size,
        }
    }

    /// sha256 of the content (of the bytes, or the recorded digest).
    pub fn digest(&self) -> [u8; 32] {
        match self {
            Content::Bytes(b) => Sha256::digest(b).into(),
            Content::Sized { digest, .. } => *digest,
        }
    }

    /// The bytes, when the content is held for real.
    pub fn as_bytes(&self) -> Option<&[u8]> {
        match self {
            Content::Bytes(b) => Some(b),
            Content::Sized { .. } => None,
        }
    }
}

/// A directory entry's name. Shared, not copied: changing one file in a
/// directory copies the map's leaf, and with `Arc<str>` keys that copy only
/// bumps reference counts instead of allocating every sibling's name again.
pub type Name = Arc<str>;

/// A directory entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Node {
    File {
        meta: Meta,
        content: Content,
    },
    Dir {
        meta: Meta,
        entries: OrdMap<Name, Node>,
    },
    Symlink {
        meta: Meta,
        target: Arc<str>,
    },
}

impl Node {
    pub fn file(meta: Meta, content: Content) -> Self {
        Node::File { meta, content }
    }

    pub fn empty_dir(meta: Meta) -> Self {
        Node::Dir {
            meta,
            entries: OrdMap::new(),
        }
    }

    pub fn symlink(target: &str) -> Self {
        Node::Symlink {
            meta: Meta {
                mode: 0o777,
                uid: 0,
                gid: 0,
            },
            target: target.into(),
        }
    }

    pub fn meta(&self) -> Meta {
        match self {
            Node::File { meta, .. } | Node::Dir { meta, .. } | Node::Symlink { meta, .. } => *meta,
        }
    }

    pub fn set_meta(&mut self, new: Meta) {
        match self {
            Node::File { meta, .. } | Node::Dir { meta, .. } | Node::Symlink { meta, .. } => {
                *meta = new
            }
        }
    }

    pub fn is_dir(&self) -> bool {
        matches!(self, Node::Dir { .. })
    }

    /// Bytes this entry occupies by itself, as Docker counts layer sizes: a
    /// file's length, a symlink's target length, 0 for a directory.
    pub fn own_size(&self) -> u64 {
        match self {
            Node::File { content, .. } => content.size(),
            Node::Symlink { target, .. } => target.len() as u64,
            Node::Dir { .. } => 0,
        }
    }

    /// The entry without its children (a directory header in a layer).
    pub fn shallow(&self) -> Node {
        match self {
            Node::Dir { meta, .. } => Node::empty_dir(*meta),
            other => other.clone(),
        }
    }

    /// Whether two entries are the same ignoring directory children.
    pub fn same_shallow(&self, other: &Node) -> bool {
        match (self, other) {
            (Node::Dir { meta: a, .. }, Node::Dir { meta: b, .. }) => a == b,
            (a, b) => a == b,
        }
    }
}

/// Errors from tree operations, in the words a learner would see from the shell.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FsError {
    NotFound(String),
    NotADirectory(String),
    IsADirectory(String),
}

impl std::fmt::Display for FsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FsError::NotFound(p) => write!(f, "{p}: no such file or directory"),
            FsError::NotADirectory(p) => write!(f, "{p}: not a directory"),
            FsError::IsADirectory(p) => write!(f, "{p}: is a directory"),
        }
    }
}

impl std::error::Error for FsError {}

/// A whole filesystem: the root directory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tree {
    root: Node,
}

impl Default for Tree {
    fn default() -> Self {
        Tree {
            root: Node::empty_dir(Meta::DIR),
        }
    }
}

impl Tree {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn root(&self) -> &Node {
        &self.root
    }

    /// The entry at a cleaned absolute path (symlinks are not followed).
    pub fn get(&self, path: &str) -> Option<&Node> {
        let mut node = &self.root;
        for comp in components(path) {
            match node {
                Node::Dir { entries, .. } => node = entries.get(comp)?,
                _ => return None,
            }
        }
        Some(node)
    }

    pub fn exists(&self, path: &str) -> bool {
        self.get(path).is_some()
    }

    /// A file's content as text (symlinks followed; invalid UTF-8 replaced);
    /// `None` when it is not a file or its content is not held (a sized file).
    pub fn text(&self, path: &str) -> Option<String> {
        match self.get(&self.resolve(path))? {
            Node::File { content, .. } => {
                Some(String::from_utf8_lossy(content.as_bytes()?).into_owned())
            }
            _ => None,
        }
    }

    /// Resolves symlinks along `path` (at most 40 hops, like Linux), within the tree.
    pub fn resolve(&self, path: &str) -> String {
        let mut path = super::path::clean(path);
        for _ in 0..40 {
            let comps: Vec<&str> = components(&path).collect();
            let mut current = String::from("/");
            let mut redirected = None;
            for (i, comp) in comps.iter().enumerate() {
                let next = child(&current, comp);
                if let Some(Node::Symlink { target, .. }) = self.get(&next) {
                    let target = super::path::join(&current, target);
                    redirected = Some(super::path::join(&target, &comps[i + 1..].join("/")));
                    break;
                }
                current = next;
            }
            match redirected {
                Some(p) => path = p,
                None => return path,
            }
        }
        path
    }

    /// Runs `f` on the directory map at `dir` (copying only that path).
    fn with_dir<T>(
        &mut self,
        dir: &str,
        f: impl FnOnce(&mut OrdMap<Name, Node>) -> Result<T, FsError>,
    ) -> Result<T, FsError> {
        let mut node = &mut self.root;
        for comp in components(dir) {
            node = match node {
                Node::Dir { entries, .. } => entries
                    .get_mut(comp)
                    .ok_or_else(|| FsError::NotFound(dir.to_owned()))?,
                _ => return Err(FsError::NotADirectory(dir.to_owned())),
            };
        }
        match node {
            Node::Dir { entries, .. } => f(entries),
            _ => Err(FsError::NotADirectory(dir.to_owned())),
        }
    }

    /// Puts `node` at `path`, replacing what was there. The parent must exist.
    pub fn insert(&mut self, path: &str, node: Node) -> Result<(), FsError> {
        if path == "/" {
            self.root = node;
            return Ok(());
        }
        let name: Name = super::path::base_name(path).into();
        self.with_dir(parent(path), |entries| {
            entries.insert(name, node);
            Ok(())
        })
    }

    /// Removes the entry at `path`, returning it.
    pub fn remove(&mut self, path: &str) -> Result<Node, FsError> {
        let name = super::path::base_name(path);
        self.with_dir(parent(path), |entries| {
            entries
                .remove(name)
                .ok_or_else(|| FsError::NotFound(path.to_owned()))
        })
    }

    /// Changes the metadata of the entry at `path`.
    pub fn set_meta(&mut self, path: &str, meta: Meta) -> Result<(), FsError> {
        if path == "/" {
            self.root.set_meta(meta);
            return Ok(());
        }
        let name = super::path::base_name(path);
        self.with_dir(parent(path), |entries| {
            let node = entries
                .get_mut(name)
                .ok_or_else(|| FsError::NotFound(path.to_owned()))?;
            node.set_meta(meta);
            Ok(())
        })
    }

    /// `mkdir -p`: creates missing directories with `meta`; existing ones are kept as they are.
    pub fn mkdir_all(&mut self, path: &str, meta: Meta) -> Result<(), FsError> {
        let mut current = String::from("/");
        for comp in components(path) {
            let next = child(&current, comp);
            match self.get(&next) {
                Some(Node::Dir { .. }) => {}
                Some(_) => return Err(FsError::NotADirectory(next)),
                None => self.insert(&next, Node::empty_dir(meta))?,
            }
            current = next;
        }
        Ok(())
    }

    /// Writes a file, creating missing parent directories (root-owned, 0755).
    pub fn write_file(&mut self, path: &str, meta: Meta, content: Content) -> Result<(), FsError> {
        self.mkdir_all(parent(path), Meta::DIR)?;
        if let Some(Node::Dir { .. }) = self.get(path) {
            return Err(FsError::IsADirectory(path.to_owned()));
        }
        self.insert(path, Node::file(meta, content))
    }

    /// Every entry below `path` (itself included), in path order, as (path, node).
    pub fn walk(&self, path: &str) -> Vec<(String, &Node)> {
        let mut out = Vec::new();
        if let Some(node) = self.get(path) {
            walk_into(path, node, &mut out);
        }
        out
    }

    /// Total bytes of every file and symlink in the tree.
    pub fn total_size(&self) -> u64 {
        self.walk("/").iter().map(|(_, n)| n.own_size()).sum()
    }

    /// Number of entries (files, directories, symlinks; the root not counted).
    pub fn len(&self) -> usize {
        self.walk("/").len() - 1
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

fn walk_into<'a>(path: &str, node: &'a Node, out: &mut Vec<(String, &'a Node)>) {
    out.push((path.to_owned(), node));
    if let Node::Dir { entries, .. } = node {
        for (name, child_node) in entries {
            walk_into(&child(path, name), child_node, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insert_get_remove() {
        let mut t = Tree::new();
        t.write_file(
            "/etc/os-release",
            Meta::FILE,
            Content::bytes(&b"ID=alpine\n"[..]),
        )
        .unwrap();
        assert!(t.get("/etc").unwrap().is_dir());
        assert_eq!(t.get("/etc/os-release").unwrap().own_size(), 10);
        assert_eq!(t.total_size(), 10);
        assert_eq!(t.remove("/etc/os-release").unwrap().own_size(), 10);
        assert!(t.get("/etc/os-release").is_none());
        assert_eq!(t.remove("/nope"), Err(FsError::NotFound("/nope".into())));
    }

    #[test]
    fn snapshots_share_structure() {
        let mut base = Tree::new();
        for i in 0..100 {
            base.write_file(
                &format!("/usr/lib/f{i}"),
                Meta::FILE,
                Content::sized("f", 10),
            )
            .unwrap();
        }
        let mut next = base.clone();
        next.write_file("/app/app.py", Meta::FILE, Content::bytes(&b"print()"[..]))
            .unwrap();
        // /usr is untouched in `next`, so both trees hold the very same map.
        match (base.get("/usr"), next.get("/usr")) {
            (Some(Node::Dir { entries: a, .. }), Some(Node::Dir { entries: b, .. })) => {
                assert!(a.ptr_eq(b))
            }
            _ => panic!("missing /usr"),
        }
        assert_eq!(base.len() + 2, next.len());
    }

    #[test]
    fn symlinks_resolve() {
        let mut t = Tree::new();
        t.mkdir_all("/usr/bin", Meta::DIR).unwrap();
        t.insert("/bin", Node::symlink("usr/bin")).unwrap();
        assert_eq!(t.resolve("/bin/sh"), "/usr/bin/sh");
        assert_eq!(t.get("/bin").unwrap().own_size(), 7);
    }
}
