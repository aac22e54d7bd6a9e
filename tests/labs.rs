//! The seed tutorials' labs replayed command by command in a session (the
//! terminal's engine), each output compared with the tutorial's, IDs,
//! digests and times aside. Where layerlab prints something else on
//! purpose (a stated form instead of program output, one line for a base
//! whose layer list the catalog lacks), the test says so and checks that.

use layerlab_core::session::{Change, LineKind, Options, PackageData, Session};
use layerlab_tests::{
    classic_logs, data_dir, lab_commands, normalize_docker_text, seed, LabCommand,
};

struct Lab {
    session: Session,
    /// layerlab's remarks on the last command (not Docker's output).
    notes: Vec<String>,
}

impl Lab {
    fn new(date: &str) -> Lab {
        let data = PackageData::from_source(std::sync::Arc::new(
            layerlab_core::catalog::source::DirSource(data_dir()),
        ))
        .unwrap();
        let options = Options {
            date: Some(date.into()),
            builder: None,
        };
        Lab {
            session: Session::new(options, data),
            notes: Vec::new(),
        }
    }

    /// Runs a command (or answers a prompt); returns what it printed.
    fn run(&mut self, command: &str) -> String {
        let before = self.session.terminal.lines.len();
        let view = self.session.apply(Change::Terminal {
            input: command.into(),
        });
        assert!(
            view.wanted.is_empty(),
            "{command}: waits for {:?}",
            view.wanted
        );
        let lines = &self.session.terminal.lines[before..];
        self.notes = lines
            .iter()
            .filter(|l| l.kind == LineKind::Note)
            .map(|l| l.text.clone())
            .collect();
        lines
            .iter()
            .filter(|l| l.kind == LineKind::Output)
            .map(|l| format!("{}\n", l.text))
            .collect()
    }
}

/// Output with IDs, digests, times and generated names aside, a table's
/// cells joined by ` | `.
fn normal(text: &str) -> Vec<String> {
    normalize_docker_text(text)
        .lines()
        .map(|l| {
            let words: Vec<String> = l
                .split_whitespace()
                .map(|w| {
                    let hex = w.trim_end_matches(':');
                    if let Some(d) = w.strip_prefix("sha256:") {
                        if d.len() == 64 {
                            return "<digest>".into();
                        }
                    }
                    if (hex.len() == 12 || hex.len() == 64)
                        && hex.chars().all(|c| c.is_ascii_hexdigit())
                    {
                        return w.replacen(hex, "<id>", 1);
                    }
                    w.to_owned()
                })
                .collect();
            words
                .join(" ")
                .split(" | ")
                .map(|cell| {
                    if cell.starts_with("Up ") {
                        "Up <time>"
                    } else {
                        cell
                    }
                })
                .collect::<Vec<_>>()
                .join(" | ")
        })
        .filter(|l| !l.is_empty())
        .collect()
}

fn commands(seed_prefix: &str, user: &str) -> Vec<LabCommand> {
    lab_commands(&seed(seed_prefix))
        .into_iter()
        .map(|c| LabCommand {
            command: c.command.replace("[dockerhub username]", user),
            expected: c.expected,
        })
        .collect()
}

fn mb(cell: &str) -> f64 {
    cell.trim().trim_end_matches("MB").parse().unwrap()
}

