//! Size floor, part 1 (measured by `scripts/size-floor.sh`, not a test): the
//! smallest Yew app with state, an input and a keyed list, to show what the UI
//! framework alone costs in the download.

use yew::prelude::*;

#[function_component]
fn App() -> Html {
    let clicks = use_state(|| 0u32);
    let text = use_state(String::new);
    let onclick = {
        let clicks = clicks.clone();
        Callback::from(move |_| clicks.set(*clicks + 1))
    };
    let oninput = {
        let text = text.clone();
        Callback::from(move |e: InputEvent| text.set(e.data().unwrap_or_default()))
    };
    html! {
        <div>
            <button {onclick}>{ *clicks }</button>
            <textarea {oninput} value={(*text).clone()} />
            <ul>{ for (0..*clicks).map(|i| html! { <li key={i}>{ i }</li> }) }</ul>
        </div>
    }
}

fn main() {
    yew::Renderer::<App>::new().render();
}
