//! Debian and Ubuntu: `[epoch:]upstream_version[-debian_revision]` ordered as dpkg does.
//!
//! The epoch compares as a number (missing is 0). Upstream version and revision each compare by
//! alternating non-digit and digit runs: non-digit runs character by character with `~` before
//! everything (even the end of the string), then the end, then letters, then other characters;
//! digit runs by value. A missing revision equals `0`. Text dpkg would only warn about (an
//! upstream version not starting with a digit, characters outside Debian Policy's set) is
//! refused here, since no real package carries it.

use std::cmp::Ordering;

#[derive(Debug, Clone)]
pub(crate) struct DpkgVersion {
    epoch: u32,
    upstream: Box<str>,
    revision: Box<str>,
}

impl Ord for DpkgVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        self.epoch
            .cmp(&other.epoch)
            .then_with(|| verrevcmp(&self.upstream, &other.upstream))
            .then_with(|| verrevcmp(&self.revision, &other.revision))
    }
}

impl PartialOrd for DpkgVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for DpkgVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for DpkgVersion {}

pub(crate) fn parse(text: &str) -> Result<DpkgVersion, String> {
    let (epoch, rest) = match text.split_once(':') {
        Some((epoch, rest)) => (parse_epoch(epoch)?, rest),
        None => (0, text),
    };
    if rest.is_empty() {
        return Err("nothing after the epoch".into());
    }
    let (upstream, revision) = match rest.rsplit_once('-') {
        Some((_, "")) => return Err("empty revision".into()),
        Some((upstream, revision)) => (upstream, revision),
        None => (rest, ""),
    };
    if !upstream.starts_with(|c: char| c.is_ascii_digit()) {
        return Err("the upstream version must start with a digit".into());
    }
    check_chars(upstream, ".+~-:", "upstream version")?;
    check_chars(revision, ".+~", "revision")?;
    Ok(DpkgVersion {
        epoch,
        upstream: upstream.into(),
        revision: revision.into(),
    })
}

/// dpkg takes epochs from 0 to `INT_MAX`.
fn parse_epoch(epoch: &str) -> Result<u32, String> {
    if epoch.is_empty() || !epoch.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("epoch {epoch:?} is not a number"));
    }
    match epoch.parse::<u32>() {
        Ok(n) if n <= i32::MAX as u32 => Ok(n),
        _ => Err(format!("epoch {epoch} is too big")),
    }
}

fn check_chars(part: &str, allowed: &str, what: &str) -> Result<(), String> {
    match part
        .chars()
        .find(|&c| !c.is_ascii_alphanumeric() && !allowed.contains(c))
    {
        Some(c) => Err(format!("{c:?} is not allowed in the {what}")),
        None => Ok(()),
    }
}

/// dpkg's `verrevcmp`.
fn verrevcmp(a: &str, b: &str) -> Ordering {
    let (mut a, mut b) = (a.as_bytes(), b.as_bytes());
    while !a.is_empty() || !b.is_empty() {
        // Non-digit runs, character by character; a digit or the end ranks as 0.
        while a.first().is_some_and(|c| !c.is_ascii_digit())
            || b.first().is_some_and(|c| !c.is_ascii_digit())
        {
            let ordering = order(a.first()).cmp(&order(b.first()));
            if ordering.is_ne() {
                return ordering;
            }
            // Equal orders here mean both are the same non-digit character.
            a = &a[1..];
            b = &b[1..];
        }
        let (da, rest_a) = digit_run(a);
        let (db, rest_b) = digit_run(b);
        let ordering = da.len().cmp(&db.len()).then_with(|| da.cmp(db));
        if ordering.is_ne() {
            return ordering;
        }
        (a, b) = (rest_a, rest_b);
    }
    Ordering::Equal
}

/// dpkg's character weight: `~` lowest, then digits and the end, letters, everything else.
fn order(c: Option<&u8>) -> i32 {
    match c {
        Some(b'~') => -1,
        Some(c) if c.is_ascii_digit() => 0,
        Some(c) if c.is_ascii_alphabetic() => i32::from(*c),
        Some(c) => i32::from(*c) + 256,
        None => 0,
    }
}

/// The leading digits without leading zeros, and the rest.
fn digit_run(text: &[u8]) -> (&[u8], &[u8]) {
    let len = text.iter().take_while(|b| b.is_ascii_digit()).count();
    let (digits, rest) = text.split_at(len);
    let zeros = digits.iter().take_while(|&&b| b == b'0').count();
    (&digits[zeros..], rest)
}
