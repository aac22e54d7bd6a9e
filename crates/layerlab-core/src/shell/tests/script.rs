//! The shell language: control flow, `set -e`, functions, here-documents,
//! appends, exec form, and what happens around commands layerlab cannot
//! simulate (notes, assumed results).

use super::*;

#[test]
fn control_flow_variables_and_set_e() {
    let mut t = base();
    let script = "set -e; V=world; for d in a b c; do mkdir -p /x/$d; done; if [ -d /x/b ]; then echo \"hello $V\"; else echo no; fi\ncase \"$(uname -m)\" in x86_64) ARCH=amd64;; *) ARCH=other;; esac; echo $ARCH > /arch; false || echo recovered; false; echo never";
    let o = run_in(&mut t, script, false);
    assert_eq!(o.exit_code, 1);
    assert_eq!(o.output, ["hello world", "recovered"]);
    assert_eq!(file(&t, "/arch"), "amd64\n");
    assert!(t.exists("/x/c"));
}

#[test]
fn unknown_commands_are_noted_or_not_found() {
    let mut t = base();
    let o = run_in(&mut t, "pip install flask", false);
    assert_eq!(o.exit_code, 0);
    assert_eq!(
        o.notes,
        ["not simulated: pip install flask, assumed to change no files"]
    );
    let o = run_in(&mut t, "pip install flask", true);
    assert_eq!(
        (o.exit_code, o.output.as_slice()),
        (127, &["/bin/sh: 1: pip: not found".to_owned()][..])
    );
}

#[test]
fn exec_form_and_heredoc_scripts() {
    let mut t = base();
    let o = run_argv(&mut t, &["mkdir", "-p", "/a b"], false, &[], false);
    assert_eq!(o.exit_code, 0);
    assert!(t.exists("/a b"));
    let parsed = crate::syntax::parse(b"RUN <<EOF\necho one > /one\nmkdir /two\nEOF\n").unwrap();
    let doc = parsed.instructions[0].heredocs.clone();
    let o = run_argv(&mut t, &["/bin/sh", "-c", "<<EOF"], true, &doc, false);
    assert_eq!(o.exit_code, 0);
    assert!(t.exists("/one") && t.exists("/two"));
}

#[test]
fn deleting_in_a_later_run_does_not_shrink_the_image_but_the_same_run_does() {
    use crate::build::Context;
    // Scratch has no programs: the build brings its own (one byte each).
    let mut ctx = Context::new();
    for program in ["sh", "mkdir", "rm"] {
        ctx.add(&format!("bin/{program}"), b"x");
    }
    let separate = b"FROM scratch\nCOPY bin/ /bin/\nRUN mkdir /tmp && printf '%s' 0123456789 > /tmp/big\nRUN rm /tmp/big\n";
    let same = b"FROM scratch\nCOPY bin/ /bin/\nRUN mkdir /tmp && printf '%s' 0123456789 > /tmp/big && rm /tmp/big\n";
    let size = |df: &[u8]| {
        let r = build_with_shell(df, &ctx);
        assert!(r.ok(), "{:?}", r.error);
        r.image.unwrap().size
    };
    assert_eq!(size(separate), 3 + 10);
    assert_eq!(size(same), 3);
}

#[test]
fn scratch_has_no_shell_for_run() {
    use crate::build::{Context, StepStatus};
    let r = build_with_shell(b"FROM scratch\nRUN echo hi > /f\n", &Context::new());
    let step = r.steps.last().unwrap();
    assert_eq!(step.status, StepStatus::Failed);
    assert_eq!(
        step.output,
        ["runc run failed: unable to start container process: error during container init: exec: \"/bin/sh\": stat /bin/sh: no such file or directory"]
    );
    assert_eq!(
        r.error.unwrap().message,
        "process \"/bin/sh -c echo hi > /f\" did not complete successfully: exit code: 1"
    );
    // The classic builder reports the daemon's error instead.
    let classic = crate::build::BuildOptions {
        builder: crate::build::Builder::Classic,
        ..Default::default()
    };
    let r = crate::build::build(
        b"FROM scratch\nRUN echo hi > /f\n",
        &Context::new(),
        &crate::catalog::Catalog::default(),
        &classic,
        &mut crate::build::CacheStore::new(),
        &ShellExecutor::default(),
    );
    assert_eq!(
        r.error.as_ref().unwrap().message,
        "failed to create task for container: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: exec: \"/bin/sh\": stat /bin/sh: no such file or directory: unknown"
    );
    let log = crate::report::logs::classic(&r);
    assert!(
        log.contains("Step 1/2 : FROM scratch\n ---> \nStep 2/2"),
        "{log}"
    );
}

