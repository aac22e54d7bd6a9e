//! Share links and autosave: the playground's whole input (files and options)
//! as versioned JSON, deflated and URL-safe base64 encoded for the fragment
//! (`#s=1.<data>`).

use base64::Engine;

/// Format version of shared state; a link from a newer format is refused with a message.
pub const FORMAT_VERSION: u32 = 1;

/// What a share link or the autosave holds.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Snapshot {
    pub v: u32,
    /// (name, content); the Dockerfile first.
    pub files: Vec<(String, String)>,
    #[serde(default)]
    pub builder: String,
    #[serde(default)]
    pub catalog_date: Option<String>,
    /// The lesson being followed (its URL or path) and the step reached.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lesson: Option<(String, usize)>,
    /// The session's journal once the terminal was used (images, tags,
    /// pushes come back by replaying it); empty otherwise.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub session: Vec<layerlab_core::session::Change>,
}

/// `1.<base64url(deflate(json))>`.
pub fn encode(snapshot: &Snapshot) -> String {
    let json = serde_json::to_vec(snapshot).unwrap_or_default();
    let packed = miniz_oxide::deflate::compress_to_vec(&json, 9);
    format!(
        "{FORMAT_VERSION}.{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(packed)
    )
}

/// The autosave form: the snapshot as plain JSON. Written on every change,
/// so it skips the compression a link needs (localStorage is not a URL).
pub fn to_autosave(snapshot: &Snapshot) -> String {
    serde_json::to_string(snapshot).unwrap_or_default()
}

/// Reads an autosave: plain JSON, or a link-form string (what earlier
/// versions saved).
pub fn from_autosave(text: &str) -> Result<Snapshot, String> {
    if !text.starts_with('{') {
        return decode(text);
    }
    let snapshot: Snapshot = serde_json::from_slice(text.as_bytes())
        .map_err(|_| "the autosave is damaged (bad data)")?;
    if snapshot.files.is_empty() {
        return Err("the autosave holds no files".into());
    }
    Ok(snapshot)
}

/// Reads what [`encode`] wrote; the error says what is wrong with the link.
pub fn decode(text: &str) -> Result<Snapshot, String> {
    let (version, data) = text
        .split_once('.')
        .ok_or("this share link is not a layerlab link")?;
    let version: u32 = version
        .parse()
        .map_err(|_| "this share link is not a layerlab link")?;
    if version > FORMAT_VERSION {
        return Err(format!(
            "this link was made by a newer layerlab (format {version})"
        ));
    }
    let packed = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(data.trim_end_matches('='))
        .map_err(|_| "this share link is damaged (bad encoding)")?;
    let json = miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, 16 << 20)
        .map_err(|_| "this share link is damaged (bad compression)")?;
    let snapshot: Snapshot =
        serde_json::from_slice(&json).map_err(|_| "this share link is damaged (bad data)")?;
    if snapshot.files.is_empty() {
        return Err("this share link holds no files".into());
    }
    Ok(snapshot)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_errors() {
        let s = Snapshot {
            v: 1,
            files: vec![
                ("Dockerfile".into(), "FROM alpine\n".into()),
                ("<img src=x>.py".into(), "ü\u{0}".into()),
            ],
            builder: "classic".into(),
            catalog_date: Some("2017-06".into()),
            lesson: Some(("lessons/cache-order.md".into(), 1)),
            session: vec![layerlab_core::session::Change::Terminal {
                input: "docker build -t a .".into(),
            }],
        };
        let link = encode(&s);
        assert!(link.starts_with("1.") && !link.contains(['+', '/', '=']));
        assert_eq!(decode(&link).unwrap(), s);
        assert!(decode("2.abc").unwrap_err().contains("newer"));
        assert!(decode("1.!!!").is_err());
        assert!(decode("nonsense").is_err());
    }

    #[test]
    fn autosave_reads_its_json_and_the_older_link_form() {
        let s = Snapshot {
            v: 1,
            files: vec![("Dockerfile".into(), "FROM alpine\n".into())],
            builder: String::new(),
            catalog_date: None,
            lesson: None,
            session: Vec::new(),
        };
        assert_eq!(from_autosave(&to_autosave(&s)).unwrap(), s);
        assert_eq!(from_autosave(&encode(&s)).unwrap(), s);
        assert!(from_autosave("{\"v\":1,\"files\":[]").is_err());
        assert!(from_autosave("{\"v\":1,\"files\":[],\"builder\":\"\"}").is_err());
    }
}
