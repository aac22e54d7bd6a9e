//! The editor: file tabs, a gutter with line numbers and diagnostics, and a
//! textarea over a highlighted copy of the text (so the plain textarea stays
//! the input and works everywhere).

use layerlab_core::build::what_if;
use web_sys::{HtmlElement, HtmlTextAreaElement};
use yew::prelude::*;

use super::codemirror::{self, CodeMirror};
use crate::browser;
use crate::state::{Action, AppState};

#[derive(Properties, PartialEq)]
pub struct EditorProps {
    pub state: UseReducerHandle<AppState>,
    pub readonly: bool,
    /// Called after each keystroke (the app debounces the rebuild).
    pub on_edit: Callback<()>,
}

/// Splits one Dockerfile line into highlighted spans.
fn highlight_line(line: &str, first_of_instruction: bool) -> Html {
    let trimmed = line.trim_start();
    let indent = &line[..line.len() - trimmed.len()];
    if trimmed.starts_with('#') {
        return html! { <><span>{ indent }</span><span class="tok-comment">{ trimmed }</span></> };
    }
    let mut parts: Vec<Html> = vec![html! { <span>{ indent }</span> }];
    let mut rest = trimmed;
    if first_of_instruction {
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        parts.push(html! { <span class="tok-keyword">{ &rest[..end] }</span> });
        rest = &rest[end..];
    }
    // Flags, strings and variables; everything else plain.
    let mut plain = String::new();
    let mut chars = rest.char_indices().peekable();
    let flush = |plain: &mut String, parts: &mut Vec<Html>| {
        if !plain.is_empty() {
            parts.push(html! { <span>{ std::mem::take(plain) }</span> });
        }
    };
    while let Some((i, c)) = chars.next() {
        let at_word_start = i == 0 || rest[..i].ends_with(char::is_whitespace);
        if c == '"' {
            flush(&mut plain, &mut parts);
            let end = rest[i + 1..].find('"').map_or(rest.len(), |j| i + 2 + j);
            parts.push(html! { <span class="tok-string">{ &rest[i..end] }</span> });
            while chars.peek().is_some_and(|(j, _)| *j < end) {
                chars.next();
            }
        } else if c == '-' && at_word_start && rest[i..].starts_with("--") {
            flush(&mut plain, &mut parts);
            let end = rest[i..]
                .find(char::is_whitespace)
                .map_or(rest.len(), |j| i + j);
            parts.push(html! { <span class="tok-flag">{ &rest[i..end] }</span> });
            while chars.peek().is_some_and(|(j, _)| *j < end) {
                chars.next();
            }
        } else if c == '$' {
            flush(&mut plain, &mut parts);
            let end = if rest[i + 1..].starts_with('{') {
                rest[i..].find('}').map_or(rest.len(), |j| i + j + 1)
            } else {
                rest[i + 1..]
                    .find(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '_'))
                    .map_or(rest.len(), |j| i + 1 + j)
            };
            parts.push(html! { <span class="tok-var">{ &rest[i..end] }</span> });
            while chars.peek().is_some_and(|(j, _)| *j < end) {
                chars.next();
            }
        } else {
            plain.push(c);
        }
    }
    flush(&mut plain, &mut parts);
    html! { <>{ for parts }</> }
}

#[derive(Properties, PartialEq)]
struct LineProps {
    text: AttrValue,
    first_of_instruction: bool,
    dockerfile: bool,
}

/// One highlighted line. A component of its own so that a keystroke
/// re-renders only the line it changed: Yew compares the props of the others
/// and keeps their spans.
#[function_component(Line)]
fn line(props: &LineProps) -> Html {
    let body = if props.dockerfile {
        highlight_line(&props.text, props.first_of_instruction)
    } else {
        html! { { props.text.clone() } }
    };
    html! { <>{ body }{ "\n" }</> }
}

