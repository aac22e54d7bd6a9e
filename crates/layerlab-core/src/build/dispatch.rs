//! What each instruction does to a stage: prepare (expand values, match files,
//! compute the cache inputs) and apply (change the filesystem and config).
//!
//! Preparation is separate so the cache can be consulted before any work; the
//! same prepared step is then applied on a miss (or when a hit's result is not
//! in memory).

use std::collections::BTreeMap;

use super::cache::StepInputs;
use super::copy::{plan_copy, CopyPlan, CopyRequest};
use super::executor::{RunContext, RunExecutor, RunOutcome};
use super::history::{self, go_list, go_plain_list, Builder};
use super::state::StageState;
use crate::accounts::resolve_owner;
use crate::expand::{Env, Lexer};
use crate::fs::{path, Meta, Node, Tree};
use crate::image::{Empty, HealthConfig};
use crate::instructions::{Command, Copy, Instruction, Run};
use crate::syntax::chomp_content;

/// A step ready to apply.
pub(crate) enum Action {
    Env(Vec<(String, String)>),
    Label(Vec<(String, String)>),
    Arg(Vec<(String, Option<String>)>),
    Workdir(String),
    User(String),
    Run {
        argv: Vec<String>,
        shell_form: bool,
        env: Vec<(String, String)>,
        run: Run,
    },
    Cmd(Vec<String>),
    Entrypoint(Vec<String>),
    Shell(Vec<String>),
    Expose(Vec<String>),
    Volume(Vec<String>),
    StopSignal(String),
    Healthcheck(HealthConfig),
    Onbuild(String),
    Maintainer(String),
    Copy {
        plan: CopyPlan,
        owner: Option<(u32, u32)>,
    },
}

/// A prepared step: its action, cache inputs and history text.
pub(crate) struct Prepared {
    pub action: Action,
    pub inputs: StepInputs,
    pub created_by: String,
    pub makes_layer: bool,
}

/// What the builder hands a step besides the stage state.
pub(crate) struct Sources<'a> {
    pub context: &'a Tree,
    /// Resolves `--from=X` to a filesystem (a built stage or an image).
    /// A stage's or image's files for `--from`, and whether they are all
    /// known (see [`crate::build::copy::CopyRequest::source_complete`]).
    pub stage_tree: &'a dyn Fn(&str) -> Result<SourceFiles, String>,
    pub builder: Builder,
    pub build_args: &'a [(String, String)],
    pub global: &'a Env,
}

struct Expander<'a> {
    env: Env,
    lexer: Lexer,
    used: BTreeMap<String, String>,
    args: &'a [(String, Option<String>)],
}

impl Expander<'_> {
    /// Expands one word; records which ARGs it read.
    fn word(&mut self, word: &str) -> Result<String, String> {
        let out = self.lexer.expand(word, &self.env).map_err(|e| e.message)?;
        for name in &out.matched {
            if let Some((_, Some(v))) = self.args.iter().find(|(k, _)| k == name) {
                self.used.insert(name.clone(), v.clone());
            }
        }
        Ok(out.result)
    }
}

fn expander(state: &StageState, escape: char) -> Expander<'_> {
    Expander {
        env: state.expansion_env(),
        lexer: Lexer::new(escape),
        used: BTreeMap::new(),
        args: &state.args,
    }
}

