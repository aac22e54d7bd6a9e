//! Typed instructions: forms, flags and BuildKit's messages.

use super::*;
use crate::syntax::parse;

fn one(src: &str) -> Result<Command, String> {
    let ast = parse(src.as_bytes()).map_err(|e| e.message)?;
    parse_instruction(&ast.instructions[0])
        .map(|i| i.command)
        .map_err(|e| e.message)
}

#[test]
fn from_forms_and_stage_names() {
    assert_eq!(
        one("FROM --platform=linux/amd64 golang:1.22 AS Build").unwrap(),
        Command::From(From {
            image: "golang:1.22".into(),
            stage_name: Some("build".into()),
            platform: Some("linux/amd64".into())
        })
    );
    assert_eq!(
        one("FROM a b").unwrap_err(),
        "FROM requires either one or three arguments"
    );
    assert_eq!(
        one("FROM a AS 1x").unwrap_err(),
        "invalid name for build stage: \"1x\", name can't start with a number or contain symbols"
    );
}

#[test]
fn shell_and_exec_forms() {
    assert_eq!(
        one("CMD [\"python\", \"app.py\"]").unwrap(),
        Command::Cmd {
            command: CommandLine::Exec(vec!["python".into(), "app.py".into()])
        }
    );
    assert_eq!(
        one("CMD python app.py").unwrap(),
        Command::Cmd {
            command: CommandLine::Shell("python app.py".into())
        }
    );
    assert_eq!(
        one("SHELL /bin/bash -c").unwrap_err(),
        "SHELL requires the arguments to be in JSON form"
    );
    let sh = vec!["/bin/sh".to_owned(), "-c".to_owned()];
    assert_eq!(
        CommandLine::Shell("ls".into()).with_shell(&sh),
        ["/bin/sh", "-c", "ls"]
    );
}

#[test]
fn copy_flags_and_arity() {
    match one("COPY --from=build --chmod=755 --link a b /dst/").unwrap() {
        Command::Copy(c) => {
            assert_eq!(
                (c.from.as_deref(), c.chmod.as_deref(), c.link),
                (Some("build"), Some("755"), true)
            );
            assert_eq!(
                (c.sources, c.dest),
                (vec!["a".to_owned(), "b".to_owned()], "/dst/".to_owned())
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        one("COPY onlyone").unwrap_err(),
        "COPY requires at least two arguments, but only one was provided. Destination could not be determined."
    );
    assert_eq!(one("ADD --from=x a b").unwrap_err(), "unknown flag: from");
    assert_eq!(
        one("COPY --link=maybe a b").unwrap_err(),
        "expecting boolean value for flag link, not: maybe"
    );
}

#[test]
fn env_label_arg() {
    assert_eq!(
        one("ENV A=1 B=\"x y\"").unwrap(),
        Command::Env {
            pairs: vec![("A".into(), "1".into()), ("B".into(), "\"x y\"".into())]
        }
    );
    assert_eq!(
        one("ENV PATH /usr/bin").unwrap(),
        Command::Env {
            pairs: vec![("PATH".into(), "/usr/bin".into())]
        }
    );
    assert_eq!(
        one("ARG V=1 W").unwrap(),
        Command::Arg {
            args: vec![("V".into(), Some("1".into())), ("W".into(), None)]
        }
    );
}

#[test]
fn healthcheck_and_onbuild() {
    match one("HEALTHCHECK --interval=5s --retries=3 CMD curl -f http://localhost/").unwrap() {
        Command::Healthcheck(h) => {
            assert_eq!(h.test, ["CMD-SHELL", "curl -f http://localhost/"]);
            assert_eq!((h.interval.as_deref(), h.retries), (Some("5s"), Some(3)));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        one("HEALTHCHECK NONE x").unwrap_err(),
        "HEALTHCHECK NONE takes no arguments"
    );
    assert_eq!(
        one("ONBUILD ONBUILD RUN x").unwrap_err(),
        "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed"
    );
    assert_eq!(
        one("ONBUILD FROM x").unwrap_err(),
        "FROM isn't allowed as an ONBUILD trigger"
    );
    assert_eq!(
        one("ONBUILD RUN echo hi").unwrap(),
        Command::Onbuild {
            trigger: "RUN echo hi".into()
        }
    );
    assert_eq!(
        one("FOO bar").unwrap_err(),
        "unknown instruction: FOO (did you mean FROM?)"
    );
}