#[test]
fn functions_take_arguments_and_nest_within_a_limit() {
    let mut t = base();
    let out = run_in(
        &mut t,
        "greet() { echo \"hi $1\" > /tmp/$2; }\ngreet there a.txt && greet you b.txt",
        false,
    );
    assert_eq!(out.exit_code, 0, "{:?}", out.output);
    assert_eq!(file(&t, "/tmp/a.txt"), "hi there\n");
    assert_eq!(file(&t, "/tmp/b.txt"), "hi you\n");
    let out = run_in(&mut t, "f() { f; }; f", false);
    assert_eq!(out.exit_code, interp::STOPPED_STATUS);
    assert_eq!(out.output[0], "/bin/sh: 1: Cannot fork");
}

#[test]
fn appends_are_seen_by_every_later_command() {
    let mut t = base();
    let out = run_in(
        &mut t,
        "echo a >> /tmp/log; echo b >> /tmp/log; cat /tmp/log > /tmp/copy; echo c >> /tmp/log; rm /tmp/copy2 2>/dev/null; echo d >> /tmp/log; test -s /tmp/log && echo e >> /tmp/log",
        false,
    );
    assert_eq!(out.exit_code, 0, "{:?}", out.output);
    assert_eq!(file(&t, "/tmp/copy"), "a\nb\n");
    assert_eq!(file(&t, "/tmp/log"), "a\nb\nc\nd\ne\n");
    let out = run_in(&mut t, "echo x >> /nodir/log", true);
    assert_eq!(
        out.output,
        ["/bin/sh: 1: cannot create /nodir/log: Directory nonexistent"]
    );
}

#[test]
fn here_documents_feed_standard_input() {
    let mut t = base();
    let out = run_in(
        &mut t,
        "NAME=app\ncat <<EOF > /tmp/a.conf\nname=$NAME\n  kept\nEOF\ncat <<-'END' > /tmp/b.conf\n\tliteral $NAME\n\tEND\ncat < /tmp/a.conf > /tmp/c.conf; cat <<< \"$NAME\" > /tmp/d",
        false,
    );
    assert_eq!(out.exit_code, 0, "{out:?}");
    assert_eq!(file(&t, "/tmp/a.conf"), "name=app\n  kept\n");
    assert_eq!(file(&t, "/tmp/b.conf"), "literal $NAME\n");
    assert_eq!(file(&t, "/tmp/c.conf"), "name=app\n  kept\n");
    assert_eq!(file(&t, "/tmp/d"), "app\n");
}

#[test]
fn tests_of_unknown_output_are_assumed_true() {
    let mut t = base();
    let out = run_in(
        &mut t,
        "set -e; go telemetry off && [ \"$(go telemetry)\" = \"off\" ] || { echo failed; exit 1; }; echo ok > /tmp/ok",
        false,
    );
    assert_eq!(out.exit_code, 0, "{out:?}");
    assert!(t.exists("/tmp/ok"));
    assert!(out.notes.iter().any(|n| n.contains("assumed true")));
    // Output layerlab knows is still tested for real.
    let out = run_in(&mut t, "[ \"$(echo on)\" = \"off\" ]", false);
    assert_eq!(out.exit_code, 1);
}