/// Lab 2 (seed 004), against a session dated 2017-06.
#[test]
fn seed_004_lab_replays_command_by_command() {
    let mut lab = Lab::new("2017-06");
    let mut container = String::new();
    let mut pushes = 0;
    let mut builds = 0;
    let all = commands("004", "jzaccone");
    assert!(all.len() >= 16, "{all:#?}");
    for c in &all {
        let cmd = c
            .command
            .replace("[container id]", &container)
            .replace("0b2", container.get(..3).unwrap_or("0b2"));
        let ours = lab.run(&cmd);
        let (n_ours, n_theirs) = (normal(&ours), normal(&c.expected));
        eprintln!("$ {cmd}\n{ours}");
        let verb: Vec<&str> = cmd.split_whitespace().take(3).collect();
        match verb.as_slice() {
            ["echo", ..] => assert_eq!(ours, "", "{cmd}"),
            // The optional host commands: this terminal has no Python.
            ["python3" | "pip3", ..] | ["johns-mbp:test", ..] => {
                assert!(ours.contains("command not found"), "{ours}");
            }
            ["docker", "image", "build"] => {
                builds += 1;
                assert_eq!(classic_logs(&ours), classic_logs(&c.expected), "{ours}");
                for line in [
                    "Sending build context to Docker daemon 3.072kB",
                    "Step 1/4 : FROM python:3.6.1-alpine",
                    "Step 2/4 : RUN pip install flask",
                    "Step 3/4 : CMD python app.py",
                    "Step 4/4 : COPY app.py /app.py",
                ] {
                    assert!(n_ours.iter().any(|l| l.trim() == line), "{line}:\n{ours}");
                }
                // The base's ID is the catalog's, the tutorial's own.
                assert!(ours.contains(" ---> c86415c03c37\n"), "{ours}");
                let tagged = n_theirs
                    .iter()
                    .find(|l| l.starts_with("Successfully tagged"))
                    .unwrap();
                assert!(n_ours.contains(tagged), "{tagged}:\n{ours}");
                if builds == 1 {
                    // The base is pulled once: in the first build only.
                    for line in [
                        "3.6.1-alpine: Pulling from library/python",
                        "Status: Downloaded newer image for python:3.6.1-alpine",
                    ] {
                        assert!(n_theirs.iter().any(|l| l == line));
                        assert!(n_ours.iter().any(|l| l == line), "{line}:\n{ours}");
                    }
                    // One layer line, not the tutorial's five: the catalog has
                    // no layer list for this base.
                    assert_eq!(
                        n_ours
                            .iter()
                            .filter(|l| l.ends_with(": Pull complete"))
                            .count(),
                        1
                    );
                } else {
                    assert!(!ours.contains("Pulling from"), "{ours}");
                    assert_eq!(
                        ours.matches(" ---> Using cache").count(),
                        2,
                        "steps 2-3 from the cache:\n{ours}"
                    );
                }
            }
            ["docker", "image", "ls"] => {
                assert_eq!(n_ours.len(), 3, "{ours}");
                assert_eq!(n_ours[0], n_theirs[0]);
                // The base's row is exact; the built image's size is within 10%.
                assert_eq!(n_ours[2], "python | 3.6.1-alpine | <id> | <time> | 88.7MB");
                assert_eq!(n_theirs[2], n_ours[2]);
                let cells: Vec<&str> = n_ours[1].split(" | ").collect();
                let theirs: Vec<&str> = n_theirs[1].split(" | ").collect();
                assert_eq!(cells[..4], theirs[..4]);
                assert!((mb(cells[4]) / mb(theirs[4]) - 1.0).abs() < 0.10, "{ours}");
            }
            ["docker", "run", ..] => {
                assert_eq!(n_ours, n_theirs, "{ours}");
                // The image has no EXPOSE: a hint, not an error.
                assert!(lab.notes[0].contains("does not EXPOSE"), "{:?}", lab.notes);
                container = ours.trim().to_owned();
                assert_eq!(container.len(), 64);
            }
            ["docker", "container", "logs"] => {
                // The stated form: what would have started, never invented output.
                assert!(
                    lab.notes[0].contains("no program output"),
                    "{:?}",
                    lab.notes
                );
                assert!(ours.contains("command: python app.py"), "{ours}");
                assert!(c.expected.contains("Running on http://0.0.0.0:5000/"));
            }
            ["docker", "container", "ls"] => {
                assert_eq!(n_ours.len(), 2, "{ours}");
                assert_eq!(n_ours[0], n_theirs[0]);
                let name = |row: &str| row.rsplit_once(" | ").unwrap().0.to_owned();
                assert_eq!(name(&n_ours[1]), name(&n_theirs[1]), "{ours}");
            }
            ["docker", "container", "stop"] => {
                assert_eq!(ours, format!("{}\n", &container[..3]));
            }
            ["docker", "login"] => {
                assert_eq!(ours, c.expected.replace("Username:\n", ""));
                assert_eq!(lab.session.prompt(), "Username: ");
                assert_eq!(lab.run("jzaccone"), "");
                assert!(lab.run("any password").starts_with("Login Succeeded\n"));
            }
            // Docker prints nothing for a tag (the tutorial's "ok" is not
            // Docker's output).
            ["docker", "tag", ..] => {
                assert_eq!(ours, "");
                assert_eq!(c.expected, "ok\n");
            }
            ["docker", "push", ..] => {
                pushes += 1;
                assert_eq!(n_ours[0], n_theirs[0], "{ours}");
                let statuses: Vec<&str> = n_ours[1..n_ours.len() - 1]
                    .iter()
                    .filter_map(|l| l.strip_prefix("<id>: "))
                    .collect();
                let last = n_ours
                    .iter()
                    .find(|l| l.starts_with("latest: digest:"))
                    .unwrap();
                assert!(
                    last.starts_with("latest: digest: <digest> size: "),
                    "{last}"
                );
                match pushes {
                    // Two built layers pushed, the base mounted (one line: the
                    // catalog has no layer list for it).
                    1 => assert_eq!(
                        statuses,
                        ["Pushed", "Pushed", "Mounted from library/python"]
                    ),
                    // After the edit, only the changed layer.
                    2 => assert_eq!(
                        statuses,
                        ["Pushed", "Layer already exists", "Layer already exists"]
                    ),
                    // Step 6 quotes the push before; run again, nothing is new.
                    _ => assert!(statuses.iter().all(|s| *s == "Layer already exists")),
                }
                if pushes <= 2 {
                    let theirs: Vec<&str> = n_theirs
                        .iter()
                        .filter_map(|l| l.strip_prefix("<id>: "))
                        .collect();
                    assert_eq!(statuses[0], theirs[0]);
                    assert_eq!(statuses[1], theirs[1]);
                    assert!(theirs[2..].iter().all(|t| *t == statuses[2]));
                }
            }
            ["docker", "image", "history"] => {
                // The rows this lab's own instructions made.
                for row in &n_ours[..3] {
                    if row.contains("pip install flask") {
                        let size = mb(row.rsplit(" | ").next().unwrap());
                        assert!((size / 10.6 - 1.0).abs() < 0.10, "{row}");
                    } else {
                        assert!(n_theirs.contains(row), "{row}:\n{ours}");
                    }
                }
                assert_eq!(n_ours[0], n_theirs[0]);
            }
            ["docker", "system", "prune"] => {
                assert_eq!(n_ours, n_theirs[..n_ours.len()], "{ours}");
                let out = lab.run("y");
                let n = normal(&out);
                assert_eq!(n[..2], ["Deleted Containers:", "<id>"], "{out}");
                // A container's own writes are not simulated: nothing to reclaim.
                assert_eq!(n[2], "Total reclaimed space: 0B");
            }
            other => panic!("no check for {other:?}: {ours}"),
        }
    }
    assert_eq!((builds, pushes), (2, 3));
}

