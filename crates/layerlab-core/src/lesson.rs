//! Lesson material: the files a Markdown tutorial gives, so the playground can
//! offer it as an example and the tests can replay it.
//!
//! Two ways tutorials write files: fenced code blocks (```` ```Dockerfile ````),
//! and shell commands `echo '…' > NAME`. Blocks inside Markdown list items are
//! indented; that indentation is removed.
//!
//! ```
//! let text = "1. Run\n\n    ```sh\n    echo 'FROM alpine\n    CMD [\"sh\"]' > Dockerfile\n    ```\n";
//! let files = layerlab_core::lesson::echo_files(text);
//! assert_eq!(files, [("Dockerfile".to_owned(), "FROM alpine\nCMD [\"sh\"]\n".to_owned())]);
//! ```

/// The fenced blocks of a Markdown text: (info string, body), bodies dedented
/// by the fence's own indentation.
pub fn fences(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let trimmed = line.trim_start();
        if let Some(info) = trimmed.strip_prefix("```") {
            let indent = line.len() - trimmed.len();
            let mut body = String::new();
            for l in lines.by_ref() {
                if l.trim_start().starts_with("```") {
                    break;
                }
                let own = l.len() - l.trim_start().len();
                body.push_str(&l[indent.min(own)..]);
                body.push('\n');
            }
            out.push((info.trim().to_owned(), body));
        }
    }
    out
}

/// Files written with `echo '…' > NAME`, in order (echo adds the final newline).
pub fn echo_files(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("echo '") {
        let body_start = start + "echo '".len();
        let Some(len) = rest[body_start..].find("' > ") else {
            break;
        };
        let body = &rest[body_start..body_start + len];
        let after = &rest[body_start + len + "' > ".len()..];
        let name: String = after.chars().take_while(|c| !c.is_whitespace()).collect();
        let lines: Vec<&str> = body.split('\n').collect();
        let indented = lines[1..]
            .iter()
            .filter(|l| !l.is_empty())
            .all(|l| l.starts_with("    "));
        let dedented: Vec<&str> = lines
            .iter()
            .enumerate()
            .map(|(i, l)| {
                if i > 0 && indented {
                    l.strip_prefix("    ").unwrap_or(l)
                } else {
                    l
                }
            })
            .collect();
        out.push((name, format!("{}\n", dedented.join("\n"))));
        rest = after;
    }
    out
}

/// The first fenced block that holds a Dockerfile (a line starting with `FROM `).
pub fn first_dockerfile(text: &str) -> Option<String> {
    fences(text)
        .into_iter()
        .map(|(_, b)| b)
        .find(|b| b.lines().any(|l| l.starts_with("FROM ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fenced_blocks_are_dedented() {
        let text = "x\n  ```python\n  def f():\n      pass\n  ```\n```Dockerfile\nFROM a\n```\n";
        assert_eq!(
            fences(text),
            [
                ("python".to_owned(), "def f():\n    pass\n".to_owned()),
                ("Dockerfile".to_owned(), "FROM a\n".to_owned())
            ]
        );
        assert_eq!(first_dockerfile(text).as_deref(), Some("FROM a\n"));
    }
}
