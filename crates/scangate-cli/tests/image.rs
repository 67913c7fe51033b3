//! `scangate image` end to end on the real fixtures of `.ci/test-images` (docs/testing.md): one
//! Debian bookworm image of two layers (debootstrap minbase; then `hello` installed, `e2fsprogs`
//! purged) read from each of its seven sources, from registries asking for credentials, matched
//! against hand-written Debian 12 advisories, through the layer cache, and refused when hostile.
//! Each test has its own cache folder; the expected packages are `dpkg-query`'s.

use base64::Engine as _;
use scangate_testimages::TestImages;
use serde_json::{Value, json};
use std::ffi::OsStr;
use std::fs;
use std::path::Path;
use std::process::Command;

/// Variables of the calling shell that would change where the binary looks or what it publishes.
const ISOLATED: [&str; 16] = [
    "DOCKER_HOST",
    "CONTAINER_HOST",
    "CONTAINERD_ADDRESS",
    "DOCKER_CONFIG",
    "REGISTRY_AUTH_FILE",
    "SCANGATE_REGISTRY_USERNAME",
    "SCANGATE_REGISTRY_PASSWORD",
    "SCANGATE_CACHE_DIR",
    "SCANGATE_DB",
    "XDG_CACHE_HOME",
    "TF_BUILD",
    "GITHUB_ACTIONS",
    "GITHUB_OUTPUT",
    "GITHUB_STEP_SUMMARY",
    "GITLAB_CI",
    "JENKINS_URL",
];

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs `scangate ARGS` in `dir` (also its HOME, so no user configuration is read) with `env`.
fn scangate(dir: &Path, args: &[&str], env: &[(&str, &OsStr)]) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_scangate"));
    command.current_dir(dir).env("HOME", dir).args(args);
    for name in ISOLATED {
        command.env_remove(name);
    }
    command.envs(env.iter().copied());
    let out = command.output().unwrap();
    Run {
        code: out.status.code().unwrap(),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

/// `scangate image REFERENCE --packages-only -f json` with a fresh cache in `dir`; the report
/// names the image `target` (a path keeps its source prefix, a name is the image's name).
fn inventory_of(
    dir: &Path,
    reference: &str,
    target: &str,
    extra: &[&str],
    env: &[(&str, &OsStr)],
) -> Value {
    let cache = dir.join("cache");
    let mut args = vec![
        "image",
        reference,
        "--packages-only",
        "-f",
        "json",
        "--cache-dir",
        cache.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let run = scangate(dir, &args, env);
    assert_eq!(run.code, 0, "{reference}: {}", run.stderr);
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["target"], json!({"kind": "image", "name": target}));
    report
}

/// The image's layers as its configuration in the OCI layout lists them.
struct Layers {
    diff_ids: Vec<String>,
    /// `created_by` of each history entry that made a layer.
    created_by: Vec<String>,
}

impl Layers {
    fn read(oci_dir: &Path) -> Layers {
        let blob = |digest: &Value| -> Value {
            let hex = digest.as_str().unwrap().strip_prefix("sha256:").unwrap();
            let bytes = fs::read(oci_dir.join("blobs/sha256").join(hex)).unwrap();
            serde_json::from_slice(&bytes).unwrap()
        };
        let index: Value =
            serde_json::from_slice(&fs::read(oci_dir.join("index.json")).unwrap()).unwrap();
        let manifest = blob(&index["manifests"][0]["digest"]);
        let config = blob(&manifest["config"]["digest"]);
        let strings = |values: &Value| -> Vec<String> {
            values
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap().to_string())
                .collect()
        };
        let made_layers: Vec<Value> = config["history"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|entry| entry["empty_layer"] != json!(true))
            .map(|entry| entry["created_by"].clone())
            .collect();
        let layers = Layers {
            diff_ids: strings(&config["rootfs"]["diff_ids"]),
            created_by: strings(&Value::Array(made_layers)),
        };
        assert_eq!(layers.diff_ids.len(), 2);
        assert_eq!(layers.created_by.len(), 2);
        layers
    }

    /// A location's `layer` as the JSON report writes it.
    fn json(&self, index: usize) -> Value {
        json!({
            "index": index,
            "diffId": self.diff_ids[index],
            "createdBy": self.created_by[index],
        })
    }
}

