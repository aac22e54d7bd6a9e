//! BuildKit's AST dump (`Node.Dump()`), the format of its parser fixtures.
//!
//! One line per instruction: `(keyword ["--flag" …] "arg" …)`, the keyword
//! lowercased, flags and arguments quoted with Go's `strconv.Quote`, an ONBUILD
//! body nested in parentheses.

use super::Instruction;
use crate::text::{go_lossy, go_quote, go_to_lower, trim_space};

/// The dump of one instruction, without the surrounding parentheses.
pub(crate) fn dump_instruction(node: &Instruction) -> String {
    let mut out = go_lossy(&go_to_lower(node.keyword().value));
    if !node.flags().is_empty() {
        let flags: Vec<String> = node.flags().iter().map(|f| go_quote(f.value)).collect();
        out.push_str(" [");
        out.push_str(&flags.join(" "));
        out.push(']');
    }
    if let Some(inner) = &node.nested {
        out.push_str(" (");
        out.push_str(&dump_instruction(inner));
        out.push(')');
    }
    for arg in node.args() {
        out.push(' ');
        out.push_str(&go_quote(arg.value));
    }
    // Go trims the whole string with strings.TrimSpace.
    go_lossy(trim_space(out.as_bytes()))
}

/// The dump of the whole file: each instruction in parentheses on its own line.
pub(crate) fn dump_root(instructions: &[Instruction]) -> String {
    let mut out = String::new();
    for node in instructions {
        out.push('(');
        out.push_str(&dump_instruction(node));
        out.push_str(")\n");
    }
    // The root's own dump is trimmed, and the fixtures add one newline back.
    let mut out = go_lossy(trim_space(out.as_bytes()));
    out.push('\n');
    out
}
