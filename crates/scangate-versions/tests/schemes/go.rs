//! Go: `x/mod/semver` semantics, module pseudo-versions and `+incompatible`.

use scangate_versions::Scheme;

use crate::common::{ascending, equal, invalid, less, sorts};

const GO: Scheme = Scheme::Go;

/// Ascending, one spelling per distinct version, as in the semver package's own list.
const CHAIN: [&str; 18] = [
    "v1.0.0-alpha",
    "v1.0.0-alpha.1",
    "v1.0.0-alpha.beta",
    "v1.0.0-beta",
    "v1.0.0-beta.2",
    "v1.0.0-beta.11",
    "v1.0.0-rc.1",
    "v1.0.0",
    "v1.2.0",
    "v1.2.3-456",
    "v1.2.3-456.789",
    "v1.2.3-456-789",
    "v1.2.3-456a",
    "v1.2.3-pre",
    "v1.2.3-pre.1",
    "v1.2.3-zzz",
    "v1.2.3",
    "v2.0.0",
];

#[test]
fn semver_order() {
    ascending(GO, &CHAIN);
}

#[test]
fn shorthands_prefix_and_build_metadata() {
    equal(
        GO,
        &[
            ("v1", "v1.0.0"),
            ("v1.0", "v1.0.0"),
            ("v1.2", "v1.2.0"),
            // OSV writes Go versions without the `v`.
            ("1.2.3", "v1.2.3"),
            ("v1.2.3-pre+meta", "v1.2.3-pre"),
            ("v1.2.3+meta", "v1.2.3"),
            ("v1.2.3+meta-pre.sha.256a", "v1.2.3"),
            ("v2.0.0+incompatible", "v2.0.0"),
        ],
    );
    less(
        GO,
        &[
            ("v1.9.9", "v2.0.0+incompatible"),
            ("v2.0.0+incompatible", "v2.0.1"),
        ],
    );
}

#[test]
fn pseudo_versions() {
    // vX.0.0-yyyymmddhhmmss-hash: no earlier tag.
    ascending(
        GO,
        &[
            "v0.0.0-20190101000000-abcdefabcdef",
            "v0.0.0-20200101000000-123456789abc",
            "v0.0.0-20200101000001-000000000000",
            "v0.0.1",
        ],
    );
    // vX.Y.Z-pre.0.yyyymmddhhmmss-hash: after the prerelease tag vX.Y.Z-pre.
    ascending(
        GO,
        &[
            "v1.2.3-pre",
            "v1.2.3-pre.0.20190101000000-abcdefabcdef",
            "v1.2.3-pre.0.20200101000000-abcdefabcdef",
            "v1.2.3-pre.1",
            "v1.2.3",
        ],
    );
    // vX.Y.(Z+1)-0.yyyymmddhhmmss-hash: after the release tag vX.Y.Z.
    ascending(
        GO,
        &[
            "v1.2.3",
            "v1.2.4-0.20190101000000-abcdefabcdef",
            "v1.2.4-0.20200101000000-abcdefabcdef",
            "v1.2.4-alpha",
            "v1.2.4",
        ],
    );
    less(
        GO,
        &[(
            "v2.0.1-0.20190101000000-abcdefabcdef+incompatible",
            "v2.0.1+incompatible",
        )],
    );
}

#[test]
fn rejects_non_versions() {
    invalid(
        GO,
        &[
            "bad",
            "v1-pre",
            "v1+meta",
            "v1.2-pre",
            "v1.2+meta",
            "v1.2.3.4",
            "v01.2.3",
            "v1.02.3",
            "v1.2.3-01",
            "v1.2.3-",
            "v1.2.3+",
            "v1.2.3-a..b",
            "vv1.2.3",
            "go1.21",
        ],
    );
}

#[test]
fn sorting_a_shuffled_list() {
    sorts(GO, &CHAIN);
}
