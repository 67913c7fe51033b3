//! Helpers shared by the integration tests; each test binary uses a part of them.
#![allow(dead_code)]

use scangate_vulndb::Advisory;
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// The real OSV data in `shared/osv` beside the repository (the workspace root's parent, or a
/// folder further up for a worktree). When it is missing the test is skipped with a note, except
/// under CI, where that is a failure.
pub fn osv_dir() -> Option<PathBuf> {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"))
        .canonicalize()
        .expect("the crate folder exists");
    // Skip the crate folder, crates/ and the workspace root itself.
    let found = manifest
        .ancestors()
        .skip(3)
        .map(|dir| dir.join("shared/osv"))
        .find(|dir| dir.join("README.md").is_file());
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

/// The ids of advisories, in order.
pub fn ids(advisories: &[Advisory]) -> Vec<String> {
    advisories.iter().map(|a| a.id.clone()).collect()
}

/// A minimal OSV record naming one package.
pub fn record(id: &str, modified: &str, ecosystem: &str, name: &str) -> String {
    format!(
        r#"{{"id": "{id}", "modified": "{modified}", "summary": "{id} summary",
            "affected": [{{"package": {{"ecosystem": "{ecosystem}", "name": "{name}"}},
            "ranges": [{{"type": "ECOSYSTEM", "events": [{{"introduced": "0"}}, {{"fixed": "2.0"}}]}}]}}]}}"#
    )
}

/// A zip archive of the given members, deflated.
pub fn zip_of(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in members {
        writer.start_file(*name, options).unwrap();
        writer.write_all(bytes).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

/// Writes `bytes` to `root/rel`, creating folders.
pub fn write(root: &Path, rel: &str, bytes: &[u8]) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}
