//! File and text commands over the tree: mkdir/rm/globs, users and
//! downloads, declared sizes, `tr`, `find`, `xargs`, `awk`.

use super::*;

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
fn install_makes_directories_and_copies_files_with_mode_and_owner() {
    let mut t = with_programs(&["install", "groupadd", "useradd"]);
    t.write_file("/src/tool", Meta::FILE, Content::sized("tool", 4000))
        .unwrap();
    let o = run_in(
        &mut t,
        "groupadd -r postgres && useradd -r -g postgres postgres \
         && install --verbose --directory --owner postgres --group postgres --mode 3777 /var/run/postgresql \
         && install -Dm644 /src/tool /opt/a/b/tool.conf \
         && install -m 0755 -t /usr/bin /src/tool \
         && install /src/tool /opt/a",
        true,
    );
    assert_eq!(o.exit_code, 0, "{o:?}");
    assert!(o.notes.is_empty(), "{o:?}");
    assert!(o
        .output
        .iter()
        .any(|l| l == "install: creating directory '/var/run/postgresql'"));
    let run = t.get("/var/run/postgresql").unwrap().meta();
    assert_eq!((run.mode, run.uid, run.gid), (0o3777, 100, 100));
    assert_eq!(t.get("/var/run").unwrap().meta().mode, 0o755);
    let conf = t.get("/opt/a/b/tool.conf").unwrap();
    assert_eq!((conf.meta().mode, conf.own_size()), (0o644, 4000));
    assert_eq!(t.get("/usr/bin/tool").unwrap().meta().mode, 0o755);
    assert_eq!(t.get("/opt/a/tool").unwrap().meta().mode, 0o755);
    // What install refuses, with its words.
    for (script, message) in [
        (
            "install /nope /tmp/x",
            "install: cannot stat '/nope': No such file or directory",
        ),
        (
            "install /src/tool /no/dir/x",
            "install: cannot create regular file '/no/dir/x': No such file or directory",
        ),
        (
            "install -d -o ghost /tmp/g",
            "install: invalid user 'ghost'",
        ),
        (
            "install -m xyz /src/tool /tmp/y",
            "install: invalid mode 'xyz'",
        ),
        ("install /src /tmp/z", "install: omitting directory '/src'"),
        (
            "install /src/tool",
            "install: missing destination file operand after '/src/tool'",
        ),
    ] {
        let o = run_in(&mut t, script, true);
        assert_eq!(o.exit_code, 1, "{script}: {o:?}");
        assert_eq!(
            o.output.last().map(String::as_str),
            Some(message),
            "{script}"
        );
    }
    // Files an unsimulated command may have made are noted, not failed.
    let o = run_in(&mut t, "install -d -o ghost /tmp/g", false);
    assert_eq!(o.exit_code, 0, "{o:?}");
    assert!(t.exists("/tmp/g"));
}

#[test]
fn go_build_and_install_write_a_binary_where_go_would() {
    let mut t = with_programs(&["go", "mkdir"]);
    t.write_file(
        "/src/go.mod",
        Meta::FILE,
        Content::bytes(&b"module example.com/tools/greeter\n\ngo 1.22\n"[..]),
    )
    .unwrap();
    let o = run_in(
        &mut t,
        "cd /src && go build -o /out/ ./cmd/app && go build -trimpath -ldflags='-s -w' . \
         && go build -o=/bin/hello ./main.go && mkdir /bin/tools && go build -o /bin/tools ./cmd/lint \
         && GOPATH=/go go install golang.org/x/tools/cmd/goimports@latest \
         && GOPATH=/go go install github.com/x/y/v2@v2.1.0 && go build ./a ./b",
        true,
    );
    assert_eq!(o.exit_code, 0, "{o:?}");
    for binary in [
        "/out/app",
        "/src/greeter",
        "/bin/hello",
        "/bin/tools/lint",
        "/go/bin/goimports",
        "/go/bin/y",
    ] {
        let node = t.get(binary).unwrap_or_else(|| panic!("{binary} missing"));
        assert_eq!(
            (node.own_size(), node.meta().mode),
            (2_000_000, 0o755),
            "{binary}"
        );
    }
    assert!(!t.exists("/src/a") && !t.exists("/src/b"));
    assert!(
        o.notes.iter().all(|n| !n.starts_with("not simulated")),
        "{o:?}"
    );
    assert_eq!(
        o.notes[0],
        "go build ./cmd/app: not compiled; assumed a 2000000-byte binary /out/app (about a hello-world's size)"
    );
    // Other go commands are noted, not simulated.
    let o = run_in(&mut t, "go mod download", true);
    assert!(o
        .notes
        .iter()
        .any(|n| n.starts_with("not simulated: go mod download")));
}

