//! Containers, the honest kind: `docker run` does everything up to the
//! process start — resolves ENTRYPOINT and CMD as Docker does, applies
//! USER, WORKDIR and ENV, finds the program on PATH in the image's files,
//! publishes ports — and records what would have started. No program runs,
//! so no program output is ever shown.

use crate::fs::{Node, Tree};
use crate::image::RunConfig;
use crate::report::time::human_duration;

/// What `docker run` was asked for, beyond the image.
#[derive(Clone, Debug, Default)]
pub struct RunRequest {
    /// `--entrypoint` (`Some("")` clears the image's).
    pub entrypoint: Option<String>,
    /// Arguments after the image: they replace CMD.
    pub args: Vec<String>,
    /// `-e`/`--env-file` entries (`NAME=value`, or `NAME` to copy the host's).
    pub env: Vec<String>,
    pub user: Option<String>,
    pub workdir: Option<String>,
}

/// The process a container would start.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Process {
    pub argv: Vec<String>,
    pub env: Vec<String>,
    pub user: String,
    pub workdir: String,
}

/// Resolves the process as Docker does: the entrypoint (the image's, or
/// `--entrypoint`, which also drops the image's CMD) followed by the
/// arguments or else CMD; shell forms were stored as `/bin/sh -c …`.
pub fn process(config: &RunConfig, request: &RunRequest) -> Result<Process, String> {
    let entrypoint: Vec<String> = match &request.entrypoint {
        Some(e) if e.is_empty() => Vec::new(),
        Some(e) => vec![e.clone()],
        None => config.entrypoint.clone().unwrap_or_default(),
    };
    let cmd: Vec<String> = if !request.args.is_empty() {
        request.args.clone()
    } else if request.entrypoint.is_some() {
        Vec::new()
    } else {
        config.cmd.clone().unwrap_or_default()
    };
    let argv: Vec<String> = entrypoint.into_iter().chain(cmd).collect();
    if argv.is_empty() {
        return Err("docker: Error response from daemon: No command specified.".into());
    }
    let mut env = config.env.clone();
    for e in &request.env {
        let name = e.split('=').next().unwrap_or(e);
        if !e.contains('=') {
            // `-e NAME` copies the host's value; the page's host has none.
            continue;
        }
        match env.iter_mut().find(|x| x.split('=').next() == Some(name)) {
            Some(slot) => *slot = e.clone(),
            None => env.push(e.clone()),
        }
    }
    let user = request.user.clone().unwrap_or_else(|| config.user.clone());
    let workdir = request
        .workdir
        .clone()
        .unwrap_or_else(|| config.working_dir.clone());
    Ok(Process {
        argv,
        env,
        user: if user.is_empty() { "root".into() } else { user },
        workdir: if workdir.is_empty() {
            "/".into()
        } else {
            workdir
        },
    })
}

/// Where the program of `argv[0]` is in the image: `Ok(path)`, or the
/// reason runc gives when it is not there.
pub fn find_program(tree: &Tree, process: &Process) -> Result<String, String> {
    let program = &process.argv[0];
    let is_file = |p: &str| matches!(tree.get(&tree.resolve(p)), Some(Node::File { .. }));
    if program.contains('/') {
        let path = crate::fs::path::join(&process.workdir, program);
        return if is_file(&path) {
            Ok(path)
        } else {
            Err(format!(
                "exec: \"{program}\": stat {program}: no such file or directory"
            ))
        };
    }
    let path_var = process
        .env
        .iter()
        .find_map(|e| e.strip_prefix("PATH="))
        .unwrap_or("/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    path_var
        .split(':')
        .filter(|d| !d.is_empty())
        .map(|d| format!("{}/{program}", d.trim_end_matches('/')))
        .find(|p| is_file(p))
        .ok_or_else(|| format!("exec: \"{program}\": executable file not found in $PATH"))
}

/// A published port.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Port {
    pub host_ip: String,
    pub host_port: u16,
    pub container_port: u16,
    pub proto: String,
}

impl Port {
    pub fn text(&self) -> String {
        format!(
            "{}:{}->{}/{}",
            self.host_ip, self.host_port, self.container_port, self.proto
        )
    }
}

