//! SemVer 2.0.0 precedence, shared by the npm and Go schemes.

use std::cmp::Ordering;

use crate::digits::Digits;

/// `major.minor.patch-prerelease`, build metadata already dropped. The derived order is SemVer
/// precedence because the fields are compared in this order.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct SemVer {
    pub(crate) major: Digits,
    pub(crate) minor: Digits,
    pub(crate) patch: Digits,
    pub(crate) pre: Prerelease,
}

/// One dot-separated prerelease identifier. Numeric identifiers sort before alphanumeric ones
/// (SemVer 11.4.3), which the variant order gives; alphanumerics compare in ASCII order.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Ident {
    Num(Digits),
    Text(Box<str>),
}

/// The prerelease identifiers; none at all means a release, which sorts after its prereleases.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Prerelease(Vec<Ident>);

impl Prerelease {
    pub(crate) fn release() -> Self {
        Prerelease(Vec::new())
    }
}

impl Ord for Prerelease {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self.0.is_empty(), other.0.is_empty()) {
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Greater,
            (false, true) => Ordering::Less,
            // A longer list wins when all shared identifiers are equal (SemVer 11.4.4).
            (false, false) => self.0.cmp(&other.0),
        }
    }
}

impl PartialOrd for Prerelease {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Whether numeric identifiers may carry leading zeros (node-semver's loose mode allows them and
/// compares them by value; strict SemVer forbids them).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum LeadingZeros {
    Allowed,
    Rejected,
}

/// Parses dot-separated prerelease identifiers (the text after `-`).
pub(crate) fn parse_prerelease(text: &str, zeros: LeadingZeros) -> Result<Prerelease, String> {
    let idents = text
        .split('.')
        .map(|ident| {
            check_identifier(ident, "prerelease")?;
            if !ident.bytes().all(|b| b.is_ascii_digit()) {
                return Ok(Ident::Text(ident.into()));
            }
            if zeros == LeadingZeros::Rejected && ident.len() > 1 && ident.starts_with('0') {
                return Err(format!(
                    "numeric prerelease identifier {ident:?} has a leading zero"
                ));
            }
            Ok(Ident::Num(Digits::new(ident)))
        })
        .collect::<Result<_, String>>()?;
    Ok(Prerelease(idents))
}

/// Checks build metadata (the text after `+`), which never takes part in ordering.
pub(crate) fn check_build(text: &str) -> Result<(), String> {
    text.split('.')
        .try_for_each(|ident| check_identifier(ident, "build"))
}

fn check_identifier(ident: &str, what: &str) -> Result<(), String> {
    if ident.is_empty() {
        return Err(format!("empty {what} identifier"));
    }
    match ident
        .chars()
        .find(|c| !c.is_ascii_alphanumeric() && *c != '-')
    {
        Some(c) => Err(format!("{c:?} is not allowed in {what} identifiers")),
        None => Ok(()),
    }
}

/// Parses one numeric field of `major.minor.patch`.
pub(crate) fn parse_number(text: &str, what: &str, zeros: LeadingZeros) -> Result<Digits, String> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("{what} version {text:?} is not a number"));
    }
    if zeros == LeadingZeros::Rejected && text.len() > 1 && text.starts_with('0') {
        return Err(format!("{what} version {text:?} has a leading zero"));
    }
    Ok(Digits::new(text))
}
