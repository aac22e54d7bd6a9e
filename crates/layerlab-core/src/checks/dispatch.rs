//! The rules BuildKit checks as it dispatches a stage's commands (the
//! stages the target reaches only): UndefinedVar over the stage's
//! environment, MultipleInstructionsDisallowed, JSONArgsRecommended,
//! LegacyKeyValueFormat, SecretsUsedInArgOrEnv, WorkdirRelativePath, the
//! EXPOSE rules and CopyIgnoredFile.

use super::rules::{is, keyword, suggest, text, Found, Stage};
use crate::expand::{Env, Lexer};
use crate::syntax::Instruction;

/// What dispatching a stage needs.
pub(super) struct Dispatch<'a> {
    pub reachable: bool,
    pub globals: &'a Env,
    pub lexer: &'a Lexer,
    pub ignore: Option<&'a crate::build::ignore::IgnoreMatcher>,
}

/// What a stage leaves to a stage built on it.
#[derive(Clone, Default)]
pub(super) struct StageEnd {
    pub shell_set: bool,
    pub workdir_set: bool,
    /// The environment (`None`: the base's is not known).
    pub env: Option<Env>,
}

/// The end of the earlier stage a stage's FROM names, if it names one.
pub(super) fn stage_parent(
    stage: &Stage<'_>,
    stages: &[Stage<'_>],
    ends: &[StageEnd],
) -> Option<StageEnd> {
    let base = stage
        .from
        .args()
        .first()
        .map(text)
        .unwrap_or_default()
        .to_ascii_lowercase();
    stages[..stage.index]
        .iter()
        .rposition(|s| s.name.as_deref() == Some(base.as_str()) || s.index.to_string() == base)
        .map(|i| ends[i].clone())
}

/// UndefinedVar: each variable a word uses that the stage has not defined
/// (its environment, or an ARG it declared), with the closest defined name.
fn undefined_vars(
    word: &str,
    env: &Env,
    declared: &[String],
    node: &Instruction,
    at: &Dispatch<'_>,
    out: &mut Found<'_>,
) {
    let Ok(e) = at.lexer.expand(word, env) else {
        return;
    };
    let keys: Vec<String> = env.iter().map(|(k, _)| k.to_owned()).collect();
    for name in &e.unmatched {
        if declared.contains(name)
            || matches!(
                name.as_str(),
                "BUILDKIT_SBOM_SCAN_CONTEXT" | "BUILDKIT_SBOM_SCAN_STAGE"
            )
        {
            continue;
        }
        let hint = suggest(name, &keys)
            .map(|s| format!(" (did you mean ${s}?)"))
            .unwrap_or_default();
        out.add(
            "UndefinedVar",
            node,
            format!("Usage of undefined variable '${name}'{hint}"),
        );
    }
}

/// The words BuildKit expands for a command (and so checks for UndefinedVar).
fn expanded_words(upper: &str, node: &Instruction) -> Vec<String> {
    match upper {
        "ENV" | "LABEL" => node
            .args()
            .chunks(3)
            .flat_map(|p| p.iter().take(2).map(text))
            .collect(),
        "COPY" | "ADD" => {
            let flags = node.flags().iter().map(text).filter_map(|f| {
                ["--chown=", "--chmod="]
                    .iter()
                    .find_map(|p| f.strip_prefix(p).map(str::to_owned))
            });
            node.args()
                .iter()
                .map(text)
                .filter(|a| !a.starts_with("<<"))
                .chain(flags)
                .collect()
        }
        "WORKDIR" | "USER" | "STOPSIGNAL" | "VOLUME" => node.args().iter().map(text).collect(),
        _ => Vec::new(),
    }
}

/// CopyIgnoredFile: a context source the `.dockerignore` leaves out.
fn ignored_sources(
    upper: &str,
    node: &Instruction,
    at: &Dispatch<'_>,
    env: Option<&Env>,
    out: &mut Found<'_>,
) {
    let Some(ignore) = at.ignore else { return };
    let from_stage = node.flags().iter().any(|f| f.value.starts_with(b"--from"));
    if from_stage || ignore.is_empty() || ignore.has_exclusions() || node.args().len() < 2 {
        return;
    }
    let cmd = if upper == "ADD" { "Add" } else { "Copy" };
    for src in node.args().iter().take(node.args().len() - 1) {
        let raw = text(src);
        if raw.starts_with("<<") || raw.contains("://") {
            continue;
        }
        let src = match env {
            Some(env) => at.lexer.expand_word(&raw, env).unwrap_or(raw),
            None => raw,
        };
        let clean = crate::fs::path::clean(&format!("/{src}"));
        let clean = clean.trim_start_matches('/');
        let hit = if clean.is_empty() {
            ignore.excludes_root()
        } else {
            ignore.excludes(clean)
        };
        if hit {
            let shown = if clean.is_empty() { "." } else { clean };
            out.add(
                "CopyIgnoredFile",
                node,
                format!(
                    "Attempting to {cmd} file {} that is excluded by .dockerignore",
                    crate::text::go_quote(shown.as_bytes())
                ),
            );
        }
    }
}

/// The rules checked as a stage's commands are dispatched (reachable stages
/// only, as BuildKit converts only those).
pub(super) fn dispatch(
    stage: &Stage<'_>,
    start: StageEnd,
    at: &Dispatch<'_>,
    out: &mut Found<'_>,
) -> StageEnd {
    let mut end = start;
    let mut declared: Vec<String> = Vec::new();
    let mut used: Vec<(String, &Instruction)> = Vec::new();
    for node in stage.commands {
        if is(node, "SHELL") {
            end.shell_set = true;
        }
        let kw = keyword(node);
        let upper = kw.to_ascii_uppercase();
        if at.reachable {
            if let Some(env) = &end.env {
                for word in expanded_words(&upper, node) {
                    undefined_vars(&word, env, &declared, node, at, out);
                }
            }
        }
        // The environment as the command leaves it (ARG's secrets and
        // defaults are checked as BuildKit's dispatchArg does, key by key).
        match upper.as_str() {
            "ENV" => {
                if let Some(env) = &mut end.env {
                    for pair in node.args().chunks(3) {
                        let k = pair.first().map(text).unwrap_or_default();
                        let v = pair.get(1).map(text).unwrap_or_default();
                        let v = at.lexer.expand_word(&v, env).unwrap_or(v);
                        env.set(&k, &v);
                    }
                }
            }
            "ARG" => {
                for a in node.args() {
                    let a = text(a);
                    let (k, default) = match a.split_once('=') {
                        Some((k, v)) => (k.to_owned(), Some(v.to_owned())),
                        None => (a.clone(), None),
                    };
                    if at.reachable {
                        secret("ARG", &k, node, out);
                    }
                    if let Some(env) = &mut end.env {
                        let value = match default {
                            Some(d) => {
                                if at.reachable {
                                    undefined_vars(&d, env, &declared, node, at, out);
                                }
                                Some(at.lexer.expand_word(&d, env).unwrap_or(d))
                            }
                            None => at.globals.get(&k).map(str::to_owned),
                        };
                        if let Some(v) = value {
                            env.set(&k, &v);
                        }
                    }
                    declared.push(k);
                }
            }
            _ => {}
        }
        if !at.reachable {
            if is(node, "WORKDIR") {
                end.workdir_set = true;
            }
            continue;
        }
        match upper.as_str() {
            "CMD" | "ENTRYPOINT" | "HEALTHCHECK" => {
                if let Some((_, previous)) = used.iter().find(|(k, _)| *k == upper) {
                    out.add(
                        "MultipleInstructionsDisallowed",
                        previous,
                        format!("Multiple {kw} instructions should not be used in the same stage because only the last one will be used"),
                    );
                }
                used.retain(|(k, _)| *k != upper);
                used.push((upper.clone(), node));
                if upper != "HEALTHCHECK" && !node.json && !end.shell_set {
                    out.add(
                        "JSONArgsRecommended",
                        node,
                        format!("JSON arguments recommended for {kw} to prevent unintended behavior related to OS signals"),
                    );
                }
            }
            "ENV" | "LABEL" => {
                for pair in node.args().chunks(3) {
                    if pair.get(2).is_some_and(|d| d.value.is_empty()) {
                        out.add(
                            "LegacyKeyValueFormat",
                            node,
                            format!("\"{kw} key=value\" should be used instead of legacy \"{kw} key value\" format"),
                        );
                    }
                    if upper == "ENV" {
                        secret(
                            "ENV",
                            &pair.first().map(text).unwrap_or_default(),
                            node,
                            out,
                        );
                    }
                }
            }
            "COPY" | "ADD" => ignored_sources(&upper, node, at, end.env.as_ref(), out),
            "WORKDIR" => {
                let path = node.args().first().map(text).unwrap_or_default();
                if !end.workdir_set && !path.starts_with('/') && !path.contains('$') {
                    out.add(
                        "WorkdirRelativePath",
                        node,
                        format!(
                            "Relative workdir {} can have unexpected results if the base image changes",
                            crate::text::go_quote(path.as_bytes())
                        ),
                    );
                }
                end.workdir_set = true;
            }
            "EXPOSE" => {
                let mut ports: Vec<String> = node.args().iter().map(text).collect();
                ports.sort();
                for port in ports {
                    if let Some((_, proto)) = port.split_once('/') {
                        if proto != proto.to_ascii_lowercase() {
                            out.add(
                                "ExposeProtoCasing",
                                node,
                                format!("Defined protocol '{port}' in EXPOSE instruction should be lowercase"),
                            );
                        }
                    }
                    if port.split('/').next().unwrap_or("").contains(':') {
                        out.add(
                            "ExposeInvalidFormat",
                            node,
                            format!("EXPOSE instruction should not define an IP address or host-port mapping, found '{port}'"),
                        );
                    }
                }
            }
            _ => {}
        }
    }
    end
}

/// SecretsUsedInArgOrEnv: a key with a secret-sounding part (`_`-separated).
fn secret(instruction: &str, key: &str, node: &Instruction, out: &mut Found<'_>) {
    const DENY: [&str; 10] = [
        "apikey",
        "auth",
        "credential",
        "credentials",
        "key",
        "password",
        "pword",
        "passwd",
        "secret",
        "token",
    ];
    const ALLOW: [&str; 3] = ["public", "file", "version"];
    let parts: Vec<String> = key.split('_').map(str::to_ascii_lowercase).collect();
    let has = |list: &[&str]| parts.iter().any(|p| list.contains(&p.as_str()));
    if has(&DENY) && !has(&ALLOW) {
        out.add(
            "SecretsUsedInArgOrEnv",
            node,
            format!(
                "Do not use ARG or ENV instructions for sensitive data ({instruction} {})",
                crate::text::go_quote(key.as_bytes())
            ),
        );
    }
}
