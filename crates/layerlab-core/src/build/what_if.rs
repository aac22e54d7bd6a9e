//! "What rebuilds if I edit this?": the steps an edit would rebuild and what
//! that costs, computed from the cache keys, not guessed. For a context file,
//! the build runs again over a scratch copy of the cache with that file's
//! content changed, and the steps that miss are the answer. For a line of the
//! Dockerfile, its step and every step after it in its stage, and the stages
//! built on it, miss (a step's key is made from its parent's).

use super::{build, BuildOptions, BuildResult, CacheStore, Context, RunExecutor, StepStatus};
use crate::catalog::Catalog;

/// What an edit would rebuild.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Rebuild {
    /// The steps that would miss the cache: (number, instruction).
    pub steps: Vec<(usize, String)>,
    /// Their time, as this build measured them, and the bytes of their layers.
    pub duration_ms: u64,
    pub bytes: u64,
}

impl Rebuild {
    /// "Editing app.py rebuilds 2 steps (5 COPY . ., 6 CMD …): about 0.4 s
    /// and 159B of layers." (`what` names the edit.)
    pub fn sentence(&self, what: &str) -> String {
        let r = self;
        if r.steps.is_empty() {
            return format!("Editing {what} rebuilds nothing: no step reads it.");
        }
        let mut list: Vec<String> = r
            .steps
            .iter()
            .take(4)
            .map(|(n, ins)| {
                let short: String = ins.chars().take(40).collect();
                let more = if ins.chars().count() > 40 { "…" } else { "" };
                format!("{n} {short}{more}")
            })
            .collect();
        if r.steps.len() > 4 {
            list.push(format!("{} more", r.steps.len() - 4));
        }
        let steps = if r.steps.len() == 1 { "step" } else { "steps" };
        format!(
            "Editing {what} rebuilds {} {steps} ({}): about {}.{} s and {} of layers.",
            r.steps.len(),
            list.join(", "),
            r.duration_ms / 1000,
            (r.duration_ms % 1000) / 100,
            crate::report::human_size(r.bytes)
        )
    }

    fn from_steps<'a>(steps: impl Iterator<Item = &'a super::StepResult>) -> Rebuild {
        let mut out = Rebuild::default();
        for s in steps {
            out.steps.push((s.number, s.instruction.clone()));
            out.duration_ms += s.duration_ms;
            out.bytes += s.layer_size;
        }
        out
    }
}

/// The inputs of a build, to rebuild it with one thing changed.
pub struct Inputs<'a> {
    pub dockerfile: &'a [u8],
    pub context: &'a Context,
    pub catalog: &'a Catalog,
    pub options: &'a BuildOptions,
    pub executor: &'a dyn RunExecutor,
}

/// The steps editing context file `path` would rebuild, given the cache the
/// last build left (the cache itself is not touched). `None` when the
/// context has no such file.
pub fn edit_file(inputs: &Inputs<'_>, cache: &CacheStore, path: &str) -> Option<Rebuild> {
    let file = inputs.context.get(path)?;
    let mut changed = inputs.context.clone();
    let mut data = file.data.to_vec();
    data.extend_from_slice(b"\n# edited\n");
    changed.insert(path, data, file.mode);
    let mut scratch = cache.clone();
    let result = build(
        inputs.dockerfile,
        &changed,
        inputs.catalog,
        inputs.options,
        &mut scratch,
        inputs.executor,
    );
    Some(Rebuild::from_steps(result.steps.iter().filter(|s| {
        s.status == StepStatus::Built && s.miss.is_some()
    })))
}

