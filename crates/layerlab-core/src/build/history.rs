//! `created_by` strings, as each builder writes them into image history.
//!
//! BuildKit: `RUN /bin/sh -c pip install flask # buildkit`, `COPY app.py /app/ # buildkit`,
//! `WORKDIR /app`, `CMD ["python" "app.py"]`, comment `buildkit.dockerfile.v0`.
//! Classic builder: `/bin/sh -c pip install flask`, `/bin/sh -c #(nop)  CMD ["python" "app.py"]`,
//! `/bin/sh -c #(nop) COPY file:<sha256> in /app.py `, `/bin/sh -c #(nop) WORKDIR /app`.

use crate::text::go_quote;

/// Which builder's conventions to follow (history strings, log format).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Builder {
    /// BuildKit (the default builder since Docker 23).
    #[default]
    BuildKit,
    /// The legacy builder (`DOCKER_BUILDKIT=0`), as in older tutorials.
    Classic,
}

/// Go's `%q` of a string slice: `["a" "b"]`.
pub fn go_list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| go_quote(s.as_bytes())).collect();
    format!("[{}]", quoted.join(" "))
}

/// Go's `%v` of a string slice: `[a b]`.
pub fn go_plain_list(items: &[String]) -> String {
    format!("[{}]", items.join(" "))
}

/// The `|N k=v …` prefix RUN records for the build args in effect.
pub fn args_prefix(args: &[(String, String)]) -> String {
    if args.is_empty() {
        return String::new();
    }
    let pairs: Vec<String> = args.iter().map(|(k, v)| format!("{k}={v}")).collect();
    format!("|{} {} ", args.len(), pairs.join(" "))
}

/// History text for a metadata instruction (`text` is e.g. `CMD ["a" "b"]`).
pub fn metadata(builder: Builder, shell: &[String], text: &str) -> String {
    match builder {
        Builder::BuildKit => text.to_owned(),
        Builder::Classic => format!("{} #(nop)  {text}", shell.join(" ")),
    }
}

/// History text for RUN.
pub fn run(builder: Builder, argv: &[String], args: &[(String, String)]) -> String {
    let prefix = args_prefix(args);
    match builder {
        Builder::BuildKit => format!("RUN {prefix}{} # buildkit", argv.join(" ")),
        Builder::Classic => format!("{prefix}{}", argv.join(" ")),
    }
}

/// History text for COPY/ADD. `flags` are `--chown=…`/`--chmod=…` as given;
/// `sources_hash` is the classic builder's `file:…`/`dir:…`/`multi:…` label.
pub fn copy(
    builder: Builder,
    shell: &[String],
    keyword: &str,
    flags: &[String],
    sources: &[String],
    dest: &str,
    sources_hash: &str,
) -> String {
    match builder {
        Builder::BuildKit => {
            let mut parts: Vec<String> = vec![keyword.to_owned()];
            parts.extend(flags.iter().cloned());
            parts.extend(sources.iter().cloned());
            parts.push(dest.to_owned());
            format!("{} # buildkit", parts.join(" "))
        }
        Builder::Classic => format!(
            "{} #(nop) {keyword} {sources_hash} in {dest} ",
            shell.join(" ")
        ),
    }
}

/// History text for WORKDIR.
pub fn workdir(builder: Builder, shell: &[String], path: &str) -> String {
    match builder {
        Builder::BuildKit => format!("WORKDIR {path}"),
        Builder::Classic => format!("{} #(nop) WORKDIR {path}", shell.join(" ")),
    }
}

/// The history comment each builder writes.
pub fn comment(builder: Builder) -> String {
    match builder {
        Builder::BuildKit => "buildkit.dockerfile.v0".into(),
        Builder::Classic => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sh() -> Vec<String> {
        vec!["/bin/sh".into(), "-c".into()]
    }

    #[test]
    fn classic_and_buildkit_forms() {
        let cmd = format!("CMD {}", go_list(&["python".into(), "app.py".into()]));
        assert_eq!(
            metadata(Builder::Classic, &sh(), &cmd),
            "/bin/sh -c #(nop)  CMD [\"python\" \"app.py\"]"
        );
        assert_eq!(
            metadata(Builder::BuildKit, &sh(), &cmd),
            "CMD [\"python\" \"app.py\"]"
        );
        let argv = vec!["/bin/sh".into(), "-c".into(), "pip install flask".into()];
        assert_eq!(
            run(Builder::Classic, &argv, &[]),
            "/bin/sh -c pip install flask"
        );
        assert_eq!(
            run(Builder::BuildKit, &argv, &[("V".into(), "1".into())]),
            "RUN |1 V=1 /bin/sh -c pip install flask # buildkit"
        );
        assert_eq!(
            copy(
                Builder::Classic,
                &sh(),
                "COPY",
                &[],
                &["app.py".into()],
                "/app.py",
                "file:0114"
            ),
            "/bin/sh -c #(nop) COPY file:0114 in /app.py "
        );
        assert_eq!(
            workdir(Builder::Classic, &sh(), "/opt/myapp"),
            "/bin/sh -c #(nop) WORKDIR /opt/myapp"
        );
    }
}