#[test]
fn ls_lists_names_and_long_form() {
    let mut t = with_programs(&["ls", "mkdir", "chmod", "ln"]);
    let o = run_in(
        &mut t,
        "mkdir -p /app/sub /app/.git && echo hello > /app/a.txt && chmod 4755 /app/a.txt && ln -s a.txt /app/link",
        true,
    );
    assert_eq!(o.exit_code, 0, "{o:?}");
    let o = run_in(&mut t, "ls /app && ls -A /app/sub /app/a.txt", true);
    assert_eq!(o.exit_code, 0, "{o:?}");
    assert_eq!(
        o.output,
        ["a.txt", "link", "sub", "/app/a.txt", "", "/app/sub:"]
    );
    let o = run_in(&mut t, "cd /app && ls -la", true);
    assert_eq!(
        o.output,
        [
            "total 20",
            "drwxr-xr-x 4 root root 4096 Jan  1  1970 .",
            "drwxr-xr-x 8 root root 4096 Jan  1  1970 ..",
            "drwxr-xr-x 2 root root 4096 Jan  1  1970 .git",
            "-rwsr-xr-x 1 root root    6 Jan  1  1970 a.txt",
            "lrwxrwxrwx 1 root root    5 Jan  1  1970 link -> a.txt",
            "drwxr-xr-x 2 root root 4096 Jan  1  1970 sub",
        ]
    );
    assert!(o
        .notes
        .iter()
        .any(|n| n.starts_with("not simulated: ls -l file times")));
    let o = run_in(&mut t, "ls /nope", true);
    assert_eq!(o.exit_code, 2);
    assert_eq!(
        o.output,
        ["ls: cannot access '/nope': No such file or directory"]
    );
}

#[test]
fn line_filters_over_known_text() {
    let mut t = with_programs(&["head", "tail", "wc", "sort", "uniq", "cut", "cat"]);
    t.write_file(
        "/etc/data",
        Meta::FILE,
        Content::bytes(&b"pear:3\napple:10\npear:3\nfig:2\n"[..]),
    )
    .unwrap();
    let run = |t: &mut Tree, script: &str| {
        let o = run_in(t, script, true);
        assert_eq!(o.exit_code, 0, "{script}: {o:?}");
        assert!(o.notes.is_empty(), "{script}: {o:?}");
        o.output
    };
    assert_eq!(run(&mut t, "head -n 2 /etc/data"), ["pear:3", "apple:10"]);
    assert_eq!(run(&mut t, "tail -1 /etc/data"), ["fig:2"]);
    assert_eq!(run(&mut t, "tail -n +3 /etc/data | head -c 4"), ["pear"]);
    assert_eq!(run(&mut t, "wc -l < /etc/data"), ["4"]);
    assert_eq!(run(&mut t, "wc -l /etc/data"), ["4 /etc/data"]);
    assert_eq!(
        run(&mut t, "cat /etc/data | wc"),
        ["      4       4      29"]
    );
    assert_eq!(
        run(&mut t, "sort /etc/data | uniq -c"),
        ["      1 apple:10", "      1 fig:2", "      2 pear:3"]
    );
    assert_eq!(
        run(&mut t, "cut -d: -f2 /etc/data | sort -rnu"),
        ["10", "3", "2"]
    );
    assert_eq!(
        run(&mut t, "cut -c1-3 /etc/data | uniq -d"),
        Vec::<String>::new()
    );
    assert_eq!(
        run(&mut t, "sort -u /etc/data | cut -d: -f1"),
        ["apple", "fig", "pear"]
    );
    // Input layerlab does not know is noted, not invented.
    let o = run_in(&mut t, "unknown-tool | sort", false);
    assert!(
        o.notes
            .iter()
            .any(|n| n == "not simulated: sort: its input is not known to layerlab"),
        "{o:?}"
    );
    let o = run_in(&mut t, "head /nope", true);
    assert_eq!(o.exit_code, 1);
    assert_eq!(o.output, ["head: /nope: No such file or directory"]);
}
