//! rpm: the cases rpm's `rpmvercmp` test suite checks, plus epoch and release handling.

use scangate_versions::Scheme;

use crate::common::{ascending, equal, invalid, less, sorts};

const RPM: Scheme = Scheme::Rpm;

const CHAIN: [&str; 12] = [
    "1.0~rc1~git123",
    "1.0~rc1",
    "1.0~rc1^git1",
    "1.0~rc2",
    "1.0",
    "1.0^",
    "1.0^git1",
    "1.0^git2",
    "1.0a",
    "1.0.1",
    "2.0",
    "1:0.1",
];

#[test]
fn rpmvercmp_order() {
    ascending(RPM, &CHAIN);
    less(
        RPM,
        &[
            ("1.0", "2.0"),
            ("2.0", "2.0.1"),
            ("2.0.1", "2.0.1a"),
            // Letters are older than numbers: `1.0a` < `1.0.1`.
            ("1.0a", "1.0.1"),
            ("5.5p1", "5.5p2"),
            ("5.5p1", "5.5p10"),
            ("10xyz", "10.1xyz"),
            ("xyz10", "xyz10.1"),
            // Numbers are newer than letters.
            ("xyz.4", "8"),
            ("xyz.4", "2"),
            ("5.5p2", "5.6p1"),
            ("5.6p1", "6.5p1"),
            ("6.0", "6.0.rc1"),
            ("10a2", "10b2"),
            ("10a1", "10b2"),
            ("1.0a", "1.0aa"),
            ("10.0001", "10.0039"),
            ("4.999.9", "5.0"),
            ("20101121", "20101122"),
            // `^` comes after the base version but before any further segment.
            ("1.0^git1", "1.01"),
            ("1.0^20160101", "1.0.1"),
            ("1.0^20160101^git1", "1.0^20160102"),
            ("1.0^git1~pre", "1.0^git1"),
        ],
    );
}

#[test]
fn separators_and_leading_zeros_do_not_matter() {
    equal(
        RPM,
        &[
            ("10.0001", "10.1"),
            ("2.0", "2_0"),
            ("a+", "a_"),
            ("+a", "_a"),
            ("_+", "+_"),
            ("_+", "_"),
            ("+", "_"),
            ("1.0~rc1~git123", "1.0~rc1~git123"),
        ],
    );
}

#[test]
fn epoch_version_release() {
    less(
        RPM,
        &[
            ("2.0-1", "1:1.0-1"),
            ("1.9-10", "2.0-1"),
            ("1.0-1.el9", "1.0-2.el9"),
            ("1.0-1.el9", "1.0-1.el9_1"),
            ("1.0-1.el8", "1.0-1.el9"),
            ("3.1.2-1.fc39", "3.1.10-1.fc39"),
            ("1.0-0.rc1.1", "1.0-1"),
            // A missing release sorts before any release.
            ("1.0", "1.0-1"),
            ("1:1.0", "1:1.0-0"),
        ],
    );
    equal(
        RPM,
        &[
            ("0:1.0-1", "1.0-1"),
            ("1:1.0-1", "01:1.0-1"),
            // No digits before the colon: no epoch, and `:` only separates.
            ("a:1.0-1", "a.1.0-1"),
        ],
    );
}

#[test]
fn rejects_empty_parts() {
    invalid(RPM, &["1.0-", "-1", "1:", "1:-1", ":"]);
}

#[test]
fn sorting_a_shuffled_list() {
    sorts(RPM, &CHAIN);
}
