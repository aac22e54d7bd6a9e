//! Output tabs: the filesystem, the build log (BuildKit plain and classic),
//! `docker history`, `docker images` and an inspect-like config. Every text is
//! formatted by `layerlab_core::report`.

use layerlab_core::image::short_id;
use layerlab_core::report::docker::{history, images, ImageRow};
use layerlab_core::report::logs;
use layerlab_core::report::size::human_size;
use layerlab_core::session::View;
use yew::prelude::*;

use super::explorer::Explorer;
use crate::state::{Action, AppState, OutputTab};

#[derive(Properties)]
pub struct OutputProps {
    pub state: UseReducerHandle<AppState>,
    /// What it renders from, taken when the page renders (the handle
    /// itself reads the latest state).
    pub panels: crate::state::PanelsKey,
    /// Tabs to offer (embed mode can limit them).
    pub tabs: Vec<OutputTab>,
}

/// Rendered again only when what it shows changes (not on a keystroke).
impl PartialEq for OutputProps {
    fn eq(&self, other: &Self) -> bool {
        self.panels == other.panels && self.tabs == other.tabs
    }
}

fn now() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}

#[function_component(Output)]
pub fn output(props: &OutputProps) -> Html {
    let state = &props.state;
    let Some((result, stale)) = state.shown() else {
        return html! {};
    };
    let tab = if props.tabs.contains(&state.tab) {
        state.tab
    } else {
        props.tabs.first().copied().unwrap_or(OutputTab::Files)
    };
    let label = |t: OutputTab| match t {
        OutputTab::Files => "Filesystem",
        OutputTab::Log => "Build log",
        OutputTab::ClassicLog => "Classic log",
        OutputTab::History => "docker history",
        OutputTab::Images => "docker images",
        OutputTab::Inspect => "Inspect",
        OutputTab::Hints => "Hints",
        OutputTab::Terminal => "Terminal",
    };
    let buttons = props.tabs.iter().map(|&t| {
        let state = state.clone();
        html! {
            <button role="tab" class={classes!("out-tab", (t == tab).then_some("active"))} aria-selected={(t == tab).to_string()}
                id={tab_id(t)} onclick={Callback::from(move |_| state.dispatch(Action::Tab(t)))}>{ label(t) }</button>
        }
    });
    let text = |t: String| html! { <pre class="out-text" id="out-text">{ t }</pre> };
    let body = match tab {
        OutputTab::Files => html! { <Explorer state={state.clone()} /> },
        OutputTab::Log => text(logs::plain(result, state.dockerfile().as_bytes())),
        OutputTab::ClassicLog => text(logs::classic(result)),
        OutputTab::History => match &result.image {
            Some(image) => text(history(&image.history_rows(), Some(now()))),
            None => text("No image: the build did not finish.".into()),
        },
        OutputTab::Images => images_view(&state.view),
        OutputTab::Terminal => html! { <super::terminal::Terminal state={state.clone()} /> },
        OutputTab::Hints => html! {},
        OutputTab::Inspect => match &result.image {
            Some(image) => {
                let inspect = serde_json::json!({
                    "Id": image.id,
                    "RepoTags": image.tags,
                    "Size": image.size,
                    "Config": image.config.config,
                    "Os": image.config.os,
                    "Architecture": image.config.architecture,
                    "RootFS": { "Type": "layers", "Layers": image.config.rootfs.diff_ids },
                });
                text(format!(
                    "{}\n# short ID {}",
                    serde_json::to_string_pretty(&inspect).unwrap_or_default(),
                    short_id(&image.id)
                ))
            }
            None => text("No image: the build did not finish.".into()),
        },
    };
    let body = if tab == OutputTab::Hints {
        hints_view(state)
    } else {
        body
    };
    html! {
        <section class={classes!("output", stale.then_some("stale"))} aria-label="Output">
            <div class="out-tabs" role="tablist">{ for buttons }</div>
            <div class="out-body" role="tabpanel" tabindex="0" aria-labelledby={tab_id(tab)}>{ body }</div>
        </section>
    }
}

