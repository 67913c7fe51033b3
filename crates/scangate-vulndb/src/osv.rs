//! The OSV record, as the OSV schema (1.7) describes it.
//!
//! Only `id` and `modified` are required, as in the schema; every other field may be missing or
//! `null`. Unknown fields are ignored, so records written to a newer schema still parse.
//! `ecosystem_specific` and `database_specific` stay raw JSON: their shape is each database's own.
//! Timestamps stay the RFC 3339 strings the record holds.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

/// One OSV advisory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Advisory {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema_version: Option<String>,
    pub id: String,
    pub modified: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<String>,
    /// Set when the advisory was retracted; such advisories are never returned by lookups.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withdrawn: Option<String>,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub aliases: Vec<String>,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub related: Vec<String>,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub upstream: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<String>,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub severity: Vec<Severity>,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub affected: Vec<Affected>,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub references: Vec<Reference>,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub credits: Vec<Credit>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub database_specific: Option<Value>,
}

/// A severity score: `type` is `CVSS_V2`, `CVSS_V3`, `CVSS_V4`, `Ubuntu`, ...; `score` is the
/// vector or rating in that type's notation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Severity {
    #[serde(rename = "type")]
    pub kind: String,
    pub score: String,
}

/// The versions of one package an advisory affects.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Affected {
    /// Missing only in records that describe a bare git repository.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package: Option<AffectedPackage>,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub severity: Vec<Severity>,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub ranges: Vec<Range>,
    /// Affected versions listed one by one, in addition to `ranges`.
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub versions: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ecosystem_specific: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub database_specific: Option<Value>,
}

/// A package as OSV names it: `ecosystem` is the full string (`PyPI`, `Debian:11`,
/// `Alpine:v3.11`), `name` as the ecosystem writes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AffectedPackage {
    pub ecosystem: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purl: Option<String>,
}

/// A version range: events in the order the record gives them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Range {
    #[serde(rename = "type")]
    pub kind: RangeKind,
    /// The repository of a `GIT` range.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repo: Option<String>,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub events: Vec<Event>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub database_specific: Option<Value>,
}

/// How a range's versions are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum RangeKind {
    /// SemVer 2.0 ordering.
    Semver,
    /// The ecosystem's own ordering (PEP 440, dpkg, apk, RubyGems, ...).
    Ecosystem,
    /// Commit hashes in a git repository's history.
    Git,
}

/// One event of a range, an object with a single key in JSON (`{"fixed": "1.2.3"}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Event {
    /// Versions from this one on are affected (`"0"`: from the first version).
    Introduced(String),
    /// Versions from this one on are not affected.
    Fixed(String),
    /// The last affected version; later ones are not affected.
    LastAffected(String),
    /// An upper bound on the range, used with `GIT` ranges.
    Limit(String),
}

/// A link to more information.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reference {
    /// `ADVISORY`, `ARTICLE`, `DETECTION`, `DISCUSSION`, `REPORT`, `FIX`, `INTRODUCED`,
    /// `PACKAGE`, `EVIDENCE` or `WEB`.
    #[serde(rename = "type")]
    pub kind: String,
    pub url: String,
}

/// Someone credited for the advisory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Credit {
    pub name: String,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub contact: Vec<String>,
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
}

/// A list field that some databases write as `null`: read as empty.
fn nullable<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Option::<Vec<T>>::deserialize(deserializer)?.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_record_parses_and_unknown_fields_are_ignored() {
        let json = r#"{
          "schema_version": "1.6.0",
          "id": "EX-2024-1",
          "modified": "2024-02-01T00:00:00Z",
          "published": "2024-01-01T00:00:00Z",
          "aliases": ["CVE-2024-0001"],
          "related": null,
          "summary": "bad thing",
          "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
          "affected": [{
            "package": {"ecosystem": "PyPI", "name": "Example_Pkg", "purl": "pkg:pypi/example-pkg"},
            "ranges": [
              {"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.2"}]},
              {"type": "GIT", "repo": "https://git.example.invalid/x",
               "events": [{"introduced": "abc"}, {"limit": "def"}]}
            ],
            "versions": ["1.0", "1.1"],
            "ecosystem_specific": {"affects": {"functions": ["f"]}}
          }],
          "references": [{"type": "WEB", "url": "https://example.invalid/a"}],
          "credits": [{"name": "Someone", "contact": ["mailto:x@example.invalid"], "type": "FINDER"}],
          "database_specific": {"severity": "HIGH"},
          "a_field_from_the_future": {"x": 1}
        }"#;
        let advisory: Advisory = serde_json::from_str(json).unwrap();
        assert_eq!(advisory.id, "EX-2024-1");
        assert_eq!(advisory.aliases, ["CVE-2024-0001"]);
        assert!(advisory.related.is_empty());
        assert_eq!(advisory.severity[0].kind, "CVSS_V3");
        let affected = &advisory.affected[0];
        assert_eq!(affected.package.as_ref().unwrap().name, "Example_Pkg");
        assert_eq!(affected.ranges[0].kind, RangeKind::Ecosystem);
        assert_eq!(
            affected.ranges[0].events,
            [Event::Introduced("0".into()), Event::Fixed("1.2".into())]
        );
        assert_eq!(affected.ranges[1].events[1], Event::Limit("def".into()));
        assert_eq!(
            affected.ecosystem_specific.as_ref().unwrap()["affects"]["functions"][0],
            "f"
        );
        assert_eq!(advisory.credits[0].kind.as_deref(), Some("FINDER"));
        assert_eq!(
            advisory.database_specific.as_ref().unwrap()["severity"],
            "HIGH"
        );
    }

    #[test]
    fn a_minimal_record_parses_and_round_trips() {
        let advisory: Advisory =
            serde_json::from_str(r#"{"id": "EX-1", "modified": "2024-01-01T00:00:00Z"}"#).unwrap();
        assert!(advisory.affected.is_empty() && advisory.withdrawn.is_none());
        assert_eq!(
            serde_json::to_string(&advisory).unwrap(),
            r#"{"id":"EX-1","modified":"2024-01-01T00:00:00Z"}"#
        );
    }

    #[test]
    fn last_affected_events_and_missing_required_fields() {
        let event: Event = serde_json::from_str(r#"{"last_affected": "2.0"}"#).unwrap();
        assert_eq!(event, Event::LastAffected("2.0".into()));
        let err = serde_json::from_str::<Advisory>(r#"{"id": "EX-1"}"#).unwrap_err();
        assert_eq!(
            err.to_string(),
            "missing field `modified` at line 1 column 14"
        );
    }
}
