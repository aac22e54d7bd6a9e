//! The page: an editor on the left, the parse on the right.

use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use crate::state::{Playground, Severity, STARTER_DOCKERFILE};

#[function_component(App)]
pub fn app() -> Html {
    let state = use_state(|| Playground::new(STARTER_DOCKERFILE));
    let oninput = {
        let state = state.clone();
        Callback::from(move |e: InputEvent| {
            let text = e.target_unchecked_into::<HtmlTextAreaElement>().value();
            let mut next = (*state).clone();
            next.set_dockerfile(text);
            state.set(next);
        })
    };
    let line_count = state.dockerfile.lines().count().max(1);
    html! {
        <div class="page">
            <header class="bar">
                <h1>{ "layerlab" }</h1>
                <span class="tagline">{ "Dockerfile build simulator — parser preview" }</span>
            </header>
            <main class="panes">
                <section class="editor" aria-label="Dockerfile editor">
                    <div class="tab">{ "Dockerfile" }</div>
                    <div class="code">
                        <pre class="gutter" aria-hidden="true">
                            { (1..=line_count).map(|n| format!("{n}\n")).collect::<String>() }
                        </pre>
                        <textarea id="dockerfile" spellcheck="false" value={state.dockerfile.clone()} {oninput} />
                    </div>
                </section>
                <section class="output" aria-label="Parse result">
                    <h2>{ format!("Problems ({})", state.problems.len()) }</h2>
                    <ul class="problems" id="problems">
                        { for state.problems.iter().map(|p| html! {
                            <li class={classes!(if p.severity == Severity::Error { "error" } else { "warning" })}>
                                <span class="pos">{ format!("{}:{}", p.line, p.column) }</span>
                                { &p.message }
                            </li>
                        }) }
                        if state.problems.is_empty() { <li class="ok">{ "No problems" }</li> }
                    </ul>
                    <h2>{ format!("Instructions ({})", state.parsed.instructions.len()) }</h2>
                    <ol class="instructions" id="instructions">
                        { for state.parsed.instructions.iter().map(|i| html! {
                            <li>
                                <span class="lines">{ format!("L{}–{}", i.start_line, i.end_line) }</span>
                                <code>{ i.dump() }</code>
                            </li>
                        }) }
                    </ol>
                    <h2>{ "BuildKit AST dump" }</h2>
                    <pre class="dump" id="dump">{ state.parsed.dump() }</pre>
                </section>
            </main>
        </div>
    }
}
