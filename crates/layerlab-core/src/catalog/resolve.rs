//! Which catalog entry a `FROM` reference means, the way Docker Hub's tags
//! work: an exact tag; a version alias (`python:3`, `3.12`), a keyword that
//! moves (`latest`, `lts`) or a variant (`-slim`, `-alpine3.20`, `-jre`) as of
//! the catalog date; else the nearest entry of the same image, with a note
//! naming both. Pure functions over the index rows.

use super::CatalogEntry;

/// How a reference was matched.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Match {
    /// The tag itself is in the catalog.
    Exact,
    /// The tag is an alias of the entry's release as of the date (`python:3`,
    /// `ubuntu:latest` in 2017): what Docker would have pulled.
    Alias,
    /// The catalog lacks the tag; the entry stands in for it (why).
    StandIn(String),
}

/// Keywords whose meaning moves with time.
const MOVING: [&str; 5] = ["latest", "lts", "stable", "mainline", "current"];

/// Debian and Ubuntu code names (and the distribution bases other images name).
const CODENAMES: [&str; 22] = [
    "jessie",
    "stretch",
    "buster",
    "bullseye",
    "bookworm",
    "trixie",
    "forky",
    "trusty",
    "xenial",
    "bionic",
    "focal",
    "jammy",
    "lunar",
    "mantic",
    "noble",
    "oracular",
    "plucky",
    "questing",
    "resolute",
    "al2023",
    "oraclelinux8",
    "oraclelinux9",
];

/// Release dates (`YYYY-MM`) of versions whose dates are public facts, so a
/// moving tag can be followed back in time. Ubuntu's are in its numbers.
const RELEASED: &[(&str, &str, &str)] = &[
    ("debian", "9", "2017-06"),
    ("debian", "10", "2019-07"),
    ("debian", "11", "2021-08"),
    ("debian", "12", "2023-06"),
    ("debian", "13", "2025-08"),
    ("python", "2.7", "2010-07"),
    ("python", "3.6", "2016-12"),
    ("python", "3.7", "2018-06"),
    ("python", "3.8", "2019-10"),
    ("python", "3.9", "2020-10"),
    ("python", "3.10", "2021-10"),
    ("python", "3.11", "2022-10"),
    ("python", "3.12", "2023-10"),
    ("python", "3.13", "2024-10"),
    ("python", "3.14", "2025-10"),
    ("golang", "1.19", "2022-08"),
    ("golang", "1.20", "2023-02"),
    ("golang", "1.21", "2023-08"),
    ("golang", "1.22", "2024-02"),
    ("golang", "1.23", "2024-08"),
    ("golang", "1.24", "2025-02"),
    ("golang", "1.25", "2025-08"),
    ("golang", "1.26", "2026-02"),
    ("golang", "1.27", "2026-08"),
    ("node", "14", "2020-04"),
    ("node", "16", "2021-04"),
    ("node", "18", "2022-04"),
    ("node", "20", "2023-04"),
    ("node", "22", "2024-04"),
    ("node", "24", "2025-05"),
    ("node", "26", "2026-04"),
    ("alpine", "3.10", "2019-06"),
    ("alpine", "3.11", "2019-12"),
    ("alpine", "3.12", "2020-05"),
    ("alpine", "3.13", "2021-01"),
    ("alpine", "3.14", "2021-06"),
    ("alpine", "3.15", "2021-11"),
    ("alpine", "3.16", "2022-05"),
    ("alpine", "3.17", "2022-11"),
    ("alpine", "3.18", "2023-05"),
    ("alpine", "3.19", "2023-12"),
    ("alpine", "3.20", "2024-05"),
    ("alpine", "3.21", "2024-12"),
    ("alpine", "3.22", "2025-05"),
];

/// A tag taken apart: its version numbers and its variant.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TagParts {
    /// Leading version numbers (`3.12.4` → [3, 12, 4]); empty for a keyword.
    pub version: Vec<u64>,
    /// The keyword (`latest`, `lts`, a code name), when the tag is one.
    pub keyword: Option<String>,
    /// Variant words other than the distribution (`slim`, `jre`, `fpm`).
    pub flavor: Vec<String>,
    /// Alpine-based, and which branch when named (`alpine3.20`).
    pub alpine: Option<Option<String>>,
    /// The distribution release named (`bookworm`).
    pub codename: Option<String>,
}

