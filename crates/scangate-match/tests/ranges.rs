//! OSV range evaluation on real advisories (shipped in examples/advisories), at the boundaries:
//! introduced, fixed and last_affected, with each ecosystem's own ordering.

use scangate_match::{Installed, evaluate};
use scangate_versions::Scheme;
use scangate_vulndb::Advisory;
use std::path::PathBuf;

fn advisory(rel: &str) -> Advisory {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/advisories")
        .join(rel);
    serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap()
}

/// `(version, affected?)` for the entry of `advisory` that names `package`.
fn check(rel: &str, package: &str, ecosystem: &str, cases: &[(&str, bool)]) {
    let advisory = advisory(rel);
    let entry = advisory
        .affected
        .iter()
        .find(|a| a.package.as_ref().is_some_and(|p| p.name == package))
        .unwrap();
    let scheme = Scheme::for_ecosystem(ecosystem).unwrap();
    for (version, expected) in cases {
        let verdict = evaluate(entry, &Installed::new(version, scheme));
        assert_eq!(
            verdict.affected, *expected,
            "{} {package} {version}",
            advisory.id
        );
    }
}

#[test]
fn semver_ranges_with_two_intervals() {
    // RUSTSEC-2021-0003: introduced 0.6.3, fixed 0.6.14, introduced 1.0.0, fixed 1.6.1.
    check(
        "crates.io/RUSTSEC-2021-0003.json",
        "smallvec",
        "crates.io",
        &[
            ("0.6.2", false),
            ("0.6.3", true),
            ("0.6.13", true),
            ("0.6.14", false),
            ("0.9.0", false),
            ("1.0.0-alpha.1", false),
            ("1.0.0", true),
            ("1.6.0", true),
            ("1.6.1", false),
            ("1.13.2", false),
        ],
    );
}

#[test]
fn semver_ranges_that_reopen_after_single_unaffected_versions() {
    // RUSTSEC-2020-0071: every version below 0.2.23 except 0.2.0 through 0.2.6.
    check(
        "crates.io/RUSTSEC-2020-0071.json",
        "time",
        "crates.io",
        &[
            ("0.1.43", true),
            ("0.2.0", false),
            ("0.2.6", false),
            ("0.2.7", true),
            ("0.2.22", true),
            ("0.2.23", false),
        ],
    );
    let advisory = advisory("crates.io/RUSTSEC-2020-0071.json");
    let verdict = evaluate(
        &advisory.affected[0],
        &Installed::new("0.2.10", Scheme::SemVer),
    );
    assert_eq!(verdict.fixes, ["0.2.23"]);
    let verdict = evaluate(
        &advisory.affected[0],
        &Installed::new("0.1.43", Scheme::SemVer),
    );
    assert_eq!(
        verdict.fixes,
        [
            "0.2.0", "0.2.1", "0.2.2", "0.2.3", "0.2.4", "0.2.5", "0.2.6", "0.2.23"
        ]
    );
}

#[test]
fn go_versions_carry_a_v_that_the_advisory_does_not() {
    // GO-2021-0113: introduced 0, fixed 0.3.7.
    check(
        "Go/GO-2021-0113.json",
        "golang.org/x/text",
        "Go",
        &[
            ("v0.3.5", true),
            ("v0.3.6", true),
            ("v0.3.7", false),
            ("v0.3.8", false),
            ("v0.0.0-20170915032832-14c0d48ead0c", true),
        ],
    );
}

#[test]
fn pep440_ranges_and_prereleases() {
    // PYSEC-2020-176 (PyYAML): introduced 5.1, fixed 5.2b1.
    check(
        "PyPI/PYSEC-2020-176.json",
        "pyyaml",
        "PyPI",
        &[
            ("5.0", false),
            ("5.1", true),
            ("5.1.2", true),
            ("5.2a1", true),
            ("5.2b1", false),
            ("5.2", false),
        ],
    );
    // PYSEC-2021-66 (Jinja2): below 2.11.3; `2.11.2` and its PEP 440 spelling `2.11.2.0` alike.
    check(
        "PyPI/PYSEC-2021-66.json",
        "jinja2",
        "PyPI",
        &[
            ("2.11.2", true),
            ("2.11.2.0", true),
            ("2.11.3", false),
            ("3.0.0", false),
        ],
    );
}

#[test]
fn last_affected_is_inclusive() {
    // CVE-2011-0448 (activerecord): introduced 3.0.0, last_affected 3.0.4.
    check(
        "RubyGems/CVE-2011-0448.json",
        "activerecord",
        "RubyGems",
        &[
            ("2.3.9", false),
            ("3.0.0", true),
            ("3.0.4", true),
            ("3.0.4.1", false),
            ("3.0.5", false),
        ],
    );
}

#[test]
fn git_ranges_are_left_to_their_ecosystem_twin() {
    // PYSEC-2014-82 has a GIT range (commits) and an ECOSYSTEM range (fixed 2.7.3): only the
    // latter can place a version.
    check(
        "PyPI/PYSEC-2014-82.json",
        "jinja2",
        "PyPI",
        &[("2.7.2", true), ("2.7.3", false)],
    );
}
