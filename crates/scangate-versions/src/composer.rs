//! Packagist: Composer's `VersionParser::normalize`, then PHP's `version_compare` on the result.
//!
//! Normalisation drops a `v`, an alias (`1.0 as 2.0`), a stability flag (`@dev`) and build
//! metadata, pads to four numbers and spells the stability out: `1.0.0RC1` becomes
//! `1.0.0.0-RC1`, `1.0-b2` becomes `1.0.0.0-beta2`, `1.0-pl3` `1.0.0.0-patch3`, and `1.x-dev`
//! `1.9999999.9999999.9999999-dev`. Date versions keep their own shape. Named branches
//! (`dev-main`, `master`) are refused: Composer itself never orders them against versions.
//!
//! `version_compare` splits on `.`, `-`, `_`, `+` and digit/letter changes and ranks words by
//! prefix: `dev` < `alpha`/`a` < `beta`/`b` < `RC`/`rc` < a number < `pl`/`p`; any other word
//! ranks below `dev`.

use std::cmp::Ordering;
use std::sync::LazyLock;

use regex::bytes::{Captures, Regex};

use crate::digits::Digits;

/// The pieces of the normalised version.
#[derive(Debug, Clone)]
pub(crate) struct ComposerVersion(Vec<Piece>);

/// A piece as `version_compare` sees it: a word's rank, or a number (which ranks like `#`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Piece {
    rank: i8,
    number: Option<Digits>,
}

/// The rank PHP gives numbers when comparing them with words.
const NUMBER_RANK: i8 = 4;

/// What a missing piece compares as. PHP calls the longer version newer when its next piece is
/// a number or `p`/`pl` and older otherwise, so a missing piece sits below every number and
/// `p`/`pl` and above every other word.
const MISSING: Piece = Piece {
    rank: NUMBER_RANK,
    number: None,
};

impl Ord for ComposerVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        let len = self.0.len().max(other.0.len());
        (0..len)
            .map(|i| {
                let a = self.0.get(i).unwrap_or(&MISSING);
                a.cmp(other.0.get(i).unwrap_or(&MISSING))
            })
            .find(|ordering| ordering.is_ne())
            .unwrap_or(Ordering::Equal)
    }
}

impl PartialOrd for ComposerVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for ComposerVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for ComposerVersion {}

pub(crate) fn parse(text: &str) -> Result<ComposerVersion, String> {
    let normalized = normalize(text.as_bytes())?;
    Ok(ComposerVersion(pieces(&canonicalize(&normalized))))
}

// The patterns are Composer's, over bytes and ASCII-only like PCRE without `u`; `\s` is spelled
// out because the `regex` crate's own `\s` would also match Unicode spaces.
const MODIFIER: &str =
    r"[._-]?(?:(stable|beta|b|RC|alpha|a|patch|pl|p)((?:[.-]?[0-9]+)*)?)?([.-]?dev)?";

static ALIAS: LazyLock<Regex> =
    LazyLock::new(|| pattern(r"^([^,\t\n\x0B\x0C\r ]+) +as +([^,\t\n\x0B\x0C\r ]+)$"));
static STABILITY_FLAG: LazyLock<Regex> =
    LazyLock::new(|| pattern(r"(?i)@(?:stable|RC|beta|alpha|dev)$"));
static BUILD: LazyLock<Regex> =
    LazyLock::new(|| pattern(r"^([^,\t\n\x0B\x0C\r +]+)\+[^\t\n\x0B\x0C\r ]+$"));
static CLASSICAL: LazyLock<Regex> = LazyLock::new(|| {
    pattern(&format!(
        r"(?i)^v?([0-9]{{1,5}})(\.[0-9]+)?(\.[0-9]+)?(\.[0-9]+)?{MODIFIER}$"
    ))
});
static DATE: LazyLock<Regex> = LazyLock::new(|| {
    pattern(&format!(
        r"(?i)^v?([0-9]{{4}}(?:[.:-]?[0-9]{{2}}){{1,6}}(?:[.:-]?[0-9]{{1,3}}){{0,2}}){MODIFIER}$"
    ))
});
static NUMERIC_BRANCH: LazyLock<Regex> = LazyLock::new(|| {
    pattern(r"(?i)^v?([0-9]+)(\.(?:[0-9]+|[xX*]))?(\.(?:[0-9]+|[xX*]))?(\.(?:[0-9]+|[xX*]))?$")
});

fn pattern(source: &str) -> Regex {
    // The patterns are constants, covered by every test that parses a Composer version.
    Regex::new(&format!("(?-u){source}")).expect("Composer pattern compiles")
}

/// `VersionParser::normalize`, minus the branch names it passes through.
fn normalize(text: &[u8]) -> Result<Vec<u8>, String> {
    let mut version = text;
    if let Some(found) = ALIAS.captures(version).and_then(|c| c.get(1)) {
        version = found.as_bytes();
    }
    if let Some(flag) = STABILITY_FLAG.find(version) {
        version = &version[..flag.start()];
    }
    if matches!(version, b"master" | b"trunk" | b"default")
        || version
            .get(..4)
            .is_some_and(|head| head.eq_ignore_ascii_case(b"dev-"))
    {
        return Err("a branch name has no version order".into());
    }
    if let Some(found) = BUILD.captures(version).and_then(|c| c.get(1)) {
        version = found.as_bytes();
    }
    if let Some(caps) = CLASSICAL.captures(version) {
        let mut normalized = group(&caps, 1).to_vec();
        for part in 2..=4 {
            match group(&caps, part) {
                b"" => normalized.extend_from_slice(b".0"),
                given => normalized.extend_from_slice(given),
            }
        }
        return Ok(with_modifiers(normalized, &caps, 5));
    }
    if let Some(caps) = DATE.captures(version) {
        let date = group(&caps, 1)
            .iter()
            .map(|&b| if b.is_ascii_digit() { b } else { b'.' })
            .collect();
        return Ok(with_modifiers(date, &caps, 2));
    }
    dev_branch(version).ok_or_else(|| "not a Composer version".into())
}

