//! Parser behaviour beyond the BuildKit fixtures: spans, lenient mode, quirks.

use super::*;

fn dump(src: &str) -> String {
    parse(src.as_bytes()).unwrap().dump()
}

fn err(src: &[u8]) -> (String, usize, usize) {
    let e = parse(src).unwrap_err();
    (e.message, e.start_line, e.end_line)
}

#[test]
fn continuation_keeps_indentation_and_drops_comments() {
    assert_eq!(
        dump("RUN a \\\n  b \\\n# c\n  d\n"),
        "(run \"a   b   d\")\n"
    );
    assert_eq!(
        dump("RUN a \\\\\nRUN b\n"),
        "(run \"a \\\\\\\\\")\n(run \"b\")\n"
    );
    assert_eq!(dump("# escape=`\nRUN a `\n b\n"), "(run \"a  b\")\n");
}

#[test]
fn empty_continuation_lines_warn() {
    let parsed = parse(b"FROM a\nRUN x \\\n\n  y\n").unwrap();
    assert_eq!(parsed.warnings.len(), 1);
    assert_eq!(
        parsed.warnings[0].message,
        "Empty continuation line found in: RUN x   y"
    );
    assert_eq!(
        (
            parsed.instructions[1].start_line,
            parsed.instructions[1].end_line
        ),
        (2, 4)
    );
}

#[test]
fn errors_carry_buildkit_messages_and_lines() {
    assert_eq!(err(b""), ("file with no instructions".into(), 0, 0));
    assert_eq!(err(b"# a\n\n"), ("file with no instructions".into(), 2, 2));
    assert_eq!(
        err(b"FROM a\nLABEL x=1 \\\n y\n").0,
        "Syntax error - can't find = in \"y\". Must be of the form: name=value"
    );
    assert_eq!(
        err(b"FROM a\nCMD [\"a\", 1]\n"),
        (args::NOT_STRING_ARRAY.into(), 2, 2)
    );
    assert_eq!(
        err(b"FROM a\nRUN <<EOF\nbody\n"),
        ("unterminated heredoc".into(), 2, 3)
    );
    assert_eq!(
        err(b"# escape=x\nFROM a\n"),
        (
            "invalid escape token 'x' does not match ` or \\".into(),
            0,
            0
        )
    );
    let long = [b"FROM a\nRUN ".to_vec(), vec![b'x'; 70_000]].concat();
    assert_eq!(
        err(&long),
        (
            "dockerfile line greater than max allowed size of 65535".into(),
            1,
            1
        )
    );
}

#[test]
fn lenient_parse_keeps_good_lines() {
    let (parsed, errors) = parse_lenient(b"FROM a\nENV X\nRUN ok\nCMD [1]\n");
    assert_eq!(parsed.dump(), "(from \"a\")\n(run \"ok\")\n");
    let lines: Vec<_> = errors.iter().map(|e| e.start_line).collect();
    assert_eq!(lines, [2, 4]);
}

#[test]
fn spans_point_at_source() {
    let src = "FROM a\n  COPY --chown=1 \\\n    src  dst\n";
    let parsed = parse(src.as_bytes()).unwrap();
    let copy = &parsed.instructions[1];
    assert_eq!(parsed.line_col(copy.keyword().offset), (2, 3));
    assert_eq!(parsed.line_col(copy.flags().get(0).unwrap().offset), (2, 8));
    assert_eq!(parsed.line_col(copy.args().get(0).unwrap().offset), (3, 5));
    assert_eq!(parsed.line_col(copy.args().get(1).unwrap().offset), (3, 10));
}

#[test]
fn line_col_counts_lines_and_characters() {
    let parsed = parse("\u{feff}FROM a\né\tRUN b\n\n".as_bytes()).unwrap();
    assert_eq!(parsed.line_col(0), (1, 1));
    assert_eq!(parsed.line_col(3), (1, 2));
    assert_eq!(parsed.line_col(10), (2, 1));
    assert_eq!(parsed.line_col(13), (2, 3));
    assert_eq!(parsed.line_col(19), (3, 1));
    // A newline that ends the source starts no line.
    assert_eq!(parsed.line_col(20), (3, 2));
    assert_eq!(parsed.line_col(99), (3, 2));
    assert_eq!(parse_lenient(b"").0.line_col(0), (1, 1));
}

