//! crates.io: strict SemVer 2.0.0 through the `semver` crate, ordered by precedence.

use scangate_versions::Scheme;

use crate::common::{ascending, equal, invalid, less, sorts};

const CRATES: Scheme = Scheme::SemVer;

const CHAIN: [&str; 12] = [
    "0.1.0",
    "0.1.10",
    "0.2.0",
    "1.0.0-alpha",
    "1.0.0-alpha.1",
    "1.0.0-alpha.beta",
    "1.0.0-beta",
    "1.0.0-beta.2",
    "1.0.0-beta.11",
    "1.0.0-rc.1",
    "1.0.0",
    "1.0.1",
];

#[test]
fn precedence() {
    ascending(CRATES, &CHAIN);
    less(
        CRATES,
        &[
            ("1.0.0-rc.1", "1.0.0"),
            ("1.0.0-1", "1.0.0-a"),
            ("1.0.0-a", "1.0.0-a.0"),
            ("1.0.0-A", "1.0.0-a"),
            ("1.9.9", "1.10.0"),
            ("2.0.0-0", "2.0.0"),
        ],
    );
}

#[test]
fn build_metadata_is_ignored() {
    equal(
        CRATES,
        &[
            ("1.0.0+a", "1.0.0+b"),
            ("1.0.0", "1.0.0+20240101"),
            ("1.0.0-rc.1+build.1", "1.0.0-rc.1"),
        ],
    );
}

#[test]
fn rejects_non_semver() {
    invalid(
        CRATES,
        &[
            "1.0",
            "1",
            "v1.0.0",
            "01.0.0",
            "1.0.0-01",
            "1.0.0-",
            "1.0.0+",
            "1.0.0-a..b",
            "1.0.0.0",
            "18446744073709551616.0.0",
        ],
    );
}

#[test]
fn sorting_a_shuffled_list() {
    sorts(CRATES, &CHAIN);
}
