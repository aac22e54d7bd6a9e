//! `layerlab`: the command-line front end over layerlab-core.
//!
//! `layerlab parse --dump FILE` prints BuildKit's AST dump (or `FILE:LINE:COL:
//! message` and exit 1); `layerlab expand WORD` expands a word as BuildKit's
//! shell lexer does; `layerlab build` simulates `docker build` against a cache
//! kept on disk, and `images`, `history`, `diff` show what it built; `layerlab
//! sh` is the playground's terminal over a session kept on disk. The CLI
//! only reads input, keeps state and prints; everything it prints is computed
//! by the core.

mod build_cmd;
mod embedded;
mod sh_cmd;
mod store;

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use layerlab_core::expand::{Env, Lexer};
use layerlab_core::report::docker;
use layerlab_core::syntax;

#[derive(Parser)]
#[command(name = "layerlab", version, about = "Dockerfile build simulator")]
struct Cli {
    /// Where the build cache and images are kept.
    #[arg(long, global = true, default_value = ".layerlab", value_name = "DIR")]
    state: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Parse a Dockerfile and print its AST.
    Parse {
        /// Print BuildKit's AST dump (the default).
        #[arg(long, conflicts_with = "json")]
        dump: bool,
        /// Print the AST as JSON, with source offsets, heredocs and warnings.
        #[arg(long)]
        json: bool,
        /// The Dockerfile, or `-` for standard input.
        file: PathBuf,
    },
    /// Expand a word with ARG/ENV semantics (BuildKit's shell lexer).
    Expand {
        /// Print one word per line (word-splitting mode).
        #[arg(long)]
        words: bool,
        /// Set a variable: NAME=VALUE (NAME alone sets it empty). Repeatable.
        #[arg(short = 'e', long = "env", value_name = "NAME=VALUE")]
        env: Vec<String>,
        /// The escape character.
        #[arg(long, default_value = "\\")]
        escape: char,
        /// The word to expand.
        #[arg(allow_hyphen_values = true)]
        word: String,
    },
    /// Simulate `docker build` of a context directory.
    Build(build_cmd::BuildArgs),
    /// List images built (like `docker images`).
    Images,
    /// Show an image's history (like `docker history`).
    History { image: String },
    /// Show the files an image changed against its base (like `docker diff`).
    Diff { image: String },
    /// Say which catalog entry a FROM reference resolves to, and how.
    Resolve {
        /// Resolve as of this date (YYYY-MM[-DD]).
        #[arg(long, value_name = "DATE")]
        catalog_date: Option<String>,
        /// Image references as written after FROM.
        references: Vec<String>,
    },
    /// Say where layerlab's data comes from and what it holds.
    Data,
    /// A terminal with docker over one session kept in the state directory
    /// (commands from standard input, or interactive).
    Sh(sh_cmd::ShArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let store = store::Store::new(&cli.state);
    let now = || Some(build_cmd::now_rfc3339().1);
    match cli.command {
        Command::Parse { json, file, .. } => parse(&file, json),
        Command::Expand {
            words,
            env,
            escape,
            word,
        } => expand(&word, &env, escape, words),
        Command::Build(args) => match build_cmd::run(args, &store) {
            Ok(true) => ExitCode::SUCCESS,
            Ok(false) => ExitCode::from(1),
            Err(e) => {
                eprintln!("ERROR: {e}");
                ExitCode::from(1)
            }
        },
        Command::Images => show(
            store
                .images()
                .map(|all| docker::images(&store::image_rows(&all), now())),
        ),
        Command::History { image } => show(
            store
                .find(&image)
                .map(|i| docker::history(&i.history, now())),
        ),
        Command::Diff { image } => show(store.find(&image).map(|i| docker::diff(&i.changes))),
        Command::Resolve {
            catalog_date,
            references,
        } => show(resolve(&references, catalog_date.as_deref())),
        Command::Data => show(data_summary()),
        Command::Sh(args) => match sh_cmd::run(args, &store) {
            Ok(code) => ExitCode::from(code as u8),
            Err(e) => {
                eprintln!("layerlab sh: {e}");
                ExitCode::from(1)
            }
        },
    }
}

fn resolve(references: &[String], date: Option<&str>) -> Result<String, String> {
    let (catalog, _) = build_cmd::load_catalog(None)?;
    let mut out = String::new();
    for r in references {
        let base = catalog.base_image(r, date);
        out.push_str(&format!(
            "{r}\t{}\t{}\n",
            layerlab_core::report::size::human_size(base.size),
            base.note
        ));
    }
    Ok(out)
}

fn data_summary() -> Result<String, String> {
    let source = build_cmd::data_source();
    let catalog = layerlab_core::catalog::Catalog::from_source(source)?;
    let from = match std::env::var_os("LAYERLAB_DATA") {
        Some(d) => format!("$LAYERLAB_DATA ({})", PathBuf::from(d).display()),
        None => format!(
            "built into layerlab ({} bytes, compressed)",
            embedded::embedded_bytes()
        ),
    };
    Ok(format!(
        "data: {from}\ncatalog: {} entries\n",
        catalog.entries().len()
    ))
}

fn show(text: Result<String, String>) -> ExitCode {
    match text {
        Ok(t) => {
            let _ = std::io::stdout().lock().write_all(t.as_bytes());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(1)
        }
    }
}

fn read_input(file: &PathBuf) -> std::io::Result<Vec<u8>> {
    if file.as_os_str() == "-" {
        let mut buf = Vec::new();
        std::io::stdin().read_to_end(&mut buf)?;
        Ok(buf)
    } else {
        std::fs::read(file)
    }
}

fn parse(file: &PathBuf, json: bool) -> ExitCode {
    let name = file.display();
    let src = match read_input(file) {
        Ok(src) => src,
        Err(e) => {
            eprintln!("{name}: {e}");
            return ExitCode::from(2);
        }
    };
    match syntax::parse(&src) {
        Ok(parsed) => {
            let out = if json {
                serde_json_like(&parsed)
            } else {
                parsed.dump()
            };
            let mut stdout = std::io::stdout().lock();
            // A closed pipe (e.g. `| head`) is not an error worth reporting.
            let _ = stdout.write_all(out.as_bytes());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{name}:{}:{}: {}", e.start_line, e.column, e.message);
            ExitCode::from(1)
        }
    }
}

fn serde_json_like(parsed: &syntax::Parsed) -> String {
    let mut out = serde_json::to_string_pretty(parsed).unwrap_or_default();
    out.push('\n');
    out
}

fn expand(word: &str, env: &[String], escape: char, words: bool) -> ExitCode {
    let env = Env::from_pairs(env);
    match Lexer::new(escape).expand(word, &env) {
        Ok(expansion) => {
            let mut out = String::new();
            if words {
                for w in &expansion.words {
                    out.push_str(w);
                    out.push('\n');
                }
            } else {
                out.push_str(&expansion.result);
                out.push('\n');
            }
            let _ = std::io::stdout().lock().write_all(out.as_bytes());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{}", e.message);
            ExitCode::from(1)
        }
    }
}
