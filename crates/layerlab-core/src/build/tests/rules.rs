//! The build rules of `../shared/conformance/SEMANTICS.md`, one test or
//! more per rule, named by its number (BuildKit's integration tests).

use super::*;

#[test]
fn rule01_only_args_before_from() {
    let mut lab = Lab::new();
    assert_eq!(
        err(&lab.build("RUN x\nFROM alpine:3.20\n")),
        ("no build stage in current context".into(), Some(1))
    );
    assert_eq!(
        err(&lab.build("ARG A=1\n")).0,
        "dockerfile contains no stages to build"
    );
}

#[test]
fn rule03_stage_names_are_case_insensitive() {
    let mut lab = Lab::new();
    lab.options.target = Some("Stage1".into());
    let r = lab.build("FROM alpine:3.20 AS staGE0\nRUN touch a\nFROM scratch AS stage1\nCOPY --from=STAGE0 /a /a\n");
    assert!(ok(&r).tree.exists("/a"));
}

#[test]
fn rule04_from_uses_global_args_and_rejects_blank() {
    let mut lab = Lab::new();
    let r = lab.build("ARG image=idlebox\nFROM busy${image#idle}\n");
    assert_eq!(ok(&r).base, "busybox:latest");
    assert_eq!(
        err(&lab.build("FROM ${BLANK}\n")).0,
        "base name (${BLANK}) should not be blank"
    );
}

#[test]
fn rule05_06_from_references() {
    let mut lab = Lab::new();
    assert!(err(&lab.build("FROM alpine:3.20\nCOPY --from=$X /a /a\n"))
        .0
        .starts_with("variable expansion is not supported for --from"));
    assert_eq!(
        err(&lab.build("FROM alpine:3.20 AS a\nCOPY --from=b /x /x\nFROM alpine:3.20 AS b\n")).0,
        "cannot copy from stage \"b\", it needs to be defined before current stage"
    );
    assert_eq!(
        err(&lab.build("FROM alpine:3.20 AS a\nCOPY --from=a /x /x\n")).0,
        "circular dependency detected on stage: a"
    );
    // `--from=0` is the first stage; `--from=busybox` an image.
    let r = lab.build("FROM alpine:3.20\nRUN touch f\nFROM scratch\nCOPY --from=0 /f /f\nCOPY --from=busybox /bin/sh /sh\n");
    assert!(ok(&r).tree.exists("/f") && ok(&r).tree.exists("/sh"));
}

#[test]
fn rule07_only_reachable_stages_build() {
    let mut lab = Lab::new();
    let r = lab.build("FROM alpine:3.20 AS unused\nRUN touch never\nFROM alpine:3.20 AS dep\nRUN touch dep\nFROM scratch\nCOPY --from=dep /dep /dep\n");
    ok(&r);
    let built: Vec<bool> = r.stages.iter().map(|s| s.built).collect();
    assert_eq!(built, [false, true, true]);
    assert!(r.steps.iter().all(|s| s.stage != 0));
}

#[test]
fn rule08_from_stage_inherits_config() {
    let mut lab = Lab::new();
    let r = lab.build("FROM alpine:3.20 AS base\nENV A=1\nWORKDIR /w\nUSER nobody\nLABEL l=v\nFROM base\nRUN pwd\n");
    let image = ok(&r);
    assert_eq!(image.config.env_get("A"), Some("1"));
    assert_eq!(
        (
            image.config.config.working_dir.as_str(),
            image.config.config.user.as_str()
        ),
        ("/w", "nobody")
    );
    assert_eq!(
        image.config.config.labels.get("l").map(String::as_str),
        Some("v")
    );
    assert_eq!(
        image.base, "alpine:3.20",
        "the reported base is the external image"
    );
}

