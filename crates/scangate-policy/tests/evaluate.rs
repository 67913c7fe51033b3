//! Policy evaluation on hand-made findings and packages: each rule kind alone, rules combined,
//! ignores (selectors, aliases, expiry at the boundary date).

use scangate_policy::{Date, Policy};
use scangate_types::{
    Ecosystem, Epss, Finding, FindingPackage, Kev, Location, Package, Severity, Verdict, Violation,
};

const LOG4SHELL: &str =
    "CVE-2021-44228@pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1#legacy/pom.xml";
const LODASH_HIGH: &str = "CVE-2021-23337@pkg:npm/lodash@4.17.20#web/package-lock.json";
const LODASH_MEDIUM: &str = "CVE-2020-28500@pkg:npm/lodash@4.17.20#web/package-lock.json";
const MINIMIST: &str = "CVE-2021-44906@pkg:npm/minimist@1.2.5#web/package-lock.json";
const REQUESTS: &str = "GHSA-j8r2-6x86-q33q@pkg:pypi/requests@2.25.0#worker/requirements.txt";

fn day(text: &str) -> Date {
    text.parse().unwrap()
}

fn finding(id: &str, severity: Severity, purl: &str, path: &str) -> Finding {
    let (name, version) = purl
        .rsplit_once('@')
        .map(|(head, version)| (head.rsplit('/').next().unwrap(), version))
        .unwrap();
    Finding {
        id: id.to_string(),
        aliases: Vec::new(),
        advisories: vec![id.to_string()],
        package: FindingPackage {
            ecosystem: "npm".to_string(),
            name: name.to_string(),
            version: version.to_string(),
            purl: purl.to_string(),
            locations: vec![Location::new(path, Some(3))],
        },
        fixed_versions: Vec::new(),
        severity,
        scores: Vec::new(),
        kev: None,
        epss: None,
        summary: None,
        published: None,
        modified: None,
        references: Vec::new(),
        dependency_paths: Vec::new(),
    }
}

fn epss(cve: &str, score: f64, percentile: f64) -> Option<Epss> {
    Some(Epss {
        cve: cve.to_string(),
        score,
        percentile,
    })
}

/// Five findings in four packages, in the order a scan sorts them.
fn findings() -> Vec<Finding> {
    vec![
        Finding {
            aliases: vec!["GHSA-jfh8-c2jp-5v3q".to_string()],
            fixed_versions: vec!["2.15.0".to_string()],
            kev: Some(Kev {
                cve: "CVE-2021-44228".to_string(),
                date_added: Some("2021-12-10".to_string()),
                due_date: None,
                known_ransomware_use: true,
            }),
            epss: epss("CVE-2021-44228", 0.99999, 1.0),
            published: Some("2021-12-10T00:00:00Z".to_string()),
            ..finding(
                "CVE-2021-44228",
                Severity::Critical,
                "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1",
                "legacy/pom.xml",
            )
        },
        Finding {
            fixed_versions: vec!["4.17.21".to_string()],
            epss: epss("CVE-2021-23337", 0.21, 0.97),
            published: Some("2021-02-15T11:00:00Z".to_string()),
            ..finding(
                "CVE-2021-23337",
                Severity::High,
                "pkg:npm/lodash@4.17.20",
                "web/package-lock.json",
            )
        },
        Finding {
            fixed_versions: vec!["4.17.21".to_string()],
            published: Some("2021-02-15T11:00:00Z".to_string()),
            ..finding(
                "CVE-2020-28500",
                Severity::Medium,
                "pkg:npm/lodash@4.17.20",
                "web/package-lock.json",
            )
        },
        Finding {
            fixed_versions: vec!["1.2.6".to_string()],
            published: Some("2022-03-17T00:00:00Z".to_string()),
            ..finding(
                "CVE-2021-44906",
                Severity::Critical,
                "pkg:npm/minimist@1.2.5",
                "web/package-lock.json",
            )
        },
        // No fix, no date, and an advisory id with the CVE as an alias.
        Finding {
            aliases: vec!["CVE-2023-32681".to_string()],
            ..finding(
                "GHSA-j8r2-6x86-q33q",
                Severity::Low,
                "pkg:pypi/requests@2.25.0",
                "worker/requirements.txt",
            )
        },
    ]
}

fn package(name: &str, licences: &[&str]) -> Package {
    Package::new(
        Ecosystem::Npm,
        name,
        Some("1.0.0".to_string()),
        Location::new("web/package-lock.json", Some(7)),
    )
    .with_licenses(licences.iter().map(|l| l.to_string()).collect())
}

fn packages() -> Vec<Package> {
    vec![
        package("dual", &["MIT OR GPL-3.0-only"]),
        package("both", &["GPL-3.0-only AND MIT"]),
        package("plain", &["MIT"]),
        package("silent", &[]),
        package("closed", &["proprietary"]),
    ]
}