/// Splits a tag (or a scan's resolved tag) into its parts.
pub fn tag_parts(tag: &str) -> TagParts {
    let mut parts = TagParts::default();
    // Words after the version: `3.12.13-slim-trixie`, `21.0.11_10-jre-resolute`.
    let mut words: Vec<&str> = tag.split('-').collect();
    let first = words.remove(0);
    let digits: String = first
        .trim_start_matches('v')
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    if !digits.is_empty() && first.starts_with(|c: char| c.is_ascii_digit() || c == 'v') {
        parts.version = digits
            .split('.')
            .filter(|s| !s.is_empty())
            .filter_map(|s| s.parse().ok())
            .collect();
        // `8u492`, `17.0.20_8`: the rest of the word is build detail.
    } else {
        words.insert(0, first);
    }
    let mut i = 0;
    while i < words.len() {
        let w = words[i].to_ascii_lowercase();
        if let Some(branch) = w.strip_prefix("alpine") {
            let mut branch = branch.to_owned();
            // `alpine-3.24` (eclipse-temurin's spelling)
            if branch.is_empty() {
                if let Some(next) = words.get(i + 1) {
                    if next.chars().next().is_some_and(|c| c.is_ascii_digit()) && next.contains('.')
                    {
                        branch = (*next).to_owned();
                        i += 1;
                    }
                }
            }
            parts.alpine = Some((!branch.is_empty()).then_some(branch));
        } else if CODENAMES.contains(&w.as_str()) {
            parts.codename = Some(w);
        } else if parts.version.is_empty() && parts.keyword.is_none() && i == 0 {
            parts.keyword = Some(w);
        } else if w != "jdk" && !w.is_empty() {
            // jdk is the default of the Java images (`21` is `21-jdk`).
            parts.flavor.push(w);
        }
        i += 1;
    }
    // A keyword that is a code name (`ubuntu:jammy`, `debian:bookworm-slim`).
    if let Some(k) = &parts.keyword {
        if CODENAMES.contains(&k.as_str()) {
            parts.codename = parts.keyword.take();
        }
    }
    parts.flavor.sort();
    parts
}

/// An entry's parts: its tag's, plus what its resolved name adds (the full
/// version, the distribution release, the Alpine branch).
pub fn entry_parts(entry: &CatalogEntry) -> TagParts {
    let mut parts = tag_parts(&entry.tag);
    let resolved = entry
        .resolved
        .split_once(':')
        .map_or(entry.resolved.as_str(), |(_, t)| t);
    let resolved = resolved.split(' ').next().unwrap_or(resolved);
    let more = tag_parts(resolved);
    if more.version.len() > parts.version.len() && more.version.starts_with(&parts.version) {
        parts.version = more.version;
    }
    if parts.codename.is_none() {
        parts.codename = more.codename.or_else(|| entry.os.codename.clone());
    }
    if entry.os.distro.as_deref() == Some("alpine") || more.alpine.is_some() {
        let branch = more
            .alpine
            .flatten()
            .or_else(|| parts.alpine.clone().flatten())
            .or_else(|| entry.os.version_id.clone());
        if entry.image != "alpine" {
            parts.alpine = Some(branch);
        }
    }
    for f in more.flavor {
        if !parts.flavor.contains(&f) && f != "resolute" {
            parts.flavor.push(f);
        }
    }
    parts.flavor.sort();
    // The distribution images: their version is the release.
    if parts.version.is_empty() && matches!(entry.image.as_str(), "ubuntu" | "debian" | "alpine") {
        if let Some(v) = &entry.os.version_id {
            parts.version = v.split('.').filter_map(|s| s.parse().ok()).collect();
            if entry.image == "alpine" {
                parts.version.truncate(2);
            }
        }
    }
    parts
}

/// When a version of `image` became what `keyword` points at (`YYYY-MM`):
/// its release, or for Node's `lts` six months later (October's LTS start).
fn released_as(
    image: &str,
    version: &[u64],
    keyword: Option<&str>,
    entries: &[&CatalogEntry],
) -> String {
    let date = released(image, version, entries);
    if image != "node" || keyword != Some("lts") {
        return date;
    }
    let y: u32 = date.get(..4).and_then(|s| s.parse().ok()).unwrap_or(0);
    let m: u32 = date.get(5..7).and_then(|s| s.parse().ok()).unwrap_or(1);
    let months = y * 12 + (m - 1) + 6;
    format!("{:04}-{:02}", months / 12, months % 12 + 1)
}

