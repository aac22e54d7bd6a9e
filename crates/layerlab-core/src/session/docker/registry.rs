//! The registry commands: `login` (simulated: any name works and no
//! password leaves the page), `logout`, `push` (only the layers the
//! repository lacks; official base layers mounted) and `pull` (of pushed
//! repositories and of catalog images).

use super::{Args, Ctx, Out, Prompt, Spec};
use crate::session::Engine;

const INDEX: &str = "https://index.docker.io/v1/";

pub fn login(engine: &mut Engine, argv: &[String], ctx: &Ctx<'_>) -> Out {
    const SPEC: Spec = Spec {
        path: "docker login",
        usage: "docker login [OPTIONS] [SERVER]",
        bools: &[(' ', "password-stdin")],
        values: &[('u', "username"), ('p', "password")],
        args: Args::Any,
        stop_at_arg: false,
    };
    let p = flags!(SPEC, argv, ctx);
    if let Some(server) = p.args.first() {
        if !server.contains("docker.io") {
            return Out::error(
                format!(
                    "layerlab: the only registry here is the simulated Docker Hub, not {server}\n"
                ),
                1,
            );
        }
    }
    let banner = if ctx.modern {
        "Log in with your Docker ID or email address to push and pull images from Docker Hub. If you don't have a Docker ID, head over to https://hub.docker.com/ to create one.\n"
    } else {
        "Login with your Docker ID to push and pull images from Docker Hub. If you don't have a Docker ID, head over to https://hub.docker.com to create one.\n"
    };
    match (
        p.value("username"),
        p.has("password-stdin") || p.value("password").is_some(),
    ) {
        (Some(user), true) => {
            let mut out = Out::ok("");
            if p.value("password").is_some() {
                out.stderr.push_str(
                    "WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n",
                );
            }
            out.and(logged_in(engine, user))
        }
        (Some(user), false) => {
            engine.prompt = Some(Prompt::Password {
                user: user.to_owned(),
            });
            Out::ok("")
        }
        (None, _) => {
            engine.prompt = Some(Prompt::Username);
            Out::ok(banner)
        }
    }
}

/// The username prompt's answer.
pub fn username(engine: &mut Engine, user: &str) -> Out {
    if user.is_empty() {
        return Out::error("Error: Non-null Username Required\n", 1);
    }
    engine.prompt = Some(Prompt::Password {
        user: user.to_owned(),
    });
    Out::ok("")
}

/// Logged in (the password is never looked at, kept or sent).
pub fn logged_in(engine: &mut Engine, user: &str) -> Out {
    engine.login = Some(user.to_lowercase());
    Out::ok(
        "Login Succeeded\nlayerlab: simulated Docker Hub: any name works, and the password is neither checked nor kept; nothing leaves the page.\n",
    )
}

pub fn logout(engine: &mut Engine, _argv: &[String], _ctx: &Ctx<'_>) -> Out {
    match engine.login.take() {
        Some(_) => Out::ok(format!("Removing login credentials for {INDEX}\n")),
        None => Out::ok(format!("Not logged in to {INDEX}\n")),
    }
}

/// `name[:tag]` → (`user/name` repository path, tag, whether a tag was given).
fn repository_of(reference: &str) -> (String, String, bool) {
    let (name, tag, given) = match reference.rsplit_once(':') {
        Some((n, t)) if !t.contains('/') => (n.to_owned(), t.to_owned(), true),
        _ => (reference.to_owned(), "latest".to_owned(), false),
    };
    let name = name
        .strip_prefix("docker.io/")
        .or_else(|| name.strip_prefix("index.docker.io/"))
        .unwrap_or(&name)
        .to_owned();
    let path = if name.contains('/') {
        name
    } else {
        format!("library/{name}")
    };
    (path, tag, given)
}

/// The short name Docker prints for a repository path (`python`, `me/app`).
fn familiar(path: &str) -> &str {
    path.strip_prefix("library/").unwrap_or(path)
}

