//! The image commands: `images`, `history`, `tag`, `rmi`, the prunes,
//! `system df` (shared and unique sizes: layer sharing in numbers) and
//! `inspect`.

use super::{Args, Ctx, Out, Prompt, Prune, Spec};
use crate::report::docker::{self, ImageRow};
use crate::report::size::human_size;
use crate::report::table::render;
use crate::report::time::since;
use crate::session::Engine;

pub fn images(engine: &mut Engine, argv: &[String], ctx: &Ctx<'_>) -> Out {
    const SPEC: Spec = Spec {
        path: "docker images",
        usage: "docker images [OPTIONS] [REPOSITORY[:TAG]]",
        bools: &[
            ('a', "all"),
            ('q', "quiet"),
            (' ', "no-trunc"),
            (' ', "digests"),
        ],
        values: &[('f', "filter"), (' ', "format")],
        args: Args::AtMost(1),
        stop_at_arg: false,
    };
    let p = flags!(SPEC, argv, ctx);
    let rows = engine
        .images
        .rows(p.args.first().map(String::as_str), p.has("all"));
    if p.has("quiet") {
        let mut seen = Vec::new();
        for r in &rows {
            let id = crate::image::short_id(&r.id).to_owned();
            if !seen.contains(&id) {
                seen.push(id);
            }
        }
        return Out::ok(seen.iter().map(|i| format!("{i}\n")).collect::<String>());
    }
    Out::ok(docker::images(&rows, Some(engine.clock)))
}

pub fn history(engine: &mut Engine, argv: &[String], ctx: &Ctx<'_>) -> Out {
    const SPEC: Spec = Spec {
        path: "docker history",
        usage: "docker history [OPTIONS] IMAGE",
        bools: &[('q', "quiet"), (' ', "no-trunc"), ('H', "human")],
        values: &[(' ', "format")],
        args: Args::Exactly(1),
        stop_at_arg: false,
    };
    let p = flags!(SPEC, argv, ctx);
    let Some(image) = engine.images.find(&p.args[0]) else {
        return Out::error(
            format!("Error response from daemon: No such image: {}\n", p.args[0]),
            1,
        );
    };
    if p.has("quiet") {
        return Out::ok(
            image
                .history
                .iter()
                .map(|r| {
                    let id = r
                        .image_id
                        .as_deref()
                        .map_or("<missing>", crate::image::short_id);
                    format!("{id}\n")
                })
                .collect::<String>(),
        );
    }
    Out::ok(docker::history_table(
        &image.history,
        Some(engine.clock),
        !p.has("no-trunc"),
    ))
}

pub fn tag(engine: &mut Engine, argv: &[String], ctx: &Ctx<'_>) -> Out {
    const SPEC: Spec = Spec {
        path: "docker tag",
        usage: "docker tag SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]",
        bools: &[],
        values: &[],
        args: Args::Exactly(2),
        stop_at_arg: false,
    };
    let p = flags!(SPEC, argv, ctx);
    if let Err(e) = super::build::check_reference(&p.args[1]) {
        return Out::error(
            format!(
                "Error parsing reference: {:?} is not a valid repository/tag: {e}\n",
                p.args[1]
            ),
            1,
        );
    }
    match engine.images.tag(&p.args[0], &p.args[1]) {
        Ok(()) => Out::ok(""),
        Err(e) => Out::error(format!("{e}\n"), 1),
    }
}