/// The steps editing Dockerfile line `line` would rebuild in `result`: the
/// step on that line and the rest of its stage, then every step of the
/// stages that build on a rebuilt one (FROM it, or COPY --from it).
pub fn edit_line(result: &BuildResult, line: usize) -> Rebuild {
    let Some(first) = result
        .steps
        .iter()
        .find(|s| s.line <= line && line <= s.end_line.max(s.line))
    else {
        return Rebuild::default();
    };
    let mut stages = vec![first.stage];
    let mut rebuilt: Vec<&super::StepResult> = Vec::new();
    for s in &result.steps {
        let from_stage = |name: &str| {
            result.stages.iter().any(|st| {
                stages.contains(&st.index) && (st.name == name || st.index.to_string() == name)
            })
        };
        // Built on a rebuilt stage: FROM it, or COPY --from it.
        let words: Vec<String> = s
            .instruction
            .split_whitespace()
            .map(str::to_ascii_lowercase)
            .collect();
        let base = words.iter().skip(1).find(|w| !w.starts_with("--"));
        let from_base = s.keyword == "FROM" && base.is_some_and(|b| from_stage(b));
        let copies_from = words
            .iter()
            .any(|w| w.strip_prefix("--from=").is_some_and(from_stage));
        let depends = from_base || copies_from;
        if s.stage == first.stage && s.number >= first.number {
            rebuilt.push(s);
        } else if s.stage != first.stage && (depends || stages.contains(&s.stage)) {
            if !stages.contains(&s.stage) {
                stages.push(s.stage);
            }
            rebuilt.push(s);
        }
    }
    Rebuild::from_steps(
        rebuilt
            .into_iter()
            .filter(|s| s.keyword != "FROM" || s.number == first.number),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::build::NoopExecutor;

    fn catalog() -> Catalog {
        Catalog::from_json(br#"[{"image":"alpine","tag":"3.20","as_of":"2024-01-01","image_id":"sha256:aaaa","virtual_size_bytes":7810000,"os":{"distro":"alpine"}}]"#).unwrap()
    }

    #[test]
    fn editing_a_copied_file_rebuilds_from_the_copy_that_reads_it() {
        let mut context = Context::new();
        context.add("requirements.txt", b"flask\n");
        context.add("app.py", b"print(1)\n");
        let dockerfile = b"FROM alpine:3.20\nCOPY requirements.txt .\nRUN echo install\nCOPY . .\nCMD [\"python\", \"app.py\"]\n";
        let catalog = catalog();
        let options = BuildOptions::default();
        let mut cache = CacheStore::new();
        let inputs = Inputs {
            dockerfile,
            context: &context,
            catalog: &catalog,
            options: &options,
            executor: &NoopExecutor,
        };
        build(
            dockerfile,
            &context,
            &catalog,
            &options,
            &mut cache,
            &NoopExecutor,
        );
        let app = edit_file(&inputs, &cache, "app.py").unwrap();
        assert_eq!(
            app.steps.iter().map(|(n, _)| *n).collect::<Vec<_>>(),
            [4, 5]
        );
        assert!(app.sentence("app.py").starts_with(
            "Editing app.py rebuilds 2 steps (4 COPY . ., 5 CMD [\"python\", \"app.py\"]): about "
        ));
        assert_eq!(
            Rebuild::default().sentence("notes.txt"),
            "Editing notes.txt rebuilds nothing: no step reads it."
        );
        let reqs = edit_file(&inputs, &cache, "requirements.txt").unwrap();
        assert_eq!(
            reqs.steps.iter().map(|(n, _)| *n).collect::<Vec<_>>(),
            [2, 3, 4, 5]
        );
        // The cache is as it was: a real rebuild is all hits.
        let again = build(
            dockerfile,
            &context,
            &catalog,
            &options,
            &mut cache,
            &NoopExecutor,
        );
        assert!(again.steps.iter().all(|s| s.miss.is_none()));
        assert!(edit_file(&inputs, &cache, "missing.txt").is_none());
    }

    #[test]
    fn editing_a_line_rebuilds_the_rest_of_its_stage_and_what_builds_on_it() {
        let mut cache = CacheStore::new();
        let dockerfile = b"FROM alpine:3.20 AS build\nRUN echo a\nRUN echo b\nFROM alpine:3.20\nRUN echo c\nCOPY --from=build /x /x\n";
        let mut context = Context::new();
        context.add("x", b"1");
        let result = build(
            dockerfile,
            &context,
            &catalog(),
            &BuildOptions::default(),
            &mut cache,
            &NoopExecutor,
        );
        let r = edit_line(&result, 3);
        assert_eq!(
            r.steps.iter().map(|(_, i)| i.as_str()).collect::<Vec<_>>(),
            ["RUN echo b", "COPY --from=build /x /x"]
        );
        let r = edit_line(&result, 5);
        assert_eq!(
            r.steps.iter().map(|(_, i)| i.as_str()).collect::<Vec<_>>(),
            ["RUN echo c", "COPY --from=build /x /x"]
        );
    }
}