/// Expands ports (`$PORTS`, `8000-8002/udp`) into `port/proto` strings.
fn expose_ports(words: &[String]) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    for word in words {
        for spec in word.split_whitespace() {
            let (ports, proto) = match spec.split_once('/') {
                Some((p, proto)) => (p, crate::text::go_lower(proto)),
                None => (spec, "tcp".to_owned()),
            };
            let (lo, hi) = match ports.split_once('-') {
                Some((a, b)) => (a, b),
                None => (ports, ports),
            };
            let parse = |p: &str| {
                p.parse::<u16>()
                    .map_err(|_| format!("invalid containerPort: {ports}"))
            };
            let (lo, hi) = (parse(lo)?, parse(hi)?);
            if hi < lo {
                return Err(format!("invalid range specified for container: {ports}"));
            }
            for p in lo..=hi {
                out.push(format!("{p}/{proto}"));
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    Ok(out)
}

fn pairs_text(keyword: &str, pairs: &[(String, String)]) -> String {
    let items: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
    format!("{keyword} {}", items.join(" "))
}

/// Expands a COPY/ADD heredoc body (rule 31–33): unquoted delimiters expand
/// variables with quotes left alone; `<<-` strips leading tabs.
fn heredoc_body(doc: &crate::syntax::Heredoc, env: &Env) -> Result<Vec<u8>, String> {
    let mut text = String::from_utf8_lossy(&doc.content).into_owned();
    if doc.chomp {
        text = chomp_content(&text);
    }
    if doc.expand {
        let mut lexer = Lexer::new('\\');
        lexer.skip_process_quotes = true;
        text = lexer.expand_word(&text, env).map_err(|e| e.message)?;
    }
    Ok(text.into_bytes())
}

/// A `--from` source's files, and whether layerlab knows all of them.
pub(crate) type SourceFiles = (Tree, bool);

pub(crate) fn prepare(
    ins: &Instruction,
    state: &StageState,
    sources: &Sources<'_>,
    escape: char,
    position: String,
) -> Result<Prepared, String> {
    let builder = sources.builder;
    let shell = state.shell();
    let mut ex = expander(state, escape);
    let mut inputs = StepInputs {
        position,
        ..Default::default()
    };
    let meta = |text: &str| history::metadata(builder, &shell, text);
    let (action, created_by, makes_layer, text) = match &ins.command {
        Command::Env { pairs } | Command::Label { pairs } => {
            let keyword = if matches!(ins.command, Command::Env { .. }) {
                "ENV"
            } else {
                "LABEL"
            };
            let mut out = Vec::new();
            for (k, v) in pairs {
                out.push((ex.word(k)?, ex.word(v)?));
            }
            let text = pairs_text(keyword, &out);
            let action = if keyword == "ENV" {
                Action::Env(out)
            } else {
                Action::Label(out)
            };
            (action, meta(&text), false, text)
        }
        Command::Arg { args } => prepare_arg(args, sources, &mut ex, &mut inputs, &meta)?,
        Command::Workdir { path: p } => {
            let expanded = ex.word(p)?;
            let abs = path::join(&state.workdir(), &expanded);
            let text = format!("WORKDIR {abs}");
            let created = history::workdir(builder, &shell, &abs);
            let layer = abs != "/";
            (Action::Workdir(abs), created, layer, text)
        }
        Command::User { user } => {
            let u = ex.word(user)?;
            let text = format!("USER {u}");
            (Action::User(u), meta(&text), false, text)
        }
        Command::Maintainer { name } => {
            let text = format!("MAINTAINER {name}");
            (Action::Maintainer(name.clone()), meta(&text), false, text)
        }
        Command::StopSignal { signal } => {
            let s = ex.word(signal)?;
            let text = format!("STOPSIGNAL {s}");
            (Action::StopSignal(s), meta(&text), false, text)
        }
        Command::Expose { ports } => {
            let words = ports
                .iter()
                .map(|p| ex.word(p))
                .collect::<Result<Vec<_>, _>>()?;
            let ports = expose_ports(&words)?;
            let text = match builder {
                Builder::BuildKit => format!("EXPOSE {}", go_plain_list(&ports)),
                Builder::Classic => format!("EXPOSE {}", ports.join(" ")),
            };
            (Action::Expose(ports), meta(&text), false, text)
        }
        Command::Volume { paths } => {
            let v = paths
                .iter()
                .map(|p| ex.word(p))
                .collect::<Result<Vec<_>, _>>()?;
            let text = format!("VOLUME {}", go_plain_list(&v));
            (Action::Volume(v), meta(&text), false, text)
        }
        Command::Shell { shell: new_shell } => {
            let text = format!("SHELL {}", go_plain_list(new_shell));
            (Action::Shell(new_shell.clone()), meta(&text), false, text)
        }
        Command::Cmd { command } => {
            let argv = command.with_shell(&shell);
            let text = format!("CMD {}", go_list(&argv));
            (Action::Cmd(argv), meta(&text), false, text)
        }
        Command::Entrypoint { command } => {
            let argv = command.with_shell(&shell);
            let text = format!("ENTRYPOINT {}", go_list(&argv));
            (Action::Entrypoint(argv), meta(&text), false, text)
        }
        Command::Healthcheck(h) => {
            let (config, text) = healthcheck(h);
            (Action::Healthcheck(config), meta(&text), false, text)
        }
        Command::Onbuild { trigger } => {
            let text = format!("ONBUILD {trigger}");
            (Action::Onbuild(trigger.clone()), meta(&text), false, text)
        }
        Command::Run(run) => prepare_run(run, state, &mut ex, &mut inputs, builder, &shell)?,
        Command::Copy(c) | Command::Add(c) => {
            let keyword = if matches!(ins.command, Command::Copy(_)) {
                "COPY"
            } else {
                "ADD"
            };
            prepare_copy(keyword, c, state, sources, &mut ex, &mut inputs, &shell)?
        }
        Command::From(_) => return Err("FROM is handled by the builder".into()),
    };
    for (k, v) in std::mem::take(&mut ex.used) {
        inputs.args.entry(k).or_insert(v);
    }
    inputs.text = text;
    Ok(Prepared {
        action,
        inputs,
        created_by,
        makes_layer,
    })
}

/// What a prepared instruction is: its action, `created_by`, whether it
/// makes a layer, and its text for the cache key.
type Step = (Action, String, bool, String);

/// ARG: a build-arg wins over the default, later defaults see earlier ones.
fn prepare_arg(
    args: &[(String, Option<String>)],
    sources: &Sources<'_>,
    ex: &mut Expander<'_>,
    inputs: &mut StepInputs,
    meta: &dyn Fn(&str) -> String,
) -> Result<Step, String> {
    let mut out = Vec::new();
    for (name, default) in args {
        let value = if let Some((_, v)) = sources.build_args.iter().rev().find(|(k, _)| k == name) {
            // A build-arg wins, and the default is not even evaluated (rule 11).
            Some(v.clone())
        } else if let Some(d) = default {
            Some(ex.word(d)?)
        } else {
            sources.global.get(name).map(str::to_owned)
        };
        // Later defaults in the same ARG see earlier ones.
        if let Some(v) = &value {
            ex.env.set(name, v);
        }
        out.push((name.clone(), value));
    }
    let shown: Vec<String> = out
        .iter()
        .map(|(k, v)| match v {
            Some(v) => format!("{k}={v}"),
            None => k.clone(),
        })
        .collect();
    let text = format!("ARG {}", shown.join(" "));
    for (k, v) in &out {
        inputs.args.insert(k.clone(), v.clone().unwrap_or_default());
    }
    Ok((Action::Arg(out), meta(&text), false, text))
}

/// RUN: the argv with the SHELL, the environment it expands with, the
/// ARGs in effect and heredoc bodies in its key, mounts expanded.
fn prepare_run(
    run: &Run,
    state: &StageState,
    ex: &mut Expander<'_>,
    inputs: &mut StepInputs,
    builder: Builder,
    shell: &[String],
) -> Result<Step, String> {
    let argv = run.command.with_shell(shell);
    let shell_form = matches!(run.command, crate::instructions::CommandLine::Shell(_));
    let args = state.args_in_effect();
    // The same environment the instruction's words expand with.
    let env_list: Vec<(String, String)> = ex
        .env
        .iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    let text = format!("RUN {}", argv.join(" "));
    for (k, v) in &args {
        inputs.args.insert(k.clone(), v.clone());
    }
    for doc in &run.heredocs {
        inputs.files.insert(
            format!("<<{}", doc.name),
            crate::fs::hex(&sha2_digest(&doc.content)),
        );
    }
    let created = history::run(builder, &argv, &args);
    let mut run = run.clone();
    run.mounts = run
        .mounts
        .iter()
        .map(|m| ex.word(m))
        .collect::<Result<_, _>>()?;
    Ok((
        Action::Run {
            argv,
            shell_form,
            env: env_list,
            run,
        },
        created,
        true,
        text,
    ))
}

/// HEALTHCHECK: the config and its text as Docker prints the struct.
fn healthcheck(h: &crate::instructions::Healthcheck) -> (HealthConfig, String) {
    let config = HealthConfig {
        test: h.test.clone(),
        interval: h.interval.clone(),
        timeout: h.timeout.clone(),
        start_period: h.start_period.clone(),
        start_interval: h.start_interval.clone(),
        retries: h.retries,
    };
    let text = format!(
        "HEALTHCHECK {{Test:{} Interval:{} Timeout:{} StartPeriod:{} StartInterval:{} Retries:{}}}",
        go_plain_list(&config.test),
        config.interval.as_deref().unwrap_or("0s"),
        config.timeout.as_deref().unwrap_or("0s"),
        config.start_period.as_deref().unwrap_or("0s"),
        config.start_interval.as_deref().unwrap_or("0s"),
        config.retries.unwrap_or(0)
    );
    (config, text)
}

fn sha2_digest(bytes: &[u8]) -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).into()
}

