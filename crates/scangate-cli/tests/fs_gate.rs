//! The build gate end to end, with the real binary on examples/demo-app and examples/advisories
//! (233 findings: 10 CRITICAL, 39 HIGH, 60 MEDIUM, 14 LOW, 110 UNKNOWN; 229 with a fix; Log4Shell
//! and CVE-2021-45046 are in CISA's KEV list): exit codes, the verdict in the reports and on
//! standard error, and the CI variables.

use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo(rel: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(rel)
        .to_str()
        .unwrap()
        .to_string()
}

/// Variables that would make the binary publish to the CI system running these tests.
const CI_MARKERS: [&str; 7] = [
    "TF_BUILD",
    "GITHUB_ACTIONS",
    "GITHUB_OUTPUT",
    "GITHUB_STEP_SUMMARY",
    "GITLAB_CI",
    "JENKINS_URL",
    "SCANGATE_DB",
];

/// Runs `scangate fs` on the demo app in `cwd`, with `env` as the only CI variables.
fn scan(cwd: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_scangate"));
    command
        .current_dir(cwd)
        .args([
            "fs",
            &repo("examples/demo-app"),
            "--db",
            &repo("examples/advisories"),
            "-q",
        ])
        .args(args);
    for marker in CI_MARKERS {
        command.env_remove(marker);
    }
    command.envs(env.iter().copied());
    command.output().unwrap()
}