pub fn push(engine: &mut Engine, argv: &[String], ctx: &Ctx<'_>) -> Out {
    const SPEC: Spec = Spec {
        path: "docker push",
        usage: "docker push [OPTIONS] NAME[:TAG]",
        bools: &[
            ('a', "all-tags"),
            ('q', "quiet"),
            (' ', "disable-content-trust"),
        ],
        values: &[],
        args: Args::Exactly(1),
        stop_at_arg: false,
    };
    let p = flags!(SPEC, argv, ctx);
    let (path, tag, _) = repository_of(&p.args[0]);
    let local = format!("{}:{tag}", familiar(&path));
    let Some(image) = engine.images.find(&local).cloned() else {
        return Out::error(
            format!(
                "An image does not exist locally with the tag: {}\n",
                familiar(&path)
            ),
            1,
        );
    };
    let mut out = String::from(if engine.era().push_a_repository {
        "The push refers to a repository "
    } else {
        "The push refers to repository "
    });
    out.push_str(&format!("[docker.io/{path}]\n"));
    let namespace = path.split('/').next().unwrap_or_default();
    if engine.login.as_deref() != Some(namespace) {
        for l in image.layers.iter().rev() {
            out.push_str(&format!(
                "{}: Preparing\n",
                crate::image::short_id(&l.diff_id)
            ));
        }
        let mut e = Out::ok(out);
        e.stderr = "denied: requested access to the resource is denied\n".into();
        e.status = 1;
        if engine.login.is_none() {
            e.stderr
                .push_str("layerlab: log in first (docker login); any name works here\n");
        } else if namespace != "library" {
            e.stderr.push_str(&format!(
                "layerlab: you are logged in as {}; tag the image {}/NAME to push it\n",
                engine.login.as_deref().unwrap_or_default(),
                engine.login.as_deref().unwrap_or_default()
            ));
        }
        return e;
    }
    let (lines, manifest) = engine.registry.push(&path, &tag, &image);
    for l in &lines {
        out.push_str(&format!("{}: {}\n", l.id, l.status));
    }
    out.push_str(&format!(
        "{tag}: digest: {} size: {}\n",
        manifest.digest,
        manifest.json.len()
    ));
    engine.images.add_repo_digest(
        &image.id,
        format!("{}@{}", familiar(&path), manifest.digest),
    );
    let mut result = Out::ok(out);
    if image.layers.iter().filter(|l| l.origin.is_some()).count() == 1 {
        result.stderr.push_str(
            "layerlab: the base image's layers are shown as one: the catalog has no layer list for it\n",
        );
    }
    engine.clock += 2;
    result
}

pub fn pull_command(engine: &mut Engine, argv: &[String], ctx: &Ctx<'_>) -> Out {
    const SPEC: Spec = Spec {
        path: "docker pull",
        usage: "docker pull [OPTIONS] NAME[:TAG|@DIGEST]",
        bools: &[
            ('a', "all-tags"),
            ('q', "quiet"),
            (' ', "disable-content-trust"),
        ],
        values: &[(' ', "platform")],
        args: Args::Exactly(1),
        stop_at_arg: false,
    };
    let p = flags!(SPEC, argv, ctx);
    let (_, _, given) = repository_of(&p.args[0]);
    let mut out = if given || p.args[0].contains('@') {
        Out::ok("")
    } else {
        Out::ok("Using default tag: latest\n")
    };
    let pulled = pull(engine, &p.args[0]);
    if pulled.status != 0 {
        return out.and(Out::error(format!("{}\n", pulled.stderr.trim_end()), 1));
    }
    out = out.and(pulled);
    out
}

/// Pulls a reference: from the session's registry when it was pushed
/// there, else from the catalog of official images.
pub fn pull(engine: &mut Engine, reference: &str) -> Out {
    let (path, tag, _) = repository_of(reference);
    let name = familiar(&path).to_owned();
    let full = format!("{name}:{tag}");
    let newer = engine.era().pull_prints_reference;
    let closing = if newer {
        format!("docker.io/{path}:{tag}\n")
    } else {
        String::new()
    };
    if let Some(manifest) = engine.registry.manifest(&path, &tag).cloned() {
        let present = engine
            .images
            .find(&full)
            .is_some_and(|i| i.id == manifest.image.id);
        if present {
            return Out::ok(up_to_date(&tag, &path, &manifest.digest, &full, &closing));
        }
        let mut out = format!("{tag}: Pulling from {path}\n");
        for l in &manifest.image.layers {
            let status = if engine.images.has_layer(&l.diff_id) {
                "Already exists"
            } else {
                "Pull complete"
            };
            out.push_str(&format!("{}: {status}\n", crate::image::short_id(&l.blob)));
        }
        out.push_str(&format!(
            "Digest: {}\nStatus: Downloaded newer image for {full}\n{closing}",
            manifest.digest
        ));
        let mut image = manifest.image.clone();
        image.tags = vec![full];
        image.repo_digests = vec![format!("{name}@{}", manifest.digest)];
        engine.images.add(image);
        return Out::ok(out);
    }
    let official = path.starts_with("library/");
    let known = official
        && engine
            .data
            .catalog
            .resolve(&full, engine.options.date.as_deref())
            .is_some();
    if !known {
        let mut why = format!(
            "Error response from daemon: pull access denied for {name}, repository does not exist or may require 'docker login'"
        );
        if newer {
            why.push_str(": denied: requested access to the resource is denied");
        }
        return Out::error(why, 1);
    }
    match engine.pull(&full) {
        Some(pull) => Out::ok(crate::report::logs::pull_lines(&pull, newer)),
        None => {
            let Some(image) = engine.images.find(&full) else {
                // Known to the catalog but its details are still loading.
                return Out::ok("");
            };
            let digest = image
                .repo_digests
                .first()
                .and_then(|d| d.split_once('@'))
                .map(|(_, d)| d.to_owned())
                .unwrap_or_default();
            Out::ok(up_to_date(&tag, &path, &digest, &full, &closing))
        }
    }
}

/// `docker pull` of an image already here.
fn up_to_date(tag: &str, path: &str, digest: &str, full: &str, closing: &str) -> String {
    format!("{tag}: Pulling from {path}\nDigest: {digest}\nStatus: Image is up to date for {full}\n{closing}")
}
