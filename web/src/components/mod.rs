//! The page's components; each renders a slice of the app state.

pub mod codemirror;
pub mod editor;
pub mod explorer;
pub mod layers;
pub mod lesson;
pub mod output;
pub mod terminal;
pub mod toolbar;
