//! The container commands: `run` (the preflight: everything up to the
//! process start, with Docker's errors), `ps`, `logs`, `stop`, `rm`.

use super::{Args, Ctx, Out, Spec};
use crate::report::table::render;
use crate::report::time::{format_rfc3339, since};
use crate::session::containers::{
    find_program, generated_name, parse_publish, process, shell_words, Container, RunRequest, State,
};
use crate::session::Engine;

/// A container by name, full ID or ID prefix.
pub fn find<'a>(engine: &'a Engine, name: &str) -> Option<&'a Container> {
    engine
        .containers
        .iter()
        .find(|c| c.name == name.trim_start_matches('/'))
        .or_else(|| {
            (!name.is_empty() && name.bytes().all(|b| b.is_ascii_hexdigit()))
                .then(|| engine.containers.iter().find(|c| c.id.starts_with(name)))
                .flatten()
        })
}

const RUN: Spec = Spec {
    path: "docker run",
    usage: "docker run [OPTIONS] IMAGE [COMMAND] [ARG...]",
    bools: &[
        ('d', "detach"),
        ('i', "interactive"),
        ('t', "tty"),
        ('P', "publish-all"),
        (' ', "rm"),
        (' ', "init"),
        (' ', "privileged"),
        (' ', "read-only"),
    ],
    values: &[
        ('p', "publish"),
        ('e', "env"),
        (' ', "env-file"),
        (' ', "name"),
        (' ', "entrypoint"),
        ('u', "user"),
        ('w', "workdir"),
        ('v', "volume"),
        (' ', "network"),
        (' ', "restart"),
        ('m', "memory"),
        (' ', "platform"),
        ('h', "hostname"),
        ('l', "label"),
        (' ', "mount"),
        (' ', "cpus"),
    ],
    args: Args::AtLeast(1),
    stop_at_arg: true,
};

