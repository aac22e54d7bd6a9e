//! AST → typed instructions, with BuildKit's validation and messages
//! (BuildKit's `instructions/parse.go`).
//!
//! Values are kept as written (unexpanded): expansion needs the stage
//! environment at that point of the build, which only the builder has.
//!
//! ```
//! use layerlab_core::{instructions::{parse_instruction, Command}, syntax::parse};
//! let ast = parse(b"COPY --chown=app src/ /app/\n").unwrap();
//! let ins = parse_instruction(&ast.instructions[0]).unwrap();
//! match ins.command {
//!     Command::Copy(copy) => assert_eq!((copy.sources, copy.dest, copy.chown), (vec!["src/".to_owned()], "/app/".to_owned(), Some("app".to_owned()))),
//!     _ => unreachable!(),
//! }
//! ```

mod flags;
mod suggest;
pub(crate) use suggest::levenshtein;

use flags::Flags;

use crate::syntax::{Heredoc, Instruction as AstNode};

/// Shell or exec (JSON) form of RUN, CMD, ENTRYPOINT.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "form", content = "value", rename_all = "lowercase")]
pub enum CommandLine {
    Shell(String),
    Exec(Vec<String>),
}

impl CommandLine {
    /// With the shell prefix applied: `["/bin/sh", "-c", "cmd"]` or the exec list.
    pub fn with_shell(&self, shell: &[String]) -> Vec<String> {
        match self {
            CommandLine::Shell(s) => shell.iter().cloned().chain([s.clone()]).collect(),
            CommandLine::Exec(v) => v.clone(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct From {
    pub image: String,
    /// Lowercased stage name from `AS name`.
    pub stage_name: Option<String>,
    pub platform: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Copy {
    pub sources: Vec<String>,
    pub dest: String,
    pub from: Option<String>,
    pub chown: Option<String>,
    pub chmod: Option<String>,
    pub link: bool,
    pub parents: bool,
    pub exclude: Vec<String>,
    pub heredocs: Vec<Heredoc>,
    /// ADD only.
    pub checksum: Option<String>,
    pub keep_git_dir: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Run {
    pub command: CommandLine,
    pub mounts: Vec<String>,
    pub network: Option<String>,
    pub security: Option<String>,
    pub heredocs: Vec<Heredoc>,
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Healthcheck {
    /// `["NONE"]`, `["CMD", args…]` or `["CMD-SHELL", cmd]`, as Docker stores it.
    pub test: Vec<String>,
    pub interval: Option<String>,
    pub timeout: Option<String>,
    pub start_period: Option<String>,
    pub start_interval: Option<String>,
    pub retries: Option<u32>,
}

/// One instruction's meaning.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Command {
    From(From),
    /// `(name, default)` pairs; the default is unexpanded.
    Arg {
        args: Vec<(String, Option<String>)>,
    },
    Env {
        pairs: Vec<(String, String)>,
    },
    Label {
        pairs: Vec<(String, String)>,
    },
    Maintainer {
        name: String,
    },
    Workdir {
        path: String,
    },
    User {
        user: String,
    },
    Run(Run),
    Cmd {
        command: CommandLine,
    },
    Entrypoint {
        command: CommandLine,
    },
    Shell {
        shell: Vec<String>,
    },
    Expose {
        ports: Vec<String>,
    },
    Volume {
        paths: Vec<String>,
    },
    StopSignal {
        signal: String,
    },
    Healthcheck(Healthcheck),
    Copy(Copy),
    Add(Copy),
    /// The trigger's text, as stored in the image config.
    Onbuild {
        trigger: String,
    },
}

impl Command {
    /// Whether the instruction creates a filesystem layer (WORKDIR does too,
    /// but only when its path is not `/`, which the builder decides).
    pub fn makes_layer(&self) -> bool {
        matches!(
            self,
            Command::Run(_) | Command::Copy(_) | Command::Add(_) | Command::Workdir { .. }
        )
    }
}

/// A typed instruction with its place in the source.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Instruction {
    pub command: Command,
    /// The keyword as BuildKit prints it in step names (`RUN`, `COPY`…).
    pub keyword: String,
    /// The logical line as written (continuations joined).
    pub original: String,
    pub start_line: usize,
    pub end_line: usize,
}

/// An instruction that does not make sense, with BuildKit's message.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct InstructionError {
    pub message: String,
    pub line: usize,
}

impl std::fmt::Display for InstructionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.line, self.message)
    }
}

impl std::error::Error for InstructionError {}

fn at_least_one(cmd: &str) -> String {
    format!("{cmd} requires at least one argument")
}

fn exactly_one(cmd: &str) -> String {
    format!("{cmd} requires exactly one argument")
}

/// Types one AST instruction.
pub fn parse_instruction(node: &AstNode) -> Result<Instruction, InstructionError> {
    let keyword = node.keyword_lower();
    let err = |message: String| InstructionError {
        message,
        line: node.start_line,
    };
    let command = parse_command(node, &keyword).map_err(err)?;
    Ok(Instruction {
        command,
        // A recognised keyword is ASCII once lower-cased (the one non-ASCII
        // letter that lower-cases into one, the Kelvin sign, is gone by then),
        // so ASCII upper-casing is what Go's ToUpper gives.
        keyword: keyword.to_ascii_uppercase(),
        original: crate::text::go_lossy(node.original()),
        start_line: node.start_line,
        end_line: node.end_line,
    })
}

fn parse_command(node: &AstNode, keyword: &str) -> Result<Command, String> {
    let args = node.arg_texts();
    let upper = keyword.to_ascii_uppercase();
    let mut flags = Flags::new(node.flag_texts());
    let command = match keyword {
        "from" => {
            let platform = flags.string("platform");
            flags.finish()?;
            parse_from(&args, platform?)?
        }
        "arg" => {
            flags.finish()?;
            if args.is_empty() {
                return Err(at_least_one("ARG"));
            }
            let args = args
                .iter()
                .map(|a| match a.split_once('=') {
                    Some((k, v)) => (k.to_owned(), Some(v.to_owned())),
                    None => (a.clone(), None),
                })
                .collect();
            Command::Arg { args }
        }
        "env" | "label" => {
            flags.finish()?;
            if args.is_empty() {
                return Err(at_least_one(&upper));
            }
            let mut pairs = Vec::new();
            for triple in args.chunks(3) {
                if triple[0].is_empty() {
                    return Err(format!("{upper} names can not be blank"));
                }
                pairs.push((
                    triple[0].clone(),
                    triple.get(1).cloned().unwrap_or_default(),
                ));
            }
            if keyword == "env" {
                Command::Env { pairs }
            } else {
                Command::Label { pairs }
            }
        }
        "maintainer" | "workdir" | "user" | "stopsignal" => {
            flags.finish()?;
            let [value] = args.as_slice() else {
                return Err(exactly_one(&upper));
            };
            let value = value.clone();
            match keyword {
                "maintainer" => Command::Maintainer { name: value },
                "workdir" => Command::Workdir { path: value },
                "user" => Command::User { user: value },
                _ => Command::StopSignal { signal: value },
            }
        }
        "run" => {
            let mounts = flags.strings("mount");
            let network = flags.string("network");
            let security = flags.string("security");
            flags.finish()?;
            if args.is_empty() {
                return Err(at_least_one("RUN"));
            }
            Command::Run(Run {
                command: command_line(node, args),
                mounts,
                network: network?,
                security: security?,
                heredocs: node.heredocs.clone(),
            })
        }
        "cmd" | "entrypoint" => {
            flags.finish()?;
            let command = command_line(node, args);
            if keyword == "cmd" {
                Command::Cmd { command }
            } else {
                Command::Entrypoint { command }
            }
        }
        "shell" => {
            flags.finish()?;
            if args.is_empty() {
                return Err(at_least_one("SHELL"));
            }
            if !node.json {
                return Err("SHELL requires the arguments to be in JSON form".into());
            }
            Command::Shell { shell: args }
        }
        "expose" => {
            flags.finish()?;
            if args.is_empty() {
                return Err(at_least_one("EXPOSE"));
            }
            Command::Expose { ports: args }
        }
        "volume" => {
            flags.finish()?;
            if args.is_empty() {
                return Err(at_least_one("VOLUME"));
            }
            if args.iter().any(|a| a.trim().is_empty()) {
                return Err("VOLUME specified can not be an empty string".into());
            }
            Command::Volume { paths: args }
        }
        "healthcheck" => parse_healthcheck(node, &args, &mut flags)?,
        "copy" | "add" => parse_copy(node, keyword, &args, &mut flags)?,
        "onbuild" => {
            flags.finish()?;
            let Some(inner) = &node.nested else {
                return Err(at_least_one("ONBUILD"));
            };
            match inner.keyword_lower().as_str() {
                "onbuild" => {
                    return Err("Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed".into())
                }
                k @ ("maintainer" | "from") => {
                    return Err(format!(
                        "{} isn't allowed as an ONBUILD trigger",
                        k.to_ascii_uppercase()
                    ))
                }
                _ => {}
            }
            // The trigger is checked now, like BuildKit does, and stored as text.
            parse_command(inner, &inner.keyword_lower())?;
            Command::Onbuild {
                trigger: crate::text::go_lossy(inner.original()),
            }
        }
        _ => {
            let typed = crate::text::go_lossy(node.keyword().value);
            return Err(format!(
                "unknown instruction: {typed}{}",
                suggest::did_you_mean(&typed)
            ));
        }
    };
    Ok(command)
}

fn command_line(node: &AstNode, args: Vec<String>) -> CommandLine {
    if node.json {
        CommandLine::Exec(args)
    } else {
        CommandLine::Shell(args.into_iter().next().unwrap_or_default())
    }
}

fn parse_from(args: &[String], platform: Option<String>) -> Result<Command, String> {
    let stage_name = match args {
        [_] => None,
        [_, as_word, name] if as_word.eq_ignore_ascii_case("as") => {
            let name = crate::text::go_lower(name);
            let valid = name.chars().next().is_some_and(|c| c.is_ascii_lowercase())
                && name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-_.".contains(c));
            if !valid {
                return Err(format!(
                    "invalid name for build stage: {}, name can't start with a number or contain symbols",
                    crate::text::go_quote(name.as_bytes())
                ));
            }
            Some(name)
        }
        _ => return Err("FROM requires either one or three arguments".into()),
    };
    Ok(Command::From(From {
        image: args[0].clone(),
        stage_name,
        platform,
    }))
}

fn parse_healthcheck(
    node: &AstNode,
    args: &[String],
    flags: &mut Flags,
) -> Result<Command, String> {
    let interval = flags.string("interval");
    let timeout = flags.string("timeout");
    let start_period = flags.string("start-period");
    let start_interval = flags.string("start-interval");
    let retries = flags.string("retries");
    flags.finish()?;
    let Some(kind) = args.first() else {
        return Err(at_least_one("HEALTHCHECK"));
    };
    // BuildKit upper-cases the type with Go's Unicode ToUpper; only its
    // error message for a non-ASCII type would differ (the case table would
    // cost the page 7 kB for that).
    let test = match kind.to_ascii_uppercase().as_str() {
        "NONE" => {
            if args.len() > 1 {
                return Err("HEALTHCHECK NONE takes no arguments".into());
            }
            vec!["NONE".to_owned()]
        }
        "CMD" => {
            let rest = &args[1..];
            if rest.is_empty() {
                return Err("Missing command after HEALTHCHECK CMD".into());
            }
            if node.json {
                std::iter::once("CMD".to_owned())
                    .chain(rest.iter().cloned())
                    .collect()
            } else {
                vec!["CMD-SHELL".to_owned(), rest.join(" ")]
            }
        }
        _ => {
            return Err(format!(
                "Unknown type {} in HEALTHCHECK (try CMD)",
                crate::text::go_quote(kind.as_bytes())
            ))
        }
    };
    let retries = match retries? {
        None => None,
        Some(r) => Some(
            r.parse::<i64>()
                .map_err(|_| format!("invalid retries value: {r}"))
                .and_then(|n| {
                    u32::try_from(n).map_err(|_| "--retries cannot be negative".to_owned())
                })?,
        ),
    };
    Ok(Command::Healthcheck(Healthcheck {
        test,
        interval: interval?,
        timeout: timeout?,
        start_period: start_period?,
        start_interval: start_interval?,
        retries,
    }))
}

fn parse_copy(
    node: &AstNode,
    keyword: &str,
    args: &[String],
    flags: &mut Flags,
) -> Result<Command, String> {
    let upper = keyword.to_ascii_uppercase();
    let from = if keyword == "copy" {
        flags.string("from")
    } else {
        Ok(None)
    };
    let chown = flags.string("chown");
    let chmod = flags.string("chmod");
    let link = flags.bool("link");
    let parents = flags.bool("parents");
    let exclude = flags.strings("exclude");
    let (checksum, keep_git_dir) = if keyword == "add" {
        (flags.string("checksum"), flags.bool("keep-git-dir"))
    } else {
        (Ok(None), Ok(false))
    };
    flags.finish()?;
    if args.len() < 2 {
        return Err(if args.is_empty() {
            format!("{upper} requires at least two arguments")
        } else {
            format!("{upper} requires at least two arguments, but only one was provided. Destination could not be determined.")
        });
    }
    let copy = Copy {
        sources: args[..args.len() - 1].to_vec(),
        dest: args[args.len() - 1].clone(),
        from: from?,
        chown: chown?,
        chmod: chmod?,
        link: link?,
        parents: parents?,
        exclude,
        heredocs: node.heredocs.clone(),
        checksum: checksum?,
        keep_git_dir: keep_git_dir?,
    };
    Ok(if keyword == "copy" {
        Command::Copy(copy)
    } else {
        Command::Add(copy)
    })
}

#[cfg(test)]
mod tests;
