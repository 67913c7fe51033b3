//! A real Debian bookworm root filesystem (`debootstrap --variant=minbase`): the dpkg cataloger
//! must list exactly what dpkg itself lists.
//!
//! SCANGATE_TEST_ROOTFS names the rootfs; SCANGATE_TEST_DPKG_QUERY, optionally, a file with
//! `dpkg-query --admindir=<rootfs>/var/lib/dpkg -W` output made when the rootfs was built
//! (default format `name[:arch]\tversion`, or `name\tversion\tarch`). Where dpkg-query is
//! installed the test also asks it directly, arch included.

use scangate_fsview::{DEFAULT_MAX_FILE_SIZE, DirView, SkipRules};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

type Row = (String, String, Option<String>);

#[test]
fn debootstrap_rootfs_equals_dpkg_query() {
    let Some(rootfs) = std::env::var_os("SCANGATE_TEST_ROOTFS").map(PathBuf::from) else {
        let reason =
            "SCANGATE_TEST_ROOTFS is not set (a debootstrap --variant=minbase bookworm rootfs)";
        assert!(std::env::var("CI").as_deref() != Ok("true"), "{reason}");
        eprintln!("skipped: {reason}");
        return;
    };
    let skip = SkipRules::new(&[], &[], true).unwrap();
    let view = DirView::new(&rootfs, DEFAULT_MAX_FILE_SIZE, skip).unwrap();
    let inventory = scangate_catalog::scan(&view, scangate_catalog::registry::os());
    // Absolute links (`var/run -> /run`) are the view's business, not the database's.
    let database_issues: Vec<_> = inventory
        .issues
        .iter()
        .filter(|issue| issue.path.starts_with("var/lib/dpkg"))
        .collect();
    assert!(database_issues.is_empty(), "{database_issues:?}");
    for package in &inventory.packages {
        assert_eq!(package.osv_ecosystem(), "Debian:12", "{}", package.name);
        assert_eq!(package.location().path, "var/lib/dpkg/status");
    }
    let found: BTreeSet<Row> = inventory
        .packages
        .iter()
        .map(|p| {
            let arch = p
                .purl
                .split("arch=")
                .nth(1)
                .map(|a| a.split('&').next().unwrap_or(a).to_string());
            (p.name.clone(), p.version.clone().unwrap_or_default(), arch)
        })
        .collect();
    assert!(found.len() > 50, "only {} packages", found.len());

    let mut compared = false;
    if let Some(listing) = std::env::var_os("SCANGATE_TEST_DPKG_QUERY") {
        let text = std::fs::read_to_string(&listing).unwrap();
        assert_eq!(without_unrecorded_arch(&found, &text), parse_listing(&text));
        compared = true;
    }
    if let Some(listing) = dpkg_query(&rootfs) {
        assert_eq!(found, parse_listing(&listing));
        compared = true;
    }
    assert!(
        compared,
        "neither SCANGATE_TEST_DPKG_QUERY nor dpkg-query is available"
    );
}

/// The rows of a dpkg-query listing. With the default format only `Multi-Arch: same` packages
/// show their arch (`libc6:amd64`); the others have none.
fn parse_listing(text: &str) -> BTreeSet<Row> {
    text.lines()
        .filter(|line| !line.is_empty())
        .map(|line| {
            let fields: Vec<&str> = line.split('\t').collect();
            match fields[..] {
                [name, version, arch] => (name.into(), version.into(), Some(arch.into())),
                [name, version] => match name.split_once(':') {
                    Some((name, arch)) => (name.into(), version.into(), Some(arch.into())),
                    None => (name.into(), version.into(), None),
                },
                _ => panic!("not a dpkg-query line: {line}"),
            }
        })
        .collect()
}

/// `found` with the arch dropped where a default-format listing does not show it.
fn without_unrecorded_arch(found: &BTreeSet<Row>, listing: &str) -> BTreeSet<Row> {
    let three_fields = listing.lines().any(|l| l.split('\t').count() == 3);
    let shown: BTreeSet<&str> = listing
        .lines()
        .filter_map(|l| l.split('\t').next()?.split_once(':').map(|(name, _)| name))
        .collect();
    found
        .iter()
        .map(|(name, version, arch)| {
            let arch = arch
                .clone()
                .filter(|_| three_fields || shown.contains(name.as_str()));
            (name.clone(), version.clone(), arch)
        })
        .collect()
}

fn dpkg_query(rootfs: &Path) -> Option<String> {
    let output = Command::new("dpkg-query")
        .arg(format!(
            "--admindir={}",
            rootfs.join("var/lib/dpkg").display()
        ))
        .args(["-W", "-f", "${Package}\\t${Version}\\t${Architecture}\\n"])
        .output()
        .ok()?;
    assert!(
        output.status.success(),
        "dpkg-query failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    Some(String::from_utf8(output.stdout).unwrap())
}