#[test]
fn rule09_10_global_args_scope() {
    let mut lab = Lab::new();
    let df = "ARG a1=\"foo bar\"\nARG a2\nFROM alpine:3.20\nRUN echo outside\nARG a1\nARG a2=dflt\nENV E1=$a1 E2=$a2\n";
    let r = lab.build(df);
    assert_eq!(ok(&r).config.env_get("E1"), Some("foo bar"));
    assert_eq!(ok(&r).config.env_get("E2"), Some("dflt"));
    let run_env = lab.recorder.runs.borrow()[0].1.clone();
    assert!(
        !run_env.iter().any(|(k, _)| k == "a1"),
        "invisible until redeclared"
    );
    lab.options.build_args = vec![("a2".into(), "fromcli".into())];
    assert_eq!(ok(&lab.build(df)).config.env_get("E2"), Some("fromcli"));
}

#[test]
fn rule11_required_arg_defaults() {
    let mut lab = Lab::new();
    let df = "FROM alpine:3.20\nARG X=\"${Y:?Y is required}\"\n";
    assert_eq!(
        err(&lab.build(df)).0,
        "failed to process \"\\\"${Y:?Y is required}\\\"\": Y: Y is required"
    );
    lab.options.build_args = vec![("X".into(), "given".into())];
    ok(&lab.build(df));
}

#[test]
fn rule12_unset_arg_not_in_run_env() {
    let mut lab = Lab::new();
    ok(&lab.build("FROM alpine:3.20\nARG FOO\nARG BAR=\nRUN env\n"));
    let env = lab.recorder.runs.borrow()[0].1.clone();
    assert!(!env.iter().any(|(k, _)| k == "FOO"));
    assert!(env.iter().any(|(k, v)| k == "BAR" && v.is_empty()));
}

#[test]
fn rule13_builtin_args_need_declaring_in_stage() {
    let mut lab = Lab::new();
    let r = lab.build("FROM alpine:3.20 AS final\nENV BEFORE=${TARGETARCH}x\nARG TARGETARCH\nARG TARGETSTAGE\nENV AFTER=$TARGETARCH STAGE=$TARGETSTAGE\n");
    let c = &ok(&r).config;
    assert_eq!(
        (c.env_get("BEFORE"), c.env_get("AFTER"), c.env_get("STAGE")),
        (Some("x"), Some("amd64"), Some("final"))
    );
}

#[test]
fn rule15_env_wins_over_arg() {
    let mut lab = Lab::new();
    lab.options.build_args = vec![("my_arg".into(), String::new())];
    let r = lab.build("FROM alpine:3.20\nARG my_arg\nENV my_arg=\"my_arg=${my_arg:-def_val}\"\nENV other=$my_arg\n");
    assert_eq!(ok(&r).config.env_get("other"), Some("my_arg=def_val"));
}

#[test]
fn rule16_what_gets_expanded() {
    let mut lab = Lab::new().file("a.txt", "a");
    let r = lab.build("FROM alpine:3.20\nENV D=/data F=a.txt\nWORKDIR $D\nCOPY $F ${D}/copied\nRUN echo $D\nCMD echo $D\n");
    let image = ok(&r);
    assert!(image.tree.exists("/data/copied"));
    assert_eq!(
        lab.recorder.runs.borrow()[0].0.last().unwrap(),
        "echo $D",
        "RUN is not expanded by the builder"
    );
    assert_eq!(image.config.config.cmd.as_deref().unwrap()[2], "echo $D");
}

#[test]
fn rule17_expose_expands_sorts_and_adds_protocol() {
    let mut lab = Lab::new();
    lab.options.build_args = vec![("PORTS".into(), "3000 4000/udp".into())];
    let r = lab.build("FROM alpine:3.20\nARG PORTS\nEXPOSE $PORTS\nEXPOSE 5000\n");
    let ports: Vec<&String> = ok(&r).config.config.exposed_ports.keys().collect();
    assert_eq!(ports, ["3000/tcp", "4000/udp", "5000/tcp"]);
}

