//! JUnit XML, for CI test-report views: a test suite per scanned file with a failing test case
//! per vulnerable package, an error case per file that could not be read, and a `policy` suite
//! with a failing case per broken rule.

use crate::paths::PathNames;
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};
use scangate_types::{Finding, IssueLevel, PolicyOutcome, ScanResult};
use std::collections::BTreeMap;
use std::io::{self, Write};

pub fn write(result: &ScanResult, out: &mut dyn Write) -> io::Result<()> {
    let suites = suites(result);
    let count = |f: fn(&Case) -> bool| {
        suites
            .iter()
            .flat_map(|s| &s.cases)
            .filter(|c| f(c))
            .count()
    };
    let mut writer = Writer::new_with_indent(out, b' ', 2);
    writer.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    writer
        .create_element("testsuites")
        .with_attributes([
            ("name", result.tool.name.as_str()),
            ("tests", &count(|_| true).to_string()),
            ("failures", &count(Case::failed).to_string()),
            ("errors", &count(Case::errored).to_string()),
        ])
        .write_inner_content(|writer| suites.iter().try_for_each(|suite| suite.write(writer)))?;
    writer.get_mut().write_all(b"\n")
}

struct Suite {
    name: String,
    properties: Vec<(&'static str, String)>,
    cases: Vec<Case>,
}

struct Case {
    name: String,
    classname: String,
    outcome: Outcome,
}

enum Outcome {
    Failure {
        message: String,
        kind: String,
        text: String,
    },
    Error {
        message: String,
    },
}

impl Case {
    fn failed(&self) -> bool {
        matches!(self.outcome, Outcome::Failure { .. })
    }

    fn errored(&self) -> bool {
        matches!(self.outcome, Outcome::Error { .. })
    }

