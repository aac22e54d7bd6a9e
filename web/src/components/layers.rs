//! The layers panel: one row per step (status, size, time), the first miss
//! and what it forced to rebuild, a stacked bar of layer sizes, the image size
//! and the time the cache saved.

use layerlab_core::build::{MissReason, StepStatus};
use layerlab_core::report::human_size;
use layerlab_core::report::time::seconds;
use yew::prelude::*;

use crate::state::{Action, AppState};

/// Rows the steps table lists (the selected step is always listed too): a
/// 10,000-line Dockerfile would otherwise re-render 10,000 rows a keystroke.
const MAX_ROWS: usize = 200;

/// Steps named in the first-miss sentence before "and N more".
const MAX_NAMED: usize = 20;

/// Bar segments narrower than this share of all layers (in hundredths of a
/// percent) are drawn as one "smaller layers" segment.
const MIN_SEGMENT: u64 = 20;

#[derive(Properties)]
pub struct LayersProps {
    pub state: UseReducerHandle<AppState>,
    /// What it renders from, taken when the page renders (the handle
    /// itself reads the latest state).
    pub panels: crate::state::PanelsKey,
}

/// Rendered again only when what it shows changes (not on a keystroke).
impl PartialEq for LayersProps {
    fn eq(&self, other: &Self) -> bool {
        self.panels == other.panels
    }
}

