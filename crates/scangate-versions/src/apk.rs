//! Alpine, Wolfi and other apk distributions: apk-tools 3 version ordering.
//!
//! A version is `number{.number}...{letter}{_suffix{number}}...{~hash}{-r#}`. Suffixes rank
//! `_alpha` < `_beta` < `_pre` < `_rc` < (none) < `_cvs` < `_svn` < `_git` < `_hg` < `_p`.
//! Versions compare part by part; where one has a part of a kind the other lacks at that place,
//! the one continuing with the more significant kind is newer, except that a pre-release suffix
//! (`_alpha` to `_rc`) is always older. So `1.0_rc1` < `1.0` < `1.0-r1` < `1.0_p1` < `1.0a` <
//! `1.0.1`. Numbers after a dot that start with `0` compare as text (`1.01` < `1.1`,
//! `8.2.0015` < `8.2.002`), as apk-tools 3 does after Gentoo.

use std::cmp::Ordering;

use crate::digits::Digits;

#[derive(Debug, Clone)]
pub(crate) struct ApkVersion(Vec<Part>);

/// One part of a version, with its value.
#[derive(Debug, Clone)]
enum Part {
    First(Digits),
    Number(DotNumber),
    Letter(u8),
    Suffix(Suffix),
    SuffixNumber(Digits),
    Hash(Box<str>),
    Revision(Digits),
}

/// A number after a dot: text comparison when either side has a leading zero, else by value.
/// Leading-zero numbers therefore sort before all others, which the variant order gives.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum DotNumber {
    ZeroLed(Box<str>),
    Plain(Digits),
}

/// Suffix names in their sort order; `None` marks where a version without suffix sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Suffix {
    Alpha,
    Beta,
    Pre,
    Rc,
    None,
    Cvs,
    Svn,
    Git,
    Hg,
    P,
}

/// apk-tools' token types, in the order parts must follow each other (numbers and suffixes,
/// with their numbers, may repeat); the end of a version comes last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    First,
    Number,
    Letter,
    Suffix,
    SuffixNumber,
    Hash,
    Revision,
    End,
}

impl Kind {
    /// How a version continuing with this kind compares with one continuing with another: a
    /// later kind is older (so a version that ends is older than one that goes on with a
    /// number, a letter, a suffix or a revision).
    fn rank(self) -> u8 {
        Kind::End as u8 + 1 - self as u8
    }
}

impl Part {
    fn kind(&self) -> Kind {
        match self {
            Part::First(_) => Kind::First,
            Part::Number(_) => Kind::Number,
            Part::Letter(_) => Kind::Letter,
            Part::Suffix(_) => Kind::Suffix,
            Part::SuffixNumber(_) => Kind::SuffixNumber,
            Part::Hash(_) => Kind::Hash,
            Part::Revision(_) => Kind::Revision,
        }
    }

    /// [`Kind::rank`], except that a pre-release suffix is older than anything.
    fn rank(&self) -> u8 {
        match self {
            Part::Suffix(s) if *s < Suffix::None => 0,
            _ => self.kind().rank(),
        }
    }

    /// Parts of one kind compare by value, parts of different kinds by rank.
    fn cmp_part(&self, other: &Part) -> Ordering {
        match (self, other) {
            (Part::First(a), Part::First(b))
            | (Part::SuffixNumber(a), Part::SuffixNumber(b))
            | (Part::Revision(a), Part::Revision(b)) => a.cmp(b),
            (Part::Number(a), Part::Number(b)) => a.cmp(b),
            (Part::Letter(a), Part::Letter(b)) => a.cmp(b),
            (Part::Suffix(a), Part::Suffix(b)) => a.cmp(b),
            (Part::Hash(a), Part::Hash(b)) => a.cmp(b),
            _ => self.rank().cmp(&other.rank()),
        }
    }
}

impl Ord for ApkVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        let len = self.0.len().max(other.0.len());
        let end = Kind::End.rank();
        for i in 0..len {
            let ordering = match (self.0.get(i), other.0.get(i)) {
                (Some(a), Some(b)) => a.cmp_part(b),
                (Some(a), None) => a.rank().cmp(&end),
                (None, Some(b)) => end.cmp(&b.rank()),
                (None, None) => Ordering::Equal,
            };
            if ordering.is_ne() {
                return ordering;
            }
        }
        Ordering::Equal
    }
}

impl PartialOrd for ApkVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for ApkVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for ApkVersion {}

pub(crate) fn parse(text: &str) -> Result<ApkVersion, String> {
    let (first, mut rest) = digits(text).ok_or("must start with a number")?;
    let mut parts = vec![Part::First(Digits::new(first))];
    while let Some(&next) = rest.as_bytes().first() {
        let previous = parts.last().map_or(Kind::First, Part::kind);
        let (part, after) = match next {
            b'a'..=b'z' if previous <= Kind::Number => (Part::Letter(next), &rest[1..]),
            b'.' if previous <= Kind::Number => {
                let (number, after) =
                    digits(&rest[1..]).ok_or("a dot must be followed by a number")?;
                (Part::Number(dot_number(number)), after)
            }
            b'0'..=b'9' if previous == Kind::Suffix => {
                let (number, after) = digits(rest).ok_or("bad suffix number")?;
                (Part::SuffixNumber(Digits::new(number)), after)
            }
            b'_' if previous <= Kind::SuffixNumber => {
                let len = rest[1..].bytes().take_while(u8::is_ascii_lowercase).count();
                let name = &rest[1..1 + len];
                let suffix = suffix(name).ok_or_else(|| format!("unknown suffix _{name}"))?;
                (Part::Suffix(suffix), &rest[1 + len..])
            }
            b'~' if previous < Kind::Hash => {
                let len = rest[1..]
                    .bytes()
                    .take_while(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
                    .count();
                if len == 0 {
                    return Err("`~` must be followed by a lowercase hex commit hash".into());
                }
                (Part::Hash(rest[1..1 + len].into()), &rest[1 + len..])
            }
            b'-' if previous < Kind::Revision => {
                let (number, after) = rest
                    .strip_prefix("-r")
                    .and_then(digits)
                    .ok_or("`-` must start a revision `-rN`")?;
                (Part::Revision(Digits::new(number)), after)
            }
            _ => return Err(format!("unexpected {:?} here", char_at(rest))),
        };
        parts.push(part);
        rest = after;
    }
    Ok(ApkVersion(parts))
}

/// The leading digits (at least one) and the rest.
fn digits(text: &str) -> Option<(&str, &str)> {
    let len = text.bytes().take_while(u8::is_ascii_digit).count();
    (len > 0).then(|| text.split_at(len))
}

fn dot_number(number: &str) -> DotNumber {
    if number.starts_with('0') {
        DotNumber::ZeroLed(number.into())
    } else {
        DotNumber::Plain(Digits::new(number))
    }
}

fn suffix(name: &str) -> Option<Suffix> {
    Some(match name {
        "alpha" => Suffix::Alpha,
        "beta" => Suffix::Beta,
        "pre" => Suffix::Pre,
        "rc" => Suffix::Rc,
        "cvs" => Suffix::Cvs,
        "svn" => Suffix::Svn,
        "git" => Suffix::Git,
        "hg" => Suffix::Hg,
        "p" => Suffix::P,
        _ => return None,
    })
}

fn char_at(text: &str) -> char {
    text.chars().next().unwrap_or(' ')
}
