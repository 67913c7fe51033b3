//! npm: node-semver's SemVer 2.0.0 precedence with its loose parsing.
//!
//! Loose mode accepts any run of `v`, `=` and spaces before the numbers, leading zeros (compared
//! by value) and a prerelease without its hyphen (`1.2.3beta`). Its regular expression may
//! also give digits of the patch to such a prerelease, so `1.2.34.5` is `1.2.3-4.5`. Build
//! metadata is checked and ignored. Numbers above JavaScript's largest safe integer are
//! rejected, as node-semver does.

use crate::digits::{Digits, split_digits};
use crate::semver_pre::{
    LeadingZeros, Prerelease, SemVer, check_build, parse_number, parse_prerelease,
};

pub(crate) type NpmVersion = SemVer;

/// `Number.MAX_SAFE_INTEGER`: node-semver refuses bigger version numbers.
const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

pub(crate) fn parse(text: &str) -> Result<NpmVersion, String> {
    let text = text.trim_start_matches(|c: char| c == 'v' || c == '=' || c.is_whitespace());
    let main = match text.split_once('+') {
        Some((main, build)) => {
            check_build(build)?;
            main
        }
        None => text,
    };
    let mut fields = main.splitn(3, '.');
    let (major, minor, rest) = match (fields.next(), fields.next(), fields.next()) {
        (Some(major), Some(minor), Some(rest)) => (major, minor, rest),
        _ => return Err("expected major.minor.patch".into()),
    };
    let (patch, pre) = split_patch(rest)?;
    Ok(SemVer {
        major: safe_number(major, "major")?,
        minor: safe_number(minor, "minor")?,
        patch: safe_number(patch, "patch")?,
        pre,
    })
}

/// The patch number and prerelease: the longest patch whose rest is a valid prerelease, as the
/// backtracking regular expression finds it.
fn split_patch(rest: &str) -> Result<(&str, Prerelease), String> {
    let digits = split_digits(rest).0.len();
    let mut first_error = None;
    for len in (1..=digits).rev() {
        match prerelease(&rest[len..]) {
            Ok(pre) => return Ok((&rest[..len], pre)),
            Err(err) => first_error = first_error.or(Some(err)),
        }
    }
    Err(first_error.unwrap_or_else(|| format!("patch version {rest:?} is not a number")))
}

fn safe_number(text: &str, what: &str) -> Result<Digits, String> {
    let number = parse_number(text, what, LeadingZeros::Allowed)?;
    match number.to_u64() {
        Some(value) if value <= MAX_SAFE_INTEGER => Ok(number),
        _ => Err(format!("{what} version {text} is larger than 2^53 - 1")),
    }
}

/// The text after the patch number: loose mode makes the hyphen optional, and since `-` is also
/// an identifier character, `1.2.3-.x` still parses with a first identifier `-`.
fn prerelease(text: &str) -> Result<Prerelease, String> {
    if text.is_empty() {
        return Ok(Prerelease::release());
    }
    match text.strip_prefix('-') {
        Some(rest) if !rest.is_empty() => parse_prerelease(rest, LeadingZeros::Allowed)
            .or_else(|err| parse_prerelease(text, LeadingZeros::Allowed).map_err(|_| err)),
        _ => parse_prerelease(text, LeadingZeros::Allowed),
    }
}
