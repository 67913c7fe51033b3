//! PEP 440: the summary of permitted suffixes and relative ordering, epochs, local versions and
//! the normalisation section.

use scangate_versions::Scheme;

use crate::common::{ascending, equal, invalid, less, sorts};

const PY: Scheme = Scheme::Pep440;

/// PEP 440's ordering example across every kind of suffix.
const PEP_CHAIN: [&str; 20] = [
    "1.dev0",
    "1.0.dev456",
    "1.0a1",
    "1.0a2.dev456",
    "1.0a12.dev456",
    "1.0a12",
    "1.0b1.dev456",
    "1.0b2",
    "1.0b2.post345.dev456",
    "1.0b2.post345",
    "1.0rc1.dev456",
    "1.0rc1",
    "1.0",
    "1.0+abc.5",
    "1.0+abc.7",
    "1.0+5",
    "1.0.post456.dev34",
    "1.0.post456",
    "1.0.15",
    "1.1.dev1",
];

#[test]
fn pep_suffix_ordering() {
    ascending(PY, &PEP_CHAIN);
    ascending(
        PY,
        &[
            "2.0.0.dev1",
            "2.0.0a1",
            "2.0.0b1",
            "2.0.0rc1",
            "2.0.0",
            "2.0.0.post1",
        ],
    );
}

#[test]
fn epochs_and_releases() {
    less(
        PY,
        &[
            ("2.0", "1!1.0"),
            ("1!1.0", "1!1.1"),
            ("1!2.0", "2!0.1"),
            ("1.9", "1.10"),
            ("1.0", "1.0.1"),
            ("1.0.post1", "1.0.1"),
            // Local segments: numbers beat words, and a longer local wins a tie.
            ("1.0+abc", "1.0+1"),
            ("1.0+1.a", "1.0+1.1"),
            ("1.0+1", "1.0+1.0"),
        ],
    );
}

#[test]
fn normalised_spellings_are_equal() {
    equal(
        PY,
        &[
            ("1.0RC1", "1.0rc1"),
            ("1.0c1", "1.0rc1"),
            ("1.0pre1", "1.0rc1"),
            ("1.0preview1", "1.0rc1"),
            ("1.0alpha1", "1.0a1"),
            ("1.0beta1", "1.0b1"),
            ("1.0-a1", "1.0a1"),
            ("1.0.a1", "1.0a1"),
            ("1.0_a1", "1.0a1"),
            ("1.0a", "1.0a0"),
            ("1.0-1", "1.0.post1"),
            ("1.0rev1", "1.0.post1"),
            ("1.0r1", "1.0.post1"),
            ("1.0.post", "1.0.post0"),
            ("1.0-dev1", "1.0.dev1"),
            ("1.0dev", "1.0.dev0"),
            ("v1.0", "1.0"),
            ("0!1.0", "1.0"),
            ("1.0", "1.0.0"),
            ("1.0", "1.0.0.0.0"),
            ("01.0", "1.0"),
            ("1.0+ubuntu-1", "1.0+ubuntu.1"),
            ("1.0+ABC", "1.0+abc"),
        ],
    );
}

#[test]
fn rejects_non_versions() {
    invalid(
        PY,
        &["foo", "1.0+", "1..0", "1.0-foo", "1.0a1b2", "1.*", ""],
    );
}

#[test]
fn sorting_a_shuffled_list() {
    sorts(PY, &PEP_CHAIN);
}