fn policy(yaml: &str) -> Policy {
    Policy::from_yaml(yaml).unwrap()
}

/// Verdict and violations on the fixture findings and packages.
fn judge(yaml: &str, today: &str) -> (Verdict, Vec<Violation>) {
    let outcome = policy(yaml)
        .evaluate(findings(), &packages(), day(today))
        .outcome;
    (outcome.verdict, outcome.violations)
}

fn deny(rule: &str, message: &str, findings: &[&str], packages: &[&str]) -> Violation {
    Violation {
        rule: rule.to_string(),
        action: scangate_types::Action::Deny,
        message: message.to_string(),
        findings: findings.iter().map(|s| s.to_string()).collect(),
        packages: packages.iter().map(|s| s.to_string()).collect(),
    }
}

fn audit(rule: &str, message: &str, findings: &[&str], packages: &[&str]) -> Violation {
    Violation {
        action: scangate_types::Action::Audit,
        ..deny(rule, message, findings, packages)
    }
}

#[test]
fn no_rules_allow_everything() {
    let evaluation = Policy::default().evaluate(findings(), &packages(), day("2026-01-01"));
    assert_eq!(evaluation.outcome.verdict, Verdict::Allow);
    assert!(evaluation.outcome.violations.is_empty());
    assert_eq!(evaluation.findings, findings());
}

#[test]
fn max_findings_counts_each_band_against_its_limit() {
    let yaml = "
rules:
  - name: budget
    action: deny
    max_findings: {critical: 1, high: 1, medium: 0, low: -1}
";
    assert_eq!(
        judge(yaml, "2026-01-01"),
        (
            Verdict::Deny,
            vec![
                deny(
                    "budget",
                    "2 CRITICAL findings, at most 1 allowed",
                    &[LOG4SHELL, MINIMIST],
                    &[]
                ),
                deny(
                    "budget",
                    "1 MEDIUM finding, at most 0 allowed",
                    &[LODASH_MEDIUM],
                    &[]
                ),
            ]
        )
    );
    // At the limit is within it.
    let yaml = "
rules:
  - name: budget
    action: deny
    max_findings: {critical: 2, low: 1}
";
    assert_eq!(judge(yaml, "2026-01-01"), (Verdict::Allow, vec![]));
}

#[test]
fn blocked_ids_match_through_aliases_both_ways() {
    // The GHSA id of a finding whose id is the CVE.
    let yaml = "
rules:
  - name: no-log4shell
    action: deny
    blocked: [ghsa-jfh8-c2jp-5v3q]
";
    assert_eq!(
        judge(yaml, "2026-01-01"),
        (
            Verdict::Deny,
            vec![deny(
                "no-log4shell",
                "1 finding of blocked vulnerabilities: CVE-2021-44228",
                &[LOG4SHELL],
                &[]
            )]
        )
    );
    // The CVE of a finding whose id is the GHSA advisory.
    let yaml = "
rules:
  - name: blocked
    action: audit
    blocked: [CVE-2023-32681, CVE-1999-0001]
";
    assert_eq!(
        judge(yaml, "2026-01-01"),
        (
            Verdict::Audit,
            vec![audit(
                "blocked",
                "1 finding of blocked vulnerabilities: GHSA-j8r2-6x86-q33q",
                &[REQUESTS],
                &[]
            )]
        )
    );
}

#[test]
fn age_counts_whole_days_since_publication() {
    let yaml = "
rules:
  - name: stale
    action: deny
    age: {max_days: 30}
";
    // Log4Shell was published 2021-12-10: 30 days on 2022-01-09 (within), 31 the day after.
    // The lodash findings are older; minimist is newer; requests has no date.
    let older = "2 findings public for more than 30 days: CVE-2021-23337, CVE-2020-28500";
    assert_eq!(
        judge(yaml, "2022-01-09"),
        (
            Verdict::Deny,
            vec![deny("stale", older, &[LODASH_HIGH, LODASH_MEDIUM], &[])]
        )
    );
    let all =
        "3 findings public for more than 30 days: CVE-2021-44228, CVE-2021-23337, CVE-2020-28500";
    assert_eq!(
        judge(yaml, "2022-01-10"),
        (
            Verdict::Deny,
            vec![deny(
                "stale",
                all,
                &[LOG4SHELL, LODASH_HIGH, LODASH_MEDIUM],
                &[]
            )]
        )
    );
}

