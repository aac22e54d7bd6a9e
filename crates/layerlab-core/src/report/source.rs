//! The Dockerfile lines around an error, as BuildKit prints them under
//! `Dockerfile:N` before `ERROR: failed to solve` (its `Source.Print`): the
//! failing lines marked `>>>`, padded with up to four lines of context for a
//! one-line instruction and two for a longer one, numbered in a width of
//! three.

/// The excerpt of `text` for the 1-based lines `start..=end`, headed by
/// `name:start`; empty when `start` is not a line of the text.
pub fn excerpt(name: &str, text: &str, start: usize, end: usize) -> String {
    // Go's strings.Split: a final newline leaves an empty last line.
    let lines: Vec<&str> = text.split('\n').collect();
    if start < 1 || start > lines.len() {
        return String::new();
    }
    let marked_end = end.max(start).min(lines.len());
    let (mut first, mut last) = (start, marked_end);
    let pad = if last == start { 4 } else { 2 };
    let mut padded = 0;
    while padded < pad {
        if first > 1 {
            first -= 1;
            padded += 1;
        }
        if last != lines.len() {
            last += 1;
            padded += 1;
        }
        padded += 1;
    }
    let mut out = format!("{name}:{start}\n--------------------\n");
    for (i, line) in lines.iter().enumerate().take(last).skip(first - 1) {
        let number = i + 1;
        let marker = if (start..=marked_end).contains(&number) {
            ">>>"
        } else {
            "   "
        };
        out.push_str(&format!(" {number:>3} | {marker} {line}\n"));
    }
    out.push_str("--------------------\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_gets_context_on_both_sides() {
        let text = "FROM scratch\nRUN echo hi > /f\n";
        assert_eq!(
            excerpt("Dockerfile", text, 2, 2),
            "Dockerfile:2\n--------------------\n   1 |     FROM scratch\n   2 | >>> RUN echo hi > /f\n   3 |     \n--------------------\n"
        );
        let text: String = (1..=20).map(|i| format!("LINE {i}\n")).collect();
        let out = excerpt("Dockerfile", &text, 10, 10);
        let numbers: Vec<&str> = out
            .lines()
            .filter(|l| l.contains(" | "))
            .map(|l| &l[..4])
            .collect();
        assert_eq!(numbers, ["   8", "   9", "  10", "  11", "  12"]);
    }

    #[test]
    fn several_lines_are_all_marked_with_less_context() {
        let text: String = (1..=20).map(|i| format!("LINE {i}\n")).collect();
        let out = excerpt("Dockerfile", &text, 5, 7);
        let marked: Vec<&str> = out.lines().filter(|l| l.contains(">>>")).collect();
        assert_eq!(marked.len(), 3);
        assert!(out.starts_with("Dockerfile:5\n"));
        assert!(out.contains("   4 |     LINE 4\n") && out.contains("   8 |     LINE 8\n"));
        assert!(!out.contains("LINE 3\n") && !out.contains("LINE 9\n"));
        assert_eq!(excerpt("Dockerfile", "FROM a", 3, 3), "");
    }
}
