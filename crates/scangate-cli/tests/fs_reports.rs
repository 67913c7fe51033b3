//! The reports `scangate fs` writes, checked field by field and against the formats' validators.

mod common;

use common::missing_tool;
use std::path::PathBuf;
use std::process::Command;

fn fixtures(rel: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../scangate-catalog/fixtures")
        .join(rel);
    path.to_str().unwrap().to_string()
}

/// An inventory-only scan of `path`.
fn scan(path: &str, format: &str) -> String {
    scan_with(&[path, "--packages-only"], format)
}

fn scan_with(args: &[&str], format: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_scangate"))
        // `--ci auto` would write a CI system's variables when these tests run inside one.
        .env_remove("TF_BUILD")
        .env_remove("GITHUB_ACTIONS")
        .env_remove("GITLAB_CI")
        .env_remove("JENKINS_URL")
        .arg("fs")
        .args(args)
        .args(["--format", format, "--quiet"])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn cyclonedx_lists_components_with_their_lines_and_the_dependency_graph() {
    let bom: serde_json::Value =
        serde_json::from_str(&scan(&fixtures("rust/cargo-lock/v4"), "cyclonedx")).unwrap();
    assert_eq!(bom["bomFormat"], "CycloneDX");
    assert_eq!(bom["specVersion"], "1.6");
    assert!(
        bom["serialNumber"]
            .as_str()
            .unwrap()
            .starts_with("urn:uuid:")
    );
    let components: Vec<String> = bom["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let at = &c["evidence"]["occurrences"][0];
            format!(
                "{} {} {}:{}",
                c["purl"].as_str().unwrap(),
                c["bom-ref"].as_str().unwrap(),
                at["location"].as_str().unwrap(),
                at["line"]
            )
        })
        .collect();
    assert_eq!(
        components,
        [
            "pkg:cargo/cfg-if@1.0.0 pkg:cargo/cfg-if@1.0.0#Cargo.lock Cargo.lock:14",
            "pkg:cargo/libc@0.2.191 pkg:cargo/libc@0.2.191#Cargo.lock Cargo.lock:20",
            "pkg:cargo/smallvec@1.6.0 pkg:cargo/smallvec@1.6.0#Cargo.lock Cargo.lock:26",
            "pkg:cargo/time@0.1.43 pkg:cargo/time@0.1.43#Cargo.lock Cargo.lock:32",
            "pkg:cargo/winapi@0.3.9 pkg:cargo/winapi@0.3.9#Cargo.lock Cargo.lock:50",
            "pkg:cargo/winapi-i686-pc-windows-gnu@0.4.0 pkg:cargo/winapi-i686-pc-windows-gnu@0.4.0#Cargo.lock Cargo.lock:60",
            "pkg:cargo/winapi-x86_64-pc-windows-gnu@0.4.0 pkg:cargo/winapi-x86_64-pc-windows-gnu@0.4.0#Cargo.lock Cargo.lock:66",
        ]
    );
    let deps = bom["dependencies"].as_array().unwrap();
    let root = &deps[0];
    assert_eq!(
        root["ref"],
        format!("scangate-target:{}", fixtures("rust/cargo-lock/v4"))
    );
    assert_eq!(
        root["dependsOn"],
        serde_json::json!([
            "pkg:cargo/cfg-if@1.0.0#Cargo.lock",
            "pkg:cargo/smallvec@1.6.0#Cargo.lock",
            "pkg:cargo/time@0.1.43#Cargo.lock"
        ])
    );
    let time = deps
        .iter()
        .find(|d| d["ref"] == "pkg:cargo/time@0.1.43#Cargo.lock")
        .unwrap();
    assert_eq!(
        time["dependsOn"],
        serde_json::json!([
            "pkg:cargo/libc@0.2.191#Cargo.lock",
            "pkg:cargo/winapi@0.3.9#Cargo.lock"
        ])
    );
}

#[test]
fn json_result_carries_the_schema_version_packages_and_files() {
    let result: serde_json::Value =
        serde_json::from_str(&scan(&fixtures("rust/cargo-lock/v4"), "json")).unwrap();
    assert_eq!(result["schemaVersion"], "1");
    assert_eq!(result["target"]["kind"], "filesystem");
    assert_eq!(
        result["inventory"]["files"],
        serde_json::json!([{"path": "Cargo.lock", "cataloger": "cargo-lock", "packages": 7}])
    );
    let smallvec = &result["inventory"]["packages"][2];
    assert_eq!(
        *smallvec,
        serde_json::json!({
            "ecosystem": "crates.io",
            "name": "smallvec",
            "version": "1.6.0",
            "purl": "pkg:cargo/smallvec@1.6.0",
            "locations": [{"path": "Cargo.lock", "line": 26}],
            "relationship": "direct",
            "origin": {"kind": "registry"}
        })
    );
}

#[test]
fn table_lists_each_package_with_its_place() {
    let table = scan(&fixtures("rust/cargo-lock/v4"), "table");
    let row = table.lines().find(|l| l.contains("smallvec")).unwrap();
    let cells: Vec<&str> = row
        .split(['│', '┆'])
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect();
    assert_eq!(
        cells,
        [
            "smallvec",
            "1.6.0",
            "crates.io",
            "direct",
            "-",
            "Cargo.lock:26"
        ]
    );
    assert!(
        table.ends_with("7 packages in 1 files; 0 files could not be read, 0 warnings.\n"),
        "{table}"
    );
}

/// Every fixture of every format in one CycloneDX document, and the demo project with its
/// vulnerabilities, checked by CycloneDX's own schema validator (cyclonedx-python-lib, installed
/// by .ci/run).
#[test]
fn cyclonedx_passes_the_cyclonedx_validator() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let demo = root.join("examples/demo-app");
    let advisories = root.join("examples/advisories");
    let documents = [
        scan(&fixtures(""), "cyclonedx"),
        scan_with(
            &[demo.to_str().unwrap(), "--db", advisories.to_str().unwrap()],
            "cyclonedx",
        ),
    ];
    let dir = tempfile::tempdir().unwrap();
    for (i, bom) in documents.iter().enumerate() {
        let path = dir.path().join(format!("bom{i}.json"));
        std::fs::write(&path, bom).unwrap();
        let script = "import sys\nfrom cyclonedx.validation.json import JsonStrictValidator\nfrom cyclonedx.schema import SchemaVersion\nerr = JsonStrictValidator(SchemaVersion.V1_6).validate_str(open(sys.argv[1]).read())\nprint(err or 'valid')\nsys.exit(1 if err else 0)";
        match Command::new("python3")
            .args(["-c", script])
            .arg(&path)
            .output()
        {
            Ok(out) if String::from_utf8_lossy(&out.stderr).contains("ModuleNotFoundError") => {
                return missing_tool("cyclonedx-python-lib");
            }
            Ok(out) => assert!(
                out.status.success(),
                "document {i}: {}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ),
            Err(_) => return missing_tool("python3"),
        }
    }
}
