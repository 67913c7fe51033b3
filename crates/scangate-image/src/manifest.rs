//! OCI image manifests and indexes, Docker schema 2 manifests and manifest lists (the same
//! shapes under other media types), image configs, and platforms.

use crate::digest::Digest;
use crate::{Image, ImageError, Layer};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

pub const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
pub const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";
pub const OCI_CONFIG: &str = "application/vnd.oci.image.config.v1+json";
pub const DOCKER_MANIFEST: &str = "application/vnd.docker.distribution.manifest.v2+json";
pub const DOCKER_MANIFEST_LIST: &str = "application/vnd.docker.distribution.manifest.list.v2+json";
pub const DOCKER_CONFIG: &str = "application/vnd.docker.container.image.v1+json";
pub const DOCKER_SCHEMA1: &str = "application/vnd.docker.distribution.manifest.v1+json";
pub const DOCKER_SCHEMA1_SIGNED: &str = "application/vnd.docker.distribution.manifest.v1+prettyjws";

/// The media types a registry is asked for (`Accept`), most wanted first.
pub const ACCEPTED_MANIFEST_TYPES: [&str; 4] = [
    OCI_INDEX,
    DOCKER_MANIFEST_LIST,
    OCI_MANIFEST,
    DOCKER_MANIFEST,
];

/// The annotation that names an image in an OCI layout's index (`latest`, `1.2`, ...).
pub const REF_NAME_ANNOTATION: &str = "org.opencontainers.image.ref.name";

/// Whether `media_type` names an index (OCI index or Docker manifest list).
pub fn is_index(media_type: &str) -> bool {
    media_type == OCI_INDEX || media_type == DOCKER_MANIFEST_LIST
}

/// Whether `media_type` names a single-image manifest (OCI or Docker schema 2).
pub fn is_manifest(media_type: &str) -> bool {
    media_type == OCI_MANIFEST || media_type == DOCKER_MANIFEST
}

/// A pointer to a blob: what it is, its digest and size, for indexes also its platform.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Descriptor {
    /// Empty where the document omits it.
    #[serde(default)]
    pub media_type: String,
    pub digest: Digest,
    pub size: u64,
    #[serde(default)]
    pub platform: Option<Platform>,
    #[serde(default)]
    pub annotations: BTreeMap<String, String>,
}

impl Descriptor {
    /// The `org.opencontainers.image.ref.name` annotation (an OCI layout's tag).
    pub fn ref_name(&self) -> Option<&str> {
        self.annotations
            .get(REF_NAME_ANNOTATION)
            .map(String::as_str)
    }
}

/// A single-image manifest: a config and layers, base first.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Manifest {
    #[serde(default)]
    pub media_type: String,
    pub config: Descriptor,
    pub layers: Vec<Descriptor>,
}

/// An index or manifest list: one manifest per platform (or per tag, in an OCI layout).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Index {
    #[serde(default)]
    pub media_type: String,
    pub manifests: Vec<Descriptor>,
}

/// What a manifest document turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Document {
    Manifest(Manifest),
    Index(Index),
}

/// Only the fields that tell the kind of document apart.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Envelope {
    schema_version: Option<u64>,
    #[serde(default)]
    media_type: String,
    manifests: Option<serde_json::Value>,
}

/// Parses a manifest or index. The kind is taken from `media_type` (a registry's Content-Type or
/// the pointing descriptor's media type) where it names one, else from the document's own
/// `mediaType`, else from its shape. `what` names the document in errors.
pub fn parse_document(
    what: &str,
    bytes: &[u8],
    media_type: Option<&str>,
) -> Result<Document, ImageError> {
    let envelope: Envelope = parse_json(what, bytes)?;
    let declared = media_type
        .filter(|m| is_index(m) || is_manifest(m) || is_schema1(m))
        .unwrap_or(&envelope.media_type);
    if is_schema1(declared) || envelope.schema_version == Some(1) {
        return Err(format_error(
            what,
            "Docker schema 1 manifests are not supported (pull the image with a current client)",
        ));
    }
    if envelope.schema_version != Some(2) {
        return Err(format_error(what, "schemaVersion must be 2"));
    }
    let index = if declared.is_empty() {
        envelope.manifests.is_some()
    } else if is_index(declared) || is_manifest(declared) {
        is_index(declared)
    } else {
        return Err(format_error(
            what,
            &format!("unsupported media type {declared:?}"),
        ));
    };
    if index {
        parse_json(what, bytes).map(Document::Index)
    } else {
        parse_json(what, bytes).map(Document::Manifest)
    }
}

