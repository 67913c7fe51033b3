//! SARIF 2.1.0, as code-scanning services read it: one rule per vulnerability, one result per
//! place a vulnerable package is declared, with a fingerprint that stays the same across runs.

use crate::markdown::cell;
use crate::paths::PathNames;
use crate::{Context, fingerprint, timestamp};
use scangate_types::{FileIssue, Finding, IssueLevel, Location, ScanResult, Severity};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::io::{self, Write};

/// The `partialFingerprints` key: the SHA-256 of [`Finding::key`] (see [`fingerprint`]).
pub const FINGERPRINT: &str = "findingKeyHash/v1";

pub fn write(result: &ScanResult, context: &Context, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &document(result, context))?;
    writeln!(out)
}

fn document(result: &ScanResult, context: &Context) -> Value {
    let names = PathNames::new(result);
    let mut by_id: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for finding in &result.findings {
        by_id.entry(&finding.id).or_default().push(finding);
    }
    let rule_index: BTreeMap<&str, usize> =
        by_id.keys().enumerate().map(|(i, id)| (*id, i)).collect();
    let rules: Vec<Value> = by_id
        .values()
        .map(|findings| rule(findings, &names))
        .collect();
    let results: Vec<Value> = result
        .findings
        .iter()
        .flat_map(|finding| results(finding, rule_index[finding.id.as_str()], &names))
        .collect();

    let mut properties = json!({ "target": result.target });
    if let Some(database) = &result.database {
        properties["database"] = json!(database);
    }
    if let Some(policy) = &result.policy {
        properties["policy"] = json!(policy);
    }
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": result.tool.name,
                    "version": result.tool.version,
                    "semanticVersion": result.tool.version,
                    "informationUri": env!("CARGO_PKG_REPOSITORY"),
                    "rules": rules,
                }
            },
            "invocations": [{
                "executionSuccessful": true,
                "startTimeUtc": timestamp(context.started),
                "endTimeUtc": timestamp(context.finished),
                "toolExecutionNotifications":
                    result.inventory.issues.iter().map(notification).collect::<Vec<_>>(),
            }],
            "columnKind": "utf16CodeUnits",
            "results": results,
            "properties": properties,
        }]
    })
}

/// CRITICAL and HIGH stop a build, MEDIUM is worth a look, the rest is information.
fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Unknown => "note",
    }
}

/// The rule of one vulnerability id, from every finding that has it (one per affected package).
fn rule(findings: &[&Finding], names: &PathNames) -> Value {
    let first = findings[0];
    let severity = findings
        .iter()
        .map(|f| f.severity)
        .max()
        .unwrap_or(first.severity);
    let summary = first.summary.clone().unwrap_or_else(|| first.id.clone());
    let mut vectors: Vec<&str> = Vec::new();
    for score in findings.iter().flat_map(|f| &f.scores) {
        if score.kind.starts_with("CVSS") && !vectors.contains(&score.value.as_str()) {
            vectors.push(&score.value);
        }
    }
    let mut tags = vec!["security".to_string(), "vulnerability".to_string()];
    for finding in findings {
        if !tags.contains(&finding.package.ecosystem) {
            tags.push(finding.package.ecosystem.clone());
        }
    }
    if first.kev.is_some() {
        tags.push("known-exploited".to_string());
    }
    let mut properties = json!({
        "tags": tags,
        "precision": "very-high",
        "aliases": first.aliases,
        "cvssVectors": vectors,
        "severity": severity.as_str(),
    });
    if let Some(score) = security_severity(findings, severity) {
        properties["security-severity"] = json!(score);
    }
    let (text, markdown) = help(findings, names);
    json!({
        "id": first.id,
        "shortDescription": { "text": summary },
        "fullDescription": { "text": full_description(first) },
        "helpUri": help_uri(first),
        "help": { "text": text, "markdown": markdown },
        "defaultConfiguration": { "level": level(severity) },
        "properties": properties,
    })
}

fn full_description(finding: &Finding) -> String {
    let summary = finding
        .summary
        .as_deref()
        .unwrap_or("A known vulnerability");
    match finding.aliases.as_slice() {
        [] => format!("{}: {summary}", finding.id),
        aliases => format!("{} ({}): {summary}", finding.id, aliases.join(", ")),
    }
}

/// The first web reference the advisories give, else the OSV page of the id.
fn help_uri(finding: &Finding) -> String {
    finding
        .references
        .iter()
        .find(|url| url.starts_with("https://") && !url.contains(char::is_whitespace))
        .cloned()
        .unwrap_or_else(|| format!("https://osv.dev/vulnerability/{}", finding.id))
}

/// The highest CVSS base score as code scanning wants it (`"9.8"`). Without any, the lowest score
/// of the severity label's band, so that the finding sorts into the same band; none for UNKNOWN.
fn security_severity(findings: &[&Finding], severity: Severity) -> Option<String> {
    let highest = findings
        .iter()
        .flat_map(|f| &f.scores)
        .filter_map(|s| s.base_score)
        .fold(None, |max: Option<f64>, s| {
            Some(max.map_or(s, |m| m.max(s)))
        });
    let score = highest.or(match severity {
        Severity::Critical => Some(9.0),
        Severity::High => Some(7.0),
        Severity::Medium => Some(4.0),
        Severity::Low => Some(0.1),
        Severity::Unknown => None,
    })?;
    Some(format!("{score:.1}"))
}

