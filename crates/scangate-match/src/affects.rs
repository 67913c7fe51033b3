//! Whether an OSV `affected` entry covers an installed version, as the OSV schema defines it:
//! explicit `versions`, then each range's events evaluated in version order.

use scangate_versions::{Scheme, Version};
use scangate_vulndb::{Affected, Event, Range, RangeKind};

/// An installed version, parsed once for the ecosystem's own ordering.
pub struct Installed<'a> {
    pub text: &'a str,
    pub scheme: Scheme,
    /// `None` when the ecosystem's ordering cannot read the text: only `versions` lists apply.
    pub version: Option<Version>,
}

impl<'a> Installed<'a> {
    pub fn new(text: &'a str, scheme: Scheme) -> Installed<'a> {
        Installed {
            text,
            scheme,
            version: scheme.parse(text).ok(),
        }
    }
}

/// What an entry says about the installed version.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Verdict {
    pub affected: bool,
    /// `fixed` versions above the installed one, from the ranges that affect it, nearest first.
    pub fixes: Vec<String>,
}

pub fn evaluate(entry: &Affected, installed: &Installed<'_>) -> Verdict {
    let mut verdict = Verdict::default();
    if entry
        .versions
        .iter()
        .any(|listed| same_version(listed, installed))
    {
        verdict.affected = true;
    }
    let mut fixes: Vec<(Version, &str)> = Vec::new();
    for range in &entry.ranges {
        let Some(scheme) = range_scheme(range.kind, installed.scheme) else {
            continue;
        };
        let Some(version) = version_for(scheme, installed) else {
            continue;
        };
        if in_range(range, scheme, &version) {
            verdict.affected = true;
            fixes.extend(range.events.iter().filter_map(|event| {
                match event {
                    Event::Fixed(fixed) => scheme
                        .parse(fixed)
                        .ok()
                        .filter(|f| *f > version)
                        .map(|f| (f, fixed.as_str())),
                    _ => None,
                }
            }));
        }
    }
    fixes.sort_by(|a, b| a.0.cmp(&b.0));
    fixes.dedup_by(|a, b| a.0 == b.0);
    verdict.fixes = fixes
        .into_iter()
        .map(|(_, text)| text.to_string())
        .collect();
    verdict
}

/// SEMVER ranges use SemVer precedence; an ecosystem whose own ordering is SemVer (npm, Go,
/// crates.io) keeps its parser, which also reads its spellings (`v1.2.3`, pseudo-versions).
/// GIT ranges name commits, which only the repository's history can order.
fn range_scheme(kind: RangeKind, ecosystem: Scheme) -> Option<Scheme> {
    match kind {
        RangeKind::Git => None,
        RangeKind::Semver => match ecosystem {
            Scheme::Npm | Scheme::Go | Scheme::SemVer => Some(ecosystem),
            _ => Some(Scheme::SemVer),
        },
        RangeKind::Ecosystem => Some(ecosystem),
    }
}

fn version_for(scheme: Scheme, installed: &Installed<'_>) -> Option<Version> {
    if scheme == installed.scheme {
        installed.version.clone()
    } else {
        scheme.parse(installed.text.trim_start_matches('v')).ok()
    }
}

fn same_version(listed: &str, installed: &Installed<'_>) -> bool {
    listed == installed.text
        || installed
            .version
            .as_ref()
            .is_some_and(|v| installed.scheme.parse(listed).is_ok_and(|l| l == *v))
}

/// The schema's evaluation: walk the events in version order (`introduced: "0"` first); an
/// introduced bound at or below the version opens the range, a fixed bound at or below it or a
/// last_affected bound below it closes it. With `limit` events, the version must also be below
/// at least one of them.
fn in_range(range: &Range, scheme: Scheme, version: &Version) -> bool {
    let mut events: Vec<(Option<Version>, &Event)> = Vec::with_capacity(range.events.len());
    for event in &range.events {
        let bound = match event {
            Event::Introduced(text) if text == "0" => None,
            Event::Introduced(text)
            | Event::Fixed(text)
            | Event::LastAffected(text)
            | Event::Limit(text) => {
                // An unreadable bound cannot be placed: leave the event out.
                match scheme.parse(text) {
                    Ok(parsed) => Some(parsed),
                    Err(_) => continue,
                }
            }
        };
        events.push((bound, event));
    }
    events.sort_by(|a, b| a.0.cmp(&b.0));
    let mut limits = events
        .iter()
        .filter_map(|(bound, event)| matches!(event, Event::Limit(_)).then_some(bound.as_ref()?))
        .peekable();
    if limits.peek().is_some() && !limits.any(|limit| version < limit) {
        return false;
    }
    let mut affected = false;
    for (bound, event) in &events {
        match (event, bound) {
            (Event::Introduced(_), None) => affected = true,
            (Event::Introduced(_), Some(at)) if version >= at => affected = true,
            (Event::Fixed(_), Some(at)) if version >= at => affected = false,
            (Event::LastAffected(_), Some(at)) if version > at => affected = false,
            _ => {}
        }
    }
    affected
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(events: &str) -> Affected {
        let json = format!(
            r#"{{"package": {{"ecosystem": "npm", "name": "x"}}, "ranges": [{{"type": "SEMVER", "events": {events}}}]}}"#
        );
        serde_json::from_str(&json).unwrap()
    }

    #[test]
    fn a_version_below_any_limit_stays_in_play() {
        let affected = entry(r#"[{"introduced": "0"}, {"limit": "1.5.0"}, {"limit": "2.5.0"}]"#);
        let verdict = |v: &str| evaluate(&affected, &Installed::new(v, Scheme::Npm)).affected;
        assert!(verdict("1.0.0"));
        assert!(verdict("2.0.0"));
        assert!(!verdict("2.5.0"));
        assert!(!verdict("3.0.0"));
    }
}