/// The fenced blocks of a tutorial in order: (info string, text).
fn fences(text: &str) -> Vec<(String, String)> {
    layerlab_core::lesson::fences(text)
}

/// Writes a file in the terminal's working directory as a learner's editor would.
fn write(lab: &mut Lab, name: &str, text: &str) {
    let out = lab.run(&format!(
        "cat > {name} <<'LAB_EOF'\n{}LAB_EOF",
        ensure_newline(text)
    ));
    assert_eq!(out, "", "{name}");
}

fn ensure_newline(text: &str) -> String {
    if text.ends_with('\n') {
        text.to_owned()
    } else {
        format!("{text}\n")
    }
}

/// `docker images` rows as (repository, tag, size in MB).
fn image_rows(text: &str) -> Vec<(String, String, f64)> {
    normal(text)
        .iter()
        .skip(1)
        .map(|l| {
            let c: Vec<&str> = l.split(" | ").collect();
            (c[0].to_owned(), c[1].to_owned(), mb(c[4]))
        })
        .collect()
}

/// Seed 000 (2018-06): mkdir, cd, the app and each Dockerfile as the
/// learner writes them, each build, `docker images myapp` and `docker
/// history myapp` against the tutorial's tables (sizes within 10%), run,
/// stop; the host has no Python or curl.
#[test]
fn seed_000_lab_replays_as_far_as_it_goes() {
    let text = seed("000");
    let mut lab = Lab::new("2018-06");
    assert_eq!(lab.run("mkdir ~/myapp"), "");
    assert_eq!(lab.run("cd ~/myapp"), "");
    let blocks = fences(&text);
    let app = &blocks.iter().find(|(lang, _)| lang == "python").unwrap().1;
    write(&mut lab, "app.py", app);
    assert!(lab.run("python app.py").contains("command not found"));
    let dockerfiles: Vec<&String> = blocks
        .iter()
        .filter(|(lang, _)| lang == "Dockerfile")
        .map(|(_, t)| t)
        .collect();
    // Each build the tutorial shows, after the Dockerfile it has just given,
    // with the `docker images myapp` size it prints next.
    let steps: [(usize, &str, &str, f64); 5] = [
        (0, "myapp", "latest", 455.0),
        (1, "myapp", "latest", 455.0),
        (2, "myapp", "latest", 457.0),
        (3, "myapp", "latest", 130.0),
        (4, "myapp", "alpine", 48.6),
    ];
    for (n, (block, repo, tag, size)) in steps.iter().enumerate() {
        write(&mut lab, "Dockerfile", dockerfiles[*block]);
        let out = lab.run(&format!("docker build -t {repo}:{tag} ."));
        assert!(
            out.contains(&format!("Successfully tagged {repo}:{tag}\n")),
            "{out}"
        );
        let rows = image_rows(&lab.run("docker images myapp"));
        let row = rows.iter().find(|r| r.1 == *tag).unwrap();
        assert!(
            (row.2 / size - 1.0).abs() < 0.10,
            "build {n}: {row:?} against {size}MB"
        );
        if n == 0 {
            let id = lab.run("docker run -d --name myapp -p 5000:5000 myapp");
            assert_eq!(normal(&id), ["<id>"]);
            assert!(lab
                .run("curl http://localhost:5000/")
                .contains("command not found"));
            assert_eq!(lab.run("docker stop myapp"), "myapp\n");
        }
        if n == 2 || n == 3 {
            // `docker history myapp`: the lab's own rows, as the tutorial
            // prints them (sizes of 1MB and more within 10%).
            let ours = normal(&lab.run("docker history myapp"));
            let theirs = normal(&text);
            let own: Vec<&String> = ours[1..]
                .iter()
                .take_while(|r| !r.contains("WORKDIR"))
                .collect();
            for row in own {
                let (head, size) = row.rsplit_once(" | ").unwrap();
                let found = theirs
                    .iter()
                    .find(|t| t.starts_with(head))
                    .unwrap_or_else(|| panic!("{row}"));
                let their_size = found.rsplit(" | ").next().unwrap();
                if their_size.ends_with("MB") && mb(their_size) >= 1.0 {
                    assert!(
                        (mb(size) / mb(their_size) - 1.0).abs() < 0.10,
                        "{row} / {found}"
                    );
                } else {
                    assert!(
                        size == their_size || row.contains("COPY"),
                        "{row} / {found}"
                    );
                }
            }
        }
    }
    assert_eq!(image_rows(&lab.run("docker images myapp")).len(), 2);
}

