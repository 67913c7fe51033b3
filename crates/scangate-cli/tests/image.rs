//! `scangate image` end to end on the real fixtures of `.ci/test-images` (docs/testing.md): one
//! Debian bookworm image of two layers (debootstrap minbase; then `hello` installed, `e2fsprogs`
//! purged) read from each of its seven sources, from registries asking for credentials, matched
//! against hand-written Debian 12 advisories, through the layer cache, and refused when hostile.
//! Each test has its own cache folder; the expected packages are `dpkg-query`'s.

use base64::Engine as _;
use scangate_testimages::TestImages;
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};
use std::ffi::OsStr;
use std::fs;
use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Variables of the calling shell that would change where the binary looks or what it publishes.
const ISOLATED: [&str; 17] = [
    "DOCKER_HOST",
    "CONTAINER_HOST",
    "CONTAINERD_ADDRESS",
    "DOCKER_CONFIG",
    "REGISTRY_AUTH_FILE",
    "SCANGATE_REGISTRY_USERNAME",
    "SCANGATE_REGISTRY_PASSWORD",
    "SCANGATE_REGISTRY_HOST",
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
        ("SCANGATE_REGISTRY_HOST", OsStr::new(registry)),
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
        ("SCANGATE_REGISTRY_HOST", OsStr::new(registry)),
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

/// `host:port` of the token service `registry` sends clients to (its 401's `realm`).
fn token_service(registry: &str) -> String {
    let mut stream = std::net::TcpStream::connect(registry).unwrap();
    write!(stream, "GET /v2/ HTTP/1.0\r\nHost: {registry}\r\n\r\n").unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let challenge = answer
        .lines()
        .find(|line| line.to_ascii_lowercase().starts_with("www-authenticate:"))
        .unwrap();
    let realm = challenge.split("realm=\"http://").nth(1).unwrap();
    realm[..realm.find('/').unwrap()].to_string()
}

/// Bearer tokens, got from the token endpoint with the credentials of a Docker `config.json`;
/// the token service is plain HTTP too, so it must be listed as insecure before it gets them.
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
    let service = token_service(registry);

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
    assert_eq!(
        run.stderr,
        format!(
            "scangate: error: registry: authentication failed for {registry}: the token service \
             http://{service}/token is plain HTTP and {service} is not an insecure registry\n"
        )
    );
    assert_secret_kept(&run, &credentials.password);

    let extra = [
        "--insecure-registry",
        registry,
        "--insecure-registry",
        &service,
    ];
    assert_inventory(
        &inventory_of(dir.path(), &reference, &name, &extra, &env),
        &images,
    );
}

/// An OSV record of `ecosystem`'s source package `name`, fixed in `fixed`, with a CVSS vector.
fn advisory(id: &str, name: &str, fixed: &str, summary: &str, vector: &str) -> Value {
    json!({
        "schema_version": "1.6.0",
        "id": id,
        "modified": "2026-11-22T00:00:00Z",
        "summary": summary,
        "severity": [{"type": "CVSS_V3", "score": vector}],
        "affected": [{
            "package": {"ecosystem": "Debian:12", "name": name},
            "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": fixed}]}],
        }],
        "database_specific": {"source": "written for scangate's tests; no real advisory"},
    })
}

const CRITICAL_VECTOR: &str = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H";
const HIGH_VECTOR: &str = "CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H";
const HELLO_SUMMARY: &str = "hello greets too loudly (test advisory)";
const E2FS_SUMMARY: &str = "e2fsprogs libraries misread a superblock (test advisory)";

/// A folder of two Debian 12 advisories: `hello` (layer 2, CRITICAL) and the source package
/// `e2fsprogs`, whose binary is purged but whose libraries stay (layer 1, HIGH).
fn write_advisories(dir: &Path) -> String {
    let debian = dir.join("advisories/Debian");
    fs::create_dir_all(&debian).unwrap();
    let records = [
        advisory(
            "SGT-2026-0001",
            "hello",
            "2.10-4",
            HELLO_SUMMARY,
            CRITICAL_VECTOR,
        ),
        advisory(
            "SGT-2026-0002",
            "e2fsprogs",
            "1.47.0-2+deb12u1",
            E2FS_SUMMARY,
            HIGH_VECTOR,
        ),
    ];
    for record in records {
        let file = debian.join(format!("{}.json", record["id"].as_str().unwrap()));
        fs::write(file, serde_json::to_vec_pretty(&record).unwrap()).unwrap();
    }
    dir.join("advisories").to_str().unwrap().to_string()
}

