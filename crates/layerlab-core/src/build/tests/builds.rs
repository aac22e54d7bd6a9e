//! Whole builds: how they fail (messages, lines, failed steps), what the
//! cache keeps across edits and builders, archives and unknown images.

use super::*;

#[test]
fn failing_run_stops_the_build_with_dockers_message() {
    let mut lab = Lab::new();
    let r = lab.build("FROM alpine:3.20\nRUN fail\nRUN never\n");
    assert_eq!(
        err(&r),
        (
            "process \"/bin/sh -c fail\" did not complete successfully: exit code: 1".into(),
            Some(2)
        )
    );
    assert_eq!(r.steps.last().unwrap().status, StepStatus::Failed);
    lab.options.builder = Builder::Classic;
    assert_eq!(
        err(&lab.build("FROM alpine:3.20\nRUN fail\n")).0,
        "The command '/bin/sh -c fail' returned a non-zero code: 1"
    );
}

#[test]
fn bad_input_reports_line_and_column() {
    let mut lab = Lab::new();
    let e = lab
        .build("FROM alpine:3.20\n  COPY onlyone\n")
        .error
        .unwrap();
    assert_eq!((e.line, e.column), (Some(2), 3));
    let e = lab
        .build("FROM alpine:3.20\nRUN \"unterminated <<EOF\n")
        .error;
    assert!(e.is_none(), "quotes in RUN are the shell's business");
    let e = lab.build("FROM a\nENV\n").error.unwrap();
    assert_eq!(e.line, Some(2));
}

#[test]
fn unknown_base_images_are_noted() {
    let mut lab = Lab::new();
    let r = lab.build("FROM example/unknown:1\nRUN x\n");
    assert!(r
        .warnings
        .iter()
        .any(|w| w.message.contains("not in layerlab's catalog")));
    assert_eq!(ok(&r).base, "example/unknown:1");
}

#[test]
fn an_edit_at_step_n_reuses_everything_before_n() {
    let mut lab = Lab::new().file("app.py", "v1");
    let df = "FROM alpine:3.20\nRUN touch big\nCOPY app.py /app/\nRUN touch after\n";
    let first = lab.build(df);
    lab.context.add("app.py", b"v2");
    let second = lab.build(df);
    assert_eq!(
        statuses(&second),
        [
            StepStatus::Cached,
            StepStatus::Cached,
            StepStatus::Built,
            StepStatus::Built
        ]
    );
    assert_eq!(
        lab.recorder.runs.borrow().len(),
        1,
        "only the RUN after the edit ran"
    );
    assert_eq!(first.steps[1].image_id, second.steps[1].image_id);
    assert_eq!(
        second.steps[2].miss_text.as_deref(),
        Some("COPY: app.py changed")
    );
    assert!(second.saved_ms >= 100);
}

#[test]
fn add_extracts_local_archives_and_copy_does_not() {
    let archive =
        crate::fs::archive::tests::tar(&[("pkg/", b'5', b""), ("pkg/bin.sh", b'0', b"echo hi\n")]);
    let mut lab = Lab::new();
    lab.context.insert("pkg.tar", archive, 0o644);
    let r = lab.build("FROM scratch\nADD pkg.tar /opt/\nCOPY pkg.tar /copied.tar\n");
    let t = &ok(&r).tree;
    assert!(t.exists("/opt/pkg/bin.sh") && !t.exists("/opt/pkg.tar"));
    assert!(t.exists("/copied.tar"));
}