fn code(out: &Output) -> i32 {
    out.status.code().unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn json_of(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap()
}

fn write_policy(dir: &Path, yaml: &str) -> String {
    let path = dir.join("policy.yaml");
    std::fs::write(&path, yaml).unwrap();
    path.to_str().unwrap().to_string()
}

const CRITICALS: [&str; 10] = [
    "CVE-2021-25900@pkg:cargo/smallvec@1.6.0#api/Cargo.lock",
    "CVE-2022-32224@pkg:gem/activerecord@6.1.4#billing/Gemfile.lock",
    "CVE-2022-21831@pkg:gem/activestorage@6.1.4#billing/Gemfile.lock",
    "CVE-2025-24293@pkg:gem/activestorage@6.1.4#billing/Gemfile.lock",
    "CVE-2026-66066@pkg:gem/activestorage@6.1.4#billing/Gemfile.lock",
    "CVE-2022-24790@pkg:gem/puma@5.4.0#billing/Gemfile.lock",
    "CVE-2022-30123@pkg:gem/rack@2.2.3#billing/Gemfile.lock",
    "CVE-2021-44228@pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1#legacy/pom.xml",
    "CVE-2021-45046@pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1#legacy/pom.xml",
    "CVE-2021-44906@pkg:npm/minimist@1.2.5#web/package-lock.json",
];

const LOG4J: [&str; 2] = [
    "CVE-2021-44228@pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1#legacy/pom.xml",
    "CVE-2021-45046@pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1#legacy/pom.xml",
];

#[test]
fn without_a_gate_the_scan_passes_and_reports_carry_no_policy() {
    let dir = tempfile::tempdir().unwrap();
    let out = scan(dir.path(), &["-f", "json"], &[]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(json_of(&out).get("policy"), None);
    assert_eq!(stderr(&out), "");
}

#[test]
fn a_lenient_policy_passes_with_exit_0() {
    let dir = tempfile::tempdir().unwrap();
    let policy = write_policy(
        dir.path(),
        "rules:\n  - name: budget\n    action: deny\n    max_findings: {critical: 10, high: 39}\n",
    );
    let out = scan(dir.path(), &["--policy", &policy, "-f", "json"], &[]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(
        json_of(&out)["policy"],
        json!({"verdict": "ALLOW", "violations": []})
    );
    assert_eq!(
        stderr(&out),
        "scangate: gate passed: ALLOW, no rule broken\n"
    );
}

#[test]
fn max_critical_denies_with_exit_1_and_names_the_findings() {
    let dir = tempfile::tempdir().unwrap();
    let out = scan(
        dir.path(),
        &["--max-critical", "0", "--max-high", "-1", "-f", "json"],
        &[],
    );
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert_eq!(
        json_of(&out)["policy"],
        json!({
            "verdict": "DENY",
            "violations": [{
                "rule": "--max-critical",
                "action": "deny",
                "message": "10 CRITICAL findings, at most 0 allowed",
                "findings": CRITICALS,
            }]
        })
    );
    assert_eq!(
        stderr(&out),
        "scangate: gate failed: DENY\n\
         scangate:   --max-critical (deny): 10 CRITICAL findings, at most 0 allowed\n"
    );
}

#[test]
fn the_table_says_the_verdict_and_why() {
    let dir = tempfile::tempdir().unwrap();
    let out = scan(dir.path(), &["--max-critical", "9"], &[]);
    assert_eq!(code(&out), 1);
    let table = String::from_utf8(out.stdout).unwrap();
    let tail: Vec<&str> = table.lines().rev().take(2).collect();
    assert_eq!(
        tail,
        [
            "  --max-critical (deny): 10 CRITICAL findings, at most 9 allowed",
            "Policy: DENY (1 violation).",
        ]
    );
}

#[test]
fn an_audit_verdict_passes_unless_fail_on_audit() {
    let dir = tempfile::tempdir().unwrap();
    let policy = write_policy(
        dir.path(),
        "rules:\n  - name: exploited\n    action: audit\n    kev: true\n",
    );
    let out = scan(dir.path(), &["--policy", &policy, "-f", "json"], &[]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(
        json_of(&out)["policy"]["violations"],
        json!([{
            "rule": "exploited",
            "action": "audit",
            "message": "2 findings known to be exploited (CISA KEV): CVE-2021-44228, CVE-2021-45046",
            "findings": LOG4J,
        }])
    );
    assert_eq!(
        stderr(&out),
        "scangate: gate passed: AUDIT (--fail-on-audit would fail it)\n\
         scangate:   exploited (audit): 2 findings known to be exploited (CISA KEV): CVE-2021-44228, CVE-2021-45046\n"
    );

    let out = scan(dir.path(), &["--policy", &policy, "--fail-on-audit"], &[]);
    assert_eq!(code(&out), 1);
    assert!(stderr(&out).starts_with("scangate: gate failed: AUDIT\n"));
}

#[test]
fn severity_and_unfixed_filters_narrow_what_is_shown_and_judged() {
    let dir = tempfile::tempdir().unwrap();
    let out = scan(
        dir.path(),
        &["--severity", "critical,HIGH", "-f", "json"],
        &[],
    );
    assert_eq!(code(&out), 0);
    let findings = json_of(&out)["findings"].as_array().unwrap().clone();
    assert_eq!(findings.len(), 49);
    assert!(
        findings
            .iter()
            .all(|f| f["severity"] == "CRITICAL" || f["severity"] == "HIGH")
    );

    let out = scan(dir.path(), &["--ignore-unfixed", "-f", "json"], &[]);
    let findings = json_of(&out)["findings"].as_array().unwrap().clone();
    assert_eq!(findings.len(), 229);
    assert!(
        findings
            .iter()
            .all(|f| f["fixed_versions"].as_array().is_some())
    );

    // Judged after the filter: no MEDIUM finding is left to count.
    let out = scan(
        dir.path(),
        &["--severity", "CRITICAL", "--max-medium", "0"],
        &[],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
}

#[test]
fn ignores_set_findings_aside_until_they_expire() {
    let dir = tempfile::tempdir().unwrap();
    let policy = write_policy(
        dir.path(),
        "rules:
  - name: exploited
    action: deny
    kev: true
ignores:
  - id: GHSA-jfh8-c2jp-5v3q
    reason: JndiLookup removed from the jar
    expires: 2999-12-31
  - id: CVE-2021-45046
    reason: same fix
    expires: 2020-01-01
",
    );
    let out = scan(dir.path(), &["--policy", &policy, "-f", "json"], &[]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let result = json_of(&out);
    assert_eq!(
        result["policy"],
        json!({
            "verdict": "DENY",
            "violations": [{
                "rule": "exploited",
                "action": "deny",
                "message": "1 finding known to be exploited (CISA KEV): CVE-2021-45046",
                "findings": [LOG4J[1]],
            }],
            "ignored": [{
                "finding": LOG4J[0],
                "reason": "JndiLookup removed from the jar",
                "expires": "2999-12-31",
            }],
            "expired_ignores": [{
                "target": "id=CVE-2021-45046",
                "reason": "same fix",
                "expired": "2020-01-01",
            }],
        })
    );
    // The ignored finding is gone from the findings every report lists.
    assert_eq!(result["findings"].as_array().unwrap().len(), 232);
    assert_eq!(
        stderr(&out),
        "scangate: gate failed: DENY\n\
         scangate:   exploited (deny): 1 finding known to be exploited (CISA KEV): CVE-2021-45046\n\
         scangate: 1 finding set aside by the policy's ignores\n\
         scangate: warning: the ignore of id=CVE-2021-45046 expired after 2020-01-01: its findings count again\n"
    );
}

#[test]
fn scangate_yaml_at_the_scan_root_is_the_policy() {
    let root = tempfile::tempdir().unwrap();
    std::fs::copy(
        repo("examples/demo-app/legacy/pom.xml"),
        root.path().join("pom.xml"),
    )
    .unwrap();
    std::fs::write(
        root.path().join("scangate.yaml"),
        "rules:\n  - name: no-log4shell\n    action: deny\n    blocked: [GHSA-jfh8-c2jp-5v3q]\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_scangate"))
        .args([
            "fs",
            root.path().to_str().unwrap(),
            "--db",
            &repo("examples/advisories"),
        ])
        .args(["--ci", "none", "-f", "json"])
        .env_remove("SCANGATE_DB")
        .output()
        .unwrap();
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert_eq!(
        json_of(&out)["policy"]["violations"][0]["findings"],
        json!(["CVE-2021-44228@pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1#pom.xml"])
    );
}

#[test]
fn licence_rules_gate_an_inventory_without_a_database() {
    let dir = tempfile::tempdir().unwrap();
    let policy = write_policy(
        dir.path(),
        "rules:
  - name: permissive
    action: deny
    licenses: {allow: [MIT, BSD-3-Clause]}
  - name: unknown
    action: audit
    unknown_licenses: true
",
    );
    let out = Command::new(env!("CARGO_BIN_EXE_scangate"))
        .args(["fs", &repo("examples/demo-app"), "--packages-only", "-q"])
        .args(["--policy", &policy, "--ci", "none", "-f", "json"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let violations = &json_of(&out)["policy"]["violations"];
    assert_eq!(violations.as_array().unwrap().len(), 1);
    assert_eq!(violations[0]["rule"], "unknown");
    assert_eq!(
        violations[0]["message"],
        "125 packages without an SPDX licence (not SPDX: proprietary)"
    );
}

#[test]
fn a_scan_that_cannot_run_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-such-dir");
    let out = Command::new(env!("CARGO_BIN_EXE_scangate"))
        .args(["fs", missing.to_str().unwrap(), "--max-critical", "0"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).starts_with("scangate: error: cannot scan "),
        "{}",
        stderr(&out)
    );

    // A limit below -1 is a bad argument.
    let out = scan(dir.path(), &["--max-high", "-2"], &[]);
    assert_eq!(code(&out), 2);
}

#[test]
fn a_bad_policy_exits_2_naming_file_line_and_problem() {
    let dir = tempfile::tempdir().unwrap();
    let policy = write_policy(
        dir.path(),
        "rules:\n  - name: budget\n    action: deny\n    max_findings: {critical: many}\n",
    );
    let out = scan(dir.path(), &["--policy", &policy], &[]);
    assert_eq!(code(&out), 2);
    assert_eq!(
        stderr(&out),
        format!(
            "scangate: error: cannot use the policy: {policy}:4: rules[0].max_findings.critical: \
             `many` is not a number of findings (0 or more, or -1 for no limit)\n"
        )
    );

    let missing = dir.path().join("missing.yaml");
    let out = scan(dir.path(), &["--policy", missing.to_str().unwrap()], &[]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).starts_with(&format!(
            "scangate: error: cannot use the policy: {}: ",
            missing.display()
        )),
        "{}",
        stderr(&out)
    );
}

/// The variables of a `--max-critical 0` scan, in publishing order.
const DENIED: [(&str, &str); 7] = [
    ("vulnerabilityCount", "233"),
    ("criticalCount", "10"),
    ("highCount", "39"),
    ("mediumCount", "60"),
    ("lowCount", "14"),
    ("policyResult", "DENY"),
    ("scanPassed", "false"),
];

fn azure_lines(paths: [&str; 3]) -> String {
    let names = ["reportPath", "sarifPath", "sbomPath"];
    DENIED
        .iter()
        .copied()
        .chain(names.into_iter().zip(paths))
        .map(|(name, value)| {
            format!("##vso[task.setvariable variable={name};isOutput=true]{value}\n")
        })
        .collect()
}

#[test]
fn azure_gets_logging_commands_beside_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let azure = [("TF_BUILD", "True")];
    // The report on stdout: the commands go to stderr, which the agent reads too.
    let out = scan(dir.path(), &["--max-critical", "0", "-f", "json"], &azure);
    assert_eq!(code(&out), 1);
    json_of(&out);
    let expected = azure_lines(["", "", ""]);
    assert!(stderr(&out).ends_with(&expected), "{}", stderr(&out));

    // The report in a file: the commands go to stdout.
    let args = ["--max-critical", "0", "-f", "cyclonedx", "-o", "bom.json"];
    let out = scan(dir.path(), &args, &azure);
    assert_eq!(code(&out), 1);
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        azure_lines(["bom.json", "", "bom.json"])
    );
    assert!(dir.path().join("bom.json").is_file());
}

#[test]
fn github_gets_step_outputs_and_a_summary() {
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("output");
    let summary = dir.path().join("summary.md");
    std::fs::write(&output, "earlier=1\n").unwrap();
    let env = [
        ("GITHUB_ACTIONS", "true"),
        ("GITHUB_OUTPUT", output.to_str().unwrap()),
        ("GITHUB_STEP_SUMMARY", summary.to_str().unwrap()),
    ];
    let args = ["--max-critical", "0", "-f", "json", "-o", "report.json"];
    let out = scan(dir.path(), &args, &env);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let mut expected = "earlier=1\n".to_string();
    for (name, value) in DENIED {
        expected.push_str(&format!("{name}={value}\n"));
    }
    expected.push_str("reportPath=report.json\nsarifPath=\nsbomPath=\n");
    assert_eq!(std::fs::read_to_string(&output).unwrap(), expected);
    assert_eq!(
        std::fs::read_to_string(&summary).unwrap(),
        format!(
            "### scangate: {}: gate failed (DENY)\n\n\
             | Critical | High | Medium | Low | Unknown | Total |\n\
             |---:|---:|---:|---:|---:|---:|\n\
             | 10 | 39 | 60 | 14 | 110 | 233 |\n\n\
             - **deny** `--max-critical`: 10 CRITICAL findings, at most 0 allowed\n\n",
            repo("examples/demo-app")
        )
    );
}

#[test]
fn gitlab_and_jenkins_get_a_dotenv_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut expected = String::new();
    for (name, value) in DENIED {
        expected.push_str(&format!("{name}={value}\n"));
    }
    expected.push_str("reportPath=\nsarifPath=\nsbomPath=\n");

    let out = scan(
        dir.path(),
        &["--max-critical", "0"],
        &[("GITLAB_CI", "true")],
    );
    assert_eq!(code(&out), 1);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("scangate.env")).unwrap(),
        expected
    );

    let dotenv = dir.path().join("ci").join("vars.env");
    std::fs::create_dir(dir.path().join("ci")).unwrap();
    let jenkins = [("JENKINS_URL", "https://ci.example.invalid/")];
    let args = [
        "--max-critical",
        "0",
        "--ci-dotenv",
        dotenv.to_str().unwrap(),
    ];
    let out = scan(dir.path(), &args, &jenkins);
    assert_eq!(code(&out), 1);
    assert_eq!(std::fs::read_to_string(&dotenv).unwrap(), expected);

    // `--ci none` publishes nothing, whatever the environment says.
    std::fs::remove_file(dir.path().join("scangate.env")).unwrap();
    let out = scan(dir.path(), &["--ci", "none"], &[("GITLAB_CI", "true")]);
    assert_eq!(code(&out), 0);
    assert!(!dir.path().join("scangate.env").exists());
}

