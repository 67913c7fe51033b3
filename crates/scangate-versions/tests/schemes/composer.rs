//! Composer: the normalisations composer/semver's `VersionParser` tests document, and PHP's
//! `version_compare` order of stabilities (dev < alpha < beta < RC < stable < patch).

use scangate_versions::Scheme;

use crate::common::{ascending, equal, invalid, less, sorts};

const PHP: Scheme = Scheme::Composer;

const STABILITY_CHAIN: [&str; 12] = [
    "1.0.0-dev",
    "1.0.0-alpha",
    "1.0.0-alpha2",
    "1.0.0-beta",
    "1.0.0-beta1-dev",
    "1.0.0-beta1",
    "1.0.0-beta.2",
    "1.0.0-RC1",
    "1.0.0",
    "1.0.0-p1",
    "1.0.0-patch2",
    "1.0.1-dev",
];

#[test]
fn stability_order() {
    ascending(PHP, &STABILITY_CHAIN);
    less(
        PHP,
        &[("1.0.0-beta", "1.0.0-RC1"), ("1.0.0-rc1", "1.0.0-RC2")],
    );
}

#[test]
fn normalised_spellings_are_equal() {
    equal(
        PHP,
        &[
            ("1.0.0", "1.0.0.0"),
            ("1.0.0RC1dev", "1.0.0.0-RC1-dev"),
            ("1.0.0-rC15-dev", "1.0.0.0-RC15-dev"),
            ("1.0.0.RC.15-dev", "1.0.0.0-RC15-dev"),
            ("1.0.0-rc1", "1.0.0.0-RC1"),
            ("1.0.0.pl3-dev", "1.0.0.0-patch3-dev"),
            ("1.0-dev", "1.0.0.0-dev"),
            ("0", "0.0.0.0"),
            ("10.4.13beta2", "10.4.13.0-beta2"),
            ("10.4.13beta.2", "10.4.13.0-beta2"),
            ("v1.13.11-beta.0", "1.13.11.0-beta0"),
            ("10.4.13-b", "10.4.13.0-beta"),
            ("10.4.13-b5", "10.4.13.0-beta5"),
            ("1.0.0-a", "1.0.0-alpha"),
            ("1.0.0a", "1.0.0-alpha"),
            ("1.0.0-pl1", "1.0.0-patch1"),
            ("1.0.0-p1", "1.0.0-patch1"),
            ("v1.0.0", "1.0.0"),
            ("1.0.0+foo", "1.0.0"),
            ("1.0.0-beta.5+foo", "1.0.0.0-beta5"),
            ("1.0.0-alpha.3.1+foo", "1.0.0.0-alpha3.1"),
            ("1.0.0+foo as 2.0", "1.0.0"),
            ("1.0.0+foo@dev", "1.0.0"),
            ("1.0.0-stable", "1.0.0"),
            ("00.01.03.04", "0.1.3.4"),
            ("2010.01.02", "2010.01.02.0"),
            ("20100102-203040", "20100102.203040"),
            ("1.x-dev", "1.9999999.9999999.9999999-dev"),
            ("1.0.x-dev", "1.0.9999999.9999999-dev"),
            ("1.0.*-dev", "1.0.x-dev"),
        ],
    );
}

#[test]
fn version_compare_details() {
    less(
        PHP,
        &[
            // Numbers compare by value.
            ("1.9.0", "1.10.0"),
            ("0.9", "0.10"),
            // Date versions keep their own length, and a longer one wins a tie.
            ("2010-01-02", "2010.01.02"),
            ("20100102", "20100103"),
            ("20100102-203040", "20100102-203041"),
            // Branch aliases sit above every release of their line.
            ("1.5.0", "1.x-dev"),
            ("1.0.5", "1.0.x-dev"),
            ("1.0.x-dev", "1.1.0"),
            ("1.0.0-patch1", "1.0.0.1"),
        ],
    );
}

#[test]
fn rejects_non_versions_and_branches() {
    invalid(
        PHP,
        &[
            "a",
            "1.0.0-meh",
            "1.0.0.0.0",
            "feature-foo",
            "1.0.1-SNAPSHOT",
            "1.0 .2",
            "1.0.0+foo bar",
            "~1",
            "^1",
            "1.*",
            "dev-master",
            "dev-feature/foo",
            "DEV-FOOBAR",
            "master",
            "trunk",
            "20100102.0.3.4",
            "2023013.0.0",
        ],
    );
}

#[test]
fn sorting_a_shuffled_list() {
    sorts(PHP, &STABILITY_CHAIN);
}