fn highlighted(text: &str, is_dockerfile: bool) -> Html {
    let mut continued = false;
    let lines = text.split('\n').map(|line| {
        let first_of_instruction = is_dockerfile && !continued && !line.trim().is_empty();
        let t = line.trim_end();
        if !t.trim_start().starts_with('#') && !t.is_empty() {
            continued = t.ends_with('\\');
        }
        html! {
            <Line text={AttrValue::from(line.to_owned())} {first_of_instruction} dockerfile={is_dockerfile} />
        }
    });
    html! { <>{ for lines }</> }
}

#[function_component(Editor)]
pub fn editor(props: &EditorProps) -> Html {
    let state = &props.state;
    let highlight_ref = use_node_ref();
    let gutter_ref = use_node_ref();
    let cm_host = use_node_ref();
    let cm = use_mut_ref(|| None::<CodeMirror>);
    let cm_ready = use_state(|| false);
    let active_now = use_mut_ref(|| 0usize);
    *active_now.borrow_mut() = state.active;
    // Each step's lines, for clicks in the editor (read by a long-lived callback).
    let step_lines = use_mut_ref(Vec::<(usize, usize)>::new);
    *step_lines.borrow_mut() = state
        .shown()
        .map(|(r, _)| r.steps.iter().map(|s| (s.line, s.end_line)).collect())
        .unwrap_or_default();
    let (name, text) = state.files.get(state.active).cloned().unwrap_or_default();
    let is_dockerfile = state.active == 0;
    // CodeMirror loads when the learner first comes to the editor (the
    // pointer over it, or the focus in it), not with the page: the first
    // screen is the highlighted textarea, and the 130 kB editor and its
    // mounting stay out of the first seconds. The caret and the focus carry
    // over. `?editor=plain` keeps the textarea.
    let textarea_ref = use_node_ref();
    let cm_wanted = use_mut_ref(|| false);
    let load_cm = {
        let (cm, cm_ready, cm_host) = (cm.clone(), cm_ready.clone(), cm_host.clone());
        let dispatcher = state.dispatcher();
        let select_dispatcher = state.dispatcher();
        let step_lines = step_lines.clone();
        let active_for_lines = active_now.clone();
        let on_edit = props.on_edit.clone();
        let active_now = active_now.clone();
        let doc = text.clone();
        let readonly = props.readonly;
        let textarea_ref = textarea_ref.clone();
        let cm_wanted = cm_wanted.clone();
        Callback::from(move |_: ()| {
            if std::mem::replace(&mut *cm_wanted.borrow_mut(), true)
                || browser::query("editor").as_deref() == Some("plain")
            {
                return;
            }
            let Some(parent) = cm_host.cast::<web_sys::Element>() else {
                return;
            };
            let (dispatcher, select_dispatcher, on_edit) = (
                dispatcher.clone(),
                select_dispatcher.clone(),
                on_edit.clone(),
            );
            let (active_now, active_for_lines, step_lines) = (
                active_now.clone(),
                active_for_lines.clone(),
                step_lines.clone(),
            );
            let (cm, cm_ready) = (cm.clone(), cm_ready.clone());
            codemirror::load_and_mount(
                parent,
                doc.clone(),
                readonly,
                textarea_ref.cast::<web_sys::HtmlTextAreaElement>(),
                move |text| {
                    dispatcher.dispatch(Action::Edit(*active_now.borrow(), text));
                    on_edit.emit(());
                },
                move |line| {
                    let line = line as usize;
                    if *active_for_lines.borrow() == 0 {
                        let step = step_lines
                            .borrow()
                            .iter()
                            .position(|(a, b)| (*a..=*b).contains(&line));
                        select_dispatcher.dispatch(Action::SelectStep(step));
                    }
                },
                move |editor| {
                    *cm.borrow_mut() = Some(editor);
                    cm_ready.set(true);
                },
            );
        })
    };
    let onpointerenter = {
        let load_cm = load_cm.clone();
        Callback::from(move |_: PointerEvent| load_cm.emit(()))
    };
    let onfocusin = Callback::from(move |_: FocusEvent| load_cm.emit(()));
    // Keep the editor in step with the state.
    {
        let cm = cm.clone();
        let selected = state.selected_step.and_then(|i| {
            state
                .shown()
                .and_then(|(r, _)| r.steps.get(i).map(|s| (s.line, s.end_line)))
        });
        let diagnostics: Vec<(usize, usize, String, bool)> = if is_dockerfile {
            state
                .problems
                .iter()
                .map(|p| (p.line, p.column, p.message.clone(), p.error))
                .collect()
        } else {
            Vec::new()
        };
        let text = text.clone();
        use_effect_with((state.version, *cm_ready), move |_| {
            if let Some(editor) = cm.borrow().as_ref() {
                editor.set_doc(&text);
                editor.set_language(is_dockerfile);
                editor.set_diagnostics(&diagnostics);
                let (from, to) = selected.unwrap_or((0, 0));
                editor.set_highlight(from, to);
            }
        });
    }
    let oninput = {
        let state = state.clone();
        let on_edit = props.on_edit.clone();
        let active = state.active;
        Callback::from(move |e: InputEvent| {
            let value = e.target_unchecked_into::<HtmlTextAreaElement>().value();
            state.dispatch(Action::Edit(active, value));
            on_edit.emit(());
        })
    };
    let onscroll = {
        let highlight_ref = highlight_ref.clone();
        let gutter_ref = gutter_ref.clone();
        Callback::from(move |e: Event| {
            let area = e.target_unchecked_into::<HtmlTextAreaElement>();
            if let Some(pre) = highlight_ref.cast::<HtmlElement>() {
                pre.set_scroll_top(area.scroll_top());
                pre.set_scroll_left(area.scroll_left());
            }
            if let Some(g) = gutter_ref.cast::<HtmlElement>() {
                g.set_scroll_top(area.scroll_top());
            }
        })
    };
    // Lines of the selected step, highlighted in the gutter.
    let selected = state.selected_step.and_then(|i| {
        state
            .shown()
            .and_then(|(r, _)| r.steps.get(i).map(|s| (s.line, s.end_line)))
    });
    let line_count = text.split('\n').count();
    let gutter = (1..=line_count).map(|n| {
        let problem = if is_dockerfile {
            state.problems.iter().find(|p| p.line == n)
        } else {
            None
        };
        let class = classes!(
            "gutter-line",
            problem.map(|p| if p.error { "has-error" } else { "has-warning" }),
            selected
                .filter(|(a, b)| (*a..=*b).contains(&n))
                .map(|_| "selected"),
        );
        let title = problem.map(|p| format!("{}:{}: {}", p.line, p.column, p.message));
        html! { <div {class} {title} data-line={n.to_string()}>{ n }</div> }
    });
    // One listener for the whole gutter (not one per line): a click selects
    // the step of the line it landed on.
    let on_gutter = {
        let state = state.clone();
        Callback::from(move |e: MouseEvent| {
            if !is_dockerfile {
                return;
            }
            let line = e
                .target_dyn_into::<web_sys::Element>()
                .and_then(|el| el.get_attribute("data-line"))
                .and_then(|n| n.parse::<usize>().ok());
            let Some(n) = line else { return };
            let step = state.shown().and_then(|(r, _)| {
                r.steps
                    .iter()
                    .position(|s| (s.line..=s.end_line).contains(&n))
            });
            state.dispatch(Action::SelectStep(step));
        })
    };
    let tabs = state.files.iter().enumerate().map(|(i, (fname, _))| {
        let select = {
            let state = state.clone();
            Callback::from(move |_| state.dispatch(Action::Select(i)))
        };
        html! {
            <button class={classes!("tab", (i == state.active).then_some("active"))} role="tab" aria-selected={(i == state.active).to_string()}
                 onclick={select} title={fname.clone()}>
                { fname.clone() }
            </button>
        }
    });
    // The active file's own actions sit beside the tab list (a tab holds no
    // other control): rename and delete, the Dockerfile excepted.
    let active_name = state
        .files
        .get(state.active)
        .map(|(n, _)| n.clone())
        .unwrap_or_default();
    let rename = {
        let state = state.clone();
        let fname = active_name.clone();
        let i = state.active;
        Callback::from(move |_: MouseEvent| {
            if let Some(new) = browser::prompt("Rename file", &fname) {
                state.dispatch(Action::RenameFile(i, new));
            }
        })
    };
    let delete = {
        let state = state.clone();
        let i = state.active;
        Callback::from(move |_: MouseEvent| state.dispatch(Action::DeleteFile(i)))
    };
    let add = {
        let state = state.clone();
        Callback::from(move |_| {
            if let Some(name) = browser::prompt("New file name (in the build context)", "main.py") {
                state.dispatch(Action::AddFile(name));
            }
        })
    };
    // What an edit here would rebuild: the active context file, or the
    // Dockerfile line of the selected step (the core answers from the cache).
    let what_if = {
        let state = state.clone();
        let name = name.clone();
        use_memo(
            (state.builds, state.active, state.selected_step),
            move |_| -> Option<String> {
                if state.active > 0 {
                    let r = state.what_if_file(&name)?;
                    Some(r.sentence(&name))
                } else {
                    let (result, _) = state.shown()?;
                    let step = result.steps.get(state.selected_step?)?;
                    let r = what_if::edit_line(result, step.line);
                    Some(r.sentence(&format!("line {}", step.line)))
                }
            },
        )
    };
    html! {
        <section class="editor" aria-label="Editor">
            <div class="tabs">
                <div class="tablist" role="tablist" aria-label="Build context files">{ for tabs }</div>
                if !props.readonly && state.active > 0 {
                    <button class="tab-rename" id="rename-file" title={format!("Rename {active_name}")} onclick={rename}>{ "✎" }</button>
                    <button class="tab-close" id="delete-file" title={format!("Delete {active_name}")} aria-label={format!("Delete {active_name}")} onclick={delete}>{ "×" }</button>
                }
                if !props.readonly {
                    <button class="tab-add" id="add-file" title="Add a file to the build context" aria-label="Add a file" onclick={add}>{ "+" }</button>
                }
            </div>
            <div class={classes!("cm-host", (!*cm_ready).then_some("hidden"))} ref={cm_host} data-file={name.clone()} id="cm-editor" />
            <div class={classes!("code", (*cm_ready).then_some("hidden"))} data-file={name.clone()} {onpointerenter} {onfocusin}>
                // Hidden while CodeMirror shows the file: no highlighting to redo then.
                <div class="gutter" ref={gutter_ref} aria-hidden="true" onclick={on_gutter}>
                    if !*cm_ready { { for gutter } }
                </div>
                <div class="code-area">
                    <pre class="highlight" ref={highlight_ref} aria-hidden="true">
                        if !*cm_ready { { highlighted(&text, is_dockerfile) } }
                    </pre>
                    <textarea id="source" ref={textarea_ref} spellcheck="false" autocomplete="off" aria-label={format!("Contents of {name}")}
                        readonly={props.readonly} value={text} {oninput} {onscroll} />
                </div>
            </div>
            if let Some(text) = what_if.as_ref() {
                <p class="what-if" id="what-if" role="status">{ text }</p>
            }
            if is_dockerfile && !state.problems.is_empty() {
                <ul class="problems" id="problems" aria-label="Problems">
                    { for state.problems.iter().map(|p| html! {
                        <li class={if p.error { "error" } else { "warning" }}>
                            <span class="pos">{ format!("{}:{}", p.line, p.column) }</span>{ &p.message }
                            if let Some(url) = &p.url {
                                { " " }<a class="rule-doc" href={url.clone()} target="_blank" rel="noopener">{ "(docs)" }</a>
                            }
                        </li>
                    }) }
                </ul>
            }
        </section>
    }
}
