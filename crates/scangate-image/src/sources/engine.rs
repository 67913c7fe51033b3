//! `docker:` and `podman:`: an image held by a Docker Engine or by Podman, read through the
//! Docker Engine API (Podman serves a compatible one on its socket).
//!
//! Opening asks only for the image's metadata (inspect and history), so a caller whose cache
//! already holds every layer (by diff id) never pays for an export. The first [`ImageSource::blob`]
//! call exports the image (`docker save` format) into a temporary file inside
//! [`SourceOptions::temp_dir`] and reads blobs from it; the file is deleted with the source.

use crate::sources::docker_archive;
use crate::sources::{ImageSource, SourceOptions};
use crate::{Image, ImageError, Layer};
use bollard::Docker;
use bollard::errors::Error as ApiError;
use bollard::models::{ImageHistoryResponseItem, ImageInspect};
use futures_util::StreamExt;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock, PoisonError};
use tempfile::NamedTempFile;
use tokio::runtime::Runtime;

/// Seconds an API request may wait for its response to begin (an export streams for longer).
const REQUEST_TIMEOUT_SECS: u64 = 600;
/// Rootful Podman's socket, and where a rootless one lives under `$XDG_RUNTIME_DIR`.
const PODMAN_ROOT_SOCKET: &str = "/run/podman/podman.sock";
const PODMAN_USER_SOCKET: &str = "podman/podman.sock";
const DOCKER_SOCKET: &str = "/var/run/docker.sock";

/// Which engine serves the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EngineKind {
    Docker,
    Podman,
}

impl EngineKind {
    pub fn name(self) -> &'static str {
        match self {
            EngineKind::Docker => "docker",
            EngineKind::Podman => "podman",
        }
    }

    /// The variable that names the engine's address.
    fn host_variable(self) -> &'static str {
        match self {
            EngineKind::Docker => "DOCKER_HOST",
            EngineKind::Podman => "CONTAINER_HOST",
        }
    }
}

/// Where the engine's API listens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Endpoint {
    /// A unix socket.
    Unix(PathBuf),
    /// Plain HTTP to `host:port` (`tcp://`).
    Tcp(String),
}

impl Endpoint {
    /// Parses `unix:///path` or `tcp://host:port` (also `http://`), as DOCKER_HOST and
    /// CONTAINER_HOST hold them.
    pub fn parse(kind: EngineKind, address: &str) -> Result<Endpoint, ImageError> {
        if let Some(path) = address.strip_prefix("unix://") {
            return Ok(Endpoint::Unix(PathBuf::from(path)));
        }
        if let Some(host) = address
            .strip_prefix("tcp://")
            .or_else(|| address.strip_prefix("http://"))
        {
            return Ok(Endpoint::Tcp(host.trim_end_matches('/').to_string()));
        }
        Err(ImageError::Unavailable {
            source_name: kind.name(),
            message: format!(
                "{} {address:?} is not supported (only unix:// and tcp://)",
                kind.host_variable()
            ),
        })
    }

    /// The engine's endpoint as its own tools find it: DOCKER_HOST, else /var/run/docker.sock;
    /// CONTAINER_HOST, else the rootless socket under $XDG_RUNTIME_DIR when it exists, else the
    /// rootful /run/podman/podman.sock. `var` reads the environment.
    pub fn from_env(
        kind: EngineKind,
        var: impl Fn(&str) -> Option<String>,
    ) -> Result<Endpoint, ImageError> {
        if let Some(address) = var(kind.host_variable()).filter(|value| !value.is_empty()) {
            return Endpoint::parse(kind, &address);
        }
        let socket = match kind {
            EngineKind::Docker => PathBuf::from(DOCKER_SOCKET),
            EngineKind::Podman => var("XDG_RUNTIME_DIR")
                .filter(|dir| !dir.is_empty())
                .map(|dir| Path::new(&dir).join(PODMAN_USER_SOCKET))
                .filter(|socket| socket.exists())
                .unwrap_or_else(|| PathBuf::from(PODMAN_ROOT_SOCKET)),
        };
        Ok(Endpoint::Unix(socket))
    }

    fn connect(&self, kind: EngineKind) -> Result<Docker, ImageError> {
        let connected = match self {
            Endpoint::Unix(path) => {
                if !path.exists() {
                    return Err(ImageError::Unavailable {
                        source_name: kind.name(),
                        message: format!("no API socket at {}", path.display()),
                    });
                }
                Docker::connect_with_unix(
                    &path.to_string_lossy(),
                    REQUEST_TIMEOUT_SECS,
                    bollard::API_DEFAULT_VERSION,
                )
            }
            Endpoint::Tcp(host) => {
                Docker::connect_with_http(host, REQUEST_TIMEOUT_SECS, bollard::API_DEFAULT_VERSION)
            }
        };
        connected.map_err(|error| self.unavailable(kind, &error))
    }

