//! Every lesson in `data/lessons`: it parses, its starting files fail at
//! least one goal of each step, and its reference solution meets every goal.
//! Prints each lesson's goals with their verdicts.

use layerlab_core::build::what_if::Inputs;
use layerlab_core::build::{build, BuildOptions, Builder, CacheStore, Context};
use layerlab_core::lessons::{self, Lesson};
use layerlab_core::shell::ShellExecutor;

/// Builds `files` as the lesson says; (goal, met, detail) for every goal.
fn verdicts(lesson: &Lesson, files: &[(String, String)]) -> Vec<(String, bool, String)> {
    let dockerfile = files
        .iter()
        .find(|(f, _)| f == "Dockerfile")
        .unwrap()
        .1
        .clone();
    let mut context = Context::new();
    for (name, body) in files.iter().filter(|(f, _)| f != "Dockerfile") {
        context.add(name, body.as_bytes());
    }
    let options = BuildOptions {
        catalog_date: lesson.date.clone(),
        builder: if lesson.builder == "classic" {
            Builder::Classic
        } else {
            Builder::BuildKit
        },
        ..BuildOptions::default()
    };
    let catalog = layerlab_tests::catalog();
    let executor = ShellExecutor::from_data_dir(&layerlab_tests::data_dir());
    let mut cache = CacheStore::new();
    let result = build(
        dockerfile.as_bytes(),
        &context,
        &catalog,
        &options,
        &mut cache,
        &executor,
    );
    let inputs = Inputs {
        dockerfile: dockerfile.as_bytes(),
        context: &context,
        catalog: &catalog,
        options: &options,
        executor: &executor,
    };
    lesson
        .steps
        .iter()
        .flat_map(|step| lessons::check(step, &inputs, &cache, &result))
        .map(|(g, v)| (format!("{g:?}"), v.met, v.detail))
        .collect()
}

#[test]
fn each_lesson_starts_unmet_and_its_solution_meets_every_goal() {
    let dir = layerlab_tests::data_dir().join("lessons");
    let order: Vec<String> =
        serde_json::from_str(&std::fs::read_to_string(dir.join("order.json")).unwrap()).unwrap();
    assert!(order.len() >= 8, "{} lessons", order.len());
    for id in order {
        let text = std::fs::read_to_string(dir.join(format!("{id}.md"))).unwrap();
        let lesson = lessons::parse(&text).unwrap_or_else(|e| panic!("{id}: {e}"));
        assert!(
            !lesson.steps.is_empty() && lesson.steps.iter().all(|s| !s.goals.is_empty()),
            "{id}"
        );
        let start = verdicts(&lesson, &lesson.files);
        let solved = verdicts(&lesson, &lesson.solved_files());
        println!("lesson {id}: {}", lesson.title);
        for ((goal, met0, d0), (_, met1, d1)) in start.iter().zip(&solved) {
            println!(
                "    {goal}: start {} ({d0}); solution {} ({d1})",
                if *met0 { "met" } else { "unmet" },
                if *met1 { "met" } else { "unmet" }
            );
        }
        assert!(
            start.iter().any(|(_, met, _)| !met),
            "{id}: the starting files already meet every goal"
        );
        assert!(
            solved.iter().all(|(_, met, _)| *met),
            "{id}: the solution misses a goal: {solved:?}"
        );
    }
}

#[test]
fn goals_read_as_documented_and_bad_lines_say_so() {
    use layerlab_core::lessons::{Cmp, Goal};
    assert_eq!(
        Goal::parse("image size < 150MB").unwrap(),
        Goal::ImageSize(Cmp::Lt, 150_000_000)
    );
    assert_eq!(
        Goal::parse("context size <= 2kB").unwrap(),
        Goal::ContextSize(Cmp::Le, 2_000)
    );
    assert_eq!(
        Goal::parse("at most 3 layers").unwrap(),
        Goal::AtMostLayers(3)
    );
    assert_eq!(
        Goal::parse("step \"RUN pip install\" is CACHED after editing app.py").unwrap(),
        Goal::CachedAfterEdit {
            step: "RUN pip install".into(),
            file: "app.py".into()
        }
    );
    assert!(Goal::parse("image is nice")
        .unwrap_err()
        .contains("not a goal layerlab knows"));
    let e = lessons::parse("---\ntitle: x\n---\n```dockerfile file=Dockerfile\nFROM a\n```\n```goals\nbuild succeeds\n```\n").unwrap_err();
    assert!(e.contains("goals before the first"), "{e}");
}
