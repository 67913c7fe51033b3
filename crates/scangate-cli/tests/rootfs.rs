//! `scangate rootfs`: the real Debian root filesystem `.ci/test-images` builds (docs/testing.md),
//! and a small hand-made one whose OS files are reached only through links.

use serde_json::Value;
use std::fs;
use std::os::unix::fs::symlink;
use std::path::Path;
use std::process::Command;

/// `scangate rootfs --packages-only -f json ROOT`, parsed.
fn scan(root: &Path) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_scangate"))
        .args(["rootfs", "--packages-only", "-f", "json"])
        .arg(root)
        .env_remove("SCANGATE_DB")
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The Debian packages as (name, version, architecture from the purl, release), sorted.
fn debian_packages(report: &Value) -> Vec<(String, String, String, String)> {
    let mut rows: Vec<_> = report["inventory"]["packages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["purl"].as_str().unwrap().starts_with("pkg:deb/debian/"))
        .map(|p| {
            let purl = p["purl"].as_str().unwrap();
            let arch = purl
                .split_once('?')
                .and_then(|(_, query)| query.split('&').find_map(|q| q.strip_prefix("arch=")))
                .unwrap_or_else(|| panic!("{purl} has no arch"));
            assert_eq!(p["ecosystem"], "Debian", "{purl}");
            let text = |key: &str| p[key].as_str().unwrap().to_string();
            (
                text("name"),
                text("version"),
                arch.to_string(),
                text("release"),
            )
        })
        .collect();
    rows.sort();
    rows
}

#[test]
fn the_debootstrap_rootfs_gives_exactly_what_dpkg_query_lists() {
    let Some(images) = scangate_testimages::require("rootfs scan") else {
        return;
    };
    let report = scan(&images.rootfs);
    assert_eq!(report["target"]["kind"], "rootfs");
    assert_eq!(report["inventory"]["issues"], Value::Array(vec![]));
    // bookworm, as docs/testing.md says: 88 packages.
    let mut expected: Vec<_> = images
        .expected_dpkg
        .iter()
        .map(|p| {
            let release = "12".to_string();
            (
                p.name.clone(),
                p.version.clone(),
                p.architecture.clone(),
                release,
            )
        })
        .collect();
    expected.sort();
    assert_eq!(expected.len(), 88);
    assert_eq!(debian_packages(&report), expected);
}

#[test]
fn os_files_reached_through_links_resolve_inside_the_root() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let write = |path: &str, text: &str| {
        let full = root.join(path);
        fs::create_dir_all(full.parent().unwrap()).unwrap();
        fs::write(full, text).unwrap();
    };
    let link = |target: &str, path: &str| {
        let full = root.join(path);
        fs::create_dir_all(full.parent().unwrap()).unwrap();
        symlink(target, full).unwrap();
    };
    // Bullseye, while the host runs something else: the release must come from inside the root.
    write(
        "usr/lib/os-release",
        "PRETTY_NAME=\"Debian GNU/Linux 11 (bullseye)\"\nID=debian\nVERSION_ID=\"11\"\n",
    );
    link("../usr/lib/os-release", "etc/os-release");
    write(
        "opt/dpkg-db/status",
        "Package: zlib1g\nStatus: install ok installed\nArchitecture: amd64\n\
         Version: 1:1.2.11.dfsg-2+deb11u2\n\n\
         Package: tzdata\nStatus: install ok installed\nArchitecture: all\nVersion: 2024a-0+deb11u1\n",
    );
    link("/opt/dpkg-db/status", "var/lib/dpkg/status");
    // Links a root filesystem always has, leading nowhere inside it: no word about them.
    link("/proc/self/fd", "dev/fd");
    link("/run", "var/run");

    let report = scan(root);
    assert_eq!(report["target"]["kind"], "rootfs");
    assert_eq!(report["inventory"]["issues"], Value::Array(vec![]));
    let row = |name: &str, version: &str, arch: &str| {
        (
            name.to_string(),
            version.to_string(),
            arch.to_string(),
            "11".to_string(),
        )
    };
    assert_eq!(
        debian_packages(&report),
        [
            row("tzdata", "2024a-0+deb11u1", "all"),
            row("zlib1g", "1:1.2.11.dfsg-2+deb11u2", "amd64"),
        ]
    );
    let packages = report["inventory"]["packages"].as_array().unwrap();
    assert_eq!(packages.len(), 2);
    assert_eq!(packages[0]["locations"][0]["path"], "var/lib/dpkg/status");
}
