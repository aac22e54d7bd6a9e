//! Package managers over their data: apt-get (lists, directories, APT 3,
//! missing releases, apt-mark and purge), pip, npm.

use super::*;

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
    let packages = "# h\n2017-06\tflask\t0.12.2\tFlask.whl\t1000\t5000\t4000\tjinja2\tm\n2017-06\tjinja2\t2.9.6\tJinja2.whl\t2000\t9000\t8000\t\tm\n";
    let eras = "# h\n2017-06\t3.6\t2.0\tcalibrated\n";
    let exec = with_pypi(packages, eras);
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

#[test]
fn a_pin_the_data_lacks_is_said_to_be_stood_in_for() {
    let packages = "# h\ncurrent\tflask\t3.1.3\tflask.whl\t100\t200\t200\t\tm\n";
    let eras = "# h\ncurrent\t3.12\t1.0\testimate\n";
    let exec = with_pypi(packages, eras);
    let env = vec![("PYTHON_VERSION".into(), "3.12.1".into())];
    let mut t = base();
    t.write_file(
        "/req.txt",
        Meta::FILE,
        Content::bytes(&b"flask==3.0.3 # pinned\n"[..]),
    )
    .unwrap();
    let o = exec.run(script_ctx(
        &mut t,
        "pip install -r /req.txt",
        "/",
        env.clone(),
    ));
    assert_eq!(o.exit_code, 0, "{o:?}");
    let stand_in = "pip install: no sizes for the pinned flask==3.0.3 (as 3.1.3); the version layerlab has data for stands in";
    assert!(o.notes.iter().any(|n| n == stand_in), "{o:?}");
    // A pin the data has, or none, needs no such note.
    for script in ["pip install flask==3.1.3", "pip install 'flask>=3'"] {
        let mut t = base();
        let o = exec.run(script_ctx(&mut t, script, "/", env.clone()));
        assert!(
            o.notes.iter().all(|n| !n.contains("stands in")),
            "{script}: {o:?}"
        );
    }
}

/// An executor with the given pip package data (TSV rows and eras).
fn with_pypi(packages: &str, eras: &str) -> ShellExecutor {
    ShellExecutor {
        pypi: Some(std::sync::Arc::new(crate::catalog::pypi::PyPi::from_tsv(
            packages, eras,
        ))),
        ..ShellExecutor::default()
    }
}