    fn unavailable(&self, kind: EngineKind, error: &ApiError) -> ImageError {
        ImageError::Unavailable {
            source_name: kind.name(),
            message: format!("{self}: {}", super::error_chain(error)),
        }
    }
}

impl std::fmt::Display for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Endpoint::Unix(path) => write!(f, "unix://{}", path.display()),
            Endpoint::Tcp(host) => write!(f, "tcp://{host}"),
        }
    }
}

/// An image in a Docker Engine or Podman.
pub struct EngineSource {
    kind: EngineKind,
    endpoint: Endpoint,
    name: String,
    image: Image,
    temp_dir: PathBuf,
    runtime: Runtime,
    client: Docker,
    export: OnceLock<Export>,
    export_lock: Mutex<()>,
}

/// The exported image. Fields drop in order: the reader before the file it reads.
struct Export {
    archive: Box<dyn ImageSource>,
    _spool: NamedTempFile,
}

impl EngineSource {
    /// Opens `name` (`debian:bookworm`, `localhost/app:1`, an image id) in the engine found
    /// the way its own tools find it (see [`Endpoint::from_env`]).
    pub fn open(
        kind: EngineKind,
        name: &str,
        options: &SourceOptions,
    ) -> Result<EngineSource, ImageError> {
        let endpoint = Endpoint::from_env(kind, |key| std::env::var(key).ok())?;
        EngineSource::open_at(kind, endpoint, name, options)
    }

    /// Opens `name` in the engine at `endpoint`.
    pub fn open_at(
        kind: EngineKind,
        endpoint: Endpoint,
        name: &str,
        options: &SourceOptions,
    ) -> Result<EngineSource, ImageError> {
        check_name(name)?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|error| ImageError::Unavailable {
                source_name: kind.name(),
                message: format!("cannot start the API client: {error}"),
            })?;
        let client = {
            let _context = runtime.enter();
            endpoint.connect(kind)?
        };
        let api_error = |error: ApiError| match error {
            ApiError::DockerResponseServerError {
                status_code: 404, ..
            } => ImageError::NotFound {
                source_name: kind.name(),
                reference: name.to_string(),
            },
            other => endpoint.unavailable(kind, &other),
        };
        let inspect = runtime
            .block_on(client.inspect_image(name))
            .map_err(api_error)?;
        // The history of the inspected id: the name may move to another image meanwhile.
        let id = inspect.id.as_deref().unwrap_or(name);
        let history = runtime
            .block_on(client.image_history(id))
            .map_err(api_error)?;
        let (image, attributed) = image_from_inspect(kind, name, &inspect, &history)?;
        let mut source = EngineSource {
            kind,
            image,
            endpoint,
            name: name.to_string(),
            temp_dir: options.temp_dir.clone(),
            runtime,
            client,
            export: OnceLock::new(),
            export_lock: Mutex::new(()),
        };
        if !attributed {
            // The history's sizes did not say which entries made layers: the config does.
            let export = source.export()?;
            let exported = export.archive.image().layers.iter();
            let created_by: Vec<_> = exported.map(|layer| layer.created_by.clone()).collect();
            for (layer, created_by) in source.image.layers.iter_mut().zip(created_by) {
                layer.created_by = created_by;
            }
        }
        Ok(source)
    }

    /// The diff ids of the image's layers, base first: known without exporting the image.
    pub fn diff_ids(&self) -> impl Iterator<Item = &str> {
        self.image.layers.iter().map(|layer| layer.diff_id.as_str())
    }

    /// The image exported into a temporary file, once.
    fn export(&self) -> Result<&Export, ImageError> {
        if let Some(export) = self.export.get() {
            return Ok(export);
        }
        let _only_one = self
            .export_lock
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(export) = self.export.get() {
            return Ok(export);
        }
        let spool = self.spool_export()?;
        // The archive reference splits at the first ':', so the path must not have one.
        let path = spool.path().to_str().filter(|path| !path.contains(':'));
        let path = path.ok_or_else(|| ImageError::Io {
            path: spool.path().to_path_buf(),
            source: io::Error::other("the temporary directory's path must be UTF-8 without ':'"),
        })?;
        let archive = docker_archive::open(path, &SourceOptions::default())?;
        self.check_export(archive.image())?;
        Ok(self.export.get_or_init(|| Export {
            archive,
            _spool: spool,
        }))
    }

    /// Streams `GET /images/{name}/get` into a new temporary file.
    fn spool_export(&self) -> Result<NamedTempFile, ImageError> {
        let io_error = |path: &Path, source| ImageError::Io {
            path: path.to_path_buf(),
            source,
        };
        let mut spool = tempfile::Builder::new()
            .prefix("engine-export-")
            .suffix(".tar")
            .tempfile_in(&self.temp_dir)
            .map_err(|source| io_error(&self.temp_dir, source))?;
        // The export names the image by its id, so a tag moved meanwhile cannot swap it.
        let id = self.image.config_digest.clone();
        self.runtime.block_on(async {
            let mut chunks = self.client.export_image(&id);
            while let Some(chunk) = chunks.next().await {
                let chunk = chunk.map_err(|error| self.endpoint.unavailable(self.kind, &error))?;
                spool
                    .write_all(&chunk)
                    .map_err(|source| io_error(spool.path(), source))?;
            }
            Ok::<_, ImageError>(())
        })?;
        spool
            .flush()
            .map_err(|source| io_error(spool.path(), source))?;
        Ok(spool)
    }

    /// The export must be the inspected image: same config, same layers.
    fn check_export(&self, exported: &Image) -> Result<(), ImageError> {
        let diff_ids = |image: &Image| {
            image
                .layers
                .iter()
                .map(|layer| layer.diff_id.clone())
                .collect::<Vec<_>>()
        };
        if exported.config_digest != self.image.config_digest
            || diff_ids(exported) != diff_ids(&self.image)
        {
            return Err(ImageError::Format {
                what: format!("{}: export of {}", self.kind.name(), self.name),
                message: format!(
                    "the exported image (config {}) is not the inspected one (config {})",
                    exported.config_digest, self.image.config_digest
                ),
            });
        }
        Ok(())
    }
}

