//! No input makes a scheme panic, errors name their scheme, and every scheme's order is a total
//! order (antisymmetric and transitive) over a large set of generated versions.

use std::cmp::Ordering;

use scangate_versions::{MAX_LEN, Scheme, Version};

/// Characters that mean something to at least one scheme.
const ALPHABET: [char; 13] = [
    '0', '1', '9', '.', '-', '~', '^', '_', '+', 'a', 'p', 'r', ':',
];

/// Version-like starts and the words and separators schemes give meaning to.
const BASES: [&str; 8] = ["0", "1", "1.0", "1.0.0", "1.2.3", "2.0.0", "1:1.0", "0.9"];
const FRAGMENTS: [&str; 24] = [
    ".", "-", "~", "^", "_", "+", ":", "0", "1", "10", "a", "b", "rc", "p", "pre", "alpha", "beta",
    "dev", "post", "r1", "sp", "SNAPSHOT", "x", "git",
];

/// Every string over [`ALPHABET`] of length 1 to `max_chars`, every base followed by up to two
/// fragments, then some longer odd strings.
fn odd_inputs(max_chars: usize) -> Vec<String> {
    let mut inputs: Vec<String> = Vec::new();
    let mut layer = vec![String::new()];
    for _ in 0..max_chars {
        layer = layer
            .iter()
            .flat_map(|prefix| ALPHABET.iter().map(move |c| format!("{prefix}{c}")))
            .collect();
        inputs.extend(layer.iter().cloned());
    }
    for base in BASES {
        inputs.push(base.to_owned());
        for first in FRAGMENTS {
            inputs.push(format!("{base}{first}"));
            for second in FRAGMENTS {
                inputs.push(format!("{base}{first}{second}"));
            }
        }
    }
    let long_number = "9".repeat(60);
    inputs.extend([
        format!("{long_number}.0.0"),
        format!("1.{long_number}.0-{long_number}"),
        format!("1.0-r{long_number}"),
        format!("{long_number}:1.0-1"),
        "1-".repeat(MAX_LEN / 2),
        "1a".repeat(MAX_LEN / 2),
        "9".repeat(MAX_LEN),
        "1".repeat(MAX_LEN + 1),
        "１.０.０".into(),
        "İ1.0".into(),
        "1.0-ǅ".into(),
        "1.0\u{0}".into(),
        "\u{feff}1.0".into(),
        "1.0-🦀".into(),
        "v".into(),
        "=".into(),
        "dev-".into(),
        "1.0@dev".into(),
        " as ".into(),
        "1.0 as 2.0".into(),
        "x-dev".into(),
        "1.x-dev".into(),
        "v1.x.X.*-dev".into(),
        "1.0-ſtable".into(),
        "1.0-STABLE".into(),
        "2010-01-02-10-20-30.0.3".into(),
        "1.0.0+build+more".into(),
        "1:2:3-4-5".into(),
        "1.0~abc~-r1".into(),
        "  ".into(),
    ]);
    inputs
}

#[test]
fn odd_input_never_panics() {
    for input in odd_inputs(4) {
        for scheme in Scheme::ALL {
            if let Err(err) = scheme.parse(&input) {
                assert_eq!(err.scheme, scheme);
                assert!(err.text.chars().count() <= 81, "{err}");
            }
        }
    }
}

#[test]
fn every_order_is_total() {
    let inputs = odd_inputs(3);
    for scheme in Scheme::ALL {
        let mut versions: Vec<Version> = inputs
            .iter()
            .filter_map(|input| scheme.parse(input).ok())
            .collect();
        // A spread-out sample keeps the quadratic check quick.
        let stride = (versions.len() / 400).max(1);
        versions = versions.into_iter().step_by(stride).collect();
        assert!(versions.len() > 20, "{scheme}: too few valid inputs");
        versions.sort();
        for (i, a) in versions.iter().enumerate() {
            for b in &versions[i..] {
                let ordering = a.cmp(b);
                assert_ne!(
                    ordering,
                    Ordering::Greater,
                    "{scheme}: {a} > {b} after sorting"
                );
                assert_eq!(b.cmp(a), ordering.reverse(), "{scheme}: {a} vs {b}");
            }
        }
    }
}

#[test]
fn limits_and_errors() {
    let long = "1".repeat(MAX_LEN + 1);
    for scheme in Scheme::ALL {
        let err = scheme.parse(&long).expect_err("too long");
        assert_eq!(err.reason, format!("longer than {MAX_LEN} bytes"));
        assert!(err.text.ends_with('…'));
        assert_eq!(
            scheme.parse("   ").expect_err("blank").reason,
            "empty version"
        );
    }
    let err = Scheme::Npm.parse("1.2").expect_err("not semver");
    assert_eq!(
        err.to_string(),
        "invalid npm version \"1.2\": expected major.minor.patch"
    );
}

#[test]
fn versions_keep_their_text_and_scheme() {
    let version = Scheme::Dpkg.parse("  1:2.3-4 ").expect("valid");
    assert_eq!(version.as_str(), "1:2.3-4");
    assert_eq!(version.to_string(), "1:2.3-4");
    assert_eq!(version.scheme(), Scheme::Dpkg);
    // Different schemes never compare equal, and order by scheme.
    let npm = Scheme::Npm.parse("1.0.0").expect("valid");
    let cargo = Scheme::SemVer.parse("1.0.0").expect("valid");
    assert_ne!(npm, cargo);
    assert!(npm < cargo);
}
