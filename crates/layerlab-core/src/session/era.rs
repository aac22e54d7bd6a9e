//! Which Docker a session's date stands for: the texts that changed between
//! releases (the push line's wording, `docker pull`'s closing reference, the
//! runtime's exec error, `docker ps`'s ellipsis) and the default builder.

use crate::build::Builder;

/// A Docker release's observable differences.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Era {
    /// `docker version`'s version and API version.
    pub version: &'static str,
    pub api: &'static str,
    /// "The push refers to a repository [...]" (until moby#34874, 17.10).
    pub push_a_repository: bool,
    /// `docker pull` ends with the full reference (docker/cli#882, 18.06).
    pub pull_prints_reference: bool,
    /// runc's exec error in the containerd-shim wording (24.0 on).
    pub modern_exec_error: bool,
    /// `docker ps` cuts COMMAND with `...` (moby's old Ellipsis) rather than `…`.
    pub dots_ellipsis: bool,
    /// BuildKit is the default builder (23.0 on).
    pub buildkit_default: bool,
}

/// The release a date (`YYYY-MM[-DD]`, `None` for today) stands for.
pub fn era(date: Option<&str>) -> Era {
    let month = date.map(|d| d.get(..7).unwrap_or(d)).unwrap_or("9999-99");
    match month {
        m if m < "2017-10" => Era {
            version: "17.06.0-ce",
            api: "1.30",
            push_a_repository: true,
            pull_prints_reference: false,
            modern_exec_error: false,
            dots_ellipsis: true,
            buildkit_default: false,
        },
        m if m < "2018-06" => Era {
            version: "17.12.0-ce",
            api: "1.35",
            push_a_repository: false,
            pull_prints_reference: false,
            modern_exec_error: false,
            dots_ellipsis: true,
            buildkit_default: false,
        },
        m if m < "2023-02" => Era {
            version: "20.10.12",
            api: "1.41",
            push_a_repository: false,
            pull_prints_reference: true,
            modern_exec_error: false,
            dots_ellipsis: false,
            buildkit_default: false,
        },
        _ => Era {
            version: "27.3.1",
            api: "1.47",
            push_a_repository: false,
            pull_prints_reference: true,
            modern_exec_error: true,
            dots_ellipsis: false,
            buildkit_default: true,
        },
    }
}

impl Era {
    /// The builder `docker build` uses unless `DOCKER_BUILDKIT` says otherwise.
    pub fn default_builder(&self) -> Builder {
        if self.buildkit_default {
            Builder::BuildKit
        } else {
            Builder::Classic
        }
    }

    /// The daemon's error when a container's program cannot start.
    pub fn exec_error(&self, why: &str) -> String {
        if self.modern_exec_error {
            format!("docker: Error response from daemon: failed to create task for container: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: {why}: unknown.")
        } else {
            let why = why.replace('"', "\\\"");
            format!("docker: Error response from daemon: oci runtime error: container_linux.go:262: starting container process caused \"{why}\".")
        }
    }

    /// `docker ps`'s COMMAND cell: quoted, cut to 20 characters.
    pub fn command_cell(&self, command: &str) -> String {
        let chars: Vec<char> = command.chars().collect();
        let cut = if chars.len() <= 20 {
            command.to_owned()
        } else if self.dots_ellipsis {
            chars[..17].iter().collect::<String>() + "..."
        } else {
            chars[..19].iter().collect::<String>() + "…"
        };
        format!("{cut:?}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_pick_releases() {
        assert!(era(Some("2017-06")).push_a_repository);
        assert!(!era(Some("2018-01")).push_a_repository);
        assert!(era(None).buildkit_default);
        assert_eq!(era(Some("2017-06")).default_builder(), Builder::Classic);
        assert_eq!(
            era(Some("2017-06")).command_cell("python /usr/src/app/app.py"),
            "\"python /usr/src/a...\""
        );
        assert_eq!(era(None).command_cell("python app.py"), "\"python app.py\"");
    }
}
