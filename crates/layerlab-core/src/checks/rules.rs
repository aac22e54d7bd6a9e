//! The rules themselves, in the order BuildKit emits them: the parser's
//! (NoEmptyContinuation), each instruction's as it is parsed, the stage
//! names, the command casing, the FROM lines, then each reachable stage's
//! commands as they are dispatched. Instruction words, protocols and ARG
//! names are compared by ASCII case (Unicode's case tables would add 7 kB
//! to the page); stage names are lowercased as Go's `strings.ToLower` does.

use super::{url, Check, Config, Scope, RULES};
use crate::expand::{Env, Lexer};
use crate::syntax::{Instruction, Parsed, Word};

/// The checks found so far, and which rules may fire.
pub(super) struct Found<'a> {
    pub config: &'a Config,
    pub checks: Vec<Check>,
}

impl Found<'_> {
    fn add(&mut self, rule: &'static str, node: &Instruction, message: String) {
        self.add_at(rule, node.start_line, node.end_line, message);
    }

    fn add_at(&mut self, rule: &'static str, line: usize, end_line: usize, message: String) {
        let experimental = RULES.iter().any(|(r, e)| *r == rule && *e);
        if self.config.runs(rule, experimental) {
            self.checks.push(Check {
                rule,
                message,
                line,
                end_line,
                url: url(rule),
            });
        }
    }
}

fn text(w: &Word) -> String {
    String::from_utf8_lossy(&w.value).into_owned()
}

fn keyword(node: &Instruction) -> String {
    text(&node.keyword)
}

fn is(node: &Instruction, name: &str) -> bool {
    node.keyword.value.eq_ignore_ascii_case(name.as_bytes())
}

/// A stage: its FROM and the instructions up to the next FROM.
struct Stage<'a> {
    index: usize,
    from: &'a Instruction,
    commands: &'a [Instruction],
    /// Lowercased `AS` name.
    name: Option<String>,
}

fn stages(parsed: &Parsed) -> (Vec<&Instruction>, Vec<Stage<'_>>) {
    let all = &parsed.instructions;
    let froms: Vec<usize> = (0..all.len()).filter(|&i| is(&all[i], "FROM")).collect();
    let meta = all[..froms.first().copied().unwrap_or(all.len())]
        .iter()
        .collect();
    let stages = froms
        .iter()
        .enumerate()
        .map(|(index, &at)| {
            let end = froms.get(index + 1).copied().unwrap_or(all.len());
            let from = &all[at];
            Stage {
                index,
                from,
                commands: &all[at + 1..end],
                name: (from.args.len() == 3).then(|| crate::text::go_lower(&text(&from.args[2]))),
            }
        })
        .collect();
    (meta, stages)
}

pub(super) fn all(parsed: &Parsed, scope: &Scope<'_>, out: &mut Found<'_>) {
    let (meta, stages) = stages(parsed);
    // 1. The parser's: an empty line inside a continued instruction.
    for w in &parsed.warnings {
        if w.message.starts_with("Empty continuation line") {
            out.add_at(
                "NoEmptyContinuation",
                w.line,
                w.line,
                "Empty continuation line".into(),
            );
        }
    }
    // 2. As each instruction is parsed (meta ARGs included).
    let source = String::from_utf8_lossy(scope.source);
    let lines: Vec<&str> = source.lines().collect();
    for node in &parsed.instructions {
        parse_time(node, &lines, out);
    }
    // 3. Stage names.
    let mut seen: Vec<&str> = Vec::new();
    for stage in &stages {
        if let Some(name) = &stage.name {
            if name == "context" || name == "scratch" {
                out.add(
                    "ReservedStageName",
                    stage.from,
                    format!(
                        "Stage name should not use the same name as reserved stage {}",
                        crate::text::go_quote(name.as_bytes())
                    ),
                );
            }
            if seen.contains(&name.as_str()) {
                out.add(
                    "DuplicateStageName",
                    stage.from,
                    format!(
                        "Duplicate stage name {}, stage names should be unique",
                        crate::text::go_quote(name.as_bytes())
                    ),
                );
            }
            seen.push(name);
        }
    }
    // 4. Command casing, over every stage's FROM and commands.
    command_casing(&stages, out);
    // 5-6. FROM lines against the global ARGs.
    from_lines(&meta, &stages, scope, out);
    // 7. Each reachable stage, as it is dispatched.
    let (globals, _) = global_args(&meta, scope);
    let lexer = Lexer::new(parsed.escape);
    let mut ends: Vec<StageEnd> = Vec::new();
    for stage in &stages {
        let start = stage_parent(stage, &stages, &ends).unwrap_or_else(|| {
            let base = stage.from.args.first().map(text).unwrap_or_default();
            let base = lexer.expand_word(&base, &globals).unwrap_or(base);
            StageEnd {
                env: (scope.base_env)(&base).map(Env::from_pairs),
                ..StageEnd::default()
            }
        });
        let at = Dispatch {
            reachable: (scope.reachable)(stage.index),
            globals: &globals,
            lexer: &lexer,
            ignore: scope.ignore,
        };
        let end = dispatch(stage, start, &at, out);
        ends.push(end);
    }
}

