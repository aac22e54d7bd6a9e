//! Command-line flags as the Docker CLI (cobra/pflag) reads them: `--flag
//! value`, `--flag=value`, `-t value`, `-tvalue`, grouped booleans (`-it`),
//! `--` ending the flags, and for `run` flags stop at the image. Errors are
//! Docker's texts, exit status 125.

use super::Out;

/// A command's flags.
pub struct Spec {
    /// `docker images`.
    pub path: &'static str,
    /// The usage line (`docker images [OPTIONS] [REPOSITORY[:TAG]]`).
    pub usage: &'static str,
    /// Flags without a value: `(short, long)`, short `' '` for none.
    pub bools: &'static [(char, &'static str)],
    /// Flags with a value.
    pub values: &'static [(char, &'static str)],
    /// How many arguments it takes.
    pub args: Args,
    /// Flags end at the first argument (`run`: the rest is the command).
    pub stop_at_arg: bool,
}

/// How many arguments a command takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Args {
    Any,
    Exactly(usize),
    AtLeast(usize),
    AtMost(usize),
}

impl Args {
    /// `None` when `n` fits, else Docker's words for what is wanted.
    fn wrong(self, n: usize) -> Option<String> {
        let plural = |k: usize| if k == 1 { "argument" } else { "arguments" };
        match self {
            Args::Exactly(k) if n != k => Some(format!("exactly {k} {}", plural(k))),
            Args::AtLeast(k) if n < k => Some(format!("at least {k} {}", plural(k))),
            Args::AtMost(k) if n > k => Some(format!("at most {k} {}", plural(k))),
            _ => None,
        }
    }
}

/// Flags and arguments as given.
#[derive(Debug, Default)]
pub struct Parsed {
    flags: Vec<(&'static str, String)>,
    pub args: Vec<String>,
}

impl Parsed {
    pub fn has(&self, long: &str) -> bool {
        self.flags.iter().any(|(f, _)| *f == long)
    }

    /// The last value given for a flag.
    pub fn value(&self, long: &str) -> Option<&str> {
        self.flags
            .iter()
            .rev()
            .find(|(f, _)| *f == long)
            .map(|(_, v)| v.as_str())
    }

    /// Every value given for a repeatable flag, in order.
    pub fn values(&self, long: &str) -> Vec<&str> {
        self.flags
            .iter()
            .filter(|(f, _)| *f == long)
            .map(|(_, v)| v.as_str())
            .collect()
    }
}

impl Spec {
    /// The error for bad flags or arguments, in the era's words.
    pub fn error(&self, message: &str, modern: bool) -> Out {
        let text = if modern {
            format!(
                "{message}\n\nUsage:  {}\n\nRun '{} --help' for more information\n",
                self.usage, self.path
            )
        } else {
            format!("{message}\nSee '{} --help'.\n", self.path)
        };
        Out::error(text, 125)
    }

    /// `"docker tag" requires exactly 2 arguments.`
    pub fn count_error(&self, want: &str, modern: bool) -> Out {
        if modern {
            Out::error(
                format!(
                    "docker: '{}' requires {want}\n\nUsage:  {}\n\nRun '{} --help' for more information\n",
                    self.path, self.usage, self.path
                ),
                1,
            )
        } else {
            Out::error(
                format!(
                    "\"{}\" requires {want}.\nSee '{} --help'.\n\nUsage:  {}\n",
                    self.path, self.path, self.usage
                ),
                1,
            )
        }
    }

    pub fn parse(&self, argv: &[String], modern: bool) -> Result<Parsed, Out> {
        let mut parsed = Parsed::default();
        let mut i = 0;
        let mut flags_done = false;
        while i < argv.len() {
            let a = &argv[i];
            i += 1;
            if flags_done || a == "-" || !a.starts_with('-') {
                parsed.args.push(a.clone());
                if self.stop_at_arg {
                    flags_done = true;
                }
                continue;
            }
            if a == "--" {
                flags_done = true;
                continue;
            }
            if let Some(long) = a.strip_prefix("--") {
                let (name, inline) = match long.split_once('=') {
                    Some((n, v)) => (n, Some(v.to_owned())),
                    None => (long, None),
                };
                if let Some(&(_, flag)) = self.bools.iter().find(|(_, l)| *l == name) {
                    parsed
                        .flags
                        .push((flag, inline.unwrap_or_else(|| "true".into())));
                } else if let Some(&(_, flag)) = self.values.iter().find(|(_, l)| *l == name) {
                    let value = match inline {
                        Some(v) => v,
                        None if i < argv.len() => {
                            i += 1;
                            argv[i - 1].clone()
                        }
                        None => {
                            return Err(
                                self.error(&format!("flag needs an argument: --{name}"), modern)
                            )
                        }
                    };
                    parsed.flags.push((flag, value));
                } else {
                    return Err(self.error(&format!("unknown flag: --{name}"), modern));
                }
                continue;
            }
            // Short flags, grouped: `-it`, `-tname`, `-p 80:80`.
            let shorts: Vec<char> = a[1..].chars().collect();
            let mut k = 0;
            while k < shorts.len() {
                let c = shorts[k];
                k += 1;
                if let Some(&(_, flag)) = self.bools.iter().find(|(s, _)| *s == c) {
                    parsed.flags.push((flag, "true".into()));
                } else if let Some(&(_, flag)) = self.values.iter().find(|(s, _)| *s == c) {
                    let rest: String = shorts[k..].iter().collect();
                    let value = if !rest.is_empty() {
                        rest.trim_start_matches('=').to_owned()
                    } else if i < argv.len() {
                        i += 1;
                        argv[i - 1].clone()
                    } else {
                        return Err(
                            self.error(&format!("flag needs an argument: '{c}' in -{c}"), modern)
                        );
                    };
                    parsed.flags.push((flag, value));
                    break;
                } else {
                    return Err(
                        self.error(&format!("unknown shorthand flag: '{c}' in {a}"), modern)
                    );
                }
            }
        }
        if let Some(want) = self.args.wrong(parsed.args.len()) {
            return Err(self.count_error(&want, modern));
        }
        Ok(parsed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: Spec = Spec {
        path: "docker run",
        usage: "docker run [OPTIONS] IMAGE [COMMAND] [ARG...]",
        bools: &[('d', "detach"), ('i', "interactive"), ('t', "tty")],
        values: &[('p', "publish"), ('e', "env"), (' ', "name")],
        args: Args::AtLeast(1),
        stop_at_arg: true,
    };

    fn argv(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_owned).collect()
    }

    #[test]
    fn flags_group_take_values_and_stop_at_the_image() {
        let p = SPEC
            .parse(
                &argv("-it -p 5001:5000 -ecolor=green --name=web img python -d"),
                false,
            )
            .unwrap();
        assert!(p.has("interactive") && p.has("tty") && !p.has("detach"));
        assert_eq!(p.value("publish"), Some("5001:5000"));
        assert_eq!(p.values("env"), ["color=green"]);
        assert_eq!(p.value("name"), Some("web"));
        assert_eq!(p.args, ["img", "python", "-d"]);
        let e = SPEC.parse(&argv("--bogus img"), false).unwrap_err();
        assert_eq!(
            e.stderr,
            "unknown flag: --bogus\nSee 'docker run --help'.\n"
        );
        assert_eq!(e.status, 125);
        let e = SPEC.parse(&argv("-x"), true).unwrap_err();
        assert!(e
            .stderr
            .starts_with("unknown shorthand flag: 'x' in -x\n\nUsage:  docker run"));
    }
}
