//! Maven: the `ComparableVersion` documentation and the facts its test suite checks
//! (qualifier and number orders, equalities, MNG-5568, MNG-6572, MNG-6964, MNG-7644).

use scangate_versions::Scheme;

use crate::common::{ascending, equal, less, sorts};

const MVN: Scheme = Scheme::Maven;

const QUALIFIER_CHAIN: [&str; 22] = [
    "1-alpha2snapshot",
    "1-alpha2",
    "1-alpha-123",
    "1-beta-2",
    "1-beta123",
    "1-m2",
    "1-m11",
    "1-rc",
    "1-cr2",
    "1-rc123",
    "1-SNAPSHOT",
    "1",
    "1-sp",
    "1-sp2",
    "1-sp123",
    "1-abc",
    "1-def",
    "1-pom-1",
    "1-1-snapshot",
    "1-1",
    "1-2",
    "1-123",
];

const NUMBER_CHAIN: [&str; 24] = [
    "2.0", "2.0.a", "2-1", "2.0.2", "2.0.123", "2.1.0", "2.1-a", "2.1b", "2.1-c", "2.1-1",
    "2.1.0.1", "2.2", "2.123", "11.a2", "11.a11", "11.b2", "11.b11", "11.m2", "11.m11", "11",
    "11.a", "11b", "11c", "11m",
];

#[test]
fn qualifier_order() {
    ascending(MVN, &QUALIFIER_CHAIN);
}

#[test]
fn number_order() {
    ascending(MVN, &NUMBER_CHAIN);
}

#[test]
fn equal_spellings() {
    equal(
        MVN,
        &[
            ("1", "1.0"),
            ("1", "1.0.0"),
            ("1.0", "1.0.0"),
            ("1", "1-0"),
            ("1", "1.0-0"),
            ("1.0", "1.0-0"),
            // A letter right after a number starts a qualifier list.
            ("1a", "1-a"),
            ("1a", "1.0-a"),
            ("1a", "1.0.0-a"),
            ("1.0a", "1-a"),
            ("1.0.0a", "1-a"),
            ("1x", "1-x"),
            ("1x", "1.0.0-x"),
            // Aliases of the release qualifier and of rc.
            ("1ga", "1"),
            ("1release", "1"),
            ("1final", "1"),
            ("1cr", "1rc"),
            // a, b and m abbreviate alpha, beta and milestone right before a number.
            ("1a1", "1-alpha-1"),
            ("1b2", "1-beta-2"),
            ("1m3", "1-milestone-3"),
            // Case never matters.
            ("1X", "1x"),
            ("1A", "1a"),
            ("1GA", "1"),
            ("1RELeaSE", "1"),
            ("1FinaL", "1"),
            ("1cR", "1Rc"),
            ("1m3", "1MileStone3"),
            (
                "1-abcdefghijklmnopqrstuvwxyz",
                "1-ABCDEFGHIJKLMNOPQRSTUVWXYZ",
            ),
            // Leading zeros are dropped.
            ("0000000000000000001", "1"),
            ("000000001", "01"),
            ("0000000000000000000", "0"),
            ("00000000000", "0"),
        ],
    );
}

#[test]
fn documented_comparisons() {
    less(
        MVN,
        &[
            ("1", "2"),
            ("1.5", "2"),
            ("1", "2.5"),
            ("1.0", "1.1"),
            ("1.1", "1.2"),
            ("1.0.0", "1.1"),
            ("1.0.1", "1.1"),
            ("1.1", "1.2.0"),
            ("1.0-alpha-1", "1.0"),
            ("1.0-alpha-1", "1.0-alpha-2"),
            ("1.0-alpha-1", "1.0-beta-1"),
            ("1.0-beta-1", "1.0-SNAPSHOT"),
            ("1.0-SNAPSHOT", "1.0"),
            ("1.0-alpha-1-SNAPSHOT", "1.0-alpha-1"),
            ("1.0", "1.0-1"),
            ("1.0-1", "1.0-2"),
            ("1.0.0", "1.0-1"),
            ("2.0-1", "2.0.1"),
            ("2.0.1-klm", "2.0.1-lmn"),
            ("2.0.1", "2.0.1-xyz"),
            ("2.0.1", "2.0.1-123"),
            ("2.0.1-xyz", "2.0.1-123"),
            // A dash is less important than a dot: `1-1` is a qualifier list, `1.1` a number.
            ("1-1", "1.1"),
            ("1.0-rc1", "1.0-cr2"),
            ("1.0-sp1", "1.0-sp2"),
            ("1.0", "1.0-sp1"),
            ("1.0-milestone-1", "1.0-rc-1"),
        ],
    );
}

#[test]
fn mng_regressions() {
    // MNG-5568: the odd `6.1H.5-beta` must not break transitivity.
    ascending(MVN, &["6.1.0rc3", "6.1.0", "6.1H.5-beta"]);
    // MNG-6572: numbers of int, long and BigInteger size.
    ascending(
        MVN,
        &[
            "20190126.230843",
            "1234567890.12345",
            "123456789012345.1H.5-beta",
            "12345678901234567890.1H.5-beta",
        ],
    );
    // MNG-6964: a list starting with zero still compares its qualifiers with the release.
    ascending(MVN, &["1-0.alpha", "1-0.beta", "1"]);
    // MNG-7644: `.X1` < `-X2`, and `2.0.X` == `2-X` for any word X.
    for word in [
        "abc",
        "alpha",
        "a",
        "beta",
        "b",
        "def",
        "milestone",
        "m",
        "RC",
    ] {
        less(
            MVN,
            &[(&format!("1.0.0.{word}1"), &format!("1.0.0-{word}2"))],
        );
        equal(
            MVN,
            &[
                (&format!("2-{word}"), &format!("2.0.{word}")),
                (&format!("2-{word}"), &format!("2.0.0.{word}")),
            ],
        );
    }
}

#[test]
fn maven_cycles_resolve_by_the_shorter_version() {
    // Maven itself says 1 < 1.foo.1 < 1-alpha < 1 and 2 < 2-1 < 2.0.beta.1 < 2. Each version's
    // comparison with the shorter one is kept; the remaining pair follows from it.
    ascending(MVN, &["1-alpha", "1", "1.foo.1"]);
    ascending(MVN, &["2.0.beta.1", "2", "2-1"]);
    ascending(MVN, &["0a0", "0", "a"]);
}

#[test]
fn sorting_a_shuffled_list() {
    sorts(MVN, &QUALIFIER_CHAIN);
    sorts(MVN, &NUMBER_CHAIN);
}