#[test]
fn rule18_19_workdir() {
    let mut lab = Lab::new();
    let r = lab.build("FROM alpine:3.20\nWORKDIR /test1\nWORKDIR test2\nWORKDIR ../x\nUSER nobody\nWORKDIR /owned\nWORKDIR /\n");
    let image = ok(&r);
    assert_eq!(image.config.config.working_dir, "/");
    assert!(image.tree.exists("/test1/test2") && image.tree.exists("/test1/x"));
    assert_eq!(
        image.tree.get("/owned").unwrap().meta().uid,
        65534,
        "created as the current USER"
    );
    let layers: Vec<bool> = r.steps.iter().map(|s| s.makes_layer).collect();
    assert_eq!(
        layers,
        [true, true, true, true, false, true, false],
        "WORKDIR / makes no layer"
    );
}

#[test]
fn rule20_copy_destinations() {
    let mut lab = Lab::new().file("f", "x").file("g", "y");
    lab.options.build_args = vec![("empty".into(), String::new())];
    let r = lab.build("FROM alpine:3.20\nWORKDIR /w\nARG empty\nCOPY f rel\nCOPY f dir/\nCOPY f $empty\nCOPY f g /multi/\n");
    let t = &ok(&r).tree;
    for p in ["/w/rel", "/w/dir/f", "/w/f", "/multi/f", "/multi/g"] {
        assert!(t.exists(p), "{p}");
    }
    assert!(err(&lab.build("FROM alpine:3.20\nCOPY f g /notdir\n"))
        .0
        .contains("must be a directory and end with a /"));
}

#[test]
fn rule21_copy_from_resolves_from_stage_root() {
    let mut lab = Lab::new();
    let r = lab.build("FROM alpine:3.20 AS a\nWORKDIR /deep\nRUN touch f\nFROM scratch\nCOPY --from=a deep/f /got\n");
    assert!(ok(&r).tree.exists("/got"));
}

#[test]
fn rule22_wildcards_and_urls() {
    let mut lab = Lab::new()
        .file("a.txt", "1")
        .file("b.txt", "2")
        .file("c.md", "3");
    let r = lab.build("FROM scratch\nCOPY *.txt *.nomatch /out/\n");
    let t = &ok(&r).tree;
    assert!(t.exists("/out/a.txt") && t.exists("/out/b.txt") && !t.exists("/out/c.md"));
    assert_eq!(
        err(&lab.build("FROM scratch\nCOPY https://example.com/x /x\n")).0,
        "source can't be a URL for COPY"
    );
    let r = lab.build("FROM scratch\nADD https://example.com/tool.tgz /opt/\n");
    assert!(ok(&r).tree.exists("/opt/tool.tgz"));
    assert!(r.steps[1].notes[0].contains("remote content is not fetched"));
    assert!(err(&lab.build("FROM scratch\nCOPY missing.txt /\n"))
        .0
        .contains("\"/missing.txt\": not found"));
}

#[test]
fn rule23_chown_and_chmod() {
    let mut lab = Lab::new().file("f", "x");
    let r = lab.build("FROM alpine:3.20\nCOPY --chown=nobody f /a\nCOPY --chown=1000:nogroup --chmod=750 f /b\nCOPY --chmod=u+x f /c\n");
    let t = &ok(&r).tree;
    assert_eq!(
        (
            t.get("/a").unwrap().meta().uid,
            t.get("/a").unwrap().meta().gid
        ),
        (65534, 65534)
    );
    assert_eq!(
        t.get("/b").unwrap().meta(),
        Meta {
            mode: 0o750,
            uid: 1000,
            // Alpine's nogroup is 65533 (its nobody group is 65534).
            gid: 65533
        }
    );
    assert_eq!(t.get("/c").unwrap().meta().mode, 0o744);
    assert!(
        err(&lab.build("FROM alpine:3.20\nCOPY --chown=ghost f /a\n"))
            .0
            .contains("unable to find user ghost")
    );
    assert!(
        err(&lab.build("FROM alpine:3.20\nCOPY --chmod=99999 f /a\n"))
            .0
            .contains("invalid chmod")
    );
}

