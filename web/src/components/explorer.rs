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
    let Some((result, _)) = props.state.shown() else {
        return html! {};
    };
    let Some(at) = props
        .state
        .selected_step
        // By default the last step that made files (a failed one made none).
        .or_else(|| {
            result
                .steps
                .iter()
                .rposition(|s| s.status != StepStatus::Failed)
        })
    else {
        return html! {};
    };
    let step = &result.steps[at];
    let mut rows = listing(result, at);
    if !filter.is_empty() {
        rows.retain(|r| r.path.contains(filter.as_str()));
    }
    if *by_size {
        rows.retain(|r| r.kind != "dir");
        rows.sort_unstable_by(|a, b| b.size.cmp(&a.size).then_with(|| a.path.cmp(&b.path)));
    }
    let shown = rows.len().min(400);
    let waste = wasted_space(result);
    let wasted: u64 = waste.iter().map(|w| w.size).sum();
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
            <table class="files">
                <thead><tr><th>{ "Path" }</th><th>{ "Size" }</th><th>{ "From step" }</th></tr></thead>
                <tbody>
                    { for rows.iter().take(shown).map(|r| {
                        let depth = r.path.matches('/').count().saturating_sub(1);
                        let origin = r.origin.and_then(|i| result.steps.get(i)).map(|s| s.number.to_string()).unwrap_or_else(|| "base".into());
                        html! {
                            <tr class={r.kind}>
                                <td style={if *by_size { String::new() } else { format!("padding-left:{}em", depth) }}>
                                    <code>{ if *by_size { r.path.clone() } else { layerlab_core::fs::path::base_name(&r.path).to_owned() } }{ if r.kind == "dir" { "/" } else { "" } }</code>
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
        </div>
    }
}
