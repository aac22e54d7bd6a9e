//! The toolbar: examples, rebuild, clear cache, share, reset, builder and
//! catalog date.

use layerlab_core::build::Builder;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::share::Snapshot;
use crate::state::{Action, AppState};

#[derive(Properties, PartialEq)]
pub struct ToolbarProps {
    pub state: UseReducerHandle<AppState>,
    pub on_share: Callback<()>,
    pub on_reset: Callback<()>,
}

#[function_component(Toolbar)]
pub fn toolbar(props: &ToolbarProps) -> Html {
    let state = &props.state;
    let on_example = {
        let state = state.clone();
        Callback::from(move |e: Event| {
            let id = e.target_unchecked_into::<HtmlSelectElement>().value();
            if let Some(ex) = crate::data::examples().iter().find(|x| x.id == id) {
                let state = state.clone();
                state.dispatch(Action::Notice(Some(format!(
                    "Loading the example “{}”…",
                    ex.title
                ))));
                wasm_bindgen_futures::spawn_local(async move {
                    match crate::data::load_example(ex).await {
                        Ok(files) => {
                            state.dispatch(Action::Notice(Some(ex.summary.clone())));
                            state.dispatch(Action::Load(Snapshot {
                                v: 1,
                                files,
                                builder: ex.builder().into(),
                                catalog_date: Some(ex.date.clone()),
                                lesson: None,
                                session: Vec::new(),
                            }));
                        }
                        Err(e) => state.dispatch(Action::Notice(Some(e))),
                    }
                });
            }
        })
    };
    let on_lesson = {
        let state = state.clone();
        Callback::from(move |e: Event| {
            let id = e.target_unchecked_into::<HtmlSelectElement>().value();
            if id.is_empty() {
                return;
            }
            let state = state.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let url = format!("lessons/{id}.md");
                match crate::data::load_lesson(&url).await {
                    Ok(lesson) => {
                        state.dispatch(Action::StartLesson(std::rc::Rc::new(lesson), url))
                    }
                    Err(e) => state.dispatch(Action::Notice(Some(e))),
                }
            });
        })
    };
    let on_builder = {
        let state = state.clone();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            state.dispatch(Action::SetBuilder(if v == "classic" {
                Builder::Classic
            } else {
                Builder::BuildKit
            }));
        })
    };
    let on_date = {
        let state = state.clone();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlInputElement>().value();
            state.dispatch(Action::SetCatalogDate(Some(v)));
        })
    };
    let build = {
        let state = state.clone();
        Callback::from(move |_| state.dispatch(Action::Build))
    };
    let clear = {
        let state = state.clone();
        Callback::from(move |_| state.dispatch(Action::ClearCache))
    };
    let share = props.on_share.reform(|_| ());
    let reset = props.on_reset.reform(|_| ());
    html! {
        <header class="bar">
            <h1>{ "layerlab" }</h1>
            <select id="examples" aria-label="Examples" onchange={on_example}>
                <option value="" selected=true>{ "Examples…" }</option>
                { for crate::data::examples().iter().map(|x| html! { <option value={x.id.clone()}>{ &x.title }</option> }) }
            </select>
            <select id="lessons" aria-label="Lessons" onchange={on_lesson}>
                <option value="" selected=true>{ "Lessons…" }</option>
                { for crate::data::lessons().iter().map(|x| html! { <option value={x.id.clone()}>{ &x.title }</option> }) }
            </select>
            <button id="build" title="Build again (Ctrl+Enter)" onclick={build}>{ "Build again" }</button>
            <button id="clear-cache" onclick={clear}>{ "Clear cache" }</button>
            <button id="share" title="Copy a link to this playground (Ctrl+S)" onclick={share}>{ "Share" }</button>
            <button id="reset" onclick={reset}>{ "Reset" }</button>
            <label>{ "Builder " }
                <select id="builder" onchange={on_builder}>
                    <option value="buildkit" selected={state.builder == Builder::BuildKit}>{ "BuildKit" }</option>
                    <option value="classic" selected={state.builder == Builder::Classic}>{ "classic" }</option>
                </select>
            </label>
            <label>{ "Catalog date " }
                <input id="catalog-date" type="month" value={state.catalog_date.clone().unwrap_or_default()} onchange={on_date} />
            </label>
            if let Some(n) = &state.notice { <span class="notice" id="notice" role="status">{ n }</span> }
        </header>
    }
}
