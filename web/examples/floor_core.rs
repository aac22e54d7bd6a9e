//! Size floor, part 2 (measured by `scripts/size-floor.sh`, not a test): every
//! layerlab-core call the playground makes — the compiled-in catalog, the
//! package data readers, a build with the shell, the diagnostics, the reports,
//! the share link's deflate and JSON, the session with its terminal — behind
//! a one-element Yew view. What it
//! weighs is the download before any panel, style or editor is added.
//! Its input is the URL fragment, so nothing is folded away at compile time.

use std::sync::Arc;

use layerlab_core::build::{build, BuildOptions, CacheStore, Context};
use layerlab_core::catalog::alpine::{Alpine, Branch};
use layerlab_core::catalog::debian::Releases;
use layerlab_core::catalog::npm::Npm;
use layerlab_core::catalog::pypi::PyPi;
use layerlab_core::catalog::Catalog;
use layerlab_core::report::{docker, files, human_size, json, logs};
use layerlab_core::shell::ShellExecutor;
use yew::prelude::*;

fn simulate(input: &str) -> String {
    let source: Arc<dyn layerlab_core::catalog::source::DataSource> =
        Arc::new(layerlab_core::catalog::source::DirSource(".".into()));
    let catalog = Catalog::from_index(
        include_bytes!(concat!(env!("OUT_DIR"), "/catalog-index.json")),
        source,
    )
    .unwrap_or_default();
    let mut debian = Releases::new();
    debian.add(
        "bookworm",
        input.as_bytes().to_vec(),
        input.as_bytes().to_vec(),
    );
    let debian = Arc::new(debian);
    let catalog = catalog.with_debian(debian.clone());
    let mut alpine = Alpine::default();
    alpine
        .branches
        .insert("3.10".into(), Branch::from_tsv("3.10", input));
    let mut context = Context::new();
    context.add("app.py", input.as_bytes());
    let shell = ShellExecutor {
        pypi: Some(Arc::new(PyPi::from_tsv(input, input))),
        npm: Some(Arc::new(Npm::from_tsv(input))),
        alpine: Some(Arc::new(alpine)),
        debian: Some(debian),
        ..ShellExecutor::default()
    };
    let mut cache = CacheStore::default();
    let result = build(
        input.as_bytes(),
        &context,
        &catalog,
        &BuildOptions::default(),
        &mut cache,
        &shell,
    );
    // The session: the live build and the terminal's docker over it.
    let mut session = layerlab_core::session::Session::new(
        layerlab_core::session::Options::default(),
        layerlab_core::session::PackageData {
            catalog: Arc::new(catalog.clone()),
            executor: shell.clone(),
        },
    );
    session.apply(layerlab_core::session::Change::SetFile {
        path: "Dockerfile".into(),
        text: input.into(),
    });
    session.apply(layerlab_core::session::Change::Build);
    let view = session.apply(layerlab_core::session::Change::Terminal {
        input: input.into(),
    });
    let journal = serde_json::to_string(session.journal()).unwrap_or_default();
    let _: Vec<layerlab_core::session::Change> = serde_json::from_str(&journal).unwrap_or_default();
    let (_, errors) = layerlab_core::syntax::parse_lenient(input.as_bytes());
    let mut out = logs::plain(&result, input.as_bytes()) + &logs::classic(&result);
    if let Some(image) = &result.image {
        out += &docker::history(&image.history_rows(), None);
    }
    out += &human_size(files::listing(&result, 0).len() as u64);
    out += &human_size(files::wasted_space(&result).len() as u64);
    out += &json::summary(&result).to_string();
    out += &errors.len().to_string();
    out += &view.terminal.len().to_string();
    out += &view.diagnostics.len().to_string();
    let packed = miniz_oxide::deflate::compress_to_vec(out.as_bytes(), 9);
    let unpacked = miniz_oxide::inflate::decompress_to_vec(&packed).unwrap_or_default();
    serde_json::from_slice::<serde_json::Value>(&unpacked)
        .unwrap_or_default()
        .to_string()
}

#[function_component]
fn App() -> Html {
    let text = use_state(|| {
        let hash = web_sys::window().and_then(|w| w.location().hash().ok());
        simulate(&hash.unwrap_or_default())
    });
    html! { <pre>{ (*text).clone() }</pre> }
}

fn main() {
    yew::Renderer::<App>::new().render();
}
