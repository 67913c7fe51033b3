//! Real lockfiles with known-vulnerable pins, matched against the real RustSec and RubySec data in
//! shared/osv: the exact set of advisories expected, computed independently (see
//! tests/data/README.md: an OSV evaluation in Python, cargo-audit, RubyGems' own Gem::Requirement).

mod common;

use common::{data, lines, osv_db};
use scangate_fsview::{DirView, SkipRules};
use std::collections::BTreeSet;

/// `ADVISORY package version` for every advisory record behind a finding of the scanned folder.
fn matched(folder: &str, ecosystem: &str) -> Option<BTreeSet<String>> {
    let (_dir, db) = osv_db(ecosystem)?;
    let view = DirView::new(
        &data(folder),
        scangate_fsview::DEFAULT_MAX_FILE_SIZE,
        SkipRules::default(),
    )
    .unwrap();
    let inventory = scangate_catalog::scan(&view, scangate_catalog::registry::all());
    assert!(inventory.issues.is_empty(), "{:?}", inventory.issues);
    Some(common::matched(&db, &inventory.packages))
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
    assert_eq!(found, lines("cargo/expected-ids.txt"));
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
    let mut want = lines("ruby/expected-ids.txt");
    want.insert("CVE-2022-23476 nokogiri 1.13.7".to_string());
    assert_eq!(found, want);
    assert_eq!(found.len(), 117);
}