    fn write<W: Write>(&self, writer: &mut Writer<W>) -> io::Result<()> {
        writer
            .create_element("testcase")
            .with_attributes([
                ("name", xml_text(&self.name).as_str()),
                ("classname", xml_text(&self.classname).as_str()),
            ])
            .write_inner_content(|writer| {
                let element = match &self.outcome {
                    Outcome::Failure {
                        message,
                        kind,
                        text,
                    } => writer
                        .create_element("failure")
                        .with_attributes([
                            ("message", xml_text(message).as_str()),
                            ("type", kind.as_str()),
                        ])
                        .write_text_content(BytesText::new(&xml_text(text))),
                    Outcome::Error { message } => writer
                        .create_element("error")
                        .with_attributes([
                            ("message", xml_text(message).as_str()),
                            ("type", "unreadable"),
                        ])
                        .write_empty(),
                };
                element.map(|_| ())
            })?;
        Ok(())
    }
}

impl Suite {
    fn write<W: Write>(&self, writer: &mut Writer<W>) -> io::Result<()> {
        let failures = self.cases.iter().filter(|c| c.failed()).count();
        let errors = self.cases.iter().filter(|c| c.errored()).count();
        writer
            .create_element("testsuite")
            .with_attributes([
                ("name", xml_text(&self.name).as_str()),
                ("tests", &self.cases.len().to_string()),
                ("failures", &failures.to_string()),
                ("errors", &errors.to_string()),
                ("skipped", "0"),
            ])
            .write_inner_content(|writer| {
                if !self.properties.is_empty() {
                    writer
                        .create_element("properties")
                        .write_inner_content(|writer| {
                            for (name, value) in &self.properties {
                                writer
                                    .create_element("property")
                                    .with_attributes([
                                        ("name", *name),
                                        ("value", xml_text(value).as_str()),
                                    ])
                                    .write_empty()?;
                            }
                            Ok(())
                        })?;
                }
                self.cases.iter().try_for_each(|case| case.write(writer))
            })?;
        Ok(())
    }
}

/// A suite per file that was read, gave findings or could not be read, in path order; then the
/// policy's.
fn suites(result: &ScanResult) -> Vec<Suite> {
    let names = PathNames::new(result);
    let mut by_file: BTreeMap<&str, Vec<Case>> = result
        .inventory
        .files
        .iter()
        .map(|f| (f.path.as_str(), Vec::new()))
        .collect();
    for issue in result
        .inventory
        .issues
        .iter()
        .filter(|i| i.level == IssueLevel::Error)
    {
        by_file.entry(&issue.path).or_default().push(Case {
            name: "read".to_string(),
            classname: issue.path.clone(),
            outcome: Outcome::Error {
                message: issue.to_string(),
            },
        });
    }
    let mut by_package: BTreeMap<(&str, &str), Vec<&Finding>> = BTreeMap::new();
    for finding in &result.findings {
        let file = finding.package.locations[0].path.as_str();
        by_package
            .entry((file, &finding.package.purl))
            .or_default()
            .push(finding);
    }
    for ((file, _), findings) in by_package {
        by_file
            .entry(file)
            .or_default()
            .push(package_case(file, &findings, &names));
    }
    let mut suites: Vec<Suite> = by_file
        .into_iter()
        .map(|(file, cases)| Suite {
            name: file.to_string(),
            properties: Vec::new(),
            cases,
        })
        .collect();
    if let Some(policy) = &result.policy {
        suites.push(policy_suite(policy));
    }
    suites
}

/// A vulnerable package: one failure listing each of its findings.
fn package_case(file: &str, findings: &[&Finding], names: &PathNames) -> Case {
    let package = &findings[0].package;
    let ids: Vec<String> = findings
        .iter()
        .map(|f| format!("{} ({})", f.id, f.severity.as_str()))
        .collect();
    let text: Vec<String> = findings
        .iter()
        .map(|f| {
            let mut line = format!("{} {}", f.id, f.severity.as_str());
            if f.kev.is_some() {
                line.push_str(" known exploited");
            }
            if let Some(summary) = &f.summary {
                line.push_str(&format!(": {summary}"));
            }
            match f.fixed_versions.first() {
                Some(fix) => line.push_str(&format!("; fixed in {fix}")),
                None => line.push_str("; no fixed version yet"),
            }
            if let Some(via) = names.via(f) {
                line.push_str(&format!("; {via}"));
            }
            line
        })
        .collect();
    Case {
        name: format!("{}@{}", package.name, package.version),
        classname: file.to_string(),
        outcome: Outcome::Failure {
            message: format!(
                "{} at {}: {}",
                match findings.len() {
                    1 => "1 vulnerability".to_string(),
                    n => format!("{n} vulnerabilities"),
                },
                package.locations[0],
                ids.join(", ")
            ),
            kind: "vulnerability".to_string(),
            text: text.join("\n"),
        },
    }
}

/// The verdict as a property, and a failure per broken rule naming what broke it.
fn policy_suite(policy: &PolicyOutcome) -> Suite {
    let cases = policy
        .violations
        .iter()
        .map(|violation| Case {
            name: violation.rule.clone(),
            classname: "policy".to_string(),
            outcome: Outcome::Failure {
                message: violation.message.clone(),
                kind: format!("{:?}", violation.action).to_lowercase(),
                text: violation
                    .findings
                    .iter()
                    .chain(&violation.packages)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join("\n"),
            },
        })
        .collect();
    Suite {
        name: "policy".to_string(),
        properties: vec![("verdict", format!("{:?}", policy.verdict).to_uppercase())],
        cases,
    }
}

/// Text without the characters XML 1.0 cannot carry (control characters an advisory may hold).
fn xml_text(text: &str) -> String {
    text.chars()
        .filter(|&c| {
            matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}')
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A suite per file (the unreadable one too), a failing case per vulnerable package with
    /// the control character of a summary dropped and markup escaped, and the policy's suite.
    #[test]
    fn suites_per_file_and_for_the_policy() {
        let mut out = Vec::new();
        write(&crate::sample::result(), &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            r#"<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="scangate" tests="4" failures="3" errors="1">
  <testsuite name="api/Cargo.lock" tests="1" failures="0" errors="1" skipped="0">
    <testcase name="read" classname="api/Cargo.lock">
      <error message="api/Cargo.lock:3: invalid TOML: expected `]`" type="unreadable"/>
    </testcase>
  </testsuite>
  <testsuite name="web/package-lock.json" tests="2" failures="2" errors="0" skipped="0">
    <testcase name="debug@2.6.8" classname="web/package-lock.json">
      <failure message="1 vulnerability at web/package-lock.json:30: GHSA-gxpj-cx7g-858c (LOW)" type="vulnerability">GHSA-gxpj-cx7g-858c LOW: Regular Expression Denial of Service in debug; no fixed version yet</failure>
    </testcase>
    <testcase name="qs@6.7.0" classname="web/package-lock.json">
      <failure message="1 vulnerability at web/package-lock.json:40: CVE-2022-24999 (HIGH)" type="vulnerability">CVE-2022-24999 HIGH known exploited: qs vulnerable to Prototype Pollution | &lt;b&gt;; fixed in 6.7.3; via app-server@1.0.0 &gt; body-parser@1.19.0</failure>
    </testcase>
  </testsuite>
  <testsuite name="policy" tests="1" failures="1" errors="0" skipped="0">
    <properties>
      <property name="verdict" value="DENY"/>
    </properties>
    <testcase name="no-high" classname="policy">
      <failure message="1 finding at HIGH or above (at most 0 allowed)" type="deny">CVE-2022-24999@pkg:npm/qs@6.7.0#web/package-lock.json</failure>
    </testcase>
  </testsuite>
</testsuites>
"#
        );
    }

    #[test]
    fn control_characters_are_dropped() {
        assert_eq!(xml_text("a\u{0}b\u{1b}c\td\ne"), "abc\td\ne");
        assert_eq!(xml_text("<x & \"y\">"), "<x & \"y\">");
    }
}
