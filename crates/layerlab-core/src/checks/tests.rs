//! Each rule on the examples of its documentation page (and BuildKit's own
//! lint tests): the bad example gives exactly BuildKit's message, the good
//! one none.

use super::*;

fn checks_with(src: &str, reachable: &dyn Fn(usize) -> bool) -> Vec<String> {
    checks_in(src, reachable, None)
}

fn checks_in(
    src: &str,
    reachable: &dyn Fn(usize) -> bool,
    ignore: Option<&crate::build::ignore::IgnoreMatcher>,
) -> Vec<String> {
    let parsed = crate::syntax::parse(src.as_bytes()).unwrap();
    let config = parsed
        .directives
        .iter()
        .find(|d| d.name == "check")
        .map(|d| Config::parse(&d.value).unwrap())
        .unwrap_or_default();
    let builtins = [
        ("TARGETPLATFORM".to_owned(), "linux/amd64".to_owned()),
        ("BUILDPLATFORM".to_owned(), "linux/amd64".to_owned()),
    ];
    run(
        &parsed,
        &config,
        &Scope {
            reachable,
            builtin_args: &builtins,
            // Every base has the default PATH; `unknown` is not known.
            base_env: &|r: &str| {
                (r != "unknown").then(|| vec![crate::image::DEFAULT_PATH.to_owned()])
            },
            ignore,
            source: src.as_bytes(),
        },
    )
    .iter()
    .map(Check::short)
    .collect()
}

fn checks(src: &str) -> Vec<String> {
    checks_with(src, &|_| true)
}

#[track_caller]
fn bad(src: &str, want: &[&str]) {
    assert_eq!(checks(src), want, "{src}");
}

#[track_caller]
fn good(src: &str) {
    assert_eq!(checks(src), Vec::<String>::new(), "{src}");
}

#[test]
fn stage_name_casing() {
    bad(
        "FROM node:latest AS BuilderBase\n",
        &["StageNameCasing: Stage name 'BuilderBase' should be lowercase (line 1)"],
    );
    good("FROM node:latest AS builder-base\n");
}

#[test]
fn from_as_casing() {
    bad(
        "FROM debian:latest as builder\n",
        &["FromAsCasing: 'as' and 'FROM' keywords' casing do not match (line 1)"],
    );
    bad(
        "from scratch AS base\n",
        &["FromAsCasing: 'AS' and 'from' keywords' casing do not match (line 1)"],
    );
    good("FROM debian:latest AS deb-builder\n");
}

#[test]
fn no_empty_continuation() {
    bad(
        "FROM alpine\nCOPY Dockerfile \\\n\n    .\n",
        &["NoEmptyContinuation: Empty continuation line (line 4)"],
    );
    good("FROM alpine\nCOPY Dockerfile \\\n    .\n");
}

#[test]
fn consistent_instruction_casing() {
    bad(
        "FROM alpine\nRUN echo hello\nfrom alpine\nRUN echo world\n",
        &["ConsistentInstructionCasing: Command 'from' should match the case of the command majority (uppercase) (line 3)"],
    );
    bad(
        "FROM alpine\nRUN echo hello\nEntryPoint [\"/bin/sh\"]\n",
        &["ConsistentInstructionCasing: Command 'EntryPoint' should match the case of the command majority (uppercase) (line 3)"],
    );
    good("FROM alpine\nRUN echo hello\nENTRYPOINT [\"/bin/sh\"]\n");
}

#[test]
fn duplicate_and_reserved_stage_names() {
    bad(
        "FROM debian:latest AS builder\nFROM golang:latest AS builder\n",
        &["DuplicateStageName: Duplicate stage name \"builder\", stage names should be unique (line 2)"],
    );
    bad(
        "FROM alpine AS scratch\n",
        &["ReservedStageName: Stage name should not use the same name as reserved stage \"scratch\" (line 1)"],
    );
    good("FROM debian:latest AS deb-builder\nFROM golang:latest AS go-builder\n");
}

