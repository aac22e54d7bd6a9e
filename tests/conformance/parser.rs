//! Parser fixtures: dumps, line ranges, heredocs, warnings and error texts.

use std::path::Path;

use layerlab_core::syntax::{parse, Heredoc, Parsed};
use layerlab_tests::Tally;
use serde_json::Value;

use crate::{load_json, strings};

pub fn run(dir: &Path) -> Vec<Tally> {
    let bk = dir.join("buildkit");
    vec![
        fixtures(&bk),
        fixture_records(&bk),
        negative(&bk),
        negative_records(&bk),
        line_numbers(&bk),
        inline(&bk),
    ]
}

fn fixtures(bk: &Path) -> Tally {
    let mut t = Tally::new("parser fixtures: dump == result (byte-exact)");
    let mut cases: Vec<_> = std::fs::read_dir(bk.join("parser-testfiles"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    cases.sort();
    for case in cases {
        let src = std::fs::read(case.join("Dockerfile")).unwrap();
        let expected =
            String::from_utf8_lossy(&std::fs::read(case.join("result")).unwrap()).into_owned();
        let got = parse(&src).map(|p| p.dump());
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        t.check(got.as_ref() == Ok(&expected), || {
            format!("{name}: got {got:?}\n      want {expected:?}")
        });
    }
    t
}

/// Line ranges of the instructions, as `[[start, end], ...]`.
pub fn line_ranges(parsed: &Parsed) -> Vec<(u64, u64)> {
    parsed
        .instructions
        .iter()
        .map(|i| (i.start_line as u64, i.end_line as u64))
        .collect()
}

pub fn pairs(v: &Value) -> Vec<(u64, u64)> {
    v.as_array()
        .map(|a| {
            a.iter()
                .map(|p| (p[0].as_u64().unwrap_or(0), p[1].as_u64().unwrap_or(0)))
                .collect()
        })
        .unwrap_or_default()
}

/// A heredoc as the reference records hold it: name, fd, expand, chomp, content.
pub type HeredocTuple = (String, u64, bool, bool, String);

fn heredoc_tuple(h: &Heredoc) -> HeredocTuple {
    (
        h.name.clone(),
        h.fd,
        h.expand,
        h.chomp,
        String::from_utf8_lossy(&h.content).into_owned(),
    )
}

/// Heredocs of every instruction, in order.
pub fn heredoc_tuples(parsed: &Parsed) -> Vec<HeredocTuple> {
    parsed
        .instructions
        .iter()
        .flat_map(|i| i.heredocs.iter().map(heredoc_tuple))
        .collect()
}

/// Heredocs as tuples from a reference record (`null` means none).
pub fn reference_heredocs(v: &Value) -> Vec<HeredocTuple> {
    v.as_array()
        .map(|a| {
            a.iter()
                .map(|h| {
                    (
                        h["name"].as_str().unwrap_or_default().to_owned(),
                        h["fd"].as_u64().unwrap_or(0),
                        h["expand"].as_bool().unwrap_or(false),
                        h["chomp"].as_bool().unwrap_or(false),
                        h["content"].as_str().unwrap_or_default().to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

fn fixture_records(bk: &Path) -> Tally {
    let mut t = Tally::new("parser fixtures: line ranges, heredocs, warnings");
    let cases = load_json(&bk.join("json/parser_cases.json"));
    for case in cases["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap_or_default();
        let parsed = parse(case["dockerfile"].as_str().unwrap().as_bytes());
        let Ok(parsed) = parsed else {
            t.check(false, || format!("{name}: {parsed:?}"));
            continue;
        };
        let lines_ok = line_ranges(&parsed) == pairs(&case["reference_lines"]);
        let warnings: Vec<String> = parsed.warnings.iter().map(|w| w.message.clone()).collect();
        let warnings_ok = warnings == strings(&case["reference_warnings"]);
        let got_docs = heredoc_tuples(&parsed);
        let want_docs: Vec<_> = case["reference_heredocs"]
            .as_array()
            .map(|a| a.iter().flat_map(reference_heredocs).collect())
            .unwrap_or_default();
        let dump_ok = parsed.dump() == case["expected_dump"].as_str().unwrap_or_default();
        t.check(
            lines_ok && warnings_ok && got_docs == want_docs && dump_ok,
            || {
                format!(
                    "{name}: lines {:?} warnings {warnings:?} heredocs {got_docs:?}",
                    line_ranges(&parsed)
                )
            },
        );
    }
    t
}

fn negative(bk: &Path) -> Tally {
    let mut t = Tally::new("negative fixtures rejected");
    for entry in std::fs::read_dir(bk.join("parser-testfiles-negative"))
        .unwrap()
        .flatten()
    {
        let src = std::fs::read(entry.path().join("Dockerfile")).unwrap();
        let got = parse(&src);
        t.check(got.is_err(), || format!("{:?} parsed", entry.file_name()));
    }
    t
}

fn negative_records(bk: &Path) -> Tally {
    let mut t = Tally::new("failing parser cases: exact error text and lines");
    let cases = load_json(&bk.join("json/parser_cases.json"));
    for case in cases["negative"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap_or_default();
        let err = parse(case["dockerfile"].as_str().unwrap().as_bytes()).err();
        let want_lines = pairs(&case["reference_error_lines"]);
        let got_lines: Vec<(u64, u64)> = err
            .as_ref()
            .map(|e| {
                (e.start_line..=e.end_line)
                    .map(|l| (l as u64, l as u64))
                    .collect()
            })
            .unwrap_or_default();
        let message_ok =
            err.as_ref().map(|e| e.message.as_str()) == case["reference_error"].as_str();
        t.check(message_ok && got_lines == want_lines, || {
            format!("{name}: {err:?} lines {got_lines:?}")
        });
    }
    t
}

/// BuildKit's line-information test: the fixture's root spans lines 5–31 and
/// its three instructions 5–5, 11–12 and 17–31 (parser_test.go, TestLineInformation).
fn line_numbers(bk: &Path) -> Tally {
    let mut t = Tally::new("line-number fixture: start/end lines");
    let src = std::fs::read(bk.join("parser-testfile-line/Dockerfile")).unwrap();
    let parsed = parse(&src).unwrap();
    let got = line_ranges(&parsed);
    let root = (got.first().map(|r| r.0), got.last().map(|r| r.1));
    t.check(root == (Some(5), Some(31)), || format!("root {root:?}"));
    t.check(got == [(5, 5), (11, 12), (17, 31)], || {
        format!("children {got:?}")
    });
    t
}

/// Full parse records (`*.parse.json`): dump, per-instruction lines, flags,
/// JSON form, heredocs and warnings.
pub fn check_record(parsed: &Parsed, record: &Value) -> Result<(), String> {
    if parsed.dump() != record["dump"].as_str().unwrap_or_default() {
        return Err(format!("dump differs:\n{}", parsed.dump()));
    }
    let children = record["children"].as_array().cloned().unwrap_or_default();
    if children.len() != parsed.instructions.len() {
        return Err(format!(
            "{} instructions, want {}",
            parsed.instructions.len(),
            children.len()
        ));
    }
    for (ins, child) in parsed.instructions.iter().zip(&children) {
        let got = (
            ins.start_line as u64,
            ins.end_line as u64,
            ins.json,
            ins.flag_texts(),
        );
        let want = (
            child["start_line"].as_u64().unwrap_or(0),
            child["end_line"].as_u64().unwrap_or(0),
            child["json_form"].as_bool().unwrap_or(false),
            strings(&child["flags"]),
        );
        if got != want {
            return Err(format!("{}: got {got:?} want {want:?}", child["original"]));
        }
        let docs: Vec<_> = ins.heredocs.iter().map(heredoc_tuple).collect();
        if docs != reference_heredocs(&child["heredocs"]) {
            return Err(format!("{}: heredocs {docs:?}", child["original"]));
        }
        if String::from_utf8_lossy(ins.original()) != child["original"].as_str().unwrap_or_default()
        {
            return Err(format!(
                "original {:?}",
                String::from_utf8_lossy(ins.original())
            ));
        }
    }
    let warnings: Vec<String> = parsed.warnings.iter().map(|w| w.message.clone()).collect();
    if warnings != strings(&record["warnings"]) {
        return Err(format!("warnings {warnings:?}"));
    }
    Ok(())
}

fn inline(bk: &Path) -> Tally {
    let mut t = Tally::new("inline parser-test Dockerfiles (.parse.json)");
    let dir = bk.join("json/inline");
    let mut records: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().ends_with(".parse.json"))
        .collect();
    records.sort();
    for record_path in records {
        let record = load_json(&record_path);
        let src = std::fs::read(dir.join(record["file"].as_str().unwrap())).unwrap();
        let result = parse(&src)
            .map_err(|e| e.to_string())
            .and_then(|p| check_record(&p, &record));
        t.check(result.is_ok(), || {
            format!("{}: {result:?}", record_path.display())
        });
    }
    t
}
