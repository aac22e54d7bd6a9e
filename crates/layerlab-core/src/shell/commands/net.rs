//! Downloads: `curl`, `wget` and `git clone` write files of an assumed size
//! (the content is not fetched) and say so.

use crate::build::Note;
use crate::fs::{Content, Meta};

use super::{fail, option_value};
use crate::shell::interp::Interp;

/// Size assumed for a download whose size layerlab cannot know.
pub(super) const ASSUMED_DOWNLOAD: u64 = 1_000_000;

pub(super) fn download(sh: &mut Interp<'_>, name: &str, args: &[String]) -> i32 {
    let url = args
        .iter()
        .find(|a| a.contains("://"))
        .cloned()
        .unwrap_or_default();
    let file_name = url
        .split(['?', '#'])
        .next()
        .unwrap_or("")
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or("index.html")
        .to_owned();
    let explicit = option_value(args, &["-o", "--output", "-O", "--output-document"])
        .filter(|o| !(name == "curl" && args.iter().any(|a| a == "-O") && o.contains("://")));
    let remote_name = args.iter().any(|a| {
        a == "-O"
            || a == "--remote-name"
            || (a.starts_with('-') && !a.starts_with("--") && a.contains('O') && name == "curl")
    });
    let target = match (explicit, name) {
        (Some(o), _) if o != "-" => Some(o),
        (Some(_), _) => None,
        (None, "wget") => Some(file_name.clone()),
        (None, _) if remote_name => Some(file_name.clone()),
        _ => None,
    };
    match target {
        Some(t) => {
            let p = sh.abs(&t);
            let _ = sh
                .tree
                .write_file(&p, Meta::FILE, Content::sized(&url, ASSUMED_DOWNLOAD));
            sh.notes.push(Note::info(format!(
                "{name} {url}: not fetched; assumed a {ASSUMED_DOWNLOAD}-byte file {t}"
            )));
        }
        None => sh.notes.push(Note::info(format!(
            "{name} {url}: output not known to layerlab"
        ))),
    }
    0
}

pub(super) fn git_clone(sh: &mut Interp<'_>, args: &[String]) -> i32 {
    let operands: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    let Some(url) = operands.first() else {
        return fail(
            sh,
            "fatal: You must specify a repository to clone.".into(),
            128,
        );
    };
    let dir = operands.get(1).map(|s| s.to_string()).unwrap_or_else(|| {
        url.trim_end_matches('/')
            .trim_end_matches(".git")
            .rsplit('/')
            .next()
            .unwrap_or("repo")
            .to_owned()
    });
    let p = sh.abs(&dir);
    let _ = sh.tree.mkdir_all(&p, Meta::DIR);
    let _ = sh.tree.write_file(
        &format!("{p}/.git/pack"),
        Meta::FILE,
        Content::sized(url, ASSUMED_DOWNLOAD),
    );
    sh.notes.push(Note::info(format!(
        "git clone {url}: not fetched; assumed {ASSUMED_DOWNLOAD} bytes in {dir}/.git"
    )));
    0
}