/// Seed 003 (2017-12, ubuntu:latest; its `docker ps` cuts with `...`, as
/// Docker 17 did): the Dockerfile it gives, the build
/// it prints (8 steps), run with a name and a port, `container ls -a`
/// after it stops, then rm and rmi. The app's own files are not in the
/// tutorial ("we have already added a small file and app for you"): a
/// requirements.txt naming Flask and a one-line app stand in.
#[test]
fn seed_003_lab_replays_as_far_as_it_goes() {
    let text = seed("003");
    let mut lab = Lab::new("2017-12");
    let dockerfile = fences(&text)
        .into_iter()
        .map(|(_, t)| t)
        .find(|t| t.starts_with("# The base image"))
        .unwrap();
    write(&mut lab, "Dockerfile", &dockerfile);
    write(&mut lab, "requirements.txt", "Flask\n");
    write(&mut lab, "app.py", "print('hello')\n");
    let out = lab.run("docker build -t my-python-app .");
    let steps = classic_logs(&out);
    assert_eq!(steps[0].len(), 8, "{out}");
    assert!(text.contains("Step 1/8 : FROM ubuntu:latest"));
    assert!(
        out.contains("Step 1/8 : FROM ubuntu:latest\nlatest: Pulling from library/ubuntu\n"),
        "{out}"
    );
    let run = lab.run("docker run -p 8888:5000 --name myfirstapp my-python-app");
    assert_eq!(run, "", "attached: layerlab says what would run, as a note");
    assert!(
        lab.notes
            .iter()
            .any(|n| n.contains("python /usr/src/app/app.py")),
        "{:?}",
        lab.notes
    );
    assert_eq!(lab.run("docker stop myfirstapp"), "myfirstapp\n");
    let ls = lab.run("docker container ls -a");
    let ours = normal(&ls);
    let theirs = normal(&text);
    let header = theirs
        .iter()
        .find(|l| l.starts_with("CONTAINER ID"))
        .unwrap();
    assert_eq!(&ours[0], header);
    // The tutorial's row has IMAGE and NAMES swapped; ours is Docker's order.
    assert!(
        ours[1].starts_with(
            "<id> | my-python-app | \"python /usr/src/a...\" | <time> | <time> |  | myfirstapp"
        ) || ours[1].starts_with(
            "<id> | my-python-app | \"python /usr/src/a...\" | <time> | <time> | myfirstapp"
        ),
        "{ls}"
    );
    assert_eq!(lab.run("docker rm myfirstapp"), "myfirstapp\n");
    let rmi = lab.run("docker rmi my-python-app");
    assert!(
        rmi.starts_with("Untagged: my-python-app:latest\nDeleted: sha256:"),
        "{rmi}"
    );
    assert!(!lab.run("docker images").contains("my-python-app"));
}

