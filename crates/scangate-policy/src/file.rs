//! The policy file: YAML read with serde_norway into raw shapes, each checked as it is read so
//! that every error names the line it is about (serde_norway marks an error with the position
//! of the node being deserialized when the error is raised).

use crate::ignore::{Ignore, PathGlob, PurlPattern};
use crate::licence::LicenceList;
use crate::{Check, Date, Policy, Rule};
use scangate_types::{Action, Severity};
use serde::Deserialize;
use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use std::collections::HashSet;
use std::fmt;
use std::marker::PhantomData;
use std::path::{Path, PathBuf};

/// A policy file that cannot be read or is not a valid policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyError {
    pub file: Option<PathBuf>,
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(file) = &self.file {
            write!(f, "{}:", file.display())?;
        }
        if let Some(line) = self.line {
            write!(f, "{line}:")?;
        }
        if self.file.is_some() || self.line.is_some() {
            f.write_str(" ")?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for PolicyError {}

impl Policy {
    /// Reads a policy file; errors name the file and, where known, the line.
    pub fn load(path: &Path) -> Result<Policy, PolicyError> {
        let text = std::fs::read_to_string(path).map_err(|err| PolicyError {
            file: Some(path.to_path_buf()),
            line: None,
            message: err.to_string(),
        })?;
        Policy::from_yaml(&text).map_err(|err| PolicyError {
            file: Some(path.to_path_buf()),
            ..err
        })
    }

    /// Parses a policy from YAML text.
    pub fn from_yaml(text: &str) -> Result<Policy, PolicyError> {
        // An empty file (or one of comments only) is an empty policy.
        let file: Option<PolicyFile> = serde_norway::from_str(text).map_err(|err| PolicyError {
            file: None,
            line: err.location().map(|at| at.line()),
            message: without_position(&err.to_string()),
        })?;
        Ok(file.map(|file| file.0).unwrap_or_default())
    }
}

/// A serde_norway message without its ` at line L column C`: the line is reported on its own.
fn without_position(message: &str) -> String {
    fn after_number(text: &str) -> &str {
        text.trim_start_matches(|c: char| c.is_ascii_digit())
    }
    let Some((head, tail)) = message.split_once(" at line ") else {
        return message.to_string();
    };
    let rest = after_number(tail);
    let rest = rest.strip_prefix(" column ").map_or(rest, after_number);
    format!("{head}{rest}")
}

/// The YAML node a raw shape is read from.
#[derive(Clone, Copy, PartialEq)]
enum Node {
    Mapping,
    List,
}

/// Reads `Raw` from a YAML mapping or list, then checks and converts it. An error raised here
/// is marked with the node's own line.
fn converted<'de, D, Raw, T>(deserializer: D, node: Node) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    Raw: Deserialize<'de>,
    T: TryFrom<Raw, Error = String>,
{
    struct Convert<Raw, T>(Node, PhantomData<(Raw, T)>);

    impl<'de, Raw, T> Visitor<'de> for Convert<Raw, T>
    where
        Raw: Deserialize<'de>,
        T: TryFrom<Raw, Error = String>,
    {
        type Value = T;

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str(match self.0 {
                Node::Mapping => "a mapping",
                Node::List => "a list",
            })
        }

        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
            if self.0 != Node::Mapping {
                return Err(de::Error::invalid_type(de::Unexpected::Map, &self));
            }
            let raw = Raw::deserialize(MapAccessDeserializer::new(map))?;
            T::try_from(raw).map_err(de::Error::custom)
        }

        fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<T, A::Error> {
            if self.0 != Node::List {
                return Err(de::Error::invalid_type(de::Unexpected::Seq, &self));
            }
            let raw = Raw::deserialize(SeqAccessDeserializer::new(seq))?;
            T::try_from(raw).map_err(de::Error::custom)
        }
    }

    deserializer.deserialize_any(Convert(node, PhantomData))
}

/// A value written as one YAML scalar and parsed from its text.
trait FromScalar: Sized {
    const EXPECTING: &'static str;
    fn parse(text: &str) -> Result<Self, String>;
}

/// Deserializes a [`FromScalar`]; a parse error is marked with the scalar's own line.
struct Scalar<T>(T);

impl<'de, T: FromScalar> Deserialize<'de> for Scalar<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Parse<T>(PhantomData<T>);

        impl<T: FromScalar> Visitor<'_> for Parse<T> {
            type Value = T;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(T::EXPECTING)
            }

            fn visit_str<E: de::Error>(self, text: &str) -> Result<T, E> {
                T::parse(text.trim()).map_err(E::custom)
            }
        }

        deserializer.deserialize_str(Parse(PhantomData)).map(Scalar)
    }
}

/// A count limit: a number of findings, or -1 for no limit.
struct Limit(Option<u64>);

impl FromScalar for Limit {
    const EXPECTING: &'static str = "a number of findings, or -1 for no limit";

    fn parse(text: &str) -> Result<Limit, String> {
        match text.parse::<i64>() {
            Ok(-1) => Ok(Limit(None)),
            Ok(n) if n >= 0 => Ok(Limit(Some(n as u64))),
            _ => Err(format!(
                "`{text}` is not a number of findings (0 or more, or -1 for no limit)"
            )),
        }
    }
}