#[test]
fn age_with_fixable_only_skips_findings_without_a_fix() {
    let mut unfixed = findings();
    unfixed[1].fixed_versions.clear();
    let policy = policy(
        "
rules:
  - name: stale-fixable
    action: audit
    age: {max_days: 365, fixable_only: true}
",
    );
    let outcome = policy
        .evaluate(unfixed, &packages(), day("2022-03-01"))
        .outcome;
    assert_eq!(outcome.verdict, Verdict::Audit);
    assert_eq!(
        outcome.violations,
        [audit(
            "stale-fixable",
            "1 finding public for more than 365 days with a fix available: CVE-2020-28500",
            &[LODASH_MEDIUM],
            &[]
        )]
    );
}

#[test]
fn kev_flags_known_exploited_findings() {
    let yaml = "
rules:
  - name: exploited
    action: deny
    kev: true
";
    assert_eq!(
        judge(yaml, "2026-01-01"),
        (
            Verdict::Deny,
            vec![deny(
                "exploited",
                "1 finding known to be exploited (CISA KEV): CVE-2021-44228",
                &[LOG4SHELL],
                &[]
            )]
        )
    );
}

#[test]
fn epss_flags_scores_and_percentiles_strictly_above_the_limit() {
    let yaml = "
rules:
  - name: likely
    action: audit
    epss: {score: 0.2}
";
    assert_eq!(
        judge(yaml, "2026-01-01"),
        (
            Verdict::Audit,
            vec![audit(
                "likely",
                "2 findings with an EPSS score above 0.2: CVE-2021-44228, CVE-2021-23337",
                &[LOG4SHELL, LODASH_HIGH],
                &[]
            )]
        )
    );
    // lodash's percentile is 0.97: at the limit, not above it.
    let yaml = "
rules:
  - name: likely
    action: audit
    epss: {score: 0.5, percentile: 0.97}
";
    assert_eq!(
        judge(yaml, "2026-01-01"),
        (
            Verdict::Audit,
            vec![audit(
                "likely",
                "1 finding with an EPSS score above 0.5 or percentile above 0.97: CVE-2021-44228",
                &[LOG4SHELL],
                &[]
            )]
        )
    );
}

#[test]
fn licence_rules_evaluate_expressions_and_leave_unknown_ones_to_their_own_rule() {
    let yaml = "
rules:
  - name: permissive
    action: deny
    licenses: {allow: [MIT, Apache-2.0]}
  - name: no-gpl
    action: audit
    licenses: {deny: [GPL-3.0-only]}
  - name: unknown
    action: audit
    unknown_licenses: true
";
    let both = "pkg:npm/both@1.0.0#web/package-lock.json";
    assert_eq!(
        judge(yaml, "2026-01-01"),
        (
            Verdict::Deny,
            vec![
                deny(
                    "permissive",
                    "1 package with a licence the rule does not accept: GPL-3.0-only AND MIT",
                    &[],
                    &[both]
                ),
                audit(
                    "no-gpl",
                    "1 package with a licence the rule does not accept: GPL-3.0-only AND MIT",
                    &[],
                    &[both]
                ),
                audit(
                    "unknown",
                    "2 packages without an SPDX licence (not SPDX: proprietary)",
                    &[],
                    &[
                        "pkg:npm/silent@1.0.0#web/package-lock.json",
                        "pkg:npm/closed@1.0.0#web/package-lock.json"
                    ]
                ),
            ]
        )
    );
}

#[test]
fn deny_rules_come_first_and_decide_the_verdict() {
    let yaml = "
rules:
  - name: medium-budget
    action: audit
    max_findings: {medium: 0}
  - name: exploited
    action: deny
    kev: true
  - name: blocked
    action: audit
    blocked: [CVE-2021-44906]
";
    let (verdict, violations) = judge(yaml, "2026-01-01");
    assert_eq!(verdict, Verdict::Deny);
    let rules: Vec<&str> = violations.iter().map(|v| v.rule.as_str()).collect();
    assert_eq!(rules, ["exploited", "medium-budget", "blocked"]);

    let audit_only = "
rules:
  - name: medium-budget
    action: audit
    max_findings: {medium: 0}
  - name: exploited
    action: deny
    blocked: [CVE-1999-0001]
";
    let (verdict, violations) = judge(audit_only, "2026-01-01");
    assert_eq!(verdict, Verdict::Audit);
    assert_eq!(violations.len(), 1);
}

#[test]
fn ignored_findings_count_toward_no_rule_and_are_listed() {
    let yaml = "
rules:
  - name: exploited
    action: deny
    kev: true
  - name: criticals
    action: deny
    max_findings: {critical: 0}
ignores:
  - id: GHSA-jfh8-c2jp-5v3q
    reason: patched by the JndiLookup removal
  - package: minimist
    reason: build tool only
";
    let evaluation = policy(yaml).evaluate(findings(), &packages(), day("2026-01-01"));
    assert_eq!(evaluation.outcome.verdict, Verdict::Allow);
    assert!(evaluation.outcome.violations.is_empty());
    let ignored: Vec<(&str, &str)> = evaluation
        .outcome
        .ignored
        .iter()
        .map(|i| (i.finding.as_str(), i.reason.as_str()))
        .collect();
    assert_eq!(
        ignored,
        [
            (LOG4SHELL, "patched by the JndiLookup removal"),
            (MINIMIST, "build tool only")
        ]
    );
    let kept: Vec<String> = evaluation.findings.iter().map(Finding::key).collect();
    assert_eq!(kept, [LODASH_HIGH, LODASH_MEDIUM, REQUESTS]);
}

