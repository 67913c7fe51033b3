//! Real lockfiles with known-vulnerable pins, matched against the real RustSec and RubySec data in
//! shared/osv: the exact set of advisories expected, computed independently (see
//! tests/data/README.md: an OSV evaluation in Python, cargo-audit, RubyGems' own Gem::Requirement).

use scangate_fsview::{DirView, SkipRules};
use scangate_vulndb::{Limits, Silent, VulnDb};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn data(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(rel)
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

/// `ADVISORY package version` for every advisory record behind a finding of the scanned folder.
fn matched(folder: &str, ecosystem: &str) -> Option<BTreeSet<String>> {
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

    let view = DirView::new(
        &data(folder),
        scangate_fsview::DEFAULT_MAX_FILE_SIZE,
        SkipRules::default(),
    )
    .unwrap();
    let inventory = scangate_catalog::scan(&view, scangate_catalog::registry::all());
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

fn expected(rel: &str) -> BTreeSet<String> {
    std::fs::read_to_string(data(rel))
        .unwrap()
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The 23 advisories cargo-audit 0.22.2 reports over the same RustSec data (15 vulnerabilities and
/// 8 warnings: unmaintained, unsound, notice), equal to the OSV evaluation of the ranges. Where
/// cargo-audit could differ, it does not here: the withdrawn RUSTSEC-2025-0007 is left out by
/// both; platform filters (`--target-os`) are off in both; yanked checks need the registry.
/// Boundaries inside: crossbeam-deque 0.8.1 and thread_local 1.1.4 sit exactly on a fix (not
/// affected), tokio 1.8.0 and bytes 1.2.1 exactly on an introduced version (affected), and
/// mio 0.7.14 / futures-util 0.3.34 are past fixes a string comparison would miss.
#[test]
fn cargo_lock_matches_cargo_audit() {
    let Some(found) = matched("cargo", "crates.io") else {
        return;
    };
    assert_eq!(found, expected("cargo/expected-ids.txt"));
    assert_eq!(found.len(), 23);
}

/// The RubySec verdicts (bundler-audit's rule: affected = neither patched nor unaffected, by
/// Gem::Requirement) plus one: CVE-2022-23476 says nokogiri up to and including 1.13.7 is
/// unaffected, which OSV ranges cannot express (a range starts at a version, not just above it);
/// the converted record starts at 1.13.7 and carries `database_specific.approximated`, so OSV
/// semantics report 1.13.7.
#[test]
fn gemfile_lock_matches_rubysec_rules() {
    let Some(found) = matched("ruby", "RubyGems") else {
        return;
    };
    let mut want = expected("ruby/expected-ids.txt");
    want.insert("CVE-2022-23476 nokogiri 1.13.7".to_string());
    assert_eq!(found, want);
    assert_eq!(found.len(), 117);
}