/// When a version of `image` came out (`YYYY-MM`), if known.
fn released(image: &str, version: &[u64], entries: &[&CatalogEntry]) -> String {
    if image == "ubuntu" && version.len() >= 2 {
        return format!("20{:02}-{:02}", version[0], version[1]);
    }
    for (img, v, date) in RELEASED {
        let known: Vec<u64> = v.split('.').filter_map(|s| s.parse().ok()).collect();
        if *img == image && version.starts_with(&known) {
            return (*date).to_owned();
        }
    }
    // Otherwise: when the catalog first saw it.
    entries
        .iter()
        .filter(|e| entry_parts(e).version.starts_with(version))
        .map(|e| e.as_of.get(..7).unwrap_or(&e.as_of).to_owned())
        .min()
        .unwrap_or_default()
}

/// Whether a release counts for `lts`/`latest` of images where it matters.
fn long_term(image: &str, version: &[u64]) -> bool {
    match image {
        "ubuntu" => version.len() >= 2 && version[0] % 2 == 0 && version[1] == 4,
        "node" => version.first().is_some_and(|m| m % 2 == 0),
        _ => true,
    }
}

/// Same variant words and the same Alpine-or-not, whatever the release.
fn same_variant(want: &TagParts, have: &TagParts) -> bool {
    want.flavor == have.flavor && want.alpine.is_some() == have.alpine.is_some()
}

fn same_family(want: &TagParts, have: &TagParts) -> bool {
    same_variant(want, have)
        && match (&want.alpine, &have.alpine) {
            (Some(Some(a)), Some(Some(b))) => a == b,
            _ => true,
        }
        && match (&want.codename, &have.codename) {
            (Some(a), Some(b)) => a == b,
            (Some(_), None) => false,
            _ => true,
        }
}

/// How far an entry is from what was asked, lower first: the variant, then
/// the version, then the distribution release or Alpine branch.
fn distance(want: &TagParts, have: &TagParts) -> (u8, usize, u64, bool) {
    let family = u8::from(!same_variant(want, have));
    let common = want
        .version
        .iter()
        .zip(&have.version)
        .take_while(|(a, b)| a == b)
        .count();
    let gap = match (want.version.get(common), have.version.get(common)) {
        (Some(a), Some(b)) => a.abs_diff(*b),
        _ => 0,
    };
    (
        family,
        want.version.len().saturating_sub(common),
        gap,
        !same_family(want, have),
    )
}

/// Months between two `YYYY-MM[-DD]` dates.
fn months_apart(a: &str, b: &str) -> u64 {
    let m = |d: &str| -> i64 {
        let y: i64 = d.get(..4).and_then(|s| s.parse().ok()).unwrap_or(0);
        let mo: i64 = d.get(5..7).and_then(|s| s.parse().ok()).unwrap_or(1);
        y * 12 + mo
    };
    m(a).abs_diff(m(b))
}

