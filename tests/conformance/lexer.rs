//! Shell-lexer vectors: envVarTest, wordsTest and the ProcessWithMatches table.

use std::collections::BTreeSet;
use std::path::Path;

use layerlab_core::expand::{Env, Lexer};
use layerlab_tests::Tally;

use crate::{load_json, strings};

pub fn run(dir: &Path) -> Vec<Tally> {
    let json = dir.join("buildkit/json");
    vec![
        env_var_test(&json),
        words_test(&json),
        words_raw(&json),
        with_matches(&json),
    ]
}

fn env_var_test(json: &Path) -> Tally {
    let mut t = Tally::new("envVarTest (single-word mode, exact error text)");
    let data = load_json(&json.join("envVarTest.json"));
    let env = Env::from_pairs(strings(&data["env"]));
    for case in data["cases"].as_array().unwrap() {
        let input = case["input"].as_str().unwrap();
        let mut lexer = Lexer::new('\\');
        // `W` vectors are BuildKit's Windows behaviour: names compare case-insensitively.
        lexer.case_insensitive_env = case["platform"] == "W";
        let got = lexer.expand_word(input, &env);
        let ok = if case["expect_error"].as_bool() == Some(true) {
            got.as_ref().err().map(|e| e.message.as_str()) == case["reference_error"].as_str()
        } else {
            got.as_deref().ok() == case["expect"].as_str()
        };
        t.check(ok, || {
            format!("line {}: {input:?} -> {got:?}", case["line"])
        });
    }
    t
}

fn words_test(json: &Path) -> Tally {
    let mut t = Tally::new("wordsTest (word-splitting mode)");
    let data = load_json(&json.join("wordsTest.json"));
    for case in data["cases"].as_array().unwrap() {
        let input = case["input"].as_str().unwrap();
        let env = Env::from_pairs(strings(&case["env"]));
        let got = Lexer::new('\\').expand_words(input, &env);
        let ok = match case.get("expect_words") {
            Some(words) if !words.is_null() => got.as_ref().ok() == Some(&strings(words)),
            _ => got.as_ref().err().map(|e| e.message.as_str()) == case["reference_error"].as_str(),
        };
        t.check(ok, || {
            format!("line {}: {input:?} -> {got:?}", case["line"])
        });
    }
    t
}

/// The mode BuildKit's test meant to run second: raw quotes, unset variables kept.
fn words_raw(json: &Path) -> Tally {
    let mut t = Tally::new("wordsTest with raw quotes + unset kept (reference)");
    let data = load_json(&json.join("wordsTest.json"));
    for case in data["cases"].as_array().unwrap() {
        let input = case["input"].as_str().unwrap();
        let env = Env::from_pairs(strings(&case["env"]));
        let mut lexer = Lexer::new('\\');
        lexer.raw_quotes = true;
        lexer.skip_unset_env = true;
        let got = lexer.expand_words(input, &env);
        let want = &case["reference_words_rawquotes_skipunset"];
        // The reference is either the words or the error message.
        let ok = match want.as_str() {
            Some(message) => got.as_ref().err().map(|e| e.message.as_str()) == Some(message),
            None => got.as_ref().ok() == Some(&strings(want)),
        };
        t.check(ok, || {
            format!("line {}: {input:?} -> {got:?}", case["line"])
        });
    }
    t
}

fn with_matches(json: &Path) -> Tally {
    let mut t = Tally::new("processWithMatches (result, matched, unmatched)");
    let data = load_json(&json.join("processWithMatches.json"));
    for case in data["cases"].as_array().unwrap() {
        let input = case["input"].as_str().unwrap();
        let mut env = Env::new();
        for (k, v) in case["env"].as_object().unwrap() {
            env.set(k, v.as_str().unwrap_or_default());
        }
        let got = Lexer::new('\\').expand(input, &env);
        let set = |v: &serde_json::Value| strings(v).into_iter().collect::<BTreeSet<_>>();
        let ok = match &got {
            Ok(e) => {
                Some(e.result.as_str()) == case["expect"].as_str()
                    && e.matched == set(&case["expect_matched"])
                    && e.unmatched == set(&case["expect_unmatched"])
            }
            Err(_) => case["expect_error"].as_bool() == Some(true),
        };
        t.check(ok, || format!("{input:?} -> {got:?}"));
    }
    t
}
