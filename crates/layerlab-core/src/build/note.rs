//! What layerlab says about a step besides its output. A note has a kind, so
//! reports and tests ask what it is rather than read its words: something
//! layerlab did not simulate, or what a figure rests on.

/// What a note is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoteKind {
    /// A command or effect layerlab does not simulate (assumed to change no
    /// files); the step's figures may be short of Docker's.
    Unsimulated,
    /// Where a figure comes from, or what was assumed.
    Info,
}

/// A note on a step. Serialized (and displayed) as its text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    pub kind: NoteKind,
    pub text: String,
}

impl Note {
    /// `not simulated: WHAT`.
    pub fn unsimulated(what: impl std::fmt::Display) -> Note {
        Note {
            kind: NoteKind::Unsimulated,
            text: format!("not simulated: {what}"),
        }
    }

    pub fn info(text: impl Into<String>) -> Note {
        Note {
            kind: NoteKind::Info,
            text: text.into(),
        }
    }

    pub fn is_unsimulated(&self) -> bool {
        self.kind == NoteKind::Unsimulated
    }
}

impl std::fmt::Display for Note {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

impl serde::Serialize for Note {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

/// A note reads as its text (`note.contains(…)`, `&note[..]`).
impl std::ops::Deref for Note {
    type Target = str;

    fn deref(&self) -> &str {
        &self.text
    }
}

impl PartialEq<&str> for Note {
    fn eq(&self, other: &&str) -> bool {
        self.text == *other
    }
}

impl PartialEq<String> for Note {
    fn eq(&self, other: &String) -> bool {
        self.text == *other
    }
}

impl PartialEq<str> for Note {
    fn eq(&self, other: &str) -> bool {
        self.text == other
    }
}