/// A gated scan writes its verdict into every report of the run, and the exit code follows it.
#[test]
fn the_verdict_reaches_every_report() {
    let dir = tempfile::tempdir().unwrap();
    let out = scan(
        dir.path(),
        &[
            "--policy",
            &repo("examples/policy.yaml"),
            "--format",
            "sarif=out.sarif",
            "--format",
            "junit=out.xml",
            "--format",
            "markdown=out.md",
            "--format",
            "json=out.json",
            "--ci",
            "none",
        ],
        &[],
    );
    assert_eq!(code(&out), 1);
    let read = |name: &str| std::fs::read_to_string(dir.path().join(name)).unwrap();
    let json: serde_json::Value = serde_json::from_str(&read("out.json")).unwrap();
    assert_eq!(json["policy"]["verdict"], "DENY");
    let rules: Vec<&str> = json["policy"]["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["rule"].as_str().unwrap())
        .collect();
    let sarif: serde_json::Value = serde_json::from_str(&read("out.sarif")).unwrap();
    assert_eq!(sarif["runs"][0]["properties"]["policy"]["verdict"], "DENY");
    assert_eq!(
        sarif["runs"][0]["properties"]["policy"]["violations"]
            .as_array()
            .unwrap()
            .len(),
        rules.len()
    );
    let junit = read("out.xml");
    assert!(junit.contains("name=\"verdict\" value=\"DENY\""), "{junit}");
    for rule in &rules {
        assert!(
            junit.contains(&format!("name=\"{rule}\"")),
            "JUnit lacks {rule}"
        );
    }
    assert!(read("out.md").contains("DENY"));
}