pub fn run(engine: &mut Engine, argv: &[String], ctx: &Ctx<'_>) -> Out {
    let p = flags!(RUN, argv, ctx);
    let Some(image_ref) = p.args.first().cloned() else {
        return RUN.count_error("at least 1 argument", ctx.modern);
    };
    let help = if ctx.modern {
        "\n\nRun 'docker run --help' for more information\n"
    } else {
        "\nSee 'docker run --help'.\n"
    };
    if super::build::check_reference(&image_ref).is_err() {
        return Out::error(format!("docker: invalid reference format.{help}"), 125);
    }
    // Not here: pull it (as `docker run` does), or say the registry has none.
    let mut out = Out::ok("");
    if engine.images.find(&image_ref).is_none() {
        let full = crate::report::logs::full_tag(&image_ref);
        let unable = format!("Unable to find image '{full}' locally\n");
        let pulled = super::registry::pull(engine, &image_ref);
        if pulled.status != 0 {
            let reason = pulled.stderr.trim_end().trim_end_matches('.');
            return Out::error(format!("{unable}docker: {reason}.{help}"), 125);
        }
        out.stdout = format!("{unable}{}", pulled.stdout);
    }
    let Some(image) = engine.images.find(&image_ref).cloned() else {
        return Out::error(format!("docker: No such image: {image_ref}.{help}"), 125);
    };
    let mut env = p
        .values("env")
        .iter()
        .map(|s| s.to_string())
        .collect::<Vec<_>>();
    if let Some(file) = p.value("env-file") {
        return Out::error(
            format!("docker: open {file}: no such file or directory (layerlab reads -e, not env files from the host).{help}"),
            125,
        );
    }
    env.retain(|e| !e.is_empty());
    let request = RunRequest {
        entrypoint: p.value("entrypoint").map(str::to_owned),
        args: p.args[1..].to_vec(),
        env,
        user: p.value("user").map(str::to_owned),
        workdir: p.value("workdir").map(str::to_owned),
    };
    let proc = match process(&image.config.config, &request) {
        Ok(proc) => proc,
        Err(e) => return out.and(Out::error(format!("{e}{help}"), 125)),
    };
    // The name, unless taken.
    let id = engine.new_id("container");
    let name = match p.value("name") {
        Some(n) => {
            if let Some(other) = engine.containers.iter().find(|c| c.name == n) {
                return out.and(Out::error(
                    format!(
                        "docker: Error response from daemon: Conflict. The container name \"/{n}\" is already in use by container \"{}\". You have to remove (or rename) that container to be able to reuse that name.{help}",
                        other.id
                    ),
                    125,
                ));
            }
            n.to_owned()
        }
        None => generated_name(&id, &|n| engine.containers.iter().any(|c| c.name == n)),
    };
    // Ports: `-p` as given, `-P` every EXPOSEd port on a free host port.
    let exposed: Vec<String> = image.config.config.exposed_ports.keys().cloned().collect();
    let mut next_port = 32768u16;
    let used: Vec<u16> = engine
        .containers
        .iter()
        .filter(|c| c.running())
        .flat_map(|c| c.ports.iter().map(|p| p.host_port))
        .collect();
    let mut free = || {
        while used.contains(&next_port) {
            next_port += 1;
        }
        next_port += 1;
        next_port - 1
    };
    let mut ports = Vec::new();
    for spec in p.values("publish") {
        match parse_publish(spec, &mut free) {
            Ok(port) => ports.push(port),
            Err(e) => return out.and(Out::error(format!("docker: {e}.{help}"), 125)),
        }
    }
    if p.has("publish-all") {
        for e in &exposed {
            let (port, proto) = e.split_once('/').unwrap_or((e, "tcp"));
            if let Ok(port) = parse_publish(&format!("{port}/{proto}"), &mut free) {
                ports.push(port);
            }
        }
    }
    let mut notes = Vec::new();
    for port in &ports {
        let key = format!("{}/{}", port.container_port, port.proto);
        if !exposed.contains(&key) {
            notes.push(format!(
                "layerlab: port {key} is published but the image does not EXPOSE it (allowed; EXPOSE only documents it)"
            ));
        }
    }
    let created = engine.clock;
    let mut container = Container {
        id: id.clone(),
        name: name.clone(),
        image: image_ref.clone(),
        image_id: image.id.clone(),
        process: proc.clone(),
        created,
        state: State::Created,
        ports: ports.clone(),
        exposed,
        error: None,
        notes: Vec::new(),
    };
    // The port must be free (a running container holds it).
    if let Some(port) = ports.iter().find(|p| used.contains(&p.host_port)) {
        let why = format!(
            "driver failed programming external connectivity on endpoint {name} ({}): Bind for {}:{} failed: port is already allocated",
            engine.new_id("endpoint"),
            port.host_ip,
            port.host_port
        );
        container.error = Some(why.clone());
        engine.containers.push(container);
        let text = if p.has("detach") {
            format!("{id}\ndocker: Error response from daemon: {why}.\n")
        } else {
            format!("docker: Error response from daemon: {why}.\n")
        };
        return out.and(Out {
            stdout: String::new(),
            stderr: text,
            status: 125,
        });
    }
    // The program must be in the image.
    match find_program(&image.tree, &proc) {
        Err(why) if image.programs_known => {
            container.error = Some(why.clone());
            engine.containers.push(container);
            let status = if why.contains("not found") || why.contains("no such file") {
                127
            } else {
                126
            };
            let mut text = String::new();
            if p.has("detach") {
                text.push_str(&format!("{id}\n"));
            }
            text.push_str(&engine.era().exec_error(&why));
            text.push('\n');
            return out.and(Out::error(text, status));
        }
        Err(_) => notes.push(format!(
            "layerlab: {} is assumed to be in the image (its programs are not all known)",
            proc.argv[0]
        )),
        Ok(_) => {}
    }
    container.state = State::Running { since: created };
    container.notes = notes.clone();
    engine.containers.push(container);
    engine.clock += 1;
    let mut said = String::new();
    if p.has("detach") {
        said.push_str(&format!("{id}\n"));
    } else {
        said.push_str(&format!(
            "layerlab: the container would now run `{}`; its output is not simulated (the container keeps running: see docker ps)\n",
            shell_words(&proc.argv)
        ));
    }
    for n in notes {
        out.stderr.push_str(&format!("{n}\n"));
    }
    if p.has("rm") && !p.has("detach") {
        out.stderr
            .push_str("layerlab: --rm removes the container when it exits; here it keeps running until docker stop\n");
    }
    out.and(Out::ok(said))
}