fn expected_version(images: &TestImages, name: &str) -> String {
    let package = images.expected_dpkg.iter().find(|p| p.name == name);
    package.unwrap().version.clone()
}

#[test]
fn findings_carry_their_layer_and_fail_the_gate() {
    let Some(images) = images("image findings") else {
        return;
    };
    let layers = Layers::read(&images.oci_dir);
    let dir = tempdir();
    let db = write_advisories(dir.path());
    let cache = dir.path().join("cache");
    let sarif = dir.path().join("scan.sarif");
    let table = dir.path().join("scan.txt");
    let reference = format!("oci-dir:{}", images.oci_dir.display());
    let sarif_arg = format!("sarif={}", sarif.display());
    let table_arg = format!("table={}", table.display());
    let args = [
        "image",
        &reference,
        "--db",
        &db,
        "--cache-dir",
        cache.to_str().unwrap(),
        "-q",
        "-f",
        "json",
        "-f",
        &sarif_arg,
        "-f",
        &table_arg,
    ];
    let mut gated = args.to_vec();
    gated.extend(["--max-critical", "0"]);
    let run = scangate(dir.path(), &gated, &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        run.stderr,
        "scangate: gate failed: DENY\n\
         scangate:   --max-critical (deny): 1 CRITICAL finding, at most 0 allowed\n"
    );

    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    let findings = report["findings"].as_array().unwrap();
    // The binaries of the source e2fsprogs left in the image, matched by the source's version
    // (1.47.0-2); each finding shows what dpkg lists (1.47.0-2+b2 for a binary-only rebuild).
    let e2fs_binaries = ["libcom-err2", "libext2fs2", "libss2", "logsave"];
    let summary: Vec<_> = findings
        .iter()
        .map(|f| {
            let package = &f["package"];
            (
                f["id"].as_str().unwrap(),
                package["name"].as_str().unwrap(),
                package["version"].as_str().unwrap().to_string(),
                f["fixed_versions"].clone(),
                f["severity"].as_str().unwrap(),
                package["locations"].clone(),
            )
        })
        .collect();
    let location = |name: &str, layer: usize| {
        json!([{
            "path": "var/lib/dpkg/status",
            "line": status_line(&images, name),
            "layer": layers.json(layer),
        }])
    };
    let mut expected = vec![(
        "SGT-2026-0001",
        "hello",
        "2.10-3".to_string(),
        json!(["2.10-4"]),
        "CRITICAL",
        location("hello", 1),
    )];
    for name in e2fs_binaries {
        expected.push((
            "SGT-2026-0002",
            name,
            expected_version(&images, name),
            json!(["1.47.0-2+deb12u1"]),
            "HIGH",
            location(name, 0),
        ));
    }
    expected.sort_by_key(|e| status_line(&images, e.1));
    assert_eq!(summary, expected);
    assert_eq!(expected_version(&images, "hello"), "2.10-3");
    assert_eq!(expected_version(&images, "libcom-err2"), "1.47.0-2+b2");
    assert_eq!(
        findings[0]["package"]["purl"],
        "pkg:deb/debian/hello@2.10-3?arch=amd64&distro=debian-12"
    );

    // SARIF: the package and the layer as logical locations of the hello finding.
    let sarif: Value = serde_json::from_slice(&fs::read(&sarif).unwrap()).unwrap();
    let result = &sarif["runs"][0]["results"][0];
    assert_eq!(result["ruleId"], "SGT-2026-0001");
    assert_eq!(
        result["locations"][0]["physicalLocation"],
        json!({
            "artifactLocation": {"uri": "var/lib/dpkg/status"},
            "region": {"startLine": status_line(&images, "hello")},
        })
    );
    assert_eq!(
        result["locations"][0]["logicalLocations"],
        json!([
            {
                "name": "hello",
                "fullyQualifiedName": "pkg:deb/debian/hello@2.10-3?arch=amd64&distro=debian-12",
                "kind": "package",
            },
            {
                "name": "layer 2: /bin/sh -c apt-get install -y --no-install-recommends hello && apt-get clean && \u{2026}",
                "fullyQualifiedName": layers.diff_ids[1],
                "kind": "module",
            },
        ])
    );

    // The table's last column: where each finding is declared, then its layer.
    let table = fs::read_to_string(&table).unwrap();
    let declared: Vec<&str> = table
        .lines()
        .filter_map(|line| line.strip_prefix('│')?.rsplit('┆').next())
        .map(|cell| cell.trim_end_matches('│').trim())
        .filter(|cell| !cell.is_empty())
        .collect();
    let mut expected_cells = vec!["Declared at".to_string()];
    for (_, name, _, _, _, _) in &expected {
        expected_cells.push(format!(
            "var/lib/dpkg/status:{}",
            status_line(&images, name)
        ));
        expected_cells.push(if *name == "hello" {
            "layer 2: /bin/sh -c apt-get install -y --no-install-recommends hello && apt-get clean && \u{2026}".to_string()
        } else {
            format!("layer 1: {}", layers.created_by[0])
        });
    }
    assert_eq!(declared, expected_cells);

    // Without a gate the same findings pass.
    let run = scangate(dir.path(), &args, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stderr, "");
    let again: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(again["findings"], report["findings"]);
}

