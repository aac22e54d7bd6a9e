//! `layerlab build`: reads a context directory, runs the core's build against
//! the on-disk cache, prints the log (or JSON) and stores the image.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::embedded::Embedded;

use layerlab_core::build::{build, BuildOptions, BuildResult, Builder, Context};
use layerlab_core::catalog::source::{DataSource, DirSource};
use layerlab_core::catalog::Catalog;
use layerlab_core::report::{json, logs, time};
use layerlab_core::shell::ShellExecutor;

use crate::store::{Store, StoredImage};

/// `layerlab build` options (docker build's names).
#[derive(clap::Args)]
pub struct BuildArgs {
    /// The Dockerfile (default: CONTEXT_DIR/Dockerfile).
    #[arg(short = 'f', long = "file")]
    pub file: Option<PathBuf>,
    /// Name and tag the image (`name:tag`). Repeatable.
    #[arg(short = 't', long = "tag")]
    pub tags: Vec<String>,
    /// Build this stage (default: the last).
    #[arg(long)]
    pub target: Option<String>,
    /// Set a build-time variable: NAME=VALUE. Repeatable.
    #[arg(long = "build-arg", value_name = "NAME=VALUE")]
    pub build_args: Vec<String>,
    /// Do not use the cache.
    #[arg(long)]
    pub no_cache: bool,
    /// Do not use the cache for these stages (by name). Repeatable.
    #[arg(long = "no-cache-filter", value_name = "STAGE")]
    pub no_cache_filter: Vec<String>,
    /// Log format: `plain` (BuildKit) or `classic` (legacy builder).
    #[arg(long, default_value = "plain", value_parser = ["plain", "classic"])]
    pub progress: String,
    /// Print the build result as JSON instead of a log.
    #[arg(long, value_parser = ["json"])]
    pub format: Option<String>,
    /// Base-image catalog: an index.json beside its entries/, or a JSON array of entries (default: $LAYERLAB_CATALOG, else the data built into layerlab, or $LAYERLAB_DATA's).
    #[arg(long)]
    pub catalog: Option<PathBuf>,
    /// Resolve image tags as of this date (YYYY-MM[-DD]).
    #[arg(long, value_name = "DATE")]
    pub catalog_date: Option<String>,
    /// After the build, print layerlab's hints (each measured by a what-if
    /// build) and their fixes.
    #[arg(long)]
    pub hints: bool,
    /// The build context directory.
    pub context: PathBuf,
}

/// Reads every file under `dir` into a context, skipping `skip` (the state dir).
pub fn read_context(dir: &Path, skip: &Path) -> Result<Context, String> {
    let mut ctx = Context::new();
    let skip = skip.canonicalize().ok();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        let entries = std::fs::read_dir(&d).map_err(|e| format!("{}: {e}", d.display()))?;
        for entry in entries.flatten() {
            let path = entry.path();
            if skip.is_some() && path.canonicalize().ok() == skip {
                continue;
            }
            let meta = entry
                .metadata()
                .map_err(|e| format!("{}: {e}", path.display()))?;
            if meta.is_dir() {
                stack.push(path);
            } else if meta.is_file() {
                let rel = path
                    .strip_prefix(dir)
                    .unwrap_or(&path)
                    .to_string_lossy()
                    .replace('\\', "/");
                let data = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
                ctx.insert(&rel, data, mode_of(&meta));
            }
        }
    }
    Ok(ctx)
}

#[cfg(unix)]
fn mode_of(meta: &std::fs::Metadata) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode() & 0o7777
}

#[cfg(not(unix))]
fn mode_of(_: &std::fs::Metadata) -> u32 {
    0o644
}

/// The data the CLI reads: `$LAYERLAB_DATA` (a directory laid out as the
/// repository's `data/`) when set, else the data compiled into the binary.
pub fn data_source() -> Arc<dyn DataSource> {
    match std::env::var_os("LAYERLAB_DATA").map(PathBuf::from) {
        Some(dir) if dir.is_dir() => Arc::new(DirSource(dir)),
        _ => Arc::new(Embedded),
    }
}

/// The catalog: `--catalog` or `$LAYERLAB_CATALOG` (a catalog index, or a
/// JSON array of full entries as in the official-image facts), else the
/// data's own (`catalog/index.json`).
pub fn load_catalog(explicit: Option<&Path>) -> Result<(Catalog, Option<PathBuf>), String> {
    let candidate = explicit
        .map(Path::to_owned)
        .or_else(|| std::env::var_os("LAYERLAB_CATALOG").map(PathBuf::from));
    match candidate {
        Some(path) => {
            let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            let catalog = if bytes.trim_ascii_start().starts_with(b"[") {
                Catalog::from_json(&bytes)?
            } else {
                // An index beside its entries/ directory.
                let dir = path
                    .parent()
                    .and_then(Path::parent)
                    .map(Path::to_owned)
                    .unwrap_or_default();
                Catalog::from_index(&bytes, Arc::new(DirSource(dir)))?
            };
            Ok((catalog, Some(path)))
        }
        None => Ok((Catalog::from_source(data_source())?, None)),
    }
}

