//! Operating-system packages from real dpkg and apk databases, matched against the real Debian
//! and Alpine OSV data in shared/osv. Debian advisories name source packages: the expected list
//! (tests/data/os/debian-11.expected) was computed independently, evaluating every `Debian:11`
//! record's ranges for each binary's source name and source version with
//! `dpkg --compare-versions`. A finding shows the installed (binary) version, as dpkg lists it.

mod common;

use common::{data, lines, osv_db};
use scangate_fsview::{DirView, SkipRules};
use std::collections::BTreeSet;

/// `ADVISORY package version` for every advisory behind a finding in the root filesystem
/// `rootfs` (under tests/data).
fn matched(rootfs: &str, ecosystem: &str) -> Option<BTreeSet<String>> {
    let (_dir, db) = osv_db(ecosystem)?;
    let skip = SkipRules::new(&[], &[], true).unwrap();
    let view = DirView::new(&data(rootfs), scangate_fsview::DEFAULT_MAX_FILE_SIZE, skip).unwrap();
    let inventory = scangate_catalog::scan(&view, scangate_catalog::registry::os());
    assert!(inventory.issues.is_empty(), "{:?}", inventory.issues);
    Some(common::matched(&db, &inventory.packages))
}

#[test]
fn debian_11_packages_match_their_source_packages_advisories() {
    let Some(found) = matched("os/debian-11", "Debian") else {
        return;
    };
    let expected = lines("os/debian-11.expected");
    assert_eq!(found, expected);
    // libssl1.1 has no advisories of its own name: they are filed under its source, openssl.
    assert!(found.contains("DSA-5343-1 libssl1.1 1.1.1k-1"));
    // bsdutils 1:2.36.1-8 is built from util-linux 2.36.1-8: compared by its own version (epoch
    // 1) it would pass the fix 2.36.1-8+deb11u1; by its source's version it does not.
    assert!(found.contains("DSA-5055-1 bsdutils 1:2.36.1-8"));
    // A binary-only rebuild (7.74.0-1.3+b1) of curl 7.74.0-1.3.
    assert!(found.contains("DSA-5197-1 libcurl4 7.74.0-1.3+b1"));
}

#[test]
fn alpine_3_11_packages_match_by_origin() {
    let Some(found) = matched(
        "../../../scangate-catalog/fixtures/os/apk/alpine-3.11",
        "Alpine",
    ) else {
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