/// Seed 001 (2019-06, python:3.7-alpine): build with -f, images, run and
/// ps, a second run on the same port fails until the first is removed
/// (as the tutorial says), build with the Docker ID, push, and the
/// multi-stage Dockerfile2 is smaller. server.py and requirements.txt are
/// not in the tutorial: stand-ins as in seed 003's test.
#[test]
fn seed_001_lab_replays_as_far_as_it_goes() {
    let text = seed("001");
    let mut lab = Lab::new("2019-06");
    let dockerfiles: Vec<String> = fences(&text)
        .into_iter()
        .filter(|(lang, t)| lang == "Dockerfile" && t.starts_with("FROM"))
        .map(|(_, t)| t)
        .collect();
    write(&mut lab, "Dockerfile1", &dockerfiles[0]);
    write(&mut lab, "Dockerfile2", dockerfiles.last().unwrap());
    write(&mut lab, "requirements.txt", "Flask\n");
    write(&mut lab, "server.py", "print('hello')\n");
    let out = lab.run("docker build -t myflaskserver:0.0.1 -f Dockerfile1 .");
    assert!(
        out.contains("Successfully tagged myflaskserver:0.0.1\n"),
        "{out}"
    );
    let rows = image_rows(&lab.run("docker images"));
    assert_eq!(
        (rows[0].0.as_str(), rows[0].1.as_str()),
        ("myflaskserver", "0.0.1")
    );
    let first = lab.run("docker run -d -p 5000:5000 myflaskserver:0.0.1");
    let ps = normal(&lab.run("docker ps"));
    assert!(ps[1].contains("0.0.0.0:5000->5000/tcp"), "{ps:?}");
    let second = lab.run("docker run -d -p 5000:5000 -e color=green myflaskserver:0.0.1");
    assert!(second.contains("port is already allocated"), "{second}");
    assert!(text.contains("docker rm -f <docker-container-id>"));
    let id = first.trim();
    assert_eq!(
        lab.run(&format!("docker rm -f {}", &id[..12])),
        format!("{}\n", &id[..12])
    );
    let third = lab.run("docker run -d -p 5000:5000 -e color=green myflaskserver:0.0.1");
    assert_eq!(normal(&third), ["<id>"]);
    let out = lab.run("docker build -t moustakis/myflaskserver:0.0.1 -f Dockerfile1 .");
    // Nothing changed: every step after FROM comes from the cache.
    assert_eq!(out.matches("Using cache").count(), 6, "{out}");
    lab.run("docker login -u moustakis --password-stdin");
    let push = lab.run("docker push moustakis/myflaskserver:0.0.1");
    let n = normal(&push);
    assert_eq!(
        n[0],
        "The push refers to repository [docker.io/moustakis/myflaskserver]"
    );
    assert!(
        n.last()
            .unwrap()
            .starts_with("0.0.1: digest: <digest> size: "),
        "{push}"
    );
    let out = lab.run("docker build -t moustakis/myflaskserver2:0.0.1 -f Dockerfile2 .");
    assert!(
        out.contains("Successfully tagged moustakis/myflaskserver2:0.0.1"),
        "{out}"
    );
    // Both print as 103MB; their bytes say which is smaller.
    let mut bytes = |image: &str| -> u64 {
        let out = lab.run(&format!("docker inspect --format '{{{{.Size}}}}' {image}"));
        out.trim().parse().unwrap()
    };
    let (multi, single) = (
        bytes("moustakis/myflaskserver2:0.0.1"),
        bytes("moustakis/myflaskserver:0.0.1"),
    );
    assert!(multi < single, "{multi} {single}");
}

