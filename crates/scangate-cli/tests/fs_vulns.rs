//! `scangate fs` with the advisory database: findings in every report, the missing-database
//! error, and SBOMs without one. Matches run against examples/advisories (real RustSec, PyPA,
//! Go and RubySec records, and hand-written npm/Maven/NuGet/Packagist records).

use serde_json::Value;
use std::path::PathBuf;
use std::process::{Command, Output};

fn repo(rel: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(rel)
        .to_str()
        .unwrap()
        .to_string()
}

fn run(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_scangate"));
    command.args(args).env_remove("SCANGATE_DB");
    // `--ci auto` would write a CI system's variables when these tests run inside one.
    for marker in ["TF_BUILD", "GITHUB_ACTIONS", "GITLAB_CI", "JENKINS_URL"] {
        command.env_remove(marker);
    }
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().unwrap()
}

fn demo_findings() -> Vec<Value> {
    let out = run(
        &[
            "fs",
            &repo("examples/demo-app"),
            "--db",
            &repo("examples/advisories"),
            "-f",
            "json",
            "-q",
        ],
        &[],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let result: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(result["database"]["advisories"], 568);
    result["findings"].as_array().unwrap().clone()
}

fn ids_for(findings: &[Value], package: &str, version: &str) -> Vec<String> {
    findings
        .iter()
        .filter(|f| f["package"]["name"] == package && f["package"]["version"] == version)
        .map(|f| f["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn log4shell_is_one_critical_kev_finding_at_its_pom_line() {
    let findings = demo_findings();
    let log4shell = findings
        .iter()
        .find(|f| f["id"] == "CVE-2021-44228")
        .unwrap();
    assert_eq!(
        log4shell["aliases"],
        serde_json::json!(["GHSA-jfh8-c2jp-5v3q"])
    );
    assert_eq!(
        log4shell["advisories"],
        serde_json::json!(["GHSA-jfh8-c2jp-5v3q"])
    );
    assert_eq!(
        log4shell["package"]["purl"],
        "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"
    );
    assert_eq!(
        log4shell["package"]["locations"],
        serde_json::json!([{"path": "legacy/pom.xml", "line": 13}])
    );
    assert_eq!(log4shell["fixed_versions"], serde_json::json!(["2.15.0"]));
    assert_eq!(log4shell["severity"], "CRITICAL");
    assert_eq!(log4shell["scores"][0]["base_score"], 10.0);
    assert_eq!(log4shell["kev"]["cve"], "CVE-2021-44228");
    assert_eq!(log4shell["epss"]["cve"], "CVE-2021-44228");
    assert_eq!(log4shell["published"], "2021-12-10T00:00:00Z");
    assert_eq!(
        ids_for(&findings, "org.apache.logging.log4j:log4j-core", "2.14.1"),
        [
            "CVE-2021-44228",
            "CVE-2021-45046",
            "CVE-2021-44832",
            "CVE-2021-45105"
        ]
    );
    // log4j-api shares the version but no advisory names it.
    assert!(ids_for(&findings, "org.apache.logging.log4j:log4j-api", "2.14.1").is_empty());
}

#[test]
fn npm_boundaries_follow_each_range() {
    let findings = demo_findings();
    // lodash 4.17.20: fixed in 4.17.21 twice; CVE-2020-8203 was fixed in 4.17.19.
    assert_eq!(
        ids_for(&findings, "lodash", "4.17.20"),
        ["CVE-2021-23337", "CVE-2020-28500"]
    );
    // minimist 1.2.5: inside [1.0.0, 1.2.6) but past the 1.2.3 fix of CVE-2020-7598.
    assert_eq!(ids_for(&findings, "minimist", "1.2.5"), ["CVE-2021-44906"]);
    // debug: 2.6.8 is below the 2.6.9 fix; the aliased 2.6.9 install is not.
    assert_eq!(ids_for(&findings, "debug", "2.6.8"), ["CVE-2017-16137"]);
    assert!(ids_for(&findings, "debug", "2.6.9").is_empty());
}

#[test]
fn aliases_from_two_databases_make_one_finding() {
    let findings = demo_findings();
    let jinja: Vec<&Value> = findings
        .iter()
        .filter(|f| f["id"] == "CVE-2020-28493")
        .collect();
    assert_eq!(jinja.len(), 1);
    assert_eq!(
        jinja[0]["advisories"],
        serde_json::json!(["GHSA-g3rq-g295-4j3m", "PYSEC-2021-66"])
    );
    assert_eq!(
        jinja[0]["aliases"],
        serde_json::json!([
            "GHSA-g3rq-g295-4j3m",
            "PYSEC-2021-66",
            "SNYK-PYTHON-JINJA2-1012994"
        ])
    );
    assert_eq!(jinja[0]["severity"], "MEDIUM");
    assert_eq!(jinja[0]["fixed_versions"], serde_json::json!(["2.11.3"]));
}

#[test]
fn rust_and_go_findings_carry_their_fixes() {
    let findings = demo_findings();
    assert_eq!(ids_for(&findings, "smallvec", "1.6.0"), ["CVE-2021-25900"]);
    let smallvec = findings
        .iter()
        .find(|f| f["id"] == "CVE-2021-25900")
        .unwrap();
    assert_eq!(
        smallvec["advisories"],
        serde_json::json!(["RUSTSEC-2021-0003"])
    );
    assert_eq!(smallvec["fixed_versions"], serde_json::json!(["1.6.1"]));
    let text = findings
        .iter()
        .find(|f| f["package"]["name"] == "golang.org/x/text" && f["id"] == "CVE-2021-38561")
        .unwrap();
    assert_eq!(text["package"]["version"], "v0.3.5");
    assert_eq!(text["fixed_versions"], serde_json::json!(["v0.3.7"]));
}

#[test]
fn without_a_database_a_scan_stops_with_exit_2_and_the_command_that_gets_one() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("none.db");
    let out = run(
        &["fs", &repo("examples/demo-app")],
        &[("SCANGATE_DB", missing.to_str().unwrap())],
    );
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        format!(
            "scangate: error: no vulnerability database at {}\n  get one with: scangate db update\n  or offline, from OSV files: scangate db build --from DIR\n",
            missing.display()
        )
    );
}

#[test]
fn an_sbom_needs_no_database() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("none.db");
    let out = run(
        &["fs", &repo("examples/demo-app"), "-f", "cyclonedx", "-q"],
        &[("SCANGATE_DB", missing.to_str().unwrap())],
    );
    assert!(out.status.success());
    let bom: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(bom["components"].as_array().unwrap().len(), 163);
    assert!(bom.get("vulnerabilities").is_none());
}