#[test]
fn heredoc_bodies_are_read_raw() {
    let parsed = parse(
        b"FROM a\nRUN <<-EOF cat\n\t# not a comment\n\tEOF\nCOPY <<A <<'B' /x\n1\nA\n$2\nB\n",
    )
    .unwrap();
    let run = &parsed.instructions[1];
    assert_eq!(run.heredocs[0].content, b"\t# not a comment\n");
    assert!(run.heredocs[0].chomp);
    assert_eq!((run.start_line, run.end_line), (2, 4));
    let copy = &parsed.instructions[2];
    let names: Vec<_> = copy
        .heredocs
        .iter()
        .map(|h| (h.name.as_str(), h.expand))
        .collect();
    assert_eq!(names, [("A", true), ("B", false)]);
    assert_eq!(parsed.line_col(copy.heredocs[1].content_offset), (8, 1));
}

#[test]
fn onbuild_and_unknown_instructions() {
    assert_eq!(
        dump("ONBUILD RUN --mount=x echo test\n"),
        "(onbuild (run [\"--mount=x\"] \"echo test\"))\n"
    );
    assert_eq!(dump("FOO bar baz\n"), "(foo \"\")\n");
    assert_eq!(
        dump("HEALTHCHECK\nHEALTHCHECK NONE\n"),
        "(healthcheck)\n(healthcheck \"NONE\")\n"
    );
    assert_eq!(
        dump("CMD [\"a\", 1e999]\n"),
        "(cmd \"[\\\"a\\\", 1e999]\")\n"
    );
}

#[test]
fn bytes_that_are_not_utf8() {
    assert_eq!(parse(b"USER \xff\n").unwrap().dump(), "(user \"\\xff\")\n");
    assert_eq!(
        parse(b"ARG a=\xff\n").unwrap().dump(),
        "(arg \"a=\u{fffd}\")\n"
    );
}

/// Runs `f` on `line` as a whole joined line with a fresh sink; returns the
/// values it gave the sink, as text, and what it returned.
pub(super) fn with_sink<R>(
    line: &[u8],
    f: impl FnOnce(&[u8], &mut Sink<'_>) -> R,
) -> (Vec<String>, R) {
    let mut joined = JoinedLine::default();
    joined.push(line.len(), 0);
    let (mut bytes, mut spans) = (Vec::new(), Vec::new());
    let mut sink = Sink {
        bytes: &mut bytes,
        spans: &mut spans,
        line: &joined,
        line_base: 0,
    };
    let out = f(line, &mut sink);
    let values = spans
        .iter()
        .map(|s| {
            let from = if s.decoded { &bytes[..] } else { line };
            String::from_utf8(from[s.start..s.end].to_vec()).unwrap()
        })
        .collect();
    (values, out)
}

#[test]
fn values_share_one_text() {
    let src = b"# a \xff\n#  b\nCOPY --chown=\"a b\" \\\n  [\"x\\u0041\", \"y\"]\nONBUILD RUN x\nENV a=\xff=\n";
    let parsed = parse(src).unwrap();
    let copy = &parsed.instructions[0];
    assert_eq!(copy.comments().collect::<Vec<_>>(), ["a \u{fffd}", "b"]);
    assert_eq!(copy.flag_texts(), ["--chown=a b"]);
    assert_eq!(copy.arg_texts(), ["xA", "y"]);
    assert_eq!(
        copy.original(),
        b"COPY --chown=\"a b\"   [\"x\\u0041\", \"y\"]"
    );
    let onbuild = &parsed.instructions[1];
    assert_eq!(onbuild.nested.as_ref().unwrap().original(), b"RUN x");
    assert_eq!(onbuild.comments().len(), 0);
    assert_eq!(parsed.instructions[2].arg_texts(), ["a", "\u{fffd}=", "="]);
    assert_eq!(parsed.instructions[2].args().get(1).unwrap().offset, 71);
    let again = parsed.clone();
    assert_eq!(again, parsed);
}
