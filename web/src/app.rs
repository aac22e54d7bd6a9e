//! The page: toolbar, editor, layers and output; plus what the page does
//! around them: debounced rebuilds, autosave, share links, keyboard
//! shortcuts, embed mode and the `postMessage` API for host pages.

use std::cell::RefCell;
use std::rc::Rc;

use gloo_timers::callback::Timeout;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::browser;
use crate::components::{
    editor::Editor, layers::Layers, lesson::LessonPanel, output::Output, toolbar::Toolbar,
};
use crate::share;
use crate::state::{Action, AppState, OutputTab};

/// Delay between the last keystroke and the rebuild when builds are slow; a
/// build that takes less than 25 ms (moby's 650-line file rebuilds in 8-13 ms
/// here) runs right after the keystroke, keeping keystroke → panel under 50 ms.
const DEBOUNCE_MS: u32 = 150;
const FAST_BUILD_MS: f64 = 25.0;
/// How long typing pauses before the autosave is written.
const AUTOSAVE_MS: u32 = 600;

/// How the page is embedded (`?embed=1&readonly=1&panels=layers,log`).
#[derive(Clone, PartialEq)]
struct EmbedConfig {
    embed: bool,
    readonly: bool,
    show_layers: bool,
    tabs: Vec<OutputTab>,
}

fn embed_config() -> EmbedConfig {
    let embed = browser::query("embed").is_some_and(|v| v != "0");
    let readonly = browser::query("readonly").is_some_and(|v| v != "0");
    let all = vec![
        OutputTab::Files,
        OutputTab::Log,
        OutputTab::ClassicLog,
        OutputTab::History,
        OutputTab::Images,
        OutputTab::Inspect,
        OutputTab::Hints,
        OutputTab::Terminal,
    ];
    let panels = browser::query("panels");
    let Some(panels) = panels else {
        return EmbedConfig {
            embed,
            readonly,
            show_layers: true,
            tabs: all,
        };
    };
    let wanted: Vec<&str> = panels.split(',').map(str::trim).collect();
    let tabs = all
        .into_iter()
        .filter(|t| {
            let name = match t {
                OutputTab::Files => "files",
                OutputTab::Log => "log",
                OutputTab::ClassicLog => "classic",
                OutputTab::History => "history",
                OutputTab::Images => "images",
                OutputTab::Inspect => "inspect",
                OutputTab::Hints => "hints",
                OutputTab::Terminal => "terminal",
            };
            wanted.contains(&name)
        })
        .collect();
    EmbedConfig {
        embed,
        readonly,
        show_layers: wanted.contains(&"layers"),
        tabs,
    }
}

/// The state the page opens with: a share link, else the autosave, else the
/// starter. An embed's state comes from its link and its host alone: it never
/// reads the playground's autosave.
fn initial_state() -> AppState {
    let hash = browser::hash();
    if let Some(link) = hash.strip_prefix("#s=") {
        return match share::decode(link) {
            Ok(s) => AppState::from_snapshot(s),
            Err(e) => AppState {
                notice: Some(e),
                ..AppState::default()
            },
        };
    }
    if embed_config().embed {
        return AppState::default();
    }
    if let Some(saved) = browser::load_autosave().and_then(|s| share::from_autosave(&s).ok()) {
        return AppState::from_snapshot(saved);
    }
    AppState::default()
}

/// The autosave's wait: the timer that writes it once typing pauses (held
/// only to keep it running; a new one replaces and so stops it), and whether
/// a change still waits for it.
#[derive(Default)]
struct Autosave {
    _timer: Option<Timeout>,
    unsaved: bool,
}

/// Writes the autosave if a change is waiting for it: when the timer fires,
/// or at once when the page is hidden or left (the timer, if it fires after,
/// finds nothing waiting; it is never dropped from inside its own call).
fn save_now(autosave: &RefCell<Autosave>, latest: &RefCell<UseReducerHandle<AppState>>) {
    if std::mem::take(&mut autosave.borrow_mut().unsaved) {
        browser::save_autosave(&share::to_autosave(&latest.borrow().snapshot()));
    }
}

/// Keeps a closure alive for the page's lifetime.
fn listen(event: &str, f: impl FnMut(web_sys::Event) + 'static) {
    let closure = Closure::<dyn FnMut(web_sys::Event)>::new(f);
    if let Some(w) = web_sys::window() {
        let _ = w.add_event_listener_with_callback(event, closure.as_ref().unchecked_ref());
    }
    closure.forget();
}

