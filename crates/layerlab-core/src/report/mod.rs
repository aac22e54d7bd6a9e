//! Build results → text and JSON, byte for byte in Docker's formats. Nothing
//! else in the core formats output.

pub mod docker;
pub mod files;
pub mod json;
pub mod logs;
pub mod size;
pub mod source;
pub mod table;
pub mod time;

pub use size::human_size;