#[test]
fn json_args_recommended() {
    bad(
        "FROM alpine\nENTRYPOINT my-program start\n",
        &["JSONArgsRecommended: JSON arguments recommended for ENTRYPOINT to prevent unintended behavior related to OS signals (line 2)"],
    );
    bad(
        "from alpine\ncmd echo hi\n",
        &["JSONArgsRecommended: JSON arguments recommended for cmd to prevent unintended behavior related to OS signals (line 2)"],
    );
    good("FROM alpine\nENTRYPOINT [\"my-program\", \"start\"]\n");
    // A SHELL in effect (here or in the parent stage) is the exception.
    good("FROM alpine AS base\nSHELL [\"/bin/bash\", \"-c\"]\nFROM base\nCMD echo hi\n");
}

#[test]
fn maintainer_deprecated() {
    bad(
        "FROM alpine\nMAINTAINER moby@example.com\n",
        &["MaintainerDeprecated: Maintainer instruction is deprecated in favor of using label (line 2)"],
    );
    good("FROM alpine\nLABEL org.opencontainers.image.authors=\"moby@example.com\"\n");
}

#[test]
fn multiple_instructions_disallowed() {
    bad(
        "FROM alpine\nEXPOSE 80\nCMD [\"echo\", \"a\"]\nCMD [\"echo\", \"b\"]\n",
        &["MultipleInstructionsDisallowed: Multiple CMD instructions should not be used in the same stage because only the last one will be used (line 3)"],
    );
    good("FROM alpine\nCMD [\"echo\", \"b\"]\n");
}

#[test]
fn legacy_key_value_format() {
    bad(
        "FROM alpine\nENV DEPS=\"curl git make\"\nENV name value\n",
        &["LegacyKeyValueFormat: \"ENV key=value\" should be used instead of legacy \"ENV key value\" format (line 3)"],
    );
    good("FROM alpine\nENV name=value\nARG foo bar\n");
}

#[test]
fn workdir_relative_path() {
    bad(
        "FROM nginx AS web\nWORKDIR usr/share/nginx/html\n",
        &["WorkdirRelativePath: Relative workdir \"usr/share/nginx/html\" can have unexpected results if the base image changes (line 2)"],
    );
    good("FROM nginx AS web\nWORKDIR /usr/share/nginx/html\nWORKDIR assets\n");
}

#[test]
fn secrets_used_in_arg_or_env() {
    bad(
        "FROM scratch\nARG AWS_SECRET_ACCESS_KEY\nENV PUBLIC_KEY=x git_key=y\n",
        &[
            "SecretsUsedInArgOrEnv: Do not use ARG or ENV instructions for sensitive data (ARG \"AWS_SECRET_ACCESS_KEY\") (line 2)",
            "SecretsUsedInArgOrEnv: Do not use ARG or ENV instructions for sensitive data (ENV \"git_key\") (line 3)",
        ],
    );
    good("ARG PASSWORD\nFROM scratch\nENV sunflower=1 MYSECRET=2\n");
}

#[test]
fn expose_rules() {
    bad(
        "FROM alpine\nEXPOSE 80/TcP\n",
        &["ExposeProtoCasing: Defined protocol '80/TcP' in EXPOSE instruction should be lowercase (line 2)"],
    );
    bad(
        "FROM alpine\nEXPOSE 127.0.0.1:80:80\n",
        &["ExposeInvalidFormat: EXPOSE instruction should not define an IP address or host-port mapping, found '127.0.0.1:80:80' (line 2)"],
    );
    good("FROM alpine\nEXPOSE 80/tcp 8080\n");
}

#[test]
fn from_line_rules() {
    bad(
        "FROM --platform=$BULIDPLATFORM scratch\n",
        &["UndefinedArgInFrom: FROM argument 'BULIDPLATFORM' is not declared (did you mean BUILDPLATFORM?) (line 1)"],
    );
    bad(
        "ARG tag=latest\nFROM busybox:${tag}${version} AS b\n",
        &["UndefinedArgInFrom: FROM argument 'version' is not declared (line 2)"],
    );
    bad(
        "FROM --platform=$TARGETPLATFORM scratch\n",
        &["RedundantTargetPlatform: Setting platform to predefined $TARGETPLATFORM in FROM is redundant as this is the default behavior (line 1)"],
    );
    bad(
        "FROM --platform=linux/amd64 alpine AS builder\n",
        &["FromPlatformFlagConstDisallowed: FROM --platform flag should not use constant value \"linux/amd64\" (line 1)"],
    );
    good("FROM --platform=linux/amd64 alpine AS builder_amd64\n");
    bad(
        "ARG TAG\nFROM busybox:${TAG}\n",
        &["InvalidDefaultArgInFrom: Default value for ARG busybox:${TAG} results in empty or invalid base image name (line 2)"],
    );
    good("ARG TAG=latest\nFROM busybox:${TAG}\n");
}

