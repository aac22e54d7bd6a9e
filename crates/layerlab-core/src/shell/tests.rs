//! The shell simulation against a small filesystem.

use super::*;
use crate::fs::{Content, Meta, Node, Tree};

fn base() -> Tree {
    let mut t = Tree::new();
    for d in ["/bin", "/etc", "/tmp", "/usr/bin", "/var/lib/apt/lists"] {
        t.mkdir_all(d, Meta::DIR).unwrap();
    }
    t.write_file(
        "/etc/passwd",
        Meta::FILE,
        Content::bytes(&b"root:x:0:0:root:/root:/bin/sh\n"[..]),
    )
    .unwrap();
    t.write_file(
        "/etc/group",
        Meta::FILE,
        Content::bytes(&b"root:x:0:\n"[..]),
    )
    .unwrap();
    t.write_file("/bin/busybox", Meta::EXEC, Content::sized("busybox", 100))
        .unwrap();
    t.insert("/bin/sh", Node::symlink("/bin/busybox")).unwrap();
    t.write_file(
        "/var/lib/apt/lists/a",
        Meta::FILE,
        Content::sized("lists", 5000),
    )
    .unwrap();
    t.write_file(
        "/var/lib/apt/lists/b",
        Meta::FILE,
        Content::sized("lists2", 5000),
    )
    .unwrap();
    t
}

fn run_argv(
    tree: &mut Tree,
    argv: &[&str],
    shell_form: bool,
    heredocs: &[crate::syntax::Heredoc],
    strict: bool,
) -> RunOutcome {
    ShellExecutor {
        strict_path: strict,
        ..Default::default()
    }
    .run(RunContext {
        argv: argv.iter().map(|a| a.to_string()).collect(),
        shell_form,
        heredocs,
        env: vec![
            ("PATH".into(), "/usr/local/bin:/usr/bin:/bin".into()),
            ("HOME".into(), "/root".into()),
        ],
        workdir: "/".into(),
        user: String::new(),
        mounts: &[],
        network: None,
        tree,
        strict_path: false,
    })
}

/// A shell-form RUN of `script` in `workdir` with `env`, for executors with package data.
fn script_ctx<'a>(
    tree: &'a mut Tree,
    script: &str,
    workdir: &str,
    env: Vec<(String, String)>,
) -> RunContext<'a> {
    RunContext {
        argv: vec!["/bin/sh".into(), "-c".into(), script.into()],
        shell_form: true,
        heredocs: &[],
        env,
        workdir: workdir.into(),
        user: String::new(),
        mounts: &[],
        network: None,
        tree,
        strict_path: false,
    }
}

fn run_in(tree: &mut Tree, script: &str, strict: bool) -> RunOutcome {
    run_argv(tree, &["/bin/sh", "-c", script], true, &[], strict)
}

fn file(tree: &Tree, p: &str) -> String {
    match tree.get(p) {
        Some(Node::File { content, .. }) => {
            String::from_utf8_lossy(content.as_bytes().unwrap_or_default()).into_owned()
        }
        other => panic!("{p}: {other:?}"),
    }
}

#[test]
fn files_and_directories() {
    let mut t = base();
    let o = run_in(&mut t, "mkdir -p /app/static && cd /app && echo 'print(1)' > main.py && echo more >> main.py && cp main.py static/ && mv static/main.py static/m.py && ln -s /app/main.py /usr/bin/app && touch empty && chmod 700 main.py", false);
    assert_eq!(o.exit_code, 0, "{o:?}");
    assert_eq!(file(&t, "/app/main.py"), "print(1)\nmore\n");
    assert!(t.exists("/app/static/m.py") && !t.exists("/app/static/main.py"));
    assert_eq!(t.get("/usr/bin/app"), Some(&Node::symlink("/app/main.py")));
    assert_eq!(t.get("/app/main.py").unwrap().meta().mode, 0o700);
    assert!(o.notes.is_empty(), "{:?}", o.notes);
}

