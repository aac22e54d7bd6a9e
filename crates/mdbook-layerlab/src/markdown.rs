//! The markdown side of the preprocessor, a pure function of a chapter's text:
//! [`rewrite`] turns each ```` ```dockerfile,layerlab ```` fenced block into a
//! `<layerlab-playground>` element, attaches the ```` ```python,layerlab-file=app.py ````
//! blocks that follow it as the playground's other files, and leaves every
//! other block (and everything inside a longer or different fence) alone.
//!
//! The info string is split on commas and spaces. In a playground block,
//! besides `layerlab` and the language `dockerfile`, each word is an option:
//! `panels=layers+log` (panels joined by `+`), `readonly`, `height=400`,
//! `theme=auto|light|dark`, `builder=buildkit|classic`,
//! `catalog-date=YYYY-MM`, `lesson=URL`. A file block's words are
//! `layerlab-file=NAME`, optionally `show` (the block also stays on the page
//! as an ordinary code block), and any others (its language, kept when shown).
//!
//! The element is written as separate HTML blocks (a blank line between the
//! opening tag, the `<pre>`, each `<script>` and the closing tag) so that
//! blank lines inside a Dockerfile or a file never end the HTML early, and
//! each line carries the fence's indentation so a block inside a list item
//! stays in it. Fences are found line by line: up to any indentation, not
//! inside block quotes.

use std::fmt;

/// The panels `embed.js` knows.
pub const KNOWN_PANELS: &[&str] = &[
    "layers", "files", "log", "classic", "history", "images", "inspect", "hints",
];

/// What was wrong, at which line of the chapter (1-based, the opening fence).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub line: usize,
    pub message: String,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// A chapter's text with its playground blocks rewritten.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rewritten {
    pub content: String,
    /// How many `<layerlab-playground>` elements it now holds.
    pub embeds: usize,
}

/// Rewrites the playground blocks of `markdown`; text without any comes back
/// unchanged, byte for byte.
pub fn rewrite(markdown: &str) -> Result<Rewritten, Error> {
    let mut out: Vec<Out> = Vec::new();
    let mut current: Option<usize> = None;
    for piece in split(markdown) {
        let fence = match piece {
            Piece::Text(text) => {
                out.push(Out::Text(text.to_string()));
                continue;
            }
            Piece::Fence(fence) => fence,
        };
        match classify(fence.info).map_err(|message| Error {
            line: fence.line,
            message,
        })? {
            Kind::Plain => out.push(Out::Text(fence.raw.to_string())),
            Kind::Playground(options) => {
                if fence.body.trim().is_empty() {
                    return Err(Error {
                        line: fence.line,
                        message: "the layerlab block is empty: it should hold a Dockerfile".into(),
                    });
                }
                current = Some(out.len());
                out.push(Out::Playground(Playground {
                    indent: fence.indent,
                    dockerfile: fence.body.clone(),
                    options,
                    files: Vec::new(),
                }));
            }
            Kind::File {
                name,
                show,
                classes,
            } => {
                let at = |message: String| Error {
                    line: fence.line,
                    message,
                };
                let Some(Out::Playground(playground)) = current.map(|i| &mut out[i]) else {
                    return Err(at(format!(
                        "the file block `{name}` has no ```dockerfile,layerlab block before it to belong to"
                    )));
                };
                if playground.files.iter().any(|(n, _)| *n == name) {
                    return Err(at(format!(
                        "the playground above already has a file `{name}`"
                    )));
                }
                if let Some(bad) = unsafe_in_script(&fence.body) {
                    return Err(at(format!(
                        "the file `{name}` holds `{bad}`, which cannot be carried in the page's <script type=\"text/plain\"> block"
                    )));
                }
                playground.files.push((name, fence.body.clone()));
                if show {
                    out.push(Out::Text(reopened(&fence, &classes)));
                }
            }
        }
    }
    let embeds = out
        .iter()
        .filter(|o| matches!(o, Out::Playground(_)))
        .count();
    let mut content = String::with_capacity(markdown.len() * 2);
    for piece in &out {
        match piece {
            Out::Text(text) => content.push_str(text),
            Out::Playground(playground) => playground.render(&mut content),
        }
    }
    Ok(Rewritten { content, embeds })
}