#[test]
fn cyclonedx_carries_the_findings_as_vulnerabilities() {
    let out = run(
        &[
            "fs",
            &repo("examples/demo-app"),
            "--db",
            &repo("examples/advisories"),
            "-f",
            "cyclonedx",
            "-q",
        ],
        &[],
    );
    let bom: Value = serde_json::from_slice(&out.stdout).unwrap();
    let vulns = bom["vulnerabilities"].as_array().unwrap();
    let log4shell = vulns.iter().find(|v| v["id"] == "CVE-2021-44228").unwrap();
    assert_eq!(
        log4shell["affects"][0]["ref"],
        "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1#legacy/pom.xml"
    );
    assert_eq!(log4shell["ratings"][0]["method"], "CVSSv31");
    assert_eq!(log4shell["ratings"][0]["severity"], "critical");
    assert_eq!(
        log4shell["recommendation"],
        "Upgrade org.apache.logging.log4j:log4j-core to 2.15.0 or later."
    );
    let refs: Vec<&str> = bom["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["bom-ref"].as_str().unwrap())
        .collect();
    for vuln in vulns {
        assert!(
            refs.contains(&vuln["affects"][0]["ref"].as_str().unwrap()),
            "{}",
            vuln["id"]
        );
    }
}

#[test]
fn a_gate_never_passes_for_want_of_a_database() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("none.db");
    let db = [("SCANGATE_DB", missing.to_str().unwrap())];
    let sbom_with_gate = run(
        &[
            "fs",
            &repo("examples/demo-app"),
            "-f",
            "cyclonedx",
            "--max-critical",
            "0",
            "-q",
        ],
        &db,
    );
    assert_eq!(sbom_with_gate.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&sbom_with_gate.stderr).contains("no vulnerability database"));
    let packages_only = run(
        &[
            "fs",
            &repo("examples/demo-app"),
            "--packages-only",
            "--max-high",
            "0",
            "-q",
        ],
        &[],
    );
    assert_eq!(packages_only.status.code(), Some(2));
    assert_eq!(
        String::from_utf8(packages_only.stderr).unwrap(),
        "scangate: error: --packages-only skips matching, but the policy or a --max-* flag judges findings\n"
    );
}

#[test]
fn credentials_in_lockfile_urls_never_reach_a_report() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("requirements.txt"),
        "mylib @ git+https://oauth2:glpat-SECRET123@git.example.invalid/team/mylib.git@v1.2.0\n",
    )
    .unwrap();
    for format in ["json", "cyclonedx", "spdx", "table"] {
        let out = run(
            &[
                "fs",
                dir.path().to_str().unwrap(),
                "--packages-only",
                "-f",
                format,
                "-q",
            ],
            &[],
        );
        assert!(out.status.success(), "{format}");
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(
            !text.contains("SECRET123"),
            "{format} leaks the token:\n{text}"
        );
        assert!(!text.contains("oauth2"), "{format} leaks the user");
    }
}