#[test]
fn globs_rm_and_errors() {
    let mut t = base();
    let o = run_in(&mut t, "rm -rf /var/lib/apt/lists/*", false);
    assert_eq!(o.exit_code, 0);
    assert!(t.exists("/var/lib/apt/lists") && !t.exists("/var/lib/apt/lists/a"));
    t.write_file("/bin/rm", Meta::EXEC, Content::sized("rm", 10))
        .unwrap();
    let o = run_in(&mut t, "rm /nope", true);
    assert_eq!(
        (o.exit_code, o.output[0].as_str()),
        (1, "rm: cannot remove '/nope': No such file or directory")
    );
    // With the image's files not fully known, a missing file may exist in Docker.
    let o = run_in(&mut t, "rm /nope && cd /src/app && echo x > sub/f", false);
    assert_eq!(o.exit_code, 0, "{o:?}");
    assert!(o.notes[0].starts_with("not simulated: rm: cannot remove '/nope'"));
    assert!(t.exists("/src/app/sub/f"));
    let o = run_in(&mut t, "mkdir /tmp && echo unreachable", false);
    assert_eq!(o.exit_code, 1);
    assert!(o.output.iter().all(|l| l != "unreachable"));
}

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
fn users_groups_and_downloads() {
    let mut t = base();
    let o = run_in(&mut t, "groupadd -r app && useradd -r -g app -m -d /srv/app app && adduser -D -h /home/bob bob && curl -fsSL -o /tmp/tool.tgz https://example.com/tool.tgz && wget https://example.com/f.bin", false);
    assert_eq!(o.exit_code, 0, "{o:?}");
    assert!(file(&t, "/etc/group").contains("app:x:100:"));
    assert!(file(&t, "/etc/passwd").contains("app:x:100:100::/srv/app:/bin/sh"));
    assert_eq!(t.get("/srv/app").unwrap().meta().uid, 100);
    assert!(t.exists("/home/bob"));
    assert_eq!(t.get("/tmp/tool.tgz").unwrap().own_size(), 1_000_000);
    assert!(t.exists("/f.bin"));
    assert_eq!(o.notes.len(), 2);
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
    use crate::build::{build, BuildOptions, CacheStore, Context};
    use crate::catalog::Catalog;
    let ctx = Context::new();
    let separate =
        b"FROM scratch\nRUN mkdir /tmp && printf '%s' 0123456789 > /tmp/big\nRUN rm /tmp/big\n";
    let same =
        b"FROM scratch\nRUN mkdir /tmp && printf '%s' 0123456789 > /tmp/big && rm /tmp/big\n";
    let size = |df: &[u8]| {
        let r = build(
            df,
            &ctx,
            &Catalog::default(),
            &BuildOptions::default(),
            &mut CacheStore::new(),
            &ShellExecutor::default(),
        );
        assert!(r.ok(), "{:?}", r.error);
        r.image.unwrap().size
    };
    assert_eq!(size(separate), 10);
    assert_eq!(size(same), 0);
}

/// An executor with a small "bookworm" release (`data` in the TSV format) and
/// a tree whose dpkg status lists `installed`.
fn bookworm(data: &str, lists_bytes: u64, installed: &str) -> (ShellExecutor, Tree) {
    use crate::catalog::debian::Release;
    let mut release = Release::from_tsv("bookworm", data);
    release.lists_bytes = lists_bytes;
    let mut releases = crate::catalog::debian::Releases::new();
    releases.add_parsed(release);
    let exec = ShellExecutor::with_debian(std::sync::Arc::new(releases));
    let mut t = base();
    t.write_file(
        "/etc/os-release",
        Meta::FILE,
        Content::bytes(&b"ID=debian\nVERSION_CODENAME=bookworm\n"[..]),
    )
    .unwrap();
    let status = format!("Package: {installed}\nStatus: install ok installed\n\n");
    t.write_file(
        "/var/lib/dpkg/status",
        Meta::FILE,
        Content::bytes(status.into_bytes()),
    )
    .unwrap();
    (exec, t)
}

/// [`bookworm`] with 20,000 bytes of lists to fetch and none fetched yet.
fn bookworm_without_lists(data: &str, installed: &str) -> (ShellExecutor, Tree) {
    let (exec, mut t) = bookworm(data, 20_000, installed);
    let _ = t.remove("/var/lib/apt/lists/a");
    let _ = t.remove("/var/lib/apt/lists/b");
    (exec, t)
}

