//! `containerd:`: an image in containerd's image store, read through its gRPC API: the images
//! service names the image's manifest or index, the content store hands out every blob.

use crate::digest::{Digest, MAX_JSON_BLOB, read_verified};
use crate::manifest::{self, Document, Manifest, Platform};
use crate::reference::ImageName;
use crate::sources::{ImageSource, SourceOptions};
use crate::{Image, ImageError};
use containerd_client::services::v1::content_client::ContentClient;
use containerd_client::services::v1::images_client::ImagesClient;
use containerd_client::services::v1::{GetImageRequest, ReadContentRequest, ReadContentResponse};
use containerd_client::tonic::metadata::{Ascii, MetadataValue};
use containerd_client::tonic::transport::Channel;
use containerd_client::tonic::{Code, Request, Status, Streaming};
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use tokio::runtime::Runtime;

const SOURCE_NAME: &str = "containerd";
pub const DEFAULT_SOCKET: &str = "/run/containerd/containerd.sock";
pub const DEFAULT_NAMESPACE: &str = "default";
/// An index may point at an index; deeper nesting is refused.
const MAX_INDEX_DEPTH: usize = 2;

/// An image in containerd.
pub struct ContainerdSource {
    image: Image,
    store: Store,
}

/// A connection to containerd's API, in one namespace.
struct Store {
    namespace: MetadataValue<Ascii>,
    content: ContentClient<Channel>,
    /// Drives the gRPC connection; readers block on it for each chunk.
    runtime: Runtime,
}

impl ContainerdSource {
    /// Opens `name` in the containerd at CONTAINERD_ADDRESS (as `ctr` reads it), else at
    /// /run/containerd/containerd.sock.
    pub fn open(name: &str, options: &SourceOptions) -> Result<ContainerdSource, ImageError> {
        let socket = std::env::var_os("CONTAINERD_ADDRESS")
            .filter(|address| !address.is_empty())
            .map_or_else(|| PathBuf::from(DEFAULT_SOCKET), PathBuf::from);
        ContainerdSource::open_at(&socket, name, options)
    }

    /// Opens `name` (as containerd stores it, `docker.io/library/debian:bookworm`, or a short
    /// name that normalises to that) in the namespace of `options` through `socket`.
    pub fn open_at(
        socket: &Path,
        name: &str,
        options: &SourceOptions,
    ) -> Result<ContainerdSource, ImageError> {
        let namespace_name = options
            .containerd_namespace
            .as_deref()
            .unwrap_or(DEFAULT_NAMESPACE);
        let namespace = namespace_name.parse().map_err(|_| ImageError::Reference {
            reference: namespace_name.to_string(),
            message: "not a containerd namespace".to_string(),
        })?;
        let wanted = match &options.platform {
            Some(platform) => platform.parse()?,
            None => Platform::host(),
        };
        if !socket.exists() {
            return Err(unavailable(format!(
                "no API socket at {}",
                socket.display()
            )));
        }
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .map_err(|error| unavailable(format!("cannot start the API client: {error}")))?;
        let channel = runtime
            .block_on(containerd_client::connect(socket))
            .map_err(|error| {
                unavailable(format!(
                    "{}: {}",
                    socket.display(),
                    super::error_chain(&error)
                ))
            })?;
        let store = Store {
            namespace,
            content: ContentClient::new(channel.clone()),
            runtime,
        };
        let target = store.target(ImagesClient::new(channel), name)?;
        let image = store.resolve(name, target, &wanted)?;
        Ok(ContainerdSource { image, store })
    }
}

impl Store {
    /// The descriptor the image's name points at: the name as given, else its normalised form.
    fn target(
        &self,
        mut images: ImagesClient<Channel>,
        name: &str,
    ) -> Result<manifest::Descriptor, ImageError> {
        let normalised = ImageName::parse(name).ok().map(|parsed| parsed.to_string());
        let candidates = std::iter::once(name.to_string())
            .chain(normalised.filter(|normalised| normalised != name));
        for candidate in candidates {
            let request = self.request(GetImageRequest { name: candidate });
            match self.runtime.block_on(images.get(request)) {
                Ok(response) => {
                    let target = response
                        .into_inner()
                        .image
                        .and_then(|image| image.target)
                        .ok_or_else(|| format_error(name, "the image has no target"))?;
                    return Ok(manifest::Descriptor {
                        media_type: target.media_type,
                        digest: Digest::parse(&target.digest)?,
                        size: u64::try_from(target.size)
                            .map_err(|_| format_error(name, "negative target size"))?,
                        platform: None,
                        annotations: Default::default(),
                    });
                }
                Err(status) if status.code() == Code::NotFound => {}
                Err(status) => return Err(status_error(&status)),
            }
        }
        Err(ImageError::NotFound {
            source_name: SOURCE_NAME,
            reference: name.to_string(),
        })
    }

