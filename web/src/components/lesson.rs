//! The lesson panel: the current step's prose, its goals ticking as the
//! learner edits (each checked against the build by the core), and the way
//! to the next step.

use yew::prelude::*;

use crate::state::{Action, AppState};

#[derive(Properties, PartialEq)]
pub struct LessonProps {
    pub state: UseReducerHandle<AppState>,
}

#[function_component(LessonPanel)]
pub fn lesson_panel(props: &LessonProps) -> Html {
    let state = &props.state;
    let step_index = state.lesson.as_ref().map(|(_, s)| *s);
    let verdicts = {
        let state = state.clone();
        use_memo((state.builds, step_index), move |_| state.lesson_verdicts())
    };
    let Some((lesson, at)) = &state.lesson else {
        return html! {};
    };
    let Some(step) = lesson.steps.get(*at) else {
        return html! {};
    };
    let all_met = !verdicts.is_empty() && verdicts.iter().all(|(_, v)| v.met);
    let go = |i: usize| {
        let state = state.clone();
        Callback::from(move |_| state.dispatch(Action::LessonStep(i)))
    };
    let close = {
        let state = state.clone();
        Callback::from(move |_| state.dispatch(Action::EndLesson))
    };
    let prose = if *at == 0 && !lesson.intro.is_empty() {
        format!("{}\n\n{}", lesson.intro, step.prose)
    } else {
        step.prose.clone()
    };
    html! {
        <section class="lesson" id="lesson" aria-label="Lesson">
            <div class="lesson-head">
                <strong>{ &lesson.title }</strong>
                <span class="lesson-step">{ format!("step {} of {}: {}", at + 1, lesson.steps.len(), step.title) }</span>
                <button class="lesson-close" aria-label="Close the lesson" onclick={close}>{ "×" }</button>
            </div>
            { for prose.split("\n\n").filter(|p| !p.trim().is_empty()).map(|p| html! { <p>{ p.replace('\n', " ") }</p> }) }
            <ul class="goals" id="goals">
                { for verdicts.iter().map(|(goal, v)| html! {
                    <li class={if v.met { "goal met" } else { "goal unmet" }} data-met={v.met.to_string()}>
                        <span class="tick" aria-hidden="true">{ if v.met { "✓" } else { "✗" } }</span>
                        { describe(goal) }<span class="goal-detail">{ format!(" — {}", v.detail) }</span>
                    </li>
                }) }
            </ul>
            <div class="lesson-nav">
                if *at > 0 { <button onclick={go(at - 1)}>{ "Previous step" }</button> }
                if *at + 1 < lesson.steps.len() {
                    <button id="lesson-next" disabled={!all_met} onclick={go(at + 1)}>{ "Next step" }</button>
                } else if all_met {
                    <span class="lesson-done" id="lesson-done">{ "Lesson complete." }</span>
                }
            </div>
        </section>
    }
}

/// A goal in words.
fn describe(goal: &layerlab_core::lessons::Goal) -> String {
    use layerlab_core::lessons::{Cmp, Goal};
    let cmp = |c: &Cmp| match c {
        Cmp::Lt => "under",
        Cmp::Le => "at most",
        Cmp::Gt => "over",
        Cmp::Ge => "at least",
    };
    let size = |n: &u64| layerlab_core::report::human_size(*n);
    match goal {
        Goal::BuildSucceeds => "The build succeeds".into(),
        Goal::ImageSize(c, n) => format!("The image is {} {}", cmp(c), size(n)),
        Goal::ContextSize(c, n) => format!("The build context is {} {}", cmp(c), size(n)),
        Goal::AtMostLayers(n) => format!("At most {n} layers"),
        Goal::CachedAfterEdit { step, file } => {
            format!("`{step}` stays cached when {file} changes")
        }
        Goal::CachedAfterBuildArg { step, arg } => {
            format!("`{step}` stays cached when {arg} changes")
        }
        Goal::HasNo(p) => format!("The final image has no {p}"),
        Goal::Has(p) => format!("The final image has {p}"),
        Goal::StageNotInImage(s) => format!("Stage {s} is not in the final image"),
        Goal::NoChecks => "No build-check warnings".into(),
        Goal::NoHint(k) => format!("No {k} hint"),
    }
}