#[test]
fn apt_get_uses_the_release_data_and_needs_its_lists() {
    let data = "# h\napp\t1\t100\toptional\t\tlib\tdoc\t\t/usr/bin/app\nlib\t1\t1000\toptional\t\t\t\t\t\ndoc\t1\t5000\toptional\t\t\t\t\t\n";
    let (exec, mut t) = bookworm_without_lists(data, "lib");
    let run = |t: &mut Tree, script: &str| exec.run(script_ctx(t, script, "/", vec![]));
    let o = run(&mut t, "apt-get install -y app");
    assert_eq!(o.exit_code, 100);
    assert!(o
        .output
        .iter()
        .any(|l| l == "E: Unable to locate package app"));
    let before = t.total_size();
    let o = run(
        &mut t,
        "apt-get update && apt-get install -y --no-install-recommends app",
    );
    assert_eq!(o.exit_code, 0, "{o:?}");
    // The lists and app's installed size (lib was installed, doc only
    // recommended), plus dpkg's state: status, status-old, debconf, the
    // auto-installed marks.
    let state: u64 = [
        "/var/lib/dpkg/status",
        "/var/lib/dpkg/status-old",
        "/var/lib/apt/extended_states",
    ]
    .iter()
    .map(|p| t.get(p).map_or(0, Node::own_size))
    .sum::<u64>()
        - "Package: lib\nStatus: install ok installed\n\n".len() as u64
        + 793_000; // debconf's databases (dpkg_state::DEBCONF_BYTES)
    assert_eq!(t.total_size() - before, 20_000 + 100 * 1024 + state);
    assert!(
        file(&t, "/var/lib/dpkg/status").contains("Package: app\nStatus: install ok installed\n")
    );
    assert!(t.exists("/usr/bin/app"));
    assert!(o.duration_ms >= 2);
    let o = run(&mut t, "apt-get purge -y app");
    assert_eq!(o.exit_code, 0);
    assert!(!t.exists("/usr/bin/app"));
}

#[test]
fn packages_land_in_their_directories_and_rm_of_the_docs_frees_their_share() {
    // lib's files: 9 in /usr/lib/x86_64-linux-gnu, 10 (small) in /usr/share/doc.
    let data =
        "# h\nlib\t1\t1000\toptional\t\t\t\t\t\tusr/lib/x86_64-linux-gnu:9;usr/share/doc:10\n";
    let (exec, mut t) = bookworm(data, 0, "base-files");
    let run = |t: &mut Tree, script: &str| exec.run(script_ctx(t, script, "/", vec![]));
    let o = run(&mut t, "apt-get update && apt-get install -y lib");
    assert_eq!(o.exit_code, 0, "{o:?}");
    let size = |t: &Tree, p: &str| t.get(p).map_or(0, Node::own_size);
    assert_eq!(size(&t, "/usr/lib/x86_64-linux-gnu/lib.files"), 921_600);
    assert_eq!(size(&t, "/usr/share/doc/lib.files"), 102_400);
    assert!(!t.exists("/usr/share/layerlab-packages/lib"));
    let before = t.total_size();
    let o = run(&mut t, "rm -rf /usr/share/doc/*");
    assert_eq!(o.exit_code, 0);
    assert_eq!(before - t.total_size(), 102_400);
    let o = run(&mut t, "apt-get purge -y lib");
    assert_eq!(o.exit_code, 0);
    assert!(!t.exists("/usr/lib/x86_64-linux-gnu/lib.files"));
}

#[test]
fn apt_3_install_update_and_dist_clean() {
    let data = "# h\nlib\t1\t1000\toptional\t\t\t\t\t\t\n";
    let (exec, mut t) = bookworm_without_lists(data, "base-files");
    let before = t.total_size();
    let o = exec.run(script_ctx(
        &mut t,
        "apt-get install --update -y lib && apt-get dist-clean",
        "/",
        vec![],
    ));
    assert_eq!(o.exit_code, 0, "{o:?}");
    assert!(t.exists("/usr/share/layerlab-packages/lib"));
    // The lists `--update` fetched are gone again; the package stays.
    assert!(t.total_size() - before < 20_000 + 1024 * 1024 + 900_000);
    assert!(
        matches!(t.get("/var/lib/apt/lists"), Some(Node::Dir { entries, .. }) if entries.len() == 1)
    );
}

