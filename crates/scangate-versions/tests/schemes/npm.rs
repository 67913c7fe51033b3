//! node-semver: SemVer 2.0.0 section 11 and node-semver's comparison fixtures.

use scangate_versions::Scheme;

use crate::common::{ascending, equal, invalid, less, sorts};

const NPM: Scheme = Scheme::Npm;

/// SemVer 2.0.0, 11.4: the precedence example, then the release.
const SPEC_CHAIN: [&str; 9] = [
    "1.0.0-alpha",
    "1.0.0-alpha.1",
    "1.0.0-alpha.beta",
    "1.0.0-beta",
    "1.0.0-beta.2",
    "1.0.0-beta.11",
    "1.0.0-rc.1",
    "1.0.0",
    "2.0.0",
];

#[test]
fn semver_spec_precedence() {
    ascending(NPM, &SPEC_CHAIN);
    // 11.2: numbers compare numerically, major first.
    ascending(
        NPM,
        &["1.9.0", "1.10.0", "1.11.0", "2.0.0", "2.1.0", "2.1.1"],
    );
}

#[test]
fn prerelease_identifiers() {
    less(
        NPM,
        &[
            ("0.0.0-foo", "0.0.0"),
            ("1.2.3-asdf", "1.2.3"),
            ("1.2.3-4", "1.2.3"),
            ("1.2.3-4-foo", "1.2.3"),
            // `5-foo` is alphanumeric, so it sorts after the number 5.
            ("1.2.3-5", "1.2.3-5-foo"),
            ("1.2.3-4", "1.2.3-5"),
            // ASCII order: `F` before `f`.
            ("1.2.3-5-Foo", "1.2.3-5-foo"),
            ("1.2.3-a.5", "1.2.3-a.10"),
            ("1.2.3-a.5", "1.2.3-a.b"),
            ("1.2.3-a", "1.2.3-a.b"),
            ("1.2.3-a.b.c.5.d.100", "1.2.3-a.b.c.10.d.5"),
            // Alphanumeric identifiers compare as text: `r100` < `r2`.
            ("1.2.3-r100", "1.2.3-r2"),
            ("1.2.3-R2", "1.2.3-r100"),
            ("2.7.2+asdf", "3.0.0"),
            ("0.9.9", "1.0.0"),
            ("0.9.0", "0.10.0"),
            ("0.10.0", "0.99.0"),
        ],
    );
}

#[test]
fn loose_spellings_and_build_metadata() {
    equal(
        NPM,
        &[
            ("1.2.3", "v1.2.3"),
            ("1.2.3", "=1.2.3"),
            ("1.2.3", "v 1.2.3"),
            ("1.2.3", "= 1.2.3"),
            ("1.2.3", " v1.2.3"),
            ("1.2.3-0", "v1.2.3-0"),
            ("1.2.3-beta", "v1.2.3-beta"),
            ("1.2.3-beta+build", " = 1.2.3-beta+otherbuild"),
            ("1.2.3+build", "1.2.3+otherbuild"),
            ("1.2.3", "1.2.3+build.5"),
            // Loose mode: hyphen optional, leading zeros compared by value.
            ("1.2.3beta", "1.2.3-beta"),
            ("01.02.03", "1.2.3"),
            ("1.2.3-01", "1.2.3-1"),
            // The loose pattern backtracks into the patch number to find a prerelease.
            ("1.2.34.5", "1.2.3-4.5"),
            ("1.00.00.0", "1.0.0-0.0"),
        ],
    );
}

#[test]
fn rejects_non_versions() {
    invalid(
        NPM,
        &[
            "1.2",
            "1",
            "1.2.3.4",
            "a.b.c",
            "1.2.x",
            "1.2.3+",
            "1.2.3-a..b",
            "1.2.3-a_b",
            "1.2.3 4",
            "9007199254740992.0.0",
            "^1.2.3",
            ">=1.2.3",
            "",
        ],
    );
    // The largest safe integer itself is fine.
    equal(NPM, &[("9007199254740991.0.0", "v9007199254740991.0.0")]);
}

#[test]
fn sorting_a_shuffled_list() {
    sorts(
        NPM,
        &[
            "0.0.0-foo",
            "0.0.0",
            "0.0.1",
            "0.9.9",
            "0.10.0",
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-alpha.beta",
            "1.0.0-beta",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "1.0.0",
            "1.2.3-4",
            "1.2.3-a.5",
            "1.2.3-a.10",
            "1.2.3",
            "2.0.0",
        ],
    );
}