fn is_schema1(media_type: &str) -> bool {
    media_type == DOCKER_SCHEMA1 || media_type == DOCKER_SCHEMA1_SIGNED
}

/// Parses one JSON document; errors name `what`.
pub(crate) fn parse_json<T: serde::de::DeserializeOwned>(
    what: &str,
    bytes: &[u8],
) -> Result<T, ImageError> {
    serde_json::from_slice(bytes).map_err(|e| format_error(what, &format!("invalid JSON: {e}")))
}

fn format_error(what: &str, message: &str) -> ImageError {
    ImageError::Format {
        what: what.to_string(),
        message: message.to_string(),
    }
}

/// An operating system, CPU architecture and variant, in OCI naming (`linux/arm64/v8`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Deserialize)]
pub struct Platform {
    pub os: String,
    pub architecture: String,
    #[serde(default)]
    pub variant: Option<String>,
}

impl Platform {
    /// Linux on the CPU this program runs on.
    pub fn host() -> Platform {
        let architecture = match std::env::consts::ARCH {
            "x86_64" => "amd64",
            "x86" => "386",
            "aarch64" => "arm64",
            "powerpc64" if cfg!(target_endian = "little") => "ppc64le",
            "loongarch64" => "loong64",
            "mips64" if cfg!(target_endian = "little") => "mips64le",
            other => other,
        };
        Platform {
            os: "linux".to_string(),
            architecture: architecture.to_string(),
            variant: None,
        }
    }

    /// The variant, or the one implied when none is given (`arm64` is `v8`).
    fn effective_variant(&self) -> Option<&str> {
        match (self.variant.as_deref(), self.architecture.as_str()) {
            (Some(v), _) => Some(v),
            (None, "arm64") => Some("v8"),
            (None, _) => None,
        }
    }

    /// Whether an image for `self` serves someone who wants `wanted`: same OS and architecture,
    /// and the same variant where `wanted` names one.
    pub fn satisfies(&self, wanted: &Platform) -> bool {
        self.os == wanted.os
            && self.architecture == wanted.architecture
            && (wanted.variant.is_none() || self.effective_variant() == wanted.effective_variant())
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.os, self.architecture)?;
        if let Some(variant) = &self.variant {
            write!(f, "/{variant}")?;
        }
        Ok(())
    }
}

impl FromStr for Platform {
    type Err = ImageError;

    /// `os/arch` or `os/arch/variant`.
    fn from_str(text: &str) -> Result<Platform, ImageError> {
        let parts: Vec<&str> = text.split('/').collect();
        let valid = |part: &&str| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'.')
        };
        if !(2..=3).contains(&parts.len()) || !parts.iter().all(valid) {
            return Err(format_error(
                &format!("platform {text:?}"),
                "expected os/arch or os/arch/variant (linux/amd64, linux/arm64/v8)",
            ));
        }
        Ok(Platform {
            os: parts[0].to_string(),
            architecture: parts[1].to_string(),
            variant: parts.get(2).map(|v| v.to_string()),
        })
    }
}

/// Chooses the manifest for `wanted` from an index. Without a variant in `wanted`, an entry
/// with the implied variant (or none) goes before other variants. The error lists what the
/// index has.
pub fn select_platform<'a>(
    reference: &str,
    index: &'a Index,
    wanted: &Platform,
) -> Result<&'a Descriptor, ImageError> {
    let all: Vec<&Descriptor> = index.manifests.iter().collect();
    select_platform_among(reference, &all, wanted)
}