#[test]
fn a_negated_unsimulated_command_is_assumed_to_hold() {
    // (script, exit status, whether it reached its last command)
    let cases = [
        // A slim image's dpkg exclusions, as postgres's Dockerfile edits them:
        // the file and the grep are unknown here, so neither check fails.
        ("set -eux; if [ -f /etc/dpkg/dpkg.cfg.d/docker ]; then grep -q locale /etc/dpkg/dpkg.cfg.d/docker; ! grep -q locale /etc/dpkg/dpkg.cfg.d/docker; fi; touch /end", 0, true),
        // A simulated command's status is negated as usual; set -e ignores `!`.
        ("set -e; ! true; touch /end", 0, true),
        ("touch /y; ! test -e /y && touch /x; [ ! -e /x ] && touch /end", 0, true),
        // set -e, as dash: only the last pipeline of an and-or list counts, if it ran.
        ("set -e; false && true; touch /end", 0, true),
        ("set -e; true && false; touch /end", 1, false),
        ("set -e; false || false; touch /end", 1, false),
    ];
    for (script, status, reached) in cases {
        let mut t = base();
        let o = run_in(&mut t, script, false);
        assert_eq!(
            (o.exit_code, t.exists("/end")),
            (status, reached),
            "{script}: {o:?}"
        );
    }
}

#[test]
fn a_step_shows_each_note_once_and_at_most_a_hundred() {
    let mut t = base();
    let script: String = (0..300).map(|i| format!("frob {i}; frob same; ")).collect();
    let o = run_in(&mut t, &script, false);
    assert_eq!(o.exit_code, 0, "{o:?}");
    assert_eq!(o.notes.len(), 101);
    assert_eq!(
        o.notes.iter().filter(|n| n.contains("frob same")).count(),
        1
    );
    assert_eq!(
        o.notes[100],
        "not simulated: … and 201 more notes like these, not shown"
    );
}

#[test]
fn quotes_inside_a_substitution_inside_double_quotes() {
    let mut t = with_programs(&["tr"]);
    let o = run_in(
        &mut t,
        r#"x="$(echo 'a("b c")d' | tr a z)"; echo "$x" > /out; y="$(echo "in $(echo "deep")")"; echo "$y" >> /out; echo "$(echo ')')" >> /out"#,
        true,
    );
    assert_eq!(o.exit_code, 0, "{o:?}");
    assert!(o.notes.is_empty(), "{o:?}");
    assert_eq!(file(&t, "/out"), "z(\"b c\")d\nin deep\n)\n");
}

#[test]
fn a_stage_that_copied_from_an_unknown_one_is_not_fully_known_either() {
    use crate::build::Context;
    // moby's binary-dummy: scratch plus a directory from a stage whose files
    // layerlab does not fully know; copying from it must not be an error.
    let r = build_with_shell(b"FROM example/tool AS maker\nRUN make-build-dir\nFROM scratch AS dummy\nCOPY --from=maker /build /build\nFROM scratch\nCOPY --from=dummy /build/ /out/\n", &Context::new());
    assert!(r.ok(), "{:?}", r.error);
    let last = r.steps.last().unwrap();
    assert!(
        last.notes
            .iter()
            .any(|n| n.starts_with("not simulated: /build is not in dummy's files")),
        "{:?}",
        last.notes
    );
}

#[test]
fn home_comes_from_the_users_passwd_entry() {
    use crate::build::{Context, StepStatus};
    let mut ctx = Context::new();
    for program in ["sh", "useradd", "pip"] {
        ctx.add(&format!("bin/{program}"), b"x");
    }
    let r = build_with_shell(
        b"FROM scratch\nCOPY bin/ /bin/\nCOPY bin/ /usr/bin/\nRUN useradd -m app && echo \"root: $HOME\"\nUSER app\nRUN echo \"app: $HOME\" && cd && pwd\nUSER 4242\nRUN echo \"unknown: $HOME\"\n",
        &ctx,
    );
    assert!(r.ok(), "{:?}", r.error);
    let out: Vec<&str> = r
        .steps
        .iter()
        .filter(|s| s.status == StepStatus::Built)
        .flat_map(|s| s.output.iter().map(String::as_str))
        .collect();
    assert_eq!(
        out,
        ["root: /root", "app: /home/app", "/home/app", "unknown: /"]
    );
}
