use std::cmp::Ordering;

/// A natural number kept as its decimal digits, so version numbers of any length compare exactly
/// (ecosystems such as Ruby, Maven and dpkg compare arbitrarily long digit runs).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Digits(Box<str>);

impl Digits {
    /// `text` must be ASCII digits; leading zeros are dropped so equal values are equal.
    pub(crate) fn new(text: &str) -> Self {
        debug_assert!(text.bytes().all(|b| b.is_ascii_digit()));
        let trimmed = text.trim_start_matches('0');
        Digits(if trimmed.is_empty() { "0" } else { trimmed }.into())
    }

    pub(crate) fn zero() -> Self {
        Digits("0".into())
    }

    pub(crate) fn is_zero(&self) -> bool {
        &*self.0 == "0"
    }

    /// The value when it fits in a `u64`.
    pub(crate) fn to_u64(&self) -> Option<u64> {
        self.0.parse().ok()
    }
}

impl Ord for Digits {
    fn cmp(&self, other: &Self) -> Ordering {
        // Without leading zeros a longer number is a bigger one.
        self.0
            .len()
            .cmp(&other.0.len())
            .then_with(|| self.0.cmp(&other.0))
    }
}

impl PartialOrd for Digits {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Splits `text` into its leading run of ASCII digits and the rest.
pub(crate) fn split_digits(text: &str) -> (&str, &str) {
    let end = text
        .bytes()
        .position(|b| !b.is_ascii_digit())
        .unwrap_or(text.len());
    text.split_at(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compares_by_value_whatever_the_length() {
        assert_eq!(Digits::new("007"), Digits::new("7"));
        assert_eq!(Digits::new("000"), Digits::zero());
        assert!(Digits::new("10") > Digits::new("9"));
        assert!(
            Digits::new("123456789012345678901234567890") > Digits::new("99999999999999999999")
        );
        assert_eq!(Digits::new("18446744073709551616").to_u64(), None);
        assert_eq!(split_digits("12ab3"), ("12", "ab3"));
    }
}
