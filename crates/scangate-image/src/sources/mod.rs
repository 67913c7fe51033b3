//! Where images come from. Each source resolves a reference to one [`Image`] and hands out
//! blobs by digest; callers verify what they read against the digest.

pub mod containerd;
pub mod docker_archive;
pub mod engine;
pub mod oci_layout;
mod tar_members;

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
