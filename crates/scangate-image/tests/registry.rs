//! `registry:` against a registry served by the test itself (anonymous, basic, bearer token,
//! Docker config and credential helpers, platforms, tampered content), and against the real
//! registry of the shared test images.

mod registry_server;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use registry_server::{Reply, Request, Server};
use scangate_image::digest::Digest;
use scangate_image::manifest::{OCI_CONFIG, OCI_INDEX, OCI_MANIFEST};
use scangate_image::reference::ImageName;
use scangate_image::sources::registry::RegistrySource;
use scangate_image::{Image, ImageError, ImageSource, Layer, SourceOptions};
use serde_json::json;
use std::collections::HashMap;
use std::ffi::OsString;
use std::io::Read;
use std::process::Command;
use std::sync::Arc;

const REPOSITORY: &str = "test/app";
const TOKEN: &str = "token-4711";
const LAYER_GZIP: &str = "application/vnd.oci.image.layer.v1.tar+gzip";

/// One platform's image in the fixture.
struct PlatformImage {
    manifest_digest: String,
    config_digest: String,
    layers: Vec<(String, Vec<u8>, String)>,
}

/// A multi-platform image (`linux/amd64`, `linux/arm64/v8`) under tag `1.0`.
struct Fixture {
    blobs: HashMap<String, Vec<u8>>,
    /// By tag or digest: media type and bytes.
    manifests: HashMap<String, (String, Vec<u8>)>,
    amd64: PlatformImage,
    arm64: PlatformImage,
}

fn sha256(bytes: &[u8]) -> String {
    Digest::sha256_of(bytes).to_string()
}

impl Fixture {
    fn new() -> Fixture {
        let mut fixture = Fixture {
            blobs: HashMap::new(),
            manifests: HashMap::new(),
            amd64: empty_image(),
            arm64: empty_image(),
        };
        fixture.amd64 = fixture.add_image("amd64", None);
        fixture.arm64 = fixture.add_image("arm64", Some("v8"));
        let entry = |image: &PlatformImage, arch: &str, variant: Option<&str>| {
            let (_, bytes) = &fixture.manifests[&image.manifest_digest];
            let mut platform = json!({"os": "linux", "architecture": arch});
            if let Some(variant) = variant {
                platform["variant"] = json!(variant);
            }
            json!({"mediaType": OCI_MANIFEST, "digest": image.manifest_digest,
                   "size": bytes.len(), "platform": platform})
        };
        let index = json!({
            "schemaVersion": 2,
            "mediaType": OCI_INDEX,
            "manifests": [entry(&fixture.amd64, "amd64", None), entry(&fixture.arm64, "arm64", Some("v8"))],
        })
        .to_string()
        .into_bytes();
        fixture
            .manifests
            .insert(sha256(&index), (OCI_INDEX.to_string(), index.clone()));
        fixture
            .manifests
            .insert("1.0".to_string(), (OCI_INDEX.to_string(), index));
        fixture
    }

    fn add_image(&mut self, arch: &str, variant: Option<&str>) -> PlatformImage {
        let layers: Vec<(String, Vec<u8>, String)> = ["base", "app"]
            .iter()
            .map(|name| {
                let bytes = format!("{arch} {name} layer").into_bytes();
                let diff_id = sha256(format!("{arch} {name} tar").as_bytes());
                (sha256(&bytes), bytes, diff_id)
            })
            .collect();
        let mut config = json!({
            "architecture": arch,
            "os": "linux",
            "rootfs": {"type": "layers", "diff_ids": layers.iter().map(|l| &l.2).collect::<Vec<_>>()},
            "history": [
                {"created_by": "ADD rootfs.tar /"},
                {"created_by": "CMD [\"sh\"]", "empty_layer": true},
                {"created_by": "COPY app /app"},
            ],
        });
        if let Some(variant) = variant {
            config["variant"] = json!(variant);
        }
        let config = config.to_string().into_bytes();
        let config_digest = sha256(&config);
        let manifest = json!({
            "schemaVersion": 2,
            "mediaType": OCI_MANIFEST,
            "config": {"mediaType": OCI_CONFIG, "digest": config_digest, "size": config.len()},
            "layers": layers.iter().map(|(digest, bytes, _)| json!({
                "mediaType": LAYER_GZIP, "digest": digest, "size": bytes.len()})).collect::<Vec<_>>(),
        })
        .to_string()
        .into_bytes();
        let manifest_digest = sha256(&manifest);
        self.blobs.insert(config_digest.clone(), config);
        for (digest, bytes, _) in &layers {
            self.blobs.insert(digest.clone(), bytes.clone());
        }
        self.manifests.insert(
            manifest_digest.clone(),
            (OCI_MANIFEST.to_string(), manifest),
        );
        PlatformImage {
            manifest_digest,
            config_digest,
            layers,
        }
    }