/// RUN's executor with the package data.
fn executor() -> ShellExecutor {
    ShellExecutor::from_source(data_source().as_ref())
}

pub fn now_rfc3339() -> (String, i64) {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    (time::format_rfc3339(secs), secs)
}

pub fn run(args: BuildArgs, store: &Store) -> Result<bool, String> {
    let dockerfile_path = args
        .file
        .clone()
        .unwrap_or_else(|| args.context.join("Dockerfile"));
    let dockerfile = std::fs::read(&dockerfile_path).map_err(|e| {
        format!(
            "failed to read dockerfile {}: {e}",
            dockerfile_path.display()
        )
    })?;
    let context = read_context(&args.context, store.dir())?;
    let executor = executor();
    let (catalog, _) = load_catalog(args.catalog.as_deref())?;
    let catalog = match &executor.debian {
        Some(debian) => catalog.with_debian(debian.clone()),
        None => catalog,
    };
    let mut build_args = Vec::new();
    for a in &args.build_args {
        match a.split_once('=') {
            Some((k, v)) => build_args.push((k.to_owned(), v.to_owned())),
            // `--build-arg NAME` takes the value from the environment, as docker does.
            None => {
                if let Ok(v) = std::env::var(a) {
                    build_args.push((a.clone(), v));
                }
            }
        }
    }
    let builder = if args.progress == "classic" {
        Builder::Classic
    } else {
        Builder::BuildKit
    };
    let (now, _) = now_rfc3339();
    let rel_dockerfile = dockerfile_path
        .strip_prefix(&args.context)
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .unwrap_or_else(|_| "Dockerfile".into());
    let options = BuildOptions {
        dockerfile_path: Some(rel_dockerfile),
        target: args.target.clone(),
        build_args,
        no_cache: args.no_cache,
        no_cache_stages: args.no_cache_filter.clone(),
        tags: args.tags.iter().map(|t| logs::full_tag(t)).collect(),
        builder,
        catalog_date: args.catalog_date.clone(),
        now: Some(now.clone()),
    };
    let mut cache = store.cache()?;
    let result = build(
        &dockerfile,
        &context,
        &catalog,
        &options,
        &mut cache,
        &executor,
    );
    store.save_cache(&cache)?;
    print_result(&result, &args, &dockerfile);
    if args.hints {
        let inputs = layerlab_core::build::what_if::Inputs {
            dockerfile: &dockerfile,
            context: &context,
            catalog: &catalog,
            options: &options,
            executor: &executor,
        };
        print_hints(&layerlab_core::hints::hints(&inputs, &cache, &result));
    }
    if let Some(image) = &result.image {
        store.add_image(StoredImage {
            id: image.id.clone(),
            tags: image.tags.clone(),
            created: Some(now),
            size: image.size,
            history: image.history_rows(),
            changes: image.changes.clone(),
        })?;
    }
    Ok(result.ok())
}

fn print_result(result: &BuildResult, args: &BuildArgs, dockerfile: &[u8]) {
    use std::io::Write;
    let text = if args.format.as_deref() == Some("json") {
        json::build_json(result)
    } else if args.progress == "classic" {
        logs::classic(result)
    } else {
        logs::plain(result, dockerfile)
    };
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes());
    for w in &result.warnings {
        eprintln!(
            "warning: {}{}",
            w.line.map(|l| format!("line {l}: ")).unwrap_or_default(),
            w.message
        );
    }
}

/// Hints after the log: what, where, the measured effect, and the fix.
fn print_hints(hints: &[layerlab_core::hints::Hint]) {
    use std::io::Write;
    let mut out = String::new();
    if hints.is_empty() {
        out.push_str("\nhints: none\n");
    }
    for h in hints {
        let lines = h
            .lines
            .iter()
            .map(usize::to_string)
            .collect::<Vec<_>>()
            .join(", ");
        let at = if lines.is_empty() {
            String::new()
        } else {
            format!(" (line {lines})")
        };
        out.push_str(&format!("\nhint {}{at}: {}\n", h.kind, h.message));
        if let Some(fix) = &h.fix {
            out.push_str("  the Dockerfile with the fix:\n");
            for l in fix.lines() {
                out.push_str(&format!("    {l}\n"));
            }
        }
        if let Some((name, text)) = &h.writes {
            out.push_str(&format!("  the fix writes {name}:\n"));
            for l in text.lines() {
                out.push_str(&format!("    {l}\n"));
            }
        }
    }
    let _ = std::io::stdout().lock().write_all(out.as_bytes());
}
