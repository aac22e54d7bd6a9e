//! The bridge to the CodeMirror editor (`web/editor/codemirror.mjs`, bundled
//! to `layerlab-editor.js`): loads the script when the editor asks for it
//! (the learner's first pointer or focus there), mounts the editor, and pushes text, diagnostics and the selected step's lines to
//! it. If the script is missing or fails, the plain textarea stays.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Function, Object, Reflect};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

/// A mounted editor.
#[derive(Clone)]
pub struct CodeMirror {
    handle: JsValue,
}

fn call(target: &JsValue, method: &str, args: &[JsValue]) -> Option<JsValue> {
    let f: Function = Reflect::get(target, &JsValue::from_str(method))
        .ok()?
        .dyn_into()
        .ok()?;
    let array = js_sys::Array::new();
    for a in args {
        array.push(a);
    }
    f.apply(target, &array).ok()
}

impl CodeMirror {
    pub fn set_doc(&self, text: &str) {
        call(&self.handle, "setDoc", &[JsValue::from_str(text)]);
    }

    pub fn set_language(&self, dockerfile: bool) {
        call(
            &self.handle,
            "setLanguage",
            &[JsValue::from_str(if dockerfile {
                "dockerfile"
            } else {
                "plain"
            })],
        );
    }

    /// (line, column, message, is_error)
    pub fn set_diagnostics(&self, list: &[(usize, usize, String, bool)]) {
        let array = js_sys::Array::new();
        for (line, column, message, error) in list {
            let d = Object::new();
            let _ = Reflect::set(&d, &"line".into(), &JsValue::from(*line as u32));
            let _ = Reflect::set(&d, &"column".into(), &JsValue::from(*column as u32));
            let _ = Reflect::set(&d, &"message".into(), &JsValue::from_str(message));
            let _ = Reflect::set(&d, &"error".into(), &JsValue::from(*error));
            array.push(&d);
        }
        call(&self.handle, "setDiagnostics", &[array.into()]);
    }

    pub fn set_highlight(&self, from: usize, to: usize) {
        call(
            &self.handle,
            "setHighlight",
            &[JsValue::from(from as u32), JsValue::from(to as u32)],
        );
    }
}

/// Loads the editor script (once) and mounts an editor in `parent`.
/// `on_change` gets the text after each edit, `on_line_click` a 1-based line.
/// If `replaces` (the plain textarea) has the focus when the editor mounts,
/// the editor takes the focus and the textarea's selection.
pub fn load_and_mount(
    parent: web_sys::Element,
    doc: String,
    read_only: bool,
    replaces: Option<web_sys::HtmlTextAreaElement>,
    on_change: impl FnMut(String) + 'static,
    on_line_click: impl FnMut(u32) + 'static,
    ready: impl FnOnce(CodeMirror) + 'static,
) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let on_change = Closure::<dyn FnMut(String)>::new(on_change);
    let on_line_click = Closure::<dyn FnMut(u32)>::new(on_line_click);
    let ready = Rc::new(RefCell::new(Some(ready)));
    let mount = {
        let window = window.clone();
        move || {
            let Ok(api) = Reflect::get(&window, &"layerlabEditor".into()) else {
                return;
            };
            if api.is_undefined() {
                return;
            }
            let options = Object::new();
            let _ = Reflect::set(&options, &"doc".into(), &JsValue::from_str(&doc));
            let _ = Reflect::set(&options, &"language".into(), &"dockerfile".into());
            let _ = Reflect::set(&options, &"readOnly".into(), &JsValue::from(read_only));
            let _ = Reflect::set(&options, &"onChange".into(), on_change.as_ref());
            let _ = Reflect::set(&options, &"onLineClick".into(), on_line_click.as_ref());
            let focused = window.document().and_then(|d| d.active_element());
            if let Some(area) = replaces
                .as_ref()
                .filter(|a| focused.as_ref() == Some(a.unchecked_ref::<web_sys::Element>()))
            {
                let selection = js_sys::Array::of2(
                    &JsValue::from(area.selection_start().ok().flatten().unwrap_or(0)),
                    &JsValue::from(area.selection_end().ok().flatten().unwrap_or(0)),
                );
                let _ = Reflect::set(&options, &"selection".into(), &selection);
                let _ = Reflect::set(&options, &"focus".into(), &JsValue::TRUE);
            }
            if let Some(handle) = call(&api, "mount", &[parent.clone().into(), options.into()]) {
                if let Some(f) = ready.borrow_mut().take() {
                    f(CodeMirror { handle });
                }
            }
        }
    };
    let already = Reflect::get(&window, &"layerlabEditor".into())
        .map(|v| !v.is_undefined())
        .unwrap_or(false);
    if already {
        mount();
        // The closures the editor calls back must outlive this call.
        std::mem::forget(mount);
        return;
    }
    let onload = Closure::<dyn FnMut()>::new(mount);
    if let Some(document) = window.document() {
        if let (Ok(script), Some(head)) = (document.create_element("script"), document.head()) {
            let _ = script.set_attribute("src", "layerlab-editor.js");
            let _ =
                script.add_event_listener_with_callback("load", onload.as_ref().unchecked_ref());
            let _ = head.append_child(&script);
        }
    }
    // The editor lives as long as the page.
    onload.forget();
}
