//! Alpine package data for `apk`, by branch (`data/alpine/<branch>.tsv`, written
//! by `scripts/catalog/alpine_packages.py`): each package's installed size,
//! dependencies, provided names and programs, plus the sizes of the branch's
//! APKINDEX files. Every row carries its source (a catalog scan, a
//! calibration or an estimate).

use std::collections::BTreeMap;

/// One apk package.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApkPackage {
    pub name: String,
    pub version: String,
    pub installed_size: u64,
    pub depends: Vec<String>,
    pub provides: Vec<String>,
    pub programs: Vec<String>,
    pub source: String,
}

/// One branch (`v3.10`): its packages and index sizes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Branch {
    pub name: String,
    pub packages: BTreeMap<String, ApkPackage>,
    /// `(repository, APKINDEX.tar.gz bytes)`: main, community.
    pub indexes: Vec<(String, u64)>,
}

impl Branch {
    /// Parses a branch's TSV.
    pub fn from_tsv(name: &str, text: &str) -> Branch {
        let mut branch = Branch {
            name: name.to_owned(),
            ..Branch::default()
        };
        for line in text.lines().filter(|l| !l.is_empty()) {
            let f: Vec<&str> = line.split('\t').collect();
            let get = |i: usize| f.get(i).copied().unwrap_or("");
            let list = |s: &str, sep: char| -> Vec<String> {
                s.split(sep)
                    .filter(|p| !p.is_empty())
                    .map(str::to_owned)
                    .collect()
            };
            if get(0) == "# index" {
                branch
                    .indexes
                    .push((get(1).to_owned(), get(2).parse().unwrap_or(0)));
                continue;
            }
            if line.starts_with('#') {
                continue;
            }
            branch.packages.insert(
                get(0).to_owned(),
                ApkPackage {
                    name: get(0).to_owned(),
                    version: get(1).to_owned(),
                    installed_size: get(2).parse().unwrap_or(0),
                    depends: list(get(3), ','),
                    provides: list(get(4), ','),
                    programs: list(get(5), ' '),
                    source: get(6).to_owned(),
                },
            );
        }
        branch
    }

    /// The package a name stands for: itself, or a package providing it.
    pub fn real(&self, name: &str) -> Option<&ApkPackage> {
        self.packages.get(name).or_else(|| {
            self.packages
                .values()
                .find(|p| p.provides.iter().any(|n| n == name))
        })
    }

    /// Every package `names` need (themselves included), dependencies first.
    pub fn closure(&self, names: &[String]) -> Vec<&ApkPackage> {
        let mut out: Vec<&ApkPackage> = Vec::new();
        let mut stack: Vec<(&ApkPackage, bool)> = names
            .iter()
            .rev()
            .filter_map(|n| self.real(n))
            .map(|p| (p, false))
            .collect();
        while let Some((pkg, expanded)) = stack.pop() {
            if out.iter().any(|p| p.name == pkg.name) {
                continue;
            }
            if expanded {
                out.push(pkg);
                continue;
            }
            stack.push((pkg, true));
            for d in pkg.depends.iter().rev() {
                if let Some(dep) = self.real(d) {
                    if !out.iter().any(|p| p.name == dep.name) {
                        stack.push((dep, false));
                    }
                }
            }
        }
        out
    }
}

/// The branches layerlab has data for.
#[derive(Clone, Debug, Default)]
pub struct Alpine {
    pub branches: BTreeMap<String, Branch>,
}

impl Alpine {
    /// The branch an Alpine release (`3.10.1`) belongs to (`v3.10`), if known.
    pub fn branch_for(&self, version_id: &str) -> Option<&Branch> {
        self.branches.get(&branch_name(version_id))
    }
}

/// The branch an Alpine release belongs to: `3.20.3` → `v3.20`; a
/// development snapshot (`3.25_alpha20260805`, `edge`) → `edge`.
pub fn branch_name(version_id: &str) -> String {
    if version_id.contains("alpha") || version_id == "edge" {
        return "edge".to_owned();
    }
    let minor: Vec<&str> = version_id.split('.').take(2).collect();
    format!("v{}", minor.join("."))
}

/// The branches `data/alpine` holds.
pub const BRANCHES: [&str; 15] = [
    "v3.10", "v3.12", "v3.13", "v3.14", "v3.15", "v3.16", "v3.17", "v3.18", "v3.19", "v3.20",
    "v3.21", "v3.22", "v3.23", "v3.24", "edge",
];

#[cfg(test)]
mod tests {
    use super::*;

    const DATA: &str = "# name\tversion\n# index\tmain\t100\n\
a\t1\t10\tb\tvirtual-a\t/usr/bin/a\tsrc\n\
b\t1\t20\tc\t\t\tsrc\nc\t1\t30\t\t\t\tsrc\n";

    #[test]
    fn closure_puts_dependencies_first_and_resolves_provided_names() {
        let branch = Branch::from_tsv("v3.10", DATA);
        assert_eq!(branch.indexes, [("main".to_owned(), 100)]);
        let names: Vec<&str> = branch
            .closure(&["virtual-a".to_owned()])
            .iter()
            .map(|p| p.name.as_str())
            .collect();
        assert_eq!(names, ["c", "b", "a"]);
        let alpine = Alpine {
            branches: [("v3.10".to_owned(), branch)].into(),
        };
        assert!(alpine.branch_for("3.10.1").is_some());
        assert!(alpine.branch_for("3.19.0").is_none());
    }
}