/// The entry `image:tag` means at `date` (`None`: today), and how it matched.
pub fn resolve<'a>(
    entries: &[&'a CatalogEntry],
    image: &str,
    tag: &str,
    date: Option<&str>,
) -> Option<(&'a CatalogEntry, Match)> {
    let of_image: Vec<&CatalogEntry> = entries
        .iter()
        .copied()
        .filter(|e| e.image == image)
        .collect();
    if of_image.is_empty() {
        return None;
    }
    let want = tag_parts(tag);
    let moving = want.keyword.as_deref().is_some_and(|k| MOVING.contains(&k));
    let day = date.unwrap_or("9999-12");
    let nearest = |list: Vec<&'a CatalogEntry>| -> Option<&'a CatalogEntry> {
        // Not after the date when possible, then the nearest date, then
        // catalog order (entries are sorted, so this is deterministic).
        list.into_iter().min_by_key(|e| {
            let after = e.as_of.as_str() > day && !e.as_of.starts_with(day);
            (
                after,
                months_apart(&e.as_of, day),
                std::cmp::Reverse(e.as_of.clone()),
            )
        })
    };
    let exact: Vec<&CatalogEntry> = of_image.iter().copied().filter(|e| e.tag == tag).collect();
    let keyword = want.keyword.as_deref();
    let dated = |v: &[u64]| released_as(image, v, keyword, &of_image);
    // An exact tag, unless it is a moving keyword whose entries are of
    // another release than the one it meant at the date.
    let follow_release = moving && date.is_some();
    if !exact.is_empty() && !follow_release {
        return nearest(exact).map(|e| (e, Match::Exact));
    }
    // The releases the tag could mean: same variant, the version asked as a
    // prefix, out by the date; the newest wins.
    let of_kind = |e: &CatalogEntry, p: &TagParts| {
        let version_ok = if want.version.is_empty() {
            keyword.is_none() || moving
        } else {
            p.version.starts_with(&want.version)
        };
        version_ok
            && !p.version.is_empty()
            && p.version[0] < 1000
            && same_family(&want, p)
            && (keyword != Some("lts") || long_term(image, &p.version))
            && (keyword != Some("latest") || image != "ubuntu" || long_term(image, &p.version))
            && (e.tag == tag || !MOVING.contains(&e.tag.as_str()) || e.tag == "latest")
    };
    let candidates: Vec<(&CatalogEntry, TagParts)> = of_image
        .iter()
        .map(|e| (*e, entry_parts(e)))
        .filter(|(e, p)| of_kind(e, p) && dated(&p.version).as_str() <= day)
        .collect();
    if let Some(newest) = candidates
        .iter()
        .map(|(_, p)| {
            // The release: as many numbers as the tag gives, at least major.minor.
            let n = (want.version.len() + 1).max(2).min(p.version.len());
            p.version[..n].to_vec()
        })
        .max()
    {
        let of_release: Vec<&CatalogEntry> = candidates
            .iter()
            .filter(|(_, p)| p.version.starts_with(&newest))
            .map(|(e, _)| *e)
            .collect();
        let with_tag: Vec<&CatalogEntry> = of_release
            .iter()
            .copied()
            .filter(|e| e.tag == tag)
            .collect();
        let pick = if with_tag.is_empty() {
            nearest(of_release)
        } else {
            nearest(with_tag)
        };
        if let Some(e) = pick {
            return Some((e, Match::Alias));
        }
    }
    // A moving tag at a date before every release the catalog has of its
    // kind: the oldest of them stands in.
    if moving {
        let oldest = of_image
            .iter()
            .map(|e| (*e, entry_parts(e)))
            .filter(|(e, p)| of_kind(e, p))
            .min_by_key(|(e, p)| (p.version.clone(), e.as_of.clone()));
        if let Some((e, _)) = oldest {
            let why =
                format!("the catalog has no release of this kind out by {day}; the oldest it has");
            return Some((e, Match::StandIn(why)));
        }
    }
    if !exact.is_empty() {
        return nearest(exact).map(|e| (e, Match::Exact));
    }
    // Nothing matches: the nearest entry of the image.
    let best = of_image
        .iter()
        .copied()
        .filter(|e| !MOVING.contains(&e.tag.as_str()) || want.version.is_empty())
        .map(|e| (e, entry_parts(e)))
        .min_by_key(|(e, p)| {
            let (family, missing, gap, release) = distance(&want, p);
            (
                family,
                missing,
                gap,
                release,
                months_apart(&e.as_of, day),
                e.tag.clone(),
            )
        })
        .or_else(|| of_image.iter().map(|e| (*e, entry_parts(e))).next())?;
    let (family, _, _, release) = distance(&want, &best.1);
    let why = match (family, release) {
        (0, false) => "same variant, nearest version",
        (0, true) => "same variant on another release, nearest version",
        _ => "nearest variant and version",
    };
    Some((best.0, Match::StandIn(why.to_owned())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_split_into_version_and_variant() {
        let p = tag_parts("3.12.4-slim-bookworm");
        assert_eq!(p.version, [3, 12, 4]);
        assert_eq!(p.flavor, ["slim"]);
        assert_eq!(p.codename.as_deref(), Some("bookworm"));
        let p = tag_parts("1.22-alpine3.19");
        assert_eq!(p.alpine, Some(Some("3.19".into())));
        let p = tag_parts("21-jre-alpine");
        assert_eq!((p.flavor, p.alpine), (vec!["jre".to_owned()], Some(None)));
        assert_eq!(tag_parts("21").flavor, Vec::<String>::new());
        assert_eq!(tag_parts("lts").keyword.as_deref(), Some("lts"));
        assert_eq!(tag_parts("jammy").codename.as_deref(), Some("jammy"));
        assert_eq!(
            tag_parts("17.0.20_8-jdk-alpine-3.24").alpine,
            Some(Some("3.24".into()))
        );
    }
}
