//! The lesson panel: the current step's prose, its goals ticking as the
//! learner edits (each checked against the build by the core), and the way
//! to the next step.

use yew::prelude::*;

use crate::state::{Action, AppState};

#[derive(Properties)]
pub struct LessonProps {
    pub state: UseReducerHandle<AppState>,
    /// What it renders from, taken when the page renders (the handle
    /// itself reads the latest state).
    pub panels: crate::state::PanelsKey,
}

/// Rendered again only when what it shows changes (not on a keystroke).
impl PartialEq for LessonProps {
    fn eq(&self, other: &Self) -> bool {
        self.panels == other.panels
    }
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
                        { goal.describe() }<span class="goal-detail">{ format!(" — {}", v.detail) }</span>
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