#[test]
fn apt_get_without_the_release_data_records_the_release_wanted() {
    let wanted = WantedReleases::default();
    let exec = ShellExecutor {
        wanted_debian: Some(wanted.clone()),
        ..ShellExecutor::default()
    };
    let mut t = base();
    t.write_file(
        "/etc/os-release",
        Meta::FILE,
        Content::bytes(&b"ID=debian\nVERSION_CODENAME=trixie\n"[..]),
    )
    .unwrap();
    let o = exec.run(script_ctx(&mut t, "apt-get update", "/", vec![]));
    assert_eq!(o.exit_code, 0);
    assert_eq!(
        o.notes,
        ["not simulated: apt-get update, assumed to change no files"]
    );
    assert_eq!(
        wanted.lock().unwrap().iter().collect::<Vec<_>>(),
        ["trixie"]
    );
}

#[test]
fn pip_install_with_and_without_its_cache() {
    use crate::catalog::pypi::PyPi;
    let packages = "# h\n2017-06\tflask\t0.12.2\tFlask.whl\t1000\t5000\t4000\tjinja2\tm\n2017-06\tjinja2\t2.9.6\tJinja2.whl\t2000\t9000\t8000\t\tm\n";
    let eras = "# h\n2017-06\t3.6\t2.0\tcalibrated\n";
    let exec = ShellExecutor {
        pypi: Some(std::sync::Arc::new(PyPi::from_tsv(packages, eras))),
        ..ShellExecutor::default()
    };
    let run = |script: &str| {
        let mut t = base();
        let before = t.total_size();
        let o = exec.run(script_ctx(
            &mut t,
            script,
            "/",
            vec![("PYTHON_VERSION".into(), "3.6.1".into())],
        ));
        (o, t.total_size() - before, t)
    };
    let (o, cached, t) = run("pip install flask");
    assert_eq!(o.exit_code, 0);
    // Files + 2 × source as bytecode + the downloads in pip's cache.
    assert_eq!(cached, 5000 + 9000 + 2 * (4000 + 8000) + 1000 + 2000);
    assert!(t.exists("/usr/local/lib/python3.6/site-packages/jinja2/__pycache__"));
    assert!(o
        .output
        .last()
        .unwrap()
        .starts_with("Successfully installed flask-0.12.2 jinja2-2.9.6"));
    let (_, uncached, _) = run("pip install --no-cache-dir flask");
    assert_eq!(cached - uncached, 3000);
    let (o, _, _) = run("pip install flask numpy");
    assert!(o.notes.iter().any(|n| n.contains("no package data")));
    // Where the packages go: --prefix (both spellings), --target, --user.
    let site = "lib/python3.6/site-packages/jinja2/__pycache__";
    let (o, _, t) = run("mkdir /install && cd /install && pip install --prefix=/install flask");
    assert_eq!(o.exit_code, 0);
    assert!(t.exists(&format!("/install/{site}")));
    assert!(!t.exists("/usr/local/lib/python3.6/site-packages/jinja2"));
    let (_, _, t) = run("pip install --prefix /opt/p -i https://example.invalid/simple flask");
    assert!(t.exists(&format!("/opt/p/{site}")));
    let (_, _, t) = run("cd /tmp && pip install -t deps flask");
    assert!(t.exists("/tmp/deps/jinja2/__pycache__"));
    let (_, _, t) = run("pip install --user flask");
    assert!(t.exists(&format!("/root/.local/{site}")));
    // Already in the image's site-packages: --prefix skips it, as pip does.
    let (o, _, t) = run("pip install flask && pip install --prefix=/install flask");
    assert_eq!(o.exit_code, 0);
    assert_eq!(
        o.output.last().unwrap(),
        "Requirement already satisfied: flask in /usr/local/lib/python3.6/site-packages"
    );
    assert!(!t.exists("/install/lib/python3.6/site-packages/flask"));
}