pub fn rmi(engine: &mut Engine, argv: &[String], ctx: &Ctx<'_>) -> Out {
    const SPEC: Spec = Spec {
        path: "docker rmi",
        usage: "docker rmi [OPTIONS] IMAGE [IMAGE...]",
        bools: &[('f', "force"), (' ', "no-prune")],
        values: &[],
        args: Args::AtLeast(1),
        stop_at_arg: false,
    };
    let p = flags!(SPEC, argv, ctx);
    let mut out = Out::ok("");
    for reference in &p.args {
        let containers = engine.containers.clone();
        let in_use = |id: &str| {
            containers
                .iter()
                .find(|c| c.image_id == id)
                .map(|c| c.id.clone())
        };
        match engine.images.remove(reference, p.has("force"), &in_use) {
            Ok(r) => {
                for u in r.untagged {
                    out.stdout.push_str(&format!("Untagged: {u}\n"));
                }
                for d in r.deleted {
                    out.stdout.push_str(&format!("Deleted: {d}\n"));
                }
            }
            Err(e) => {
                out.stderr.push_str(&format!("{e}\n"));
                out.status = 1;
            }
        }
    }
    out
}

/// `image prune`, `container prune`, `system prune`: asks first unless `-f`.
pub fn prune_command(engine: &mut Engine, argv: &[String], ctx: &Ctx<'_>, what: Prune) -> Out {
    const SPEC: Spec = Spec {
        path: "docker prune",
        usage: "docker system prune [OPTIONS]",
        bools: &[('f', "force"), ('a', "all"), (' ', "volumes")],
        values: &[(' ', "filter")],
        args: Args::Any,
        stop_at_arg: false,
    };
    let p = flags!(SPEC, argv, ctx);
    if p.has("force") {
        return prune(engine, what);
    }
    let warning = match what {
        Prune::Images => "WARNING! This will remove all dangling images.".to_owned(),
        Prune::Containers => "WARNING! This will remove all stopped containers.".to_owned(),
        Prune::System => {
            // Docker 17.06 pruned volumes too; from 17.07 the build cache instead.
            let items: &[&str] = if engine.era().push_a_repository {
                &[
                    "all stopped containers",
                    "all volumes not used by at least one container",
                    "all networks not used by at least one container",
                    "all dangling images",
                ]
            } else {
                &[
                    "all stopped containers",
                    "all networks not used by at least one container",
                    "all dangling images",
                    "all build cache",
                ]
            };
            let indent = if ctx.modern { "  - " } else { "        - " };
            let mut w = String::from("WARNING! This will remove:");
            for i in items {
                w.push_str(&format!("\n{indent}{i}"));
            }
            if ctx.modern {
                w.push('\n');
            }
            w
        }
    };
    engine.prompt = Some(Prompt::Confirm {
        what,
        question: warning.clone(),
    });
    Out::ok(format!("{warning}\n"))
}

/// Does the prune (after `y` or `-f`).
pub fn prune(engine: &mut Engine, what: Prune) -> Out {
    let mut out = String::new();
    let mut reclaimed = 0;
    if matches!(what, Prune::Containers | Prune::System) {
        let stopped: Vec<String> = engine
            .containers
            .iter()
            .filter(|c| !c.running())
            .map(|c| c.id.clone())
            .collect();
        engine.containers.retain(|c| c.running());
        if !stopped.is_empty() {
            out.push_str("Deleted Containers:\n");
            for id in &stopped {
                out.push_str(&format!("{id}\n"));
            }
            out.push('\n');
        }
    }
    if matches!(what, Prune::Images | Prune::System) {
        let containers = engine.containers.clone();
        let (removed, freed) = engine
            .images
            .prune(&|id| containers.iter().any(|c| c.image_id == id));
        reclaimed += freed;
        if !removed.deleted.is_empty() {
            out.push_str("Deleted Images:\n");
            for u in removed.untagged {
                out.push_str(&format!("untagged: {u}\n"));
            }
            for d in removed.deleted {
                out.push_str(&format!("deleted: {d}\n"));
            }
            out.push('\n');
        }
    }
    if what == Prune::System {
        let entries = engine.cache.len();
        engine.cache.clear();
        if entries > 0 {
            out.push_str(&format!(
                "layerlab: the build cache ({entries} steps) is cleared too\n"
            ));
        }
    }
    out.push_str(&format!(
        "Total reclaimed space: {}\n",
        human_size(reclaimed)
    ));
    Out::ok(out)
}

