//! What the matching tests share: their data, a database of real OSV records, the lines compared.

use scangate_types::Package;
use scangate_vulndb::{Limits, Silent, VulnDb};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// A file or folder under tests/data.
pub fn data(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(rel)
}

/// A database of one ecosystem's real records from shared/osv beside the repository (or above a
/// worktree); missing is a failure in CI only. The folder holding it goes with it.
pub fn osv_db(ecosystem: &str) -> Option<(tempfile::TempDir, VulnDb)> {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"))
        .canonicalize()
        .unwrap();
    let found = manifest
        .ancestors()
        .skip(3)
        .map(|d| d.join("shared/osv"))
        .find(|d| d.join("README.md").is_file());
    let Some(osv) = found else {
        assert_ne!(
            std::env::var("CI").as_deref(),
            Ok("true"),
            "shared/osv is missing beside the repository"
        );
        eprintln!("skipped: no shared/osv beside the repository");
        return None;
    };
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
    Some((source, db))
}

/// `ADVISORY package version` for every advisory record behind a finding of `packages`.
pub fn matched(db: &VulnDb, packages: &[Package]) -> BTreeSet<String> {
    scangate_match::find(db, packages)
        .unwrap()
        .iter()
        .flat_map(|f| {
            f.advisories
                .iter()
                .map(move |a| format!("{a} {} {}", f.package.name, f.package.version))
        })
        .collect()
}

/// The non-empty lines of a file under tests/data.
pub fn lines(rel: &str) -> BTreeSet<String> {
    std::fs::read_to_string(data(rel))
        .unwrap()
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}
