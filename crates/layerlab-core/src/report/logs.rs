//! Build logs: the classic builder's (`Step 1/4 : FROM …`, ` ---> Using cache`)
//! and BuildKit's plain progress (`#5 [2/3] RUN …`, `#5 CACHED`).

use sha2::{Digest, Sha256};

use super::size::human_size_with_precision;
use super::time::seconds as secs;
use crate::build::{BuildResult, Pull, StepResult, StepStatus};
use crate::image::short_id;

/// A deterministic 12-hex "container ID" for a step (classic's `Running in …`).
fn container_id(step: &StepResult, salt: &str) -> String {
    let h = Sha256::digest(format!("{salt}:{}", step.cache_key));
    crate::fs::hex(&h)[..12].to_owned()
}

/// The classic builder's text for a step line: JSON-form arguments joined by
/// spaces (as Docker 17 printed `CMD python app.py`), otherwise as written.
fn classic_step_text(step: &StepResult) -> String {
    let text = step.instruction.trim();
    let Some((keyword, rest)) = text.split_once(char::is_whitespace) else {
        return text.to_owned();
    };
    let rest = rest.trim();
    if rest.starts_with('[') {
        if let Ok(words) = serde_json::from_slice::<Vec<String>>(rest.as_bytes()) {
            return format!("{} {}", keyword.to_ascii_uppercase(), words.join(" "));
        }
    }
    format!("{} {rest}", keyword.to_ascii_uppercase())
}

/// `docker build` output of the classic builder.
pub fn classic(result: &BuildResult) -> String {
    let mut out = String::new();
    let size = human_size_with_precision(result.context_size, 4);
    out.push_str(&format!(
        "Sending build context to Docker daemon {size:>8}\n"
    ));
    let total = result.instruction_count;
    let mut n = 0;
    for step in &result.steps {
        if step.onbuild {
            out.push_str(&format!(
                " ---> Running in {}\n",
                container_id(step, "onbuild")
            ));
            continue;
        }
        n += 1;
        out.push_str(&format!("Step {n}/{total} : {}\n", classic_step_text(step)));
        if step.keyword == "FROM" {
            let scratch = result
                .stages
                .iter()
                .any(|s| s.index == step.stage && s.base == "scratch");
            if let Some(pull) = &step.pulled {
                out.push_str(&pull_lines(pull, false));
            }
            if scratch {
                // The legacy builder has no image ID for scratch to print.
                out.push_str(" ---> \n");
            } else if !step.image_id.is_empty() {
                out.push_str(&format!(" ---> {}\n", short_id(&step.image_id)));
            }
            for note in &step.notes {
                out.push_str(&format!(" ---> {note}\n"));
            }
            continue;
        }
        match step.status {
            StepStatus::Cached => {
                out.push_str(" ---> Using cache\n");
                out.push_str(&format!(" ---> {}\n", short_id(&step.image_id)));
            }
            StepStatus::Built | StepStatus::Failed => {
                let runs_container = !matches!(step.keyword.as_str(), "COPY" | "ADD");
                let cid = container_id(step, "build");
                if runs_container {
                    out.push_str(&format!(" ---> Running in {cid}\n"));
                }
                for line in &step.output {
                    out.push_str(line);
                    out.push('\n');
                }
                if step.status == StepStatus::Failed {
                    break;
                }
                out.push_str(&format!(" ---> {}\n", short_id(&step.image_id)));
                out.push_str(&format!("Removing intermediate container {cid}\n"));
            }
        }
    }
    match (&result.error, &result.image) {
        (Some(e), _) => out.push_str(&format!("{}\n", e.message)),
        (None, Some(image)) => {
            out.push_str(&format!("Successfully built {}\n", short_id(&image.id)));
            for tag in &image.tags {
                out.push_str(&format!("Successfully tagged {}\n", full_tag(tag)));
            }
        }
        _ => {}
    }
    out
}

