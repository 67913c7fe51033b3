//! Operating-system packages from real dpkg and apk databases, matched against the real Debian
//! and Alpine OSV data in shared/osv. Debian advisories name source packages: the expected list
//! (tests/data/os/debian-11.expected) was computed independently, evaluating every `Debian:11`
//! record's ranges for each binary's source name and source version with
//! `dpkg --compare-versions`. A finding shows the version it was matched by: the source's.

use scangate_fsview::{DirView, SkipRules};
use scangate_vulndb::{Limits, Silent, VulnDb};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn data(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// shared/osv beside the repository (or above a worktree); missing is a failure in CI only.
fn osv_dir() -> Option<PathBuf> {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"))
        .canonicalize()
        .unwrap();
    let found = manifest
        .ancestors()
        .skip(3)
        .map(|d| d.join("shared/osv"))
        .find(|d| d.join("README.md").is_file());
    if found.is_none() {
        assert_ne!(
            std::env::var("CI").as_deref(),
            Ok("true"),
            "shared/osv is missing beside the repository"
        );
        eprintln!("skipped: no shared/osv beside the repository");
    }
    found
}

/// `ADVISORY package version` for every advisory behind a finding in the root filesystem `rootfs`.
fn matched(rootfs: &str, ecosystem: &str) -> Option<BTreeSet<String>> {
    let osv = osv_dir()?;
    let source = tempfile::tempdir().unwrap();
    std::fs::create_dir(source.path().join(ecosystem)).unwrap();
    std::fs::copy(
        osv.join(ecosystem).join("all.zip"),
        source.path().join(ecosystem).join("all.zip"),
    )
    .unwrap();
    let db_path = source.path().join("scangate.db");
    scangate_vulndb::build(source.path(), &db_path, &Limits::default(), &Silent).unwrap();
    let db = VulnDb::open(&db_path).unwrap();

    let skip = SkipRules::new(&[], &[], true).unwrap();
    let view = DirView::new(&data(rootfs), scangate_fsview::DEFAULT_MAX_FILE_SIZE, skip).unwrap();
    let inventory = scangate_catalog::scan(&view, scangate_catalog::registry::os());
    assert!(inventory.issues.is_empty(), "{:?}", inventory.issues);
    let findings = scangate_match::find(&db, &inventory.packages).unwrap();
    Some(
        findings
            .iter()
            .flat_map(|f| {
                f.advisories
                    .iter()
                    .map(move |a| format!("{a} {} {}", f.package.name, f.package.version))
            })
            .collect(),
    )
}

#[test]
fn debian_11_packages_match_their_source_packages_advisories() {
    let Some(found) = matched("tests/data/os/debian-11", "Debian") else {
        return;
    };
    let expected: BTreeSet<String> =
        std::fs::read_to_string(data("tests/data/os/debian-11.expected"))
            .unwrap()
            .lines()
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect();
    assert_eq!(found, expected);
    // libssl1.1 has no advisories of its own name: they are filed under its source, openssl.
    assert!(found.contains("DSA-5343-1 libssl1.1 1.1.1k-1"));
    // bsdutils 1:2.36.1-8 is built from util-linux 2.36.1-8: compared by its own version (epoch
    // 1) it would pass the fix 2.36.1-8+deb11u1; by its source's version it does not.
    assert!(found.contains("DSA-5055-1 bsdutils 2.36.1-8"));
    // A binary-only rebuild (7.74.0-1.3+b1) of curl 7.74.0-1.3.
    assert!(found.contains("DSA-5197-1 libcurl4 7.74.0-1.3"));
}

#[test]
fn alpine_3_11_packages_match_by_origin() {
    let Some(found) = matched("../scangate-catalog/fixtures/os/apk/alpine-3.11", "Alpine") else {
        return;
    };
    // openssl 1.1.1d-r3 fixed CVE-2019-1551 in v3.11; the other openssl, musl and busybox fixes
    // in the data are older than what this database has installed.
    assert_eq!(
        found,
        BTreeSet::from([
            "ALPINE-CVE-2019-1551 libcrypto1.1 1.1.1d-r2".to_string(),
            "ALPINE-CVE-2019-1551 libssl1.1 1.1.1d-r2".to_string(),
        ])
    );
}