/// `docker system df` (`-v`: per image, shared and unique size).
pub fn system_df(engine: &mut Engine, argv: &[String], ctx: &Ctx<'_>) -> Out {
    const SPEC: Spec = Spec {
        path: "docker system df",
        usage: "docker system df [OPTIONS]",
        bools: &[('v', "verbose")],
        values: &[(' ', "format")],
        args: Args::Any,
        stop_at_arg: false,
    };
    let p = flags!(SPEC, argv, ctx);
    let all = engine.images.all();
    let used = |id: &str| engine.containers.iter().any(|c| c.image_id == id);
    let active = all.iter().filter(|i| used(&i.id)).count();
    let total = engine.images.disk_usage();
    let reclaimable: u64 = all
        .iter()
        .filter(|i| !used(&i.id))
        .map(|i| engine.images.shared_and_unique(i).1)
        .sum();
    let percent = |part: u64, whole: u64| (part * 100).checked_div(whole).unwrap_or(0);
    let running = engine.containers.iter().filter(|c| c.running()).count();
    let mut table = vec![
        vec![
            "TYPE".into(),
            "TOTAL".into(),
            "ACTIVE".into(),
            "SIZE".into(),
            "RECLAIMABLE".into(),
        ],
        vec![
            "Images".into(),
            all.len().to_string(),
            active.to_string(),
            human_size(total),
            format!(
                "{} ({}%)",
                human_size(reclaimable),
                percent(reclaimable, total)
            ),
        ],
        vec![
            "Containers".into(),
            engine.containers.len().to_string(),
            running.to_string(),
            "0B".into(),
            "0B (0%)".into(),
        ],
        vec![
            "Local Volumes".into(),
            "0".into(),
            "0".into(),
            "0B".into(),
            "0B".into(),
        ],
    ];
    if ctx.modern {
        table.push(vec![
            "Build Cache".into(),
            engine.cache.len().to_string(),
            "0".into(),
            "0B".into(),
            "0B".into(),
        ]);
    }
    if !p.has("verbose") {
        return Out::ok(render(&table));
    }
    let mut rows = vec![vec![
        "REPOSITORY".into(),
        "TAG".into(),
        "IMAGE ID".into(),
        "CREATED".into(),
        "SIZE".into(),
        "SHARED SIZE".into(),
        "UNIQUE SIZE".into(),
        "CONTAINERS".into(),
    ]];
    for image in all.iter().rev() {
        let (shared, unique) = engine.images.shared_and_unique(image);
        let containers = engine
            .containers
            .iter()
            .filter(|c| c.image_id == image.id)
            .count();
        for row in ImageRow::for_tags(&image.tags, &image.id, image.created.as_deref(), image.size)
        {
            rows.push(vec![
                row.repository,
                row.tag,
                image.short_id().to_owned(),
                since(image.created.as_deref(), Some(engine.clock)),
                human_size(image.size),
                human_size(shared),
                human_size(unique),
                containers.to_string(),
            ]);
        }
    }
    Out::ok(format!("Images space usage:\n\n{}", render(&rows)))
}