#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(initial_state);
    let config = use_memo((), |_| embed_config());
    let pending = use_mut_ref(|| None::<Timeout>);
    // The latest render's state, for the window listeners and the debounce.
    // Only a handle is kept: the share link and the summary are made when
    // asked for, not on every render (compressing a 650-line file on each
    // keystroke cost more than building it).
    let latest = use_mut_ref(|| state.clone());
    *latest.borrow_mut() = state.clone();

    // Rebuild after typing stops.
    let on_edit = {
        let dispatcher = state.dispatcher();
        let pending = pending.clone();
        let latest = latest.clone();
        Callback::from(move |_| {
            let dispatcher = dispatcher.clone();
            let delay = if latest.borrow().last_build_ms < FAST_BUILD_MS {
                0
            } else {
                DEBOUNCE_MS
            };
            *pending.borrow_mut() = Some(Timeout::new(delay, move || {
                dispatcher.dispatch(Action::Build)
            }));
        })
    };

    let share_now: Rc<dyn Fn()> = {
        let dispatcher = state.dispatcher();
        let latest = latest.clone();
        Rc::new(move || {
            let link = format!("#s={}", share::encode(&latest.borrow().snapshot()));
            browser::set_hash(&link);
            browser::copy_to_clipboard(&browser::href());
            dispatcher.dispatch(Action::Notice(Some(
                "Link copied: the whole playground is in the URL.".into(),
            )));
        })
    };
    let on_share = {
        let share_now = share_now.clone();
        Callback::from(move |_| share_now())
    };
    let on_reset = {
        let dispatcher = state.dispatcher();
        Callback::from(move |_| {
            browser::clear_autosave();
            browser::set_hash(" ");
            dispatcher.dispatch(Action::Reset);
        })
    };

    // The app's first build is on screen: the static first paint goes.
    use_effect_with(state.builds > 0, |built| {
        if *built {
            browser::remove_first_paint();
        }
    });

    // Debian package data on demand: after a build whose apt-get lacked its
    // release's data, fetch it, then rebuild without the cache (its steps were
    // built without the data, and the cache key does not say so).
    {
        let dispatcher = state.dispatcher();
        // After a build (the releases are asked for by builds), not on every keystroke.
        use_effect_with(state.builds, move |_| {
            for name in crate::data::take_new_wanted_releases() {
                let dispatcher = dispatcher.clone();
                let (what, tool) = match name.strip_prefix("alpine/") {
                    Some(branch) => (format!("Alpine {branch}"), "apk"),
                    None => (format!("Debian {name}"), "apt-get"),
                };
                dispatcher.dispatch(Action::Notice(Some(format!(
                    "Loading the {what} package data for {tool}…"
                ))));
                wasm_bindgen_futures::spawn_local(async move {
                    let loaded = if name.starts_with("alpine/") {
                        crate::data::load_alpine_branch(&name).await
                    } else {
                        crate::data::load_debian_release(&name).await
                    };
                    match loaded {
                        Ok(()) => {
                            dispatcher.dispatch(Action::Notice(Some(format!(
                                "{what} package data loaded: {tool} is simulated; rebuilt without the cache."
                            ))));
                            dispatcher.dispatch(Action::DataArrived);
                        }
                        Err(e) => dispatcher.dispatch(Action::Notice(Some(e))),
                    }
                });
            }
        });
    }

    // Catalog entries on demand: a build over a base whose details (ID,
    // config, packages) are not here yet is shown with its real size and
    // kept out of the cache; fetch them, then build again.
    {
        let dispatcher = state.dispatcher();
        let pending = state.view.wanted.clone();
        use_effect_with((state.builds, pending.clone()), move |_| {
            if !pending.is_empty() {
                dispatcher.dispatch(Action::Notice(Some(
                    "Loading the base image's details from layerlab's catalog…".into(),
                )));
                wasm_bindgen_futures::spawn_local(async move {
                    match crate::data::load_entries(&pending).await {
                        // Only what is new resumes the session: entries asked
                        // for before arrive once, and a wait on them already
                        // went on when they did.
                        Ok(true) => {
                            dispatcher.dispatch(Action::Notice(None));
                            dispatcher.dispatch(Action::DataArrived);
                        }
                        Ok(false) => {}
                        Err(e) => dispatcher.dispatch(Action::Notice(Some(e))),
                    }
                });
            }
        });
    }

    // `?lesson=URL`: an author's lesson file, loaded once at start.
    {
        let dispatcher = state.dispatcher();
        let pending_lesson = state.lesson_url.clone().filter(|_| state.lesson.is_none());
        use_effect_with((), move |_| {
            // A share link (or the autosave) resumes its lesson at its step
            // over its own files; `?lesson=URL` starts one.
            let resume = pending_lesson.clone();
            let start = browser::query("lesson").filter(|u| !u.is_empty());
            if let Some((url, step)) = resume
                .map(|(u, s)| (u, Some(s)))
                .or(start.map(|u| (u, None)))
            {
                wasm_bindgen_futures::spawn_local(async move {
                    match crate::data::load_lesson(&url).await {
                        Ok(lesson) => dispatcher.dispatch(match step {
                            Some(step) => Action::ResumeLesson(Rc::new(lesson), url, step),
                            None => Action::StartLesson(Rc::new(lesson), url),
                        }),
                        Err(e) => dispatcher.dispatch(Action::Notice(Some(e))),
                    }
                });
            }
        });
    }

    // Autosave the input (not an embed's: it is the host's) once typing
    // pauses, and at once when the page is hidden or left, so nothing typed
    // is lost; writing the whole state on every keystroke cost the long
    // files' keystrokes their tail. A visit that changes nothing saves
    // nothing (its next visit opens on the static first screen).
    let autosave = use_mut_ref(Autosave::default);
    {
        let embed = config.embed;
        let autosave = autosave.clone();
        let latest = latest.clone();
        let opened = use_mut_ref(|| state.input_revision);
        use_effect_with(state.input_revision, move |revision| {
            if !embed && *revision != *opened.borrow() {
                let waiting = autosave.clone();
                *autosave.borrow_mut() = Autosave {
                    _timer: Some(Timeout::new(AUTOSAVE_MS, move || {
                        save_now(&waiting, &latest)
                    })),
                    unsaved: true,
                };
            }
        });
    }
    {
        let latest = latest.clone();
        let embed = config.embed;
        use_effect_with((), move |_| {
            if !embed {
                let (on_hide, latest_on_hide) = (autosave.clone(), latest.clone());
                listen("pagehide", move |_| save_now(&on_hide, &latest_on_hide));
                listen("visibilitychange", move |_| {
                    if browser::hidden() {
                        save_now(&autosave, &latest);
                    }
                });
            }
        });
    }

    // Window listeners, installed once.
    {
        let dispatcher = state.dispatcher();
        let latest = latest.clone();
        let share_now = share_now.clone();
        let readonly = config.readonly;
        use_effect_with((), move |_| {
            let keys_dispatcher = dispatcher.clone();
            listen("keydown", move |e| {
                let Some(k) = e.dyn_ref::<web_sys::KeyboardEvent>() else {
                    return;
                };
                if !(k.ctrl_key() || k.meta_key()) {
                    return;
                }
                match k.key().as_str() {
                    "Enter" => {
                        e.prevent_default();
                        keys_dispatcher.dispatch(Action::Build);
                    }
                    "s" | "S" => {
                        e.prevent_default();
                        share_now();
                    }
                    _ => {}
                }
            });
            listen("message", move |e| {
                let Some(m) = e.dyn_ref::<web_sys::MessageEvent>() else {
                    return;
                };
                let Some(msg) = js_sys::JSON::stringify(&m.data())
                    .ok()
                    .and_then(|s| s.as_string())
                    .and_then(|s| serde_json::from_slice::<serde_json::Value>(s.as_bytes()).ok())
                else {
                    return;
                };
                match msg.get("type").and_then(|t| t.as_str()) {
                    Some("layerlab:set-files") if !readonly => {
                        // Only an object of file name → text is accepted; anything else is ignored.
                        let Some(files) = msg.get("files").and_then(|f| f.as_object()) else {
                            return;
                        };
                        if files.is_empty()
                            || files.len() > 200
                            || !files.values().all(|v| v.is_string())
                        {
                            return;
                        }
                        let mut list: Vec<(String, String)> = files
                            .iter()
                            .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
                            .collect();
                        list.sort_unstable_by_key(|(k, _)| (k != "Dockerfile", k.clone()));
                        if list[0].0 != "Dockerfile" {
                            return;
                        }
                        dispatcher.dispatch(Action::Load(share::Snapshot {
                            v: share::FORMAT_VERSION,
                            files: list,
                            ..share::Snapshot::default()
                        }));
                    }
                    Some("layerlab:get-summary") => {
                        // The host's window is of another realm: `instanceof
                        // Window` fails there, so it is taken as it is.
                        let Some(source) =
                            m.source().map(|s| s.unchecked_into::<web_sys::Window>())
                        else {
                            return;
                        };
                        let summary = latest
                            .borrow()
                            .view
                            .latest
                            .as_ref()
                            .map(|r| layerlab_core::report::json::summary(r))
                            .unwrap_or_default()
                            .to_string();
                        if let Ok(value) = js_sys::JSON::parse(&summary) {
                            let origin = m.origin();
                            let target = if origin.is_empty() || origin == "null" {
                                "*".to_owned()
                            } else {
                                origin
                            };
                            let _ = source.post_message(&value, &target);
                        }
                    }
                    _ => {}
                }
            });
        });
    }

    let page_class = classes!("page", config.embed.then_some("embed"));
    html! {
        <div class={page_class}>
            if !config.embed {
                <Toolbar state={state.clone()} {on_share} {on_reset} />
            }
            <main class="panes" aria-label="layerlab playground">
                if config.embed { <h1 class="visually-hidden">{ "layerlab playground" }</h1> }
                <Editor state={state.clone()} readonly={config.readonly} {on_edit} />
                <div class="right">
                    <LessonPanel state={state.clone()} panels={state.panels_key()} />
                    if config.show_layers { <Layers state={state.clone()} panels={state.panels_key()} /> }
                    if !config.tabs.is_empty() { <Output state={state.clone()} panels={state.panels_key()} tabs={config.tabs.clone()} /> }
                </div>
            </main>
            if !config.embed {
                <footer class="foot">
                    { "Embed: " }<code>{ r#"<iframe src="https://YOUR-HOST/?embed=1&panels=layers,log#s=…" width="100%" height="480"></iframe>"# }</code>
                </footer>
            }
        </div>
    }
}
