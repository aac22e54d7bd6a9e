//! Seed lessons replayed through the `layerlab` binary, compared with the
//! Docker output printed in the tutorials (`../shared/seeds`).

use std::path::{Path, PathBuf};
use std::process::Command;

use layerlab_tests::{classic_logs, echo_files, normalize_docker_text, seed};

fn workdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("layerlab-seed-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn layerlab(dir: &Path, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_layerlab"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run layerlab");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Lab 2 (seed 004): build, edit app.py, build again. "Using cache" must be
/// printed for exactly the steps Docker printed it for.
#[test]
fn seed_004_rebuild_after_edit_uses_cache_like_docker() {
    let text = seed("004");
    let files = echo_files(&text);
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["app.py", "Dockerfile", "app.py"]);
    let expected = classic_logs(&text);
    assert_eq!(expected.len(), 2, "the tutorial shows two builds");

    let dir = workdir("004");
    std::fs::write(dir.join("app.py"), &files[0].1).unwrap();
    std::fs::write(dir.join("Dockerfile"), &files[1].1).unwrap();
    let first = layerlab(
        &dir,
        &[
            "build",
            "--progress",
            "classic",
            "-t",
            "python-hello-world",
            ".",
        ],
    );
    std::fs::write(dir.join("app.py"), &files[2].1).unwrap();
    let second = layerlab(
        &dir,
        &[
            "build",
            "--progress",
            "classic",
            "-t",
            "jzaccone/python-hello-world",
            ".",
        ],
    );

    assert_eq!(classic_logs(&first), expected[..1], "first build:\n{first}");
    assert_eq!(
        classic_logs(&second),
        expected[1..],
        "second build:\n{second}"
    );
    // Same base image ID as the tutorial (from the catalog), same context size.
    assert!(
        first.contains("Step 1/4 : FROM python:3.6.1-alpine\n ---> c86415c03c37\n"),
        "{first}"
    );
    assert!(
        first.starts_with("Sending build context to Docker daemon  3.072kB\n"),
        "{first}"
    );
    assert!(text.contains("Sending build context to Docker daemon  3.072kB"));
    assert!(second.contains("Successfully tagged jzaccone/python-hello-world:latest\n"));

    // `docker image history python-hello-world`: the rows this lab's own
    // instructions made, as the tutorial prints them (IDs and times aside).
    let history = layerlab(&dir, &["history", "python-hello-world"]);
    let ours = normalize_docker_text(&history);
    let ours: Vec<&str> = ours.lines().collect();
    assert_eq!(ours[0], "IMAGE | CREATED | CREATED BY | SIZE | COMMENT");
    assert_eq!(
        ours[1],
        "<id> | <time> | /bin/sh -c #(nop) COPY file:<hash> | 159B"
    );
    assert_eq!(
        ours[2],
        "<id> | <time> | /bin/sh -c #(nop)  CMD [\"python\" \"app.py\"] | 0B"
    );
    let theirs = normalize_docker_text(&text);
    for row in [ours[1], ours[2]] {
        assert!(theirs.contains(row), "tutorial has no row {row:?}");
    }
    // The pip layer: the tutorial's 10.6MB is the check, not an input (the
    // package sizes, the bytecode factor and the first run's bytecode are
    // measured: data/pypi/eras.tsv); within 10%, and so is the image's 99.3MB.
    let pip_row = ours[3];
    assert!(
        pip_row.starts_with("<id> | <time> | /bin/sh -c pip install flask | "),
        "{pip_row}"
    );
    let mb = |s: &str| -> f64 { s.trim().trim_end_matches("MB").parse().unwrap() };
    let pip_mb = mb(pip_row.rsplit(" | ").next().unwrap());
    eprintln!("seed 004: pip install flask layer {pip_mb}MB (tutorial 10.6MB)");
    assert!((pip_mb / 10.6 - 1.0).abs() < 0.10, "{pip_row}");
    assert!(theirs.contains("<id> | <time> | /bin/sh -c pip install flask | 10.6MB"));
    let images = layerlab(&dir, &["images"]);
    let row = images
        .lines()
        .find(|l| l.split_whitespace().next() == Some("python-hello-world"))
        .unwrap_or_else(|| panic!("{images}"));
    let image_mb = mb(row.split_whitespace().last().unwrap());
    eprintln!("seed 004: image {image_mb}MB (tutorial 99.3MB)");
    assert!((image_mb / 99.3 - 1.0).abs() < 0.10, "{images}");
    assert!(text.contains(
        "python-hello-world   latest              f1b2781b3111        26 seconds ago      99.3MB"
    ));
    let _ = std::fs::remove_dir_all(&dir);
}