fn group<'a>(caps: &Captures<'a>, index: usize) -> &'a [u8] {
    caps.get(index).map_or(&[], |m| m.as_bytes())
}

/// Appends the stability (`-beta2`) and `-dev` that the modifier groups from `first` on matched.
fn with_modifiers(mut version: Vec<u8>, caps: &Captures, first: usize) -> Vec<u8> {
    let stability = group(caps, first);
    if stability == b"stable" {
        return version;
    }
    if !stability.is_empty() {
        version.push(b'-');
        version.extend_from_slice(expand_stability(stability));
        let number = group(caps, first + 1);
        let start = number
            .iter()
            .position(|b| !matches!(b, b'.' | b'-'))
            .unwrap_or(number.len());
        version.extend_from_slice(&number[start..]);
    }
    if !group(caps, first + 2).is_empty() {
        version.extend_from_slice(b"-dev");
    }
    version
}

/// `expandStability`: short and any-case spellings to Composer's names. Other words (only a
/// mixed-case `stable` reaches here) stay lowercased, as in Composer.
fn expand_stability(word: &[u8]) -> &[u8] {
    match word.to_ascii_lowercase().as_slice() {
        b"a" | b"alpha" => b"alpha",
        b"b" | b"beta" => b"beta",
        b"p" | b"pl" | b"patch" => b"patch",
        b"rc" => b"RC",
        _ => b"stable",
    }
}

/// `1.2.x-dev` style branches: the name before `dev` (and one `.` or `-`) must be numeric.
fn dev_branch(version: &[u8]) -> Option<Vec<u8>> {
    let cut = version.len().checked_sub(3)?;
    if !version[cut..].eq_ignore_ascii_case(b"dev") {
        return None;
    }
    let name = &version[..cut];
    let name = match name.last() {
        Some(b'.' | b'-') => &name[..name.len() - 1],
        _ => name,
    };
    let caps = NUMERIC_BRANCH.captures(name.trim_ascii())?;
    // Missing numbers and the wildcards `x`, `X`, `*` all become 9999999.
    let mut normalized = group(&caps, 1).to_vec();
    for part in 2..=4 {
        match caps.get(part).map(|m| m.as_bytes()) {
            None | Some([b'.', b'x' | b'X' | b'*']) => normalized.extend_from_slice(b".9999999"),
            Some(given) => normalized.extend_from_slice(given),
        }
    }
    normalized.extend_from_slice(b"-dev");
    Some(normalized)
}

/// PHP's `php_canonicalize_version`: `-`, `_` and `+` become dots, a dot goes where digits
/// meet non-digits, other non-alphanumerics become dots, and dots never double.
fn canonicalize(version: &[u8]) -> Vec<u8> {
    let Some((&first, rest)) = version.split_first() else {
        return Vec::new();
    };
    let digit = |b: u8| b != b'.' && b.is_ascii_digit();
    let non_digit = |b: u8| b != b'.' && !b.is_ascii_digit();
    let mut out = vec![first];
    let mut previous = first;
    for &b in rest {
        let dot_needed = out.last() != Some(&b'.');
        if matches!(b, b'-' | b'_' | b'+') {
            out.extend(dot_needed.then_some(b'.'));
        } else if (non_digit(previous) && digit(b)) || (digit(previous) && non_digit(b)) {
            out.extend(dot_needed.then_some(b'.'));
            out.push(b);
        } else if !b.is_ascii_alphanumeric() {
            out.extend(dot_needed.then_some(b'.'));
        } else {
            out.push(b);
        }
        previous = b;
    }
    out
}

/// Splits the canonical form and ranks each piece as `compare_special_version_forms` does.
fn pieces(canonical: &[u8]) -> Vec<Piece> {
    canonical
        .split(|&b| b == b'.')
        .filter(|piece| !piece.is_empty())
        .map(|piece| {
            if piece[0].is_ascii_digit() {
                // Like PHP's `strtol`, read the leading digits.
                let len = piece.iter().take_while(|b| b.is_ascii_digit()).count();
                let digits = std::str::from_utf8(&piece[..len]).unwrap_or("0");
                Piece {
                    rank: NUMBER_RANK,
                    number: Some(Digits::new(digits)),
                }
            } else {
                Piece {
                    rank: word_rank(piece),
                    number: None,
                }
            }
        })
        .collect()
}

/// PHP matches the special words by prefix, in this order, so `alpha` ranks before `a`
/// would and any word starting with `a` ranks as alpha.
fn word_rank(word: &[u8]) -> i8 {
    const FORMS: [(&[u8], i8); 9] = [
        (b"dev", 0),
        (b"alpha", 1),
        (b"a", 1),
        (b"beta", 2),
        (b"b", 2),
        (b"RC", 3),
        (b"rc", 3),
        (b"pl", 5),
        (b"p", 5),
    ];
    FORMS
        .iter()
        .find(|(form, _)| word.starts_with(form))
        .map_or(-1, |&(_, rank)| rank)
}
