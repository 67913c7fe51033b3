//! SARIF 2.1.0, as code-scanning services read it: one rule per vulnerability, one result per
//! place a vulnerable package is declared, with a fingerprint that stays the same across runs.

use crate::markdown::cell;
use crate::paths::PathNames;
use crate::{Context, fingerprint, layer_label, timestamp};
use scangate_types::{FileIssue, Finding, IssueLevel, Location, ScanResult, Severity};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::io::{self, Write};

/// The `partialFingerprints` key; its value is the hex SHA-256 of [`Finding::key`] (with the place
/// for a package's further places), the same in every run.
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

/// SARIF's levels by severity: CRITICAL and HIGH are errors, MEDIUM warnings, the rest notes.
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
        let paths = names.paths(finding);
        let via = if paths.is_empty() {
            names.without_path(finding).to_string()
        } else {
            paths.join("; ")
        };
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
            let mut logical = vec![json!({
                "name": finding.package.name,
                "fullyQualifiedName": finding.package.purl,
                "kind": "package",
            })];
            // In an image, the layer is where the package came from.
            if let Some(layer) = &location.layer {
                logical.push(json!({
                    "name": layer_label(layer),
                    "fullyQualifiedName": layer.diff_id,
                    "kind": "module",
                }));
            }
            json!({
                "ruleId": finding.id,
                "ruleIndex": rule_index,
                "level": level(finding.severity),
                "message": { "text": message },
                "locations": [{
                    "physicalLocation": physical_location(location),
                    "logicalLocations": logical,
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
    use std::time::{Duration, SystemTime};

    fn sample() -> Value {
        let started = SystemTime::UNIX_EPOCH + Duration::from_secs(1_767_225_600);
        let context = Context {
            color: false,
            started,
            finished: started + Duration::from_secs(3),
        };
        document(&crate::sample::result(), &context)
    }

    #[test]
    fn one_result_per_declaration_with_a_fingerprint_from_the_finding_key() {
        let run = &sample()["runs"][0];
        let results = run["results"].as_array().unwrap();
        let places: Vec<String> = results
            .iter()
            .map(|r| {
                format!(
                    "{} {} {}:{} {}",
                    r["ruleId"].as_str().unwrap(),
                    r["level"].as_str().unwrap(),
                    r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                        .as_str()
                        .unwrap(),
                    r["locations"][0]["physicalLocation"]["region"]["startLine"],
                    &r["partialFingerprints"][FINGERPRINT].as_str().unwrap()[..12],
                )
            })
            .collect();
        assert_eq!(
            places,
            [
                "GHSA-gxpj-cx7g-858c note web/package-lock.json:30 9a9dd7a7e607",
                "GHSA-gxpj-cx7g-858c note web/package-lock.json:90 84db380dbdcf",
                "CVE-2022-24999 error web/package-lock.json:40 02e3569baab3",
            ]
        );
        // The SHA-256 of `GHSA-gxpj-cx7g-858c@pkg:npm/debug@2.6.8#web/package-lock.json`; the
        // second place's adds `|web/package-lock.json|1` (its rank among that file's places).
        assert_eq!(
            results[0]["partialFingerprints"][FINGERPRINT],
            "9a9dd7a7e6079e13c0661fe8affc3888ada161f2089bedbc51a915c163659cd0"
        );
        assert_eq!(
            results[2]["message"]["text"],
            "qs 6.7.0 is affected by CVE-2022-24999 (HIGH, known exploited): qs vulnerable to \
             Prototype Pollution | <b>. Fixed in 6.7.3. Introduced via app-server@1.0.0 > \
             body-parser@1.19.0."
        );
        assert_eq!(
            results[2]["properties"]["dependencyPaths"],
            json!(["app-server@1.0.0 > body-parser@1.19.0"])
        );
    }

    #[test]
    fn rules_carry_scores_vectors_and_help_with_the_fix_and_path() {
        let run = &sample()["runs"][0];
        let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
        let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
        assert_eq!(ids, ["CVE-2022-24999", "GHSA-gxpj-cx7g-858c"]);
        let qs = &rules[0];
        assert_eq!(qs["properties"]["security-severity"], "7.5");
        assert_eq!(
            qs["properties"]["cvssVectors"],
            json!(["CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H"])
        );
        assert_eq!(qs["properties"]["aliases"], json!(["GHSA-hrpp-h998-j3pp"]));
        assert_eq!(
            qs["properties"]["tags"],
            json!(["security", "vulnerability", "npm", "known-exploited"])
        );
        assert_eq!(qs["defaultConfiguration"]["level"], "error");
        assert_eq!(
            qs["help"]["markdown"],
            "**CVE-2022-24999** (also GHSA-hrpp-h998-j3pp): qs vulnerable to Prototype Pollution \
             \\| &lt;b>\n\n\
             CVE-2022-24999 is in CISA's Known Exploited Vulnerabilities catalogue.\n\n\
             | Package | Installed | Fixed in | Declared at | Introduced via |\n\
             |---|---|---|---|---|\n\
             | `qs` | 6.7.0 | 6.7.3 | `web/package-lock.json:40` | app-server@1.0.0 > body-parser@1.19.0 |\n\
             \nReferences:\n\n\
             - <https://github.com/advisories/GHSA-hrpp-h998-j3pp>\n"
        );
        // A LOW label without a CVSS score sorts into the LOW band.
        assert_eq!(rules[1]["properties"]["security-severity"], "0.1");
        assert_eq!(rules[1]["defaultConfiguration"]["level"], "note");
        assert!(
            rules[1]["help"]["markdown"]
                .as_str()
                .unwrap()
                .contains("| `debug` | 2.6.8 | no fixed version yet | `web/package-lock.json:30` | direct dependency |")
        );
    }

    #[test]
    fn the_run_carries_times_unreadable_files_and_the_policy() {
        let run = &sample()["runs"][0];
        let invocation = &run["invocations"][0];
        assert_eq!(invocation["executionSuccessful"], true);
        assert_eq!(invocation["startTimeUtc"], "2026-01-01T00:00:00Z");
        assert_eq!(invocation["endTimeUtc"], "2026-01-01T00:00:03Z");
        assert_eq!(
            invocation["toolExecutionNotifications"],
            json!([{
                "level": "error",
                "message": { "text": "invalid TOML: expected `]`" },
                "locations": [{ "physicalLocation": {
                    "artifactLocation": { "uri": "api/Cargo.lock" },
                    "region": { "startLine": 3 }
                }}]
            }])
        );
        assert_eq!(run["properties"]["policy"]["verdict"], "DENY");
        assert_eq!(
            run["properties"]["policy"]["violations"][0]["findings"],
            json!(["CVE-2022-24999@pkg:npm/qs@6.7.0#web/package-lock.json"])
        );
        assert_eq!(run["tool"]["driver"]["name"], "scangate");
        assert_eq!(run["tool"]["driver"]["version"], "0.0.0-test");
    }

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

    #[test]
    fn in_an_image_the_layer_is_a_logical_location_and_the_fingerprint_does_not_change() {
        let started = SystemTime::UNIX_EPOCH;
        let context = Context {
            color: false,
            started,
            finished: started,
        };
        let plain = document(&crate::sample::result(), &context);
        let mut result = crate::sample::result();
        result.findings[0].package.locations[0].layer = Some(scangate_types::LayerRef {
            index: 1,
            diff_id: "sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef"
                .into(),
            created_by: Some("RUN /bin/sh -c apt-get install -y curl # buildkit".into()),
        });
        let layered = document(&result, &context);
        let result_of = |doc: &Value| doc["runs"][0]["results"][0].clone();
        assert_eq!(
            result_of(&layered)["locations"][0]["logicalLocations"][1],
            json!({
                "name": "layer 2: RUN /bin/sh -c apt-get install -y curl",
                "fullyQualifiedName": "sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef",
                "kind": "module",
            })
        );
        // A rebuilt image has other layer digests; the same finding keeps its fingerprint.
        assert_eq!(
            result_of(&layered)["partialFingerprints"],
            result_of(&plain)["partialFingerprints"]
        );
    }
}
