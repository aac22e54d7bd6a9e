//! The book side: mdBook hands a preprocessor `[context, book]` as JSON and
//! takes the book back. [`process`] walks the book generically as
//! `serde_json::Value` (every object with a `"Chapter"` key is a chapter,
//! its `"sub_items"` more of them; the top-level list is `"sections"` in
//! mdBook 0.4 and `"items"` in 0.5), rewrites each chapter's content with
//! [`crate::markdown::rewrite`], and adds one
//! `<script type="module" src="…/embed.js">` to each chapter that got a
//! playground. Everything else in the JSON goes back as it came.
//!
//! The script's address comes from `playground` in the preprocessor's table
//! of book.toml: an absolute URL (or a path from the site's root) is used
//! as is; a relative path is taken from the book's root, so a chapter at
//! `guide/cache.md` gets `../` before it. Either may name `embed.js` itself
//! or the folder it is in.

use serde_json::Value;

use crate::markdown::{escape, rewrite};

/// The preprocessor's name in `[preprocessor.NAME]`, when the book keeps it.
pub const NAME: &str = "layerlab";

/// Takes mdBook's `[context, book]` and returns the book, or a message
/// naming the chapter and line at fault.
pub fn process(input: Value) -> Result<Value, String> {
    let Value::Array(mut pair) = input else {
        return Err("expected the JSON array [context, book] on standard input".into());
    };
    if pair.len() != 2 {
        return Err(format!(
            "expected the JSON array [context, book], got an array of {}",
            pair.len()
        ));
    }
    let mut book = pair.pop().unwrap();
    let context = pair.pop().unwrap();
    let playground = playground_setting(&context);
    let list = match &mut book {
        Value::Object(map) if map.contains_key("items") => map.get_mut("items"),
        Value::Object(map) => map.get_mut("sections"),
        _ => None,
    };
    let Some(Value::Array(list)) = list else {
        return Err("the book has neither `items` (mdBook 0.5) nor `sections` (mdBook 0.4)".into());
    };
    walk(list, playground.as_deref())?;
    Ok(book)
}

/// The `playground` setting, from `[preprocessor.layerlab]` or from the
/// table whose command runs mdbook-layerlab.
fn playground_setting(context: &Value) -> Option<String> {
    let tables = context.pointer("/config/preprocessor")?.as_object()?;
    let table = tables.get(NAME).or_else(|| {
        tables.values().find(|t| {
            t.get("command")
                .and_then(Value::as_str)
                .is_some_and(|c| c.contains("mdbook-layerlab"))
        })
    })?;
    table
        .get("playground")
        .and_then(Value::as_str)
        .map(str::to_string)
}

fn walk(items: &mut [Value], playground: Option<&str>) -> Result<(), String> {
    for item in items {
        let Some(chapter) = item.get_mut("Chapter") else {
            continue;
        };
        let path = chapter
            .get("path")
            .and_then(Value::as_str)
            .map(str::to_string);
        let name = chapter
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or("?")
            .to_string();
        let where_ = || path.clone().unwrap_or_else(|| format!("chapter `{name}`"));
        if let Some(Value::String(content)) = chapter.get_mut("content") {
            let rewritten = rewrite(content).map_err(|e| format!("{}: {e}", where_()))?;
            if rewritten.embeds > 0 {
                let Some(playground) = playground else {
                    return Err(format!(
                        "{}: has a layerlab playground, but book.toml's [preprocessor.{NAME}] sets no `playground` (where embed.js is served)",
                        where_()
                    ));
                };
                let src = script_src(playground, path.as_deref().unwrap_or(""));
                *content = format!(
                    "{}\n\n<script type=\"module\" src=\"{}\"></script>\n",
                    rewritten.content.trim_end_matches('\n'),
                    escape(&src)
                );
            }
        }
        if let Some(Value::Array(sub)) = chapter.get_mut("sub_items") {
            walk(sub, playground)?;
        }
    }
    Ok(())
}