/// `docker run`'s preflight fails as Docker does: a program not on PATH
/// (status 127, the runtime's words for the era), a port a running
/// container holds, a name in use, an image no registry has; a typo in a
/// command or a flag gets Docker's own error.
#[test]
fn run_preflight_and_cli_errors_read_as_docker_prints_them() {
    let mut lab = Lab::new("2024-06");
    write(
        &mut lab,
        "Dockerfile",
        "FROM python:3.12-slim\nCOPY app.py /app/\nCMD [\"pyhton\", \"/app/app.py\"]\n",
    );
    write(&mut lab, "app.py", "print('hi')\n");
    assert!(lab.run("docker build -q -t app .").starts_with("sha256:"));
    let out = lab.run("docker run -d app; echo \"status $?\"");
    assert!(out.contains("docker: Error response from daemon: failed to create task for container: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: exec: \"pyhton\": executable file not found in $PATH: unknown.\n"), "{out}");
    assert!(out.ends_with("status 127\n"), "{out}");
    // With the right program, it starts; its port is then taken.
    assert_eq!(
        normal(&lab.run("docker run -d --name web -p 8000:8000 app python /app/app.py")),
        ["<id>"]
    );
    let taken = lab.run("docker run -d -p 8000:8000 app python /app/app.py");
    assert!(
        taken.contains("Bind for 0.0.0.0:8000 failed: port is already allocated."),
        "{taken}"
    );
    let named = lab.run("docker run -d --name web app python /app/app.py");
    assert!(
        named.contains("Conflict. The container name \"/web\" is already in use by container \""),
        "{named}"
    );
    let missing = lab.run("docker run nosuchimage");
    assert!(missing.starts_with("Unable to find image 'nosuchimage:latest' locally\ndocker: Error response from daemon: pull access denied for nosuchimage, repository does not exist or may require 'docker login': denied: requested access to the resource is denied.\n"), "{missing}");
    let ps = normal(&lab.run("docker ps -a"));
    assert_eq!(
        ps[0],
        "CONTAINER ID | IMAGE | COMMAND | CREATED | STATUS | PORTS | NAMES"
    );
    assert!(ps.iter().any(|r| r.contains("| Created |")), "{ps:?}");
    assert!(lab
        .run("docker imagse")
        .starts_with("docker: unknown command: docker imagse\n"));
    assert!(lab
        .run("docker images --bogus")
        .starts_with("unknown flag: --bogus\n"));
    assert!(lab
        .run("docker tag")
        .starts_with("docker: 'docker tag' requires exactly 2 arguments"));
    // `docker inspect`: four-space JSON, values as they are.
    let inspect = lab.run("docker inspect --type image python:3.12-slim");
    assert!(inspect.starts_with("[\n    {\n        \""), "{inspect}");
    // `docker system df -v`: what the images share.
    let df = normal(&lab.run("docker system df -v"));
    let row = df.iter().find(|r| r.starts_with("app | latest")).unwrap();
    let cells: Vec<&str> = row.split(" | ").collect();
    assert_eq!(
        cells[5], "119MB",
        "the base is shared with python:3.12-slim: {row}"
    );
}

