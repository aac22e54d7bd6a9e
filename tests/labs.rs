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

#[test]
#[ignore]
fn print_lab_commands() {
    for s in ["000", "001", "003"] {
        for c in lab_commands(&seed(s)) {
            println!("[{s}] $ {}\n{}", c.command, c.expected);
        }
    }
}