/// Where a chapter at `chapter_path` (relative to the book's source root)
/// loads embed.js from.
pub fn script_src(playground: &str, chapter_path: &str) -> String {
    let file = if playground.ends_with(".js") {
        playground.to_string()
    } else if playground.is_empty() || playground.ends_with('/') {
        format!("{playground}embed.js")
    } else {
        format!("{playground}/embed.js")
    };
    let absolute = file.starts_with('/') || file.contains("://") || file.starts_with("data:");
    if absolute {
        return file;
    }
    let file = file.trim_start_matches("./");
    let depth = chapter_path
        .split(['/', '\\'])
        .filter(|part| !part.is_empty() && *part != ".")
        .count()
        .saturating_sub(1);
    format!("{}{file}", "../".repeat(depth))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const DOCKERFILE: &str = "```dockerfile,layerlab\nFROM alpine\n```\n";

    fn context(playground: Option<&str>) -> Value {
        let mut table = json!({ "command": "mdbook-layerlab" });
        if let Some(p) = playground {
            table["playground"] = json!(p);
        }
        json!({
            "root": "/book",
            "config": { "book": { "title": "t" }, "preprocessor": { "layerlab": table } },
            "renderer": "html",
            "mdbook_version": "0.5.4"
        })
    }

    fn chapter(path: Option<&str>, content: &str, sub: Vec<Value>) -> Value {
        json!({ "Chapter": {
            "name": "c", "content": content, "number": null, "sub_items": sub,
            "path": path, "source_path": path, "parent_names": []
        }})
    }

    #[test]
    fn script_src_follows_the_chapter_depth() {
        assert_eq!(script_src("playground/", "intro.md"), "playground/embed.js");
        assert_eq!(
            script_src("playground", "guide/cache.md"),
            "../playground/embed.js"
        );
        assert_eq!(
            script_src("./playground/", "a/b/c.md"),
            "../../playground/embed.js"
        );
        assert_eq!(script_src("tools/embed.js", "a\\b.md"), "../tools/embed.js");
        assert_eq!(script_src("", "a/b.md"), "../embed.js");
        assert_eq!(script_src("/playground/", "a/b.md"), "/playground/embed.js");
        assert_eq!(
            script_src("https://example.test/lab", "a/b.md"),
            "https://example.test/lab/embed.js"
        );
        assert_eq!(
            script_src("//example.test/lab/", "a.md"),
            "//example.test/lab/embed.js"
        );
    }

    #[test]
    fn walks_mdbook_0_5_items_and_sub_items() {
        let book = json!({ "items": [
            chapter(Some("intro.md"), "# Intro\n", vec![]),
            json!({ "PartTitle": "Part" }),
            chapter(Some("a.md"), DOCKERFILE, vec![chapter(Some("sub/b.md"), DOCKERFILE, vec![])]),
            json!("Separator"),
            chapter(None, "", vec![]),
        ]});
        let out = process(json!([context(Some("playground/")), book.clone()])).unwrap();
        let items = out["items"].as_array().unwrap();
        assert_eq!(items[0], book["items"][0]);
        assert_eq!(items[1], book["items"][1]);
        assert_eq!(items[3], book["items"][3]);
        assert_eq!(items[4], book["items"][4]);
        let a = items[2]["Chapter"]["content"].as_str().unwrap();
        assert!(a.contains("<layerlab-playground>"));
        assert!(a.ends_with("</layerlab-playground>\n\n<script type=\"module\" src=\"playground/embed.js\"></script>\n"));
        assert_eq!(a.matches("<script type=\"module\"").count(), 1);
        let b = items[2]["Chapter"]["sub_items"][0]["Chapter"]["content"]
            .as_str()
            .unwrap();
        assert!(b.contains("<script type=\"module\" src=\"../playground/embed.js\"></script>"));
    }

    #[test]
    fn walks_mdbook_0_4_sections_and_keeps_other_fields() {
        let book = json!({ "sections": [chapter(Some("a.md"), &format!("{DOCKERFILE}{DOCKERFILE}"), vec![])], "__non_exhaustive": null });
        let out = process(json!([context(Some("https://lab.example.test/")), book])).unwrap();
        assert!(out.as_object().unwrap().contains_key("__non_exhaustive"));
        let a = out["sections"][0]["Chapter"]["content"].as_str().unwrap();
        assert_eq!(a.matches("<layerlab-playground>").count(), 2);
        assert_eq!(
            a.matches("<script type=\"module\" src=\"https://lab.example.test/embed.js\">")
                .count(),
            1
        );
    }

    #[test]
    fn the_setting_may_sit_under_another_name() {
        let ctx = json!({ "config": { "preprocessor": {
            "other": { "command": "sed" },
            "lab": { "command": "cargo run -p mdbook-layerlab --", "playground": "p/" }
        }}});
        assert_eq!(playground_setting(&ctx).as_deref(), Some("p/"));
    }

    #[test]
    fn errors_name_the_chapter() {
        let book = json!({ "items": [chapter(Some("x/y.md"), "text\n```dockerfile,layerlab,hight=3\nFROM a\n```\n", vec![])] });
        let e = process(json!([context(Some("p/")), book])).unwrap_err();
        assert!(
            e.starts_with("x/y.md: line 2: unknown option `hight`"),
            "{e}"
        );
        let book = json!({ "items": [chapter(Some("a.md"), DOCKERFILE, vec![])] });
        let e = process(json!([context(None), book.clone()])).unwrap_err();
        assert!(e.contains("sets no `playground`"), "{e}");
        // Without a playground block, no setting is needed.
        let plain = json!({ "items": [chapter(Some("a.md"), "# A\n", vec![])] });
        assert_eq!(
            process(json!([context(None), plain.clone()])).unwrap(),
            plain
        );
        assert!(process(json!({})).unwrap_err().contains("[context, book]"));
        assert!(process(json!([{}, {"chapters": []}]))
            .unwrap_err()
            .contains("neither"));
    }
}