fn prepare_copy(
    keyword: &str,
    c: &Copy,
    state: &StageState,
    sources: &Sources<'_>,
    ex: &mut Expander<'_>,
    inputs: &mut StepInputs,
    shell: &[String],
) -> Result<Step, String> {
    let srcs = c
        .sources
        .iter()
        .map(|s| ex.word(s))
        .collect::<Result<Vec<_>, _>>()?;
    let dest = ex.word(&c.dest)?;
    let chown = c.chown.as_deref().map(|s| ex.word(s)).transpose()?;
    let chmod = c.chmod.as_deref().map(|s| ex.word(s)).transpose()?;
    let owner = chown
        .as_deref()
        .map(|s| resolve_owner(&state.tree, s))
        .transpose()?;
    let from_tree;
    let (source, from_context, source_complete) = match &c.from {
        Some(f) => {
            let (tree, complete) = (sources.stage_tree)(f)?;
            from_tree = tree;
            (&from_tree, false, complete)
        }
        None => (sources.context, true, true),
    };
    let mut heredocs = Vec::new();
    for doc in &c.heredocs {
        heredocs.push((doc.name.clone(), heredoc_body(doc, &ex.env)?));
    }
    let plan = plan_copy(&CopyRequest {
        keyword,
        sources: &srcs,
        dest: &dest,
        workdir: &state.workdir(),
        source,
        target: &state.tree,
        owner,
        chmod: chmod.as_deref(),
        heredocs: &heredocs,
        from_context,
        source_complete,
        from: c.from.as_deref(),
        parents: c.parents,
        exclude: &c.exclude,
    })?;
    let mut flags = Vec::new();
    if let Some(f) = &c.from {
        flags.push(format!("--from={f}"));
    }
    if let Some(o) = &chown {
        flags.push(format!("--chown={o}"));
    }
    if let Some(m) = &chmod {
        flags.push(format!("--chmod={m}"));
    }
    let text = format!(
        "{keyword} {}{} {dest}",
        flags.iter().map(|f| format!("{f} ")).collect::<String>(),
        srcs.join(" ")
    );
    let history_flags: Vec<String> = flags
        .iter()
        .filter(|f| !f.starts_with("--from"))
        .cloned()
        .collect();
    let created = history::copy(
        sources.builder,
        shell,
        keyword,
        &history_flags,
        &srcs,
        &dest,
        &plan.label,
    );
    inputs.files = plan.files.clone();
    Ok((Action::Copy { plan, owner }, created, true, text))
}