#[function_component(Layers)]
pub fn layers(props: &LayersProps) -> Html {
    let state = &props.state;
    let Some((result, stale)) = state.shown() else {
        return html! { <section class="layers" id="layers" aria-label="Layers" tabindex="0"><p>{ "Nothing built yet." }</p></section> };
    };
    let image_size = result.image.as_ref().map(|i| i.size).unwrap_or(0);
    let cached = result
        .steps
        .iter()
        .filter(|s| s.status == StepStatus::Cached)
        .count();
    let first_miss = result.steps.iter().find(|s| {
        s.miss.is_some()
            && s.miss_text
                .as_deref()
                .is_some_and(|t| !t.starts_with("parent layer"))
    });
    let rebuilt_after: Vec<usize> = match first_miss {
        Some(m) => result
            .steps
            .iter()
            .filter(|s| s.number > m.number && s.stage == m.stage && s.miss.is_some())
            .map(|s| s.number)
            .collect(),
        None => Vec::new(),
    };
    let total_layers: u64 = result
        .steps
        .iter()
        .filter(|s| s.makes_layer)
        .map(|s| s.layer_size)
        .sum::<u64>()
        .max(1);
    let share = |size: u64| u128::from(size) * 10_000 / u128::from(total_layers);
    let small: Vec<&layerlab_core::build::StepResult> = result
        .steps
        .iter()
        .filter(|s| {
            s.makes_layer && s.layer_size > 0 && share(s.layer_size) < u128::from(MIN_SEGMENT)
        })
        .collect();
    let small_size: u64 = small.iter().map(|s| s.layer_size).sum();
    let bar = result.steps.iter().enumerate().filter(|(_, s)| s.makes_layer && s.layer_size > 0 && share(s.layer_size) >= u128::from(MIN_SEGMENT)).map(|(i, s)| {
        let pct = s.layer_size as f64 * 100.0 / total_layers as f64;
        let select = {
            let state = state.clone();
            Callback::from(move |_| state.dispatch(Action::SelectStep(Some(i))))
        };
        html! {
            <div class={classes!("bar-seg", format!("st-{:?}", s.status).to_ascii_lowercase(), (state.selected_step == Some(i)).then_some("selected"))}
                 style={format!("width:{pct:.2}%")} title={format!("{} — {}", s.instruction, human_size(s.layer_size))} onclick={select} />
        }
    });
    let small_segment = (small_size > 0).then(|| {
        let pct = small_size as f64 * 100.0 / total_layers as f64;
        html! {
            <div class="bar-seg smaller" style={format!("width:{pct:.2}%")}
                 title={format!("{} smaller layers — {}", small.len(), human_size(small_size))} />
        }
    });
    let unlisted = result.steps.len().saturating_sub(MAX_ROWS);
    let rows = result.steps.iter().enumerate().filter(|(i, _)| *i < MAX_ROWS || state.selected_step == Some(*i)).map(|(i, s)| {
        let status = match (s.status, s.makes_layer) {
            // The first FROM of an image in the session pulls it.
            _ if s.pulled.is_some() => "PULLED",
            (StepStatus::Cached, _) => "CACHED",
            (StepStatus::Failed, _) => "FAILED",
            (StepStatus::Built, true) => "BUILT",
            (StepStatus::Built, false) => "metadata",
        };
        let select = {
            let state = state.clone();
            Callback::from(move |_| state.dispatch(Action::SelectStep(Some(i))))
        };
        // A row is chosen with the keyboard too: Tab to it, then Enter or Space.
        let onkeydown = {
            let state = state.clone();
            Callback::from(move |e: KeyboardEvent| {
                if e.key() == "Enter" || e.key() == " " {
                    e.prevent_default();
                    state.dispatch(Action::SelectStep(Some(i)));
                }
            })
        };
        let title = s.miss_text.clone().unwrap_or_default();
        html! {
            <tr class={classes!("step", format!("status-{}", status.to_ascii_lowercase()), (state.selected_step == Some(i)).then_some("selected"))}
                onclick={select} {onkeydown} tabindex="0" data-step={s.number.to_string()} data-line={s.line.to_string()} {title}>
                <td class="num">{ s.number }</td>
                <td class="ins"><code>{ &s.instruction }</code>
                    if let Some(why) = &s.miss_text { <div class="why">{ why }</div> }
                    { for s.notes.iter().map(|n| html! { <div class={classes!("note", n.is_unsimulated().then_some("unsimulated"))}>{ &n.text }</div> }) }
                    // A failed step's last output lines say why (the full log is in the Build log tab).
                    if s.status == StepStatus::Failed {
                        { for s.output.iter().skip(s.output.len().saturating_sub(3)).map(|l| html! { <div class="failure">{ l }</div> }) }
                    }
                </td>
                <td><span class={classes!("badge", status.to_ascii_lowercase())}>{ status }</span></td>
                <td class="size">{ if s.makes_layer { human_size(s.layer_size) } else { "—".into() } }</td>
                <td class="time">{ match (&s.pulled, s.status) {
                    (Some(p), _) => seconds(p.duration_ms),
                    (None, StepStatus::Cached) => "—".into(),
                    _ => seconds(s.duration_ms),
                } }</td>
            </tr>
        }
    });
    html! {
        <section class={classes!("layers", stale.then_some("stale"))} id="layers" aria-label="Layers" tabindex="0"
                 data-builds={state.builds.to_string()} data-build-ms={format!("{:.2}", state.last_build_ms)}>
            <div class="summary">
                if result.image.is_some() {
                    <strong id="image-size">{ human_size(image_size) }</strong>{ " image · " }
                } else {
                    <strong id="image-size" class="failed">{ "build failed" }</strong>{ " · " }
                }
                { format!("{} steps, {} cached", result.steps.len(), cached) }
                { " · cache saved " }<span id="time-saved">{ seconds(result.saved_ms) }</span>
                if stale { <span class="stale-note">{ " · showing the last build that worked" }</span> }
            </div>
            if cached == 0 && first_miss.is_some_and(|m| m.miss == Some(MissReason::NotBuiltBefore)) {
                <div class="miss first" id="first-miss">{ "First build: nothing was in the cache yet, so every step ran. Edit a file to see what the cache keeps." }</div>
            } else if let Some(m) = first_miss {
                <div class="miss" id="first-miss">
                    { format!("Step {} missed the cache: {}", m.number, m.miss_text.clone().unwrap_or_default()) }
                    if !rebuilt_after.is_empty() {
                        { format!(" — so step{} {} rebuilt too.", if rebuilt_after.len() > 1 { "s" } else { "" }, named(&rebuilt_after)) }
                    }
                </div>
            }
            if let Some(e) = &result.error {
                <div class="build-error" id="build-error">{ format!("line {}: {}", e.line.unwrap_or(1), e.message) }</div>
            }
            <div class="bar" aria-label="Layer sizes">{ for bar }{ for small_segment }</div>
            <table class="steps" id="steps">
                <thead><tr><th>{ "#" }</th><th>{ "Instruction" }</th><th>{ "Cache" }</th><th>{ "Size" }</th><th>{ "Time" }</th></tr></thead>
                <tbody>{ for rows }</tbody>
            </table>
            if unlisted > 0 {
                <p class="more" id="unlisted-steps">{ format!("… {unlisted} more steps not listed (the totals, the bar and the logs include them; select a line in the editor to see its step)") }</p>
            }
        </section>
    }
}

/// `6, 7, 8` or, past [`MAX_NAMED`], `6, 7, … and 9,980 more`.
fn named(steps: &[usize]) -> String {
    let shown: Vec<String> = steps
        .iter()
        .take(MAX_NAMED)
        .map(|n| n.to_string())
        .collect();
    match steps.len().checked_sub(MAX_NAMED) {
        Some(more) if more > 0 => format!("{} and {more} more", shown.join(", ")),
        _ => shown.join(", "),
    }
}