/// Every entry of the cache folder with its size and modification time.
fn listing(root: &Path) -> Vec<(PathBuf, u64, std::time::SystemTime)> {
    let mut found = Vec::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let meta = fs::symlink_metadata(&path).unwrap();
            if meta.is_dir() {
                pending.push(path.clone());
            }
            found.push((path, meta.len(), meta.modified().unwrap()));
        }
    }
    found.sort();
    found
}

/// The entries `cache clean` removes (each layer, match result and leftover) and their bytes.
fn cache_entries(root: &Path) -> (usize, u64) {
    let mut entries = Vec::new();
    for dir in ["layers", "tmp"] {
        entries.extend(
            fs::read_dir(root.join(dir))
                .unwrap()
                .map(|e| e.unwrap().path()),
        );
    }
    for kind in fs::read_dir(root.join("results")).unwrap() {
        entries.extend(
            fs::read_dir(kind.unwrap().path())
                .unwrap()
                .map(|e| e.unwrap().path()),
        );
    }
    let bytes = entries
        .iter()
        .map(|entry| {
            let meta = fs::symlink_metadata(entry).unwrap();
            if !meta.is_dir() {
                return meta.len();
            }
            listing(entry)
                .iter()
                .filter(|(path, _, _)| !path.is_dir())
                .map(|(_, len, _)| len)
                .sum()
        })
        .sum();
    (entries.len(), bytes)
}

/// The progress lines of a scan, sorted (layers are read in parallel).
fn progress_lines(stderr: &str) -> Vec<&str> {
    let mut lines: Vec<&str> = stderr.lines().collect();
    lines.sort();
    lines
}

