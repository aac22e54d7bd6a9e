//! `layerlab sh`: the playground's terminal on the command line. Commands
//! come from standard input (one per line, pastes as written) or, on a
//! terminal, interactively; one session lives in the state directory as its
//! journal (`session.json`), so a lab can be scripted, resumed and tested.

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;

use layerlab_core::build::Builder;
use layerlab_core::session::{Change, LineKind, Options, PackageData, Session};

use crate::store::Store;

/// `layerlab sh` options.
#[derive(clap::Args)]
pub struct ShArgs {
    /// The date the session stands in (YYYY-MM[-DD]): base images, Docker's
    /// texts and the default builder of that time.
    #[arg(long, value_name = "DATE")]
    pub date: Option<String>,
    /// The builder `docker build` uses (default: the date's).
    #[arg(long, value_parser = ["classic", "buildkit"])]
    pub builder: Option<String>,
    /// Start a new session (forget the one in the state directory).
    #[arg(long)]
    pub reset: bool,
    /// Print each command after its prompt, as a terminal shows it.
    #[arg(long)]
    pub echo: bool,
}

#[derive(Default, serde::Serialize, serde::Deserialize)]
struct Saved {
    options: Options,
    journal: Vec<Change>,
}

fn path(store: &Store) -> PathBuf {
    store.dir().join("session.json")
}

pub fn run(args: ShArgs, store: &Store) -> Result<i32, String> {
    let file = path(store);
    let mut saved: Saved = match std::fs::read(&file) {
        Ok(bytes) if !args.reset => {
            serde_json::from_slice(&bytes).map_err(|e| format!("{}: {e}", file.display()))?
        }
        _ => Saved::default(),
    };
    if args.date.is_some() {
        saved.options.date = args.date.clone();
    }
    if let Some(b) = &args.builder {
        saved.options.builder = Some(if b == "classic" {
            Builder::Classic
        } else {
            Builder::BuildKit
        });
    }
    let data = PackageData::from_source(crate::build_cmd::data_source())?;
    let mut session = Session::replay(saved.options.clone(), data, &saved.journal);
    let interactive = std::io::stdin().is_terminal();
    let stdin = std::io::stdin();
    let mut lines = stdin.lock().lines();
    let mut stdout = std::io::stdout().lock();
    loop {
        if interactive {
            let view = session.view();
            let _ = write!(stdout, "{}", view.prompt);
            let _ = stdout.flush();
        }
        let Some(line) = lines.next() else { break };
        let line = line.map_err(|e| e.to_string())?;
        let before = session.terminal.lines.len();
        session.apply(Change::Terminal { input: line });
        let after = &session.terminal.lines[before.min(session.terminal.lines.len())..];
        for l in after {
            match l.kind {
                LineKind::Input if !args.echo => {}
                LineKind::Note => {
                    let _ = stdout.flush();
                    let _ = writeln!(std::io::stderr(), "{}", l.text);
                }
                _ => {
                    let _ = writeln!(stdout, "{}", l.text);
                }
            }
        }
        save(&file, &saved.options, &session)?;
    }
    if interactive {
        let _ = writeln!(stdout);
    }
    save(&file, &saved.options, &session)?;
    Ok(0)
}

fn save(file: &PathBuf, options: &Options, session: &Session) -> Result<(), String> {
    if let Some(dir) = file.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let saved = Saved {
        options: options.clone(),
        journal: session.journal().to_vec(),
    };
    let json = serde_json::to_vec(&saved).map_err(|e| e.to_string())?;
    std::fs::write(file, json).map_err(|e| format!("{}: {e}", file.display()))
}
