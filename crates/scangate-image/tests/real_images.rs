//! Images written by real tools (skopeo): the OCI layout, OCI archive and docker-archive of one
//! image, named by SCANGATE_TEST_OCI_DIR, SCANGATE_TEST_OCI_ARCHIVE and
//! SCANGATE_TEST_DOCKER_ARCHIVE. Each source must report the diff ids `skopeo inspect --config`
//! reads from the same file, and every layer must stream with its digest verified.

use scangate_image::digest::{Digest, VerifiedReader};
use scangate_image::sources::{docker_archive, oci_layout};
use scangate_image::{ImageError, ImageSource, SourceOptions};
use std::io;
use std::process::Command;

/// The fixture's path, or `None` (with the reason printed) where the test may skip.
fn fixture(var: &str) -> Option<String> {
    let in_ci = std::env::var("CI").is_ok_and(|v| v == "true");
    match std::env::var(var) {
        Ok(path) if std::path::Path::new(&path).exists() => Some(path),
        _ if in_ci => panic!("{var} must name a real image fixture when CI=true"),
        _ => {
            eprintln!("skipped: {var} does not name an existing image fixture");
            None
        }
    }
}

/// The config's diff ids as skopeo reads them from `transport:path`.
fn skopeo_diff_ids(transport_path: &str) -> Vec<String> {
    let output = Command::new("skopeo")
        .args(["inspect", "--config", transport_path])
        .output()
        .expect("skopeo runs (it wrote the fixtures)");
    assert!(
        output.status.success(),
        "skopeo inspect --config {transport_path}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let config: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    config["rootfs"]["diff_ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d.as_str().unwrap().to_string())
        .collect()
}

/// Reads every layer through the digest check; uncompressed layers must also match the diff id.
fn check_layers(source: &dyn ImageSource) {
    for layer in &source.image().layers {
        let digest = Digest::parse(&layer.digest).unwrap();
        let mut reader = VerifiedReader::new(source.blob(&layer.digest).unwrap(), digest, "layer")
            .with_size(layer.size);
        let copied = io::copy(&mut reader, &mut io::sink()).unwrap();
        assert_eq!(Some(copied), layer.size, "layer {}", layer.digest);
        if layer.media_type.is_empty() || layer.media_type.ends_with(".tar") {
            assert_eq!(layer.digest, layer.diff_id);
        }
    }
}

fn diff_ids(source: &dyn ImageSource) -> Vec<String> {
    source
        .image()
        .layers
        .iter()
        .map(|l| l.diff_id.clone())
        .collect()
}

type Opener = fn(&str, &SourceOptions) -> Result<Box<dyn ImageSource>, ImageError>;

#[test]
fn real_images_match_skopeo() {
    let cases: [(&str, &str, Opener); 3] = [
        ("SCANGATE_TEST_OCI_DIR", "oci", oci_layout::open_dir),
        (
            "SCANGATE_TEST_OCI_ARCHIVE",
            "oci-archive",
            oci_layout::open_archive,
        ),
        (
            "SCANGATE_TEST_DOCKER_ARCHIVE",
            "docker-archive",
            docker_archive::open,
        ),
    ];
    let mut opened = Vec::new();
    for (var, transport, open) in cases {
        let Some(path) = fixture(var) else { continue };
        let source =
            open(&path, &SourceOptions::default()).unwrap_or_else(|e| panic!("{var}={path}: {e}"));
        let expected = skopeo_diff_ids(&format!("{transport}:{path}"));
        assert!(!expected.is_empty());
        assert_eq!(diff_ids(&*source), expected, "{var}={path}");
        check_layers(&*source);
        opened.push(source);
    }
    // The same image whichever way it was written: same config, same layers.
    for pair in opened.windows(2) {
        assert_eq!(pair[0].image().config_digest, pair[1].image().config_digest);
        assert_eq!(pair[0].image().platform, pair[1].image().platform);
        assert_eq!(diff_ids(&*pair[0]), diff_ids(&*pair[1]));
    }
}