#[test]
fn the_classic_builder_and_buildkit_keep_separate_caches() {
    let mut lab = Lab::new().file("f", "x");
    let df = "FROM alpine:3.20\nCOPY f /f\nRUN touch /g\n";
    ok(&lab.build(df));
    lab.options.builder = Builder::Classic;
    let r = lab.build(df);
    ok(&r);
    assert_eq!(r.steps[1].status, StepStatus::Built);
    assert_eq!(
        r.steps[1].miss_text.as_deref(),
        Some("built before by BuildKit, not the classic builder: the classic builder and BuildKit keep separate caches")
    );
    // The classic builder's own cache hits, each step with its image ID.
    let r = lab.build(df);
    assert_eq!(statuses(&r)[1..], [StepStatus::Cached, StepStatus::Cached]);
    assert!(r.steps.iter().all(|s| !s.image_id.is_empty()));
    lab.options.builder = Builder::BuildKit;
    assert_eq!(
        statuses(&lab.build(df))[1..],
        [StepStatus::Cached, StepStatus::Cached]
    );
}

#[test]
fn a_mistyped_instruction_gets_buildkits_message_and_suggestion() {
    let mut lab = Lab::new();
    assert_eq!(
        err(&lab.build("FROM alpine:3.20\nRUNN echo hi\n")),
        (
            "dockerfile parse error on line 2: unknown instruction: RUNN (did you mean RUN?)"
                .into(),
            Some(2)
        )
    );
}

#[test]
fn a_copy_with_a_missing_source_is_a_failed_step_numbered_over_the_whole_stage() {
    let mut lab = Lab::new();
    let df = "FROM alpine:3.20\nWORKDIR /app\nCOPY missing .\nRUN x\n";
    let r = lab.build(df);
    assert_eq!(statuses(&r).last(), Some(&StepStatus::Failed));
    let log = crate::report::logs::plain(&r, df.as_bytes());
    assert!(log.contains("[2/4] WORKDIR /app\n"), "{log}");
    assert!(
        log.contains(
            "[3/4] COPY missing .\n#7 ERROR: failed to calculate checksum of ref: \"/missing\": not found\n"
        ),
        "{log}"
    );
    assert!(log.contains("------\n > [3/4] COPY missing .:\n------\nDockerfile:3\n"));
    assert!(log.ends_with("ERROR: failed to solve: failed to compute cache key: failed to calculate checksum of ref: \"/missing\": not found\n"));
}

/// The miss reasons of a build, one per step (`None` for a hit).
fn reasons(result: &BuildResult) -> Vec<Option<String>> {
    result.steps.iter().map(|s| s.miss_text.clone()).collect()
}

#[test]
fn a_changed_base_is_the_first_miss_and_later_steps_are_not_compared_across_parents() {
    let mut lab = Lab::new();
    lab.build("FROM alpine:3.20\nRUN echo a\n");
    let r = lab.build("FROM busybox\nENV color=blue\nRUN echo b\n");
    let why = reasons(&r);
    let from = why[0].clone().unwrap();
    assert!(
        from.starts_with("base image changed: alpine:3.20@sha256:aaaa")
            && from.contains(" → busybox@sha256:bbbb"),
        "{from}"
    );
    // Step 2 sat on another parent before: its reason is the new base, not a
    // comparison with the RUN that stood at the same position.
    assert_eq!(
        why[1].as_deref(),
        Some("parent layer was rebuilt (step 1: FROM busybox)")
    );
    assert_eq!(
        why[2].as_deref(),
        Some("parent layer was rebuilt (step 2: ENV color=blue)")
    );
}

#[test]
fn a_changed_stage_base_explains_only_that_stage() {
    let mut lab = Lab::new();
    let before = "FROM alpine:3.20 AS a\nRUN touch x\nFROM alpine:3.20\nCOPY --from=a /x /x\n";
    lab.build(before);
    let r = lab.build("FROM busybox AS a\nRUN touch x\nFROM alpine:3.20\nCOPY --from=a /x /x\n");
    let why = reasons(&r);
    assert!(why[0]
        .as_deref()
        .unwrap()
        .starts_with("base image changed:"));
    assert_eq!(
        why[1].as_deref(),
        Some("parent layer was rebuilt (step 1: FROM busybox AS a)")
    );
    // The second stage's base is the same: FROM is a hit.
    assert_eq!(r.steps[2].status, StepStatus::Cached);
}