impl ImageSource for EngineSource {
    fn image(&self) -> &Image {
        &self.image
    }

    /// Layers are named by their diff id: a `docker save` layer is the uncompressed tar.
    fn blob(&self, digest: &str) -> Result<Box<dyn Read + Send + '_>, ImageError> {
        let archive = &self.export()?.archive;
        let position = self
            .image
            .layers
            .iter()
            .position(|layer| layer.digest == digest);
        if let Some(exported) = position.map(|index| &archive.image().layers[index])
            && exported.digest != digest
        {
            // Docker's containerd image store exports layers as pulled (compressed).
            return Err(ImageError::Format {
                what: format!("{}: export of {}", self.kind.name(), self.name),
                message: format!(
                    "layer {digest} was exported compressed as {}; not supported yet",
                    exported.digest
                ),
            });
        }
        archive.blob(digest)
    }
}

/// Names go into the request path as they are: only the characters of image references
/// and ids are let through.
fn check_name(name: &str) -> Result<(), ImageError> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || "._-/:@+".contains(c);
    if name.is_empty() || !name.chars().all(allowed) || name.split('/').any(|part| part == "..") {
        return Err(ImageError::Reference {
            reference: name.to_string(),
            message: "not an image name or id".to_string(),
        });
    }
    Ok(())
}

/// The image as inspect and history describe it, before any export. A `docker save` layer
/// is the uncompressed tar, so its digest is its diff id. History entries come newest first;
/// those with a size made a layer. Where that count does not match the layers (a layer of
/// directories only has size 0), the second value is false: `created_by` is left to the config.
fn image_from_inspect(
    kind: EngineKind,
    name: &str,
    inspect: &ImageInspect,
    history: &[ImageHistoryResponseItem],
) -> Result<(Image, bool), ImageError> {
    let format_error = |message: &str| ImageError::Format {
        what: format!("{}: inspect of {name}", kind.name()),
        message: message.to_string(),
    };
    let config_digest = inspect
        .id
        .clone()
        .filter(|id| id.starts_with("sha256:"))
        .ok_or_else(|| format_error("no image id"))?;
    let diff_ids = inspect
        .root_fs
        .as_ref()
        .and_then(|root_fs| root_fs.layers.clone())
        .unwrap_or_default();
    let made_layers: Vec<&str> = history
        .iter()
        .rev()
        .filter(|entry| entry.size > 0)
        .map(|entry| entry.created_by.as_str())
        .collect();
    let attributed = history.is_empty() || made_layers.len() == diff_ids.len();
    let created_by = |index: usize| {
        made_layers
            .get(index)
            .filter(|text| attributed && !text.is_empty())
            .map(|text| text.to_string())
    };
    let layers = diff_ids
        .iter()
        .enumerate()
        .map(|(index, diff_id)| Layer {
            digest: diff_id.clone(),
            media_type: String::new(),
            size: None,
            diff_id: diff_id.clone(),
            created_by: created_by(index),
        })
        .collect();
    let platform = [
        inspect.os.as_deref(),
        inspect.architecture.as_deref(),
        inspect.variant.as_deref(),
    ]
    .into_iter()
    .flatten()
    .filter(|part| !part.is_empty())
    .collect::<Vec<_>>()
    .join("/");
    let image = Image {
        reference: name.to_string(),
        manifest_digest: None,
        config_digest,
        platform,
        layers,
    };
    Ok((image, attributed))
}