/// The session's images: `docker images` as Docker prints it, then each
/// image's layers as blocks, a layer held by several images drawn in the
/// same colour with how many hold it.
fn images_view(view: &View) -> Html {
    let rows: Vec<ImageRow> = view
        .images
        .iter()
        .flat_map(|i| ImageRow::for_tags(&i.tags, &i.id, i.created.as_deref(), i.size))
        .collect();
    if rows.is_empty() {
        return html! { <p class="hint-none" id="images">{ "No images yet: build one (the layers panel builds as you type; docker build in the terminal tags one)." }</p> };
    }
    let hue = |id: &str| u32::from_str_radix(id.get(..6).unwrap_or("0"), 16).unwrap_or(0) % 360;
    html! {
        <div id="images">
            <pre class="out-text" id="out-text">{ images(&rows, Some(view.now)) }</pre>
            <ul class="image-layers" aria-label="Layers of each image">
                { for view.images.iter().map(|i| html! {
                    <li>
                        <span class="image-name">{ i.tags.first().cloned().unwrap_or_else(|| short_id(&i.id).to_owned()) }</span>
                        <span class="layer-strip">
                            { for i.layers.iter().map(|l| {
                                let shared = l.shared_by > 1;
                                let style = format!("background: hsl({} 55% 55%); flex-grow: {}", hue(&l.id), (l.size.max(1) as f64).log10().max(1.0));
                                let title = format!("{} · {}{}{}", l.id, human_size(l.size),
                                    if shared { format!(" · in {} images", l.shared_by) } else { String::new() },
                                    l.origin.as_ref().map(|o| format!(" · from {o}")).unwrap_or_default());
                                html! { <span class={classes!("layer-block", shared.then_some("shared"))} {style} title={title.clone()} aria-label={title}>
                                    if shared { { format!("×{}", l.shared_by) } }
                                </span> }
                            }) }
                        </span>
                        if !i.pushed.is_empty() { <span class="pushed">{ format!("pushed: {}", i.pushed.join(", ")) }</span> }
                    </li>
                }) }
            </ul>
        </div>
    }
}

/// The hints, each with its lines, its measured effect and, where the fix is
/// mechanical, a button that applies it to the Dockerfile.
fn hints_view(state: &UseReducerHandle<AppState>) -> Html {
    let hints = state.hints();
    if hints.is_empty() {
        return html! { <p class="hint-none" id="hints">{ "No hints: nothing here that layerlab knows how to improve." }</p> };
    }
    html! {
        <ul class="hints" id="hints">
            { for hints.into_iter().map(|h| {
                let lines = h.lines.iter().map(|l| l.to_string()).collect::<Vec<_>>().join(", ");
                let apply = match (h.fix, h.writes) {
                    (Some(fix), _) => {
                        let state = state.clone();
                        Some(Callback::from(move |_| {
                            state.dispatch(Action::Edit(0, fix.clone()));
                            state.dispatch(Action::Build);
                        }))
                    }
                    (None, Some((name, text))) => {
                        let state = state.clone();
                        Some(Callback::from(move |_| {
                            state.dispatch(Action::WriteFile(name.clone(), text.clone()))
                        }))
                    }
                    _ => None,
                };
                html! {
                    <li class="hint" data-kind={h.kind}>
                        <span class="pos">{ format!("line {lines}") }</span>{ h.message }
                        if let Some(apply) = apply {
                            { " " }<button class="apply-fix" onclick={apply}>{ "Apply fix" }</button>
                        }
                    </li>
                }
            }) }
        </ul>
    }
}

/// A tab button's id (`tab-files`, `tab-log`, …), which its panel is
/// labelled by.
fn tab_id(tab: OutputTab) -> String {
    format!("tab-{tab:?}").to_ascii_lowercase()
}
