//! dpkg: Debian Policy 5.6.12 (`Version`) and dpkg's comparison rules.

use scangate_versions::Scheme;

use crate::common::{ascending, equal, invalid, less, sorts};

const DEB: Scheme = Scheme::Dpkg;

/// Policy's tilde example (`~~`, `~~a`, `~`, nothing, `a`) and onwards.
const CHAIN: [&str; 14] = [
    "1.0~~",
    "1.0~~a",
    "1.0~",
    "1.0~rc1",
    "1.0",
    "1.0-1~bpo11+1",
    "1.0-1",
    "1.0-1ubuntu1",
    "1.0-1+deb12u1",
    "1.0-2",
    "1.0a",
    "1.0+dfsg",
    "1.0.1",
    "1:0.9",
];

#[test]
fn policy_order() {
    ascending(DEB, &CHAIN);
}

#[test]
fn epochs_numbers_and_characters() {
    less(
        DEB,
        &[
            ("2.0", "1:1.0"),
            ("1:2.2.9", "1:2.3"),
            ("1:9.9", "2:0.1"),
            ("1.9", "1.10"),
            ("1.2", "1.10"),
            ("7.88.1-10+deb12u5", "7.88.1-10+deb12u6"),
            ("2.30-1", "2.30-1ubuntu1"),
            ("1.0-1ubuntu1", "1.0-1+deb12u1"),
            // Letters sort before other characters, which sort by byte.
            ("1.0a", "1.0+"),
            ("1.0+", "1.0."),
            ("1.0A", "1.0a"),
            // `~` sorts before the end of the string, in the revision too.
            ("1.0-1~", "1.0-1"),
            ("1.0~rc1-1", "1.0-1"),
            // The last hyphen starts the revision.
            ("1.0-beta-1", "1.0-beta-2"),
            // A colon can appear in the upstream version once an epoch is present.
            ("1:1.0:1", "1:1.0:2"),
        ],
    );
}

#[test]
fn equal_spellings() {
    equal(
        DEB,
        &[
            ("0:1.0", "1.0"),
            ("1.0", "1.0-0"),
            ("1.01", "1.1"),
            ("1.001-01", "1.1-1"),
            ("0:0-0", "0"),
            ("00:1.0", "0:1.0"),
        ],
    );
}

#[test]
fn rejects_bad_syntax() {
    invalid(
        DEB,
        &[
            "a1.0",
            "1.0-",
            ":1.0",
            "a:1.0",
            "-1:1.0",
            "1:",
            "1:-1",
            "1.0 1",
            "1.0_1",
            "1.0-1_2",
            "1.0-1:2",
            "2147483648:1.0",
        ],
    );
}

#[test]
fn sorting_a_shuffled_list() {
    sorts(DEB, &CHAIN);
}