/// What dispatching a stage needs.
struct Dispatch<'a> {
    reachable: bool,
    globals: &'a Env,
    lexer: &'a Lexer,
    ignore: Option<&'a crate::build::ignore::IgnoreMatcher>,
}

fn parse_time(node: &Instruction, lines: &[&str], out: &mut Found<'_>) {
    if is(node, "FROM") {
        let kw = keyword(node);
        if node.args.len() == 3 {
            let name = text(&node.args[2]);
            if name != crate::text::go_lower(&name) {
                out.add(
                    "StageNameCasing",
                    node,
                    format!("Stage name '{name}' should be lowercase"),
                );
            }
        }
        if node.args.len() >= 3 {
            let as_word = text(&node.args[1]);
            let mismatch = (kw == kw.to_ascii_lowercase()
                && as_word != as_word.to_ascii_lowercase())
                || (kw == kw.to_ascii_uppercase() && as_word != as_word.to_ascii_uppercase());
            if mismatch {
                out.add(
                    "FromAsCasing",
                    node,
                    format!("'{as_word}' and '{kw}' keywords' casing do not match"),
                );
            }
            let name = crate::text::go_lower(&text(&node.args[2]));
            description("FROM", &[name], node, lines, out);
        }
    } else if is(node, "MAINTAINER") {
        out.add(
            "MaintainerDeprecated",
            node,
            "Maintainer instruction is deprecated in favor of using label".into(),
        );
    } else if is(node, "ARG") {
        let keys: Vec<String> = node
            .args
            .iter()
            .map(|a| text(a).split('=').next().unwrap_or("").to_owned())
            .collect();
        description("ARG", &keys, node, lines, out);
    }
}

/// InvalidDefinitionDescription (experimental): a comment right above a
/// named stage or an ARG should start with its name.
fn description(
    instruction: &str,
    keys: &[String],
    node: &Instruction,
    lines: &[&str],
    out: &mut Found<'_>,
) {
    // A description sits on the line right above: an empty line between
    // them says it is not one.
    let above = node.start_line.checked_sub(2).and_then(|i| lines.get(i));
    if !above.is_some_and(|l| l.trim_start().starts_with('#')) {
        return;
    }
    // A bare `#` line ends the description above it.
    let comments = match node.comments.iter().rposition(|c| c.trim().is_empty()) {
        Some(i) => &node.comments[i + 1..],
        None => &node.comments[..],
    };
    let (Some(last), false) = (comments.last(), keys.is_empty()) else {
        return;
    };
    let first = last.trim().split(' ').next().unwrap_or("");
    if keys.iter().any(|k| k == first) {
        return;
    }
    let example = if keys.len() > 1 {
        "<arg_key>"
    } else {
        keys[0].as_str()
    };
    out.add(
        "InvalidDefinitionDescription",
        node,
        format!("Comment for {instruction} should follow the format: `# {example} <description>`"),
    );
}

