//! The JSON form of a build result (schema: `docs/build-result.md`).

use crate::build::BuildResult;

/// Version of the JSON schema; bumped on any incompatible change.
pub const SCHEMA_VERSION: u32 = 1;

/// The whole build result as JSON: steps (status, miss reasons, layers,
/// sizes, digests, changes), stages, the final image (config, history,
/// layers), errors and warnings.
pub fn build_json(result: &BuildResult) -> String {
    let mut value = serde_json::to_value(result).unwrap_or_default();
    if let Some(obj) = value.as_object_mut() {
        obj.insert("schema_version".into(), SCHEMA_VERSION.into());
    }
    let mut out = serde_json::to_string_pretty(&value).unwrap_or_default();
    out.push('\n');
    out
}
