//! The built fixtures are what the tests of the image sources rely on.

use scangate_testimages::{DpkgPackage, require};
use std::collections::BTreeSet;

fn names(packages: &[DpkgPackage]) -> BTreeSet<&str> {
    packages.iter().map(|p| p.name.as_str()).collect()
}

#[test]
fn the_second_layer_installs_hello_and_purges_e2fsprogs() {
    let Some(images) = require("the fixture check") else {
        return;
    };
    let (base, last) = (
        names(&images.expected_dpkg_base),
        names(&images.expected_dpkg),
    );
    assert_eq!(last.difference(&base).collect::<Vec<_>>(), [&"hello"]);
    assert_eq!(base.difference(&last).collect::<Vec<_>>(), [&"e2fsprogs"]);
    let sources: BTreeSet<&str> = images
        .expected_dpkg_sources
        .iter()
        .map(|s| s.package.as_str())
        .collect();
    assert_eq!(sources, last);
}

#[test]
fn the_layout_holds_the_manifest_the_env_file_names() {
    let Some(images) = require("the fixture check") else {
        return;
    };
    let index = std::fs::read_to_string(images.oci_dir.join("index.json")).unwrap();
    assert!(index.contains(&format!("\"{}\"", images.digest)), "{index}");
    let manifest = images
        .oci_dir
        .join("blobs/sha256")
        .join(images.digest.trim_start_matches("sha256:"));
    let manifest = std::fs::read_to_string(manifest).unwrap();
    assert!(
        manifest.contains(&format!("\"{}\"", images.image_id)),
        "{manifest}"
    );
    assert!(images.rootfs.join("usr/bin/hello").is_file());
    assert!(!images.rootfs.join("usr/sbin/mke2fs").exists());
}