/// A piece of the chapter: plain text between fences, or a fenced block.
#[derive(Debug)]
enum Piece<'a> {
    Text(&'a str),
    Fence(Fence<'a>),
}

#[derive(Debug)]
struct Fence<'a> {
    /// 1-based line of the opening fence.
    line: usize,
    /// Spaces before the opening fence.
    indent: usize,
    ch: char,
    len: usize,
    info: &'a str,
    /// The whole block as written, fences included.
    raw: &'a str,
    /// The contents, the fence's indentation taken off, lines ending in `\n`.
    body: String,
}

/// An opening fence: (indent, fence character, its count, info string).
fn opening(line: &str) -> Option<(usize, char, usize, &str)> {
    let line = line.trim_end_matches(['\n', '\r']);
    let rest = line.trim_start_matches(' ');
    let indent = line.len() - rest.len();
    let ch = rest.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let len = rest.len() - rest.trim_start_matches(ch).len();
    if len < 3 {
        return None;
    }
    let info = rest[len..].trim();
    if ch == '`' && info.contains('`') {
        return None;
    }
    Some((indent, ch, len, info))
}

/// Whether `line` closes a block opened at `indent` with `len` of `ch`.
fn closes(line: &str, indent: usize, ch: char, len: usize) -> bool {
    let line = line.trim_end_matches(['\n', '\r']);
    let rest = line.trim_start_matches(' ');
    if line.len() - rest.len() > indent + 3 {
        return false;
    }
    let run = rest.len() - rest.trim_start_matches(ch).len();
    run >= len && rest[run..].trim().is_empty()
}

/// Splits the chapter into text and fenced blocks. An unclosed fence runs to
/// the end, as in CommonMark.
fn split(markdown: &str) -> Vec<Piece<'_>> {
    let mut lines = Vec::new();
    let mut offset = 0;
    for line in markdown.split_inclusive('\n') {
        lines.push((offset, line));
        offset += line.len();
    }
    let mut pieces = Vec::new();
    let mut text_start = 0;
    let mut i = 0;
    while i < lines.len() {
        let (start, line) = lines[i];
        let Some((indent, ch, len, info)) = opening(line) else {
            i += 1;
            continue;
        };
        if start > text_start {
            pieces.push(Piece::Text(&markdown[text_start..start]));
        }
        let close = (i + 1..lines.len()).find(|&j| closes(lines[j].1, indent, ch, len));
        let contents = &lines[i + 1..close.unwrap_or(lines.len())];
        let mut body = String::new();
        for (_, content) in contents {
            let content = content.trim_end_matches(['\n', '\r']);
            let spaces = content.len() - content.trim_start_matches(' ').len();
            body.push_str(&content[spaces.min(indent)..]);
            body.push('\n');
        }
        let end = close.map_or(markdown.len(), |j| lines[j].0 + lines[j].1.len());
        pieces.push(Piece::Fence(Fence {
            line: i + 1,
            indent,
            ch,
            len,
            info,
            raw: &markdown[start..end],
            body,
        }));
        text_start = end;
        i = close.map_or(lines.len(), |j| j + 1);
    }
    if text_start < markdown.len() {
        pieces.push(Piece::Text(&markdown[text_start..]));
    }
    pieces
}

/// What a fenced block is to the preprocessor.
#[derive(Debug, PartialEq)]
enum Kind {
    Plain,
    Playground(Options),
    File {
        name: String,
        show: bool,
        classes: Vec<String>,
    },
}

/// A playground's options, each an attribute of the element.
#[derive(Debug, Default, PartialEq)]
struct Options {
    panels: Option<Vec<String>>,
    readonly: bool,
    height: Option<u32>,
    theme: Option<String>,
    builder: Option<String>,
    catalog_date: Option<String>,
    lesson: Option<String>,
}

const OPTIONS_HELP: &str = "panels=A+B, readonly, height=PX, theme=auto|light|dark, builder=buildkit|classic, catalog-date=YYYY-MM, lesson=URL";