/// [`select_platform`] over some entries of an index.
pub(crate) fn select_platform_among<'a>(
    reference: &str,
    manifests: &[&'a Descriptor],
    wanted: &Platform,
) -> Result<&'a Descriptor, ImageError> {
    let candidates: Vec<&Descriptor> = manifests
        .iter()
        .copied()
        .filter(|d| d.platform.as_ref().is_some_and(|p| p.satisfies(wanted)))
        .collect();
    let implied = candidates.iter().find(|d| {
        d.platform.as_ref().is_some_and(|p| {
            p.variant.is_none() || p.effective_variant() == wanted.effective_variant()
        })
    });
    if let Some(found) = implied.or(candidates.first()) {
        return Ok(found);
    }
    let available: Vec<String> = manifests
        .iter()
        .filter_map(|d| d.platform.as_ref())
        .filter(|p| p.os != "unknown")
        .map(Platform::to_string)
        .collect();
    Err(ImageError::Platform {
        reference: reference.to_string(),
        platform: wanted.to_string(),
        available: if available.is_empty() {
            "none".to_string()
        } else {
            available.join(", ")
        },
    })
}

/// The parts of an image config that describe the filesystem.
#[derive(Debug, Clone, Deserialize)]
struct ImageConfig {
    #[serde(default)]
    os: String,
    #[serde(default)]
    architecture: String,
    #[serde(default)]
    variant: Option<String>,
    rootfs: RootFs,
    #[serde(default)]
    history: Vec<History>,
}

#[derive(Debug, Clone, Deserialize)]
struct RootFs {
    diff_ids: Vec<Digest>,
}

#[derive(Debug, Clone, Deserialize)]
struct History {
    #[serde(default)]
    created_by: Option<String>,
    #[serde(default)]
    empty_layer: bool,
}

#[derive(Deserialize)]
struct RootFsOnly {
    rootfs: RootFs,
}

/// The config's `rootfs.diff_ids`: the uncompressed layers' digests, base first.
pub(crate) fn config_diff_ids(what: &str, config_bytes: &[u8]) -> Result<Vec<Digest>, ImageError> {
    parse_json::<RootFsOnly>(what, config_bytes).map(|c| c.rootfs.diff_ids)
}

