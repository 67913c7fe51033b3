//! `docker:`, `podman:` and `containerd:` against the real daemons the test environment runs:
//! SCANGATE_TEST_PODMAN_SOCK (a `podman system service` socket), SCANGATE_TEST_CONTAINERD_SOCK
//! and SCANGATE_TEST_CONTAINERD_NAMESPACE, each holding SCANGATE_TEST_IMAGE_NAME with config
//! SCANGATE_TEST_IMAGE_ID and manifest SCANGATE_TEST_IMAGE_DIGEST, also saved as
//! SCANGATE_TEST_DOCKER_ARCHIVE. Missing fixtures fail the test under CI=true and skip it
//! otherwise.

use scangate_image::digest::{Digest, VerifiedReader};
use scangate_image::sources::containerd::ContainerdSource;
use scangate_image::sources::docker_archive;
use scangate_image::sources::engine::{Endpoint, EngineKind, EngineSource};
use scangate_image::{Image, ImageError, ImageSource, SourceOptions};
use std::io::{self, Read};
use std::path::{Path, PathBuf};

fn fixture(variable: &str) -> Option<String> {
    match std::env::var(variable) {
        Ok(value) if !value.is_empty() => Some(value),
        _ if std::env::var("CI").as_deref() == Ok("true") => {
            panic!("{variable} is not set: the test images were not built")
        }
        _ => {
            eprintln!("skipped: {variable} is not set (the test images are not built here)");
            None
        }
    }
}

fn image_name() -> Option<String> {
    fixture("SCANGATE_TEST_IMAGE_NAME")
}

/// The image as `docker save` wrote it: its config gives the diff ids and history.
fn saved_image() -> Option<Image> {
    let archive = fixture("SCANGATE_TEST_DOCKER_ARCHIVE")?;
    let source = docker_archive::open(&archive, &SourceOptions::default()).unwrap();
    Some(source.image().clone())
}

fn created_by(image: &Image) -> Vec<Option<String>> {
    image.layers.iter().map(|l| l.created_by.clone()).collect()
}

fn options(temp_dir: &Path) -> SourceOptions {
    SourceOptions {
        temp_dir: temp_dir.to_path_buf(),
        ..SourceOptions::default()
    }
}

fn files_in(dir: &Path) -> usize {
    std::fs::read_dir(dir).unwrap().count()
}

fn diff_ids(image: &Image) -> Vec<String> {
    image.layers.iter().map(|l| l.diff_id.clone()).collect()
}

/// Reads every layer through a verifying reader; returns the bytes read per layer.
fn read_layers(source: &dyn ImageSource) -> Vec<u64> {
    let image = source.image();
    image
        .layers
        .iter()
        .map(|layer| {
            let blob = source.blob(&layer.digest).unwrap();
            let expected = Digest::parse(&layer.digest).unwrap();
            let mut verified = VerifiedReader::new(blob, expected, layer.digest.clone());
            io::copy(&mut verified, &mut io::sink())
                .unwrap_or_else(|e| panic!("layer {}: {e}", layer.digest))
        })
        .collect()
}

/// Opens `name` with DOCKER_HOST (or CONTAINER_HOST) set to `unix://{socket}`.
fn open_engine(kind: EngineKind, socket: &str, name: &str, temp: &Path) -> EngineSource {
    let variable = match kind {
        EngineKind::Docker => "DOCKER_HOST",
        EngineKind::Podman => "CONTAINER_HOST",
    };
    let address = format!("unix://{socket}");
    let endpoint = Endpoint::from_env(kind, |key| (key == variable).then(|| address.clone()));
    EngineSource::open_at(kind, endpoint.unwrap(), name, &options(temp)).unwrap()
}

