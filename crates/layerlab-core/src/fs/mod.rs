//! The layered filesystem: snapshots ([`Tree`]), layers as OCI-style diffs
//! ([`LayerDiff`]: added/replaced entries, whiteouts, opaque directories), the
//! union of a stack of layers, sizes and digests.
//!
//! ```
//! use layerlab_core::fs::{diff, Content, LayerDiff, Meta, Tree};
//! let base = Tree::new();
//! let mut next = base.clone();
//! next.write_file("/app/app.py", Meta::FILE, Content::bytes(&b"print('hi')\n"[..])).unwrap();
//! let layer = diff(&base, &next);
//! assert_eq!(layer.size(), 12);
//! let mut union = base.clone();
//! layer.apply(&mut union);
//! assert_eq!(union, next);
//! ```

pub(crate) mod archive;
mod diff;
pub mod glob;
pub mod mode;
pub mod path;
mod tree;

pub use diff::{diff, hex, Change, DiffKind, LayerDiff};
pub use tree::{Content, FsError, Meta, Node, Tree};

/// The union view of a stack of layers, bottom first.
pub fn union<'a>(layers: impl IntoIterator<Item = &'a LayerDiff>) -> Tree {
    let mut tree = Tree::new();
    for layer in layers {
        layer.apply(&mut tree);
    }
    tree
}

#[cfg(test)]
mod proptests;