fn command_casing(stages: &[Stage<'_>], out: &mut Found<'_>) {
    let nodes: Vec<&Instruction> = stages
        .iter()
        .flat_map(|s| std::iter::once(s.from).chain(s.commands.iter()))
        .collect();
    let (mut lower, mut upper) = (0, 0);
    for node in &nodes {
        let kw = keyword(node);
        if kw == kw.to_ascii_lowercase() {
            lower += 1;
        } else if kw == kw.to_ascii_uppercase() {
            upper += 1;
        }
    }
    let majority_lower = lower > upper;
    for node in nodes {
        let kw = keyword(node);
        let wrong = if majority_lower {
            kw != kw.to_ascii_lowercase()
        } else {
            kw != kw.to_ascii_uppercase()
        };
        if wrong {
            let casing = if majority_lower {
                "lowercase"
            } else {
                "uppercase"
            };
            out.add(
                "ConsistentInstructionCasing",
                node,
                format!("Command '{kw}' should match the case of the command majority ({casing})"),
            );
        }
    }
}

/// The global ARGs: built-ins, then meta ARGs with their defaults; and every
/// declared name (with or without a value).
fn global_args(meta: &[&Instruction], scope: &Scope<'_>) -> (Env, Vec<String>) {
    let mut env = Env::from_pairs(scope.builtin_args.iter().map(|(k, v)| format!("{k}={v}")));
    let mut keys: Vec<String> = scope.builtin_args.iter().map(|(k, _)| k.clone()).collect();
    for node in meta.iter().filter(|n| is(n, "ARG")) {
        for a in &node.args {
            let a = text(a);
            let (k, v) = match a.split_once('=') {
                Some((k, v)) => (k.to_owned(), Some(v.to_owned())),
                None => (a.clone(), None),
            };
            if let Some(v) = v {
                let v = Lexer::new('\\').expand_word(&v, &env).unwrap_or(v);
                env.set(&k, &v);
            }
            if !keys.contains(&k) {
                keys.push(k);
            }
        }
    }
    (env, keys)
}

/// The closest name within two edits, BuildKit's `suggest.Search`.
fn suggest<'a>(name: &str, options: &'a [String]) -> Option<&'a str> {
    let mut best: Option<(&str, usize)> = None;
    for o in options {
        if o == name {
            return None;
        }
        let d = crate::instructions::levenshtein(name, o);
        if d < 3 && best.is_none_or(|(_, bd)| d < bd) {
            best = Some((o, d));
        }
    }
    best.map(|(o, _)| o)
}

fn from_lines(meta: &[&Instruction], stages: &[Stage<'_>], scope: &Scope<'_>, out: &mut Found<'_>) {
    let (env, keys) = global_args(meta, scope);
    let lexer = Lexer::new('\\');
    // InvalidDefaultArgInFrom: the base name with the defaults only.
    for stage in stages {
        let Some(base) = stage.from.args.first().map(text) else {
            continue;
        };
        let Ok(expanded) = lexer.expand(&base, &env) else {
            break;
        };
        if !valid_reference(&expanded.result) {
            out.add(
                "InvalidDefaultArgInFrom",
                stage.from,
                format!("Default value for ARG {base} results in empty or invalid base image name"),
            );
        }
    }
    for stage in stages {
        let undeclared = |word: &str, out: &mut Found<'_>| {
            if let Ok(e) = lexer.expand(word, &env) {
                for name in e.unmatched.iter().filter(|n| !keys.contains(n)) {
                    let hint = suggest(name, &keys)
                        .map(|s| format!(" (did you mean {s}?)"))
                        .unwrap_or_default();
                    out.add(
                        "UndefinedArgInFrom",
                        stage.from,
                        format!("FROM argument '{name}' is not declared{hint}"),
                    );
                }
            }
        };
        if let Some(base) = stage.from.args.first() {
            undeclared(&text(base), out);
        }
        let platform = stage
            .from
            .flags
            .iter()
            .map(text)
            .find_map(|f| f.strip_prefix("--platform=").map(str::to_owned));
        let Some(platform) = platform else {
            continue;
        };
        undeclared(&platform, out);
        let Ok(e) = lexer.expand(&platform, &env) else {
            continue;
        };
        if e.unmatched.is_empty()
            && e.matched.len() == 1
            && e.matched.contains("TARGETPLATFORM")
            && Some(e.result.as_str()) == env.get("TARGETPLATFORM")
        {
            out.add(
                "RedundantTargetPlatform",
                stage.from,
                format!("Setting platform to predefined {platform} in FROM is redundant as this is the default behavior"),
            );
        }
        if e.matched.is_empty() && e.unmatched.is_empty() {
            if let Some((os, arch)) = parse_platform(&e.result) {
                let name = stage.name.clone().unwrap_or_default();
                if !name.contains(&os) && !name.contains(&arch) {
                    out.add(
                        "FromPlatformFlagConstDisallowed",
                        stage.from,
                        format!(
                            "FROM --platform flag should not use constant value {}",
                            crate::text::go_quote(e.result.as_bytes())
                        ),
                    );
                }
            }
        }
    }
}

