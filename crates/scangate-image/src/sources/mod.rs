//! Where images come from. Each source resolves a reference to one [`Image`] and hands out
//! blobs by digest; callers verify what they read against the digest.

pub mod containerd;
pub mod docker_archive;
pub mod engine;
pub mod oci_layout;
pub mod registry;
mod tar_members;

use crate::reference::{self, SourceKind};
use crate::{Image, ImageError};
use std::io::Read;
use std::path::PathBuf;

/// An opened image in one source.
pub trait ImageSource: Send + Sync {
    /// The image: manifest digest, config digest, platform and layers.
    fn image(&self) -> &Image;

    /// The raw bytes of a blob named by the manifest (a layer, as stored: compressed or not).
    /// The stream is not verified here: the reader checks the digest as it goes.
    fn blob(&self, digest: &str) -> Result<Box<dyn Read + Send + '_>, ImageError>;
}

/// Settings shared by every source.
#[derive(Debug, Clone, Default)]
pub struct SourceOptions {
    /// `os/arch[/variant]` wanted from a multi-platform index; `None`: the host's (linux/amd64 on
    /// x86-64).
    pub platform: Option<String>,
    /// Registries that may be reached over plain HTTP (`localhost:5000`).
    pub insecure_registries: Vec<String>,
    /// Where a source may write temporary files (a `docker save` stream spooled for random
    /// access): inside the cache, never elsewhere.
    pub temp_dir: PathBuf,
    /// The containerd namespace (`--containerd-namespace`, default `default`).
    pub containerd_namespace: Option<String>,
}

/// Opens `reference`: with a source prefix, in that source; a bare name in each of `order` in
/// turn, the first that has it. When none has it, the error says what each source answered.
pub fn open(
    reference: &str,
    order: &[SourceKind],
    options: &SourceOptions,
) -> Result<Box<dyn ImageSource>, ImageError> {
    let (kind, rest) = reference::parse(reference);
    if let Some(kind) = kind {
        return open_in(kind, rest, options);
    }
    let mut answers = Vec::new();
    for &kind in order {
        match open_in(kind, rest, options) {
            Ok(source) => return Ok(source),
            // Not there, or no such engine here: the next source may have it.
            // Both errors start with the source's name already.
            Err(err @ (ImageError::NotFound { .. } | ImageError::Unavailable { .. })) => {
                answers.push(err.to_string());
            }
            Err(err) => return Err(err),
        }
    }
    Err(ImageError::Reference {
        reference: reference.to_string(),
        message: format!("found in no source\n  {}", answers.join("\n  ")),
    })
}

fn open_in(
    kind: SourceKind,
    rest: &str,
    options: &SourceOptions,
) -> Result<Box<dyn ImageSource>, ImageError> {
    match kind {
        SourceKind::DockerArchive => docker_archive::open(rest, options),
        SourceKind::OciArchive => oci_layout::open_archive(rest, options),
        SourceKind::OciDir => oci_layout::open_dir(rest, options),
        SourceKind::Registry => {
            let name = reference::ImageName::parse(rest)?;
            Ok(Box::new(registry::RegistrySource::open(&name, options)?))
        }
        SourceKind::Docker => Ok(Box::new(engine::EngineSource::open(
            engine::EngineKind::Docker,
            rest,
            options,
        )?)),
        SourceKind::Podman => Ok(Box::new(engine::EngineSource::open(
            engine::EngineKind::Podman,
            rest,
            options,
        )?)),
        SourceKind::Containerd => Ok(Box::new(containerd::ContainerdSource::open(rest, options)?)),
    }
}

/// An error and its causes, `outer: inner: ...`: transport errors say little at the top.
pub(crate) fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(inner) = cause {
        let inner_text = inner.to_string();
        if !text.ends_with(&inner_text) {
            text = format!("{text}: {inner_text}");
        }
        cause = inner.source();
    }
    text
}
