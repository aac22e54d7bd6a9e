//! The binary as mdBook runs it: `supports RENDERER`, and `[context, book]`
//! on standard input with the book on standard output (an error on standard
//! error and exit status 1).

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn run(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mdbook-layerlab"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn supports_only_html() {
    assert!(run(&["supports", "html"], "").status.success());
    assert_eq!(run(&["supports", "markdown"], "").status.code(), Some(1));
    assert_eq!(run(&["bogus"], "").status.code(), Some(2));
}

const INPUT: &str = r##"[
  {"root": "/b", "config": {"book": {"title": "t"}, "preprocessor": {"layerlab": {"command": "mdbook-layerlab", "playground": "playground/"}}},
   "renderer": "html", "mdbook_version": "0.5.4"},
  {"items": [
    {"Chapter": {"name": "A", "content": "# A\n\n```dockerfile,layerlab,readonly\nFROM alpine\n```\n", "number": [1],
      "sub_items": [{"Chapter": {"name": "B", "content": "# B\n", "number": [1, 1], "sub_items": [],
        "path": "sub/b.md", "source_path": "sub/b.md", "parent_names": ["A"]}}],
      "path": "a.md", "source_path": "a.md", "parent_names": []}},
    "Separator"
  ]}
]"##;

#[test]
fn rewrites_the_book_on_stdin() {
    let out = run(&[], INPUT);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let book: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let a = book["items"][0]["Chapter"]["content"].as_str().unwrap();
    assert!(a.contains("<layerlab-playground readonly>"), "{a}");
    assert!(a.contains("<script type=\"module\" src=\"playground/embed.js\"></script>"));
    assert_eq!(
        book["items"][0]["Chapter"]["sub_items"][0]["Chapter"]["content"],
        "# B\n"
    );
    assert_eq!(book["items"][1], "Separator");
}

#[test]
fn a_bad_block_fails_with_its_place() {
    let out = run(
        &[],
        &INPUT.replace("layerlab,readonly", "layerlab,readonly,panels=nope"),
    );
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("mdbook-layerlab: a.md: line 3: unknown panel `nope`"),
        "{err}"
    );
    assert!(out.stdout.is_empty());
    let out = run(&[], "not json");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not mdBook's JSON"));
}