/// The 1-based line of `Package: NAME` in the final tree's dpkg status file.
fn status_line(images: &TestImages, name: &str) -> usize {
    let status = fs::read_to_string(images.rootfs.join("var/lib/dpkg/status")).unwrap();
    let wanted = format!("Package: {name}");
    status.lines().position(|line| line == wanted).unwrap() + 1
}

/// `(name, version, arch)`: the arch from the purl's qualifier.
fn debian_rows(packages: &[Value]) -> Vec<(String, String, String)> {
    let mut rows: Vec<_> = packages
        .iter()
        .filter(|p| p["ecosystem"] == "Debian")
        .map(|p| {
            let purl = p["purl"].as_str().unwrap();
            let arch = purl
                .split_once('?')
                .unwrap()
                .1
                .split('&')
                .find_map(|q| q.strip_prefix("arch="))
                .unwrap();
            (
                p["name"].as_str().unwrap().to_string(),
                p["version"].as_str().unwrap().to_string(),
                arch.to_string(),
            )
        })
        .collect();
    rows.sort();
    rows
}

/// The report's inventory is `dpkg-query`'s list exactly, with no problem, each package in the
/// layer that brought it: `hello` in the second, everything of the first layer in the first.
fn assert_inventory(report: &Value, images: &TestImages) {
    let layers = Layers::read(&images.oci_dir);
    let packages = report["inventory"]["packages"].as_array().unwrap();
    let expected: Vec<_> = images
        .expected_dpkg
        .iter()
        .map(|p| (p.name.clone(), p.version.clone(), p.architecture.clone()))
        .collect();
    assert_eq!(debian_rows(packages), expected);
    assert_eq!(packages.len(), expected.len(), "only Debian packages");
    assert_eq!(report["inventory"]["issues"], json!([]));

    for package in packages {
        let name = package["name"].as_str().unwrap();
        let in_base = images
            .expected_dpkg_base
            .iter()
            .any(|base| base.name == name && base.version == package["version"].as_str().unwrap());
        let layer = if in_base { 0 } else { 1 };
        assert_eq!(
            package["locations"],
            json!([{
                "path": "var/lib/dpkg/status",
                "line": status_line(images, name),
                "layer": layers.json(layer),
            }]),
            "{name}"
        );
    }
    let find = |name: &str| packages.iter().find(|p| p["name"] == name);
    assert_eq!(
        find("hello").unwrap()["locations"][0]["layer"],
        layers.json(1)
    );
    assert_eq!(
        find("adduser").unwrap()["locations"][0]["layer"],
        layers.json(0)
    );
    assert!(find("e2fsprogs").is_none());
}

fn images(what: &str) -> Option<TestImages> {
    scangate_testimages::require(what)
}

fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

#[test]
fn docker_archive_inventory() {
    let Some(images) = images("docker-archive inventory") else {
        return;
    };
    let dir = tempdir();
    let reference = format!("docker-archive:{}", images.docker_archive.display());
    assert_inventory(
        &inventory_of(dir.path(), &reference, &reference, &[], &[]),
        &images,
    );
}

#[test]
fn oci_archive_inventory() {
    let Some(images) = images("oci-archive inventory") else {
        return;
    };
    let dir = tempdir();
    let reference = format!("oci-archive:{}", images.oci_archive.display());
    assert_inventory(
        &inventory_of(dir.path(), &reference, &reference, &[], &[]),
        &images,
    );
}

#[test]
fn oci_dir_inventory() {
    let Some(images) = images("oci-dir inventory") else {
        return;
    };
    let dir = tempdir();
    let reference = format!("oci-dir:{}", images.oci_dir.display());
    assert_inventory(
        &inventory_of(dir.path(), &reference, &reference, &[], &[]),
        &images,
    );
}

/// The image in `registry`: the reference with its source prefix.
fn in_registry(images: &TestImages, registry: &str) -> String {
    format!("{registry}/{}:{}", images.repo, images.tag)
}

#[test]
fn registry_inventory() {
    let Some(images) = images("registry inventory") else {
        return;
    };
    let dir = tempdir();
    let name = in_registry(&images, &images.registry);
    let reference = format!("registry:{name}");
    let extra = ["--insecure-registry", images.registry.as_str()];
    assert_inventory(
        &inventory_of(dir.path(), &reference, &name, &extra, &[]),
        &images,
    );
}

