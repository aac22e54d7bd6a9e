//! Where an installed package's bulk content goes in an image's filesystem.
//!
//! layerlab does not carry packages file by file. Debian's Contents index says
//! in which directories a package's files are (the package data keeps, per
//! package, the directories holding most of its files, with file counts), so
//! its size is shared out over those real directories as one block each:
//! `/usr/lib/x86_64-linux-gnu/libssl3.files`, `/usr/share/doc/libssl3.files`.
//! `rm -rf /usr/share/doc/*` then removes what it would remove in Docker.
//! The indices give no per-file sizes, so the shares are an estimate: by file
//! count, with documentation-like directories (small text files) counted at a
//! tenth. A package without directory data (apk's, or a meta package) is one
//! block under [`PACKAGE_BULK`].

/// A package's directories (without leading `/`) with their file counts.
pub type Dirs = [(String, u32)];

/// Where a package without directory data is kept, one block per package.
pub const PACKAGE_BULK: &str = "/usr/share/layerlab-packages";

/// Directories of small files: each of their files weighs a tenth of another.
const SMALL_FILE_DIRS: [&str; 9] = [
    "usr/share/doc",
    "usr/share/man",
    "usr/share/info",
    "usr/share/lintian",
    "usr/share/bug",
    "usr/share/menu",
    "usr/share/binfmts",
    "usr/share/doc-base",
    "usr/share/bash-completion",
];

/// The blocks `(path, bytes)` holding `size` bytes of package `name`, whose
/// files are spread over `dirs` (directory without leading `/`, file count).
/// The sizes add up to `size` exactly.
pub fn blocks(name: &str, dirs: &Dirs, size: u64) -> Vec<(String, u64)> {
    let weight = |(dir, count): &(String, u32)| -> u64 {
        let per_file = if SMALL_FILE_DIRS.contains(&dir.as_str()) {
            1
        } else {
            10
        };
        u64::from(*count) * per_file
    };
    let total: u64 = dirs.iter().map(weight).sum();
    if total == 0 {
        return vec![(format!("{PACKAGE_BULK}/{name}"), size)];
    }
    let mut left = size;
    let mut out = Vec::with_capacity(dirs.len());
    for (i, d) in dirs.iter().enumerate() {
        let share = if i + 1 == dirs.len() {
            left
        } else {
            (u128::from(size) * u128::from(weight(d)) / u128::from(total)) as u64
        };
        left -= share.min(left);
        out.push((format!("/{}/{name}.files", d.0), share));
    }
    out
}

/// Parses the package data's `dirs` column: `usr/lib/x86_64-linux-gnu:12;usr/share/doc:3`.
pub fn parse_dirs(field: &str) -> Vec<(String, u32)> {
    field
        .split(';')
        .filter_map(|part| {
            let (dir, count) = part.rsplit_once(':')?;
            let dir = dir.trim_matches('/');
            // Only plain relative paths: no `..`, nothing empty.
            if dir.is_empty()
                || dir
                    .split('/')
                    .any(|c| c.is_empty() || c == "." || c == "..")
            {
                return None;
            }
            Some((dir.to_owned(), count.parse().ok()?))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_follow_file_counts_with_docs_at_a_tenth() {
        let dirs = parse_dirs("usr/lib/python2.7:9;usr/share/doc:10");
        let b = blocks("python-pip", &dirs, 1_000_000);
        assert_eq!(
            b,
            vec![
                ("/usr/lib/python2.7/python-pip.files".to_owned(), 900_000),
                ("/usr/share/doc/python-pip.files".to_owned(), 100_000),
            ]
        );
        assert_eq!(b.iter().map(|(_, s)| s).sum::<u64>(), 1_000_000);
    }

    #[test]
    fn without_directories_one_block() {
        assert_eq!(
            blocks("musl", &[], 5),
            vec![("/usr/share/layerlab-packages/musl".to_owned(), 5)]
        );
        assert!(parse_dirs("").is_empty());
        assert!(parse_dirs("../etc:3;usr//x:1;usr/bin:x").is_empty());
    }
}
