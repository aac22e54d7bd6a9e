//! layerlab playground (Yew). It renders what layerlab-core computes and holds
//! no simulation logic: every fact on the page comes from a core call.

mod app;
mod browser;
mod components;
mod data;
mod share;
mod state;

fn main() {
    // The package data is small (about 15 kB) and served beside the page; the
    // first build waits for it so that its RUN steps are simulated from the
    // start and the session cache never holds a step built without it.
    wasm_bindgen_futures::spawn_local(async {
        data::load_package_data().await;
        if let Some((_, dockerfile)) = state::starter_files().first() {
            data::prefetch_entries(dockerfile).await;
        }
        yew::Renderer::<app::App>::new().render();
    });
}