#[test]
fn rule24_25_user_and_shell() {
    let mut lab = Lab::new();
    let r = lab.build(
        "FROM alpine:3.20\nRUN a\nUSER nobody\nSHELL [\"/bin/bash\", \"-c\"]\nRUN b\nCMD c\n",
    );
    let runs = lab.recorder.runs.borrow().clone();
    assert_eq!(runs[0].0, ["/bin/sh", "-c", "a"]);
    assert_eq!(
        (runs[1].0.clone(), runs[1].3.clone()),
        (
            vec!["/bin/bash".to_owned(), "-c".to_owned(), "b".to_owned()],
            "nobody".to_owned()
        )
    );
    assert_eq!(
        ok(&r).config.config.cmd.as_deref().unwrap(),
        ["/bin/bash", "-c", "c"]
    );
}

#[test]
fn rule26_entrypoint_clears_inherited_cmd() {
    let mut lab = Lab::new();
    let r = lab.build("FROM alpine:3.20\nENTRYPOINT [\"ls\", \"my entrypoint\"]\n");
    assert_eq!(ok(&r).config.config.cmd, None);
    let r = lab.build("FROM alpine:3.20\nCMD [\"x\"]\nENTRYPOINT [\"ls\"]\n");
    assert_eq!(ok(&r).config.config.cmd.as_deref().unwrap(), ["x"]);
}

