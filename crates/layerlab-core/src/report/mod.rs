//! Build results → text and JSON, byte for byte in Docker's formats. Nothing
//! else in the core formats output.

pub mod size;

pub use size::human_size;
