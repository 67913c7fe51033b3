//! Assertions shared by the scheme tests. Each checks both directions of every comparison.

use std::cmp::Ordering;

use scangate_versions::{Scheme, Version};

pub fn parse(scheme: Scheme, text: &str) -> Version {
    scheme
        .parse(text)
        .unwrap_or_else(|err| panic!("{text:?} should parse: {err}"))
}

fn check(scheme: Scheme, a: &str, b: &str, expected: Ordering) {
    let (x, y) = (parse(scheme, a), parse(scheme, b));
    assert_eq!(x.cmp(&y), expected, "{scheme}: {a} vs {b}");
    assert_eq!(y.cmp(&x), expected.reverse(), "{scheme}: {b} vs {a}");
    assert_eq!(x == y, expected == Ordering::Equal, "{scheme}: {a} == {b}");
    assert_eq!(
        scheme.compare(a, b),
        Ok(expected),
        "{scheme}: compare({a}, {b})"
    );
}

/// Every version is less than every version after it.
pub fn ascending(scheme: Scheme, versions: &[&str]) {
    for (i, a) in versions.iter().enumerate() {
        for b in &versions[i + 1..] {
            check(scheme, a, b, Ordering::Less);
        }
    }
}

/// In each pair the first version is less than the second.
pub fn less(scheme: Scheme, pairs: &[(&str, &str)]) {
    for (a, b) in pairs {
        check(scheme, a, b, Ordering::Less);
    }
}

/// Each pair is two spellings of one version.
pub fn equal(scheme: Scheme, pairs: &[(&str, &str)]) {
    for (a, b) in pairs {
        check(scheme, a, b, Ordering::Equal);
    }
}

/// None of the texts is a version of the scheme.
pub fn invalid(scheme: Scheme, texts: &[&str]) {
    for text in texts {
        let err = scheme.parse(text).expect_err(text);
        assert_eq!(err.scheme, scheme);
    }
}

/// Sorting a shuffled copy of `ascending` gives `ascending` back.
pub fn sorts(scheme: Scheme, ascending: &[&str]) {
    let mut shuffled: Vec<Version> = ascending.iter().map(|v| parse(scheme, v)).collect();
    shuffle(&mut shuffled);
    shuffled.sort();
    let sorted: Vec<&str> = shuffled.iter().map(Version::as_str).collect();
    assert_eq!(sorted, ascending, "{scheme}");
}

/// A fixed Fisher-Yates shuffle (xorshift), so failures reproduce.
fn shuffle<T>(items: &mut [T]) {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    for i in (1..items.len()).rev() {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        items.swap(i, (state % (i as u64 + 1)) as usize);
    }
}
