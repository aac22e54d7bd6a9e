//! Docker's build checks (BuildKit's Dockerfile linter): each rule, its
//! message as BuildKit words it, where it points, and the order BuildKit
//! emits them in (parse-time rules for every stage, then the rules checked
//! while a reachable stage is dispatched). `docker build` prints them as
//! `WARN:` lines and a closing summary (see `report::logs`); the classic
//! builder has none. Rules follow `frontend/dockerfile/linter/ruleset.go`.

mod config;
mod dispatch;
mod rules;

pub use config::Config;

use crate::syntax::Parsed;

/// One check that fired.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Check {
    /// The rule's name (`JSONArgsRecommended`).
    pub rule: &'static str,
    /// The message, as BuildKit formats it.
    pub message: String,
    /// The instruction it points at (1-based lines).
    pub line: usize,
    pub end_line: usize,
    /// The rule's documentation page.
    pub url: String,
}

impl Check {
    /// `Rule: message (line N)`: how `docker build` prints it.
    pub fn short(&self) -> String {
        if self.line > 0 {
            format!("{}: {} (line {})", self.rule, self.message, self.line)
        } else {
            format!("{}: {}", self.rule, self.message)
        }
    }
}

/// The rules, with whether each is experimental (runs only when asked for).
pub const RULES: [(&str, bool); 21] = [
    ("ConsistentInstructionCasing", false),
    ("CopyIgnoredFile", false),
    ("DuplicateStageName", false),
    ("ExposeInvalidFormat", false),
    ("ExposeProtoCasing", false),
    ("FromAsCasing", false),
    ("FromPlatformFlagConstDisallowed", false),
    ("InvalidDefaultArgInFrom", false),
    ("InvalidDefinitionDescription", true),
    ("JSONArgsRecommended", false),
    ("LegacyKeyValueFormat", false),
    ("MaintainerDeprecated", false),
    ("MultipleInstructionsDisallowed", false),
    ("NoEmptyContinuation", false),
    ("RedundantTargetPlatform", false),
    ("ReservedStageName", false),
    ("SecretsUsedInArgOrEnv", false),
    ("StageNameCasing", false),
    ("UndefinedArgInFrom", false),
    ("UndefinedVar", false),
    ("WorkdirRelativePath", false),
];

/// A rule's documentation page: `JSONArgsRecommended` →
/// `https://docs.docker.com/go/dockerfile/rule/json-args-recommended/`.
pub fn url(rule: &str) -> String {
    let chars: Vec<char> = rule.chars().collect();
    let mut kebab = String::new();
    for (i, c) in chars.iter().enumerate() {
        let after_lower = i > 0 && chars[i - 1].is_ascii_lowercase();
        let before_lower = chars.get(i + 1).is_some_and(char::is_ascii_lowercase);
        if c.is_ascii_uppercase() && i > 0 && (after_lower || before_lower) {
            kebab.push('-');
        }
        kebab.push(c.to_ascii_lowercase());
    }
    format!("https://docs.docker.com/go/dockerfile/rule/{kebab}/")
}

/// What the checks need besides the file: which stages the target reaches
/// (dispatch-time rules look at those only), the automatic platform ARGs,
/// base images' environments and the `.dockerignore`.
pub struct Scope<'a> {
    pub reachable: &'a dyn Fn(usize) -> bool,
    pub builtin_args: &'a [(String, String)],
    /// A base image's ENV (`K=V`), by reference as the global ARGs expand
    /// it; `None` when it is not known (UndefinedVar then stays quiet for
    /// that stage rather than guess).
    pub base_env: &'a dyn Fn(&str) -> Option<Vec<String>>,
    /// The context's `.dockerignore`, if any.
    pub ignore: Option<&'a crate::build::ignore::IgnoreMatcher>,
    /// The Dockerfile's text (a description comment must be on the line
    /// right above its instruction).
    pub source: &'a [u8],
}

/// Runs every rule the directive leaves on, in BuildKit's order.
pub fn run(parsed: &Parsed, config: &Config, scope: &Scope<'_>) -> Vec<Check> {
    let mut out = rules::Found {
        config,
        checks: Vec::new(),
    };
    rules::all(parsed, scope, &mut out);
    out.checks
}

/// The build's failure with `error=true`: the rules that fired, each once.
pub fn violation(checks: &[Check]) -> Option<String> {
    let mut rules: Vec<&str> = Vec::new();
    for c in checks {
        if !rules.contains(&c.rule) {
            rules.push(c.rule);
        }
    }
    (!rules.is_empty()).then(|| format!("lint violation found for rules: {}", rules.join(", ")))
}

#[cfg(test)]
mod tests;