/// An EPSS threshold: a probability or percentile between 0 and 1.
struct Fraction(f64);

impl FromScalar for Fraction {
    const EXPECTING: &'static str = "a number between 0 and 1";

    fn parse(text: &str) -> Result<Fraction, String> {
        match text.parse::<f64>() {
            Ok(value) if (0.0..=1.0).contains(&value) => Ok(Fraction(value)),
            _ => Err(format!("`{text}` is not a number between 0 and 1")),
        }
    }
}

impl FromScalar for Date {
    const EXPECTING: &'static str = "a date as YYYY-MM-DD";

    fn parse(text: &str) -> Result<Date, String> {
        let shaped = text.len() == 10
            && text.bytes().enumerate().all(|(i, b)| {
                if i == 4 || i == 7 {
                    b == b'-'
                } else {
                    b.is_ascii_digit()
                }
            });
        let date = shaped.then(|| text.parse::<Date>().ok()).flatten();
        date.ok_or_else(|| format!("`{text}` is not a date as YYYY-MM-DD"))
    }
}

impl FromScalar for spdx::Licensee {
    const EXPECTING: &'static str = "an SPDX licence id";

    fn parse(text: &str) -> Result<spdx::Licensee, String> {
        spdx::Licensee::parse(text).map_err(|err| {
            if spdx::Expression::parse(text).is_ok() {
                format!("`{text}` is an expression: list its licences one by one")
            } else {
                format!("`{text}` is not an SPDX licence id: {}", err.reason)
            }
        })
    }
}

impl FromScalar for PurlPattern {
    const EXPECTING: &'static str = "a package URL";

    fn parse(text: &str) -> Result<PurlPattern, String> {
        PurlPattern::new(text)
    }
}

impl FromScalar for PathGlob {
    const EXPECTING: &'static str = "a path glob";

    fn parse(text: &str) -> Result<PathGlob, String> {
        PathGlob::new(text)
    }
}

/// The whole file.
struct PolicyFile(Policy);

impl<'de> Deserialize<'de> for PolicyFile {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        converted::<_, RawPolicy, _>(deserializer, Node::Mapping)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    version: Option<u32>,
    #[serde(default)]
    rules: Rules,
    #[serde(default)]
    ignores: Vec<IgnoreEntry>,
}

impl TryFrom<RawPolicy> for PolicyFile {
    type Error = String;

    fn try_from(raw: RawPolicy) -> Result<PolicyFile, String> {
        if let Some(version) = raw.version.filter(|v| *v != 1) {
            return Err(format!(
                "policy version {version} is not supported (this scangate reads version 1)"
            ));
        }
        Ok(PolicyFile(Policy {
            rules: raw.rules.0,
            ignores: raw.ignores.into_iter().map(|entry| entry.0).collect(),
        }))
    }
}

/// The rule list; names must be unique, as violations name their rule.
#[derive(Default)]
struct Rules(Vec<Rule>);

impl<'de> Deserialize<'de> for Rules {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        converted::<_, Vec<RuleEntry>, _>(deserializer, Node::List)
    }
}

impl TryFrom<Vec<RuleEntry>> for Rules {
    type Error = String;

    fn try_from(entries: Vec<RuleEntry>) -> Result<Rules, String> {
        let mut names = HashSet::new();
        let rules: Vec<Rule> = entries.into_iter().map(|entry| entry.0).collect();
        match rules.iter().find(|rule| !names.insert(rule.name.as_str())) {
            Some(rule) => Err(format!("two rules are named `{}`", rule.name)),
            None => Ok(Rules(rules)),
        }
    }
}

struct RuleEntry(Rule);

impl<'de> Deserialize<'de> for RuleEntry {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        converted::<_, RawRule, _>(deserializer, Node::Mapping)
    }
}

/// A rule as written: a name, an action and exactly one check.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    name: String,
    action: Action,
    max_findings: Option<RawLimits>,
    blocked: Option<Vec<String>>,
    age: Option<RawAge>,
    licenses: Option<RawLicences>,
    unknown_licenses: Option<bool>,
    kev: Option<bool>,
    epss: Option<RawEpss>,
}

/// The check keys, as the error for a rule without one lists them.
const CHECKS: &str = "max_findings, blocked, age, licenses, unknown_licenses, kev, epss";

impl TryFrom<RawRule> for RuleEntry {
    type Error = String;

