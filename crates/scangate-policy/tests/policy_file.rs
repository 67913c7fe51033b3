//! Reading policy files: the shipped example, and every kind of mistake named with its line.

use scangate_policy::{Check, Policy};
use scangate_types::{Action, Severity};
use std::path::PathBuf;

fn example() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/policy.yaml")
}

/// `line: message` of the error a policy text gives.
fn error(yaml: &str) -> String {
    Policy::from_yaml(yaml).unwrap_err().to_string()
}

#[test]
fn the_example_policy_reads_as_documented() {
    let policy = Policy::load(&example()).unwrap();
    let rules: Vec<(&str, Action)> = policy
        .rules
        .iter()
        .map(|rule| (rule.name.as_str(), rule.action))
        .collect();
    assert_eq!(
        rules,
        [
            ("severity-budget", Action::Deny),
            ("log4shell", Action::Deny),
            ("known-exploited", Action::Deny),
            ("likely-exploited", Action::Audit),
            ("stale-fixable", Action::Audit),
            ("permissive-licences", Action::Audit),
            ("no-network-copyleft", Action::Deny),
            ("unknown-licences", Action::Audit),
        ]
    );
    let Check::MaxFindings(limits) = &policy.rules[0].check else {
        panic!("{:?}", policy.rules[0].check)
    };
    // `medium: -1` is no limit, so it is not listed.
    assert_eq!(limits, &[(Severity::Critical, 0), (Severity::High, 5)]);
    let targets: Vec<String> = policy.ignores.iter().map(|i| i.target()).collect();
    assert_eq!(
        targets,
        [
            "id=CVE-2022-23437",
            "id=CVE-2020-14343, path=worker/**",
            "purl=pkg:gem/rack"
        ]
    );
    assert_eq!(
        policy.ignores[0].expires.map(|d| d.to_string()).as_deref(),
        Some("2026-12-01")
    );
}

#[test]
fn an_empty_file_is_an_empty_policy() {
    for text in ["", "\n", "# nothing yet\n", "version: 1\n"] {
        let policy = Policy::from_yaml(text).unwrap();
        assert!(
            policy.rules.is_empty() && policy.ignores.is_empty(),
            "{text:?}"
        );
    }
}

#[test]
fn rule_mistakes_name_their_line() {
    let cases = [
        (
            "rules:\n  - name: a\n    action: deny\n    kevv: true\n",
            "4: rules[0]: unknown field `kevv`, expected one of `name`, `action`, `max_findings`, `blocked`, `age`, `licenses`, `unknown_licenses`, `kev`, `epss`",
        ),
        (
            "rules:\n  - name: a\n    action: block\n    kev: true\n",
            "3: rules[0].action: unknown variant `block`, expected `audit` or `deny`",
        ),
        (
            "rules:\n  - name: a\n    kev: true\n",
            "2: rules[0]: missing field `action`",
        ),
        (
            "rules:\n  - name: a\n    action: deny\n    kev: true\n  - name: b\n    action: audit\n",
            "5: rules[1]: rule `b` checks nothing: give it one of max_findings, blocked, age, licenses, unknown_licenses, kev, epss",
        ),
        (
            "rules:\n  - name: a\n    action: deny\n    kev: true\n    epss: {score: 0.5}\n",
            "2: rules[0]: rule `a` has two checks (kev and epss): give each its own rule",
        ),
        (
            "rules:\n  - name: a\n    action: deny\n    kev: false\n",
            "2: rules[0]: rule `a`: kev: false checks nothing: remove the rule, or set it to true",
        ),
        (
            "rules:\n  - name: a\n    action: deny\n    max_findings:\n      high: 1\n      low: -2\n",
            "6: rules[0].max_findings.low: `-2` is not a number of findings (0 or more, or -1 for no limit)",
        ),
        (
            "rules:\n  - name: a\n    action: deny\n    max_findings: {}\n",
            "2: rules[0]: rule `a`: max_findings: give a limit for critical, high, medium, low or unknown",
        ),
        (
            "rules:\n  - name: a\n    action: deny\n    epss: {percentile: 1.5}\n",
            "4: rules[0].epss.percentile: `1.5` is not a number between 0 and 1",
        ),
        (
            "rules:\n  - name: a\n    action: deny\n    blocked: []\n",
            "2: rules[0]: rule `a`: blocked: give one or more vulnerability ids",
        ),
        (
            "rules:\n  - name: a\n    action: deny\n    licenses:\n      allow: [MIT, GPL-3.0]\n",
            "5: rules[0].licenses.allow[1]: `GPL-3.0` is not an SPDX licence id: a deprecated license identifier was used",
        ),
        (
            "rules:\n  - name: a\n    action: deny\n    licenses:\n      allow: [MIT OR ISC]\n",
            "5: rules[0].licenses.allow[0]: `MIT OR ISC` is an expression: list its licences one by one",
        ),
        (
            "rules:\n  - name: a\n    action: deny\n    licenses: {allow: []}\n",
            "2: rules[0]: rule `a`: licenses: an empty allow list accepts no licence",
        ),
        (
            "rules:\n  - name: a\n    action: deny\n    kev: true\n  - name: a\n    action: audit\n    kev: true\n",
            "2: rules: two rules are named `a`",
        ),
        (
            "rules: 3\n",
            "1: rules: invalid type: integer `3`, expected a list",
        ),
        ("- a\n", "1: invalid type: sequence, expected a mapping"),
        (
            "version: 2\n",
            "1: policy version 2 is not supported (this scangate reads version 1)",
        ),
        (
            "rules: [\n",
            "2: did not find expected node content, while parsing a flow node",
        ),
    ];
    for (yaml, expected) in cases {
        assert_eq!(error(yaml), expected, "{yaml}");
    }
}