/// Reads a `-p` value: `5001:5000`, `5000`, `127.0.0.1:5001:5000/udp`.
/// A port without a host port gets `next_free()`.
pub fn parse_publish(spec: &str, next_free: &mut dyn FnMut() -> u16) -> Result<Port, String> {
    let (spec, proto) = match spec.rsplit_once('/') {
        Some((s, p)) => (s, p.to_owned()),
        None => (spec, "tcp".to_owned()),
    };
    let parts: Vec<&str> = spec.split(':').collect();
    let (ip, host, container) = match parts.as_slice() {
        [c] => ("0.0.0.0", "", *c),
        [h, c] => ("0.0.0.0", *h, *c),
        [ip, h, c] => (*ip, *h, *c),
        _ => return Err(format!("invalid port format: {spec}")),
    };
    let number = |s: &str| -> Result<u16, String> {
        s.parse::<u16>()
            .ok()
            .filter(|p| *p > 0)
            .ok_or_else(|| format!("invalid containerPort: {s}"))
    };
    let container_port = number(container)?;
    let host_port = if host.is_empty() {
        next_free()
    } else {
        host.parse::<u16>()
            .map_err(|_| format!("invalid hostPort: {host}"))?
    };
    Ok(Port {
        host_ip: if ip.is_empty() {
            "0.0.0.0".into()
        } else {
            ip.into()
        },
        host_port,
        container_port,
        proto,
    })
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum State {
    /// Made but never started (the process could not start).
    Created,
    Running {
        since: i64,
    },
    Exited {
        code: i32,
        at: i64,
    },
}

/// A container of the session.
#[derive(Clone, Debug)]
pub struct Container {
    pub id: String,
    pub name: String,
    /// The image as the user named it.
    pub image: String,
    pub image_id: String,
    pub process: Process,
    pub created: i64,
    pub state: State,
    pub ports: Vec<Port>,
    /// Ports the image exposes but `run` did not publish.
    pub exposed: Vec<String>,
    /// Why it did not start, for a container that stayed `Created`.
    pub error: Option<String>,
    pub notes: Vec<String>,
}

impl Container {
    pub fn running(&self) -> bool {
        matches!(self.state, State::Running { .. })
    }

    /// `docker ps`'s STATUS column.
    pub fn status(&self, now: i64) -> String {
        match self.state {
            State::Created => "Created".into(),
            State::Running { since } => format!("Up {}", human_duration(now - since)),
            State::Exited { code, at } => {
                format!("Exited ({code}) {} ago", human_duration(now - at))
            }
        }
    }

    /// `docker ps`'s PORTS column.
    pub fn ports_text(&self) -> String {
        if !self.running() {
            return String::new();
        }
        let mut parts: Vec<String> = self.ports.iter().map(Port::text).collect();
        parts.extend(
            self.exposed
                .iter()
                .filter(|e| {
                    !self
                        .ports
                        .iter()
                        .any(|p| format!("{}/{}", p.container_port, p.proto) == **e)
                })
                .cloned(),
        );
        parts.join(", ")
    }

    /// What `docker logs` says: the process that would have started, and that
    /// its output is not simulated.
    pub fn logs(&self) -> String {
        let mut out = String::from(
            "layerlab: containers do not run here, so there is no program output to show.\n",
        );
        match &self.error {
            Some(e) => out.push_str(&format!("The process did not start: {e}\n")),
            None => out.push_str("The process that would have started:\n"),
        }
        out.push_str(&format!(
            "  command: {}\n  user:    {}\n  workdir: {}\n",
            shell_words(&self.process.argv),
            self.process.user,
            self.process.workdir
        ));
        for e in &self.process.env {
            out.push_str(&format!("  env:     {e}\n"));
        }
        for p in &self.ports {
            out.push_str(&format!("  port:    {}\n", p.text()));
        }
        out
    }
}

/// An argv as a shell would read it back (`python app.py`).
pub fn shell_words(argv: &[String]) -> String {
    argv.iter()
        .map(|a| {
            if !a.is_empty()
                && a.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_./=:,@+%".contains(c))
            {
                a.clone()
            } else {
                format!("'{}'", a.replace('\'', "'\\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

const ADJECTIVES: [&str; 32] = [
    "admiring",
    "brave",
    "busy",
    "clever",
    "compassionate",
    "competent",
    "dazzling",
    "eager",
    "ecstatic",
    "elegant",
    "festive",
    "focused",
    "friendly",
    "gallant",
    "gifted",
    "happy",
    "hopeful",
    "infallible",
    "jolly",
    "keen",
    "kind",
    "laughing",
    "modest",
    "nifty",
    "optimistic",
    "practical",
    "quirky",
    "relaxed",
    "serene",
    "sharp",
    "vibrant",
    "zealous",
];

const SURNAMES: [&str; 32] = [
    "albattani",
    "babbage",
    "bardeen",
    "curie",
    "darwin",
    "einstein",
    "euclid",
    "fermi",
    "franklin",
    "galileo",
    "goldberg",
    "hopper",
    "hypatia",
    "johnson",
    "kalam",
    "kepler",
    "kirch",
    "lamport",
    "lovelace",
    "mayer",
    "mcclintock",
    "meitner",
    "noether",
    "pasteur",
    "ritchie",
    "shannon",
    "thompson",
    "turing",
    "wilson",
    "wozniak",
    "wright",
    "yonath",
];

/// A name as Docker makes one (`practical_kirch`), from the container ID.
pub fn generated_name(id: &str, taken: &dyn Fn(&str) -> bool) -> String {
    let seed = u64::from_str_radix(&id[..id.len().min(12)], 16).unwrap_or(0);
    for attempt in 0..1000u64 {
        let n = seed.wrapping_add(attempt.wrapping_mul(7919));
        let name = format!(
            "{}_{}",
            ADJECTIVES[(n % 32) as usize],
            SURNAMES[((n / 32) % 32) as usize]
        );
        let name = if attempt < 32 {
            name
        } else {
            format!("{name}{}", attempt % 10)
        };
        if !taken(&name) {
            return name;
        }
    }
    format!("container_{}", &id[..12.min(id.len())])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fs::{Content, Meta};

    fn config(entrypoint: Option<&[&str]>, cmd: &[&str]) -> RunConfig {
        RunConfig {
            entrypoint: entrypoint.map(|e| e.iter().map(|s| s.to_string()).collect()),
            cmd: Some(cmd.iter().map(|s| s.to_string()).collect()),
            env: vec!["PATH=/usr/local/bin:/usr/bin:/bin".into()],
            ..RunConfig::default()
        }
    }

    #[test]
    fn entrypoint_and_cmd_resolve_as_docker_does() {
        let c = config(Some(&["python"]), &["./server.py"]);
        let p = process(&c, &RunRequest::default()).unwrap();
        assert_eq!(p.argv, ["python", "./server.py"]);
        let args = RunRequest {
            args: vec!["--version".into()],
            ..RunRequest::default()
        };
        assert_eq!(process(&c, &args).unwrap().argv, ["python", "--version"]);
        let ep = RunRequest {
            entrypoint: Some("sh".into()),
            ..RunRequest::default()
        };
        assert_eq!(
            process(&c, &ep).unwrap().argv,
            ["sh"],
            "--entrypoint drops CMD"
        );
        let env = RunRequest {
            env: vec!["color=green".into()],
            ..RunRequest::default()
        };
        let p = process(&c, &env).unwrap();
        assert!(p.env.contains(&"color=green".to_owned()));
        assert_eq!((p.user.as_str(), p.workdir.as_str()), ("root", "/"));
    }

    #[test]
    fn programs_are_looked_up_on_path() {
        let mut tree = Tree::new();
        tree.mkdir_all("/usr/local/bin", Meta::DIR).unwrap();
        tree.write_file(
            "/usr/local/bin/python",
            Meta::EXEC,
            Content::bytes(b"x".to_vec()),
        )
        .unwrap();
        let c = config(None, &["python", "app.py"]);
        let p = process(&c, &RunRequest::default()).unwrap();
        assert_eq!(find_program(&tree, &p).unwrap(), "/usr/local/bin/python");
        let typo = config(None, &["pyhton", "app.py"]);
        let p = process(&typo, &RunRequest::default()).unwrap();
        assert_eq!(
            find_program(&tree, &p).unwrap_err(),
            "exec: \"pyhton\": executable file not found in $PATH"
        );
    }

    #[test]
    fn ports_parse_and_print() {
        let mut next = || 32768;
        let p = parse_publish("5001:5000", &mut next).unwrap();
        assert_eq!(p.text(), "0.0.0.0:5001->5000/tcp");
        assert_eq!(parse_publish("5000", &mut next).unwrap().host_port, 32768);
        assert!(parse_publish("a:b:c:d", &mut next).is_err());
        let name = generated_name("0b2ba61df37fb4038d9a", &|_| false);
        assert!(name.contains('_'));
    }
}
