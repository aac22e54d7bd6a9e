//! "Did you mean …?" for an unknown instruction, as BuildKit's
//! `suggest.WrapError` adds it: the closest instruction name by Levenshtein
//! distance, if closer than 3 edits, compared without case and written in
//! the case the user typed (all lower or all upper; lower otherwise; only
//! ASCII letters decide "all upper", which keeps Unicode's upper-case table
//! out of the page — an instruction name is ASCII).
//! BuildKit walks a Go map, so between equally close names its choice varies
//! from run to run; here the first in alphabetical order wins.

/// The instructions BuildKit knows (its `command.Commands`), alphabetically.
const NAMES: [&str; 18] = [
    "add",
    "arg",
    "cmd",
    "copy",
    "entrypoint",
    "env",
    "expose",
    "from",
    "healthcheck",
    "label",
    "maintainer",
    "onbuild",
    "run",
    "shell",
    "stopsignal",
    "user",
    "volume",
    "workdir",
];

/// ` (did you mean RUN?)` for `RUNN`, or nothing when no name is close.
pub(super) fn did_you_mean(typed: &str) -> String {
    let lower = crate::text::go_lower(typed);
    let mut best: Option<(&str, usize)> = None;
    for name in NAMES {
        let distance = levenshtein(&lower, name);
        if distance < best.map_or(3, |(_, d)| d) {
            best = Some((name, distance));
        }
    }
    let Some((name, _)) = best else {
        return String::new();
    };
    let shown = if typed == lower {
        name.to_owned()
    } else if typed == typed.to_ascii_uppercase() {
        name.to_ascii_uppercase()
    } else {
        name.to_owned()
    };
    format!(" (did you mean {shown}?)")
}

/// Edits (insertions, deletions, substitutions) between two strings, by character.
pub(crate) fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != *cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_closest_name_in_the_typed_case() {
        assert_eq!(did_you_mean("RUNN"), " (did you mean RUN?)");
        assert_eq!(did_you_mean("cpy"), " (did you mean copy?)");
        assert_eq!(did_you_mean("Workdirr"), " (did you mean workdir?)");
        assert_eq!(did_you_mean("ENTRYPIONT"), " (did you mean ENTRYPOINT?)");
        assert_eq!(did_you_mean("FOO"), " (did you mean FROM?)");
        assert_eq!(did_you_mean("{{"), "");
        assert_eq!(did_you_mean("INVALID"), "");
        assert_eq!(levenshtein("kitten", "sitting"), 3);
        assert_eq!(levenshtein("", "run"), 3);
    }
}