#[test]
fn podman_inventory() {
    let Some(images) = images("podman inventory") else {
        return;
    };
    let dir = tempdir();
    let host = format!("unix://{}", images.podman_sock.display());
    let reference = format!("podman:{}", images.name);
    let env = [("CONTAINER_HOST", OsStr::new(&host))];
    assert_inventory(
        &inventory_of(dir.path(), &reference, &images.name, &[], &env),
        &images,
    );
}

/// The Docker Engine API client, served by Podman's compatible API.
#[test]
fn docker_api_inventory() {
    let Some(images) = images("docker API inventory") else {
        return;
    };
    let dir = tempdir();
    let host = format!("unix://{}", images.podman_sock.display());
    let reference = format!("docker:{}", images.name);
    let env = [("DOCKER_HOST", OsStr::new(&host))];
    assert_inventory(
        &inventory_of(dir.path(), &reference, &images.name, &[], &env),
        &images,
    );
}

#[test]
fn containerd_inventory() {
    let Some(images) = images("containerd inventory") else {
        return;
    };
    let dir = tempdir();
    let reference = format!("containerd:{}", images.name);
    let env = [("CONTAINERD_ADDRESS", images.containerd_sock.as_os_str())];
    let extra = [
        "--containerd-namespace",
        images.containerd_namespace.as_str(),
    ];
    assert_inventory(
        &inventory_of(dir.path(), &reference, &images.name, &extra, &env),
        &images,
    );
}

fn assert_secret_kept(run: &Run, secret: &str) {
    assert!(!run.stdout.contains(secret) && !run.stderr.contains(secret));
}

#[test]
fn basic_auth_registry_with_credentials_from_the_environment() {
    let Some(images) = images("basic-auth registry") else {
        return;
    };
    let registry = images.registry_basic.as_str();
    let name = in_registry(&images, registry);
    let reference = format!("registry:{name}");
    let credentials = &images.credentials;
    let dir = tempdir();
    let env = [
        ("SCANGATE_REGISTRY_USERNAME", OsStr::new(&credentials.user)),
        (
            "SCANGATE_REGISTRY_PASSWORD",
            OsStr::new(&credentials.password),
        ),
    ];
    let extra = ["--insecure-registry", registry];
    assert_inventory(
        &inventory_of(dir.path(), &reference, &name, &extra, &env),
        &images,
    );

    let wrong = format!("{}-not-it", credentials.password);
    let env = [
        ("SCANGATE_REGISTRY_USERNAME", OsStr::new(&credentials.user)),
        ("SCANGATE_REGISTRY_PASSWORD", OsStr::new(&wrong)),
    ];
    let cache = dir.path().join("cache-refused");
    let run = scangate(
        dir.path(),
        &[
            "image",
            &reference,
            "--packages-only",
            "--insecure-registry",
            registry,
            "--cache-dir",
            cache.to_str().unwrap(),
        ],
        &env,
    );
    assert_eq!(run.code, 2);
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        format!(
            "scangate: error: registry: authentication failed for {registry}: access to manifest \
             {registry}/{}:{} refused (HTTP 401)\n",
            images.repo, images.tag
        )
    );
    assert_secret_kept(&run, &wrong);
    assert_secret_kept(&run, &credentials.password);
}

/// Bearer tokens, got from the token endpoint with the credentials of a Docker `config.json`.
#[test]
fn token_registry_with_credentials_from_docker_config() {
    let Some(images) = images("token registry") else {
        return;
    };
    let registry = images.registry_token.as_str();
    let credentials = &images.credentials;
    let dir = tempdir();
    let docker_config = dir.path().join("docker");
    fs::create_dir(&docker_config).unwrap();
    let auth = base64::engine::general_purpose::STANDARD
        .encode(format!("{}:{}", credentials.user, credentials.password));
    let config = json!({"auths": {registry: {"auth": auth}}});
    fs::write(docker_config.join("config.json"), config.to_string()).unwrap();

    let name = in_registry(&images, registry);
    let reference = format!("registry:{name}");
    let env = [("DOCKER_CONFIG", docker_config.as_os_str())];
    let extra = ["--insecure-registry", registry];
    assert_inventory(
        &inventory_of(dir.path(), &reference, &name, &extra, &env),
        &images,
    );
}
