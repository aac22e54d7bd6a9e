//! The filesystem explorer: the image's union tree after any step, with sizes
//! and the step each path came from, the selected layer's diff, and the space
//! later layers wasted. All figures come from `layerlab_core::report::files`.

use layerlab_core::build::StepStatus;
use layerlab_core::report::files::{listing, wasted_space};
use layerlab_core::report::human_size;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::state::AppState;

#[derive(Properties, PartialEq)]
pub struct ExplorerProps {
    pub state: UseReducerHandle<AppState>,
}

#[function_component(Explorer)]
pub fn explorer(props: &ExplorerProps) -> Html {
    let filter = use_state(String::new);
    let by_size = use_state(|| false);
    let result = props.state.shown().map(|(r, _)| r.clone());
    let at = result.as_ref().and_then(|result| {
        props
            .state
            .selected_step
            // By default the last step that made files (a failed one made none).
            .or_else(|| {
                result
                    .steps
                    .iter()
                    .rposition(|s| s.status != StepStatus::Failed)
            })
    });
    // The listing and the wasted space are worked out again only when the
    // files could differ: another step chosen, another filter or order, or
    // another build of the chosen step or of the image (a keystroke in a
    // later line, or one that hits the cache, leaves them as they were).
    let key = result.as_ref().zip(at).map(|(result, at)| {
        (
            at,
            // An image ID is its config's digest, which names every layer's
            // content: the files, exactly.
            result.steps[at].image_id.clone(),
            result.steps[at].cache_key.clone(),
            result.steps.last().map(|s| s.image_id.clone()),
            result.steps.len(),
            (*filter).clone(),
            *by_size,
        )
    });
    let body = {
        let result = result.clone();
        use_memo(key, move |key| match (result, key) {
            (Some(result), Some((at, .., filter, by_size))) => {
                files_body(&result, *at, filter, *by_size)
            }
            _ => html! {},
        })
    };
    let (Some(result), Some(at)) = (result, at) else {
        return html! {};
    };
    let step = &result.steps[at];
    let on_filter = {
        let filter = filter.clone();
        Callback::from(move |e: InputEvent| {
            filter.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    let toggle = {
        let by_size = by_size.clone();
        Callback::from(move |_| by_size.set(!*by_size))
    };
    html! {
        <div class="explorer" id="explorer">
            <div class="explorer-head">
                { format!("After step {}: ", step.number) }<code>{ &step.instruction }</code>
                <input type="search" placeholder="filter paths" aria-label="Filter paths" oninput={on_filter} value={(*filter).clone()} />
                <button onclick={toggle}>{ if *by_size { "tree order" } else { "largest files" } }</button>
            </div>
            if !step.changes.is_empty() {
                <div class="layer-diff"><strong>{ format!("This layer ({}):", human_size(step.layer_size)) }</strong>
                    <ul>{ for step.changes.iter().take(50).map(|(p, k)| html! {
                        <li class={format!("diff-{}", k.letter())}><code>{ format!("{} {p}", k.letter()) }</code></li>
                    }) }</ul>
                </div>
            }
            { (*body).clone() }
        </div>
    }
}

/// The file table and the wasted space under it, for step `at`.
fn files_body(
    result: &layerlab_core::build::BuildResult,
    at: usize,
    filter: &str,
    by_size: bool,
) -> Html {
    let mut rows = listing(result, at);
    if !filter.is_empty() {
        rows.retain(|r| r.path.contains(filter));
    }
    if by_size {
        rows.retain(|r| r.kind != "dir");
        rows.sort_unstable_by(|a, b| b.size.cmp(&a.size).then_with(|| a.path.cmp(&b.path)));
    }
    let shown = rows.len().min(400);
    let waste = wasted_space(result);
    let wasted: u64 = waste.iter().map(|w| w.size).sum();
    html! {
        <>
            <table class="files">
                <thead><tr><th>{ "Path" }</th><th>{ "Size" }</th><th>{ "From step" }</th></tr></thead>
                <tbody>
                    { for rows.iter().take(shown).map(|r| {
                        let depth = r.path.matches('/').count().saturating_sub(1);
                        let origin = r.origin.and_then(|i| result.steps.get(i)).map(|s| s.number.to_string()).unwrap_or_else(|| "base".into());
                        html! {
                            <tr class={r.kind}>
                                <td style={if by_size { String::new() } else { format!("padding-left:{}em", depth) }}>
                                    <code>{ if by_size { r.path.clone() } else { layerlab_core::fs::path::base_name(&r.path).to_owned() } }{ if r.kind == "dir" { "/" } else { "" } }</code>
                                </td>
                                <td class="size">{ human_size(r.size) }</td>
                                <td>{ origin }</td>
                            </tr>
                        }
                    }) }
                </tbody>
            </table>
            if rows.len() > shown { <p class="more">{ format!("… {} more (filter to narrow)", rows.len() - shown) }</p> }
            if wasted > 0 {
                <div class="waste" id="waste"><strong>{ format!("Wasted space: {}", human_size(wasted)) }</strong>
                    { " — files written by one layer and hidden by a later one still ship in the image." }
                    <ul>{ for waste.iter().take(20).map(|w| html! {
                        <li><code>{ &w.path }</code>{ format!(" {} (step {} → hidden by step {})", human_size(w.size),
                            result.steps[w.written_by].number, result.steps[w.hidden_by].number) }</li>
                    }) }</ul>
                </div>
            }
        </>
    }
}