#[test]
fn rule28_scratch_and_path() {
    let mut lab = Lab::new();
    let r = lab.build("FROM scratch\nENV X=1\n");
    let image = ok(&r);
    assert!(image.layers.is_empty() && image.size == 0);
    assert_eq!(
        image.config.env_get("PATH"),
        Some("/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
    );
    assert_eq!(
        (image.config.os.as_str(), image.config.architecture.as_str()),
        ("linux", "amd64")
    );
    assert!(
        ok(&lab.build("FROM busybox\n"))
            .config
            .env_get("PATH")
            .is_some(),
        "added when the base has none"
    );
}

#[test]
fn rule29_healthcheck() {
    let mut lab = Lab::new();
    let r = lab.build("FROM alpine:3.20\nHEALTHCHECK --interval=5s CMD curl -f http://x/\n");
    let h = ok(&r).config.config.healthcheck.clone().unwrap();
    assert_eq!(
        (h.test, h.interval.as_deref()),
        (
            vec!["CMD-SHELL".to_owned(), "curl -f http://x/".to_owned()],
            Some("5s")
        )
    );
    let r = lab.build("FROM alpine:3.20\nHEALTHCHECK CMD [\"curl\", \"x\"]\n");
    assert_eq!(
        ok(&r).config.config.healthcheck.clone().unwrap().test,
        ["CMD", "curl", "x"]
    );
}

#[test]
fn rule30_onbuild_triggers_run_once_in_child() {
    let mut lab = Lab::new();
    let r = lab.build("FROM alpine:3.20 AS parent\nONBUILD RUN touch trig\nFROM parent AS child\nRUN touch own\nFROM child\n");
    let image = ok(&r);
    assert!(image.tree.exists("/trig"));
    assert!(
        image.config.config.on_build.is_empty(),
        "cleared after running"
    );
    let triggered: Vec<&str> = r
        .steps
        .iter()
        .filter(|s| s.onbuild)
        .map(|s| s.keyword.as_str())
        .collect();
    assert_eq!(triggered, ["ONBUILD RUN"], "grandchildren do not repeat it");
    assert!(
        !image
            .config
            .history
            .iter()
            .any(|h| h.created_by.contains("ONBUILD")),
        "no history entry (BuildKit)"
    );
}

#[test]
fn rule31_32_33_copy_heredocs() {
    let mut lab = Lab::new();
    let df = "FROM alpine:3.20\nENV NAME=world\nCOPY <<EOF /expanded\nhello $NAME \"q\"\n\\$NAME\nEOF\nCOPY <<'EOF' /raw\nhello $NAME\nEOF\nCOPY <<-EOF /chomped\n\tindented\nEOF\n";
    let r = lab.build(df);
    let t = &ok(&r).tree;
    let body = |p: &str| match t.get(p) {
        Some(Node::File { content, .. }) => {
            String::from_utf8(content.as_bytes().unwrap().to_vec()).unwrap()
        }
        other => panic!("{p}: {other:?}"),
    };
    assert_eq!(body("/expanded"), "hello world \"q\"\n$NAME\n");
    assert_eq!(body("/raw"), "hello $NAME\n");
    assert_eq!(body("/chomped"), "indented\n");
}

#[test]
fn rule34_layers_and_empty_history() {
    let mut lab = Lab::new().file("f", "x");
    let r = lab.build("FROM alpine:3.20\nENV A=1\nRUN true\nCOPY f /f\nLABEL a=b\nEXPOSE 80\nUSER nobody\nCMD [\"sh\"]\n");
    let image = ok(&r);
    let empty: Vec<bool> = image
        .config
        .history
        .iter()
        .skip(1)
        .map(|h| h.empty_layer)
        .collect();
    assert_eq!(empty, [true, false, false, true, true, true, true]);
    assert_eq!(
        image.layers.len(),
        3,
        "base + RUN (even with no change) + COPY"
    );
}

#[test]
fn rule35_created_by_formats() {
    let mut lab = Lab::new().file("app.py", "print()\n");
    lab.options.build_args = vec![("V".into(), "1".into())];
    let r = lab.build("FROM alpine:3.20\nARG V\nWORKDIR /app\nCOPY --chown=nobody app.py .\nRUN pip install x\nEXPOSE 5000 1234/udp\nCMD [\"python\", \"app.py\"]\n");
    let by: Vec<String> = ok(&r)
        .config
        .history
        .iter()
        .skip(1)
        .map(|h| h.created_by.clone())
        .collect();
    assert_eq!(
        by,
        [
            "ARG V=1",
            "WORKDIR /app",
            "COPY --chown=nobody app.py . # buildkit",
            "RUN |1 V=1 /bin/sh -c pip install x # buildkit",
            "EXPOSE [1234/udp 5000/tcp]",
            "CMD [\"python\" \"app.py\"]",
        ]
    );
    assert!(ok(&r)
        .config
        .history
        .iter()
        .skip(1)
        .all(|h| h.comment == "buildkit.dockerfile.v0"));
    lab.options.builder = Builder::Classic;
    let r = lab.build("FROM alpine:3.20\nCOPY app.py /app.py\nCMD [\"python\", \"app.py\"]\n");
    let by: Vec<String> = ok(&r)
        .config
        .history
        .iter()
        .skip(1)
        .map(|h| h.created_by.clone())
        .collect();
    assert!(by[0].starts_with("/bin/sh -c #(nop) COPY file:") && by[0].ends_with(" in /app.py "));
    assert_eq!(by[1], "/bin/sh -c #(nop)  CMD [\"python\" \"app.py\"]");
}

#[test]
fn rule36_copy_cache_depends_on_matched_files_only() {
    let mut lab = Lab::new().file("a.txt", "1").file("other", "x");
    let df = "FROM alpine:3.20\nCOPY *.txt /dst/\nRUN after\n";
    ok(&lab.build(df));
    lab = Lab {
        context: lab.context.clone(),
        ..lab
    };
    lab.context.add("other", b"changed");
    assert_eq!(
        statuses(&lab.build(df)),
        [StepStatus::Cached, StepStatus::Cached, StepStatus::Cached]
    );
    lab.context.add("b.txt", b"new match");
    let r = lab.build(df);
    assert_eq!(
        statuses(&r),
        [StepStatus::Cached, StepStatus::Built, StepStatus::Built]
    );
    assert_eq!(r.steps[1].miss_text.as_deref(), Some("COPY: b.txt added"));
    assert_eq!(
        r.steps[2].miss_text.as_deref(),
        Some("parent layer was rebuilt (step 2: COPY *.txt /dst/)")
    );
}

#[test]
fn rule37_arg_changes_no_cache_and_reproducible_ids() {
    let mut lab = Lab::new();
    let df = "FROM alpine:3.20\nARG VERSION=1\nRUN echo build\n";
    let first = lab.build(df);
    let id = ok(&first).id.clone();
    let again = lab.build(df);
    assert_eq!(
        ok(&again).id,
        id,
        "identical inputs give identical image IDs"
    );
    assert_eq!(statuses(&again), [StepStatus::Cached; 3]);
    lab.options.build_args = vec![("VERSION".into(), "2".into())];
    let r = lab.build(df);
    assert_eq!(
        r.steps[1].miss_text.as_deref(),
        Some("ARG VERSION changed from 1 to 2")
    );
    assert_eq!(r.steps[2].status, StepStatus::Built);
    lab.options.no_cache = true;
    let r = lab.build(df);
    assert!(r
        .steps
        .iter()
        .skip(1)
        .all(|s| s.status == StepStatus::Built && s.miss == Some(MissReason::NoCache)));
    // A fresh cache on another "machine" gives the same ID.
    let mut other = Lab::new();
    assert_eq!(ok(&other.build(df)).id, id);
}

#[test]
fn rule37_no_cache_for_one_stage() {
    let mut lab = Lab::new();
    let df = "FROM alpine:3.20 AS a\nRUN one\nFROM alpine:3.20 AS b\nRUN two\n";
    lab.options.target = Some("b".into());
    ok(&lab.build(df));
    lab.options.no_cache_stages = vec!["b".into()];
    let r = lab.build(df);
    assert_eq!(r.steps.last().unwrap().status, StepStatus::Built);
}

#[test]
fn rule38_plain_progress_step_names() {
    let mut lab = Lab::new().file("f", "x");
    let df = "FROM alpine:3.20\nCOPY f /f\nENV A=1\nRUN a\n";
    let r = lab.build(df);
    let log = crate::report::logs::plain(&r, df.as_bytes());
    assert!(
        log.contains("[1/3] FROM docker.io/library/alpine:3.20\n"),
        "{log}"
    );
    assert!(log.contains("[2/3] COPY f /f\n") && log.contains("[3/3] RUN a\n"));
    let df = "FROM alpine:3.20 AS base\nRUN touch /f\nFROM scratch\nCOPY --from=base /f /f\nCOPY --from=base /f /g\n";
    let r = lab.build(df);
    let log = crate::report::logs::plain(&r, df.as_bytes());
    assert!(
        log.contains("[base 1/2] FROM docker.io/library/alpine:3.20\n"),
        "{log}"
    );
    assert!(
        log.contains("[stage-1 2/2] COPY --from=base /f /g\n"),
        "{log}"
    );
}

#[test]
fn rule38_an_image_the_catalog_lacks_still_has_its_from_step() {
    let mut lab = Lab::new();
    let df = "FROM example/unknown\nRUN a\nFROM scratch AS s\nCOPY --from=0 /x /x\n";
    let r = lab.build(df);
    let log = crate::report::logs::plain(&r, df.as_bytes());
    assert!(
        log.contains("[stage-0 1/2] FROM docker.io/example/unknown:latest\n"),
        "{log}"
    );
    assert!(log.contains("[internal] load metadata for docker.io/example/unknown:latest\n"));
    assert!(
        log.contains("[stage-0 2/2] RUN a\n") && log.contains("[s 1/1] COPY --from=0 /x /x\n"),
        "{log}"
    );
}
