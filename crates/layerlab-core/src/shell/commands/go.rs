//! `go build` and `go install`: the compiler is not run, but the binary it
//! would write is, at the path Go chooses, with an assumed size the step
//! notes — so a multi-stage Go build copies a real file into its final stage
//! (Docker's multi-stage example: `go build -o /bin/hello`, then
//! `COPY --from=0 /bin/hello`). Other `go` commands are not simulated.

use crate::build::Note;
use crate::fs::{path, Content, Meta};

use super::files::owner;
use crate::shell::interp::Interp;

/// Size assumed for a binary Go builds: about what a `fmt` hello-world
/// weighs on linux/amd64 (a stated default; real programs are larger).
const ASSUMED_BINARY: u64 = 2_000_000;

/// Compile time assumed per binary.
const BUILD_MS: u64 = 3_000;

/// `go build`/`go install` flags that take a value (`-o out` or `-o=out`).
const VALUED: [&str; 11] = [
    "-o",
    "-ldflags",
    "-gcflags",
    "-asmflags",
    "-tags",
    "-mod",
    "-p",
    "-pkgdir",
    "-buildmode",
    "-modfile",
    "-overlay",
];

/// Runs `go build`/`go install`; `None` for any other `go` command (the
/// caller notes it as not simulated).
pub(super) fn go(sh: &mut Interp<'_>, args: &[String]) -> Option<i32> {
    let (sub, rest) = args.split_first()?;
    if sub != "build" && sub != "install" {
        return None;
    }
    let mut output = None;
    let mut packages = Vec::new();
    let mut i = 0;
    while i < rest.len() {
        let a = &rest[i];
        i += 1;
        let flag = a
            .strip_prefix('-')
            .map(|f| f.strip_prefix('-').unwrap_or(f));
        let Some(flag) = flag else {
            packages.push(a.clone());
            continue;
        };
        let (name, inline) = match flag.split_once('=') {
            Some((n, v)) => (n, Some(v.to_owned())),
            None => (flag, None),
        };
        if VALUED.contains(&format!("-{name}").as_str()) {
            let value = inline.or_else(|| {
                i += 1;
                rest.get(i - 1).cloned()
            });
            if name == "o" {
                output = value;
            }
        }
    }
    if packages.is_empty() {
        packages.push(".".into());
    }
    let target = if sub == "install" {
        install_target(sh, &packages)
    } else {
        build_target(sh, &packages, output)
    };
    let Some(target) = target else {
        // Several packages without -o: go build only checks that they compile.
        return Some(0);
    };
    let abs = sh.abs(&target);
    let _ = sh.tree.mkdir_all(path::parent(&abs), owner(sh));
    let label = format!("go {sub} {}", packages.join(" "));
    let _ = sh.tree.write_file(
        &abs,
        Meta {
            mode: 0o755,
            ..owner(sh)
        },
        Content::sized(&label, ASSUMED_BINARY),
    );
    sh.duration_ms += BUILD_MS;
    sh.notes.push(Note::info(format!(
        "{label}: not compiled; assumed a {ASSUMED_BINARY}-byte binary {target} (about a hello-world's size)"
    )));
    Some(0)
}

/// Where `go build` writes: `-o` (into it when it is a directory or ends in
/// `/`), else the package's name in the working directory.
fn build_target(sh: &Interp<'_>, packages: &[String], output: Option<String>) -> Option<String> {
    let name = || binary_name(sh, &packages[0]);
    match output {
        Some(o) if o.ends_with('/') || sh.tree.get(&sh.abs(&o)).is_some_and(|n| n.is_dir()) => {
            Some(format!("{}/{}", o.trim_end_matches('/'), name()))
        }
        Some(o) => Some(o),
        None if packages.len() == 1 => Some(name()),
        None => None,
    }
}

/// Where `go install` writes: `$GOBIN`, else `$GOPATH/bin` (`/go/bin` in the
/// golang images), else `~/go/bin`.
fn install_target(sh: &Interp<'_>, packages: &[String]) -> Option<String> {
    let package = packages.first()?;
    let dir = match (sh.env.get("GOBIN"), sh.env.get("GOPATH")) {
        (Some(bin), _) if !bin.is_empty() => bin.to_owned(),
        (_, Some(gopath)) if !gopath.is_empty() => {
            format!("{}/bin", gopath.split(':').next().unwrap_or(gopath))
        }
        _ => format!("{}/go/bin", super::home(sh)),
    };
    Some(format!("{dir}/{}", binary_name(sh, package)))
}

/// The binary's name: the package path's last element (`./cmd/app` → `app`,
/// `golang.org/x/tools/cmd/goimports@latest` → `goimports`, a major version
/// suffix skipped), a single file's name without `.go`, and for `.` the
/// module's last element from `go.mod` (else the directory's name).
fn binary_name(sh: &Interp<'_>, package: &str) -> String {
    let package = package.split('@').next().unwrap_or(package);
    if let Some(file) = package.strip_suffix(".go") {
        return path::base_name(file).to_owned();
    }
    let mut parts: Vec<&str> = package
        .trim_end_matches('/')
        .split('/')
        .filter(|p| !p.is_empty() && *p != "." && *p != "...")
        .collect();
    if parts.len() > 1
        && parts
            .last()
            .and_then(|p| p.strip_prefix('v'))
            .is_some_and(|n| n.parse::<u32>().is_ok_and(|n| n >= 2))
    {
        parts.pop();
    }
    if let Some(last) = parts.last().filter(|p| **p != "..") {
        return (*last).to_owned();
    }
    let module = go_mod_name(sh);
    module.unwrap_or_else(|| path::base_name(&sh.cwd).to_owned())
}

/// The last element of the module path in the working directory's `go.mod`.
fn go_mod_name(sh: &Interp<'_>) -> Option<String> {
    let text = sh.tree.text(&sh.abs("go.mod"))?;
    let module = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("module "))?
        .trim()
        .trim_matches('"');
    module.rsplit('/').next().map(str::to_owned)
}