/// `docker inspect`: the image's (or container's) document, as JSON.
pub fn inspect(engine: &mut Engine, argv: &[String], ctx: &Ctx<'_>, command: &str) -> Out {
    const SPEC: Spec = Spec {
        path: "docker inspect",
        usage: "docker inspect [OPTIONS] NAME|ID [NAME|ID...]",
        bools: &[('s', "size")],
        values: &[('f', "format"), (' ', "type")],
        args: Args::AtLeast(1),
        stop_at_arg: false,
    };
    let p = flags!(SPEC, argv, ctx);
    let mut docs = Vec::new();
    for name in &p.args {
        let container = (command != "image inspect")
            .then(|| super::containers::find(engine, name))
            .flatten();
        let doc = match container {
            Some(c) => serde_json::to_value(ContainerDoc {
                id: &c.id,
                created: crate::report::time::format_rfc3339(c.created),
                path: c
                    .process
                    .argv
                    .first()
                    .map(String::as_str)
                    .unwrap_or_default(),
                args: c.process.argv.get(1..).unwrap_or_default(),
                running: c.running(),
                image: &c.image_id,
                name: format!("/{}", c.name),
                user: &c.process.user,
                env: &c.process.env,
                working_dir: &c.process.workdir,
            }),
            None => {
                let Some(image) = engine.images.find(name) else {
                    return Out::error(format!("Error: No such object: {name}\n"), 1);
                };
                serde_json::to_value(ImageDoc {
                    id: &image.id,
                    repo_tags: &image.tags,
                    repo_digests: &image.repo_digests,
                    created: image.created.as_deref(),
                    config: &image.config.config,
                    architecture: &image.config.architecture,
                    os: &image.config.os,
                    size: image.size,
                    root_fs: RootFs {
                        kind: "layers",
                        layers: image.layers.iter().map(|l| l.diff_id.as_str()).collect(),
                    },
                })
            }
        };
        docs.push(doc.unwrap_or_default());
    }
    if let Some(format) = p.value("format") {
        return Out::ok(format_template(format, &docs));
    }
    // Docker indents inspect's JSON by four spaces (values are left as they are).
    let mut text = Vec::new();
    let mut json = serde_json::Serializer::with_formatter(
        &mut text,
        serde_json::ser::PrettyFormatter::with_indent(b"    "),
    );
    let _ = serde::Serialize::serialize(&docs, &mut json);
    Out::ok(format!("{}\n", String::from_utf8_lossy(&text)))
}

/// `docker inspect` of an image: the fields a lab reads.
#[derive(serde::Serialize)]
#[serde(rename_all = "PascalCase")]
struct ImageDoc<'a> {
    id: &'a str,
    repo_tags: &'a [String],
    repo_digests: &'a [String],
    created: Option<&'a str>,
    config: &'a crate::image::RunConfig,
    architecture: &'a str,
    os: &'a str,
    size: u64,
    #[serde(rename = "RootFS")]
    root_fs: RootFs<'a>,
}

#[derive(serde::Serialize)]
#[serde(rename_all = "PascalCase")]
struct RootFs<'a> {
    #[serde(rename = "Type")]
    kind: &'a str,
    layers: Vec<&'a str>,
}

/// `docker inspect` of a container: what would have started.
#[derive(serde::Serialize)]
#[serde(rename_all = "PascalCase")]
struct ContainerDoc<'a> {
    id: &'a str,
    created: String,
    path: &'a str,
    args: &'a [String],
    running: bool,
    image: &'a str,
    name: String,
    user: &'a str,
    env: &'a [String],
    working_dir: &'a str,
}

/// `--format '{{.Config.Cmd}}'`-style lookups of one field path (Go
/// templates beyond that are not simulated).
fn format_template(format: &str, docs: &[serde_json::Value]) -> String {
    let path = format
        .trim()
        .trim_start_matches("{{")
        .trim_end_matches("}}")
        .trim()
        .trim_start_matches("json ")
        .trim_start_matches('.');
    let mut out = String::new();
    for doc in docs {
        let mut v = doc;
        for part in path.split('.').filter(|p| !p.is_empty()) {
            v = v.get(part).unwrap_or(&serde_json::Value::Null);
        }
        let text = match v {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Null => "<no value>".into(),
            serde_json::Value::Array(items) => format!(
                "[{}]",
                items
                    .iter()
                    .map(|i| i
                        .as_str()
                        .map(str::to_owned)
                        .unwrap_or_else(|| i.to_string()))
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
            other => other.to_string(),
        };
        out.push_str(&text);
        out.push('\n');
    }
    out
}
