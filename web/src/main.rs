//! layerlab playground (Yew). It renders what layerlab-core computes and holds
//! no simulation logic: every fact on the page comes from a core call.

mod app;
mod browser;
mod components;
mod data;
mod share;
mod state;

fn main() {
    yew::Renderer::<app::App>::new().render();
}