fn classify(info: &str) -> Result<Kind, String> {
    let words: Vec<&str> = info
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|w| !w.is_empty())
        .collect();
    if words.contains(&"layerlab") {
        let mut options = Options::default();
        let mut seen: Vec<&str> = Vec::new();
        for word in words {
            if word == "layerlab" || word.eq_ignore_ascii_case("dockerfile") {
                continue;
            }
            let (key, value) = match word.split_once('=') {
                Some((k, v)) => (k, Some(v)),
                None => (word, None),
            };
            if seen.contains(&key) {
                return Err(format!("the option `{key}` is given twice"));
            }
            seen.push(key);
            options.set(key, value)?;
        }
        return Ok(Kind::Playground(options));
    }
    let mut name = None;
    let mut show = false;
    let mut classes = Vec::new();
    for word in &words {
        if let Some(file) = word.strip_prefix("layerlab-file=") {
            if name.is_some() {
                return Err("a block can be only one file: `layerlab-file=` is given twice".into());
            }
            name = Some(file);
        } else if word.starts_with("layerlab") {
            return Err(format!(
                "`{word}` is not a layerlab marker: a playground is ```dockerfile,layerlab and a file ```LANG,layerlab-file=NAME"
            ));
        } else if *word == "show" {
            show = true;
        } else {
            classes.push(word.to_string());
        }
    }
    let Some(name) = name else {
        return Ok(Kind::Plain);
    };
    if name.is_empty() {
        return Err("`layerlab-file=` needs a file name".into());
    }
    if name == "Dockerfile" {
        return Err(
            "the Dockerfile is the ```dockerfile,layerlab block itself, not a file block".into(),
        );
    }
    if name.chars().any(|c| c.is_control()) {
        return Err(format!("the file name `{name}` has a control character"));
    }
    Ok(Kind::File {
        name: name.to_string(),
        show,
        classes,
    })
}

impl Options {
    fn set(&mut self, key: &str, value: Option<&str>) -> Result<(), String> {
        let need = |value: Option<&str>| match value {
            Some(v) if !v.is_empty() => Ok(v.to_string()),
            _ => Err(format!("the option `{key}` needs a value (`{key}=…`)")),
        };
        let one_of = |value: String, allowed: &[&str]| {
            if allowed.contains(&value.as_str()) {
                Ok(value)
            } else {
                Err(format!(
                    "`{key}={value}` is not one of {}",
                    allowed.join(", ")
                ))
            }
        };
        match key {
            "readonly" => match value {
                None => self.readonly = true,
                Some(_) => return Err("`readonly` takes no value".into()),
            },
            "panels" => {
                let list: Vec<String> = need(value)?.split('+').map(str::to_string).collect();
                if let Some(bad) = list.iter().find(|p| !KNOWN_PANELS.contains(&p.as_str())) {
                    return Err(format!(
                        "unknown panel `{bad}` in `panels=` (known: {}; join them with +)",
                        KNOWN_PANELS.join(", ")
                    ));
                }
                self.panels = Some(list);
            }
            "height" => {
                let text = need(value)?;
                match text.parse::<u32>() {
                    Ok(px) if (1..=5000).contains(&px) => self.height = Some(px),
                    _ => {
                        return Err(format!(
                            "`height={text}` is not a number of pixels (1 to 5000)"
                        ))
                    }
                }
            }
            "theme" => self.theme = Some(one_of(need(value)?, &["auto", "light", "dark"])?),
            "builder" => self.builder = Some(one_of(need(value)?, &["buildkit", "classic"])?),
            "catalog-date" => {
                let date = need(value)?;
                if !is_catalog_date(&date) {
                    return Err(format!("`catalog-date={date}` is not YYYY-MM"));
                }
                self.catalog_date = Some(date);
            }
            "lesson" => self.lesson = Some(need(value)?),
            _ => {
                return Err(format!(
                    "unknown option `{key}` (the options are: {OPTIONS_HELP})"
                ))
            }
        }
        Ok(())
    }

    /// The element's attributes, always in the same order.
    fn attributes(&self) -> String {
        let mut out = String::new();
        let mut add = |name: &str, value: &str| {
            out.push_str(&format!(" {name}=\"{}\"", escape(value)));
        };
        if let Some(panels) = &self.panels {
            add("panels", &panels.join(","));
        }
        if let Some(height) = self.height {
            add("height", &height.to_string());
        }
        if let Some(theme) = &self.theme {
            add("theme", theme);
        }
        if let Some(builder) = &self.builder {
            add("builder", builder);
        }
        if let Some(date) = &self.catalog_date {
            add("catalog-date", date);
        }
        if let Some(lesson) = &self.lesson {
            add("lesson", lesson);
        }
        if self.readonly {
            out.push_str(" readonly");
        }
        out
    }
}

