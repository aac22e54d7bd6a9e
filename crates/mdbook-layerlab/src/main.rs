//! `mdbook-layerlab`: an mdBook preprocessor that turns
//! ```` ```dockerfile,layerlab ```` blocks into live layerlab playgrounds
//! (the `<layerlab-playground>` element of the playground's `embed.js`).
//!
//! It speaks mdBook's preprocessor protocol without the mdbook crate:
//! `mdbook-layerlab supports RENDERER` exits 0 for `html` and 1 for any
//! other; with no arguments it reads the JSON array `[context, book]` from
//! standard input and writes the book back to standard output. An error
//! (a bad option, a file block with no playground before it) is printed with
//! its chapter and line, and the exit status is 1, which stops the build.
//! See the crate's README for book.toml and the fence syntax.

mod book;
mod markdown;

use std::io::{Read, Write};
use std::process::ExitCode;

const USAGE: &str = "usage: mdbook-layerlab [supports RENDERER]\n\
    An mdBook preprocessor: run by mdbook as [preprocessor.layerlab] in book.toml.";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["supports", renderer] => {
            if *renderer == "html" {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        [] => match run() {
            Ok(()) => ExitCode::SUCCESS,
            Err(message) => {
                eprintln!("mdbook-layerlab: {message}");
                ExitCode::FAILURE
            }
        },
        ["--version" | "-V"] => {
            println!("mdbook-layerlab {}", env!("CARGO_PKG_VERSION"));
            ExitCode::SUCCESS
        }
        ["--help" | "-h"] => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<(), String> {
    let mut input = String::new();
    std::io::stdin()
        .read_to_string(&mut input)
        .map_err(|e| format!("reading standard input: {e}"))?;
    let input = serde_json::from_str(&input)
        .map_err(|e| format!("standard input is not mdBook's JSON: {e}"))?;
    let book = book::process(input)?;
    let mut stdout = std::io::stdout().lock();
    serde_json::to_writer(&mut stdout, &book).map_err(|e| format!("writing the book: {e}"))?;
    stdout.flush().map_err(|e| format!("writing the book: {e}"))
}