/// Opening reads metadata only; the first blob exports into the temp dir; dropping deletes it.
fn check_engine(kind: EngineKind) {
    let (Some(socket), Some(name), Some(id), Some(saved)) = (
        fixture("SCANGATE_TEST_PODMAN_SOCK"),
        image_name(),
        fixture("SCANGATE_TEST_IMAGE_ID"),
        saved_image(),
    ) else {
        return;
    };
    let temp = tempfile::tempdir().unwrap();
    let source = open_engine(kind, &socket, &name, temp.path());
    let image = source.image();
    assert_eq!(image.reference, name);
    assert_eq!(image.platform, "linux/amd64");
    assert_eq!(image.config_digest, id);
    assert_eq!(image.manifest_digest, None);
    assert_eq!(diff_ids(image), diff_ids(&saved));
    // From the history API's sizes here, from the config's history there.
    assert_eq!(created_by(image), created_by(&saved));
    assert!(created_by(image).iter().all(Option::is_some));
    for layer in &image.layers {
        // docker save layers are uncompressed tars: named by their diff id.
        assert_eq!(layer.digest, layer.diff_id);
        assert_eq!(layer.media_type, "");
    }
    let ids: Vec<&str> = source.diff_ids().collect();
    assert_eq!(ids, diff_ids(image));
    assert_eq!(
        files_in(temp.path()),
        0,
        "nothing exported before a blob is read"
    );

    // The export is checked against the inspected config digest and diff ids; every layer
    // hashes to its digest.
    let sizes = read_layers(&source);
    assert!(sizes.iter().all(|&size| size >= 1024), "{sizes:?}");
    assert_eq!(files_in(temp.path()), 1);
    drop(source);
    assert_eq!(
        files_in(temp.path()),
        0,
        "the export is deleted with the source"
    );
}

#[test]
fn docker_api_client_reads_the_podman_socket() {
    check_engine(EngineKind::Docker);
}

#[test]
fn podman_source_reads_its_socket() {
    check_engine(EngineKind::Podman);
}

#[test]
fn engine_image_not_found() {
    let Some(socket) = fixture("SCANGATE_TEST_PODMAN_SOCK") else {
        return;
    };
    let temp = tempfile::tempdir().unwrap();
    let endpoint = Endpoint::parse(EngineKind::Podman, &format!("unix://{socket}")).unwrap();
    let error = EngineSource::open_at(
        EngineKind::Podman,
        endpoint,
        "localhost/scangate/no-such-image:1",
        &options(temp.path()),
    )
    .err()
    .unwrap();
    assert_eq!(
        error.to_string(),
        "podman: image localhost/scangate/no-such-image:1 not found"
    );
    assert!(matches!(
        error,
        ImageError::NotFound {
            source_name: "podman",
            ..
        }
    ));
}

#[test]
fn engine_without_socket_is_unavailable() {
    let temp = tempfile::tempdir().unwrap();
    let socket = temp.path().join("docker.sock");
    let error = EngineSource::open_at(
        EngineKind::Docker,
        Endpoint::Unix(socket.clone()),
        "debian:bookworm",
        &options(temp.path()),
    )
    .err()
    .unwrap();
    assert_eq!(
        error.to_string(),
        format!("docker: no API socket at {}", socket.display())
    );
    assert!(matches!(
        error,
        ImageError::Unavailable {
            source_name: "docker",
            ..
        }
    ));
}

#[test]
fn engine_refuses_names_that_are_not_image_names() {
    let temp = tempfile::tempdir().unwrap();
    let error = EngineSource::open_at(
        EngineKind::Docker,
        Endpoint::Unix(temp.path().join("docker.sock")),
        "debian?all=1",
        &options(temp.path()),
    )
    .err()
    .unwrap();
    assert_eq!(
        error.to_string(),
        "invalid image reference \"debian?all=1\": not an image name or id"
    );
}

fn containerd_options(temp: &Path) -> Option<(PathBuf, SourceOptions)> {
    let socket = PathBuf::from(fixture("SCANGATE_TEST_CONTAINERD_SOCK")?);
    let namespace = fixture("SCANGATE_TEST_CONTAINERD_NAMESPACE")?;
    let options = SourceOptions {
        containerd_namespace: Some(namespace),
        ..options(temp)
    };
    Some((socket, options))
}