pub fn ps(engine: &mut Engine, argv: &[String], ctx: &Ctx<'_>) -> Out {
    const SPEC: Spec = Spec {
        path: "docker ps",
        usage: "docker ps [OPTIONS]",
        bools: &[
            ('a', "all"),
            ('q', "quiet"),
            (' ', "no-trunc"),
            ('l', "latest"),
            ('s', "size"),
        ],
        values: &[('f', "filter"), (' ', "format"), ('n', "last")],
        args: Args::Any,
        stop_at_arg: false,
    };
    let p = flags!(SPEC, argv, ctx);
    let era = engine.era();
    let shown: Vec<&Container> = engine
        .containers
        .iter()
        .rev()
        .filter(|c| p.has("all") || c.running())
        .collect();
    if p.has("quiet") {
        return Out::ok(
            shown
                .iter()
                .map(|c| format!("{}\n", &c.id[..12]))
                .collect::<String>(),
        );
    }
    let mut table = vec![vec![
        "CONTAINER ID".into(),
        "IMAGE".into(),
        "COMMAND".into(),
        "CREATED".into(),
        "STATUS".into(),
        "PORTS".into(),
        "NAMES".into(),
    ]];
    for c in shown {
        let command = c.process.argv.join(" ");
        table.push(vec![
            if p.has("no-trunc") {
                c.id.clone()
            } else {
                c.id[..12].to_owned()
            },
            c.image.clone(),
            if p.has("no-trunc") {
                format!("{command:?}")
            } else {
                era.command_cell(&command)
            },
            since(Some(&format_rfc3339(c.created)), Some(engine.clock)),
            c.status(engine.clock),
            c.ports_text(),
            c.name.clone(),
        ]);
    }
    Out::ok(render(&table))
}

pub fn logs(engine: &mut Engine, argv: &[String], ctx: &Ctx<'_>) -> Out {
    const SPEC: Spec = Spec {
        path: "docker logs",
        usage: "docker logs [OPTIONS] CONTAINER",
        bools: &[('f', "follow"), ('t', "timestamps"), (' ', "details")],
        values: &[('n', "tail"), (' ', "since"), (' ', "until")],
        args: Args::Exactly(1),
        stop_at_arg: false,
    };
    let p = flags!(SPEC, argv, ctx);
    match find(engine, &p.args[0]) {
        Some(c) => Out::ok(c.logs()),
        None => Out::error(no_such_container(engine, &p.args[0], true), 1),
    }
}

fn no_such_container(engine: &Engine, name: &str, inspect: bool) -> String {
    if inspect && engine.era().push_a_repository {
        format!("Error: No such container: {name}\n")
    } else {
        format!("Error response from daemon: No such container: {name}\n")
    }
}

pub fn stop(engine: &mut Engine, argv: &[String], ctx: &Ctx<'_>, command: &str) -> Out {
    const SPEC: Spec = Spec {
        path: "docker stop",
        usage: "docker stop [OPTIONS] CONTAINER [CONTAINER...]",
        bools: &[],
        values: &[('t', "time"), ('s', "signal")],
        args: Args::AtLeast(1),
        stop_at_arg: false,
    };
    let p = flags!(SPEC, argv, ctx);
    let code = if command.ends_with("kill") { 137 } else { 0 };
    let mut out = Out::ok("");
    for name in &p.args {
        let Some(id) = find(engine, name).map(|c| c.id.clone()) else {
            out.stderr.push_str(&no_such_container(engine, name, false));
            out.status = 1;
            continue;
        };
        engine.clock += if code == 0 { 1 } else { 0 };
        let now = engine.clock;
        if let Some(c) = engine.containers.iter_mut().find(|c| c.id == id) {
            if c.running() {
                c.state = State::Exited { code, at: now };
            }
        }
        out.stdout.push_str(&format!("{name}\n"));
    }
    out
}

pub fn rm(engine: &mut Engine, argv: &[String], ctx: &Ctx<'_>) -> Out {
    const SPEC: Spec = Spec {
        path: "docker rm",
        usage: "docker rm [OPTIONS] CONTAINER [CONTAINER...]",
        bools: &[('f', "force"), ('v', "volumes"), ('l', "link")],
        values: &[],
        args: Args::AtLeast(1),
        stop_at_arg: false,
    };
    let p = flags!(SPEC, argv, ctx);
    let mut out = Out::ok("");
    for name in &p.args {
        let Some(c) = find(engine, name).cloned() else {
            out.stderr.push_str(&no_such_container(engine, name, false));
            out.status = 1;
            continue;
        };
        if c.running() && !p.has("force") {
            out.stderr.push_str(&format!(
                "Error response from daemon: You cannot remove a running container {}. Stop the container before attempting removal or force remove\n",
                c.id
            ));
            out.status = 1;
            continue;
        }
        engine.containers.retain(|x| x.id != c.id);
        out.stdout.push_str(&format!("{name}\n"));
    }
    out
}