/// What `docker pull` prints for an image it downloads (and the classic
/// builder under a FROM): `TAG: Pulling from REPO`, a line per layer, the
/// digest and the status. `present` marks layers already on disk.
pub fn pull_lines(pull: &Pull, newer_cli: bool) -> String {
    let mut out = format!("{}: Pulling from {}\n", pull.tag, pull.repository);
    for (digest, _) in &pull.layers {
        out.push_str(&format!("{}: Pull complete\n", short_id(digest)));
    }
    out.push_str(&format!("Digest: {}\n", pull.digest));
    let name = match pull.repository.strip_prefix("library/") {
        Some(official) => official.to_owned(),
        None => pull.repository.clone(),
    };
    out.push_str(&format!(
        "Status: Downloaded newer image for {name}:{}\n",
        pull.tag
    ));
    if newer_cli {
        out.push_str(&format!("docker.io/{}:{}\n", pull.repository, pull.tag));
    }
    out
}

/// BuildKit's lines under a FROM vertex whose image it downloads: the
/// resolve, then each layer's transfer and extraction.
fn buildkit_pull_lines(pull: &Pull) -> Vec<String> {
    let mut lines = vec![format!(
        "resolve docker.io/{}:{}@{} 0.0s done",
        pull.repository, pull.tag, pull.digest
    )];
    let total: u64 = pull.layers.iter().map(|(_, s)| *s).sum::<u64>().max(1);
    for (digest, size) in &pull.layers {
        let ms = pull.duration_ms * size / total;
        let size = super::size::progress_size(*size);
        lines.push(format!(
            "{digest} {size} / {size} {} done",
            secs(ms * 2 / 3)
        ));
    }
    for (digest, size) in &pull.layers {
        let ms = pull.duration_ms * size / total;
        lines.push(format!("extracting {digest} {} done", secs(ms / 3)));
    }
    lines
}

/// `name` → `name:latest`.
pub fn full_tag(tag: &str) -> String {
    let (name, t) = crate::catalog::normalize_reference(tag);
    format!("{name}:{t}")
}

/// BuildKit's step name: `[stage i/N] KEYWORD …`, padded `i`, stage left out
/// for a single-stage Dockerfile (rule 38).
fn step_names(result: &BuildResult) -> Vec<Option<String>> {
    let single = result.stages.len() == 1;
    let mut names = vec![None; result.steps.len()];
    for stage in result.stages.iter().filter(|s| s.built) {
        // FROM is a step of its own for an image (known or not), not for
        // scratch or another stage (rule 38).
        let base = crate::text::go_lower(&stage.base);
        let from_image = base != "scratch"
            && !result
                .stages
                .iter()
                .any(|s| s.name == base || s.index.to_string() == base);
        let idx: Vec<usize> = (0..result.steps.len())
            .filter(|&i| result.steps[i].stage == stage.index)
            .filter(|&i| {
                let s = &result.steps[i];
                (s.keyword == "FROM" && from_image)
                    || matches!(
                        s.keyword.trim_start_matches("ONBUILD "),
                        "RUN" | "COPY" | "ADD" | "WORKDIR"
                    )
            })
            .collect();
        // Over the stage's instructions, not only those that ran before a failure.
        let from = usize::from(
            idx.first()
                .is_some_and(|&i| result.steps[i].keyword == "FROM"),
        );
        let onbuild = idx.iter().filter(|&&i| result.steps[i].onbuild).count();
        let total = idx.len().max(from + onbuild + stage.vertices);
        let width = total.to_string().len();
        for (k, &i) in idx.iter().enumerate() {
            let s = &result.steps[i];
            let text = if s.keyword == "FROM" {
                format!("FROM {}", docker_io(&stage.base))
            } else if s.onbuild {
                format!("ONBUILD {}", s.instruction)
            } else {
                s.instruction.clone()
            };
            let prefix = if single {
                String::new()
            } else {
                format!("{} ", stage.name)
            };
            names[i] = Some(format!("[{prefix}{:>width$}/{total}] {text}", k + 1));
        }
    }
    names
}

