//! Reading gzip data (RFC 1952): the Debian package data files and the
//! `.tar.gz` archives ADD unpacks. One member is read: the header's optional
//! fields are skipped, the deflate body is inflated by `miniz_oxide`, and the
//! trailer's CRC-32 and length are checked.
//!
//! Why not flate2's `GzDecoder`: it brings crc32fast, whose 16 KiB
//! slice-by-16 table and wrappers cost the playground's download about as
//! much as this whole module does not. The CRC here is the classic
//! byte-at-a-time one with a 1 KiB table built at compile time.

/// gzip's header flags (RFC 1952, section 2.3.1).
const FHCRC: u8 = 0x02;
const FEXTRA: u8 = 0x04;
const FNAME: u8 = 0x08;
const FCOMMENT: u8 = 0x10;

/// Inflates one gzip member of at most `limit` bytes.
pub fn decompress(bytes: &[u8], limit: usize) -> Result<Vec<u8>, String> {
    let bad = || "not gzip data (bad header)".to_owned();
    if bytes.len() < 18 || bytes[..3] != [0x1f, 0x8b, 8] {
        return Err(bad());
    }
    let flags = bytes[3];
    let mut pos = 10;
    if flags & FEXTRA != 0 {
        let len = bytes.get(pos..pos + 2).ok_or_else(bad)?;
        pos += 2 + usize::from(u16::from_le_bytes([len[0], len[1]]));
    }
    for flag in [FNAME, FCOMMENT] {
        if flags & flag != 0 {
            let end = bytes
                .get(pos..)
                .and_then(|rest| rest.iter().position(|b| *b == 0));
            pos += end.ok_or_else(bad)? + 1;
        }
    }
    if flags & FHCRC != 0 {
        pos += 2;
    }
    let trailer = bytes.len() - 8;
    if pos > trailer {
        return Err(bad());
    }
    let out = miniz_oxide::inflate::decompress_to_vec_with_limit(&bytes[pos..trailer], limit)
        .map_err(|e| format!("corrupt gzip data ({:?})", e.status))?;
    let word = |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap_or_default());
    if crc32(&out) != word(trailer) || out.len() as u32 != word(trailer + 4) {
        return Err("corrupt gzip data (checksum mismatch)".into());
    }
    Ok(out)
}

/// CRC-32 (IEEE 802.3, reflected, as gzip uses it).
pub fn crc32(data: &[u8]) -> u32 {
    !data.iter().fold(!0u32, |crc, b| {
        CRC_TABLE[usize::from((crc as u8) ^ b)] ^ (crc >> 8)
    })
}

const CRC_TABLE: [u32; 256] = crc_table();

const fn crc_table() -> [u32; 256] {
    let mut table = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        let mut c = i as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 != 0 {
                0xedb8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
            k += 1;
        }
        table[i] = c;
        i += 1;
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn gz(data: &[u8], name: Option<&str>) -> Vec<u8> {
        let mut b = flate2::GzBuilder::new();
        if let Some(n) = name {
            b = b.filename(n).comment("c").extra(vec![1, 2, 3]);
        }
        let mut w = b.write(Vec::new(), flate2::Compression::default());
        w.write_all(data).unwrap();
        w.finish().unwrap()
    }

    #[test]
    fn reads_what_flate2_writes() {
        let data = b"hello, layers\n".repeat(1000);
        assert_eq!(decompress(&gz(&data, None), 1 << 20).unwrap(), data);
        assert_eq!(
            decompress(&gz(&data, Some("x.tsv")), 1 << 20).unwrap(),
            data
        );
        assert_eq!(crc32(b"123456789"), 0xcbf4_3926);
    }

    #[test]
    fn damage_and_limits_are_errors() {
        let data = b"abc".repeat(100);
        let mut g = gz(&data, None);
        assert!(decompress(&g, 10).is_err());
        let n = g.len();
        g[n - 6] ^= 1;
        assert!(decompress(&g, 1 << 20).unwrap_err().contains("checksum"));
        assert!(decompress(b"plain text, not gzip", 1 << 20).is_err());
        assert!(decompress(&[0x1f, 0x8b, 8, FNAME, 0, 0, 0, 0, 0, 0, b'a', b'b'], 100).is_err());
    }
}
