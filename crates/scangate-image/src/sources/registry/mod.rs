//! `registry:`: an image pulled over the OCI distribution API. Manifests and the config are
//! read whole (bounded) and checked against their digests; layers stream from HTTP and are
//! verified as they are read.

mod challenge;
mod client;
mod credentials;

use crate::digest::{Digest, MAX_JSON_BLOB, VerifiedReader, read_limited, read_verified};
use crate::manifest::{self, ACCEPTED_MANIFEST_TYPES, Document, Manifest, Platform};
use crate::reference::ImageName;
use crate::{Image, ImageError, ImageSource, SourceOptions};
use client::Client;
use std::io::Read;

pub(crate) const SOURCE_NAME: &str = "registry";

/// How many indexes may lead to a manifest: an index of indexes is legal, a cycle is not.
const MAX_INDEX_DEPTH: usize = 2;

/// An image in a registry, resolved to one manifest for one platform.
pub struct RegistrySource {
    client: Client,
    image: Image,
}

impl RegistrySource {
    /// Resolves `name` (by tag or digest) to the manifest for `options.platform` (default: the
    /// host's) and reads its config. Credentials come from the environment or Docker's config.
    pub fn open(name: &ImageName, options: &SourceOptions) -> Result<RegistrySource, ImageError> {
        let credential = credentials::lookup(&name.registry)?;
        let client = Client::new(
            &name.registry,
            &name.repository,
            &options.insecure_registries,
            credential,
        );
        let reference = name.to_string();
        let wanted = match &options.platform {
            Some(platform) => platform.parse::<Platform>()?,
            None => Platform::host(),
        };
        let (manifest, manifest_digest) = resolve(&client, name, &reference, &wanted)?;
        let config_digest = &manifest.config.digest;
        let what = format!("config {config_digest}");
        let response = client.get(&format!("blobs/{config_digest}"), "*/*", &what)?;
        let config = read_verified(
            response.into_body().into_reader(),
            config_digest,
            &what,
            MAX_JSON_BLOB,
        )?;
        let image = manifest::image_from(&reference, Some(&manifest_digest), &manifest, &config)?;
        // A tag naming a single-platform image is no index to choose from: it must fit.
        let fits = image
            .platform
            .parse::<Platform>()
            .is_ok_and(|found| found.satisfies(&wanted));
        if options.platform.is_some() && !fits {
            return Err(ImageError::Platform {
                reference,
                platform: wanted.to_string(),
                available: image.platform,
            });
        }
        Ok(RegistrySource { client, image })
    }
}

impl ImageSource for RegistrySource {
    fn image(&self) -> &Image {
        &self.image
    }

    /// The blob as the registry serves it (following redirects to blob storage), checked
    /// against `digest` and the manifest's size as it streams.
    fn blob(&self, digest: &str) -> Result<Box<dyn Read + Send + '_>, ImageError> {
        let parsed = Digest::parse(digest)?;
        let what = format!("blob {digest}");
        let size = self
            .image
            .layers
            .iter()
            .find(|layer| layer.digest == digest)
            .and_then(|layer| layer.size);
        let response = self.client.get(&format!("blobs/{digest}"), "*/*", &what)?;
        let body = response.into_body().into_reader();
        Ok(Box::new(
            VerifiedReader::new(body, parsed, what).with_size(size),
        ))
    }
}

/// The manifest `name` leads to for `wanted`, through indexes, and its digest.
fn resolve(
    client: &Client,
    name: &ImageName,
    reference: &str,
    wanted: &Platform,
) -> Result<(Manifest, Digest), ImageError> {
    let mut target = match &name.digest {
        Some(digest) => Target::Digest(digest.clone()),
        None => Target::Tag(name.manifest_reference()),
    };
    for _ in 0..=MAX_INDEX_DEPTH {
        let fetched = fetch_manifest(client, &target, reference)?;
        let what = format!("manifest {}", fetched.digest);
        match manifest::parse_document(&what, &fetched.bytes, fetched.media_type.as_deref())? {
            Document::Manifest(manifest) => return Ok((manifest, fetched.digest)),
            Document::Index(index) => {
                let chosen = manifest::select_platform(reference, &index, wanted)?;
                target = Target::Digest(chosen.digest.clone());
            }
        }
    }
    Err(ImageError::Format {
        what: reference.to_string(),
        message: format!("more than {MAX_INDEX_DEPTH} nested image indexes"),
    })
}

enum Target {
    Tag(String),
    Digest(Digest),
}

struct FetchedManifest {
    bytes: Vec<u8>,
    digest: Digest,
    media_type: Option<String>,
}

/// A manifest or index by tag or digest. By digest, the bytes must hash to it; by tag, to the
/// `Docker-Content-Digest` the registry states, where it states one.
fn fetch_manifest(
    client: &Client,
    target: &Target,
    reference: &str,
) -> Result<FetchedManifest, ImageError> {
    let (path, what) = match target {
        Target::Tag(tag) => (format!("manifests/{tag}"), format!("manifest {reference}")),
        Target::Digest(digest) => (format!("manifests/{digest}"), format!("manifest {digest}")),
    };
    let response = client.get(&path, &ACCEPTED_MANIFEST_TYPES.join(", "), &what)?;
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    // `application/...+json; charset=utf-8` names the same type.
    let media_type =
        header("content-type").map(|v| v.split(';').next().unwrap_or_default().trim().to_string());
    let stated = header("docker-content-digest");
    let bytes = read_limited(response.into_body().into_reader(), &what, MAX_JSON_BLOB)?;
    let digest = match (target, stated) {
        (Target::Digest(digest), _) => digest.clone(),
        (Target::Tag(_), Some(stated)) => Digest::parse(&stated)?,
        (Target::Tag(_), None) => Digest::sha256_of(&bytes),
    };
    digest.verify(&what, &bytes)?;
    Ok(FetchedManifest {
        bytes,
        digest,
        media_type,
    })
}
