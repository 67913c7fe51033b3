//! Several reports from one scan, each checked by its format's own validator (SARIF multitool,
//! pyspdxtools, GitLab's JSON schema), golden files for SARIF and JSON, and fingerprints that
//! stay the same across runs.
//!
//! Golden files: `UPDATE_GOLDEN=1 cargo test -p scangate-cli --test fs_formats golden` rewrites
//! them; review the diff before committing.

mod common;

use common::missing_tool;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

/// `scangate fs ARGS` run from the repository root, so that relative targets read the same on
/// every machine.
fn scangate(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_scangate"))
        .arg("fs")
        .args(args)
        .current_dir(repo())
        .env_remove("SCANGATE_DB")
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn succeed(args: &[&str]) -> String {
    let out = scangate(args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

const FORMATS: [(&str, &str); 7] = [
    ("json", "result.json"),
    ("cyclonedx", "bom.json"),
    ("sarif", "scangate.sarif"),
    ("spdx", "sbom.spdx.json"),
    ("junit", "junit.xml"),
    ("gitlab", "gl-dependency-scanning-report.json"),
    ("markdown", "summary.md"),
];

/// Reports of one scan: every format to a file and the table to standard output.
struct Reports {
    dir: tempfile::TempDir,
    table: String,
}

impl Reports {
    fn path(&self, format: &str) -> PathBuf {
        let (_, file) = FORMATS.iter().find(|(f, _)| *f == format).unwrap();
        self.dir.path().join(file)
    }

    fn read(&self, format: &str) -> String {
        std::fs::read_to_string(self.path(format)).unwrap()
    }
}

fn reports(target: &[&str]) -> Reports {
    let dir = tempfile::tempdir().unwrap();
    let specs: Vec<String> = FORMATS
        .iter()
        .map(|(format, file)| format!("{format}={}", dir.path().join(file).display()))
        .collect();
    let mut args: Vec<&str> = target.to_vec();
    for spec in &specs {
        args.extend(["--format", spec]);
    }
    args.extend(["--format", "table", "--quiet"]);
    let table = succeed(&args);
    Reports { dir, table }
}

/// The demo project matched against its advisories: findings in every ecosystem, KEV entries and
/// dependency paths.
fn demo() -> &'static Reports {
    static DEMO: OnceLock<Reports> = OnceLock::new();
    DEMO.get_or_init(|| reports(&["examples/demo-app", "--db", "examples/advisories"]))
}

/// Every cataloger fixture, inventory only: every format's packages, licences and unreadable files.
fn fixtures() -> &'static Reports {
    static FIXTURES: OnceLock<Reports> = OnceLock::new();
    FIXTURES.get_or_init(|| reports(&["crates/scangate-catalog/fixtures", "--packages-only"]))
}

#[test]
fn one_run_writes_every_report_and_the_table_to_standard_output() {
    let demo = demo();
    assert!(
        demo.table.contains(
            "233 vulnerabilities (CRITICAL: 10, HIGH: 39, MEDIUM: 60, LOW: 14, UNKNOWN: 110)"
        ),
        "{}",
        demo.table
    );
    let result: Value = serde_json::from_str(&demo.read("json")).unwrap();
    assert_eq!(result["findings"].as_array().unwrap().len(), 233);
    let bom: Value = serde_json::from_str(&demo.read("cyclonedx")).unwrap();
    assert_eq!(bom["vulnerabilities"].as_array().unwrap().len(), 233);
    // One SARIF result per place a vulnerable package is declared.
    let places: usize = result["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["package"]["locations"].as_array().unwrap().len())
        .sum();
    assert_eq!(places, 263);
    let sarif: Value = serde_json::from_str(&demo.read("sarif")).unwrap();
    assert_eq!(
        sarif["runs"][0]["results"].as_array().unwrap().len(),
        places
    );
    let gitlab: Value = serde_json::from_str(&demo.read("gitlab")).unwrap();
    assert_eq!(gitlab["vulnerabilities"].as_array().unwrap().len(), 233);
    let spdx: Value = serde_json::from_str(&demo.read("spdx")).unwrap();
    assert_eq!(spdx["packages"].as_array().unwrap().len(), 163 + 1);
    assert!(
        demo.read("junit")
            .contains(r#"<testsuites name="scangate" tests="46" failures="46" errors="0">"#)
    );
    assert!(demo.read("markdown").contains("_and 213 more_"));
}

#[test]
fn a_transitive_finding_names_the_direct_dependency_that_pulls_it_in() {
    let demo = demo();
    let result: Value = serde_json::from_str(&demo.read("json")).unwrap();
    let crass = result["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["package"]["name"] == "crass")
        .unwrap();
    assert_eq!(
        crass["dependency_paths"],
        serde_json::json!([
            [
                "pkg:gem/rails@6.1.4",
                "pkg:gem/actionpack@6.1.4",
                "pkg:gem/rails-html-sanitizer@1.4.1",
                "pkg:gem/loofah@2.12.0"
            ],
            [
                "pkg:gem/devise@4.8.0",
                "pkg:gem/railties@6.1.4",
                "pkg:gem/actionpack@6.1.4",
                "pkg:gem/rails-html-sanitizer@1.4.1",
                "pkg:gem/loofah@2.12.0"
            ]
        ])
    );
    let row = demo
        .table
        .lines()
        .skip_while(|l| !l.contains("crass"))
        .nth(1)
        .unwrap();
    assert!(
        row.contains(
            "via rails@6.1.4 > actionpack@6.1.4 > rails-html-sanitizer@1.4.1 > loofah@2.12.0"
        ),
        "{row}"
    );
    let gitlab: Value = serde_json::from_str(&demo.read("gitlab")).unwrap();
    let crass = gitlab["vulnerabilities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["location"]["dependency"]["package"]["name"] == "crass")
        .unwrap();
    assert_eq!(
        crass["location"]["dependency"]["dependency_path"]
            .as_array()
            .unwrap()
            .len(),
        4
    );
}

#[test]
fn sarif_passes_the_sarif_multitool_validator() {
    for reports in [demo(), fixtures()] {
        let output = reports.dir.path().join("validation.sarif");
        let run = Command::new("sarif-multitool")
            .arg("validate")
            .arg(reports.path("sarif"))
            .arg("--output")
            .arg(&output)
            .args(["--log", "ForceOverwrite"])
            .output();
        let run = match run {
            Ok(run) => run,
            Err(_) => return missing_tool("sarif-multitool (npm @microsoft/sarif-multitool)"),
        };
        // The multitool exits 0 whatever it finds: its findings are in its own SARIF log.
        assert!(output.exists(), "{}", String::from_utf8_lossy(&run.stdout));
        let log: Value = serde_json::from_str(&std::fs::read_to_string(&output).unwrap()).unwrap();
        let problems: Vec<String> = log["runs"][0]["results"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|r| format!("{} {} {}", r["ruleId"], r["level"], r["message"]))
            .collect();
        assert!(problems.is_empty(), "{problems:#?}");
        assert_eq!(
            log["runs"][0]["invocations"][0]["executionSuccessful"],
            true
        );
    }
}

#[test]
fn spdx_passes_pyspdxtools() {
    for reports in [demo(), fixtures()] {
        match Command::new("pyspdxtools")
            .arg("-i")
            .arg(reports.path("spdx"))
            .output()
        {
            Ok(out) => assert!(
                out.status.success(),
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ),
            Err(_) => return missing_tool("pyspdxtools (PyPI spdx-tools)"),
        }
    }
}

#[test]
fn gitlab_report_follows_gitlabs_dependency_scanning_schema() {
    let schema = repo().join(
        "crates/scangate-report/tests/schemas/gitlab-dependency-scanning-report-format-15.0.7.json",
    );
    let script = "import json, sys\nfrom jsonschema import Draft7Validator\nschema = json.load(open(sys.argv[1]))\nDraft7Validator.check_schema(schema)\nerrors = [f'{list(e.absolute_path)}: {e.message}' for e in Draft7Validator(schema).iter_errors(json.load(open(sys.argv[2])))]\nprint('\\n'.join(errors[:20]) or 'valid')\nsys.exit(1 if errors else 0)";
    for reports in [demo(), fixtures()] {
        let report: Value = serde_json::from_str(&reports.read("gitlab")).unwrap();
        assert_eq!(report["version"], "15.0.7");
        match Command::new("python3")
            .args(["-c", script])
            .arg(&schema)
            .arg(reports.path("gitlab"))
            .output()
        {
            Ok(out) if String::from_utf8_lossy(&out.stderr).contains("ModuleNotFoundError") => {
                return missing_tool("jsonschema (PyPI)");
            }
            Ok(out) => assert!(
                out.status.success(),
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ),
            Err(_) => return missing_tool("python3"),
        }
    }
}

#[test]
fn junit_has_a_suite_per_file_and_an_error_per_unreadable_file() {
    let xml = fixtures().read("junit");
    let suites = xml.matches("<testsuite ").count();
    let files: Value = serde_json::from_str(&fixtures().read("json")).unwrap();
    let read = files["inventory"]["files"].as_array().unwrap().len();
    let unreadable: std::collections::BTreeSet<&str> = files["inventory"]["issues"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["level"] == "error")
        .map(|i| i["path"].as_str().unwrap())
        .collect();
    assert!(
        suites >= read && suites <= read + unreadable.len(),
        "{suites}"
    );
    let errors = xml.matches("<error ").count();
    assert_eq!(
        xml.lines().nth(1).unwrap(),
        format!(r#"<testsuites name="scangate" tests="{errors}" failures="0" errors="{errors}">"#)
    );
    assert!(
        xml.contains(r#"<error message="javascript/package-lock/malformed/bad/package-lock.json:"#),
        "{xml}"
    );
}

/// SPDX and CycloneDX alone are SBOMs: no database needed. With any other report, one is.
#[test]
fn an_sbom_in_spdx_needs_no_database() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("none.db");
    let missing = missing.to_str().unwrap();
    let bom = format!("cyclonedx={}", dir.path().join("bom.json").display());
    let out = succeed(&[
        "examples/demo-app",
        "--db",
        missing,
        "-f",
        "spdx",
        "-f",
        &bom,
        "-q",
    ]);
    let spdx: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(spdx["spdxVersion"], "SPDX-2.3");
    assert_eq!(spdx["packages"].as_array().unwrap().len(), 163 + 1);
    let sarif = format!("sarif={}", dir.path().join("x.sarif").display());
    let out = scangate(&[
        "examples/demo-app",
        "--db",
        missing,
        "-f",
        "spdx",
        "-f",
        &sarif,
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no vulnerability database"));
}

#[test]
fn output_takes_one_format_and_standard_output_one_report() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("result.json");
    let file = file.to_str().unwrap();
    let fixture = "crates/scangate-catalog/fixtures/rust/cargo-lock/v4";
    assert_eq!(
        succeed(&[fixture, "--packages-only", "-f", "json", "-o", file]),
        ""
    );
    let result: Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
    assert_eq!(result["inventory"]["packages"].as_array().unwrap().len(), 7);

    let json_to = format!("json={file}");
    for (args, message) in [
        (
            vec!["-f", "json", "-f", "sarif"],
            "only one report can go to standard output",
        ),
        (
            vec!["-f", "json", "-f", "sarif", "-o", file],
            "--output takes one format",
        ),
        (
            vec!["-f", &json_to, "-o", file],
            "--output and `--format json=FILE` both name a file",
        ),
        (
            vec!["-f", &json_to, "-f", &format!("sarif={file}")],
            "two reports would be written to",
        ),
        (
            vec!["-f", "pdf"],
            "unknown format `pdf`; formats: table, json, cyclonedx, sarif",
        ),
        (vec!["-f", "json="], "no file after `json=`"),
    ] {
        let mut all = vec![fixture, "--packages-only"];
        all.extend(args.iter().copied());
        let out = scangate(&all);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(message), "{args:?}: {stderr}");
    }
}

/// The same finding gets the same fingerprint whatever the run and however the target is named.
#[test]
fn sarif_fingerprints_are_the_same_across_runs() {
    let fingerprints = |target: &str| -> Vec<(String, String, String)> {
        let sarif: Value = serde_json::from_str(&succeed(&[
            target,
            "--db",
            "examples/advisories",
            "-f",
            "sarif",
            "-q",
        ]))
        .unwrap();
        sarif["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["ruleId"].as_str().unwrap().to_string(),
                    r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                        .as_str()
                        .unwrap()
                        .to_string(),
                    r["partialFingerprints"]["findingKeyHash/v1"]
                        .as_str()
                        .unwrap()
                        .to_string(),
                )
            })
            .collect()
    };
    let absolute = repo().join("examples/demo-app");
    let first = fingerprints("examples/demo-app");
    let second = fingerprints(absolute.to_str().unwrap());
    assert_eq!(first.len(), 263);
    assert_eq!(first, second);
    let distinct: std::collections::HashSet<&String> = first.iter().map(|(_, _, f)| f).collect();
    assert_eq!(distinct.len(), first.len());
}

/// SARIF and JSON of the demo project without its two largest folders, compared with the files
/// under tests/golden with their run-specific fields (times, versions) replaced.
#[test]
fn golden_sarif_and_json() {
    let dir = tempfile::tempdir().unwrap();
    let sarif = dir.path().join("demo.sarif");
    let json = dir.path().join("demo.json");
    succeed(&[
        "examples/demo-app",
        "--db",
        "examples/advisories",
        "--skip-dirs",
        "billing,gateway",
        "--format",
        &format!("sarif={}", sarif.display()),
        "--format",
        &format!("json={}", json.display()),
        "--quiet",
    ]);
    let mut sarif: Value = serde_json::from_str(&std::fs::read_to_string(&sarif).unwrap()).unwrap();
    let run = &mut sarif["runs"][0];
    for field in ["startTimeUtc", "endTimeUtc"] {
        run["invocations"][0][field] = "<time>".into();
    }
    run["properties"]["database"]["builtAt"] = "<time>".into();
    for field in ["version", "semanticVersion"] {
        run["tool"]["driver"][field] = "<version>".into();
    }
    let mut json: Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    json["database"]["builtAt"] = "<time>".into();
    json["tool"]["version"] = "<version>".into();
    compare_golden("demo.sarif", &sarif);
    compare_golden("demo.json", &json);
}

fn compare_golden(name: &str, actual: &Value) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name);
    let actual = serde_json::to_string_pretty(actual).unwrap() + "\n";
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, &actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    if let Some((line, (want, got))) = expected
        .lines()
        .zip(actual.lines())
        .enumerate()
        .find(|(_, (want, got))| want != got)
    {
        panic!(
            "{name} differs from tests/golden/{name} at line {}:\n  golden: {want}\n  actual: {got}\n(UPDATE_GOLDEN=1 rewrites it)",
            line + 1
        );
    }
    assert_eq!(
        expected.lines().count(),
        actual.lines().count(),
        "{name}: a different number of lines than tests/golden/{name} (UPDATE_GOLDEN=1 rewrites it)"
    );
}