#[test]
fn containerd_source_reads_the_content_store() {
    let temp = tempfile::tempdir().unwrap();
    let (Some((socket, options)), Some(name), Some(id), Some(manifest), Some(saved)) = (
        containerd_options(temp.path()),
        image_name(),
        fixture("SCANGATE_TEST_IMAGE_ID"),
        fixture("SCANGATE_TEST_IMAGE_DIGEST"),
        saved_image(),
    ) else {
        return;
    };
    let source = ContainerdSource::open_at(&socket, &name, &options).unwrap();
    let image = source.image();
    assert_eq!(image.reference, name);
    assert_eq!(image.platform, "linux/amd64");
    assert_eq!(image.config_digest, id);
    assert_eq!(image.manifest_digest, Some(manifest));
    assert_eq!(diff_ids(image), diff_ids(&saved));
    assert_eq!(created_by(image), created_by(&saved));

    // The config, read back through the content store and verified, has these diff ids.
    let mut config = Vec::new();
    let expected = Digest::parse(&image.config_digest).unwrap();
    VerifiedReader::new(
        source.blob(&image.config_digest).unwrap(),
        expected,
        "config",
    )
    .read_to_end(&mut config)
    .unwrap();
    let config: serde_json::Value = serde_json::from_slice(&config).unwrap();
    let config_diff_ids: Vec<String> = config["rootfs"]["diff_ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|id| id.as_str().unwrap().to_string())
        .collect();
    assert_eq!(diff_ids(image), config_diff_ids);

    let sizes = read_layers(&source);
    let manifest_sizes: Vec<u64> = image.layers.iter().map(|l| l.size.unwrap()).collect();
    assert_eq!(sizes, manifest_sizes);
}

#[test]
fn containerd_image_not_found() {
    let temp = tempfile::tempdir().unwrap();
    let Some((socket, options)) = containerd_options(temp.path()) else {
        return;
    };
    let error = ContainerdSource::open_at(&socket, "localhost/scangate/no-such-image:1", &options)
        .err()
        .unwrap();
    assert_eq!(
        error.to_string(),
        "containerd: image localhost/scangate/no-such-image:1 not found"
    );
}

#[test]
fn containerd_without_socket_is_unavailable() {
    let temp = tempfile::tempdir().unwrap();
    let socket = temp.path().join("containerd.sock");
    let error = ContainerdSource::open_at(&socket, "debian:bookworm", &options(temp.path()))
        .err()
        .unwrap();
    assert_eq!(
        error.to_string(),
        format!("containerd: no API socket at {}", socket.display())
    );
}

/// A socket nobody listens on: bound, then its listener dropped.
fn dead_socket(dir: &Path) -> PathBuf {
    let socket = dir.join("dead.sock");
    drop(std::os::unix::net::UnixListener::bind(&socket).unwrap());
    socket
}

#[test]
fn engine_socket_that_refuses_is_unavailable() {
    let temp = tempfile::tempdir().unwrap();
    let socket = dead_socket(temp.path());
    let error = EngineSource::open_at(
        EngineKind::Podman,
        Endpoint::Unix(socket.clone()),
        "debian:bookworm",
        &options(temp.path()),
    )
    .err()
    .unwrap();
    let message = error.to_string();
    let prefix = format!("podman: unix://{}: ", socket.display());
    assert!(message.starts_with(&prefix), "{message}");
    assert!(
        message.ends_with("Connection refused (os error 111)"),
        "{message}"
    );
}

#[test]
fn containerd_socket_that_refuses_is_unavailable() {
    let temp = tempfile::tempdir().unwrap();
    let socket = dead_socket(temp.path());
    let error = ContainerdSource::open_at(&socket, "debian:bookworm", &options(temp.path()))
        .err()
        .unwrap();
    let message = error.to_string();
    let prefix = format!("containerd: {}: ", socket.display());
    assert!(message.starts_with(&prefix), "{message}");
    assert!(
        message.ends_with("Connection refused (os error 111)"),
        "{message}"
    );
}
