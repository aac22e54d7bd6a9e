//! CLI behaviour (filled in with the CLI).