#[test]
fn a_first_build_on_a_base_says_not_built_before() {
    let mut lab = Lab::new();
    let r = lab.build("FROM alpine:3.20\nRUN echo a\n");
    for why in reasons(&r) {
        assert_eq!(
            why.as_deref(),
            Some("not in the cache: this step has not been built before")
        );
    }
}

#[test]
fn the_classic_builder_keys_arg_by_its_line_so_the_next_run_misses() {
    let mut lab = Lab::new();
    lab.options.builder = Builder::Classic;
    let df = "FROM alpine:3.20\nARG V=1\nRUN echo $V\n";
    lab.build(df);
    lab.options.build_args = vec![("V".into(), "2".into())];
    let r = lab.build(df);
    assert_eq!(
        statuses(&r),
        [StepStatus::Cached, StepStatus::Cached, StepStatus::Built]
    );
    assert_eq!(
        r.steps[2].miss_text.as_deref(),
        Some("ARG V changed from 1 to 2")
    );
    // BuildKit keys the ARG by its value: the ARG step itself misses.
    let mut lab = Lab::new();
    lab.build(df);
    lab.options.build_args = vec![("V".into(), "2".into())];
    let r = lab.build(df);
    assert_eq!(r.steps[1].status, StepStatus::Built);
}

#[test]
fn build_checks_warn_in_the_log_and_fail_the_build_with_error_true() {
    let mut lab = Lab::new();
    let r = lab.build("FROM alpine:3.20 as base\nCMD echo hi\n");
    assert!(r.ok());
    let log = crate::report::logs::plain(&r, b"FROM alpine:3.20 as base\nCMD echo hi\n");
    assert!(log.starts_with("#1 [internal] load build definition from Dockerfile\n#1 transferring dockerfile: 37B done\n#1 WARN: FromAsCasing: 'as' and 'FROM' keywords' casing do not match (line 1)\n#1 WARN: JSONArgsRecommended: JSON arguments recommended for CMD to prevent unintended behavior related to OS signals (line 2)\n#1 DONE 0.0s\n"), "{log}");
    assert!(log.ends_with("\n \u{1b}[33m2 warnings found (use docker --debug to expand):\n\u{1b}[0m - FromAsCasing: 'as' and 'FROM' keywords' casing do not match (line 1)\n - JSONArgsRecommended: JSON arguments recommended for CMD to prevent unintended behavior related to OS signals (line 2)\n"), "{log}");
    let one = lab.build("FROM alpine:3.20\nCMD echo hi\n");
    let log = crate::report::logs::plain(&one, b"FROM alpine:3.20\nCMD echo hi\n");
    assert!(
        log.contains(" \u{1b}[33m1 warning found (use docker --debug to expand):\n"),
        "{log}"
    );
    // error=true: the build fails before any step runs, naming the rules.
    let df = "# check=error=true\nFROM alpine:3.20 as base\nRUN touch x\nCMD echo hi\n";
    let r = lab.build(df);
    assert_eq!(
        err(&r),
        (
            "lint violation found for rules: FromAsCasing, JSONArgsRecommended".into(),
            None
        )
    );
    assert!(r.steps.is_empty());
    let log = crate::report::logs::plain(&r, df.as_bytes());
    assert!(log.ends_with("ERROR: failed to solve: lint violation found for rules: FromAsCasing, JSONArgsRecommended\n"), "{log}");
    // skip: the rule is off; the classic builder has no checks.
    assert!(lab.build("# check=skip=FromAsCasing,JSONArgsRecommended;error=true\nFROM alpine:3.20 as base\nCMD echo hi\n").ok());
    lab.options.builder = Builder::Classic;
    let r = lab.build("# check=error=true\nFROM alpine:3.20 as base\nCMD echo hi\n");
    assert!(r.ok() && r.checks.is_empty());
}
