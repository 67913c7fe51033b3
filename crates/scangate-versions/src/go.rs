//! Go modules: the ordering of the Go team's `x/mod/semver` package.
//!
//! Strict SemVer 2.0.0 with a `v` prefix and the `vMAJOR` / `vMAJOR.MINOR` shorthands (which
//! mean `.0`). OSV writes Go versions without the `v`, so the prefix is optional here.
//! Pseudo-versions (`v0.0.0-20190101000000-abcdef123456`, `v1.2.3-pre.0.2019…`,
//! `v1.2.4-0.2019…`) need no special case: they are prereleases, and SemVer precedence already
//! puts them after the tag they build on and before the next. Build metadata such as
//! `+incompatible` is ignored.

use crate::digits::{Digits, split_digits};
use crate::semver_pre::{
    LeadingZeros, Prerelease, SemVer, check_build, parse_number, parse_prerelease,
};

pub(crate) type GoVersion = SemVer;

pub(crate) fn parse(text: &str) -> Result<GoVersion, String> {
    let text = text.strip_prefix('v').unwrap_or(text);
    let (major, rest) = number(text, "major")?;
    let Some(rest) = rest.strip_prefix('.') else {
        return shorthand(major, Digits::zero(), rest);
    };
    let (minor, rest) = number(rest, "minor")?;
    let Some(rest) = rest.strip_prefix('.') else {
        return shorthand(major, minor, rest);
    };
    let (patch, rest) = number(rest, "patch")?;
    let (pre, build) = match rest.split_once('+') {
        Some((pre, build)) => (pre, Some(build)),
        None => (rest, None),
    };
    let pre = match pre.strip_prefix('-') {
        Some(pre) => parse_prerelease(pre, LeadingZeros::Rejected)?,
        None if pre.is_empty() => Prerelease::release(),
        None => return Err(format!("unexpected {pre:?} after the patch version")),
    };
    if let Some(build) = build {
        check_build(build)?;
    }
    Ok(SemVer {
        major,
        minor,
        patch,
        pre,
    })
}

fn number<'a>(text: &'a str, what: &str) -> Result<(Digits, &'a str), String> {
    let (digits, rest) = split_digits(text);
    Ok((parse_number(digits, what, LeadingZeros::Rejected)?, rest))
}

/// `v1` and `v1.2` are valid only when nothing follows them.
fn shorthand(major: Digits, minor: Digits, rest: &str) -> Result<GoVersion, String> {
    if !rest.is_empty() {
        return Err(format!(
            "unexpected {rest:?}: a shortened version takes no suffix"
        ));
    }
    Ok(SemVer {
        major,
        minor,
        patch: Digits::zero(),
        pre: Prerelease::release(),
    })
}
