//! Tar archives (plain or gzip-compressed) unpacked into entries: ADD
//! unpacks a local archive into its destination instead of copying it, and
//! RUN's `tar -x` unpacks one whose bytes are known.
//!
//! Reads ustar/GNU/pax tar headers: regular files, directories, symlinks and
//! hard links (copied), with pax and GNU long names.

use crate::fs::{Content, Meta, Node};

/// An unpacked entry: its relative path and node.
pub(crate) type Entry = (String, Node);

/// Unpacks `bytes` if it is a tar or a gzip-compressed tar; `None` otherwise.
pub(crate) fn extract(bytes: &[u8]) -> Option<Vec<Entry>> {
    if bytes.starts_with(&[0x1f, 0x8b]) {
        let out = crate::gzip::decompress(bytes, 1 << 30).ok()?;
        return read_tar(&out);
    }
    read_tar(bytes)
}

fn octal(field: &[u8]) -> u64 {
    let text: String = field
        .iter()
        .take_while(|b| **b != 0)
        .map(|b| *b as char)
        .collect();
    u64::from_str_radix(text.trim(), 8).unwrap_or(0)
}

fn text(field: &[u8]) -> String {
    let end = field.iter().position(|b| *b == 0).unwrap_or(field.len());
    String::from_utf8_lossy(&field[..end]).into_owned()
}

fn read_tar(bytes: &[u8]) -> Option<Vec<Entry>> {
    if bytes.len() < 512 || &bytes[257..262] != b"ustar" {
        return None;
    }
    let mut entries: Vec<Entry> = Vec::new();
    let mut pos = 0;
    let mut long_name: Option<String> = None;
    while pos + 512 <= bytes.len() {
        let h = &bytes[pos..pos + 512];
        if h.iter().all(|b| *b == 0) {
            break;
        }
        let size = octal(&h[124..136]) as usize;
        let data_start = pos + 512;
        let data = bytes.get(data_start..data_start + size)?;
        pos = data_start + size.div_ceil(512) * 512;
        let kind = h[156];
        let prefix = text(&h[345..500]);
        let name = long_name.take().unwrap_or_else(|| {
            let n = text(&h[0..100]);
            if prefix.is_empty() {
                n
            } else {
                format!("{prefix}/{n}")
            }
        });
        let meta = Meta {
            mode: octal(&h[100..108]) as u32 & 0o7777,
            uid: octal(&h[108..116]) as u32,
            gid: octal(&h[116..124]) as u32,
        };
        let path = name
            .trim_start_matches("./")
            .trim_end_matches('/')
            .to_owned();
        match kind {
            b'L' => long_name = Some(text(data)),
            b'x' => {
                // pax: `len key=value\n` records; only `path` matters here.
                let records = String::from_utf8_lossy(data);
                long_name = records.lines().find_map(|r| {
                    r.split_once(' ')
                        .and_then(|(_, kv)| kv.strip_prefix("path="))
                        .map(str::to_owned)
                });
            }
            b'g' => {}
            _ if path.is_empty() => {}
            b'5' => entries.push((path, Node::empty_dir(meta))),
            b'2' => entries.push((
                path,
                Node::Symlink {
                    meta,
                    target: text(&h[157..257]).into(),
                },
            )),
            b'1' => {
                let target = text(&h[157..257]);
                let target = target.trim_start_matches("./");
                if let Some((_, node)) = entries.iter().find(|(p, _)| p == target).cloned() {
                    entries.push((path, node));
                }
            }
            _ => entries.push((path, Node::file(meta, Content::bytes(data.to_vec())))),
        }
    }
    Some(entries)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Builds a small ustar archive: (path, type, body).
    pub fn tar(entries: &[(&str, u8, &[u8])]) -> Vec<u8> {
        let mut out = Vec::new();
        for (name, kind, body) in entries {
            let mut h = [0u8; 512];
            h[..name.len()].copy_from_slice(name.as_bytes());
            h[100..107].copy_from_slice(b"0000644");
            h[108..115].copy_from_slice(b"0000000");
            h[116..123].copy_from_slice(b"0000000");
            h[124..135].copy_from_slice(format!("{:011o}", body.len()).as_bytes());
            h[156] = *kind;
            h[257..263].copy_from_slice(b"ustar\0");
            out.extend_from_slice(&h);
            out.extend_from_slice(body);
            out.resize(out.len().div_ceil(512) * 512, 0);
        }
        out.extend_from_slice(&[0u8; 1024]);
        out
    }

    #[test]
    fn reads_plain_and_gzipped_tars() {
        let archive = tar(&[("dir/", b'5', b""), ("dir/a.txt", b'0', b"hello")]);
        let entries = extract(&archive).unwrap();
        assert_eq!(
            entries.iter().map(|(p, _)| p.as_str()).collect::<Vec<_>>(),
            ["dir", "dir/a.txt"]
        );
        assert_eq!(entries[1].1.own_size(), 5);
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut gz, &archive).unwrap();
        assert_eq!(extract(&gz.finish().unwrap()).unwrap().len(), 2);
        assert!(extract(b"just text").is_none());
    }
}
