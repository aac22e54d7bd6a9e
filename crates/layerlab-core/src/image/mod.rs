//! Image config and history as Docker stores them, and image IDs.
//!
//! [`ImageConfig`] serializes to the OCI/Docker image config JSON (`config`,
//! `rootfs.diff_ids`, `history`). An image ID is the sha256 of its canonical
//! JSON. Timestamps are not part of the hashed form, so the same Dockerfile and
//! context give the same IDs on every machine and at every time.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The `config` object: how a container from this image runs.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RunConfig {
    #[serde(skip_serializing_if = "String::is_empty", default)]
    pub user: String,
    #[serde(skip_serializing_if = "BTreeMap::is_empty", default)]
    pub exposed_ports: BTreeMap<String, Empty>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub env: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub entrypoint: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub cmd: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub healthcheck: Option<HealthConfig>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty", default)]
    pub volumes: BTreeMap<String, Empty>,
    #[serde(skip_serializing_if = "String::is_empty", default)]
    pub working_dir: String,
    #[serde(skip_serializing_if = "BTreeMap::is_empty", default)]
    pub labels: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "String::is_empty", default)]
    pub stop_signal: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub shell: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub on_build: Vec<String>,
}

/// Go's `struct{}` in JSON maps (`"ExposedPorts": {"80/tcp": {}}`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Empty {}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct HealthConfig {
    pub test: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub interval: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub timeout: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub start_period: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub start_interval: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub retries: Option<u32>,
}

/// One `history` entry.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    /// RFC 3339 time, when known (left out of image IDs).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub created: Option<String>,
    pub created_by: String,
    #[serde(skip_serializing_if = "String::is_empty", default)]
    pub comment: String,
    #[serde(skip_serializing_if = "std::ops::Not::not", default)]
    pub empty_layer: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RootFs {
    #[serde(rename = "type")]
    pub kind: String,
    pub diff_ids: crate::chain::Chain<String>,
}

/// The image config document.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImageConfig {
    pub architecture: String,
    pub os: String,
    #[serde(skip_serializing_if = "String::is_empty", default)]
    pub author: String,
    pub config: RunConfig,
    pub rootfs: RootFs,
    /// Every step keeps its own history; a `Chain` shares the past between them.
    pub history: crate::chain::Chain<HistoryEntry>,
}

/// `PATH` a non-Windows image always has (added when the base config has none).
pub const DEFAULT_PATH: &str = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

impl ImageConfig {
    /// The config of `FROM scratch`: linux/amd64, no layers, the default PATH.
    pub fn scratch() -> Self {
        ImageConfig {
            architecture: "amd64".into(),
            os: "linux".into(),
            config: RunConfig {
                env: vec![DEFAULT_PATH.into()],
                ..RunConfig::default()
            },
            rootfs: RootFs {
                kind: "layers".into(),
                diff_ids: crate::chain::Chain::new(),
            },
            ..ImageConfig::default()
        }
    }

    /// The image ID: `sha256:` + sha256 of the canonical JSON, without timestamps.
    pub fn id(&self) -> String {
        /// The config as serialized, history entries without their time (no copies).
        #[derive(Serialize)]
        struct Hashed<'a> {
            architecture: &'a str,
            os: &'a str,
            #[serde(skip_serializing_if = "str::is_empty")]
            author: &'a str,
            config: &'a RunConfig,
            rootfs: &'a RootFs,
            history: Vec<Untimed<'a>>,
        }
        #[derive(Serialize)]
        struct Untimed<'a> {
            created_by: &'a str,
            #[serde(skip_serializing_if = "str::is_empty")]
            comment: &'a str,
            #[serde(skip_serializing_if = "std::ops::Not::not")]
            empty_layer: bool,
        }
        let hashed = Hashed {
            architecture: &self.architecture,
            os: &self.os,
            author: &self.author,
            config: &self.config,
            rootfs: &self.rootfs,
            history: self
                .history
                .iter()
                .map(|h| Untimed {
                    created_by: &h.created_by,
                    comment: &h.comment,
                    empty_layer: h.empty_layer,
                })
                .collect(),
        };
        // Streamed into the hash: a 10,000-entry history is never one buffer.
        let mut hasher = Sha256::new();
        let _ = serde_json::to_writer(&mut hasher, &hashed);
        format!("sha256:{}", crate::fs::hex(&hasher.finalize()))
    }

    /// Looks a variable up in `config.Env`.
    pub fn env_get(&self, name: &str) -> Option<&str> {
        self.config
            .env
            .iter()
            .find_map(|e| e.strip_prefix(name)?.strip_prefix('='))
    }

    /// Sets a variable in `config.Env`, keeping its position if it exists.
    pub fn env_set(&mut self, name: &str, value: &str) {
        let entry = format!("{name}={value}");
        match self
            .config
            .env
            .iter_mut()
            .find(|e| e.split('=').next() == Some(name))
        {
            Some(slot) => *slot = entry,
            None => self.config.env.push(entry),
        }
    }
}

/// The 12-character short form Docker prints (`ce41f2517c16`).
pub fn short_id(id: &str) -> &str {
    let hex = id.strip_prefix("sha256:").unwrap_or(id);
    &hex[..hex.len().min(12)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_ignore_time_but_not_content() {
        let mut a = ImageConfig::scratch();
        a.history.push_back(HistoryEntry {
            created: Some("2024-01-01T00:00:00Z".into()),
            created_by: "x".into(),
            ..Default::default()
        });
        let mut b = a.clone();
        b.history = b
            .history
            .iter()
            .map(|h| HistoryEntry {
                created: Some("2025-01-01T00:00:00Z".into()),
                ..h.clone()
            })
            .collect();
        assert_eq!(a.id(), b.id());
        b.config.cmd = Some(vec!["sh".into()]);
        assert_ne!(a.id(), b.id());
        assert_eq!(short_id(&a.id()).len(), 12);
    }

    #[test]
    fn env_helpers_and_json_shape() {
        let mut c = ImageConfig::scratch();
        c.env_set("LANG", "C.UTF-8");
        c.env_set("PATH", "/bin");
        assert_eq!(c.config.env, ["PATH=/bin", "LANG=C.UTF-8"]);
        assert_eq!(c.env_get("LANG"), Some("C.UTF-8"));
        c.config.exposed_ports.insert("5000/tcp".into(), Empty {});
        let json = serde_json::to_string(&c.config).unwrap();
        assert_eq!(
            json,
            r#"{"ExposedPorts":{"5000/tcp":{}},"Env":["PATH=/bin","LANG=C.UTF-8"]}"#
        );
    }
}
