//! Python package data (from `scripts/catalog/pypi_packages.py`): per era (a
//! Python version and the versions pip chose then), each distribution's
//! download size, unpacked size, Python source bytes and requirements, and
//! the era's bytecode factor (with its source: measured or calibrated).

/// One distribution.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dist {
    pub era: String,
    pub name: String,
    pub version: String,
    pub file: String,
    pub download: u64,
    pub unpacked: u64,
    pub py_bytes: u64,
    pub requires: Vec<String>,
    pub source: String,
}

/// An era: the Python it applies to and how much bytecode pip adds.
#[derive(Clone, Debug, PartialEq)]
pub struct Era {
    pub name: String,
    pub python: String,
    pub pyc_factor: f64,
    /// Bytecode the first pip run writes for the interpreter's own modules
    /// (official python images ship without `.pyc` files), measured.
    pub first_run_bytes: u64,
    /// Metadata pip writes per package (`*.dist-info`, RECORD), measured.
    pub dist_info_bytes: u64,
    pub source: String,
}

#[derive(Clone, Debug, Default)]
pub struct PyPi {
    pub dists: Vec<Dist>,
    pub eras: Vec<Era>,
}

/// PyPI's name normalisation (`Flask` = `flask`, `charset_normalizer` = `charset-normalizer`).
pub fn normalize(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        let c = if matches!(c, '_' | '.') {
            '-'
        } else {
            c.to_ascii_lowercase()
        };
        if !(c == '-' && out.ends_with('-')) {
            out.push(c);
        }
    }
    out
}

impl PyPi {
    pub fn from_tsv(packages: &str, eras: &str) -> PyPi {
        let rows = |t: &str| {
            t.lines()
                .filter(|l| !l.starts_with('#') && !l.is_empty())
                .map(|l| l.split('\t').map(str::to_owned).collect::<Vec<_>>())
                .collect::<Vec<_>>()
        };
        let dists = rows(packages)
            .into_iter()
            .filter(|f| f.len() >= 9)
            .map(|f| Dist {
                era: f[0].clone(),
                name: normalize(&f[1]),
                version: f[2].clone(),
                file: f[3].clone(),
                download: f[4].parse().unwrap_or(0),
                unpacked: f[5].parse().unwrap_or(0),
                py_bytes: f[6].parse().unwrap_or(0),
                requires: f[7]
                    .split(',')
                    .filter(|r| !r.is_empty())
                    .map(normalize)
                    .collect(),
                source: f[8].clone(),
            })
            .collect();
        let eras = rows(eras)
            .into_iter()
            .filter(|f| f.len() >= 4)
            .map(|f| {
                // era, python, pyc factor, [first-run bytes, dist-info bytes,] source
                let wide = f.len() >= 6;
                Era {
                    name: f[0].clone(),
                    python: f[1].clone(),
                    pyc_factor: decimal(&f[2]).unwrap_or(1.0),
                    first_run_bytes: if wide { f[3].parse().unwrap_or(0) } else { 0 },
                    dist_info_bytes: if wide { f[4].parse().unwrap_or(0) } else { 0 },
                    source: f[if wide { 5 } else { 3 }].clone(),
                }
            })
            .collect();
        PyPi { dists, eras }
    }

    /// The era for an interpreter version (`3.6.1` → the era for `3.6`); the newest otherwise.
    pub fn era_for(&self, python_version: Option<&str>) -> Option<&Era> {
        let v = python_version.unwrap_or("");
        self.eras
            .iter()
            .find(|e| v == e.python || v.starts_with(&format!("{}.", e.python)))
            .or_else(|| self.eras.iter().find(|e| e.name == "current"))
    }

    pub fn get(&self, era: &str, name: &str) -> Option<&Dist> {
        let name = normalize(name);
        self.dists.iter().find(|d| d.era == era && d.name == name)
    }

    /// What `pip install ROOTS` adds in `era`, skipping `installed`, in install order.
    /// Names without data are returned separately.
    pub fn install_set(
        &self,
        era: &str,
        roots: &[String],
        installed: &[String],
    ) -> (Vec<&Dist>, Vec<String>) {
        let roots: Vec<String> = roots.iter().map(|r| normalize(r)).collect();
        let installed: Vec<String> = installed.iter().map(|n| normalize(n)).collect();
        super::install_closure(&roots, &installed, |n| self.get(era, n), |d| &d.requires)
    }
}

/// Reads a plain decimal such as `1.1` (what eras.tsv holds) without the
/// float parser, whose tables the playground would otherwise download.
fn decimal(text: &str) -> Option<f64> {
    let (int, frac) = text.trim().split_once('.').unwrap_or((text.trim(), ""));
    if frac.len() > 9 || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    // Both integers are exact in a float, so one division rounds correctly.
    let numerator: u64 = format!("{int}{frac}").parse().ok()?;
    Some(numerator as f64 / 10u64.pow(frac.len() as u32) as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_read_as_the_float_parser_reads_them() {
        for t in ["1", "1.1", "0.9", "1.25", "0.8751", "2.0"] {
            assert_eq!(decimal(t), t.parse::<f64>().ok(), "{t}");
        }
        assert_eq!(decimal("x"), None);
        assert_eq!(decimal("1.x"), None);
    }

    fn data() -> PyPi {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/pypi/");
        PyPi::from_tsv(
            &std::fs::read_to_string(format!("{dir}packages.tsv")).unwrap(),
            &std::fs::read_to_string(format!("{dir}eras.tsv")).unwrap(),
        )
    }

    #[test]
    fn flask_in_2017_and_now() {
        let p = data();
        assert_eq!(normalize("Charset_Normalizer"), "charset-normalizer");
        let old = p.era_for(Some("3.6.1")).unwrap();
        assert_eq!(old.name, "2017-06");
        let (set, unknown) = p.install_set(&old.name, &["Flask".into()], &[]);
        let names: Vec<&str> = set.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "flask",
                "click",
                "itsdangerous",
                "jinja2",
                "markupsafe",
                "werkzeug"
            ]
        );
        assert!(unknown.is_empty());
        assert_eq!(set[0].version, "0.12.2");
        let now = p.era_for(Some("3.12.13")).unwrap();
        let (set, _) = p.install_set(&now.name, &["flask".into()], &["click".into()]);
        assert!(set.iter().all(|d| d.name != "click"));
        assert!(set.iter().any(|d| d.name == "blinker"));
    }
}
