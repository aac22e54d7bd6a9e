//! The `# check=` directive: which build checks to skip, which experimental
//! ones to run, and whether a check fails the build. BuildKit's
//! `linter.ParseLintOptions`, with its error texts.

/// What the `check` directive asks for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Config {
    pub skip_all: bool,
    pub skip: Vec<String>,
    pub experimental_all: bool,
    pub experimental: Vec<String>,
    /// `error=true`: a check that fires fails the build.
    pub error: bool,
}

impl Config {
    /// Parses the directive's value; the error is BuildKit's, wrapped as the
    /// build reports it.
    pub fn parse(value: &str) -> Result<Config, String> {
        let value = value.trim();
        let mut config = Config::default();
        if value.is_empty() {
            return Ok(config);
        }
        let wrap = |e: String| format!("failed to parse check options: {e}");
        // At most three options: a fourth `;` stays inside the third's value.
        for part in value.splitn(3, ';') {
            let Some((key, v)) = part.split_once('=') else {
                return Err(wrap(format!(
                    "invalid check option {}",
                    crate::text::go_quote(part.as_bytes())
                )));
            };
            let list = |v: &str| -> (bool, Vec<String>) {
                let v = v.trim();
                if v == "all" {
                    (true, Vec::new())
                } else {
                    (false, v.split(',').map(|s| s.trim().to_owned()).collect())
                }
            };
            match key.trim() {
                "skip" => {
                    let (all, names) = list(v);
                    config.skip_all |= all;
                    if !all {
                        config.skip = names;
                    }
                }
                "experimental" => {
                    let (all, names) = list(v);
                    config.experimental_all |= all;
                    if !all {
                        config.experimental = names;
                    }
                }
                "error" => {
                    config.error = match v.trim() {
                        "1" | "t" | "T" | "TRUE" | "true" | "True" => true,
                        "0" | "f" | "F" | "FALSE" | "false" | "False" => false,
                        other => {
                            return Err(wrap(format!(
                                "failed to parse check option {}: strconv.ParseBool: parsing {}: invalid syntax",
                                crate::text::go_quote(part.as_bytes()),
                                crate::text::go_quote(other.as_bytes())
                            )))
                        }
                    }
                }
                other => {
                    return Err(wrap(format!(
                        "invalid check option {}",
                        crate::text::go_quote(other.as_bytes())
                    )))
                }
            }
        }
        Ok(config)
    }

    /// Whether a rule runs: an experimental one only when asked for (and
    /// then even with `skip=all`), the others unless skipped.
    pub fn runs(&self, rule: &str, experimental: bool) -> bool {
        if experimental {
            self.experimental_all || self.experimental.iter().any(|r| r == rule)
        } else {
            !self.skip_all && !self.skip.iter().any(|r| r == rule)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_directive_reads_as_buildkit_reads_it() {
        let c = Config::parse("skip=JSONArgsRecommended, StageNameCasing;error=true").unwrap();
        assert_eq!(c.skip, ["JSONArgsRecommended", "StageNameCasing"]);
        assert!(c.error && !c.runs("StageNameCasing", false) && c.runs("FromAsCasing", false));
        let c = Config::parse("skip=all;experimental=InvalidDefinitionDescription").unwrap();
        assert!(!c.runs("FromAsCasing", false));
        assert!(c.runs("InvalidDefinitionDescription", true));
        assert!(!Config::default().runs("InvalidDefinitionDescription", true));
        assert_eq!(
            Config::parse("foo").unwrap_err(),
            "failed to parse check options: invalid check option \"foo\""
        );
        assert_eq!(
            Config::parse("bogus=1").unwrap_err(),
            "failed to parse check options: invalid check option \"bogus\""
        );
        assert_eq!(
            Config::parse("error=yes").unwrap_err(),
            "failed to parse check options: failed to parse check option \"error=yes\": strconv.ParseBool: parsing \"yes\": invalid syntax"
        );
    }
}
