//! The build plan: meta ARGs, stages, the target, and which stages it reaches.
//!
//! Instructions before the first FROM may only be ARG. Only the target stage
//! (the last one unless `--target` names another) and the stages it reaches
//! through `FROM <stage>` and `--from=<stage>` are built, dependencies first.

use crate::expand::{Env, Lexer};
use crate::instructions::{Command, From, Instruction};

/// One stage: its FROM and the instructions after it.
#[derive(Clone, Debug)]
pub struct StageDef {
    pub index: usize,
    /// Lowercased `AS` name.
    pub name: Option<String>,
    pub from: From,
    pub from_line: usize,
    pub from_text: String,
    pub instructions: Vec<Instruction>,
}

impl StageDef {
    /// The name progress output uses: the stage name, or `stage-<index>`.
    pub fn display_name(&self) -> String {
        self.name
            .clone()
            .unwrap_or_else(|| format!("stage-{}", self.index))
    }
}

/// A planning error, at a line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanError {
    pub message: String,
    pub line: usize,
}

/// What to build, in order.
#[derive(Clone, Debug)]
pub struct Plan {
    pub meta_args: Vec<Instruction>,
    pub stages: Vec<StageDef>,
    pub target: usize,
    /// Stages to build, each after the stages it depends on.
    pub order: Vec<usize>,
    /// Stages the target does not reach.
    pub skipped: Vec<usize>,
}

/// Where a stage reference points.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SourceRef {
    Stage(usize),
    Image(String),
}

/// Resolves `--from=X` (or a FROM base) in the stage at `current`: a stage
/// name or index defined before it, else an image reference.
pub fn resolve_ref(
    stages: &[StageDef],
    current: usize,
    reference: &str,
    is_from: bool,
) -> Result<SourceRef, String> {
    let lower = crate::text::go_lower(reference);
    if let Some(stage) = stages
        .iter()
        .find(|s| s.name.as_deref() == Some(lower.as_str()))
    {
        if stage.index < current {
            return Ok(SourceRef::Stage(stage.index));
        }
        if stage.index == current && !is_from {
            return Err(format!("circular dependency detected on stage: {lower}"));
        }
        if !is_from {
            return Err(format!(
                "cannot copy from stage {}, it needs to be defined before current stage",
                crate::text::go_quote(lower.as_bytes())
            ));
        }
    }
    if !is_from {
        if let Ok(index) = reference.parse::<usize>() {
            if index < current {
                return Ok(SourceRef::Stage(index));
            }
            return Err(format!(
                "cannot copy from stage {}, it needs to be defined before current stage",
                crate::text::go_quote(reference.as_bytes())
            ));
        }
    }
    Ok(SourceRef::Image(reference.to_owned()))
}

/// Splits instructions into meta args and stages.
pub fn split(
    instructions: Vec<Instruction>,
) -> Result<(Vec<Instruction>, Vec<StageDef>), PlanError> {
    let mut meta_args = Vec::new();
    let mut stages: Vec<StageDef> = Vec::new();
    for ins in instructions {
        match (&ins.command, stages.last_mut()) {
            (Command::From(from), _) => stages.push(StageDef {
                index: stages.len(),
                name: from.stage_name.clone(),
                from: from.clone(),
                from_line: ins.start_line,
                from_text: ins.original.clone(),
                instructions: Vec::new(),
            }),
            (Command::Arg { .. }, None) => meta_args.push(ins),
            (_, None) => {
                return Err(PlanError {
                    message: "no build stage in current context".into(),
                    line: ins.start_line,
                })
            }
            (_, Some(stage)) => stage.instructions.push(ins),
        }
    }
    if stages.is_empty() {
        return Err(PlanError {
            message: "dockerfile contains no stages to build".into(),
            line: 1,
        });
    }
    Ok((meta_args, stages))
}

/// Expands a FROM base with the global (meta) args.
pub fn expand_base(from: &From, global: &Env) -> Result<String, String> {
    let base = Lexer::new('\\')
        .expand_word(&from.image, global)
        .map_err(|e| e.message)?;
    if base.is_empty() {
        return Err(format!("base name ({}) should not be blank", from.image));
    }
    Ok(base)
}

/// Builds the plan: target, reachable stages in dependency order.
pub fn plan(
    meta_args: Vec<Instruction>,
    stages: Vec<StageDef>,
    target: Option<&str>,
    global: &Env,
) -> Result<Plan, PlanError> {
    let target = match target {
        None => stages.len() - 1,
        Some(t) => {
            let lower = crate::text::go_lower(t);
            stages
                .iter()
                .position(|s| s.name.as_deref() == Some(lower.as_str()))
                .ok_or_else(|| PlanError {
                    message: format!(
                        "target stage {} could not be found",
                        crate::text::go_quote(t.as_bytes())
                    ),
                    line: 1,
                })?
        }
    };
    // Dependencies of each stage.
    let mut deps: Vec<Vec<usize>> = vec![Vec::new(); stages.len()];
    for stage in &stages {
        let at = |line: usize| move |message: String| PlanError { message, line };
        let base = expand_base(&stage.from, global).map_err(at(stage.from_line))?;
        if let SourceRef::Stage(i) =
            resolve_ref(&stages, stage.index, &base, true).map_err(at(stage.from_line))?
        {
            deps[stage.index].push(i);
        }
        for ins in &stage.instructions {
            for reference in stage_refs(ins) {
                if reference.contains('$') {
                    return Err(PlanError {
                        message: "variable expansion is not supported for --from, define a new stage with FROM using ARG from global scope as a workaround".into(),
                        line: ins.start_line,
                    });
                }
                if let SourceRef::Stage(i) = resolve_ref(&stages, stage.index, &reference, false)
                    .map_err(at(ins.start_line))?
                {
                    deps[stage.index].push(i);
                }
            }
        }
    }
    let mut order = Vec::new();
    let mut seen = vec![false; stages.len()];
    visit(target, &deps, &mut seen, &mut order);
    let skipped = (0..stages.len()).filter(|i| !seen[*i]).collect();
    Ok(Plan {
        meta_args,
        stages,
        target,
        order,
        skipped,
    })
}

fn visit(stage: usize, deps: &[Vec<usize>], seen: &mut [bool], order: &mut Vec<usize>) {
    if seen[stage] {
        return;
    }
    seen[stage] = true;
    for &d in &deps[stage] {
        visit(d, deps, seen, order);
    }
    order.push(stage);
}

/// Stage references of an instruction: `COPY --from`, `RUN --mount=…,from=`,
/// and the same inside ONBUILD triggers is left to the trigger's own parse.
fn stage_refs(ins: &Instruction) -> Vec<String> {
    match &ins.command {
        Command::Copy(c) => c.from.iter().cloned().collect(),
        Command::Run(r) => r
            .mounts
            .iter()
            .flat_map(|m| {
                m.split(',')
                    .filter_map(|kv| kv.strip_prefix("from=").map(str::to_owned))
                    .collect::<Vec<_>>()
            })
            .collect(),
        _ => Vec::new(),
    }
}
