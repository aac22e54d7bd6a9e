//! layerlab-core: everything layerlab knows about Dockerfiles and builds.
//!
//! Data flows through the modules in this order, as in BuildKit's frontend:
//! [`syntax`] (text → AST, byte-compatible with BuildKit's parser) →
//! [`expand`] (ARG/ENV word expansion, BuildKit's shell lexer).
//!
//! The crate never touches the DOM, the network or the clock, so the same input
//! gives the same output natively and in the browser.
//!
//! ```
//! let parsed = layerlab_core::syntax::parse(b"FROM alpine\nRUN echo hi\n").unwrap();
//! assert_eq!(parsed.dump(), "(from \"alpine\")\n(run \"echo hi\")\n");
//! ```

pub mod accounts;
pub mod build;
pub mod catalog;
pub mod chain;
pub mod checks;
pub mod expand;
pub mod fs;
pub mod gzip;
pub mod hints;
pub mod image;
pub mod instructions;
pub mod lesson;
pub mod lessons;
pub mod report;
pub mod session;
pub mod shell;
pub mod syntax;
pub mod text;