/// Seed 004's step 6 idea: common lines in a base image of the session,
/// then `FROM` it. The base is this session's image (no pull, no unknown
/// image), its layers are shared, and a push mounts nothing new for them.
#[test]
fn from_names_an_image_the_session_built() {
    let mut lab = Lab::new("2017-06");
    assert_eq!(lab.run("mkdir base app"), "");
    write(
        &mut lab,
        "base/Dockerfile",
        "FROM python:3.6.1-alpine\nRUN pip install flask\n",
    );
    let out = lab.run("docker build -t me/flask-base base");
    assert!(
        out.contains("Successfully tagged me/flask-base:latest"),
        "{out}"
    );
    write(
        &mut lab,
        "app/Dockerfile",
        "FROM me/flask-base\nCMD [\"python\",\"app.py\"]\nCOPY app.py /app.py\n",
    );
    write(&mut lab, "app/app.py", "print('hi')\n");
    let out = lab.run("docker build -t me/app app");
    assert!(!out.contains("Pulling from"), "{out}");
    assert!(out.contains("Successfully tagged me/app:latest"), "{out}");
    assert!(
        lab.notes
            .iter()
            .all(|n| !n.contains("not in layerlab's catalog")),
        "{:?}",
        lab.notes
    );
    let rows = image_rows(&lab.run("docker images"));
    let size = |repo: &str| rows.iter().find(|r| r.0 == repo).unwrap().2;
    assert!(size("me/app") >= size("me/flask-base"), "{rows:?}");
    let history = normal(&lab.run("docker history me/app"));
    assert!(
        history.iter().any(|r| r.contains("pip install flask")),
        "{history:?}"
    );
    lab.run("docker login -u me --password-stdin");
    let first = lab.run("docker push me/flask-base");
    assert!(first.contains(": Pushed"), "{first}");
    let second = normal(&lab.run("docker push me/app"));
    let statuses: Vec<&str> = second
        .iter()
        .filter_map(|l| l.strip_prefix("<id>: "))
        .collect();
    // The app's own layer is new; the base's layers come from me/flask-base.
    assert_eq!(statuses[0], "Pushed", "{second:?}");
    assert!(
        statuses[1..].iter().all(|s| s.starts_with("Mounted from")),
        "{second:?}"
    );
}
