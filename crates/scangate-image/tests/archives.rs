//! Image sources over OCI layouts (directory and tar) and `docker save` archives, built here in
//! the real formats.

use scangate_image::digest::Digest;
use scangate_image::manifest::{DOCKER_MANIFEST, OCI_CONFIG, OCI_INDEX, OCI_MANIFEST};
use scangate_image::sources::{docker_archive, oci_layout};
use scangate_image::{Image, ImageError, ImageSource, Layer, SourceOptions};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::fs;
use std::io::Read;
use std::path::Path;

const LAYER_TAR: &str = "application/vnd.oci.image.layer.v1.tar";

fn layer_tar(files: &[(&str, &str)]) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    for (name, content) in files {
        let mut header = tar::Header::new_gnu();
        header.set_size(content.len() as u64);
        header.set_mode(0o644);
        builder
            .append_data(&mut header, name, content.as_bytes())
            .unwrap();
    }
    builder.into_inner().unwrap()
}

/// The blobs of a layout, by digest.
#[derive(Default)]
struct Blobs(BTreeMap<Digest, Vec<u8>>);

impl Blobs {
    fn add(&mut self, bytes: Vec<u8>) -> (Digest, u64) {
        let digest = Digest::sha256_of(&bytes);
        let size = bytes.len() as u64;
        self.0.insert(digest.clone(), bytes);
        (digest, size)
    }

    fn add_json(&mut self, value: &Value) -> (Digest, u64) {
        self.add(serde_json::to_vec_pretty(value).unwrap())
    }

    fn write(&self, root: &Path) {
        for (digest, bytes) in &self.0 {
            let dir = root.join("blobs").join(digest.algorithm().name());
            fs::create_dir_all(&dir).unwrap();
            fs::write(dir.join(digest.hex()), bytes).unwrap();
        }
    }
}

fn descriptor(media_type: &str, (digest, size): &(Digest, u64)) -> Value {
    json!({"mediaType": media_type, "digest": digest.to_string(), "size": size})
}

/// One image: its layers, config and manifest added to `blobs`.
struct Built {
    manifest: (Digest, u64),
    config: (Digest, u64),
    layers: Vec<(Digest, u64)>,
    layer_bytes: Vec<Vec<u8>>,
}

const HISTORY: [(&str, bool); 4] = [
    ("ADD rootfs.tar /", false),
    ("ENV PATH=/usr/bin", true),
    ("RUN install-things", false),
    ("CMD [\"sh\"]", true),
];

fn build_image(blobs: &mut Blobs, arch: &str, variant: Option<&str>, marker: &str) -> Built {
    let layer_bytes = vec![
        layer_tar(&[("etc/os-release", &format!("ID={marker}\n"))]),
        layer_tar(&[("usr/bin/tool", marker), ("usr/share/doc/tool", "x")]),
    ];
    let layers: Vec<(Digest, u64)> = layer_bytes.iter().map(|b| blobs.add(b.clone())).collect();
    let mut config = json!({
        "architecture": arch,
        "os": "linux",
        "config": {"Env": ["PATH=/usr/bin"]},
        "rootfs": {"type": "layers", "diff_ids": layers.iter().map(|l| l.0.to_string()).collect::<Vec<_>>()},
        "history": HISTORY.iter().map(|(by, empty)| {
            if *empty { json!({"created_by": by, "empty_layer": true}) } else { json!({"created_by": by}) }
        }).collect::<Vec<_>>(),
    });
    if let Some(variant) = variant {
        config["variant"] = json!(variant);
    }
    let config = blobs.add_json(&config);
    let manifest = blobs.add_json(&json!({
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "config": descriptor(OCI_CONFIG, &config),
        "layers": layers.iter().map(|l| descriptor(LAYER_TAR, l)).collect::<Vec<_>>(),
    }));
    Built {
        manifest,
        config,
        layers,
        layer_bytes,
    }
}

impl Built {
    fn expected(&self, reference: &str, platform: &str, manifest_digest: bool) -> Image {
        let created_by = ["ADD rootfs.tar /", "RUN install-things"];
        Image {
            reference: reference.to_string(),
            manifest_digest: manifest_digest.then(|| self.manifest.0.to_string()),
            config_digest: self.config.0.to_string(),
            platform: platform.to_string(),
            layers: self
                .layers
                .iter()
                .zip(created_by)
                .map(|((digest, size), created_by)| Layer {
                    digest: digest.to_string(),
                    media_type: if manifest_digest { LAYER_TAR } else { "" }.to_string(),
                    size: Some(*size),
                    diff_id: digest.to_string(),
                    created_by: Some(created_by.to_string()),
                })
                .collect(),
        }
    }
}

