//! The few browser facilities the playground uses: the URL (fragment and
//! query), localStorage, the clipboard. Failures are quiet: a blocked storage
//! or clipboard never breaks the page.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::window;

const AUTOSAVE_KEY: &str = "layerlab.autosave.v1";

pub fn hash() -> String {
    window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

pub fn set_hash(hash: &str) {
    if let Some(w) = window() {
        if let Ok(history) = w.history() {
            let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(hash));
        }
    }
}

/// A query parameter (`?embed=1`).
pub fn query(name: &str) -> Option<String> {
    let search = window()?.location().search().ok()?;
    web_sys::UrlSearchParams::new_with_str(&search)
        .ok()?
        .get(name)
}

pub fn href() -> String {
    window()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default()
}

fn storage() -> Option<web_sys::Storage> {
    window()?.local_storage().ok().flatten()
}

pub fn load_autosave() -> Option<String> {
    storage()?.get_item(AUTOSAVE_KEY).ok().flatten()
}

pub fn save_autosave(value: &str) {
    if let Some(s) = storage() {
        let _ = s.set_item(AUTOSAVE_KEY, value);
    }
}

pub fn clear_autosave() {
    if let Some(s) = storage() {
        let _ = s.remove_item(AUTOSAVE_KEY);
    }
}

pub fn copy_to_clipboard(text: &str) {
    if let Some(w) = window() {
        let _ = w.navigator().clipboard().write_text(text);
    }
}

pub fn prompt(message: &str, default: &str) -> Option<String> {
    window()?
        .prompt_with_message_and_default(message, default)
        .ok()
        .flatten()
}

/// Removes the static first paint (`#first-paint`, put in the page at build
/// time) once the app shows its own first build, two frames on: the copy is
/// on screen at least once first (on a fast link the wasm can be ready
/// before the page's first frame, and the copy would be parsed for nothing).
pub fn remove_first_paint() {
    let Some(window) = web_sys::window() else {
        return;
    };
    if window
        .document()
        .and_then(|d| d.get_element_by_id("first-paint"))
        .is_none()
    {
        return;
    }
    let remove = Closure::once_into_js(|| {
        if let Some(el) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id("first-paint"))
        {
            el.remove();
        }
    });
    let next = Closure::once_into_js(move || {
        if let Some(w) = web_sys::window() {
            let _ = w.request_animation_frame(remove.unchecked_ref());
        }
    });
    let _ = window.request_animation_frame(next.unchecked_ref());
}

/// Whether the page is hidden (another tab, a minimised window, leaving).
pub fn hidden() -> bool {
    window()
        .and_then(|w| w.document())
        .is_some_and(|d| d.hidden())
}