#[cfg(test)]
mod tests {
    use super::*;
    use bollard::models::ImageInspectRootFs;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |key| map.get(key).cloned()
    }

    fn endpoint(kind: EngineKind, pairs: &[(&str, &str)]) -> Endpoint {
        Endpoint::from_env(kind, env(pairs)).unwrap()
    }

    #[test]
    fn endpoints_come_from_the_engines_variables() {
        let docker = |pairs: &[(&str, &str)]| endpoint(EngineKind::Docker, pairs);
        assert_eq!(docker(&[]), Endpoint::Unix("/var/run/docker.sock".into()));
        assert_eq!(
            docker(&[("DOCKER_HOST", "unix:///tmp/d.sock")]),
            Endpoint::Unix("/tmp/d.sock".into())
        );
        assert_eq!(
            docker(&[("DOCKER_HOST", "tcp://127.0.0.1:2375/")]),
            Endpoint::Tcp("127.0.0.1:2375".into())
        );
        // CONTAINER_HOST is Podman's, not Docker's.
        assert_eq!(
            docker(&[("CONTAINER_HOST", "unix:///tmp/p.sock")]),
            Endpoint::Unix("/var/run/docker.sock".into())
        );
        let error = Endpoint::from_env(EngineKind::Docker, env(&[("DOCKER_HOST", "ssh://h")]));
        assert_eq!(
            error.unwrap_err().to_string(),
            "docker: DOCKER_HOST \"ssh://h\" is not supported (only unix:// and tcp://)"
        );
    }

    #[test]
    fn podman_prefers_container_host_then_the_rootless_socket() {
        let podman = |pairs: &[(&str, &str)]| endpoint(EngineKind::Podman, pairs);
        assert_eq!(
            podman(&[("CONTAINER_HOST", "unix:///tmp/p.sock")]),
            Endpoint::Unix("/tmp/p.sock".into())
        );
        let runtime_dir = tempfile::tempdir().unwrap();
        let dir = runtime_dir.path().to_str().unwrap();
        // No rootless socket yet: the rootful one.
        assert_eq!(
            podman(&[("XDG_RUNTIME_DIR", dir)]),
            Endpoint::Unix("/run/podman/podman.sock".into())
        );
        std::fs::create_dir(runtime_dir.path().join("podman")).unwrap();
        std::fs::write(runtime_dir.path().join("podman/podman.sock"), "").unwrap();
        assert_eq!(
            podman(&[("XDG_RUNTIME_DIR", dir)]),
            Endpoint::Unix(runtime_dir.path().join("podman/podman.sock"))
        );
    }

    fn inspect(layers: &[&str]) -> ImageInspect {
        ImageInspect {
            id: Some("sha256:c0".to_string()),
            os: Some("linux".to_string()),
            architecture: Some("arm64".to_string()),
            variant: Some("v8".to_string()),
            root_fs: Some(ImageInspectRootFs {
                typ: "layers".to_string(),
                layers: Some(layers.iter().map(|l| l.to_string()).collect()),
            }),
            ..ImageInspect::default()
        }
    }

    /// Newest first, as the API lists them.
    fn history(entries: &[(&str, i64)]) -> Vec<ImageHistoryResponseItem> {
        entries
            .iter()
            .map(|(created_by, size)| ImageHistoryResponseItem {
                created_by: created_by.to_string(),
                size: *size,
                ..ImageHistoryResponseItem::default()
            })
            .collect()
    }

    fn attribution(image: &Image) -> Vec<Option<&str>> {
        image
            .layers
            .iter()
            .map(|l| l.created_by.as_deref())
            .collect()
    }

    #[test]
    fn history_entries_with_a_size_are_the_layers() {
        let history = history(&[("COPY b", 2048), ("ENV A=1", 0), ("ADD a", 10240)]);
        let (image, attributed) = image_from_inspect(
            EngineKind::Podman,
            "app:1",
            &inspect(&["sha256:a", "sha256:b"]),
            &history,
        )
        .unwrap();
        assert!(attributed);
        assert_eq!(image.platform, "linux/arm64/v8");
        assert_eq!(image.config_digest, "sha256:c0");
        assert_eq!(attribution(&image), [Some("ADD a"), Some("COPY b")]);
        assert_eq!(image.layers[1].digest, "sha256:b");
        assert_eq!(image.layers[1].diff_id, "sha256:b");
    }

    #[test]
    fn a_layer_of_size_zero_leaves_attribution_to_the_config() {
        let history = history(&[("RUN mkdir /d", 0), ("ADD a", 10240)]);
        let (image, attributed) = image_from_inspect(
            EngineKind::Docker,
            "app:1",
            &inspect(&["sha256:a", "sha256:b"]),
            &history,
        )
        .unwrap();
        assert!(!attributed);
        assert_eq!(attribution(&image), [None, None]);
    }
}