/// The rule's help: what the vulnerability is, then each affected package with its fix and the
/// dependency path that pulls it in; plain text and Markdown.
fn help(findings: &[&Finding], names: &PathNames) -> (String, String) {
    let first = findings[0];
    let mut text = full_description(first);
    let mut markdown = format!(
        "**{}**{}: {}\n\n",
        first.id,
        match first.aliases.as_slice() {
            [] => String::new(),
            aliases => format!(" (also {})", aliases.join(", ")),
        },
        cell(first.summary.as_deref().unwrap_or("a known vulnerability"))
    );
    if let Some(kev) = &first.kev {
        let line = format!(
            "{} is in CISA's Known Exploited Vulnerabilities catalogue.",
            kev.cve
        );
        text.push_str(&format!("\n{line}"));
        markdown.push_str(&format!("{line}\n\n"));
    }
    markdown.push_str("| Package | Installed | Fixed in | Declared at | Introduced via |\n");
    markdown.push_str("|---|---|---|---|---|\n");
    for finding in findings {
        let fixed = fixed(finding);
        let via = names.introduced(finding);
        let at = finding.package.locations[0].to_string();
        text.push_str(&format!(
            "\n{} {} at {at}: fixed in {fixed}; introduced via {via}.",
            finding.package.name, finding.package.version
        ));
        markdown.push_str(&format!(
            "| `{}` | {} | {} | `{}` | {} |\n",
            cell(&finding.package.name),
            cell(&finding.package.version),
            cell(&fixed),
            cell(&at),
            cell(&via)
        ));
    }
    let links: Vec<&String> = first
        .references
        .iter()
        .filter(|url| url.starts_with("http") && !url.contains(char::is_whitespace))
        .collect();
    if !links.is_empty() {
        markdown.push_str("\nReferences:\n\n");
        for url in links {
            markdown.push_str(&format!("- <{url}>\n"));
        }
    }
    (text, markdown)
}

/// The fixed versions, nearest first, or what to say without one.
fn fixed(finding: &Finding) -> String {
    match finding.fixed_versions.as_slice() {
        [] => "no fixed version yet".to_string(),
        fixes => fixes.join(", "),
    }
}

/// One result per place the package is declared.
fn results(finding: &Finding, rule_index: usize, names: &PathNames) -> Vec<Value> {
    let message = message(finding, names);
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    finding
        .package
        .locations
        .iter()
        .enumerate()
        .map(|(i, location)| {
            let occurrence = seen.entry(&location.path).or_default();
            // The primary location's fingerprint is the finding key's; others add their place.
            let suffix = if i == 0 {
                String::new()
            } else {
                format!("|{}|{occurrence}", location.path)
            };
            *occurrence += 1;
            json!({
                "ruleId": finding.id,
                "ruleIndex": rule_index,
                "level": level(finding.severity),
                "message": { "text": message },
                "locations": [{
                    "physicalLocation": physical_location(location),
                    "logicalLocations": [{
                        "name": finding.package.name,
                        "fullyQualifiedName": finding.package.purl,
                        "kind": "package",
                    }],
                }],
                "partialFingerprints": { FINGERPRINT: fingerprint(finding, &suffix) },
                "properties": {
                    "purl": finding.package.purl,
                    "installedVersion": finding.package.version,
                    "fixedVersions": finding.fixed_versions,
                    "severity": finding.severity.as_str(),
                    "dependencyPaths": names.paths(finding),
                },
            })
        })
        .collect()
}

fn message(finding: &Finding, names: &PathNames) -> String {
    let mut message = format!(
        "{} {} is affected by {} ({}{})",
        finding.package.name,
        finding.package.version,
        finding.id,
        finding.severity.as_str(),
        if finding.kev.is_some() {
            ", known exploited"
        } else {
            ""
        }
    );
    if let Some(summary) = &finding.summary {
        message.push_str(&format!(": {}", summary.trim_end_matches('.')));
    }
    message.push_str(&format!(". Fixed in {}.", fixed(finding)));
    if let Some(via) = names.via(finding) {
        message.push_str(&format!(" Introduced {via}."));
    }
    message
}

fn physical_location(location: &Location) -> Value {
    let mut physical = json!({ "artifactLocation": { "uri": uri(&location.path) } });
    if let Some(line) = location.line {
        physical["region"] = json!({ "startLine": line });
    }
    physical
}

/// A relative path as a URI reference: every byte outside the unreserved set and `/` is
/// percent-encoded.
fn uri(path: &str) -> String {
    let mut uri = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            uri.push(byte as char);
        } else {
            uri.push_str(&format!("%{byte:02X}"));
        }
    }
    uri
}

/// A file that could not be read, or something a cataloger could not resolve.
fn notification(issue: &FileIssue) -> Value {
    json!({
        "level": match issue.level {
            IssueLevel::Error => "error",
            IssueLevel::Warning => "warning",
        },
        "message": { "text": issue.message },
        "locations": [{
            "physicalLocation": physical_location(&Location::new(issue.path.clone(), issue.line)),
        }],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(uri("web/package-lock.json"), "web/package-lock.json");
        assert_eq!(uri("My App/ü#1.csproj"), "My%20App/%C3%BC%231.csproj");
    }

    #[test]
    fn levels_follow_severity() {
        assert_eq!(level(Severity::Critical), "error");
        assert_eq!(level(Severity::High), "error");
        assert_eq!(level(Severity::Medium), "warning");
        assert_eq!(level(Severity::Low), "note");
        assert_eq!(level(Severity::Unknown), "note");
    }
}