    fn try_from(raw: RawRule) -> Result<RuleEntry, String> {
        let name = raw.name.trim().to_string();
        if name.is_empty() {
            return Err("a rule's name is empty".to_string());
        }
        let given = [
            raw.max_findings
                .map(|limits| ("max_findings", limits.check())),
            raw.blocked.map(|ids| ("blocked", blocked(ids))),
            raw.age.map(|age| ("age", Ok(age.check()))),
            raw.licenses.map(|list| ("licenses", list.check())),
            raw.unknown_licenses
                .map(|on| ("unknown_licenses", switch(on, Check::UnknownLicences))),
            raw.kev.map(|on| ("kev", switch(on, Check::Kev))),
            raw.epss.map(|epss| ("epss", epss.check())),
        ];
        let mut given = given.into_iter().flatten();
        let Some((key, check)) = given.next() else {
            return Err(format!(
                "rule `{name}` checks nothing: give it one of {CHECKS}"
            ));
        };
        if let Some((other, _)) = given.next() {
            return Err(format!(
                "rule `{name}` has two checks ({key} and {other}): give each its own rule"
            ));
        }
        let check = check.map_err(|message| format!("rule `{name}`: {key}: {message}"))?;
        Ok(RuleEntry(Rule {
            name,
            action: raw.action,
            check,
        }))
    }
}

/// `kev: true` and `unknown_licenses: true`; `false` would make a rule that never fires.
fn switch(on: bool, check: Check) -> Result<Check, String> {
    if on {
        Ok(check)
    } else {
        Err("false checks nothing: remove the rule, or set it to true".to_string())
    }
}

fn blocked(ids: Vec<String>) -> Result<Check, String> {
    let ids: Vec<String> = ids.iter().map(|id| id.trim().to_string()).collect();
    if ids.is_empty() || ids.iter().any(String::is_empty) {
        return Err("give one or more vulnerability ids".to_string());
    }
    Ok(Check::Blocked(ids))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLimits {
    critical: Option<Scalar<Limit>>,
    high: Option<Scalar<Limit>>,
    medium: Option<Scalar<Limit>>,
    low: Option<Scalar<Limit>>,
    unknown: Option<Scalar<Limit>>,
}

impl RawLimits {
    fn check(self) -> Result<Check, String> {
        let bands = [
            (Severity::Critical, self.critical),
            (Severity::High, self.high),
            (Severity::Medium, self.medium),
            (Severity::Low, self.low),
            (Severity::Unknown, self.unknown),
        ];
        if bands.iter().all(|(_, limit)| limit.is_none()) {
            return Err("give a limit for critical, high, medium, low or unknown".to_string());
        }
        let limits = bands
            .into_iter()
            .filter_map(|(severity, limit)| Some((severity, limit?.0.0?)))
            .collect();
        Ok(Check::MaxFindings(limits))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAge {
    max_days: u32,
    #[serde(default)]
    fixable_only: bool,
}

impl RawAge {
    fn check(self) -> Check {
        Check::Age {
            max_days: self.max_days,
            fixable_only: self.fixable_only,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLicences {
    allow: Option<Vec<Scalar<spdx::Licensee>>>,
    #[serde(default)]
    deny: Vec<Scalar<spdx::Licensee>>,
}

impl RawLicences {
    fn check(self) -> Result<Check, String> {
        let unwrap = |list: Vec<Scalar<spdx::Licensee>>| list.into_iter().map(|l| l.0).collect();
        let allow: Option<Vec<_>> = self.allow.map(unwrap);
        let deny: Vec<_> = unwrap(self.deny);
        match &allow {
            Some(allow) if allow.is_empty() => {
                Err("an empty allow list accepts no licence".to_string())
            }
            None if deny.is_empty() => Err("give an allow list, a deny list or both".to_string()),
            _ => Ok(Check::Licences(LicenceList { allow, deny })),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEpss {
    score: Option<Scalar<Fraction>>,
    percentile: Option<Scalar<Fraction>>,
}

impl RawEpss {
    fn check(self) -> Result<Check, String> {
        let score = self.score.map(|s| s.0.0);
        let percentile = self.percentile.map(|p| p.0.0);
        if score.is_none() && percentile.is_none() {
            return Err("give a score, a percentile or both".to_string());
        }
        Ok(Check::Epss { score, percentile })
    }
}

struct IgnoreEntry(Ignore);

impl<'de> Deserialize<'de> for IgnoreEntry {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        converted::<_, RawIgnore, _>(deserializer, Node::Mapping)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIgnore {
    id: Option<String>,
    package: Option<String>,
    purl: Option<Scalar<PurlPattern>>,
    path: Option<Scalar<PathGlob>>,
    reason: Option<String>,
    expires: Option<Scalar<Date>>,
}

impl TryFrom<RawIgnore> for IgnoreEntry {
    type Error = String;

    fn try_from(raw: RawIgnore) -> Result<IgnoreEntry, String> {
        let trimmed = |s: Option<String>| s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        let ignore = Ignore {
            id: trimmed(raw.id),
            package: trimmed(raw.package),
            purl: raw.purl.map(|p| p.0),
            path: raw.path.map(|p| p.0),
            reason: trimmed(raw.reason).unwrap_or_default(),
            expires: raw.expires.map(|d| d.0),
        };
        if ignore.id.is_none()
            && ignore.package.is_none()
            && ignore.purl.is_none()
            && ignore.path.is_none()
        {
            return Err("an ignore names nothing: give an id, package, purl or path".to_string());
        }
        if ignore.reason.is_empty() {
            return Err(format!("the ignore of {} needs a reason", ignore.target()));
        }
        Ok(IgnoreEntry(ignore))
    }
}