fn write_layout(root: &Path, blobs: &Blobs, manifests: Vec<Value>) {
    fs::create_dir_all(root).unwrap();
    fs::write(
        root.join("oci-layout"),
        r#"{"imageLayoutVersion": "1.0.0"}"#,
    )
    .unwrap();
    let index = json!({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": manifests});
    fs::write(root.join("index.json"), index.to_string()).unwrap();
    blobs.write(root);
}

fn tar_dir(dir: &Path, out: &Path) {
    let mut builder = tar::Builder::new(fs::File::create(out).unwrap());
    builder.append_dir_all(".", dir).unwrap();
    builder.finish().unwrap();
}

fn tagged(built: &Built, tag: &str) -> Value {
    let mut d = descriptor(OCI_MANIFEST, &built.manifest);
    d["annotations"] = json!({"org.opencontainers.image.ref.name": tag});
    d
}

fn options(platform: &str) -> SourceOptions {
    SourceOptions {
        platform: Some(platform.to_string()),
        ..SourceOptions::default()
    }
}

fn read_blob(source: &dyn ImageSource, digest: &str) -> Vec<u8> {
    let mut out = Vec::new();
    source.blob(digest).unwrap().read_to_end(&mut out).unwrap();
    out
}

fn err<T>(result: Result<T, ImageError>) -> ImageError {
    match result {
        Ok(_) => panic!("expected an error"),
        Err(e) => e,
    }
}

#[test]
fn oci_dir_and_archive_read_the_same_image() {
    let tmp = tempfile::tempdir().unwrap();
    let mut blobs = Blobs::default();
    let built = build_image(&mut blobs, "amd64", None, "one");
    let root = tmp.path().join("layout");
    write_layout(&root, &blobs, vec![tagged(&built, "latest")]);
    let archive = tmp.path().join("layout.tar");
    tar_dir(&root, &archive);

    let rest = root.display().to_string();
    let source = oci_layout::open_dir(&rest, &options("linux/amd64")).unwrap();
    assert_eq!(
        *source.image(),
        built.expected(&format!("oci-dir:{rest}"), "linux/amd64", true)
    );
    assert_eq!(
        read_blob(&*source, &built.layers[1].0.to_string()),
        built.layer_bytes[1]
    );

    let rest = format!("{}:latest", archive.display());
    let source = oci_layout::open_archive(&rest, &options("linux/amd64")).unwrap();
    assert_eq!(
        *source.image(),
        built.expected(&format!("oci-archive:{rest}"), "linux/amd64", true)
    );
    assert_eq!(
        read_blob(&*source, &built.layers[0].0.to_string()),
        built.layer_bytes[0]
    );
}

fn multi_platform_layout(root: &Path) -> (Built, Built) {
    let mut blobs = Blobs::default();
    let amd64 = build_image(&mut blobs, "amd64", None, "amd");
    let arm64 = build_image(&mut blobs, "arm64", Some("v8"), "arm");
    let mut amd_entry = descriptor(OCI_MANIFEST, &amd64.manifest);
    amd_entry["platform"] = json!({"os": "linux", "architecture": "amd64"});
    let mut arm_entry = descriptor(OCI_MANIFEST, &arm64.manifest);
    arm_entry["platform"] = json!({"os": "linux", "architecture": "arm64", "variant": "v8"});
    let nested = blobs.add_json(&json!({
        "schemaVersion": 2,
        "mediaType": OCI_INDEX,
        "manifests": [amd_entry, arm_entry],
    }));
    let mut top = descriptor(OCI_INDEX, &nested);
    top["annotations"] = json!({"org.opencontainers.image.ref.name": "3.19"});
    write_layout(root, &blobs, vec![top]);
    (amd64, arm64)
}

#[test]
fn multi_platform_index_selects_the_wanted_platform() {
    let tmp = tempfile::tempdir().unwrap();
    let (amd64, arm64) = multi_platform_layout(tmp.path());
    let rest = format!("{}:3.19", tmp.path().display());
    let reference = format!("oci-dir:{rest}");

    let source = oci_layout::open_dir(&rest, &options("linux/arm64")).unwrap();
    assert_eq!(
        *source.image(),
        arm64.expected(&reference, "linux/arm64/v8", true)
    );
    let source = oci_layout::open_dir(&rest, &options("linux/amd64")).unwrap();
    assert_eq!(
        *source.image(),
        amd64.expected(&reference, "linux/amd64", true)
    );

    let e = err(oci_layout::open_dir(&rest, &options("linux/s390x")));
    assert_eq!(
        e.to_string(),
        format!(
            "{reference}: no image for platform linux/s390x (available: linux/amd64, linux/arm64/v8)"
        )
    );
    let e = err(oci_layout::open_dir(&rest, &options("linux")));
    assert_eq!(
        e.to_string(),
        "platform \"linux\": expected os/arch or os/arch/variant (linux/amd64, linux/arm64/v8)"
    );
}

#[test]
fn tags_select_images_in_a_layout() {
    let tmp = tempfile::tempdir().unwrap();
    let mut blobs = Blobs::default();
    let one = build_image(&mut blobs, "amd64", None, "one");
    let two = build_image(&mut blobs, "amd64", None, "two");
    write_layout(
        tmp.path(),
        &blobs,
        vec![
            tagged(&one, "1.0"),
            tagged(&two, "docker.io/library/app:2.0"),
        ],
    );
    let root = tmp.path().display();
    let open = |selector: &str| {
        oci_layout::open_dir(&format!("{root}{selector}"), &options("linux/amd64"))
    };

    let image = open(":1.0").unwrap().image().clone();
    assert_eq!(image.config_digest, one.config.0.to_string());
    let image = open(":app:2.0").unwrap().image().clone();
    assert_eq!(image.config_digest, two.config.0.to_string());
    let image = open(":docker.io/library/app:2.0").unwrap().image().clone();
    assert_eq!(image.config_digest, two.config.0.to_string());
    let image = open(":@1").unwrap().image().clone();
    assert_eq!(image.config_digest, two.config.0.to_string());

    assert_eq!(
        err(open("")).to_string(),
        format!(
            "invalid image reference \"oci-dir:{root}\": the layout holds 2 images; name one with :<tag> or :@<n>"
        )
    );
    assert_eq!(
        err(open(":3.0")).to_string(),
        format!(
            "oci-layout: image 3.0 in {root} (tags there: 1.0, docker.io/library/app:2.0) not found"
        )
    );
    assert_eq!(
        err(open(":@x")).to_string(),
        format!("invalid image reference \"oci-dir:{root}:@x\": \"@x\" is not @<number>")
    );
}

#[test]
fn tampered_manifest_is_refused_naming_it() {
    let tmp = tempfile::tempdir().unwrap();
    let mut blobs = Blobs::default();
    let built = build_image(&mut blobs, "amd64", None, "one");
    write_layout(tmp.path(), &blobs, vec![tagged(&built, "latest")]);
    let (digest, _) = &built.manifest;
    let path = tmp.path().join("blobs/sha256").join(digest.hex());
    let mut bytes = fs::read(&path).unwrap();
    bytes.push(b'\n');
    fs::write(&path, &bytes).unwrap();

    let e = err(oci_layout::open_dir(
        &tmp.path().display().to_string(),
        &options("linux/amd64"),
    ));
    assert!(matches!(e, ImageError::DigestMismatch { .. }));
    assert_eq!(
        e.to_string(),
        format!(
            "{}: manifest {digest}: digest mismatch: expected {digest}, got {}",
            tmp.path().display(),
            Digest::sha256_of(&bytes)
        )
    );
}

#[test]
fn missing_blob_and_broken_json_are_named() {
    let tmp = tempfile::tempdir().unwrap();
    let mut blobs = Blobs::default();
    let built = build_image(&mut blobs, "amd64", None, "one");
    write_layout(tmp.path(), &blobs, vec![tagged(&built, "latest")]);
    let root = tmp.path().display().to_string();
    let config = &built.config.0;
    fs::remove_file(tmp.path().join("blobs/sha256").join(config.hex())).unwrap();
    let e = err(oci_layout::open_dir(&root, &options("linux/amd64")));
    assert_eq!(
        e.to_string(),
        format!(
            "{root}: blobs/sha256/{}: blob {config} is missing from the layout",
            config.hex()
        )
    );

    fs::write(
        tmp.path().join("index.json"),
        "{\"schemaVersion\": 2, \"manifests\": [",
    )
    .unwrap();
    let e = err(oci_layout::open_dir(&root, &options("linux/amd64")));
    assert_eq!(
        e.to_string(),
        format!("{root}: index.json: invalid JSON: EOF while parsing a list at line 1 column 35")
    );

    fs::remove_file(tmp.path().join("oci-layout")).unwrap();
    let e = err(oci_layout::open_dir(&root, &options("linux/amd64")));
    assert_eq!(
        e.to_string(),
        format!("{root}: not an OCI image layout (no oci-layout file)")
    );
}

/// Appends a member with its name exactly as given (`../x` included).
fn append(
    builder: &mut tar::Builder<fs::File>,
    name: &str,
    kind: tar::EntryType,
    link: &str,
    data: &[u8],
) {
    let mut header = tar::Header::new_gnu();
    header.as_old_mut().name[..name.len()].copy_from_slice(name.as_bytes());
    header.as_old_mut().linkname[..link.len()].copy_from_slice(link.as_bytes());
    header.set_entry_type(kind);
    header.set_size(data.len() as u64);
    header.set_mode(0o644);
    header.set_cksum();
    builder.append(&header, data).unwrap();
}

/// A `docker save` of two images in the classic layout: `<id>/layer.tar`, `<hex>.json`, a
/// shared layer linked from the second image's folder, and hostile member names.
#[test]
fn docker_archive_classic_layout() {
    let tmp = tempfile::tempdir().unwrap();
    let mut blobs = Blobs::default();
    let one = build_image(&mut blobs, "amd64", None, "one");
    let two = build_image(&mut blobs, "arm64", Some("v8"), "two");
    let path = tmp.path().join("save.tar");
    let mut builder = tar::Builder::new(fs::File::create(&path).unwrap());
    append(
        &mut builder,
        "../../outside",
        tar::EntryType::Regular,
        "",
        b"never written",
    );
    let mut manifest = Vec::new();
    for (i, built) in [&one, &two].into_iter().enumerate() {
        let config_name = format!("{}.json", built.config.0.hex());
        append(
            &mut builder,
            &config_name,
            tar::EntryType::Regular,
            "",
            &blobs.0[&built.config.0],
        );
        let mut layers = Vec::new();
        for (j, bytes) in built.layer_bytes.iter().enumerate() {
            let name = format!("layer{i}{j}/layer.tar");
            if i == 1 && j == 0 {
                append(
                    &mut builder,
                    &name,
                    tar::EntryType::Symlink,
                    "../layer00/layer.tar",
                    b"",
                );
            } else {
                append(&mut builder, &name, tar::EntryType::Regular, "", bytes);
            }
            layers.push(name);
        }
        let tag = if i == 0 {
            "example.invalid/one:1"
        } else {
            "two:latest"
        };
        manifest.push(json!({"Config": config_name, "RepoTags": [tag], "Layers": layers}));
    }
    let manifest = serde_json::to_vec(&manifest).unwrap();
    append(
        &mut builder,
        "./manifest.json",
        tar::EntryType::Regular,
        "",
        &manifest,
    );
    builder.finish().unwrap();
    let archive = path.display().to_string();

    let rest = format!("{archive}:example.invalid/one:1");
    let source = docker_archive::open(&rest, &SourceOptions::default()).unwrap();
    assert_eq!(
        *source.image(),
        one.expected(&format!("docker-archive:{rest}"), "linux/amd64", false)
    );
    assert_eq!(
        read_blob(&*source, &one.layers[1].0.to_string()),
        one.layer_bytes[1]
    );

    // The second image's first layer is a link to the first image's (the same bytes here).
    let rest = format!("{archive}:docker.io/library/two");
    let source = docker_archive::open(&rest, &SourceOptions::default()).unwrap();
    let two_expected = two.expected(&format!("docker-archive:{rest}"), "linux/arm64/v8", false);
    assert_eq!(*source.image(), two_expected);
    assert_eq!(
        read_blob(&*source, &two.layers[0].0.to_string()),
        one.layer_bytes[0]
    );
    let rest = format!("{archive}:@1");
    let source = docker_archive::open(&rest, &SourceOptions::default()).unwrap();
    assert_eq!(source.image().config_digest, two.config.0.to_string());

    let e = err(docker_archive::open(&archive, &SourceOptions::default()));
    assert_eq!(
        e.to_string(),
        format!(
            "invalid image reference \"docker-archive:{archive}\": the archive holds 2 images (example.invalid/one:1, two:latest); name one with :<repo:tag> or :@<n>"
        )
    );
    let e = err(docker_archive::open(
        &format!("{archive}:three"),
        &SourceOptions::default(),
    ));
    assert_eq!(
        e.to_string(),
        format!(
            "docker-archive: image three in {archive} (tags there: example.invalid/one:1, two:latest) not found"
        )
    );
    assert!(
        !tmp.path()
            .parent()
            .unwrap()
            .parent()
            .unwrap()
            .join("outside")
            .exists()
    );
}

/// Docker 25+: `manifest.json` names members in an OCI layout's `blobs/`.
#[test]
fn docker_archive_with_oci_blobs() {
    let tmp = tempfile::tempdir().unwrap();
    let mut blobs = Blobs::default();
    let built = build_image(&mut blobs, "amd64", None, "one");
    let root = tmp.path().join("save");
    write_layout(&root, &blobs, vec![tagged(&built, "latest")]);
    let blob_name = |d: &Digest| format!("blobs/sha256/{}", d.hex());
    let manifest = json!([{
        "Config": blob_name(&built.config.0),
        "RepoTags": ["app:latest"],
        "Layers": built.layers.iter().map(|l| blob_name(&l.0)).collect::<Vec<_>>(),
    }]);
    fs::write(root.join("manifest.json"), manifest.to_string()).unwrap();
    let archive = tmp.path().join("save.tar");
    tar_dir(&root, &archive);
    let rest = archive.display().to_string();

    let source = docker_archive::open(&rest, &SourceOptions::default()).unwrap();
    assert_eq!(
        *source.image(),
        built.expected(&format!("docker-archive:{rest}"), "linux/amd64", false)
    );
    assert_eq!(
        read_blob(&*source, &built.layers[0].0.to_string()),
        built.layer_bytes[0]
    );

    // Without manifest.json it is read as the OCI layout it also is.
    fs::remove_file(root.join("manifest.json")).unwrap();
    tar_dir(&root, &archive);
    let source = docker_archive::open(&rest, &options("linux/amd64")).unwrap();
    assert_eq!(
        *source.image(),
        built.expected(&format!("docker-archive:{rest}"), "linux/amd64", true)
    );
}

#[test]
fn docker_archive_tampered_config_and_schema1() {
    let tmp = tempfile::tempdir().unwrap();
    let mut blobs = Blobs::default();
    let built = build_image(&mut blobs, "amd64", None, "one");
    let path = tmp.path().join("save.tar");
    let mut builder = tar::Builder::new(fs::File::create(&path).unwrap());
    let config_name = format!("{}.json", built.config.0.hex());
    let mut config = blobs.0[&built.config.0].clone();
    config.push(b' ');
    append(
        &mut builder,
        &config_name,
        tar::EntryType::Regular,
        "",
        &config,
    );
    let manifest = json!([{"Config": config_name, "RepoTags": null, "Layers": ["a/layer.tar", "b/layer.tar"]}]);
    append(
        &mut builder,
        "manifest.json",
        tar::EntryType::Regular,
        "",
        manifest.to_string().as_bytes(),
    );
    for (name, bytes) in ["a/layer.tar", "b/layer.tar"]
        .iter()
        .zip(&built.layer_bytes)
    {
        append(&mut builder, name, tar::EntryType::Regular, "", bytes);
    }
    builder.finish().unwrap();
    let archive = path.display().to_string();
    let e = err(docker_archive::open(&archive, &SourceOptions::default()));
    let digest = &built.config.0;
    assert_eq!(
        e.to_string(),
        format!(
            "config {digest}: digest mismatch: expected {digest}, got {}",
            Digest::sha256_of(&config)
        )
    );

    // A registry's schema 1 manifest in a layout.
    let root = tmp.path().join("layout");
    let mut blobs = Blobs::default();
    let old = blobs.add_json(&json!({"schemaVersion": 1, "name": "x", "tag": "1", "fsLayers": []}));
    write_layout(&root, &blobs, vec![descriptor(DOCKER_MANIFEST, &old)]);
    let e = err(oci_layout::open_dir(
        &root.display().to_string(),
        &options("linux/amd64"),
    ));
    assert_eq!(
        e.to_string(),
        format!(
            "{}: manifest {}: Docker schema 1 manifests are not supported (pull the image with a current client)",
            root.display(),
            old.0
        )
    );
}