/// The app.py seed 000 prints.
fn seed_000_app(text: &str) -> &str {
    text.split("```python\n")
        .nth(1)
        .and_then(|t| t.split("```").next())
        .unwrap()
}

/// Seed 000's `docker history` (the `…` era): WORKDIR, CMD and COPY rows and
/// the header, built from the tutorial's own app.py and Dockerfile.
#[test]
fn seed_000_history_rows_match_the_tutorial() {
    let text = seed("000");
    let app = seed_000_app(&text);
    let dockerfile = text
        .split("```Dockerfile\n")
        .nth(3)
        .and_then(|t| t.split("```").next())
        .unwrap();
    let dir = workdir("000");
    std::fs::write(dir.join("app.py"), app).unwrap();
    std::fs::write(dir.join("Dockerfile"), dockerfile).unwrap();
    layerlab(
        &dir,
        &[
            "build",
            "--progress",
            "classic",
            "--catalog-date",
            "2018-06",
            "-t",
            "myapp",
            ".",
        ],
    );
    let history = normalize_docker_text(&layerlab(&dir, &["history", "myapp"]));
    let theirs = normalize_docker_text(&text);
    for row in history
        .lines()
        .filter(|r| r.contains("CMD [\"python\"") || r.contains("WORKDIR"))
    {
        assert!(
            theirs.contains(row),
            "tutorial has no row {row:?}\nours:\n{history}"
        );
    }
    assert!(theirs.contains("IMAGE | CREATED | CREATED BY | SIZE"));
    // The COPY row has the same shape; its size is the size of the reader's
    // app.py (the tutorial's file was 169 bytes, the listing it prints is 171).
    assert!(
        history.contains("<id> | <time> | /bin/sh -c #(nop) COPY file:<hash> | 171B"),
        "{history}"
    );
    assert!(theirs.contains("<id> | <time> | /bin/sh -c #(nop) COPY file:<hash> | 169B"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// The lesson of a missing tool: `pip` is not on a plain ubuntu image, so the
/// build stops with the shell's message and exit code 127, as Docker's does;
/// on a python image it is there; and debian's slim image has no curl.
#[test]
fn missing_programs_fail_like_docker() {
    let dir = workdir("missing");
    let build = |dockerfile: &str| {
        std::fs::write(dir.join("Dockerfile"), dockerfile).unwrap();
        Command::new(env!("CARGO_BIN_EXE_layerlab"))
            .args(["build", "--progress", "classic", "."])
            .current_dir(&dir)
            .output()
            .unwrap()
    };
    let out = build("FROM ubuntu:latest\nRUN pip install flask\n");
    let log = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{log}");
    assert!(log.contains("/bin/sh: 1: pip: not found\nThe command '/bin/sh -c pip install flask' returned a non-zero code: 127\n"), "{log}");
    let out = build("FROM python:3.12-slim\nRUN pip install flask\n");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let out = build("FROM debian:bookworm-slim\nRUN curl -fsSLO https://example.com/x\n");
    assert!(String::from_utf8_lossy(&out.stdout).contains("/bin/sh: 1: curl: not found"));
    let out = build("FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y curl && curl -fsSLO https://example.com/x\n");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Seed 001's lesson on multi-stage builds: installing with
/// `pip install --prefix=/install` in a builder stage and copying `/install`
/// into `/usr/local` gives the same packages in a smaller image than the
/// single-stage Dockerfile, because pip's cache stays behind in the builder.
/// (The tutorial does not print its requirements.txt; Flask is what its
/// server imports.)
#[test]
fn seed_001_multi_stage_image_is_smaller_with_the_same_packages() {
    let text = seed("001");
    let block = |n: usize| {
        text.split("```Dockerfile\n")
            .nth(n)
            .and_then(|t| t.split("```").next())
            .unwrap()
            .to_owned()
    };
    let (single, multi) = (block(1), block(3));
    assert!(single.contains("RUN pip install -r requirements.txt"));
    assert!(multi.contains("RUN pip install --prefix=/install -r /requirements.txt"));
    let dir = workdir("001");
    std::fs::write(dir.join("Dockerfile1"), single).unwrap();
    std::fs::write(dir.join("Dockerfile2"), multi).unwrap();
    std::fs::write(dir.join("requirements.txt"), "flask\n").unwrap();
    std::fs::write(dir.join("server.py"), "from flask import Flask\n").unwrap();
    let size = |file: &str, tag: &str| -> u64 {
        let out = layerlab(
            &dir,
            &[
                "build",
                "--format",
                "json",
                "--catalog-date",
                "2020-06",
                "-f",
                file,
                "-t",
                tag,
                ".",
            ],
        );
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert!(v["error"].is_null(), "{}", v["error"]);
        v["image"]["size"].as_u64().unwrap()
    };
    let (one, two) = (
        size("Dockerfile1", "myflaskserver:0.0.1"),
        size("Dockerfile2", "myflaskserver2:0.0.1"),
    );
    assert!(two < one, "multi-stage {two} B, single-stage {one} B");
    eprintln!("seed 001: single-stage {one} B, multi-stage {two} B");
    let diff = layerlab(&dir, &["diff", "myflaskserver2:0.0.1"]);
    for package in ["flask", "jinja2", "werkzeug"] {
        let installed = format!("/site-packages/{package}");
        assert!(
            diff.lines()
                .any(|l| l.starts_with("A /usr/local/lib/python3.7/") && l.ends_with(&installed)),
            "{package} missing:\n{diff}"
        );
    }
    assert!(!diff.contains("/root/.cache/pip"), "{diff}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A size as Docker prints it (`455MB`, `1.29MB`, `169B`), in bytes (SI units).
fn docker_size(token: &str) -> Option<f64> {
    let split = token.find(|c: char| c.is_ascii_alphabetic())?;
    let (number, unit) = token.split_at(split);
    let scale = match unit {
        "B" => 1.0,
        "kB" => 1e3,
        "MB" => 1e6,
        "GB" => 1e9,
        _ => return None,
    };
    Some(number.parse::<f64>().ok()? * scale)
}

/// One row of the comparison table.
struct Row {
    variant: &'static str,
    what: String,
    tutorial: f64,
    ours: f64,
}

impl Row {
    fn off(&self) -> f64 {
        (self.ours - self.tutorial) / self.tutorial * 100.0
    }
}

/// Seed 000 with its catalog date (2018-06): the first build, the cleanup in
/// separate RUNs, the single RUN and the Alpine image, each compared with the
/// sizes the tutorial printed (`docker images`, and the `docker history` rows
/// over 1 MB). Prints the table; image sizes must be within 10%, layers within
/// 25%, and the lessons must hold: separate cleanup RUNs do not shrink the
/// image, one RUN does (a lot), Alpine is much smaller still.
#[test]
fn seed_000_sizes_match_the_tutorial() {
    let text = seed("000");
    let app = seed_000_app(&text);
    let blocks: Vec<&str> = text
        .split("```Dockerfile\n")
        .skip(1)
        .map(|t| t.split("```").next().unwrap())
        .collect();
    // The tutorial's figures, read from its `docker images` and `docker history` output.
    // `docker images` rows, each image once (by ID), in the tutorial's order.
    let mut images: Vec<(String, f64)> = Vec::new();
    for l in text.lines().filter(|l| l.contains(" ago ")) {
        let words: Vec<&str> = l.split_whitespace().collect();
        if !matches!(words.first(), Some(&("myapp" | "pyapp"))) {
            continue;
        }
        if let (Some(id), Some(size)) = (words.get(2), words.last().and_then(|w| docker_size(w))) {
            if !images.iter().any(|(i, _)| i == id) {
                images.push(((*id).to_owned(), size));
            }
        }
    }
    let images: Vec<f64> = images.into_iter().map(|(_, s)| s).collect();
    assert_eq!(images, [455e6, 457e6, 130e6, 48.6e6]);
    let history = |from: &str| -> Vec<(String, f64)> {
        let part = &text[text.find(from).unwrap()..];
        let part = &part[part.find("$ docker history").unwrap()..];
        let table = part.split("\n\n").next().unwrap();
        table
            .lines()
            .filter_map(|l| {
                let (rest, size) = l.trim_end().rsplit_once(' ')?;
                let by = rest.split("/bin/sh -c ").nth(1)?;
                Some((by.split('…').next()?.trim().to_owned(), docker_size(size)?))
            })
            .filter(|(by, size)| !by.starts_with("#(nop)") && *size > 1e6)
            .collect()
    };
    let cleanup_rows = history("Huh?! The image size is actually WORSE!");
    let single_rows = history("Let's have a look at the history now.");
    // (name, Dockerfile block, tutorial image size, tutorial layers over 1 MB)
    type Variant = (&'static str, usize, f64, Vec<(String, f64)>);
    let variants: [Variant; 4] = [
        ("first build", 0, images[0], Vec::new()),
        ("cleanup in separate RUNs", 2, images[1], cleanup_rows),
        ("cleanup in one RUN", 3, images[2], single_rows),
        ("alpine", 4, images[3], Vec::new()),
    ];
    let dir = workdir("000-sizes");
    std::fs::write(dir.join("app.py"), app).unwrap();
    let mut rows = Vec::new();
    for (name, block, image, layers) in &variants {
        std::fs::write(dir.join("Dockerfile"), blocks[*block]).unwrap();
        let out = layerlab(
            &dir,
            &[
                "build",
                "--format",
                "json",
                "--catalog-date",
                "2018-06",
                "-t",
                "myapp",
                ".",
            ],
        );
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert!(v["error"].is_null(), "{name}: {}", v["error"]);
        rows.push(Row {
            variant: name,
            what: "image".into(),
            tutorial: *image,
            ours: v["image"]["size"].as_f64().unwrap(),
        });
        for (by, size) in layers {
            let step = v["steps"]
                .as_array()
                .unwrap()
                .iter()
                .find(|s| {
                    let ins = s["instruction"].as_str().unwrap_or("");
                    let ins: String = ins.split_whitespace().collect::<Vec<_>>().join(" ");
                    let by: String = by.split_whitespace().collect::<Vec<_>>().join(" ");
                    ins.strip_prefix("RUN ").is_some_and(|i| i.starts_with(&by))
                })
                .unwrap_or_else(|| panic!("{name}: no step for {by:?}"));
            rows.push(Row {
                variant: name,
                what: format!("RUN {by}…"),
                tutorial: *size,
                ours: step["layer_size"].as_f64().unwrap(),
            });
        }
    }
    // Rows some figure of layerlab's data was solved from (dpkg's state
    // sizes from the remove/autoremove layers, Alpine 3.10's python2 from
    // the Alpine image: see scripts/catalog): they match by construction.
    // The others are predictions (the Ubuntu factor and pip's sizes are
    // measured from other data).
    let calibrated = |r: &Row| {
        (r.variant == "cleanup in separate RUNs"
            && (r.what.starts_with("RUN apt-get remove")
                || r.what.starts_with("RUN apt-get autoremove")))
            || r.variant == "alpine"
    };
    eprintln!("seed 000 (catalog date 2018-06), simulated vs tutorial:");
    eprintln!(
        "{:<26} {:<40} {:>10} {:>10} {:>7}",
        "variant", "size of", "tutorial", "layerlab", "off"
    );
    for r in &rows {
        eprintln!(
            "{:<26} {:<40} {:>8.2}MB {:>8.2}MB {:>+6.1}%{}",
            r.variant,
            r.what,
            r.tutorial / 1e6,
            r.ours / 1e6,
            r.off(),
            if calibrated(r) {
                "  (calibration target)"
            } else {
                ""
            }
        );
    }
    for r in &rows {
        let limit = if r.what == "image" { 10.0 } else { 25.0 };
        assert!(
            r.off().abs() <= limit,
            "{} {}: {:.1}% off",
            r.variant,
            r.what,
            r.off()
        );
    }
    let image = |variant: &str| {
        rows.iter()
            .find(|r| r.variant == variant && r.what == "image")
            .unwrap()
            .ours
    };
    assert!(image("cleanup in separate RUNs") >= image("first build"));
    assert!(image("cleanup in one RUN") < image("first build") / 2.0);
    assert!(image("alpine") < image("cleanup in one RUN") / 2.0);
    let _ = std::fs::remove_dir_all(&dir);
}
