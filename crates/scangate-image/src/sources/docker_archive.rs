//! `docker-archive:PATH[:repo:tag | :@N]`: a `docker save` tar, read in place.
//!
//! Its `manifest.json` lists images as `{Config, RepoTags, Layers}` with member names. Older
//! Docker names layers `<id>/layer.tar` (uncompressed, so the layer's digest is its diff id);
//! Docker 25+ writes an OCI layout and names members `blobs/sha256/<hex>`. An archive with only
//! the OCI layout is read as one.

use super::oci_layout::OciLayoutSource;
use super::tar_members::TarMembers;
use crate::digest::{Digest, MAX_JSON_BLOB, read_limited};
use crate::manifest::{self, Descriptor, Manifest};
use crate::reference::{ImageName, parse_position, split_path};
use crate::{Image, ImageError, ImageSource, SourceOptions};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::path::Path;

const SOURCE_NAME: &str = "docker-archive";

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Entry {
    config: String,
    #[serde(default)]
    repo_tags: Option<Vec<String>>,
    layers: Vec<String>,
}

/// An image in a `docker save` archive.
pub struct DockerArchiveSource {
    members: TarMembers,
    image: Image,
    /// Layer digest -> member name.
    layer_members: HashMap<String, String>,
}

/// Opens `docker-archive:PATH[:repo:tag | :@N]`; `rest` is what follows the prefix.
pub fn open(rest: &str, options: &SourceOptions) -> Result<Box<dyn ImageSource>, ImageError> {
    let (path, selector) = split_path(rest);
    let reference = format!("{SOURCE_NAME}:{rest}");
    let members = TarMembers::open(Path::new(path))?;
    if members.member_size("manifest.json").is_none() && members.member_size("index.json").is_some()
    {
        let source = OciLayoutSource::open(Box::new(members), &reference, selector, options)?;
        return Ok(Box::new(source));
    }
    let what = |name: &str| format!("{path}: {name}");
    let entries: Vec<Entry> = manifest::parse_json(
        &what("manifest.json"),
        &read_small(&members, "manifest.json", &what("manifest.json"))?,
    )?;
    let entry = choose(&entries, &reference, path, selector)?;

    let config_what = what(&entry.config);
    let config = read_small(&members, &entry.config, &config_what)?;
    let config_digest = digest_in_name(&entry.config).unwrap_or_else(|| Digest::sha256_of(&config));
    let diff_ids = manifest::config_diff_ids(&config_what, &config)?;
    if diff_ids.len() != entry.layers.len() {
        return Err(ImageError::Format {
            what: config_what,
            message: format!(
                "{} diff ids for {} layers in manifest.json",
                diff_ids.len(),
                entry.layers.len()
            ),
        });
    }
    let mut layer_members = HashMap::new();
    let mut layers = Vec::new();
    for (name, diff_id) in entry.layers.iter().zip(diff_ids) {
        let size = members
            .member_size(name)
            .ok_or_else(|| ImageError::Format {
                what: what(name),
                message: "layer named by manifest.json is missing from the archive".to_string(),
            })?;
        let digest = digest_in_name(name).unwrap_or(diff_id);
        layer_members.insert(digest.to_string(), name.clone());
        layers.push(descriptor(digest, size));
    }
    let manifest = Manifest {
        media_type: String::new(),
        config: descriptor(config_digest, config.len() as u64),
        layers,
    };
    let image = manifest::image_from(&reference, None, &manifest, &config)?;
    Ok(Box::new(DockerArchiveSource {
        members,
        image,
        layer_members,
    }))
}

impl ImageSource for DockerArchiveSource {
    fn image(&self) -> &Image {
        &self.image
    }

    fn blob(&self, digest: &str) -> Result<Box<dyn Read + Send + '_>, ImageError> {
        let missing = || ImageError::NotFound {
            source_name: SOURCE_NAME,
            reference: format!("blob {digest} in {}", self.members.path().display()),
        };
        let name = self.layer_members.get(digest).ok_or_else(missing)?;
        self.members.open_member(name)?.ok_or_else(missing)
    }
}

fn descriptor(digest: Digest, size: u64) -> Descriptor {
    Descriptor {
        media_type: String::new(),
        digest,
        size,
        platform: None,
        annotations: BTreeMap::new(),
    }
}

/// The digest a member's name carries: `blobs/sha256/<hex>` or a legacy config `<hex>.json`.
fn digest_in_name(name: &str) -> Option<Digest> {
    let parts: Vec<&str> = name.trim_start_matches("./").split('/').collect();
    match parts.as_slice() {
        ["blobs", alg, hex] => Digest::parse(&format!("{alg}:{hex}")).ok(),
        [file] => Digest::parse(&format!("sha256:{}", file.strip_suffix(".json")?)).ok(),
        _ => None,
    }
}

fn read_small(members: &TarMembers, name: &str, what: &str) -> Result<Vec<u8>, ImageError> {
    let reader = members
        .open_member(name)?
        .ok_or_else(|| ImageError::Format {
            what: what.to_string(),
            message: "missing from the archive".to_string(),
        })?;
    read_limited(reader, what, MAX_JSON_BLOB)
}

/// The entry `selector` names (`repo:tag` or `@N`), or the only one.
fn choose<'a>(
    entries: &'a [Entry],
    reference: &str,
    path: &str,
    selector: Option<&str>,
) -> Result<&'a Entry, ImageError> {
    let tags = || {
        let tags: Vec<&str> = entries
            .iter()
            .flat_map(|e| e.repo_tags.iter().flatten())
            .map(String::as_str)
            .collect();
        if tags.is_empty() {
            "none".to_string()
        } else {
            tags.join(", ")
        }
    };
    let not_found = |what: &str| ImageError::NotFound {
        source_name: SOURCE_NAME,
        reference: format!("{what} in {path} (tags there: {})", tags()),
    };
    match selector {
        None => match entries {
            [only] => Ok(only),
            [] => Err(not_found("an image")),
            _ => Err(ImageError::Reference {
                reference: reference.to_string(),
                message: format!(
                    "the archive holds {} images ({}); name one with :<repo:tag> or :@<n>",
                    entries.len(),
                    tags()
                ),
            }),
        },
        Some(position) if position.starts_with('@') => {
            let n = parse_position(reference, position)?;
            entries.get(n).ok_or_else(|| not_found(position))
        }
        Some(tag) => {
            let wanted = ImageName::parse(tag).ok();
            entries
                .iter()
                .find(|e| {
                    e.repo_tags.iter().flatten().any(|t| {
                        t == tag || (wanted.is_some() && ImageName::parse(t).ok() == wanted)
                    })
                })
                .ok_or_else(|| not_found(tag))
        }
    }
}
