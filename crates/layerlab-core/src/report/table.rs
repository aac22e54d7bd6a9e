//! Docker CLI tables: Go's `tabwriter` with minimum width 20, padding 3
//! (each column as wide as its widest cell plus 3, at least 20; the last
//! column unpadded).

/// Lays out rows (the first is the header) as Docker's table formatter does.
pub fn render(rows: &[Vec<String>]) -> String {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut widths = vec![0usize; cols];
    for row in rows {
        for (i, cell) in row.iter().enumerate().take(cols.saturating_sub(1)) {
            widths[i] = widths[i].max(cell.chars().count() + 3).max(20);
        }
    }
    let mut out = String::new();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            out.push_str(cell);
            if i + 1 < row.len() {
                out.extend(std::iter::repeat_n(' ', widths[i] - cell.chars().count()));
            }
        }
        out.push('\n');
    }
    out
}

/// Cuts text to `max` characters, the last one an ellipsis (Docker's `Ellipsis`).
pub fn ellipsis(text: &str, max: usize) -> String {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= max {
        return text.to_owned();
    }
    let mut out: String = chars[..max - 1].iter().collect();
    out.push('…');
    out
}
