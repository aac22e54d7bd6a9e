//! The terminal panel: the session's terminal lines and a prompt. Enter
//! runs what is typed (a paste of many lines runs line by line), ↑/↓ walk
//! the history, Ctrl+C drops the line, Ctrl+L clears; a password prompt
//! hides what is typed. Everything it shows is the session's.

use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, HtmlInputElement};
use yew::prelude::*;

use crate::state::{Action, AppState};

#[derive(Properties, PartialEq)]
pub struct TerminalProps {
    pub state: UseReducerHandle<AppState>,
}

#[function_component(Terminal)]
pub fn terminal(props: &TerminalProps) -> Html {
    let state = props.state.clone();
    let view = state.view.clone();
    let text = use_state(String::new);
    // Where ↑/↓ are in the history (None: the line being typed).
    let position = use_mut_ref(|| None::<usize>);
    let lines_ref = use_node_ref();
    {
        let lines_ref = lines_ref.clone();
        use_effect_with((view.terminal.len(), view.revision), move |_| {
            if let Some(el) = lines_ref.cast::<HtmlElement>() {
                el.set_scroll_top(el.scroll_height());
            }
        });
    }
    let oninput = {
        let text = text.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(el) = e.target_dyn_into::<HtmlInputElement>() {
                text.set(el.value());
            } else if let Some(el) = e.target_dyn_into::<web_sys::HtmlTextAreaElement>() {
                text.set(el.value());
            }
        })
    };
    let onkeydown = {
        let text = text.clone();
        let state = state.clone();
        let history = view.history.clone();
        let position = position.clone();
        Callback::from(move |e: KeyboardEvent| {
            let ctrl = e.ctrl_key() || e.meta_key();
            match e.key().as_str() {
                "Enter" if !e.shift_key() => {
                    e.prevent_default();
                    *position.borrow_mut() = None;
                    state.dispatch(Action::Terminal((*text).clone()));
                    text.set(String::new());
                }
                "c" | "C" if ctrl && e.ctrl_key() => {
                    let selected = web_sys::window()
                        .and_then(|w| w.get_selection().ok().flatten())
                        .and_then(|s| s.to_string().as_string())
                        .is_some_and(|s| !s.is_empty());
                    if !selected {
                        e.prevent_default();
                        text.set(String::new());
                        state.dispatch(Action::Interrupt);
                    }
                }
                "l" | "L" if ctrl => {
                    e.prevent_default();
                    state.dispatch(Action::ClearTerminal);
                }
                "ArrowUp" | "ArrowDown" if !text.contains('\n') && !history.is_empty() => {
                    e.prevent_default();
                    let mut at = position.borrow_mut();
                    let next = match (e.key().as_str(), *at) {
                        ("ArrowUp", None) => Some(history.len() - 1),
                        ("ArrowUp", Some(i)) => Some(i.saturating_sub(1)),
                        ("ArrowDown", Some(i)) if i + 1 < history.len() => Some(i + 1),
                        _ => None,
                    };
                    *at = next;
                    text.set(next.map(|i| history[i].clone()).unwrap_or_default());
                }
                _ => {}
            }
        })
    };
    // A paste of whole lines runs them (as a terminal does); a last line
    // without its newline stays in the prompt.
    let onpaste = {
        let text = text.clone();
        let state = state.clone();
        Callback::from(move |e: Event| {
            let Some(pasted) = e
                .dyn_ref::<web_sys::ClipboardEvent>()
                .and_then(|c| c.clipboard_data())
                .and_then(|d| d.get_data("text").ok())
            else {
                return;
            };
            if !pasted.contains('\n') {
                return;
            }
            e.prevent_default();
            let all = format!("{}{}", *text, pasted.replace("\r\n", "\n"));
            let (run, rest) = match all.rsplit_once('\n') {
                Some((run, rest)) => (run.to_owned(), rest.to_owned()),
                None => (String::new(), all),
            };
            state.dispatch(Action::Terminal(run));
            text.set(rest);
        })
    };
    let lines = view.terminal.iter().map(|l| {
        let class = match l.kind {
            layerlab_core::session::LineKind::Input => "term-line in",
            layerlab_core::session::LineKind::Output => "term-line",
            layerlab_core::session::LineKind::Note => "term-line note",
        };
        html! { <div class={class}>{ &l.text }</div> }
    });
    let waiting = !view.wanted.is_empty();
    html! {
        <section class="terminal" id="terminal" aria-label="Terminal">
            <div class="term-lines" id="term-lines" ref={lines_ref} role="log" aria-live="polite" tabindex="0">
                if view.terminal.is_empty() {
                    <div class="term-line note">{ "A terminal over the project (~/lab): docker build, images, run, push… and echo, cat, ls, mkdir, cd. Lab commands paste as written." }</div>
                }
                { for lines }
                if waiting {
                    <div class="term-line note">{ "layerlab: fetching image data…" }</div>
                }
            </div>
            <div class="term-input">
                <label for="term-in" class="term-prompt">{ &view.prompt }</label>
                if view.secret {
                    <input id="term-in" type="password" autocomplete="off" value={(*text).clone()}
                        oninput={oninput} onkeydown={onkeydown} />
                } else {
                    <textarea id="term-in" rows="1" spellcheck="false" autocomplete="off" autocapitalize="off"
                        value={(*text).clone()} oninput={oninput} onkeydown={onkeydown} onpaste={onpaste} />
                }
            </div>
        </section>
    }
}