#[test]
fn npm_install_reads_package_json() {
    use crate::catalog::npm::Npm;
    let data = "# h\nweb-lib\t1.0.0\t100\t1000\tdep\tm\ndep\t2.0.0\t50\t500\t\tm\ntool\t3.0.0\t10\t200\t\tm\n";
    let exec = ShellExecutor {
        npm: Some(std::sync::Arc::new(Npm::from_tsv(data))),
        ..ShellExecutor::default()
    };
    let mut t = base();
    t.write_file(
        "/app/package.json",
        Meta::FILE,
        Content::bytes(&br#"{"dependencies":{"web-lib":"^1"},"devDependencies":{"tool":"*"}}"#[..]),
    )
    .unwrap();
    let mut run = |script: &str| exec.run(script_ctx(&mut t, script, "/app", vec![]));
    let o = run("npm ci --omit=dev");
    assert_eq!(
        o.output.last().map(String::as_str),
        Some("added 2 packages in 0.0s"),
        "{o:?}"
    );
    let o = run("npm install");
    assert!(
        o.output.last().unwrap().starts_with("added 1 packages"),
        "only the dev tool is new: {o:?}"
    );
    let o = run("cd /tmp && npm install");
    assert_eq!(o.exit_code, 254);
    assert_eq!(
        t.get("/app/node_modules/web-lib/.layerlab-files")
            .unwrap()
            .own_size(),
        1000
    );
    assert!(t.exists("/root/.npm/_cacache"));
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
fn sized_files_are_declared_not_allocated() {
    let mut t = base();
    let out = run_in(
        &mut t,
        "dd if=/dev/zero of=/tmp/z bs=1M count=3 && fallocate -l 2G /tmp/f && truncate -s 10K /tmp/t",
        false,
    );
    assert_eq!(out.exit_code, 0, "{:?}", out.output);
    assert_eq!(t.get("/tmp/z").unwrap().own_size(), 3 << 20);
    assert_eq!(t.get("/tmp/f").unwrap().own_size(), 2 << 30);
    assert_eq!(t.get("/tmp/t").unwrap().own_size(), 10 << 10);
    assert_eq!(out.output[2], "3145728 bytes copied");
    let out = run_in(&mut t, "dd if=/dev/zero of=/tmp/endless", false);
    assert_eq!(out.exit_code, 1);
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
fn tr_translates_deletes_and_squeezes() {
    let mut t = base();
    let out = run_in(
        &mut t,
        "a=$(echo idle3 | tr -d 3); b=$(echo Hello | tr a-z A-Z); c=$(echo 'a  b' | tr -s ' '); echo \"$a $b $c\" > /tmp/tr",
        false,
    );
    assert_eq!(out.exit_code, 0, "{out:?}");
    assert_eq!(file(&t, "/tmp/tr"), "idle HELLO a b\n");
}

/// The docker-library pattern: build tools installed, used, then marked
/// auto and purged with `--auto-remove`, keeping what was manual before.
#[test]
fn apt_mark_and_purge_auto_remove_take_the_build_tools_away() {
    let data = "# h\ngcc\t1\t30000\toptional\t\tlibgcc\t\t\t/usr/bin/gcc\nlibgcc\t1\t2000\toptional\t\t\t\t\t\ncurl\t1\t500\toptional\t\t\t\t\t/usr/bin/curl\n";
    let (exec, mut t) = bookworm(data, 1_000, "base-files");
    let script = "set -e; apt-get update; apt-get install -y curl; \
        savedAptMark=\"$(apt-mark showmanual)\"; \
        apt-get install -y --no-install-recommends gcc; \
        apt-mark auto '.*' > /dev/null; apt-mark manual $savedAptMark; \
        apt-get purge -y --auto-remove -o APT::AutoRemove::RecommendsImportant=false";
    let out = exec.run(script_ctx(&mut t, script, "/", vec![]));
    assert_eq!(out.exit_code, 0, "{out:?}");
    assert!(t.exists("/usr/bin/curl"), "curl was manual before: kept");
    assert!(!t.exists("/usr/bin/gcc"), "gcc and libgcc: removed");
    let status = file(&t, "/var/lib/dpkg/status");
    assert!(status.contains("Package: curl\n") && !status.contains("Package: libgcc\n"));
}

/// The test tree with `programs` in /usr/bin.
fn with_programs(programs: &[&str]) -> Tree {
    let mut t = base();
    for p in programs {
        t.write_file(&format!("/usr/bin/{p}"), Meta::EXEC, Content::sized(p, 10))
            .unwrap();
    }
    t
}

#[test]
fn find_deletes_prints_and_execs() {
    let mut t = with_programs(&["find", "rm"]);
    for f in [
        "/app/a.pyc",
        "/app/b.py",
        "/app/sub/c.pyc",
        "/app/tests/t.py",
    ] {
        t.write_file(f, Meta::FILE, Content::sized(f, 1000))
            .unwrap();
    }
    let ok = |t: &mut Tree, script: &str| {
        let o = run_in(t, script, true);
        assert_eq!(o.exit_code, 0, "{script}: {o:?}");
    };
    ok(&mut t, "cd /app && find . -name '*.pyc' > /found");
    assert_eq!(file(&t, "/found"), "./a.pyc\n./sub/c.pyc\n");
    // -path matches the whole path; its `*`, `?` and `[…]` cross `/`.
    ok(&mut t, "find /app -path '/app/s?b/*' > /found");
    assert_eq!(file(&t, "/found"), "/app/sub/c.pyc\n");
    ok(&mut t, "find /app -path '*[bs]/[ct]*.py*' > /found");
    assert_eq!(file(&t, "/found"), "/app/sub/c.pyc\n/app/tests/t.py\n");
    ok(
        &mut t,
        "find /app -path '/app*b.py' -o -path /app/a.pyc > /found",
    );
    assert_eq!(file(&t, "/found"), "/app/a.pyc\n/app/b.py\n");
    ok(&mut t, "find /app -type f -name '*.pyc' -delete");
    assert!(!t.exists("/app/a.pyc") && !t.exists("/app/sub/c.pyc") && t.exists("/app/b.py"));
    ok(
        &mut t,
        "find /app -depth \\( -type d -a -name tests \\) -exec rm -rf '{}' +",
    );
    assert!(!t.exists("/app/tests") && t.exists("/app/sub"));
    ok(&mut t, "find /app -mindepth 1 -maxdepth 1 -print > /list");
    assert_eq!(file(&t, "/list"), "/app/b.py\n/app/sub\n");
    ok(&mut t, "find /app -empty -type d -delete");
    assert!(!t.exists("/app/sub"));
    let o = run_in(&mut t, "find /nope -name x", true);
    assert_eq!(o.exit_code, 1);
    assert!(o
        .output
        .iter()
        .any(|l| l == "find: '/nope': No such file or directory"));
    // A command -exec runs that layerlab does not simulate is noted once.
    t.write_file("/app/c.py", Meta::FILE, Content::sized("c", 1))
        .unwrap();
    let o = run_in(&mut t, "find /app -type f -exec ldd {} ';'", false);
    assert_eq!(o.notes.len(), 2, "{o:?}");
    assert!(o.notes[1].contains("ldd for 1 more files found"), "{o:?}");
    // A test find has no simulation for: the command is noted, nothing changes.
    let o = run_in(&mut t, "find /app -newer /etc/passwd -delete", false);
    assert!(o.notes.iter().any(|n| n.starts_with("not simulated: find")));
    assert!(t.exists("/app/b.py"));
}

#[test]
fn xargs_runs_the_command_with_its_input() {
    let mut t = with_programs(&["find", "rm", "xargs"]);
    for f in ["/d/x.log", "/d/y.log", "/d/keep"] {
        t.write_file(f, Meta::FILE, Content::sized(f, 10)).unwrap();
    }
    let o = run_in(
        &mut t,
        "find /d -name '*.log' -print0 | xargs -0 rm -f",
        true,
    );
    assert_eq!(o.exit_code, 0, "{o:?}");
    assert!(!t.exists("/d/x.log") && !t.exists("/d/y.log") && t.exists("/d/keep"));
    let o = run_in(&mut t, "echo /d/keep | xargs -r -n 1 rm", true);
    assert_eq!(o.exit_code, 0, "{o:?}");
    assert!(!t.exists("/d/keep"));
    // Input from a command layerlab could not simulate is unknown: noted.
    let o = run_in(
        &mut t,
        "scanelf --needed /usr/local | xargs -r apk add",
        false,
    );
    assert!(o
        .notes
        .iter()
        .any(|n| n.starts_with("not simulated: xargs -r apk add")));
}

#[test]
fn awk_prints_fields() {
    let mut t = with_programs(&["awk", "dpkg"]);
    let o = run_in(
        &mut t,
        "arch=\"$(dpkg --print-architecture | awk -F- '{ print $NF }')\"; echo \"$arch\" > /arch; \
         echo 'a b  c' | awk '{print $2, $NF}' > /f; printf 'x:y:z\\n' | awk -F: '{ print $(NF-1) }' >> /f",
        true,
    );
    assert_eq!(o.exit_code, 0, "{o:?}");
    assert_eq!(file(&t, "/arch"), "amd64\n");
    assert_eq!(file(&t, "/f"), "b c\ny\n");
    // A program with patterns or functions is noted, not simulated.
    let o = run_in(&mut t, "awk '/=>/ { so = $(NF-1) }' /etc/passwd", true);
    assert!(o.notes.iter().any(|n| n.starts_with("not simulated: awk")));
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