#[test]
fn warm_cache_gives_the_same_report_and_clean_empties_it() {
    let Some(images) = images("image cache") else {
        return;
    };
    let layers = Layers::read(&images.oci_dir);
    let dir = tempdir();
    let db = write_advisories(dir.path());
    let cache = dir.path().join("cache");
    let reference = format!("docker-archive:{}", images.docker_archive.display());
    let scan = |cache_args: &[&str]| {
        let mut args = vec!["image", &reference, "--db", &db, "-f", "json"];
        args.extend_from_slice(cache_args);
        let run = scangate(dir.path(), &args, &[]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        run
    };
    let with_cache = ["--cache-dir", cache.to_str().unwrap()];
    let progress = |what: &str| -> Vec<String> {
        (0..2)
            .map(|i| {
                format!(
                    "scangate: layer {}/2 {}: {what}",
                    i + 1,
                    &layers.diff_ids[i][..19]
                )
            })
            .collect()
    };

    let cold = scan(&with_cache);
    assert_eq!(progress_lines(&cold.stderr), progress("read"));
    let warm = scan(&with_cache);
    assert_eq!(
        progress_lines(&warm.stderr),
        progress("analysis found in the cache")
    );
    // The database is built from the folder for each scan: its time is the one difference.
    let stable = |stdout: &str| -> String {
        let kept: Vec<&str> = stdout
            .lines()
            .filter(|l| !l.contains("\"builtAt\""))
            .collect();
        assert_eq!(kept.len(), stdout.lines().count() - 1);
        kept.join("\n")
    };
    assert_eq!(stable(&warm.stdout), stable(&cold.stdout));
    let report: Value = serde_json::from_str(&warm.stdout).unwrap();
    assert_eq!(report["findings"].as_array().unwrap().len(), 5);
    assert_inventory(&report, &images);

    // --no-cache reads every layer again and leaves the cache as it was.
    let before = listing(&cache);
    let uncached = scan(&["--no-cache", "--cache-dir", cache.to_str().unwrap()]);
    assert_eq!(progress_lines(&uncached.stderr), progress("read"));
    assert_eq!(stable(&uncached.stdout), stable(&cold.stdout));
    assert_eq!(listing(&cache), before);

    // One entry per layer: its diff id, then the variant (what this scan keeps), the same for both.
    let mut layer_entries: Vec<(String, String)> = fs::read_dir(cache.join("layers"))
        .unwrap()
        .map(|e| {
            let name = e.unwrap().file_name().into_string().unwrap();
            let (layer, variant) = name.rsplit_once('-').unwrap();
            (layer.to_string(), variant.to_string())
        })
        .collect();
    layer_entries.sort();
    let variant = layer_entries[0].1.clone();
    assert_eq!(variant.len(), 16);
    assert!(variant.bytes().all(|b| b.is_ascii_hexdigit()));
    let mut expected_layers: Vec<(String, String)> = layers
        .diff_ids
        .iter()
        .map(|d| (d.replace(':', "-"), variant.clone()))
        .collect();
    expected_layers.sort();
    assert_eq!(layer_entries, expected_layers);
    let (entries, bytes) = cache_entries(&cache);
    let run = scangate(
        dir.path(),
        &["cache", "clean", "--cache-dir", cache.to_str().unwrap()],
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        format!(
            "removed {entries} entries ({:.1} MiB) from {}\n",
            bytes as f64 / (1u64 << 20) as f64,
            cache.display()
        )
    );
    assert_eq!(cache_entries(&cache), (0, 0));
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A `docker save` archive whose config's content is not what its name's digest says.
fn tampered_docker_archive(path: &Path) -> String {
    let config = json!({
        "architecture": "amd64",
        "os": "linux",
        "rootfs": {"type": "layers", "diff_ids": [format!("sha256:{}", "0".repeat(64))]},
    })
    .to_string();
    let named = sha256_hex(config.as_bytes());
    let tampered = config.replace("amd64", "arm64");
    let manifest = json!([{
        "Config": format!("{named}.json"),
        "RepoTags": ["tampered:1"],
        "Layers": ["layer/layer.tar"],
    }])
    .to_string();
    let mut builder = tar::Builder::new(fs::File::create(path).unwrap());
    for (name, bytes) in [
        ("manifest.json", manifest.as_bytes()),
        (&format!("{named}.json"), tampered.as_bytes()),
        ("layer/layer.tar", &[0u8; 1024][..]),
    ] {
        let mut header = tar::Header::new_gnu();
        header.set_size(bytes.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        builder.append_data(&mut header, name, bytes).unwrap();
    }
    builder.finish().unwrap();
    let actual = sha256_hex(tampered.as_bytes());
    format!("config sha256:{named}: digest mismatch: expected sha256:{named}, got sha256:{actual}")
}

#[test]
fn hostile_and_missing_images_are_refused() {
    let dir = tempdir();
    let cache = dir.path().join("cache");
    let scan = |reference: &str, extra: &[&str], env: &[(&str, &OsStr)]| {
        let mut args = vec![
            "image",
            reference,
            "--packages-only",
            "--cache-dir",
            cache.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        let run = scangate(dir.path(), &args, env);
        assert_eq!(run.code, 2, "{reference}: {}", run.stderr);
        assert_eq!(run.stdout, "");
        run.stderr
    };

    let archive = dir.path().join("tampered.tar");
    let mismatch = tampered_docker_archive(&archive);
    let reference = format!("docker-archive:{}", archive.display());
    assert_eq!(
        scan(&reference, &[], &[]),
        format!("scangate: error: {mismatch}\n")
    );

    let missing = dir.path().join("missing.tar");
    let reference = format!("docker-archive:{}", missing.display());
    assert_eq!(
        scan(&reference, &[], &[]),
        format!(
            "scangate: error: {}: No such file or directory (os error 2)\n",
            missing.display()
        )
    );

    let Some(images) = images("an image in no source") else {
        return;
    };
    let podman = format!("unix://{}", images.podman_sock.display());
    let env = [
        ("CONTAINER_HOST", OsStr::new(&podman)),
        ("CONTAINERD_ADDRESS", images.containerd_sock.as_os_str()),
    ];
    let extra = [
        "--image-src",
        "podman,containerd",
        "--containerd-namespace",
        images.containerd_namespace.as_str(),
    ];
    assert_eq!(
        scan("nosuchimage", &extra, &env),
        "scangate: error: invalid image reference \"nosuchimage\": found in no source\n  \
         podman: image nosuchimage not found\n  \
         containerd: image nosuchimage not found\n"
    );
}
