//! The rules themselves, in the order BuildKit emits them: the parser's
//! (NoEmptyContinuation), each instruction's as it is parsed, the stage
//! names, the command casing, the FROM lines, then each reachable stage's
//! commands as they are dispatched (`dispatch.rs`). Instruction words, protocols and ARG
//! names are compared by ASCII case (Unicode's case tables would add 7 kB
//! to the page); stage names are lowercased as Go's `strings.ToLower` does.

use super::dispatch::{dispatch, stage_parent, Dispatch, StageEnd};
use super::{url, Check, Config, Scope, RULES};
use crate::expand::{Env, Lexer};
use crate::syntax::{Instruction, Parsed, Word};

/// The checks found so far, and which rules may fire.
pub(super) struct Found<'a> {
    pub config: &'a Config,
    pub checks: Vec<Check>,
}

impl Found<'_> {
    pub(super) fn add(&mut self, rule: &'static str, node: &Instruction, message: String) {
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

pub(super) fn text(w: Word<'_>) -> String {
    String::from_utf8_lossy(w.value).into_owned()
}

pub(super) fn keyword(node: &Instruction) -> String {
    text(node.keyword())
}

pub(super) fn is(node: &Instruction, name: &str) -> bool {
    node.keyword().value.eq_ignore_ascii_case(name.as_bytes())
}

/// A stage: its FROM and the instructions up to the next FROM.
pub(super) struct Stage<'a> {
    pub index: usize,
    pub from: &'a Instruction,
    pub commands: &'a [Instruction],
    /// Lowercased `AS` name.
    pub name: Option<String>,
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
                name: (from.args().len() == 3)
                    .then(|| from.args().get(2))
                    .flatten()
                    .map(|w| crate::text::go_lower(&text(w))),
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
            let base = stage.from.args().first().map(text).unwrap_or_default();
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

fn parse_time(node: &Instruction, lines: &[&str], out: &mut Found<'_>) {
    if is(node, "FROM") {
        let kw = keyword(node);
        let args = node.args();
        if let (3, Some(name)) = (args.len(), args.get(2)) {
            let name = text(name);
            if name != crate::text::go_lower(&name) {
                out.add(
                    "StageNameCasing",
                    node,
                    format!("Stage name '{name}' should be lowercase"),
                );
            }
        }
        if let (Some(as_word), Some(name)) = (args.get(1), args.get(2)) {
            let as_word = text(as_word);
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
            let name = crate::text::go_lower(&text(name));
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
            .args()
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
    let comments: Vec<_> = node.comments().collect();
    let comments = match comments.iter().rposition(|c| c.trim().is_empty()) {
        Some(i) => &comments[i + 1..],
        None => &comments[..],
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
        for a in node.args() {
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
pub(super) fn suggest<'a>(name: &str, options: &'a [String]) -> Option<&'a str> {
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
        let Some(base) = stage.from.args().first().map(text) else {
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
        if let Some(base) = stage.from.args().first() {
            undeclared(&text(base), out);
        }
        let platform = stage
            .from
            .flags()
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
