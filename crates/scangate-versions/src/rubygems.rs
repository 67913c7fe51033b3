//! RubyGems: `Gem::Version` as of RubyGems 3.5.
//!
//! A version is digits, then dot-separated alphanumeric parts, then an optional `-` part (which
//! RubyGems rewrites to `.pre.`). It splits into numbers and letter runs (`1.0.b1` is
//! `[1, 0, "b", 1]`); any letter makes it a prerelease. Before comparing, RubyGems drops trailing
//! zero segments and, in a prerelease, the zero segments just before the first letters, so
//! `1.0` == `1` and `1.0.a` == `1.a`. Segments then compare pairwise, missing ones counting as
//! zero; a letter segment sorts before any number, so `1.0.a` < `1.0`.

use std::cmp::Ordering;

use crate::digits::Digits;

/// The canonical segments.
#[derive(Debug, Clone)]
pub(crate) struct GemVersion(Vec<Segment>);

/// Strings before numbers (the variant order); strings compare bytewise, as Ruby's do.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Segment {
    Text(Box<str>),
    Num(Digits),
}

impl Ord for GemVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        let len = self.0.len().max(other.0.len());
        (0..len)
            .map(|i| match (self.0.get(i), other.0.get(i)) {
                (Some(a), Some(b)) => a.cmp(b),
                (Some(a), None) => cmp_with_zero(a),
                (None, Some(b)) => cmp_with_zero(b).reverse(),
                (None, None) => Ordering::Equal,
            })
            .find(|ordering| ordering.is_ne())
            .unwrap_or(Ordering::Equal)
    }
}

/// A missing segment counts as the number zero.
fn cmp_with_zero(segment: &Segment) -> Ordering {
    match segment {
        Segment::Text(_) => Ordering::Less,
        Segment::Num(n) if n.is_zero() => Ordering::Equal,
        Segment::Num(_) => Ordering::Greater,
    }
}

impl PartialOrd for GemVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for GemVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for GemVersion {}

pub(crate) fn parse(text: &str) -> Result<GemVersion, String> {
    check_pattern(text)?;
    let version = text.replace('-', ".pre.");
    let mut canonical = drop_trailing_zeros(&version).to_owned();
    if version.bytes().any(|b| b.is_ascii_alphabetic()) {
        canonical = drop_zeros_before_letters(&canonical);
    }
    Ok(GemVersion(segments(&canonical)))
}

/// `Gem::Version::VERSION_PATTERN`: `[0-9]+(\.[0-9a-zA-Z]+)*(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?`.
fn check_pattern(text: &str) -> Result<(), String> {
    let (release, pre) = match text.split_once('-') {
        Some((release, pre)) => (release, Some(pre)),
        None => (text, None),
    };
    let mut parts = release.split('.');
    if !parts
        .next()
        .is_some_and(|first| !first.is_empty() && first.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err("must start with a number".into());
    }
    let plain = |part: &str, dash: bool| {
        !part.is_empty()
            && part
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || (dash && b == b'-'))
    };
    if !parts.all(|part| plain(part, false)) {
        return Err("parts must be letters and digits separated by single dots".into());
    }
    if pre.is_some_and(|pre| !pre.split('.').all(|part| plain(part, true))) {
        return Err("the part after `-` must be letters, digits and `-` separated by dots".into());
    }
    Ok(())
}

/// RubyGems' `/(?<=[a-zA-Z.])[.0]+\z/` removal: trailing dots and zeros that follow a letter or
/// a dot (so `1.0.0` becomes `1.` but `10` stays).
fn drop_trailing_zeros(version: &str) -> &str {
    let bytes = version.as_bytes();
    let run = bytes
        .iter()
        .rposition(|b| !matches!(b, b'.' | b'0'))
        .map_or(0, |last| last + 1);
    (run.max(1)..bytes.len())
        .find(|&at| bytes[at - 1].is_ascii_alphabetic() || bytes[at - 1] == b'.')
        .map_or(version, |at| &version[..at])
}

/// RubyGems' `/(?<=\.|\A)[0.]+(?=[a-zA-Z])/` removal (first match only): zero segments right
/// before letters, so `1.0.a` canonicalises like `1.a`.
fn drop_zeros_before_letters(version: &str) -> String {
    let bytes = version.as_bytes();
    let zero_or_dot = |at: usize| matches!(bytes.get(at), Some(b'.' | b'0'));
    for start in 0..bytes.len() {
        if (start > 0 && bytes[start - 1] != b'.') || !zero_or_dot(start) {
            continue;
        }
        let end = (start..bytes.len())
            .find(|&at| !zero_or_dot(at))
            .unwrap_or(bytes.len());
        if bytes.get(end).is_some_and(u8::is_ascii_alphabetic) {
            return format!("{}{}", &version[..start], &version[end..]);
        }
    }
    version.to_owned()
}

/// `scan(/\d+|[a-z]+/i)`: digit runs become numbers, letter runs strings, anything else parts them.
fn segments(version: &str) -> Vec<Segment> {
    let bytes = version.as_bytes();
    let mut segments = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        let digit = bytes[at].is_ascii_digit();
        if !digit && !bytes[at].is_ascii_alphabetic() {
            at += 1;
            continue;
        }
        let len = bytes[at..]
            .iter()
            .position(|b| {
                if digit {
                    !b.is_ascii_digit()
                } else {
                    !b.is_ascii_alphabetic()
                }
            })
            .unwrap_or(bytes.len() - at);
        let run = &version[at..at + len];
        segments.push(if digit {
            Segment::Num(Digits::new(run))
        } else {
            Segment::Text(run.into())
        });
        at += len;
    }
    segments
}
