//! A small scan result for the reports' unit tests: an npm lockfile where `app-server` (direct)
//! pulls in `qs` through `body-parser`, a vulnerable direct `debug` declared twice, a file that
//! could not be read, and a policy that denies.

use scangate_types::{
    Action, DatabaseInfo, DependencyGraph, Ecosystem, ExpiredIgnore, FileIssue, Finding,
    FindingPackage, Ignored, Inventory, IssueLevel, Kev, Location, Package, PolicyOutcome,
    Relationship, ScanResult, ScanTarget, ScannedFile, Score, Severity, Verdict, Violation,
};

const LOCK: &str = "web/package-lock.json";

fn package(name: &str, version: &str, line: u32, relationship: Relationship) -> Package {
    Package::new(
        Ecosystem::Npm,
        name,
        Some(version.to_string()),
        Location::new(LOCK, Some(line)),
    )
    .with_relationship(relationship)
}

fn finding(package: &Package, id: &str, severity: Severity) -> Finding {
    Finding {
        id: id.to_string(),
        aliases: Vec::new(),
        advisories: vec![id.to_string()],
        package: FindingPackage {
            ecosystem: "npm".to_string(),
            name: package.name.clone(),
            version: package.version.clone().unwrap(),
            purl: package.purl.clone(),
            locations: package.locations.clone(),
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

pub fn result() -> ScanResult {
    let mut app = package("app-server", "1.0.0", 10, Relationship::Direct);
    app.depends_on("body-parser", Some("1.19.0"));
    let mut parser = package("body-parser", "1.19.0", 20, Relationship::Transitive);
    parser.depends_on("qs", Some("6.7.0"));
    let mut debug = package("debug", "2.6.8", 30, Relationship::Direct);
    debug.locations.push(Location::new(LOCK, Some(90)));
    let qs = package("qs", "6.7.0", 40, Relationship::Transitive);
    let packages = vec![app, parser, debug.clone(), qs.clone()];

    let mut qs_finding = finding(&qs, "CVE-2022-24999", Severity::High);
    qs_finding.aliases = vec!["GHSA-hrpp-h998-j3pp".to_string()];
    qs_finding.fixed_versions = vec!["6.7.3".to_string()];
    qs_finding.summary = Some("qs vulnerable to Prototype Pollution | <b>".to_string());
    qs_finding.scores = vec![Score {
        source: "GHSA-hrpp-h998-j3pp".to_string(),
        kind: "CVSS_V3".to_string(),
        value: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H".to_string(),
        base_score: Some(7.5),
    }];
    qs_finding.kev = Some(Kev {
        cve: "CVE-2022-24999".to_string(),
        date_added: None,
        due_date: None,
        known_ransomware_use: false,
    });
    qs_finding.references = vec!["https://github.com/advisories/GHSA-hrpp-h998-j3pp".to_string()];
    let mut debug_finding = finding(&debug, "GHSA-gxpj-cx7g-858c", Severity::Low);
    debug_finding.summary = Some("Regular Expression Denial of Service in debug\u{1b}".to_string());
    let mut findings = vec![debug_finding, qs_finding];
    DependencyGraph::new(&packages).attach(&mut findings);

    let mut result = ScanResult::new(
        ScanTarget {
            kind: "filesystem".to_string(),
            name: "demo".to_string(),
        },
        Inventory {
            packages,
            files: vec![ScannedFile {
                path: LOCK.to_string(),
                cataloger: "npm-package-lock".to_string(),
                packages: 4,
            }],
            issues: vec![FileIssue {
                path: "api/Cargo.lock".to_string(),
                line: Some(3),
                level: IssueLevel::Error,
                message: "invalid TOML: expected `]`".to_string(),
            }],
        },
    );
    result.tool.version = "0.0.0-test".to_string();
    result.database = Some(DatabaseInfo {
        built_at: "2026-01-02T03:04:05Z".to_string(),
        advisories: 2,
    });
    result.findings = findings;
    result.policy = Some(PolicyOutcome {
        verdict: Verdict::Deny,
        violations: vec![Violation {
            rule: "no-high".to_string(),
            action: Action::Deny,
            message: "1 finding at HIGH or above (at most 0 allowed)".to_string(),
            findings: vec![result.findings[1].key()],
            packages: Vec::new(),
        }],
        ignored: vec![Ignored {
            finding: result.findings[0].key(),
            reason: "not reachable".to_string(),
            expires: Some("2027-01-01".to_string()),
        }],
        expired_ignores: vec![ExpiredIgnore {
            target: "CVE-2020-0001".to_string(),
            reason: "waiting for upstream".to_string(),
            expired: "2026-01-01".to_string(),
        }],
    });
    result
}