/// Applies a prepared action to the stage. Returns RUN's outcome, if any.
pub(crate) fn apply(
    action: &Action,
    state: &mut StageState,
    executor: &dyn RunExecutor,
    strict_path: bool,
) -> Result<Option<RunOutcome>, String> {
    let cfg = &mut state.config.config;
    match action {
        Action::Env(pairs) => {
            for (k, v) in pairs {
                state.config.env_set(k, v);
            }
        }
        Action::Label(pairs) => {
            for (k, v) in pairs {
                cfg.labels.insert(k.clone(), v.clone());
            }
        }
        Action::Arg(args) => {
            for (k, v) in args {
                state.args.retain(|(name, _)| name != k);
                state.args.push((k.clone(), v.clone()));
            }
        }
        Action::User(u) => cfg.user = u.clone(),
        Action::Maintainer(m) => state.config.author = m.clone(),
        Action::StopSignal(s) => cfg.stop_signal = s.clone(),
        Action::Expose(ports) => {
            for p in ports {
                cfg.exposed_ports.insert(p.clone(), Empty {});
            }
        }
        Action::Volume(v) => {
            for p in v {
                cfg.volumes.insert(p.clone(), Empty {});
            }
        }
        Action::Shell(s) => cfg.shell = Some(s.clone()),
        Action::Cmd(argv) => {
            cfg.cmd = Some(argv.clone());
            state.cmd_set = true;
        }
        Action::Entrypoint(argv) => {
            cfg.entrypoint = Some(argv.clone());
            // Rule 26: ENTRYPOINT drops an inherited CMD.
            if !state.cmd_set {
                cfg.cmd = None;
            }
        }
        Action::Healthcheck(h) => cfg.healthcheck = Some(h.clone()),
        Action::Onbuild(t) => cfg.on_build.push(t.clone()),
        Action::Workdir(abs) => {
            cfg.working_dir = abs.clone();
            if abs != "/" {
                let owner = if state.config.config.user.is_empty() {
                    (0, 0)
                } else {
                    resolve_owner(&state.tree, &state.config.config.user).unwrap_or((0, 0))
                };
                let meta = Meta {
                    mode: 0o755,
                    uid: owner.0,
                    gid: owner.1,
                };
                state.tree.mkdir_all(abs, meta).map_err(|e| e.to_string())?;
            }
        }
        Action::Copy { plan, owner } => {
            let (uid, gid) = owner.unwrap_or((0, 0));
            let dir_meta = Meta {
                mode: 0o755,
                uid,
                gid,
            };
            for d in &plan.dirs {
                let d = state.tree.resolve(d);
                state
                    .tree
                    .mkdir_all(&d, dir_meta)
                    .map_err(|e| e.to_string())?;
            }
            for item in &plan.items {
                let parent = state.tree.resolve(path::parent(&item.dest));
                state
                    .tree
                    .mkdir_all(&parent, Meta::DIR)
                    .map_err(|e| e.to_string())?;
                let dest = path::child(&parent, path::base_name(&item.dest));
                match (&item.node, state.tree.get(&dest)) {
                    (Node::Dir { meta, .. }, Some(Node::Dir { .. })) => {
                        state.tree.set_meta(&dest, *meta)
                    }
                    (node, _) => state.tree.insert(&dest, node.clone()),
                }
                .map_err(|e| e.to_string())?;
            }
        }
        Action::Run {
            argv,
            shell_form,
            env,
            run,
        } => {
            let user = state.config.config.user.clone();
            let mut env = env.clone();
            // The runtime sets HOME from the user's passwd entry unless ENV did.
            if !env.iter().any(|(k, _)| k == "HOME") {
                env.push(("HOME".into(), home_of(&state.tree, &user)));
            }
            let outcome = executor.run(RunContext {
                argv: argv.clone(),
                shell_form: *shell_form,
                heredocs: &run.heredocs,
                env,
                workdir: state.workdir(),
                user,
                mounts: &run.mounts,
                network: run.network.as_deref(),
                tree: &mut state.tree,
                strict_path,
            });
            return Ok(Some(outcome));
        }
    }
    Ok(None)
}

/// A user's home directory from /etc/passwd (`USER name` or `uid[:gid]`):
/// `/root` for root, `/` when the account is not there, as runc does.
fn home_of(tree: &crate::fs::Tree, user: &str) -> String {
    let name = user.split(':').next().unwrap_or("");
    if name.is_empty() || name == "root" || name == "0" {
        return "/root".into();
    }
    crate::accounts::account_entry(tree, "/etc/passwd", name)
        .and_then(|fields| fields.get(5).cloned())
        .unwrap_or_else(|| "/".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expose_rules() {
        let words = vec!["3000 4000/udp".to_owned(), "5000".to_owned()];
        assert_eq!(
            expose_ports(&words).unwrap(),
            ["3000/tcp", "4000/udp", "5000/tcp"]
        );
        assert_eq!(
            expose_ports(&["8000-8002".to_owned()]).unwrap(),
            ["8000/tcp", "8001/tcp", "8002/tcp"]
        );
        assert!(expose_ports(&["http".to_owned()]).is_err());
    }
}
