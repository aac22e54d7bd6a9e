//! npm package data (from `scripts/catalog/npm_packages.py`): the packages npm
//! resolves for common roots, each with its tarball size, unpacked size
//! (measured by `npm pack`) and dependency names.

/// One package.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NpmPackage {
    pub name: String,
    pub version: String,
    pub tarball: u64,
    pub unpacked: u64,
    pub dependencies: Vec<String>,
}

#[derive(Clone, Debug, Default)]
pub struct Npm {
    pub packages: Vec<NpmPackage>,
}

impl Npm {
    pub fn from_tsv(text: &str) -> Npm {
        let packages = text
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
            .map(|l| l.split('\t').collect::<Vec<_>>())
            .filter(|f| f.len() >= 5)
            .map(|f| NpmPackage {
                name: f[0].to_owned(),
                version: f[1].to_owned(),
                tarball: f[2].parse().unwrap_or(0),
                unpacked: f[3].parse().unwrap_or(0),
                dependencies: f[4]
                    .split(',')
                    .filter(|d| !d.is_empty())
                    .map(str::to_owned)
                    .collect(),
            })
            .collect();
        Npm { packages }
    }

    pub fn get(&self, name: &str) -> Option<&NpmPackage> {
        self.packages.iter().find(|p| p.name == name)
    }

    /// The flat install set for `roots` (npm dedupes to one copy per name when it can),
    /// and the names without data.
    pub fn install_set(
        &self,
        roots: &[String],
        installed: &[String],
    ) -> (Vec<&NpmPackage>, Vec<String>) {
        super::install_closure(roots, installed, |n| self.get(n), |p| &p.dependencies)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn express_from_the_data() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/npm/packages.tsv");
        let npm = Npm::from_tsv(&std::fs::read_to_string(path).unwrap());
        let (set, unknown) = npm.install_set(&["express".into()], &[]);
        assert!(unknown.is_empty(), "{unknown:?}");
        assert!(set.len() > 20);
        assert!(set.iter().all(|p| p.unpacked > 0));
        assert_eq!(set[0].name, "express");
    }
}