/// Keys of the findings each ignore selector sets aside.
fn ignored_by(selector: &str) -> Vec<String> {
    let yaml = format!("ignores:\n  - {selector}\n    reason: test\n");
    let evaluation = policy(&yaml).evaluate(findings(), &packages(), day("2026-01-01"));
    evaluation
        .outcome
        .ignored
        .into_iter()
        .map(|i| i.finding)
        .collect()
}

#[test]
fn ignore_selectors_match_id_alias_package_purl_and_path() {
    assert_eq!(ignored_by("id: cve-2023-32681"), [REQUESTS]);
    assert_eq!(ignored_by("package: lodash"), [LODASH_HIGH, LODASH_MEDIUM]);
    assert_eq!(
        ignored_by("purl: pkg:npm/lodash"),
        [LODASH_HIGH, LODASH_MEDIUM]
    );
    assert_eq!(
        ignored_by("purl: pkg:npm/lodash@4.17.20"),
        [LODASH_HIGH, LODASH_MEDIUM]
    );
    assert!(ignored_by("purl: pkg:npm/lodash@4.17.21").is_empty());
    // PyPI names are normalised in purls: `Requests` is `requests`.
    assert_eq!(ignored_by("purl: pkg:pypi/Requests"), [REQUESTS]);
    assert_eq!(
        ignored_by("path: 'web/*'"),
        [LODASH_HIGH, LODASH_MEDIUM, MINIMIST]
    );
    // `*` stays within one folder.
    assert!(ignored_by("path: '*.json'").is_empty());
    assert_eq!(
        ignored_by("path: '**/*.json'"),
        [LODASH_HIGH, LODASH_MEDIUM, MINIMIST]
    );
    // Selectors combine: all must match.
    assert_eq!(
        ignored_by("id: CVE-2021-23337\n    path: 'web/**'"),
        [LODASH_HIGH]
    );
    assert!(ignored_by("id: CVE-2021-23337\n    path: 'legacy/**'").is_empty());
}

#[test]
fn an_ignore_applies_through_its_expiry_date_and_stops_the_day_after() {
    let yaml = "
rules:
  - name: exploited
    action: deny
    kev: true
ignores:
  - id: CVE-2021-44228
    path: legacy/pom.xml
    reason: patched by the JndiLookup removal
    expires: 2026-12-01
";
    let on_the_day = policy(yaml).evaluate(findings(), &packages(), day("2026-12-01"));
    assert_eq!(on_the_day.outcome.verdict, Verdict::Allow);
    assert_eq!(on_the_day.outcome.ignored.len(), 1);
    assert_eq!(
        on_the_day.outcome.ignored[0].expires.as_deref(),
        Some("2026-12-01")
    );
    assert!(on_the_day.outcome.expired_ignores.is_empty());

    let day_after = policy(yaml).evaluate(findings(), &packages(), day("2026-12-02"));
    assert_eq!(day_after.outcome.verdict, Verdict::Deny);
    assert!(day_after.outcome.ignored.is_empty());
    assert_eq!(day_after.outcome.violations[0].findings, [LOG4SHELL]);
    let expired = &day_after.outcome.expired_ignores;
    assert_eq!(expired.len(), 1);
    assert_eq!(expired[0].target, "id=CVE-2021-44228, path=legacy/pom.xml");
    assert_eq!(expired[0].reason, "patched by the JndiLookup removal");
    assert_eq!(expired[0].expired, "2026-12-01");
    assert_eq!(day_after.findings.len(), 5);
}

#[test]
fn the_first_matching_ignore_gives_the_reason() {
    let yaml = "
ignores:
  - id: CVE-2021-23337
    reason: first
    expires: 2020-01-01
  - package: lodash
    reason: second
  - id: CVE-2021-23337
    reason: third
";
    let outcome = policy(yaml)
        .evaluate(findings(), &packages(), day("2026-01-01"))
        .outcome;
    let reasons: Vec<&str> = outcome.ignored.iter().map(|i| i.reason.as_str()).collect();
    // The first entry has expired, so the second applies to both lodash findings.
    assert_eq!(reasons, ["second", "second"]);
    assert_eq!(outcome.expired_ignores.len(), 1);
}
