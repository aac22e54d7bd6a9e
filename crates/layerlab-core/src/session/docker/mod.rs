//! The `docker` command of the session's terminal: the subcommands a lab
//! uses, printed as that era's Docker prints them, over the session's image
//! store, containers and registry. An unknown command or flag gets Docker's
//! own error text.

/// Reads a command's flags, or returns Docker's error for them.
macro_rules! flags {
    ($spec:expr, $argv:expr, $ctx:expr) => {
        match $spec.parse($argv, $ctx.modern) {
            Ok(parsed) => parsed,
            Err(error) => return error,
        }
    };
}

mod args;
mod build;
mod containers;
mod images;
mod registry;

use crate::expand::Env;
use crate::fs::Tree;
use crate::shell::{HostCommands, HostOutput};

use super::Engine;

pub use args::{Args, Spec};

/// What a command printed, and its exit status.
pub type Out = HostOutput;

/// A question waiting for the next terminal line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Prompt {
    Username,
    Password {
        user: String,
    },
    /// `[y/N]` before a prune: what to prune.
    Confirm {
        what: Prune,
        question: String,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Prune {
    Images,
    Containers,
    System,
}

impl Prompt {
    pub fn text(&self) -> &str {
        match self {
            Prompt::Username => "Username: ",
            Prompt::Password { .. } => "Password: ",
            Prompt::Confirm { .. } => "Are you sure you want to continue? [y/N] ",
        }
    }

    /// Whether the answer is hidden (a password).
    pub fn secret(&self) -> bool {
        matches!(self, Prompt::Password { .. })
    }
}

/// Answers a prompt with a terminal line.
pub fn answer(engine: &mut Engine, prompt: Prompt, line: &str) -> Out {
    match prompt {
        Prompt::Username => registry::username(engine, line.trim()),
        Prompt::Password { user } => registry::logged_in(engine, &user),
        Prompt::Confirm { what, .. } => {
            if line.trim().eq_ignore_ascii_case("y") || line.trim().eq_ignore_ascii_case("yes") {
                images::prune(engine, what)
            } else {
                Out::ok("")
            }
        }
    }
}

impl HostCommands for Engine {
    fn run(
        &mut self,
        argv: &[String],
        stdin: &str,
        cwd: &str,
        env: &Env,
        files: &mut Tree,
    ) -> Option<HostOutput> {
        match argv[0].as_str() {
            "docker" => {
                let ctx = Ctx {
                    stdin,
                    cwd,
                    env,
                    modern: self.era().modern_exec_error,
                };
                let out = self.docker(&argv[1..], &ctx, files);
                // Tags and removals change what a FROM can name.
                self.sync_local();
                Some(out)
            }
            "vi" | "vim" | "nano" | "code" | "edit" => {
                let Some(file) = argv.get(1) else {
                    return Some(Out::error(format!("{}: name a file to edit\n", argv[0]), 1));
                };
                let path = crate::fs::path::join(cwd, file);
                let Some(rel) = path.strip_prefix(&format!("{}/", super::PROJECT)) else {
                    return Some(Out::error(
                        format!(
                            "layerlab: the editor shows files under ~/lab; {path} is not one\n"
                        ),
                        1,
                    ));
                };
                if files.get(&path).is_none() {
                    let _ = files.write_file(
                        &path,
                        crate::fs::Meta::FILE,
                        crate::fs::Content::bytes(Vec::new()),
                    );
                }
                self.open = Some(rel.to_owned());
                Some(Out::ok(format!("layerlab: {rel} is open in the editor\n")))
            }
            _ => None,
        }
    }
}

impl Engine {
    fn docker(&mut self, argv: &[String], ctx: &Ctx<'_>, files: &mut Tree) -> Out {
        let modern = ctx.modern;
        let Some(first) = argv.first() else {
            return Out::ok(USAGE);
        };
        // `docker image ls`, `docker container run`: the management form.
        let (command, rest): (String, &[String]) = match (first.as_str(), argv.get(1)) {
            ("image" | "container" | "system" | "builder", Some(sub)) if !sub.starts_with('-') => {
                (format!("{first} {sub}"), &argv[2..])
            }
            _ => (first.clone(), &argv[1..]),
        };
        match command.as_str() {
            "build" | "image build" | "builder build" | "buildx build" => {
                build::build(self, rest, ctx, files)
            }
            "images" | "image ls" | "image list" => images::images(self, rest, ctx),
            "history" | "image history" => images::history(self, rest, ctx),
            "tag" | "image tag" => images::tag(self, rest, ctx),
            "rmi" | "image rm" | "image remove" => images::rmi(self, rest, ctx),
            "image prune" => images::prune_command(self, rest, ctx, Prune::Images),
            "container prune" => images::prune_command(self, rest, ctx, Prune::Containers),
            "system prune" => images::prune_command(self, rest, ctx, Prune::System),
            "system df" => images::system_df(self, rest, ctx),
            "inspect" | "image inspect" | "container inspect" => {
                images::inspect(self, rest, ctx, &command)
            }
            "run" | "container run" => containers::run(self, rest, ctx),
            "ps" | "container ls" | "container list" | "container ps" => {
                containers::ps(self, rest, ctx)
            }
            "logs" | "container logs" => containers::logs(self, rest, ctx),
            "stop" | "container stop" | "kill" | "container kill" => {
                containers::stop(self, rest, ctx, &command)
            }
            "rm" | "container rm" => containers::rm(self, rest, ctx),
            "login" => registry::login(self, rest, ctx),
            "logout" => registry::logout(self, rest, ctx),
            "push" | "image push" => registry::push(self, rest, ctx),
            "pull" | "image pull" => registry::pull_command(self, rest, ctx),
            "version" => Out::ok(self.version()),
            "--version" | "-v" => Out::ok(format!(
                "Docker version {}, build layerlab\n",
                self.era().version
            )),
            "--help" | "help" | "-h" => Out::ok(USAGE),
            "exec" | "attach" | "start" | "restart" | "cp" | "commit" | "network" | "volume"
            | "compose" | "save" | "load" | "export" | "import" | "top" | "stats" | "port"
            | "diff" => Out::error(
                format!(
                    "layerlab: `docker {first}` is not simulated here (containers do not run); the commands a lab uses are: build, images, history, tag, rmi, image prune, system df, inspect, run, ps, logs, stop, rm, login, logout, push, pull, version\n"
                ),
                1,
            ),
            _ => {
                let what = first.as_str();
                if modern {
                    Out::error(
                        format!("docker: unknown command: docker {what}\n\nRun 'docker --help' for more information\n"),
                        1,
                    )
                } else {
                    Out::error(
                        format!("docker: '{what}' is not a docker command.\nSee 'docker --help'\n"),
                        1,
                    )
                }
            }
        }
    }

    /// `docker version`.
    fn version(&self) -> String {
        let era = self.era();
        let v = era.version;
        let api = era.api;
        if era.modern_exec_error {
            format!(
                "Client: Docker Engine - Community\n Version:           {v}\n API version:       {api}\n Go version:        go1.22.7\n Git commit:        layerlab\n Built:             (simulated)\n OS/Arch:           linux/amd64\n Context:           default\n\nServer: Docker Engine - Community\n Engine:\n  Version:          {v}\n  API version:      {api} (minimum version 1.24)\n  Go version:       go1.22.7\n  Git commit:       layerlab\n  Built:            (simulated)\n  OS/Arch:          linux/amd64\n  Experimental:     false\nlayerlab: a simulated Docker in the page; no daemon, containers do not run.\n"
            )
        } else {
            format!(
                "Client:\n Version:      {v}\n API version:  {api}\n Go version:   go1.8.3\n Git commit:   layerlab\n Built:        (simulated)\n OS/Arch:      linux/amd64\n\nServer:\n Version:      {v}\n API version:  {api} (minimum version 1.12)\n Go version:   go1.8.3\n Git commit:   layerlab\n Built:        (simulated)\n OS/Arch:      linux/amd64\n Experimental: false\nlayerlab: a simulated Docker in the page; no daemon, containers do not run.\n"
            )
        }
    }
}

/// What a subcommand sees of the shell it runs in.
pub struct Ctx<'a> {
    pub stdin: &'a str,
    pub cwd: &'a str,
    pub env: &'a Env,
    /// The newest CLI's texts (errors, usage).
    pub modern: bool,
}

const USAGE: &str = "\nUsage:  docker [OPTIONS] COMMAND\n\nA self-sufficient runtime for containers (simulated by layerlab)\n\nCommands:\n  build       Build an image from a Dockerfile\n  history     Show the history of an image\n  images      List images\n  inspect     Return low-level information on Docker objects\n  login       Log in to a Docker registry\n  logout      Log out from a Docker registry\n  logs        Fetch the logs of a container\n  ps          List containers\n  pull        Pull an image or a repository from a registry\n  push        Push an image or a repository to a registry\n  rm          Remove one or more containers\n  rmi         Remove one or more images\n  run         Run a command in a new container\n  stop        Stop one or more running containers\n  tag         Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE\n  version     Show the Docker version information\n\nManagement commands: image, container, system (prune, df)\n";
