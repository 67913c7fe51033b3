use serde::{Deserialize, Serialize};

/// One image for one platform, as its manifest and config describe it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Image {
    /// The reference the user gave, without credentials.
    pub reference: String,
    /// The digest of the manifest, where the source knows it (`sha256:...`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manifest_digest: Option<String>,
    /// The digest of the config blob: the image id.
    pub config_digest: String,
    /// `linux/amd64`, `linux/arm64/v8`, ...
    pub platform: String,
    /// Base layer first. Layers marked `empty_layer` in the history are not here.
    pub layers: Vec<Layer>,
}

/// One filesystem layer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Layer {
    /// The digest of the blob as stored (compressed or not), which names it in the source.
    pub digest: String,
    /// The manifest's media type, or an empty string where the source gives none (docker save).
    pub media_type: String,
    /// The blob's size in bytes, where the manifest gives it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    /// The digest of the uncompressed tar, from the config's `rootfs.diff_ids`.
    pub diff_id: String,
    /// The history entry's `created_by` (the Dockerfile instruction), where the config has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_by: Option<String>,
}