#[test]
fn ignore_mistakes_name_their_line() {
    let cases = [
        (
            "ignores:\n  - id: CVE-2021-44228\n",
            "2: ignores[0]: the ignore of id=CVE-2021-44228 needs a reason",
        ),
        (
            "ignores:\n  - reason: nothing named\n",
            "2: ignores[0]: an ignore names nothing: give an id, package, purl or path",
        ),
        (
            "ignores:\n  - id: X\n    reason: r\n    expires: 2026-13-01\n",
            "4: ignores[0].expires: `2026-13-01` is not a date as YYYY-MM-DD",
        ),
        (
            "ignores:\n  - id: X\n    reason: r\n    expires: 2026-1-1\n",
            "4: ignores[0].expires: `2026-1-1` is not a date as YYYY-MM-DD",
        ),
        (
            "ignores:\n  - purl: npm/x\n    reason: r\n",
            "2: ignores[0].purl: `npm/x` is not a package URL: missing scheme",
        ),
        (
            "ignores:\n  - path: 'a/[b'\n    reason: r\n",
            "2: ignores[0].path: `a/[b` is not a path glob: unclosed character class; missing ']'",
        ),
        (
            "ignores:\n  - id: X\n    reason: r\n    until: 2026-01-01\n",
            "4: ignores[0]: unknown field `until`, expected one of `id`, `package`, `purl`, `path`, `reason`, `expires`",
        ),
    ];
    for (yaml, expected) in cases {
        assert_eq!(error(yaml), expected, "{yaml}");
    }
}

#[test]
fn errors_from_a_file_name_the_file() {
    let dir = std::env::temp_dir().join(format!("scangate-policy-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("scangate.yaml");
    std::fs::write(&bad, "rules:\n  - name: a\n    action: maybe\n").unwrap();
    assert_eq!(
        Policy::load(&bad).unwrap_err().to_string(),
        format!(
            "{}:3: rules[0].action: unknown variant `maybe`, expected `audit` or `deny`",
            bad.display()
        )
    );
    let missing = dir.join("missing.yaml");
    let err = Policy::load(&missing).unwrap_err();
    let io = std::fs::read(&missing).unwrap_err();
    assert_eq!(err.line, None);
    assert_eq!(err.to_string(), format!("{}: {io}", missing.display()));
    std::fs::remove_dir_all(&dir).unwrap();
}