#[test]
fn invalid_definition_description_is_experimental() {
    let src =
        "# check=experimental=InvalidDefinitionDescription\n# bar this is the bar\nARG foo=bar\n";
    assert_eq!(
        checks(src),
        ["InvalidDefinitionDescription: Comment for ARG should follow the format: `# foo <description>` (line 3)"]
    );
    good("# bar this is the bar\nARG foo=bar\nFROM scratch\n");
    assert_eq!(
        checks("# check=experimental=InvalidDefinitionDescription\n# foo this is the foo\nARG foo=bar\n"),
        Vec::<String>::new()
    );
}

#[test]
fn the_directive_skips_rules() {
    good("# check=skip=JSONArgsRecommended\nFROM alpine\nCMD echo\n");
    good("# check=skip=all\nFROM alpine as x\nCMD echo\n");
}

#[test]
fn dispatch_rules_look_at_reachable_stages_only() {
    let src = "FROM alpine AS a\nCMD echo\nFROM alpine AS b\nCMD [\"x\"]\n";
    assert_eq!(checks_with(src, &|i| i == 1), Vec::<String>::new());
    assert_eq!(checks_with(src, &|_| true).len(), 1);
}

#[test]
fn urls_are_the_docs_pages() {
    assert_eq!(
        url("JSONArgsRecommended"),
        "https://docs.docker.com/go/dockerfile/rule/json-args-recommended/"
    );
    assert_eq!(
        url("FromPlatformFlagConstDisallowed"),
        "https://docs.docker.com/go/dockerfile/rule/from-platform-flag-const-disallowed/"
    );
    assert_eq!(violation(&[]), None);
}

#[test]
fn undefined_var() {
    bad(
        "FROM alpine\nCOPY $foo .\n",
        &["UndefinedVar: Usage of undefined variable '$foo' (line 2)"],
    );
    bad(
        "FROM alpine\nENV PATH=$PAHT:/tmp/bin\n",
        &["UndefinedVar: Usage of undefined variable '$PAHT' (did you mean $PATH?) (line 2)"],
    );
    bad(
        "FROM alpine\nARG DIR_ASSETS=assets\nCOPY $DIR_ASSET .\n",
        &["UndefinedVar: Usage of undefined variable '$DIR_ASSET' (did you mean $DIR_ASSETS?) (line 3)"],
    );
    // A global ARG is undefined in a stage until the stage declares it.
    bad(
        "ARG VERSION=1\nFROM alpine\nLABEL v=$VERSION\n",
        &["UndefinedVar: Usage of undefined variable '$VERSION' (line 3)"],
    );
    good("ARG VERSION=1\nFROM alpine\nARG VERSION\nLABEL v=$VERSION\nENV A=1\nWORKDIR /$A\n");
    // RUN is the shell's business; an unknown base's environment is not guessed.
    good("FROM alpine\nRUN echo $foo\n");
    good("FROM unknown\nENV X=$JAVA_HOME\n");
}

#[test]
fn copy_ignored_file() {
    let ignore = crate::build::ignore::IgnoreMatcher::parse("Dockerfile\n");
    assert_eq!(
        checks_in("FROM scratch\nCOPY Dockerfile .\nADD ./Dockerfile /windy\nCOPY app.py .\n", &|_| true, Some(&ignore)),
        [
            "CopyIgnoredFile: Attempting to Copy file \"Dockerfile\" that is excluded by .dockerignore (line 2)",
            "CopyIgnoredFile: Attempting to Add file \"Dockerfile\" that is excluded by .dockerignore (line 3)",
        ]
    );
    // Any re-inclusion (`!`) turns the check off, as in BuildKit.
    let ignore = crate::build::ignore::IgnoreMatcher::parse("*\n!app.py\n");
    assert_eq!(
        checks_in(
            "FROM scratch\nCOPY Dockerfile .\n",
            &|_| true,
            Some(&ignore)
        ),
        Vec::<String>::new()
    );
}