/// `os[/arch[/variant]]` with a known OS, architecture normalised
/// (`x86_64` → `amd64`), as containerd's `platforms.Parse` reads it.
fn parse_platform(p: &str) -> Option<(String, String)> {
    let parts: Vec<String> = p.split('/').map(str::to_ascii_lowercase).collect();
    let os = parts.first()?.clone();
    let known_os = [
        "linux", "windows", "darwin", "freebsd", "netbsd", "openbsd", "solaris", "illumos",
        "android", "ios", "aix", "plan9", "js", "wasip1",
    ];
    if !known_os.contains(&os.as_str()) || parts.len() > 3 {
        return None;
    }
    let arch = match parts.get(1).map(String::as_str) {
        None => "amd64".to_owned(),
        Some("x86_64" | "x86-64") => "amd64".to_owned(),
        Some("aarch64") => "arm64".to_owned(),
        Some("i386" | "i686") => "386".to_owned(),
        Some(a) if !a.is_empty() => a.to_owned(),
        _ => return None,
    };
    Some((os, arch))
}

/// Whether a base name is a valid image reference (`docker/distribution`'s
/// grammar, roughly: lowercase path components, an optional tag and digest).
fn valid_reference(r: &str) -> bool {
    let (name, digest) = match r.split_once('@') {
        Some((n, d)) => (n, Some(d)),
        None => (r, None),
    };
    if digest.is_some_and(|d| !d.contains(':')) {
        return false;
    }
    let slash = name.rfind('/').map_or(0, |i| i + 1);
    let (path, tag) = match name[slash..].rfind(':') {
        Some(i) => (&name[..slash + i], Some(&name[slash + i + 1..])),
        None => (name, None),
    };
    if let Some(t) = tag {
        let ok = !t.is_empty()
            && t.len() <= 128
            && t.chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
            && t.chars()
                .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c));
        if !ok {
            return false;
        }
    }
    if path.is_empty() {
        return false;
    }
    let parts: Vec<&str> = path.split('/').collect();
    parts.iter().enumerate().all(|(i, p)| {
        let host =
            i == 0 && parts.len() > 1 && (p.contains('.') || p.contains(':') || *p == "localhost");
        !p.is_empty()
            && if host {
                p.chars()
                    .all(|c| c.is_ascii_alphanumeric() || ".-:".contains(c))
            } else {
                p.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c))
                    && p.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
            }
    })
}

/// What a stage leaves to a stage built on it.
#[derive(Clone, Default)]
struct StageEnd {
    shell_set: bool,
    workdir_set: bool,
    /// The environment (`None`: the base's is not known).
    env: Option<Env>,
}

/// The end of the earlier stage a stage's FROM names, if it names one.
fn stage_parent(stage: &Stage<'_>, stages: &[Stage<'_>], ends: &[StageEnd]) -> Option<StageEnd> {
    let base = stage
        .from
        .args
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
            .args
            .chunks(3)
            .flat_map(|p| p.iter().take(2).map(text))
            .collect(),
        "COPY" | "ADD" => {
            let flags = node.flags.iter().map(text).filter_map(|f| {
                ["--chown=", "--chmod="]
                    .iter()
                    .find_map(|p| f.strip_prefix(p).map(str::to_owned))
            });
            node.args
                .iter()
                .map(text)
                .filter(|a| !a.starts_with("<<"))
                .chain(flags)
                .collect()
        }
        "WORKDIR" | "USER" | "STOPSIGNAL" | "VOLUME" => node.args.iter().map(text).collect(),
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
    let from_stage = node.flags.iter().any(|f| f.value.starts_with(b"--from"));
    if from_stage || ignore.is_empty() || ignore.has_exclusions() || node.args.len() < 2 {
        return;
    }
    let cmd = if upper == "ADD" { "Add" } else { "Copy" };
    for src in &node.args[..node.args.len() - 1] {
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
fn dispatch(
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
                    for pair in node.args.chunks(3) {
                        let k = text(&pair[0]);
                        let v = pair.get(1).map(text).unwrap_or_default();
                        let v = at.lexer.expand_word(&v, env).unwrap_or(v);
                        env.set(&k, &v);
                    }
                }
            }
            "ARG" => {
                for a in &node.args {
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
                for pair in node.args.chunks(3) {
                    if pair.get(2).is_some_and(|d| d.value.is_empty()) {
                        out.add(
                            "LegacyKeyValueFormat",
                            node,
                            format!("\"{kw} key=value\" should be used instead of legacy \"{kw} key value\" format"),
                        );
                    }
                    if upper == "ENV" {
                        secret("ENV", &text(&pair[0]), node, out);
                    }
                }
            }
            "COPY" | "ADD" => ignored_sources(&upper, node, at, end.env.as_ref(), out),
            "WORKDIR" => {
                let path = node.args.first().map(text).unwrap_or_default();
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
                let mut ports: Vec<String> = node.args.iter().map(text).collect();
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
