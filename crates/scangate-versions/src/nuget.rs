//! NuGet: `NuGetVersion` parsing and the default `VersionComparer` of NuGet.Versioning.
//!
//! One to four numbers (missing ones are zero, so `1.0` is `1.0.0.0`; leading zeros are allowed
//! and mean nothing), then optional `-` release labels and `+` metadata. Labels compare like
//! SemVer 2.0.0 prerelease identifiers but case-insensitively; metadata is ignored.

use std::cmp::Ordering;

/// The numbers, zero-filled to four, and the release labels.
#[derive(Debug, Clone)]
pub(crate) struct NuGetVersion {
    numbers: [u32; 4],
    labels: Vec<Label>,
}

/// A release label. NuGet treats a label as a number when .NET's `int.TryParse` accepts it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Label {
    Num(i32),
    /// Lowercased: NuGet compares labels with ordinal ignore-case, and for the characters a
    /// label may hold (`[0-9A-Za-z-]`) lowercase order equals uppercase order.
    Text(Box<str>),
}

impl Ord for NuGetVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        self.numbers.cmp(&other.numbers).then_with(|| {
            match (self.labels.is_empty(), other.labels.is_empty()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                (false, false) => self.labels.cmp(&other.labels),
            }
        })
    }
}

impl PartialOrd for NuGetVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for NuGetVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for NuGetVersion {}

pub(crate) fn parse(text: &str) -> Result<NuGetVersion, String> {
    // NuGet cuts at the first `-` or `+`, then at the next `+`.
    let (numbers, rest) = match text.find(['-', '+']) {
        Some(at) => (&text[..at], Some(&text[at..])),
        None => (text, None),
    };
    let (labels, metadata) = match rest {
        Some(rest) if rest.starts_with('+') => (None, Some(&rest[1..])),
        Some(rest) => match rest[1..].split_once('+') {
            Some((labels, metadata)) => (Some(labels), Some(metadata)),
            None => (Some(&rest[1..]), None),
        },
        None => (None, None),
    };
    if let Some(metadata) = metadata {
        metadata
            .split('.')
            .try_for_each(|part| check_part(part, "metadata"))?;
    }
    Ok(NuGetVersion {
        numbers: parse_numbers(numbers)?,
        labels: labels.map(parse_labels).transpose()?.unwrap_or_default(),
    })
}

fn parse_numbers(text: &str) -> Result<[u32; 4], String> {
    let mut numbers = [0; 4];
    for (index, part) in text.split('.').enumerate() {
        let slot = numbers
            .get_mut(index)
            .ok_or("more than four version numbers")?;
        // .NET's `System.Version` parts are non-negative `int`s.
        *slot = match part.parse::<u32>() {
            Ok(n) if part.bytes().all(|b| b.is_ascii_digit()) && n <= i32::MAX as u32 => n,
            _ => return Err(format!("version part {part:?} is not a number")),
        };
    }
    Ok(numbers)
}

fn parse_labels(text: &str) -> Result<Vec<Label>, String> {
    text.split('.')
        .map(|label| {
            check_part(label, "release label")?;
            if label.len() > 1
                && label.starts_with('0')
                && label.bytes().all(|b| b.is_ascii_digit())
            {
                return Err(format!(
                    "numeric release label {label:?} has a leading zero"
                ));
            }
            // `int.TryParse` also takes a sign, and `-` is a label character: `-5` is a number.
            Ok(match label.parse::<i32>() {
                Ok(n) => Label::Num(n),
                Err(_) => Label::Text(label.to_ascii_lowercase().into()),
            })
        })
        .collect()
}

fn check_part(part: &str, what: &str) -> Result<(), String> {
    if part.is_empty() {
        return Err(format!("empty {what}"));
    }
    match part
        .chars()
        .find(|c| !c.is_ascii_alphanumeric() && *c != '-')
    {
        Some(c) => Err(format!("{c:?} is not allowed in a {what}")),
        None => Ok(()),
    }
}
