//! `docker build` / `docker image build`: the context directory and the
//! Dockerfile read from the host's files, built over the session's cache,
//! printed as the classic builder or BuildKit's plain progress prints it.

use crate::build::Note;
use crate::build::{BuildOptions, Builder};
use crate::fs::Tree;

use super::{Args, Ctx, Out, Spec};
use crate::session::Engine;

const SPEC: Spec = Spec {
    path: "docker build",
    usage: "docker build [OPTIONS] PATH | URL | -",
    bools: &[
        ('q', "quiet"),
        (' ', "no-cache"),
        (' ', "pull"),
        (' ', "rm"),
        (' ', "load"),
        (' ', "push"),
    ],
    values: &[
        ('t', "tag"),
        ('f', "file"),
        (' ', "target"),
        (' ', "build-arg"),
        (' ', "progress"),
        (' ', "platform"),
        (' ', "network"),
        (' ', "no-cache-filter"),
        (' ', "label"),
    ],
    args: Args::Exactly(1),
    stop_at_arg: false,
};

pub fn build(engine: &mut Engine, argv: &[String], ctx: &Ctx<'_>, files: &mut Tree) -> Out {
    let p = flags!(SPEC, argv, ctx);
    let builder = engine.builder(ctx.env.get("DOCKER_BUILDKIT"));
    // `docker build - < Dockerfile`: the Dockerfile from standard input, no context.
    let from_stdin = p.args[0] == "-";
    let dir = if from_stdin {
        "/nonexistent-context".to_owned()
    } else {
        crate::fs::path::join(ctx.cwd, &p.args[0])
    };
    if from_stdin {
        let _ = files.mkdir_all(&dir, crate::fs::Meta::DIR);
        let _ = files.write_file(
            &format!("{dir}/Dockerfile"),
            crate::fs::Meta::FILE,
            crate::fs::Content::bytes(ctx.stdin.as_bytes().to_vec()),
        );
    }
    if !files.get(&dir).is_some_and(crate::fs::Node::is_dir) {
        return Out::error(
            format!(
                "unable to prepare context: path {:?} not found\n",
                p.args[0]
            ),
            1,
        );
    }
    let dockerfile_path = match p.value("file") {
        Some(f) => crate::fs::path::join(ctx.cwd, f),
        None => format!("{}/Dockerfile", dir.trim_end_matches('/')),
    };
    let Some(dockerfile) = files.text(&dockerfile_path) else {
        return Out::error(
            match builder {
                Builder::Classic => format!("unable to prepare context: unable to evaluate symlinks in Dockerfile path: lstat {dockerfile_path}: no such file or directory\n"),
                Builder::BuildKit => "ERROR: failed to solve: failed to read dockerfile: open Dockerfile: no such file or directory\n".to_owned(),
            },
            1,
        );
    };
    let mut tags = Vec::new();
    for t in p.values("tag") {
        if let Err(e) = check_reference(t) {
            return Out::error(format!("invalid argument {t:?} for \"-t, --tag\" flag: {e}\nSee 'docker build --help'.\n"), 125);
        }
        tags.push(t.to_owned());
    }
    let rel_dockerfile = dockerfile_path
        .strip_prefix(&format!("{}/", dir.trim_end_matches('/')))
        .map(str::to_owned);
    let options = BuildOptions {
        dockerfile_path: rel_dockerfile,
        target: p.value("target").map(str::to_owned),
        build_args: p
            .values("build-arg")
            .iter()
            .map(|a| match a.split_once('=') {
                Some((k, v)) => (k.to_owned(), v.to_owned()),
                None => (a.to_string(), ctx.env.get(a).unwrap_or_default().to_owned()),
            })
            .collect(),
        no_cache: p.has("no-cache"),
        no_cache_stages: p
            .values("no-cache-filter")
            .iter()
            .map(|s| s.to_string())
            .collect(),
        tags,
        builder,
        ..BuildOptions::default()
    };
    let context = crate::session::builds::context_of(files, &dir);
    if from_stdin {
        let _ = files.remove(&dir);
    }
    let result = engine.build(dockerfile.as_bytes(), &context, options, false);
    if !engine.wanted.is_empty() {
        return Out::ok("");
    }
    let quiet = p.has("quiet");
    let text = if quiet {
        result
            .image
            .as_ref()
            .map(|i| format!("{}\n", i.id))
            .unwrap_or_default()
    } else {
        match builder {
            Builder::Classic => crate::report::logs::classic(&result),
            Builder::BuildKit => crate::report::logs::plain(&result, dockerfile.as_bytes()),
        }
    };
    let ok = result.ok();
    let notes = notes_of(&result);
    engine.show(result, dockerfile);
    let mut out = if ok {
        // The classic builder writes to stdout, BuildKit's progress to stderr.
        match builder {
            Builder::Classic => Out::ok(text),
            Builder::BuildKit => Out {
                stderr: text,
                ..Out::ok("")
            },
        }
    } else {
        Out::error(text, 1)
    };
    out.stderr.push_str(&notes);
    out
}

/// layerlab's notes on what it did not simulate in the steps that ran.
fn notes_of(result: &crate::build::BuildResult) -> String {
    let unsimulated = result
        .steps
        .iter()
        .filter(|s| s.notes.iter().any(Note::is_unsimulated))
        .count();
    if unsimulated == 0 {
        return String::new();
    }
    format!("layerlab: {unsimulated} step(s) ran commands it does not simulate; see their notes in the steps panel\n")
}

/// Docker's reference rules, in brief: lowercase repository, a tag of
/// word characters, dots and dashes.
pub fn check_reference(reference: &str) -> Result<(), String> {
    let (name, tag) = match reference.rsplit_once(':') {
        Some((n, t)) if !t.contains('/') => (n, Some(t)),
        _ => (reference, None),
    };
    if name.is_empty() || tag.is_some_and(str::is_empty) {
        return Err("invalid reference format".into());
    }
    if name.chars().any(|c| c.is_ascii_uppercase()) {
        return Err("invalid reference format: repository name must be lowercase".into());
    }
    let name_ok = name.split('/').all(|part| {
        !part.is_empty()
            && part
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c))
    });
    let tag_ok = tag.is_none_or(|t| {
        t.len() <= 128
            && t.chars()
                .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
    });
    if name_ok && tag_ok {
        Ok(())
    } else {
        Err("invalid reference format".into())
    }
}
