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

/// A short summary for embedding pages (the playground's `postMessage` API):
/// whether it built, the image size, and each step's status, size and reason.
pub fn summary(result: &BuildResult) -> serde_json::Value {
    serde_json::json!({
        "type": "layerlab:summary",
        "schema_version": SCHEMA_VERSION,
        "ok": result.ok(),
        "error": result.error,
        "image_size": result.image.as_ref().map(|i| i.size),
        "image_size_text": result.image.as_ref().map(|i| super::human_size(i.size)),
        "image_id": result.image.as_ref().map(|i| i.id.clone()),
        "cached_steps": result.steps.iter().filter(|s| s.status == crate::build::StepStatus::Cached).count(),
        "saved_ms": result.saved_ms,
        "steps": result.steps.iter().map(|s| serde_json::json!({
            "number": s.number,
            "line": s.line,
            "instruction": s.instruction,
            "status": s.status,
            "layer_size": s.layer_size,
            "miss": s.miss_text,
        })).collect::<Vec<_>>(),
    })
}