fn docker_io(reference: &str) -> String {
    // A digest is printed as written after the tag (`…:3.12@sha256:…`).
    let digest = reference
        .split_once('@')
        .map(|(_, d)| format!("@{d}"))
        .unwrap_or_default();
    docker_io_name(reference) + &digest
}

fn docker_io_name(reference: &str) -> String {
    let (name, tag) = crate::catalog::normalize_reference(reference);
    if name.contains('/')
        && name
            .split('/')
            .next()
            .is_some_and(|h| h.contains('.') || h.contains(':'))
    {
        format!("{name}:{tag}")
    } else if name.contains('/') {
        format!("docker.io/{name}:{tag}")
    } else {
        format!("docker.io/library/{name}:{tag}")
    }
}

/// BuildKit keeps this many of a failed step's last output lines for the
/// error block after the progress.
const ERROR_LOG_LINES: usize = 10;

/// A log line's time since its step started, as BuildKit prints it: three
/// decimals under 10 s, two under 100 s, one above.
fn log_time(ms: u64) -> String {
    match ms {
        0..10_000 => format!("{}.{:03}", ms / 1000, ms % 1000),
        10_000..100_000 => {
            let hundredths = (ms + 5) / 10;
            format!("{}.{:02}", hundredths / 100, hundredths % 100)
        }
        _ => {
            let tenths = (ms + 50) / 100;
            format!("{}.{}", tenths / 10, tenths % 10)
        }
    }
}

