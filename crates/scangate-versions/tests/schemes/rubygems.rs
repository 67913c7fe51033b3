//! RubyGems: `Gem::Version` documentation and the facts RubyGems' own tests check.

use scangate_versions::Scheme;

use crate::common::{ascending, equal, invalid, less, sorts};

const GEM: Scheme = Scheme::RubyGems;

const CHAIN: [&str; 14] = [
    "0.0.beta",
    "0.beta.1",
    "1.0.a",
    "1.0.b1",
    "1.0.0-rc1",
    "1",
    "1.0.1",
    "1.8.2.a",
    "1.8.2.a9",
    "1.8.2.a10",
    "1.8.2.b",
    "1.8.2",
    "1.9.2.99",
    "1.9.3",
];

#[test]
fn spaceship_facts() {
    less(
        GEM,
        &[
            ("1.0.a", "1.0"),
            ("0.0.0", "1.8.2"),
            ("1.8.2.a", "1.8.2"),
            ("1.8.2.a", "1.8.2.b"),
            ("1.8.2.a9", "1.8.2.a10"),
            ("0.0.beta", "0.0.beta.1"),
            ("0.0.beta", "0.beta.1"),
            ("5.a", "5.0.0.rc2"),
            ("5.0.0.rc2", "5.x"),
            ("1.9.2.99", "1.9.3"),
            ("1.9.3", "1.9.3.1"),
            // Uppercase sorts before lowercase, bytewise.
            ("1.0.A", "1.0.a"),
        ],
    );
}

#[test]
fn semver_style_prereleases() {
    ascending(
        GEM,
        &[
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "1.0.0",
        ],
    );
    // `-` turns into `.pre.`, so `1.0.0-1` is a prerelease of 1.
    less(GEM, &[("1.0.0-rc1", "1.0.0"), ("1.0.0-1", "1")]);
}

#[test]
fn trailing_and_leading_zero_segments() {
    equal(
        GEM,
        &[
            ("1.0", "1.0.0"),
            ("1", "1.0.0.0"),
            ("0.beta.1", "0.0.beta.1"),
            ("1.2.b1", "1.2.b.1"),
            ("1.0.0.a.1.0", "1.a.1"),
            ("1.2.3-1", "1.2.3.pre.1"),
            ("1.0.a", "1.a"),
            ("01.2", "1.2"),
            (" 1.2 ", "1.2"),
        ],
    );
}

#[test]
fn rejects_malformed_versions() {
    invalid(
        GEM,
        &[
            "a",
            "1a",
            "1..2",
            "1.",
            ".1",
            "1.2-",
            "1.2-a..b",
            "1.2+build",
            "1 2",
            "v1.0",
            "1.0_1",
        ],
    );
}

#[test]
fn sorting_a_shuffled_list() {
    sorts(GEM, &CHAIN);
}
