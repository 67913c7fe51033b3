//! `scangate fs` over hostile and broken trees: every bad file is named on stderr and in the
//! result, and every good file's packages are still reported.

use std::fs;
use std::os::unix::fs::symlink;
use std::path::Path;
use std::process::Command;

const GOOD_LOCK: &str = r#"version = 4

[[package]]
name = "app"
version = "0.1.0"
dependencies = ["smallvec"]

[[package]]
name = "smallvec"
version = "1.6.0"
source = "registry+https://registry.example.invalid/"
"#;

fn scangate(args: &[&str]) -> (i32, serde_json::Value, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_scangate"))
        // `--ci auto` would write a CI system's variables when these tests run inside one.
        .env_remove("TF_BUILD")
        .env_remove("GITHUB_ACTIONS")
        .env_remove("GITLAB_CI")
        .env_remove("JENKINS_URL")
        .args(args)
        .output()
        .unwrap();
    let json = serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null);
    (
        out.status.code().unwrap(),
        json,
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn write(root: &Path, rel: &str, bytes: &[u8]) {
    let path = root.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, bytes).unwrap();
}

#[test]
fn bad_files_are_reported_and_the_rest_of_the_scan_completes() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "good/Cargo.lock", GOOD_LOCK.as_bytes());
    write(root, "truncated/Cargo.lock", &GOOD_LOCK.as_bytes()[..120]);
    write(
        root,
        "latin1/Cargo.lock",
        b"version = 3\n\n[[package]]\nname = \"caf\xe9\"\n",
    );
    // 200 MB, sparse: refused by size before a byte is read.
    let huge = fs::File::create(root.join("Cargo.lock")).unwrap();
    huge.set_len(200 * 1024 * 1024).unwrap();
    fs::create_dir(root.join("loop")).unwrap();
    symlink("../loop", root.join("loop/again")).unwrap();
    symlink("Cargo.lock", root.join("loop/Cargo.lock.tmp")).unwrap();
    symlink("self/Cargo.lock", root.join("self")).unwrap();

    let (code, json, stderr) = scangate(&[
        "fs",
        root.to_str().unwrap(),
        "--format",
        "json",
        "--packages-only",
    ]);
    assert_eq!(code, 0, "{stderr}");

    let packages: Vec<String> = json["inventory"]["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            format!(
                "{} {}",
                p["purl"].as_str().unwrap(),
                p["locations"][0]["path"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(packages, ["pkg:cargo/smallvec@1.6.0 good/Cargo.lock"]);

    let issues: Vec<String> = json["inventory"]["issues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            format!(
                "{} {}:{} {}",
                i["level"].as_str().unwrap(),
                i["path"].as_str().unwrap(),
                i["line"].as_u64().map_or("-".into(), |l| l.to_string()),
                i["message"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        issues,
        [
            "error Cargo.lock:- file is 200.0 MiB, over the 100.0 MiB limit (raise it with --max-file-size)",
            "error latin1/Cargo.lock:4 not valid UTF-8",
            "warning loop/again:- symbolic link loop; not followed",
            "error truncated/Cargo.lock:10 invalid TOML: key with no value, expected `=`",
        ]
    );
    for needle in [
        "scangate: error: Cargo.lock: file is 200.0 MiB",
        "scangate: error: latin1/Cargo.lock:4: not valid UTF-8",
        "scangate: error: truncated/Cargo.lock:10: invalid TOML: key with no value, expected `=`",
        "scangate: warning: loop/again: symbolic link loop; not followed",
    ] {
        assert!(stderr.contains(needle), "missing {needle:?} in:\n{stderr}");
    }
}

#[test]
fn an_unreadable_target_exits_2_and_says_why() {
    let (code, _, stderr) = scangate(&["fs", "/nonexistent/scangate-target"]);
    assert_eq!(code, 2);
    assert_eq!(
        stderr,
        "scangate: error: cannot scan /nonexistent/scangate-target: No such file or directory (os error 2)\n"
    );
}

#[test]
fn thousand_level_nesting_is_an_error_in_every_structured_format() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let n = 1000;
    let deep_json = format!("{}1{}", "{\"a\":".repeat(n), "}".repeat(n));
    let deep_array = format!("{}{}", "[".repeat(n), "]".repeat(n));
    write(root, "good/Cargo.lock", GOOD_LOCK.as_bytes());
    write(
        root,
        "pip/Pipfile.lock",
        format!("{{\"_meta\":{{}},\"default\":{{\"x\":{deep_json}}}}}").as_bytes(),
    );
    write(
        root,
        "php/composer.lock",
        format!(
            "{{\"packages\":[{{\"name\":\"a/b\",\"version\":\"1.0\",\"require\":{deep_json}}}]}}"
        )
        .as_bytes(),
    );
    write(
        root,
        "web/package.json",
        format!("{{\"name\":\"x\",\"dependencies\":{deep_json}}}").as_bytes(),
    );
    write(
        root,
        "py/poetry.lock",
        format!("[[package]]\nname = \"a\"\nversion = \"1\"\nx = {deep_array}\n").as_bytes(),
    );
    write(
        root,
        "js/pnpm-lock.yaml",
        format!("lockfileVersion: '9.0'\npackages:\n  x: {deep_array}\n").as_bytes(),
    );

    let (code, json, _) = scangate(&[
        "fs",
        root.to_str().unwrap(),
        "--format",
        "json",
        "--packages-only",
    ]);
    assert_eq!(code, 0);
    let issues: Vec<String> = json["inventory"]["issues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            format!(
                "{}:{} {}",
                i["path"].as_str().unwrap(),
                i["line"],
                i["message"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        issues,
        [
            "js/pnpm-lock.yaml:3 invalid YAML: packages.x: invalid type: sequence, expected struct Entry",
            "php/composer.lock:1 invalid JSON: recursion limit exceeded (column 674)",
            "pip/Pipfile.lock:1 invalid JSON: recursion limit exceeded (column 653)",
            "py/poetry.lock:4 invalid TOML: cannot recurse further; max recursion depth met",
            "web/package.json:1 invalid JSON: recursion limit exceeded (column 658)",
        ]
    );
    assert_eq!(
        json["inventory"]["packages"][0]["purl"],
        "pkg:cargo/smallvec@1.6.0"
    );
}
