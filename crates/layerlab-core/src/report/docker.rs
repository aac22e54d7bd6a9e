//! `docker history`, `docker images` and `docker diff`, as the Docker CLI prints them.

use super::size::human_size;
use super::table::{ellipsis, render};
use super::time::since;
use crate::fs::DiffKind;
use crate::image::{short_id, ImageConfig};

/// One row source for `docker history`: a history entry and the image ID at
/// that point (`None` prints `<missing>`).
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct HistoryRow {
    pub image_id: Option<String>,
    pub created: Option<String>,
    pub created_by: String,
    pub size: u64,
    pub comment: String,
}

/// History rows of an image, newest first. `ids` gives, per history entry
/// (oldest first), the image ID known for it.
pub fn history_rows(
    config: &ImageConfig,
    layer_sizes: &[u64],
    ids: &[Option<String>],
) -> Vec<HistoryRow> {
    let mut sizes = layer_sizes.iter();
    let mut rows: Vec<HistoryRow> = config
        .history
        .iter()
        .enumerate()
        .map(|(i, h)| HistoryRow {
            image_id: ids.get(i).cloned().flatten(),
            created: h.created.clone(),
            created_by: h.created_by.clone(),
            size: if h.empty_layer {
                0
            } else {
                sizes.next().copied().unwrap_or(0)
            },
            comment: h.comment.clone(),
        })
        .collect();
    rows.reverse();
    rows
}

/// `docker history IMAGE`.
pub fn history(rows: &[HistoryRow], now: Option<i64>) -> String {
    history_table(rows, now, true)
}

/// `docker history`, cut as Docker cuts it (`trunc`) or with `--no-trunc`.
pub fn history_table(rows: &[HistoryRow], now: Option<i64>, trunc: bool) -> String {
    let mut table = vec![vec![
        "IMAGE".into(),
        "CREATED".into(),
        "CREATED BY".into(),
        "SIZE".into(),
        "COMMENT".into(),
    ]];
    for r in rows {
        let created_by = r.created_by.replace(['\t', '\n'], " ");
        let id = r.image_id.as_deref().unwrap_or("<missing>");
        table.push(vec![
            if trunc { short_id(id) } else { id }.to_owned(),
            since(r.created.as_deref(), now),
            if trunc {
                ellipsis(&created_by, 45)
            } else {
                r.created_by.clone()
            },
            human_size(r.size),
            r.comment.clone(),
        ]);
    }
    render(&table)
}

/// One `docker images` row.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct ImageRow {
    pub repository: String,
    pub tag: String,
    pub id: String,
    pub created: Option<String>,
    pub size: u64,
}

impl ImageRow {
    /// An image's rows: one per `repo:tag` reference, or `<none>` for an
    /// untagged image.
    pub fn for_tags(tags: &[String], id: &str, created: Option<&str>, size: u64) -> Vec<ImageRow> {
        let none = ["<none>:<none>".to_owned()];
        let tags = if tags.is_empty() { &none[..] } else { tags };
        tags.iter()
            .map(|t| {
                let (repository, tag) = t.rsplit_once(':').unwrap_or((t, "latest"));
                ImageRow {
                    repository: repository.to_owned(),
                    tag: tag.to_owned(),
                    id: id.to_owned(),
                    created: created.map(str::to_owned),
                    size,
                }
            })
            .collect()
    }
}

/// `docker images`.
pub fn images(rows: &[ImageRow], now: Option<i64>) -> String {
    let mut table = vec![vec![
        "REPOSITORY".into(),
        "TAG".into(),
        "IMAGE ID".into(),
        "CREATED".into(),
        "SIZE".into(),
    ]];
    for r in rows {
        table.push(vec![
            r.repository.clone(),
            r.tag.clone(),
            short_id(&r.id).to_owned(),
            since(r.created.as_deref(), now),
            human_size(r.size),
        ]);
    }
    render(&table)
}

/// `docker diff`: one `A|C|D path` line per change.
pub fn diff(changes: &[(String, DiffKind)]) -> String {
    changes
        .iter()
        .map(|(p, k)| format!("{} {p}\n", k.letter()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn history_table_layout() {
        let rows = vec![
            HistoryRow {
                image_id: Some("sha256:f1b2781b3111aaaa".into()),
                created: None,
                created_by:
                    "/bin/sh -c #(nop) COPY file:0114358808a1bb0000000000000000 in /app.py ".into(),
                size: 159,
                comment: String::new(),
            },
            HistoryRow {
                image_id: None,
                created: None,
                created_by: "/bin/sh -c #(nop)  CMD [\"python3\"]".into(),
                size: 0,
                comment: String::new(),
            },
        ];
        let text = history(&rows, None);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "IMAGE               CREATED             CREATED BY                                      SIZE                COMMENT");
        assert_eq!(lines[1], "f1b2781b3111        N/A                 /bin/sh -c #(nop) COPY file:0114358808a1bb00…   159B                ");
        assert_eq!(lines[2], "<missing>           N/A                 /bin/sh -c #(nop)  CMD [\"python3\"]              0B                  ");
    }
}