    /// The [`Image`] the source should make of `image`, pulled as `reference`.
    fn expected(&self, reference: &str, image: &PlatformImage, platform: &str) -> Image {
        Image {
            reference: reference.to_string(),
            manifest_digest: Some(image.manifest_digest.clone()),
            config_digest: image.config_digest.clone(),
            platform: platform.to_string(),
            layers: image
                .layers
                .iter()
                .zip(["ADD rootfs.tar /", "COPY app /app"])
                .map(|((digest, bytes, diff_id), created_by)| Layer {
                    digest: digest.clone(),
                    media_type: LAYER_GZIP.to_string(),
                    size: Some(bytes.len() as u64),
                    diff_id: diff_id.clone(),
                    created_by: Some(created_by.to_string()),
                })
                .collect(),
        }
    }
}

fn empty_image() -> PlatformImage {
    PlatformImage {
        manifest_digest: String::new(),
        config_digest: String::new(),
        layers: Vec::new(),
    }
}

/// How the test registry wants to be spoken to.
#[derive(Clone, Copy)]
enum Auth {
    Anonymous,
    /// `user:password` on every request.
    Basic(&'static str),
    /// A bearer token from `/token`, which wants `user:password` where given.
    Bearer(Option<&'static str>),
}

fn basic(user_password: &str) -> String {
    format!("Basic {}", BASE64.encode(user_password))
}

/// Misbehaviour and redirects of the test registry.
#[derive(Default)]
struct Quirks {
    /// Blob GETs answer with a 307 to this base URL.
    redirect_blobs_to: Option<String>,
    /// A `Docker-Content-Digest` stated for every manifest instead of the true one.
    stated_digest: Option<String>,
}

fn registry(fixture: Arc<Fixture>, auth: Auth, quirks: Quirks) -> Server {
    Server::start(move |request: &Request| {
        let authorization = request.header("authorization");
        if request.path() == "/token" {
            return match auth {
                Auth::Bearer(Some(wanted)) if authorization != Some(basic(wanted).as_str()) => {
                    Reply::new(401, "{}")
                }
                _ => Reply::new(200, json!({"token": TOKEN}).to_string()),
            };
        }
        let refused = match auth {
            Auth::Anonymous => None,
            Auth::Basic(wanted) => (authorization != Some(basic(wanted).as_str()))
                .then(|| r#"Basic realm="test registry""#.to_string()),
            Auth::Bearer(_) => (authorization != Some(format!("Bearer {TOKEN}").as_str())).then(|| {
                format!(
                    r#"Bearer realm="http://{}/token",service="test-registry",scope="repository:{REPOSITORY}:pull""#,
                    request.header("host").unwrap_or_default()
                )
            }),
        };
        if let Some(challenge) = refused {
            return Reply::new(401, r#"{"errors":[{"code":"UNAUTHORIZED"}]}"#)
                .header("WWW-Authenticate", challenge);
        }
        let prefix = format!("/v2/{REPOSITORY}/");
        let Some(rest) = request.path().strip_prefix(&prefix) else {
            return Reply::new(404, "{}");
        };
        if let Some(reference) = rest.strip_prefix("manifests/") {
            return match fixture.manifests.get(reference) {
                Some((media_type, bytes)) => Reply::new(200, bytes.clone())
                    .header("Content-Type", media_type.clone())
                    .header(
                        "Docker-Content-Digest",
                        quirks
                            .stated_digest
                            .clone()
                            .unwrap_or_else(|| sha256(bytes)),
                    ),
                None => Reply::new(404, r#"{"errors":[{"code":"MANIFEST_UNKNOWN"}]}"#),
            };
        }
        if let Some(digest) = rest.strip_prefix("blobs/") {
            if let Some(base) = &quirks.redirect_blobs_to {
                return Reply::new(307, "").header("Location", format!("{base}/storage/{digest}"));
            }
            return match fixture.blobs.get(digest) {
                Some(bytes) => Reply::new(200, bytes.clone()),
                None => Reply::new(404, r#"{"errors":[{"code":"BLOB_UNKNOWN"}]}"#),
            };
        }
        Reply::new(404, "{}")
    })
}

fn options(insecure: &str, platform: Option<&str>) -> SourceOptions {
    SourceOptions {
        platform: platform.map(str::to_string),
        insecure_registries: vec![insecure.to_string()],
        ..SourceOptions::default()
    }
}

fn open(addr: &str, reference: &str, platform: Option<&str>) -> Result<RegistrySource, ImageError> {
    let name = ImageName::parse(&format!("{addr}/{REPOSITORY}{reference}")).unwrap();
    RegistrySource::open(&name, &options(addr, platform))
}

fn read_blob(source: &RegistrySource, digest: &str) -> Result<Vec<u8>, ImageError> {
    let mut bytes = Vec::new();
    let what = format!("blob {digest}");
    source
        .blob(digest)?
        .read_to_end(&mut bytes)
        .map_err(|e| ImageError::from_read(&what, e))?;
    Ok(bytes)
}

/// Every layer of `image` reads back as the fixture's bytes.
fn assert_layers_read(source: &RegistrySource, image: &PlatformImage) {
    for (digest, bytes, _) in &image.layers {
        assert_eq!(&read_blob(source, digest).unwrap(), bytes);
    }
}

/// `(method target, Authorization)` of each request.
fn trace(server: &Server) -> Vec<(String, Option<String>)> {
    server
        .requests()
        .iter()
        .map(|r| {
            (
                format!("{} {}", r.method, r.target),
                r.header("authorization").map(str::to_string),
            )
        })
        .collect()
}

#[test]
fn anonymous_pull_selects_the_platform_from_the_index() {
    let fixture = Arc::new(Fixture::new());
    let server = registry(fixture.clone(), Auth::Anonymous, Quirks::default());
    let addr = server.addr().to_string();

    let source = open(&addr, ":1.0", Some("linux/arm64")).unwrap();
    let reference = format!("{addr}/{REPOSITORY}:1.0");
    assert_eq!(
        source.image(),
        &fixture.expected(&reference, &fixture.arm64, "linux/arm64/v8")
    );
    assert_layers_read(&source, &fixture.arm64);

    let source = open(&addr, ":1.0", Some("linux/amd64")).unwrap();
    assert_eq!(
        source.image(),
        &fixture.expected(&reference, &fixture.amd64, "linux/amd64")
    );
    assert_layers_read(&source, &fixture.amd64);

    let index_digest = sha256(&fixture.manifests["1.0"].1);
    let arm64 = &fixture.arm64;
    assert_eq!(
        trace(&server)[..4],
        [
            (format!("GET /v2/{REPOSITORY}/manifests/1.0"), None),
            (
                format!("GET /v2/{REPOSITORY}/manifests/{}", arm64.manifest_digest),
                None
            ),
            (
                format!("GET /v2/{REPOSITORY}/blobs/{}", arm64.config_digest),
                None
            ),
            (
                format!("GET /v2/{REPOSITORY}/blobs/{}", arm64.layers[0].0),
                None
            ),
        ]
    );
    assert_ne!(index_digest, arm64.manifest_digest);
}

#[test]
fn pull_by_digest_and_missing_platforms() {
    let fixture = Arc::new(Fixture::new());
    let server = registry(fixture.clone(), Auth::Anonymous, Quirks::default());
    let addr = server.addr().to_string();

    // A manifest by digest: no index to choose from, and the platform fits.
    let by_digest = format!("@{}", fixture.amd64.manifest_digest);
    let source = open(&addr, &by_digest, Some("linux/amd64")).unwrap();
    let reference = format!("{addr}/{REPOSITORY}{by_digest}");
    assert_eq!(
        source.image(),
        &fixture.expected(&reference, &fixture.amd64, "linux/amd64")
    );

    match open(&addr, &by_digest, Some("linux/arm64")).err().unwrap() {
        ImageError::Platform {
            platform,
            available,
            ..
        } => assert_eq!(
            (platform.as_str(), available.as_str()),
            ("linux/arm64", "linux/amd64")
        ),
        other => panic!("expected a platform error, got {other:?}"),
    }
    match open(&addr, ":1.0", Some("linux/s390x")).err().unwrap() {
        ImageError::Platform {
            platform,
            available,
            ..
        } => assert_eq!(
            (platform.as_str(), available.as_str()),
            ("linux/s390x", "linux/amd64, linux/arm64/v8")
        ),
        other => panic!("expected a platform error, got {other:?}"),
    }
    let missing = open(&addr, ":2.0", None).err().unwrap();
    assert_eq!(
        missing.to_string(),
        format!("registry: image {addr}/{REPOSITORY} (manifest {addr}/{REPOSITORY}:2.0) not found")
    );
}

#[test]
fn bearer_token_flow() {
    let fixture = Arc::new(Fixture::new());
    let server = registry(fixture.clone(), Auth::Bearer(None), Quirks::default());
    let addr = server.addr().to_string();

    let source = open(&addr, ":1.0", Some("linux/amd64")).unwrap();
    assert_eq!(source.image().config_digest, fixture.amd64.config_digest);
    assert_layers_read(&source, &fixture.amd64);

    let bearer = Some(format!("Bearer {TOKEN}"));
    let requests = trace(&server);
    assert_eq!(
        requests[..4],
        [
            (format!("GET /v2/{REPOSITORY}/manifests/1.0"), None),
            (
                "GET /token?scope=repository%3Atest%2Fapp%3Apull&service=test-registry".to_string(),
                None
            ),
            (
                format!("GET /v2/{REPOSITORY}/manifests/1.0"),
                bearer.clone()
            ),
            (
                format!(
                    "GET /v2/{REPOSITORY}/manifests/{}",
                    fixture.amd64.manifest_digest
                ),
                bearer.clone()
            ),
        ]
    );
    // The token is kept: one challenge for the whole pull.
    assert_eq!(requests.len(), 7);
    assert!(requests[2..].iter().all(|(_, auth)| *auth == bearer));
}

#[test]
fn tampered_blob_and_manifests_are_digest_mismatches() {
    let mut fixture = Fixture::new();
    let layer = fixture.amd64.layers[1].0.clone();
    fixture.blobs.insert(layer.clone(), b"evil layer".to_vec());
    let arm64_digest = fixture.arm64.manifest_digest.clone();
    let evil_manifest = fixture.manifests[&fixture.amd64.manifest_digest].clone();
    fixture
        .manifests
        .insert(arm64_digest.clone(), evil_manifest.clone());
    let fixture = Arc::new(fixture);
    let server = registry(fixture.clone(), Auth::Anonymous, Quirks::default());
    let addr = server.addr().to_string();

    let source = open(&addr, ":1.0", Some("linux/amd64")).unwrap();
    match read_blob(&source, &layer).err().unwrap() {
        // The manifest's size goes first: 10 bytes where 15 were promised.
        ImageError::Format { what, message } => {
            assert_eq!(
                (what.as_str(), message.as_str()),
                (format!("blob {layer}").as_str(), "10 bytes, 15 expected")
            )
        }
        other => panic!("expected a size error, got {other:?}"),
    }
    // By digest, through the index and directly.
    for reference in [":1.0".to_string(), format!("@{arm64_digest}")] {
        match open(&addr, &reference, Some("linux/arm64")).err().unwrap() {
            ImageError::DigestMismatch {
                what,
                expected,
                actual,
            } => assert_eq!(
                (what, expected, actual),
                (
                    format!("manifest {arm64_digest}"),
                    arm64_digest.clone(),
                    sha256(&evil_manifest.1)
                )
            ),
            other => panic!("expected a digest mismatch, got {other:?}"),
        }
    }
}

#[test]
fn size_checks_aside_a_blob_whose_bytes_do_not_match_is_a_digest_mismatch() {
    let mut fixture = Fixture::new();
    let layer = fixture.amd64.layers[0].0.clone();
    let original = fixture.blobs[&layer].clone();
    // Same length, other bytes.
    let evil: Vec<u8> = original.iter().map(|b| b ^ 1).collect();
    fixture.blobs.insert(layer.clone(), evil.clone());
    let server = registry(Arc::new(fixture), Auth::Anonymous, Quirks::default());
    let source = open(server.addr(), ":1.0", Some("linux/amd64")).unwrap();
    match read_blob(&source, &layer).err().unwrap() {
        ImageError::DigestMismatch {
            what,
            expected,
            actual,
        } => assert_eq!(
            (what, expected, actual),
            (format!("blob {layer}"), layer.clone(), sha256(&evil))
        ),
        other => panic!("expected a digest mismatch, got {other:?}"),
    }
}

#[test]
fn a_stated_manifest_digest_must_match_the_bytes() {
    let fixture = Arc::new(Fixture::new());
    let stated = sha256(b"something else");
    let quirks = Quirks {
        stated_digest: Some(stated.clone()),
        ..Quirks::default()
    };
    let server = registry(fixture.clone(), Auth::Anonymous, quirks);
    match open(server.addr(), ":1.0", None).err().unwrap() {
        ImageError::DigestMismatch {
            expected, actual, ..
        } => assert_eq!(
            (expected, actual),
            (stated, sha256(&fixture.manifests["1.0"].1))
        ),
        other => panic!("expected a digest mismatch, got {other:?}"),
    }
}

#[test]
fn redirected_blobs_never_carry_the_authorization() {
    let fixture = Arc::new(Fixture::new());
    let storage = {
        let fixture = fixture.clone();
        Server::start(move |request: &Request| {
            let digest = request.path().trim_start_matches("/storage/");
            match fixture.blobs.get(digest) {
                Some(bytes) => Reply::new(200, bytes.clone()),
                None => Reply::new(404, ""),
            }
        })
    };
    let quirks = Quirks {
        redirect_blobs_to: Some(format!("http://{}", storage.addr())),
        ..Quirks::default()
    };
    let server = registry(fixture.clone(), Auth::Bearer(None), quirks);
    let source = open(server.addr(), ":1.0", Some("linux/arm64/v8")).unwrap();
    assert_layers_read(&source, &fixture.arm64);
    let stored = trace(&storage);
    assert_eq!(stored.len(), 3, "config and two layers: {stored:?}");
    assert!(stored.iter().all(|(_, auth)| auth.is_none()), "{stored:?}");
}

#[test]
fn unreachable_and_not_insecure_registries() {
    let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = free.local_addr().unwrap().to_string();
    drop(free);
    match open(&addr, ":1.0", None).err().unwrap() {
        ImageError::Unavailable { message, .. } => assert_eq!(
            message,
            format!("{addr} (http://{addr}): connection refused")
        ),
        other => panic!("expected unavailable, got {other:?}"),
    }

    // Plain HTTP only where listed: a loopback registry is no exception.
    let server = registry(Arc::new(Fixture::new()), Auth::Anonymous, Quirks::default());
    let name = ImageName::parse(&format!("{}/{REPOSITORY}:1.0", server.addr())).unwrap();
    let error = RegistrySource::open(&name, &SourceOptions::default())
        .err()
        .unwrap();
    assert!(
        matches!(&error, ImageError::Unavailable { message, .. }
            if message.starts_with(&format!("{} (https://{}): ", server.addr(), server.addr()))),
        "{error:?}"
    );
    assert!(!server.requests().iter().any(|r| r.method == "GET"));
}

// Credentials come from the process environment (SCANGATE_REGISTRY_*, DOCKER_CONFIG, PATH),
// which a threaded test run cannot change safely: these tests run their pull in a child
// process of this test binary, with the registry served by the parent.

const CHILD_REGISTRY: &str = "SCANGATE_TEST_CHILD_REGISTRY";

/// In the child process: the registry to pull from.
fn child_registry() -> Option<String> {
    std::env::var(CHILD_REGISTRY).ok()
}

/// Runs `test` of this binary in a child process with `env`, and no credentials but those.
fn run_in_child(test: &str, registry: &str, env: &[(&str, OsString)]) {
    let home = tempfile::tempdir().unwrap();
    let output = Command::new(std::env::current_exe().unwrap())
        .args([test, "--exact", "--nocapture", "--test-threads=1"])
        .env_remove("SCANGATE_REGISTRY_USERNAME")
        .env_remove("SCANGATE_REGISTRY_PASSWORD")
        .env_remove("SCANGATE_REGISTRY_HOST")
        .env_remove("DOCKER_CONFIG")
        .env("HOME", home.path())
        .env(CHILD_REGISTRY, registry)
        .envs(env.iter().map(|(k, v)| (k, v)))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && stdout.contains("test result: ok. 1 passed"),
        "{test} in a child process:\n{stdout}\n{stderr}"
    );
}

fn docker_config(config: serde_json::Value) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("config.json"), config.to_string()).unwrap();
    dir
}

#[test]
fn basic_auth_from_docker_config() {
    if let Some(addr) = child_registry() {
        let source = open(&addr, ":1.0", Some("linux/amd64")).unwrap();
        assert_layers_read(&source, &Fixture::new().amd64);
        return;
    }
    let server = registry(
        Arc::new(Fixture::new()),
        Auth::Basic("alice:wonderland"),
        Quirks::default(),
    );
    let auth = BASE64.encode("alice:wonderland");
    let config = docker_config(json!({"auths": {server.addr(): {"auth": auth}}}));
    run_in_child(
        "basic_auth_from_docker_config",
        server.addr(),
        &[("DOCKER_CONFIG", config.path().into())],
    );
    let requests = trace(&server);
    assert_eq!(requests[0].1, None);
    assert_eq!(requests[0].0, format!("GET /v2/{REPOSITORY}/manifests/1.0"));
    assert_eq!(requests.len(), 6, "{requests:?}");
    assert!(
        requests[1..]
            .iter()
            .all(|(_, a)| a.as_deref() == Some(basic("alice:wonderland").as_str()))
    );
}

#[test]
fn credential_helper_for_a_bearer_token() {
    if let Some(addr) = child_registry() {
        let source = open(&addr, ":1.0", Some("linux/arm64")).unwrap();
        assert_layers_read(&source, &Fixture::new().arm64);
        return;
    }
    let server = registry(
        Arc::new(Fixture::new()),
        Auth::Bearer(Some("bob:from-helper")),
        Quirks::default(),
    );
    let bin = tempfile::tempdir().unwrap();
    let helper = bin.path().join("docker-credential-test");
    // The helper protocol: the server URL on stdin, JSON on stdout.
    std::fs::write(
        &helper,
        "#!/bin/sh\nread server\nprintf '{\"ServerURL\":\"%s\",\"Username\":\"bob\",\"Secret\":\"from-helper\"}' \"$server\"\n",
    )
    .unwrap();
    let mut permissions = std::fs::metadata(&helper).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut permissions, 0o755);
    std::fs::set_permissions(&helper, permissions).unwrap();
    let config = docker_config(json!({"credHelpers": {server.addr(): "test"}}));
    let mut path = OsString::from(bin.path());
    path.push(":");
    path.push(std::env::var_os("PATH").unwrap_or_default());
    run_in_child(
        "credential_helper_for_a_bearer_token",
        server.addr(),
        &[("DOCKER_CONFIG", config.path().into()), ("PATH", path)],
    );
    let token_requests: Vec<Request> = server
        .requests()
        .into_iter()
        .filter(|r| r.path() == "/token")
        .collect();
    assert_eq!(token_requests.len(), 1);
    assert_eq!(
        token_requests[0].header("authorization"),
        Some(basic("bob:from-helper").as_str())
    );
}

const WRONG_PASSWORD: &str = "n0t-the-Right-one";

#[test]
fn refused_credentials_from_the_environment_are_never_shown() {
    if let Some(addr) = child_registry() {
        for reference in [":1.0", ":2.0"] {
            let error = open(&addr, reference, None).err().unwrap();
            let shown = [error.to_string(), format!("{error:?}")];
            assert!(
                shown.iter().all(|s| !s.contains(WRONG_PASSWORD)
                    && !s.contains(&BASE64.encode(format!("carol:{WRONG_PASSWORD}")))),
                "{shown:?}"
            );
            assert_eq!(
                error.to_string(),
                format!(
                    "registry: authentication failed for {addr}: the token service refused the credentials (HTTP 401)"
                )
            );
        }
        return;
    }
    let server = registry(
        Arc::new(Fixture::new()),
        Auth::Bearer(Some("carol:right")),
        Quirks::default(),
    );
    run_in_child(
        "refused_credentials_from_the_environment_are_never_shown",
        server.addr(),
        &[
            ("SCANGATE_REGISTRY_USERNAME", "carol".into()),
            ("SCANGATE_REGISTRY_PASSWORD", WRONG_PASSWORD.into()),
            ("SCANGATE_REGISTRY_HOST", server.addr().into()),
        ],
    );
}

/// Credentials in the environment are for the registry SCANGATE_REGISTRY_HOST names: never sent
/// to another one, and refused without it.
#[test]
fn credentials_from_the_environment_are_for_one_registry() {
    if let Some(addr) = child_registry() {
        let error = open(&addr, ":1.0", None).err().unwrap();
        let expected = match std::env::var("SCANGATE_REGISTRY_HOST") {
            Ok(_) => {
                "the registry requires credentials (docker login, or \
                      SCANGATE_REGISTRY_USERNAME and SCANGATE_REGISTRY_PASSWORD with \
                      SCANGATE_REGISTRY_HOST naming it)"
            }
            Err(_) => {
                "SCANGATE_REGISTRY_USERNAME is set but SCANGATE_REGISTRY_HOST is not: \
                       name the registry they are for"
            }
        };
        assert_eq!(
            error.to_string(),
            format!("registry: authentication failed for {addr}: {expected}")
        );
        return;
    }
    let server = registry(
        Arc::new(Fixture::new()),
        Auth::Basic("erin:pw"),
        Quirks::default(),
    );
    let credentials = [
        ("SCANGATE_REGISTRY_USERNAME", OsString::from("erin")),
        ("SCANGATE_REGISTRY_PASSWORD", OsString::from("pw")),
    ];
    let mut for_another = credentials.to_vec();
    for_another.push((
        "SCANGATE_REGISTRY_HOST",
        OsString::from("registry.example.invalid"),
    ));
    run_in_child(
        "credentials_from_the_environment_are_for_one_registry",
        server.addr(),
        &for_another,
    );
    run_in_child(
        "credentials_from_the_environment_are_for_one_registry",
        server.addr(),
        &credentials,
    );
    let sent: Vec<Request> = server
        .requests()
        .into_iter()
        .filter(|r| r.header("authorization").is_some())
        .collect();
    assert!(sent.is_empty(), "{sent:?}");
}

#[test]
fn a_registry_that_wants_a_password_and_gets_none() {
    if let Some(addr) = child_registry() {
        let error = open(&addr, ":1.0", None).err().unwrap();
        assert_eq!(
            error.to_string(),
            format!(
                "registry: authentication failed for {addr}: the registry requires credentials \
                 (docker login, or SCANGATE_REGISTRY_USERNAME and SCANGATE_REGISTRY_PASSWORD with \
                 SCANGATE_REGISTRY_HOST naming it)"
            )
        );
        return;
    }
    let server = registry(
        Arc::new(Fixture::new()),
        Auth::Basic("dave:pw"),
        Quirks::default(),
    );
    run_in_child(
        "a_registry_that_wants_a_password_and_gets_none",
        server.addr(),
        &[],
    );
}

/// The shared test image (Debian bookworm) pushed to a real registry (Debian's
/// docker-registry) by the CI setup.
#[test]
fn real_registry_serves_the_test_image() {
    let vars = [
        "SCANGATE_TEST_REGISTRY",
        "SCANGATE_TEST_IMAGE_REPO",
        "SCANGATE_TEST_IMAGE_TAG",
    ];
    let values: Vec<Option<String>> = vars.iter().map(|v| std::env::var(v).ok()).collect();
    let [Some(registry), Some(repo), Some(tag)] = &values[..] else {
        let reason = format!("{} not set: no test registry", vars.join(", "));
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("{reason}");
        }
        eprintln!("skipped: {reason}");
        return;
    };
    let name = ImageName::parse(&format!("{registry}/{repo}:{tag}")).unwrap();
    let source = RegistrySource::open(&name, &options(registry, None)).unwrap();
    let image = source.image();
    let config = read_blob(&source, &image.config_digest).unwrap();
    let config: serde_json::Value = serde_json::from_slice(&config).unwrap();
    let diff_ids: Vec<&str> = config["rootfs"]["diff_ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d.as_str().unwrap())
        .collect();
    let layer_diff_ids: Vec<&str> = image.layers.iter().map(|l| l.diff_id.as_str()).collect();
    assert_eq!(layer_diff_ids, diff_ids);
    assert!(!image.layers.is_empty());
    for layer in &image.layers {
        let mut reader = source.blob(&layer.digest).unwrap();
        let read = std::io::copy(&mut reader, &mut std::io::sink())
            .map_err(|e| ImageError::from_read(&layer.digest, e))
            .unwrap();
        assert_eq!(Some(read), layer.size);
    }
}