/// `YYYY-MM` or `YYYY-MM-DD`, as `embed.js` accepts.
fn is_catalog_date(date: &str) -> bool {
    let parts: Vec<&str> = date.split('-').collect();
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    match parts.as_slice() {
        [y, m] => digits(y, 4) && digits(m, 2),
        [y, m, d] => digits(y, 4) && digits(m, 2) && digits(d, 2),
        _ => false,
    }
}

/// Text that would end the `<script>` block early, in the browser or in the
/// markdown parser (a raw HTML block that starts with `<script` ends at the
/// first line with any of these end tags). Script contents cannot be escaped.
fn unsafe_in_script(body: &str) -> Option<&'static str> {
    let lower = body.to_ascii_lowercase();
    ["</script", "<script", "</pre>", "</style>", "</textarea>"]
        .into_iter()
        .find(|bad| lower.contains(bad))
}

/// A shown file block, its opening fence rewritten without the layerlab words.
fn reopened(fence: &Fence<'_>, classes: &[String]) -> String {
    let rest = fence.raw.find('\n').map_or("\n", |at| &fence.raw[at..]);
    let fence_chars = fence.ch.to_string().repeat(fence.len);
    format!(
        "{}{fence_chars}{}{rest}",
        " ".repeat(fence.indent),
        classes.join(",")
    )
}

enum Out {
    Text(String),
    Playground(Playground),
}

struct Playground {
    indent: usize,
    dockerfile: String,
    options: Options,
    files: Vec<(String, String)>,
}

impl Playground {
    fn render(&self, out: &mut String) {
        let pad = " ".repeat(self.indent);
        // Text whose every line after the first carries the indentation.
        let padded = |text: &str| text.replace('\n', &format!("\n{pad}"));
        // The Dockerfile ends at `</pre>` (no empty last line in the editor);
        // files keep their text exactly.
        out.push('\n');
        out.push_str(&format!(
            "{pad}<layerlab-playground{}>\n\n",
            self.options.attributes()
        ));
        out.push_str(&format!(
            "{pad}<pre class=\"layerlab-dockerfile\">{}</pre>\n",
            padded(&escape(
                self.dockerfile
                    .strip_suffix('\n')
                    .unwrap_or(&self.dockerfile)
            ))
        ));
        for (name, text) in &self.files {
            out.push_str(&format!(
                "\n{pad}<script type=\"text/plain\" data-file=\"{}\">{}</script>\n",
                escape(name),
                padded(text)
            ));
        }
        out.push_str(&format!("\n{pad}</layerlab-playground>\n\n"));
    }
}

