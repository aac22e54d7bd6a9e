//! Instruction flags (`--from=x`, `--link`), as BuildKit's BFlags reads them:
//! each instruction asks for the flags it knows; anything left over is an
//! `unknown flag` error.

/// The flags of one instruction, consumed as they are asked for.
pub(crate) struct Flags {
    /// (name, value) with the `--` removed; `None` for a bare `--name`.
    items: Vec<(String, Option<String>)>,
    used: Vec<bool>,
}

impl Flags {
    pub fn new(raw: Vec<String>) -> Self {
        let items: Vec<_> = raw
            .into_iter()
            .map(|f| {
                let f = f.strip_prefix("--").unwrap_or(&f).to_owned();
                match f.split_once('=') {
                    Some((k, v)) => (k.to_owned(), Some(v.to_owned())),
                    None => (f, None),
                }
            })
            .collect();
        let used = vec![false; items.len()];
        Flags { items, used }
    }

    fn take(&mut self, name: &str) -> Vec<Option<String>> {
        let mut out = Vec::new();
        for (i, (k, v)) in self.items.iter().enumerate() {
            if k == name {
                self.used[i] = true;
                out.push(v.clone());
            }
        }
        out
    }

    /// A string flag (`--name=value`); the last one wins.
    pub fn string(&mut self, name: &str) -> Result<Option<String>, String> {
        match self.take(name).pop() {
            None => Ok(None),
            Some(Some(v)) => Ok(Some(v)),
            Some(None) => Err(format!("Missing a value on flag: {name}")),
        }
    }

    /// A repeatable string flag (`--mount=…` several times).
    pub fn strings(&mut self, name: &str) -> Vec<String> {
        self.take(name).into_iter().flatten().collect()
    }

    /// A boolean flag: `--name`, `--name=true` or `--name=false`.
    pub fn bool(&mut self, name: &str) -> Result<bool, String> {
        match self.take(name).pop() {
            None => Ok(false),
            Some(None) => Ok(true),
            Some(Some(v)) => match crate::text::go_lower(&v).as_str() {
                "true" => Ok(true),
                "false" => Ok(false),
                _ => Err(format!("expecting boolean value for flag {name}, not: {v}")),
            },
        }
    }

    /// Fails on the first flag nobody asked for.
    pub fn finish(&self) -> Result<(), String> {
        match self.items.iter().zip(&self.used).find(|(_, used)| !**used) {
            Some(((name, _), _)) => Err(format!("unknown flag: {name}")),
            None => Ok(()),
        }
    }
}
