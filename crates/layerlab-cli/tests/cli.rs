//! The CLI as an outside checker uses it: exact stdout, stderr and exit codes.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

fn layerlab(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_layerlab"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run layerlab");
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

fn conformance() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/conformance/buildkit")
}

#[test]
fn parse_dump_prints_buildkit_dump_for_every_fixture() {
    for case in std::fs::read_dir(conformance().join("parser-testfiles"))
        .unwrap()
        .flatten()
    {
        let file = case.path().join("Dockerfile");
        let out = layerlab(&["parse", "--dump", file.to_str().unwrap()], b"");
        assert_eq!(out.status.code(), Some(0), "{}", file.display());
        assert_eq!(
            out.stdout,
            std::fs::read(case.path().join("result")).unwrap(),
            "{}",
            file.display()
        );
        assert!(out.stderr.is_empty());
    }
}

#[test]
fn parse_errors_are_file_line_col_message() {
    let out = layerlab(&["parse", "--dump", "-"], b"FROM busybox\n\nENV PATH\n");
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "-:3:1: ENV must have two arguments\n"
    );
    let out = layerlab(&["parse", "--dump", "-"], b"FROM a\n  CMD [\"x\", [1]]\n");
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "-:2:3: when using JSON array syntax, arrays must be comprised of strings only\n"
    );
}

#[test]
fn parse_reads_stdin_and_reports_missing_files() {
    let out = layerlab(&["parse", "-"], b"from a\nrun echo hi\n");
    assert_eq!(out.stdout, b"(from \"a\")\n(run \"echo hi\")\n");
    let out = layerlab(&["parse", "--dump", "/nonexistent/Dockerfile"], b"");
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn expand_single_word_and_words() {
    let out = layerlab(
        &["expand", "-e", "A=x y", "-e", "B", "${A}|${B:-d}|$C"],
        b"",
    );
    assert_eq!(out.stdout, b"x y|d|\n");
    let out = layerlab(&["expand", "--words", "-e", "A=x  y", "a$A \"b c\""], b"");
    assert_eq!(out.stdout, b"ax\ny\nb c\n");
    let out = layerlab(&["expand", "${A:?must be set}"], b"");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "failed to process \"${A:?must be set}\": A: must be set\n"
    );
}

#[test]
fn expand_matches_every_env_var_vector_through_the_binary() {
    let text = std::fs::read_to_string(conformance().join("envVarTest")).unwrap();
    let env = ["PWD=/home", "SHELL=bash", "KOREAN=한국어", "NULL="];
    let mut checked = 0;
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let fields: Vec<&str> = line.trim().split('|').map(str::trim).collect();
        let [platform, input, expected] = fields[..] else {
            continue;
        };
        if platform == "W" {
            continue; // the binary has Unix semantics; the core harness covers Windows names
        }
        let mut args = vec!["expand"];
        for e in &env {
            args.extend(["-e", e]);
        }
        args.extend(["--", input]);
        let out = layerlab(&args, b"");
        if expected == "error" {
            assert_eq!(out.status.code(), Some(1), "{input}");
        } else {
            assert_eq!(
                String::from_utf8_lossy(&out.stdout),
                format!("{expected}\n"),
                "{input}"
            );
        }
        checked += 1;
    }
    assert!(checked > 200);
}

#[test]
fn build_with_hints_prints_each_hint_its_measured_effect_and_its_fix() {
    let dir = std::env::temp_dir().join(format!("layerlab-hints-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("Dockerfile"),
        "FROM alpine:3.20\nRUN apk add curl\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_layerlab"))
        .args([
            "--state",
            dir.join(".state").to_str().unwrap(),
            "build",
            "--hints",
            dir.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("\nhint cleanup-flag (line 2): `apk add` without `--no-cache` in step 2: with it the image is "), "{text}");
    assert!(text.contains("  the Dockerfile with the fix:\n    FROM alpine:3.20\n    RUN apk add --no-cache curl\n"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// `layerlab sh`: commands from standard input against one session kept in
/// the state directory, so a second run sees what the first built.
#[test]
fn sh_keeps_one_session_in_the_state_directory() {
    let state = std::env::temp_dir().join(format!("layerlab-sh-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&state);
    let state_arg = state.to_str().unwrap();
    let script = b"$ echo 'FROM scratch\nCOPY hi.txt /' > Dockerfile\n$ echo hi > hi.txt\n$ docker build -t hello .\n";
    let out = layerlab(&["--state", state_arg, "sh", "--date", "2017-06"], script);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("Successfully tagged hello:latest\n"),
        "{stdout}"
    );
    let out = layerlab(
        &["--state", state_arg, "sh"],
        b"docker images\ndocker frob\ndocker tag hello me/hello\ndocker push me/hello\n",
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(
        lines[1].starts_with("hello               latest"),
        "{stdout}"
    );
    assert_eq!(lines[2], "docker: 'frob' is not a docker command.");
    assert_eq!(lines[3], "See 'docker --help'");
    // Not logged in: Docker's denial, with layerlab's hint on stderr.
    assert_eq!(
        lines[4],
        "The push refers to a repository [docker.io/me/hello]"
    );
    assert!(
        stdout.ends_with("denied: requested access to the resource is denied\n"),
        "{stdout}"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("docker login"));
    let _ = std::fs::remove_dir_all(&state);
}