/// Escapes text for HTML content and double-quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(markdown: &str) -> Rewritten {
        rewrite(markdown).unwrap_or_else(|e| panic!("{e}"))
    }

    fn err(markdown: &str) -> Error {
        rewrite(markdown).expect_err("should fail")
    }

    #[test]
    fn text_without_playgrounds_is_untouched() {
        for text in [
            "",
            "# Title\n\nSome *text*.\n",
            "no newline at the end",
            "```rust\nfn main() {}\n```\n",
            "```dockerfile\nFROM alpine\n```\n",
            "~~~\nunclosed fence\n",
            "Inline ```dockerfile,layerlab``` is not a fence.\n",
            "crlf\r\n```sh\r\nls\r\n```\r\n",
        ] {
            assert_eq!(
                ok(text),
                Rewritten {
                    content: text.into(),
                    embeds: 0
                },
                "{text:?}"
            );
        }
    }

    #[test]
    fn a_playground_block_becomes_an_element() {
        let out =
            ok("Before.\n\n```dockerfile,layerlab\nFROM alpine:3.20\nRUN echo hi\n```\n\nAfter.\n");
        assert_eq!(out.embeds, 1);
        assert_eq!(
            out.content,
            "Before.\n\n\n<layerlab-playground>\n\n\
             <pre class=\"layerlab-dockerfile\">FROM alpine:3.20\nRUN echo hi</pre>\n\
             \n</layerlab-playground>\n\n\nAfter.\n"
        );
    }

    #[test]
    fn tildes_longer_fences_and_spaces_in_the_info_string() {
        for text in [
            "~~~dockerfile,layerlab\nFROM alpine\n~~~\n",
            "````dockerfile,layerlab\nFROM alpine\n````\n",
            "```` dockerfile layerlab\nFROM alpine\n`````\n",
            "``` Dockerfile, layerlab\nFROM alpine\n```\n",
            "```layerlab\nFROM alpine\n```\n",
        ] {
            let out = ok(text);
            assert_eq!(out.embeds, 1, "{text:?}");
            assert!(
                out.content
                    .contains("<pre class=\"layerlab-dockerfile\">FROM alpine</pre>"),
                "{text:?}"
            );
        }
    }

    #[test]
    fn a_fence_inside_a_longer_or_different_fence_is_untouched() {
        for text in [
            "````markdown\n```dockerfile,layerlab\nFROM alpine\n```\n````\n",
            "~~~markdown\n```dockerfile,layerlab\nFROM alpine\n```\n~~~\n",
            "```markdown\n~~~dockerfile,layerlab\nFROM alpine\n~~~\n```\n",
            "```text\n    ```\n```dockerfile,layerlab\n```\n",
        ] {
            let out = ok(text);
            assert_eq!(out.embeds, 0, "{text:?}");
            assert_eq!(out.content, text);
        }
        // A shorter run or one with text after it does not close a fence.
        let out = ok("````dockerfile,layerlab\nFROM alpine\n```\n``` x\n````\n");
        assert!(out.content.contains(">FROM alpine\n```\n``` x</pre>"));
    }

    #[test]
    fn an_unclosed_playground_runs_to_the_end() {
        let out = ok("```dockerfile,layerlab\nFROM alpine\nRUN true");
        assert!(out.content.contains(">FROM alpine\nRUN true</pre>"));
    }

    #[test]
    fn options_become_attributes() {
        let out = ok(
            "```dockerfile,layerlab,panels=layers+log,readonly,height=400,builder=classic,catalog-date=2026-08,theme=dark,lesson=lessons/a.toml\nFROM alpine\n```\n",
        );
        assert!(out.content.contains(
            "<layerlab-playground panels=\"layers,log\" height=\"400\" theme=\"dark\" builder=\"classic\" catalog-date=\"2026-08\" lesson=\"lessons/a.toml\" readonly>\n"
        ), "{}", out.content);
        let out = ok("``` dockerfile layerlab catalog-date=2024-06-01\nFROM alpine\n```\n");
        assert!(out
            .content
            .contains("<layerlab-playground catalog-date=\"2024-06-01\">"));
    }

    #[test]
    fn bad_options_are_errors_at_their_line() {
        let cases = [
            ("panels=layers+bogus", "unknown panel `bogus`"),
            ("panels=layers,log", "unknown option `log`"),
            ("panels", "needs a value"),
            ("readonly=yes", "takes no value"),
            ("height=tall", "not a number of pixels"),
            ("height=0", "not a number of pixels"),
            (
                "builder=kaniko",
                "`builder=kaniko` is not one of buildkit, classic",
            ),
            ("theme=blue", "is not one of auto, light, dark"),
            ("catalog-date=2026", "not YYYY-MM"),
            ("catalog-date=26-08", "not YYYY-MM"),
            ("readonly,readonly", "given twice"),
            ("hight=400", "unknown option `hight`"),
        ];
        for (options, message) in cases {
            let e = err(&format!(
                "# T\n\n```dockerfile,layerlab,{options}\nFROM alpine\n```\n"
            ));
            assert_eq!(e.line, 3, "{options}");
            assert!(e.message.contains(message), "{options}: {}", e.message);
        }
        assert!(err("```dockerfile,layerlab\n\n```\n")
            .message
            .contains("empty"));
    }

    #[test]
    fn file_blocks_join_the_playground_before_them() {
        let text = "\
```dockerfile,layerlab
FROM python:3.12-slim
COPY requirements.txt app.py ./
```

The requirements:

```text,layerlab-file=requirements.txt
flask==3.1.3
```

```python,layerlab-file=app.py
print(\"hi\")

print(1 < 2 and 3 > 2)
```
Done.
";
        let out = ok(text);
        assert_eq!(out.embeds, 1);
        assert_eq!(
            out.content,
            "\n<layerlab-playground>\n\n\
             <pre class=\"layerlab-dockerfile\">FROM python:3.12-slim\nCOPY requirements.txt app.py ./</pre>\n\
             \n<script type=\"text/plain\" data-file=\"requirements.txt\">flask==3.1.3\n</script>\n\
             \n<script type=\"text/plain\" data-file=\"app.py\">print(\"hi\")\n\nprint(1 < 2 and 3 > 2)\n</script>\n\
             \n</layerlab-playground>\n\n\
             \nThe requirements:\n\n\nDone.\n"
        );
    }

    #[test]
    fn each_file_goes_to_the_nearest_playground_above() {
        let out = ok("\
```dockerfile,layerlab
FROM a
```
```text,layerlab-file=one.txt
1
```
```dockerfile,layerlab
FROM b
```
```text,layerlab-file=one.txt
2
```
");
        assert_eq!(out.embeds, 2);
        let first = out.content.find("FROM a").unwrap();
        let second = out.content.find("FROM b").unwrap();
        let one = out.content.find("data-file=\"one.txt\">1\n").unwrap();
        let two = out.content.find("data-file=\"one.txt\">2\n").unwrap();
        assert!(first < one && one < second && second < two);
    }

    #[test]
    fn a_shown_file_block_stays_as_ordinary_code() {
        let out = ok("```dockerfile,layerlab\nFROM a\n```\n\n~~~~ python layerlab-file=app.py show\nprint(1)\n~~~~\n");
        assert!(out
            .content
            .contains("data-file=\"app.py\">print(1)\n</script>"));
        assert!(
            out.content.ends_with("\n~~~~python\nprint(1)\n~~~~\n"),
            "{}",
            out.content
        );
    }

    #[test]
    fn bad_file_blocks_are_errors() {
        let e = err("Intro\n\n```python,layerlab-file=app.py\nprint(1)\n```\n");
        assert_eq!(e.line, 3);
        assert!(e
            .message
            .contains("no ```dockerfile,layerlab block before it"));
        let head = "```dockerfile,layerlab\nFROM a\n```\n";
        let cases = [
            (
                "```text,layerlab-file=a\n1\n```\n```text,layerlab-file=a\n2\n```\n",
                "already has a file `a`",
            ),
            ("```text,layerlab-file=\n1\n```\n", "needs a file name"),
            (
                "```text,layerlab-file=Dockerfile\n1\n```\n",
                "is the ```dockerfile,layerlab block itself",
            ),
            (
                "```text,layerlab-file=a,layerlab-file=b\n1\n```\n",
                "given twice",
            ),
            (
                "```text,layerlab-files=a\n1\n```\n",
                "`layerlab-files=a` is not a layerlab marker",
            ),
            (
                "```html,layerlab-file=i.html\n<script src=a.js>\n```\n",
                "holds `<script`",
            ),
            (
                "```html,layerlab-file=i.html\n</SCRIPT>\n```\n",
                "holds `</script`",
            ),
            (
                "```html,layerlab-file=i.html\n<style>p{}</style>\n```\n",
                "holds `</style>`",
            ),
        ];
        for (files, message) in cases {
            let e = err(&format!("{head}{files}"));
            assert!(e.message.contains(message), "{files}: {}", e.message);
        }
    }

    #[test]
    fn contents_are_escaped_in_pre_and_attributes() {
        let out = ok("```dockerfile,layerlab\nFROM a\nRUN echo \"<b>&amp;</b>\" > /x </pre>\n```\n```text,layerlab-file=a&b\"c.txt\nx\n```\n");
        assert!(out.content.contains(
            ">FROM a\nRUN echo &quot;&lt;b&gt;&amp;amp;&lt;/b&gt;&quot; &gt; /x &lt;/pre&gt;</pre>"
        ));
        assert!(out.content.contains("data-file=\"a&amp;b&quot;c.txt\""));
        assert_eq!(
            escape("<a href=\"x\">&</a>"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;"
        );
    }

    #[test]
    fn a_block_in_a_list_item_keeps_its_indentation() {
        let out = ok("1. Build it:\n\n   ```dockerfile,layerlab\n   FROM a\n\n     RUN b\n   ```\n   ```text,layerlab-file=x\n   1\n   ```\n2. Next\n");
        assert_eq!(
            out.content,
            "1. Build it:\n\n\n   <layerlab-playground>\n\n   \
             <pre class=\"layerlab-dockerfile\">FROM a\n   \n     RUN b</pre>\n\n   \
             <script type=\"text/plain\" data-file=\"x\">1\n   </script>\n\n   \
             </layerlab-playground>\n\n2. Next\n"
        );
    }

    #[test]
    fn crlf_lines_are_read() {
        let out = ok("```dockerfile,layerlab\r\nFROM a\r\nRUN b\r\n```\r\nafter\r\n");
        assert!(out.content.contains(">FROM a\nRUN b</pre>"));
        assert!(out.content.ends_with("</layerlab-playground>\n\nafter\r\n"));
    }
}