/// Builds the [`Image`] from a manifest and its config blob, which must hash to the manifest's
/// config digest. Each layer gets its diff id from `rootfs.diff_ids` and its `created_by` from
/// the history entries that are not `empty_layer`; when those do not line up one to one with the
/// layers, no layer gets one (a wrong attribution is worse than none).
pub fn image_from(
    reference: &str,
    manifest_digest: Option<&Digest>,
    manifest: &Manifest,
    config_bytes: &[u8],
) -> Result<Image, ImageError> {
    let config_digest = &manifest.config.digest;
    let what = format!("config {config_digest}");
    config_digest.verify(&what, config_bytes)?;
    let config: ImageConfig = parse_json(&what, config_bytes)?;
    if config.rootfs.diff_ids.len() != manifest.layers.len() {
        return Err(format_error(
            &what,
            &format!(
                "{} diff ids for {} layers in the manifest",
                config.rootfs.diff_ids.len(),
                manifest.layers.len()
            ),
        ));
    }
    let layer_history: Vec<&History> = config.history.iter().filter(|h| !h.empty_layer).collect();
    let aligned = layer_history.len() == manifest.layers.len();
    let layers = manifest
        .layers
        .iter()
        .zip(&config.rootfs.diff_ids)
        .enumerate()
        .map(|(i, (descriptor, diff_id))| Layer {
            digest: descriptor.digest.to_string(),
            media_type: descriptor.media_type.clone(),
            size: Some(descriptor.size),
            diff_id: diff_id.to_string(),
            created_by: if aligned {
                layer_history[i].created_by.clone()
            } else {
                None
            },
        })
        .collect();
    let platform = Platform {
        os: config.os,
        architecture: config.architecture,
        variant: config.variant,
    };
    Ok(Image {
        reference: reference.to_string(),
        manifest_digest: manifest_digest.map(Digest::to_string),
        config_digest: config_digest.to_string(),
        platform: platform.to_string(),
        layers,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn digest_of(text: &str) -> Digest {
        Digest::sha256_of(text.as_bytes())
    }

    fn descriptor(media_type: &str, digest: &Digest, size: u64) -> serde_json::Value {
        json!({"mediaType": media_type, "digest": digest.to_string(), "size": size})
    }

    fn platform_entry(platform: &str) -> serde_json::Value {
        let p: Platform = platform.parse().unwrap();
        let mut entry = descriptor(OCI_MANIFEST, &digest_of(platform), 100);
        entry["platform"] = json!({"os": p.os, "architecture": p.architecture});
        if let Some(variant) = p.variant {
            entry["platform"]["variant"] = json!(variant);
        }
        entry
    }

    fn index(platforms: &[&str]) -> Index {
        let doc = json!({
            "schemaVersion": 2,
            "mediaType": OCI_INDEX,
            "manifests": platforms.iter().map(|p| platform_entry(p)).collect::<Vec<_>>(),
        });
        match parse_document("index", doc.to_string().as_bytes(), None).unwrap() {
            Document::Index(index) => index,
            other => panic!("not an index: {other:?}"),
        }
    }

    #[test]
    fn platforms_parse_and_display() {
        let p: Platform = "linux/arm64/v8".parse().unwrap();
        assert_eq!(
            p,
            Platform {
                os: "linux".into(),
                architecture: "arm64".into(),
                variant: Some("v8".into())
            }
        );
        assert_eq!(p.to_string(), "linux/arm64/v8");
        assert_eq!(
            "linux/amd64".parse::<Platform>().unwrap().to_string(),
            "linux/amd64"
        );
        for bad in ["linux", "linux/", "a/b/c/d", "linux/amd 64"] {
            let err = bad.parse::<Platform>().unwrap_err();
            assert_eq!(
                err.to_string(),
                format!(
                    "platform {bad:?}: expected os/arch or os/arch/variant (linux/amd64, linux/arm64/v8)"
                )
            );
        }
        let host = Platform::host();
        assert_eq!(host.os, "linux");
        if cfg!(target_arch = "x86_64") {
            assert_eq!(host.architecture, "amd64");
        }
        if cfg!(target_arch = "aarch64") {
            assert_eq!(host.architecture, "arm64");
        }
    }

    #[test]
    fn selects_platform_from_index() {
        let index = index(&[
            "linux/amd64",
            "linux/arm/v7",
            "linux/arm64/v8",
            "linux/arm/v6",
        ]);
        let pick = |wanted: &str| {
            let d = select_platform("img", &index, &wanted.parse().unwrap()).unwrap();
            d.platform.as_ref().unwrap().to_string()
        };
        assert_eq!(pick("linux/amd64"), "linux/amd64");
        assert_eq!(pick("linux/arm64"), "linux/arm64/v8");
        assert_eq!(pick("linux/arm64/v8"), "linux/arm64/v8");
        assert_eq!(pick("linux/arm/v6"), "linux/arm/v6");
        assert_eq!(pick("linux/arm"), "linux/arm/v7");
        let chosen = select_platform("img", &index, &"linux/arm64".parse().unwrap()).unwrap();
        assert_eq!(chosen.digest, digest_of("linux/arm64/v8"));
    }

    #[test]
    fn arm64_without_variant_serves_v8() {
        let index = index(&["linux/arm64"]);
        let d = select_platform("img", &index, &"linux/arm64/v8".parse().unwrap()).unwrap();
        assert_eq!(d.digest, digest_of("linux/arm64"));
    }

    #[test]
    fn missing_platform_lists_available() {
        let mut index = index(&["linux/amd64", "linux/arm64/v8"]);
        // Attestation manifests (unknown/unknown) are not platforms anyone can choose.
        index.manifests.push(Descriptor {
            platform: Some("unknown/unknown".parse().unwrap()),
            ..index.manifests[0].clone()
        });
        let err = select_platform("alpine:3", &index, &"linux/s390x".parse().unwrap()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "alpine:3: no image for platform linux/s390x (available: linux/amd64, linux/arm64/v8)"
        );
        let err = select_platform("x", &index, &"linux/arm64/v7".parse().unwrap()).unwrap_err();
        assert!(matches!(err, ImageError::Platform { .. }));
    }

    #[test]
    fn parses_docker_manifest_list_and_manifest() {
        let list = json!({
            "schemaVersion": 2,
            "mediaType": DOCKER_MANIFEST_LIST,
            "manifests": [platform_entry("linux/amd64")],
        });
        let doc = parse_document("list", list.to_string().as_bytes(), None).unwrap();
        assert!(matches!(doc, Document::Index(ref i) if i.media_type == DOCKER_MANIFEST_LIST));
        let manifest = json!({
            "schemaVersion": 2,
            "mediaType": DOCKER_MANIFEST,
            "config": descriptor(DOCKER_CONFIG, &digest_of("c"), 1),
            "layers": [descriptor("application/vnd.docker.image.rootfs.diff.tar.gzip", &digest_of("l"), 7)],
        });
        let Document::Manifest(m) =
            parse_document("m", manifest.to_string().as_bytes(), None).unwrap()
        else {
            panic!("not a manifest")
        };
        assert_eq!(m.config.media_type, DOCKER_CONFIG);
        assert_eq!(m.layers[0].size, 7);
        assert_eq!(
            m.layers[0].media_type,
            "application/vnd.docker.image.rootfs.diff.tar.gzip"
        );
    }

    #[test]
    fn kind_from_shape_and_from_hint() {
        let bare_index = json!({"schemaVersion": 2, "manifests": []});
        let doc = parse_document("i", bare_index.to_string().as_bytes(), None).unwrap();
        assert!(matches!(doc, Document::Index(_)));
        let bare_manifest = json!({
            "schemaVersion": 2,
            "config": descriptor(OCI_CONFIG, &digest_of("c"), 1),
            "layers": [],
        });
        let bytes = bare_manifest.to_string();
        let doc = parse_document("m", bytes.as_bytes(), Some(OCI_MANIFEST)).unwrap();
        assert!(matches!(doc, Document::Manifest(_)));
        let err = parse_document("m", bytes.as_bytes(), Some(OCI_INDEX)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "m: invalid JSON: missing field `manifests` at line 1 column 189"
        );
    }

    #[test]
    fn schema1_and_bad_documents_are_refused() {
        let schema1 = json!({"schemaVersion": 1, "name": "x", "fsLayers": []});
        let err = parse_document("manifest x", schema1.to_string().as_bytes(), None).unwrap_err();
        assert_eq!(
            err.to_string(),
            "manifest x: Docker schema 1 manifests are not supported (pull the image with a current client)"
        );
        let err = parse_document("manifest y", b"{}", Some(DOCKER_SCHEMA1_SIGNED)).unwrap_err();
        assert!(
            err.to_string()
                .contains("schema 1 manifests are not supported")
        );
        let err = parse_document("index.json", b"{\"schemaVersion\": 2,", None).unwrap_err();
        assert_eq!(
            err.to_string(),
            "index.json: invalid JSON: EOF while parsing a value at line 1 column 20"
        );
        let odd = json!({"schemaVersion": 2, "mediaType": "text/plain"});
        let err = parse_document("m", odd.to_string().as_bytes(), None).unwrap_err();
        assert_eq!(err.to_string(), "m: unsupported media type \"text/plain\"");
        let bad_digest = json!({"schemaVersion": 2, "manifests": [
            {"mediaType": OCI_MANIFEST, "digest": "sha256:../../etc/passwd", "size": 1}
        ]});
        let err = parse_document("i", bad_digest.to_string().as_bytes(), None).unwrap_err();
        assert!(
            err.to_string().starts_with(
                "i: invalid JSON: digest \"sha256:../../etc/passwd\": 16 characters after the algorithm, 64 hex digits expected"
            ),
            "{err}"
        );
    }

    fn manifest_with_layers(config: &[u8], layers: &[&str]) -> Manifest {
        Manifest {
            media_type: OCI_MANIFEST.to_string(),
            config: Descriptor {
                media_type: OCI_CONFIG.to_string(),
                digest: Digest::sha256_of(config),
                size: config.len() as u64,
                platform: None,
                annotations: BTreeMap::new(),
            },
            layers: layers
                .iter()
                .map(|l| Descriptor {
                    media_type: "application/vnd.oci.image.layer.v1.tar+gzip".to_string(),
                    digest: digest_of(l),
                    size: l.len() as u64,
                    platform: None,
                    annotations: BTreeMap::new(),
                })
                .collect(),
        }
    }

    #[test]
    fn image_aligns_history_skipping_empty_layers() {
        let config = json!({
            "architecture": "arm64", "os": "linux", "variant": "v8",
            "rootfs": {"type": "layers", "diff_ids": [digest_of("d1").to_string(), digest_of("d2").to_string()]},
            "history": [
                {"created_by": "/bin/sh -c #(nop) ADD file:abc in / "},
                {"created_by": "/bin/sh -c #(nop)  CMD [\"bash\"]", "empty_layer": true},
                {"created_by": "RUN apt-get install -y curl"},
                {"created_by": "ENV A=b", "empty_layer": true}
            ]
        })
        .to_string();
        let manifest = manifest_with_layers(config.as_bytes(), &["l1", "l2"]);
        let manifest_digest = digest_of("manifest");
        let image = image_from(
            "img:1",
            Some(&manifest_digest),
            &manifest,
            config.as_bytes(),
        )
        .unwrap();
        assert_eq!(
            image,
            Image {
                reference: "img:1".to_string(),
                manifest_digest: Some(manifest_digest.to_string()),
                config_digest: Digest::sha256_of(config.as_bytes()).to_string(),
                platform: "linux/arm64/v8".to_string(),
                layers: vec![
                    Layer {
                        digest: digest_of("l1").to_string(),
                        media_type: "application/vnd.oci.image.layer.v1.tar+gzip".to_string(),
                        size: Some(2),
                        diff_id: digest_of("d1").to_string(),
                        created_by: Some("/bin/sh -c #(nop) ADD file:abc in / ".to_string()),
                    },
                    Layer {
                        digest: digest_of("l2").to_string(),
                        media_type: "application/vnd.oci.image.layer.v1.tar+gzip".to_string(),
                        size: Some(2),
                        diff_id: digest_of("d2").to_string(),
                        created_by: Some("RUN apt-get install -y curl".to_string()),
                    },
                ],
            }
        );
    }

    #[test]
    fn misaligned_history_attributes_nothing() {
        let config = json!({
            "architecture": "amd64", "os": "linux",
            "rootfs": {"type": "layers", "diff_ids": [digest_of("d1").to_string(), digest_of("d2").to_string()]},
            "history": [{"created_by": "only one"}]
        })
        .to_string();
        let manifest = manifest_with_layers(config.as_bytes(), &["l1", "l2"]);
        let image = image_from("img", None, &manifest, config.as_bytes()).unwrap();
        assert_eq!(image.platform, "linux/amd64");
        assert_eq!(image.manifest_digest, None);
        let created: Vec<_> = image.layers.iter().map(|l| l.created_by.clone()).collect();
        assert_eq!(created, vec![None, None]);
    }

    #[test]
    fn config_must_match_digest_and_layers() {
        let config = json!({"os": "linux", "architecture": "amd64",
            "rootfs": {"type": "layers", "diff_ids": [digest_of("d1").to_string()]}})
        .to_string();
        let manifest = manifest_with_layers(config.as_bytes(), &["l1", "l2"]);
        let err = image_from("img", None, &manifest, config.as_bytes()).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "config {}: 1 diff ids for 2 layers in the manifest",
                Digest::sha256_of(config.as_bytes())
            )
        );
        let err = image_from("img", None, &manifest, b"{}").unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "config {0}: digest mismatch: expected {0}, got {1}",
                Digest::sha256_of(config.as_bytes()),
                Digest::sha256_of(b"{}")
            )
        );
    }
}
