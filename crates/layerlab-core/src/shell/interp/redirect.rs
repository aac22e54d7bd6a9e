//! Redirections to files: `>` and `>>` write into the tree as `sh` would
//! (no missing directories created), and a script appending line by line
//! writes its file once, from a buffer, instead of copying it each time.

use crate::build::Note;
use crate::fs::{path, Node};

use super::Interp;

/// Content appended by `>>` not yet written to the tree.
pub(super) struct Appending {
    pub(super) path: String,
    pub(super) data: Vec<u8>,
    pub(super) dirty: bool,
}

impl Interp<'_> {
    pub(super) fn write_output(&mut self, target: &str, text: &str, append: bool) {
        let p = self.abs(target);
        // `>>` again to the file being appended to: extend the buffer only.
        if let (true, Some(pending)) = (append, self.appending.as_mut()) {
            if pending.path == p {
                let len = pending.data.len() + text.len();
                if self.fits(len) {
                    if let Some(pending) = self.appending.as_mut() {
                        pending.data.extend_from_slice(text.as_bytes());
                        pending.dirty = true;
                    }
                }
                return;
            }
        }
        self.flush_appends();
        // Unlike `Tree::write_file`, a shell does not create missing directories
        // (unless the image's files are not fully known: then assume it exists).
        if !matches!(self.tree.get(path::parent(&p)), Some(Node::Dir { .. })) {
            let message = format!("/bin/sh: 1: cannot create {target}: Directory nonexistent");
            if self.strict_path {
                self.output.push(message);
                self.status = 2;
                return;
            }
            self.notes.push(Note::unsimulated(format!(
                "{message}; the image's files are not fully known, assumed to exist"
            )));
        }
        let mut data = Vec::new();
        if append {
            if let Some(Node::File { content, .. }) = self.tree.get(&p) {
                let old = content.as_bytes().unwrap_or_default().to_vec();
                if !self.fits(old.len() + text.len()) {
                    return;
                }
                data = old;
            }
        }
        data.extend_from_slice(text.as_bytes());
        let meta = self
            .tree
            .get(&p)
            .map(Node::meta)
            .unwrap_or(crate::fs::Meta::FILE);
        if self
            .tree
            .write_file(&p, meta, crate::fs::Content::bytes(data.clone()))
            .is_err()
        {
            self.output.push(format!(
                "/bin/sh: 1: cannot create {target}: Directory nonexistent"
            ));
            self.status = 2;
        } else if append {
            self.appending = Some(Appending {
                path: p,
                data,
                dirty: false,
            });
        }
    }

    /// Writes what `>>` appended since the last flush into the tree. Called
    /// before any command that could read or change files.
    pub(crate) fn flush_appends(&mut self) {
        if let Some(pending) = self.appending.take() {
            if pending.dirty {
                let meta = self
                    .tree
                    .get(&pending.path)
                    .map(Node::meta)
                    .unwrap_or(crate::fs::Meta::FILE);
                let _ = self.tree.write_file(
                    &pending.path,
                    meta,
                    crate::fs::Content::bytes(pending.data),
                );
            }
        }
    }
}