/// `docker build --progress=plain` output for a build of `dockerfile`.
pub fn plain(result: &BuildResult, dockerfile: &[u8]) -> String {
    let dockerfile_len = dockerfile.len();
    let mut out = String::new();
    let mut n = 0;
    let mut vertex = |out: &mut String, name: &str, body: &[String], end: &str| {
        n += 1;
        out.push_str(&format!("#{n} {name}\n"));
        for line in body {
            out.push_str(&format!("#{n} {line}\n"));
        }
        out.push_str(&format!("#{n} {end}\n\n"));
    };
    // Build checks are warnings on the first vertex (base images cost no
    // time here, so every check is in before it is printed).
    let mut definition = vec![format!("transferring dockerfile: {}B done", dockerfile_len)];
    definition.extend(result.checks.iter().map(|c| format!("WARN: {}", c.short())));
    vertex(
        &mut out,
        "[internal] load build definition from Dockerfile",
        &definition,
        "DONE 0.0s",
    );
    let mut bases: Vec<String> = result
        .stages
        .iter()
        .filter(|s| s.built)
        .map(|s| s.base.clone())
        .collect();
    bases.dedup();
    for base in bases
        .iter()
        .filter(|b| *b != "scratch" && !result.stages.iter().any(|s| &s.name == *b))
    {
        vertex(
            &mut out,
            // The full reference, `:latest` included.
            &format!("[internal] load metadata for {}", docker_io(base)),
            &[],
            "DONE 0.0s",
        );
    }
    vertex(
        &mut out,
        "[internal] load .dockerignore",
        &["transferring context: 2B done".into()],
        "DONE 0.0s",
    );
    let names = step_names(result);
    let mut context_done = false;
    for (i, step) in result.steps.iter().enumerate() {
        let Some(name) = &names[i] else { continue };
        if !context_done && matches!(step.keyword.as_str(), "COPY" | "ADD") {
            context_done = true;
            vertex(
                &mut out,
                "[internal] load build context",
                &[format!(
                    "transferring context: {} done",
                    human_size_with_precision(result.context_size, 3)
                )],
                "DONE 0.0s",
            );
        }
        let mut body: Vec<String> = Vec::new();
        let end = match (&step.pulled, step.status) {
            (Some(pull), _) => {
                body.extend(buildkit_pull_lines(pull));
                format!("DONE {}", secs(pull.duration_ms))
            }
            (None, status) => match status {
                StepStatus::Cached => "CACHED".to_owned(),
                StepStatus::Built => {
                    let at = log_time(step.duration_ms / 2);
                    body.extend(step.output.iter().map(|l| format!("{at} {l}")));
                    body.extend(step.notes.iter().map(|l| format!("NOTE {l}")));
                    format!("DONE {}", secs(step.duration_ms))
                }
                StepStatus::Failed => {
                    let at = log_time(step.duration_ms / 2);
                    body.extend(step.output.iter().map(|l| format!("{at} {l}")));
                    body.extend(step.notes.iter().map(|l| format!("NOTE {l}")));
                    // The vertex shows the error before the solver wraps it.
                    let message = result
                        .error
                        .as_ref()
                        .map_or("failed", |e| e.message.as_str());
                    format!(
                        "ERROR: {}",
                        message
                            .strip_prefix("failed to compute cache key: ")
                            .unwrap_or(message)
                    )
                }
            },
        };
        vertex(&mut out, name, &body, &end);
    }
    match (&result.error, &result.image) {
        (Some(e), _) => {
            out.push_str(&checks_summary(result));
            // The failed step's last lines, then the Dockerfile around it.
            let failed = result
                .steps
                .iter()
                .enumerate()
                .find(|(_, s)| s.status == StepStatus::Failed);
            // A failed step that is a vertex (RUN, COPY…) shows its last lines.
            if let Some((name, step)) = failed.and_then(|(i, s)| Some((names[i].as_deref()?, s))) {
                out.push_str(&format!("------\n > {name}:\n"));
                let at = log_time(step.duration_ms / 2);
                let skip = step.output.len().saturating_sub(ERROR_LOG_LINES);
                for line in &step.output[skip..] {
                    out.push_str(&format!("{at} {line}\n"));
                }
                out.push_str("------\n");
            }
            if let Some(line) = e.line {
                let end = failed.map_or(line, |(_, s)| s.end_line.max(line));
                let text = String::from_utf8_lossy(dockerfile);
                match super::source::excerpt("Dockerfile", &text, line, end) {
                    excerpt if excerpt.is_empty() => out.push_str(&format!("Dockerfile:{line}\n")),
                    excerpt => out.push_str(&excerpt),
                }
            }
            out.push_str(&format!("ERROR: failed to solve: {}\n", e.message));
        }
        (None, Some(image)) => {
            let mut body = vec![
                "exporting layers done".to_owned(),
                format!("writing image {} done", image.id),
            ];
            body.extend(
                image
                    .tags
                    .iter()
                    .map(|t| format!("naming to {} done", docker_io(t))),
            );
            vertex(&mut out, "exporting to image", &body, "DONE 0.0s");
            out.push_str(&checks_summary(result));
        }
        _ => {}
    }
    out
}

/// The summary `docker build` prints when the progress ends: each check once,
/// under a yellow header (buildx colours it whatever the output is).
fn checks_summary(result: &BuildResult) -> String {
    let mut shorts: Vec<String> = Vec::new();
    for c in &result.checks {
        let short = c.short();
        if !shorts.contains(&short) {
            shorts.push(short);
        }
    }
    if shorts.is_empty() {
        return String::new();
    }
    let count = match shorts.len() {
        1 => "1 warning found".to_owned(),
        n => format!("{n} warnings found"),
    };
    let mut out = format!("\n \x1b[33m{count} (use docker --debug to expand):\n\x1b[0m");
    for short in shorts {
        out.push_str(&format!(" - {short}\n"));
    }
    out
}

/// Size text used by the classic log header (go-units precision 4).
pub fn context_size_text(bytes: u64) -> String {
    human_size_with_precision(bytes, 4)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn context_sizes_and_tags() {
        assert_eq!(context_size_text(3072), "3.072kB");
        assert_eq!(context_size_text(5120), "5.12kB");
        assert_eq!(full_tag("python-hello-world"), "python-hello-world:latest");
        assert_eq!(
            docker_io("python:3.6.1-alpine"),
            "docker.io/library/python:3.6.1-alpine"
        );
    }
}