    /// Follows the target through indexes to the manifest for `wanted`, then reads its config.
    fn resolve(
        &self,
        name: &str,
        mut target: manifest::Descriptor,
        wanted: &Platform,
    ) -> Result<Image, ImageError> {
        for _ in 0..=MAX_INDEX_DEPTH {
            let what = format!("manifest {}", target.digest);
            let bytes = self.read_small(&target.digest, &what)?;
            match manifest::parse_document(&what, &bytes, Some(&target.media_type))? {
                Document::Index(index) => {
                    target = manifest::select_platform(name, &index, wanted)?.clone();
                }
                Document::Manifest(manifest) => {
                    return self.image_of(name, &target.digest, &manifest);
                }
            }
        }
        Err(format_error(name, "indexes nested too deep"))
    }

    fn image_of(
        &self,
        name: &str,
        manifest_digest: &Digest,
        manifest: &Manifest,
    ) -> Result<Image, ImageError> {
        let config_digest = &manifest.config.digest;
        let config = self.read_small(config_digest, &format!("config {config_digest}"))?;
        manifest::image_from(name, Some(manifest_digest), manifest, &config)
    }

    /// A manifest, index or config, bounded and verified.
    fn read_small(&self, digest: &Digest, what: &str) -> Result<Vec<u8>, ImageError> {
        let reader = self.read_content(&digest.to_string())?;
        read_verified(reader, digest, what, MAX_JSON_BLOB)
    }

    fn read_content(&self, digest: &str) -> Result<ContentReader<'_>, ImageError> {
        let request = self.request(ReadContentRequest {
            digest: digest.to_string(),
            offset: 0,
            size: 0,
        });
        let mut content = self.content.clone();
        let stream = self
            .runtime
            .block_on(content.read(request))
            .map_err(|status| match status.code() {
                Code::NotFound => format_error(
                    digest,
                    "not in the content store (pulled for another platform, or garbage collected)",
                ),
                _ => status_error(&status),
            })?
            .into_inner();
        Ok(ContentReader {
            runtime: &self.runtime,
            stream,
            chunk: Vec::new(),
            position: 0,
            offset: 0,
        })
    }

    fn request<T>(&self, message: T) -> Request<T> {
        let mut request = Request::new(message);
        request
            .metadata_mut()
            .insert("containerd-namespace", self.namespace.clone());
        request
    }
}

impl ImageSource for ContainerdSource {
    fn image(&self) -> &Image {
        &self.image
    }

    fn blob(&self, digest: &str) -> Result<Box<dyn Read + Send + '_>, ImageError> {
        Digest::parse(digest)?;
        Ok(Box::new(self.store.read_content(digest)?))
    }
}

/// A blob streamed from the content store: one message (at most containerd's 1 MiB chunk)
/// buffered at a time.
struct ContentReader<'a> {
    runtime: &'a Runtime,
    stream: Streaming<ReadContentResponse>,
    chunk: Vec<u8>,
    position: usize,
    /// Bytes received so far: each message must continue where the last one ended.
    offset: i64,
}

impl Read for ContentReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.position == self.chunk.len() {
            let message = self
                .runtime
                .block_on(self.stream.message())
                .map_err(|status| io::Error::other(status_error(&status)))?;
            let Some(message) = message else {
                return Ok(0);
            };
            if message.offset != self.offset {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!(
                        "content store sent offset {} where {} was due",
                        message.offset, self.offset
                    ),
                ));
            }
            self.offset += message.data.len() as i64;
            self.chunk = message.data;
            self.position = 0;
        }
        let n = buf.len().min(self.chunk.len() - self.position);
        buf[..n].copy_from_slice(&self.chunk[self.position..self.position + n]);
        self.position += n;
        Ok(n)
    }
}

fn unavailable(message: String) -> ImageError {
    ImageError::Unavailable {
        source_name: SOURCE_NAME,
        message,
    }
}

fn status_error(status: &Status) -> ImageError {
    unavailable(format!("{:?}: {}", status.code(), status.message()))
}

fn format_error(what: &str, message: &str) -> ImageError {
    ImageError::Format {
        what: format!("{SOURCE_NAME}: {what}"),
        message: message.to_string(),
    }
}
