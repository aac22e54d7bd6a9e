//! BuildKit's small helper tables (`helpers.json`): word splitting, JSON arrays,
//! heredoc words, directives, required variables, patterns, environments.
//! (`detect_syntax` and `parse_directive_check`, front-end selection helpers
//! that layerlab does not implement, are not in these counts.)

use std::path::Path;

use layerlab_core::expand::{pattern, Env, Lexer};
use layerlab_core::syntax::{
    chomp_content, heredocs_from_line, parse, parse_heredoc, parse_lenient,
};
use layerlab_tests::Tally;
use serde_json::Value;

use crate::{load_json, strings};

pub fn run(dir: &Path) -> Vec<Tally> {
    let data = load_json(&dir.join("buildkit/json/helpers.json"));
    let mut t = Tally::new("helpers.json tables (words, JSON, heredocs, patterns, env)");
    for case in data["parseWords"].as_array().unwrap() {
        let dump = parse(case["observable_as"].as_str().unwrap().as_bytes())
            .map(|p| p.instructions[0].dump());
        t.check(
            dump.as_deref().ok() == case["reference_dump"].as_str(),
            || format!("parseWords {case} -> {dump:?}"),
        );
    }
    let arrays = &data["jsonArrays"];
    for case in arrays["valid"].as_array().unwrap() {
        let src = format!("CMD {}", case["input"].as_str().unwrap());
        let got = parse(src.as_bytes()).map(|p| (p.instructions[0].dump(), p.instructions[0].json));
        let ok = got.as_ref().ok()
            == Some(&(
                case["reference_dump_as_CMD"].as_str().unwrap().to_owned(),
                true,
            ));
        t.check(ok, || format!("jsonArrays {case} -> {got:?}"));
    }
    for case in arrays["invalid_not_string_array"].as_array().unwrap() {
        let src = format!("CMD {}", case["input"].as_str().unwrap());
        let err = parse(src.as_bytes()).err().map(|e| e.message);
        t.check(
            err.as_deref() == case["reference_error_as_CMD"].as_str(),
            || format!("jsonArrays {case} -> {err:?}"),
        );
    }
    let words = &data["parseHeredocWord"];
    for w in strings(&words["valid_name_EOF"]) {
        let got = parse_heredoc(&w);
        t.check(matches!(&got, Ok(Some(h)) if h.name == "EOF"), || {
            format!("heredoc word {w:?} -> {got:?}")
        });
    }
    for w in strings(&words["invalid_error"]) {
        t.check(parse_heredoc(&w).is_err(), || {
            format!("heredoc word {w:?} accepted")
        });
    }
    for w in strings(&words["not_heredoc"]) {
        let got = parse_heredoc(&w);
        t.check(matches!(got, Ok(None)), || {
            format!("heredoc word {w:?} -> {got:?}")
        });
    }
    for case in data["heredocsFromLine"].as_array().unwrap() {
        let got: Vec<String> = heredocs_from_line(case["line"].as_str().unwrap())
            .map(|docs| docs.into_iter().map(|d| d.name).collect())
            .unwrap_or_default();
        t.check(got == strings(&case["reference_heredocs"]), || {
            format!("heredocsFromLine {case} -> {got:?}")
        });
    }
    for case in data["chompHeredocContent"].as_array().unwrap() {
        let got = chomp_content(case["input"].as_str().unwrap());
        t.check(Some(got.as_str()) == case["expect"].as_str(), || {
            format!("chomp {case} -> {got:?}")
        });
    }
    for case in data["directives"].as_array().unwrap() {
        let Some(text) = case["text"].as_str() else {
            continue;
        };
        let (parsed, _) = parse_lenient(text.as_bytes());
        let got: Vec<Value> = parsed
            .directives
            .iter()
            .map(|d| Value::from(vec![d.name.clone(), d.value.clone()]))
            .collect();
        t.check(
            Value::from(got.clone()) == case["expect_directives"],
            || format!("directives {case} -> {got:?}"),
        );
    }
    for group in ["mandatoryEnvVars", "platformTemplate"] {
        for case in data[group].as_array().unwrap() {
            let input = case["input"].as_str().unwrap();
            let got = Lexer::new('\\').expand_word(input, &Env::from_pairs(strings(&case["env"])));
            let ok = match &got {
                Ok(s) => Some(s.as_str()) == case["reference"].as_str(),
                Err(e) => Some(e.message.as_str()) == case["reference"].as_str(),
            };
            t.check(ok, || format!("{group} {case} -> {got:?}"));
        }
    }
    let regexes = &data["shellPatternToRegex"];
    for (input, want) in regexes["valid"].as_object().unwrap() {
        let got = pattern::shell_pattern_to_regex(input, true, true).map(|r| r.as_str().to_owned());
        t.check(got.as_deref().ok() == want.as_str(), || {
            format!("pattern {input:?} -> {got:?}")
        });
    }
    for input in strings(&regexes["invalid"]) {
        t.check(
            pattern::shell_pattern_to_regex(&input, true, true).is_err(),
            || format!("pattern {input:?} accepted"),
        );
    }
    for (input, want) in data["reversePattern"].as_object().unwrap() {
        let got = pattern::reverse_pattern(input);
        t.check(Some(got.as_str()) == want.as_str(), || {
            format!("reverse {input:?} -> {got:?}")
        });
    }
    for case in data["getEnv"]["cases"].as_array().unwrap() {
        let env = Env::from_pairs(strings(&case[0]));
        let got = env
            .get(case[1].as_str().unwrap())
            .unwrap_or_default()
            .to_owned();
        t.check(Some(got.as_str()) == case[2].as_str(), || {
            format!("getEnv {case} -> {got:?}")
        });
    }
    vec![t]
}
