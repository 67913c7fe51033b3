//! NuGet: the package versioning documentation (normalisation, pre-release sorting) and
//! NuGet.Versioning's comparer rules.

use scangate_versions::Scheme;

use crate::common::{ascending, equal, invalid, less, sorts};

const NUGET: Scheme = Scheme::NuGet;

/// The documentation's pre-release example, oldest first: legacy labels sort as text, so
/// `alpha10` comes before `alpha2`.
const DOC_CHAIN: [&str; 8] = [
    "1.0.1-aaa",
    "1.0.1-alpha10",
    "1.0.1-alpha2",
    "1.0.1-beta",
    "1.0.1-open",
    "1.0.1-rc",
    "1.0.1-zzz",
    "1.0.1",
];

#[test]
fn documented_prerelease_order() {
    ascending(NUGET, &DOC_CHAIN);
}

#[test]
fn semver2_labels() {
    ascending(
        NUGET,
        &[
            "1.0.0-1",
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-alpha.2",
            "1.0.0-alpha.10",
            "1.0.0-alpha.beta",
            "1.0.0-beta",
            "1.0.0-rc.1",
            "1.0.0",
        ],
    );
    // Case-insensitive: `a` before `B`, although `B` comes first in ASCII.
    less(
        NUGET,
        &[("1.0.0-a", "1.0.0-B"), ("1.0.0-Alpha", "1.0.0-beta")],
    );
    // NuGet.Versioning's comparer cases.
    less(
        NUGET,
        &[
            ("1.999.9999", "2.1.1"),
            ("1.0.0-BETA", "1.0.0-beta2"),
            ("1.0.0-beta+AA", "1.0.0+aa"),
            ("1.0.0-BETA", "1.0.0-beta.1+AA"),
            ("1.0.0-BETA.X.y.5.77.0+AA", "1.0.0-beta.x.y.5.79.0+aa"),
            ("1.0.0-BETA.X.y.5.79.0+AA", "1.0.0-beta.x.y.5.790.0+abc"),
        ],
    );
    equal(
        NUGET,
        &[("1.0.0-BETA.X.y.5.77.0+AA", "1.0.0-beta.x.y.5.77.0+aa")],
    );
}

#[test]
fn four_part_versions() {
    ascending(
        NUGET,
        &[
            "1.0.0",
            "1.0.0.1-beta",
            "1.0.0.1",
            "1.0.0.2",
            "1.0.1",
            "1.1",
            "2",
        ],
    );
}

#[test]
fn normalised_spellings_are_equal() {
    equal(
        NUGET,
        &[
            ("1.0", "1.0.0.0"),
            ("1", "1.0.0"),
            ("1.0.0", "1.0.0.0"),
            ("1.00", "1.0"),
            ("1.01.1", "1.1.1"),
            ("1.00.0.1", "1.0.0.1"),
            ("1.0.01.0", "1.0.1"),
            ("1.0.0+build.7", "1.0.0"),
            ("1.0.0-Beta", "1.0.0-beta"),
            ("1.0.0-RC.1", "1.0.0-rc.1"),
            ("1.0.0-beta+meta", "1.0.0-BETA"),
        ],
    );
}

#[test]
fn rejects_non_versions() {
    invalid(
        NUGET,
        &[
            "1.0.0.0.0",
            "1.0-",
            "1.0+",
            "1.0.0-01",
            "1.0.0-a..b",
            "1.0.0-beta_1",
            "1.0.0+meta..data",
            "a.b",
            "-1.0",
            "1..0",
            "2147483648.0",
            "v1.0",
        ],
    );
}

#[test]
fn sorting_a_shuffled_list() {
    sorts(NUGET, &DOC_CHAIN);
}
