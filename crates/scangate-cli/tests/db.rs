//! `scangate db build|status`: where the database goes, what status prints, how errors read.

use std::path::Path;
use std::process::Command;

const RECORD: &str = r#"{"id": "GHSA-1", "modified": "2024-01-01T00:00:00Z",
  "affected": [{"package": {"ecosystem": "PyPI", "name": "Example_Pkg"}}]}"#;

/// Runs scangate with a clean database environment plus `env`: (exit code, stdout, stderr).
fn scangate(args: &[&str], env: &[(&str, &Path)]) -> (i32, String, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_scangate"));
    command
        .args(args)
        .env_remove("SCANGATE_DB")
        .env_remove("XDG_CACHE_HOME");
    for (key, value) in env {
        command.env(key, value);
    }
    let out = command.output().unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn source(root: &Path) -> String {
    let dir = root.join("osv/PyPI");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("GHSA-1.json"), RECORD).unwrap();
    std::fs::write(dir.join("GHSA-2.json"), "{").unwrap();
    root.join("osv").display().to_string()
}

#[test]
fn build_then_status_in_the_cache_directory() {
    let dir = tempfile::tempdir().unwrap();
    let from = source(dir.path());
    let cache = dir.path().join("cache");
    let env = [("XDG_CACHE_HOME", cache.as_path())];
    let db = cache.join("scangate/db/scangate.db");

    let (code, stdout, stderr) = scangate(&["db", "build", "--from", &from], &env);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        stdout,
        format!(
            "PyPI           1 records  read\nwritten: {}\n",
            db.display()
        )
    );
    assert_eq!(
        stderr,
        format!(
            "scangate: warning: no enrichment/kev.json in {from}: the database has no KEV data\n\
             scangate: warning: no enrichment/epss.csv in {from}: the database has no EPSS data\n\
             scangate: skipped: PyPI: GHSA-2.json: not an OSV record: EOF while parsing an object at line 1 column 1\n"
        )
    );

    let (code, stdout, stderr) = scangate(&["db", "status"], &env);
    assert_eq!(code, 0, "{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(
        lines[0].starts_with(&format!("database    {} (", db.display())),
        "{stdout}"
    );
    assert!(lines[1].starts_with("built       20"), "{stdout}");
    assert!(lines[1].ends_with("(less than a minute ago)"), "{stdout}");
    assert_eq!(
        lines[3..6],
        [
            "advisories  1 (0 withdrawn)",
            "KEV         0 entries",
            "EPSS        0 scores"
        ]
    );
    assert_eq!(
        lines[7],
        "source   records  sha256            fetched               origin"
    );
    assert!(lines[8].starts_with("PyPI           1  "), "{stdout}");
    assert!(lines[8].ends_with(&format!("  {from}/PyPI")), "{stdout}");
    assert_eq!(lines.len(), 9);
}

#[test]
fn the_db_option_wins_over_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let from = source(dir.path());
    let from_env = dir.path().join("env.db");
    let from_option = dir.path().join("option.db");
    let env = [("SCANGATE_DB", from_env.as_path())];

    let (code, stdout, _) = scangate(&["db", "build", "--from", &from], &env);
    assert_eq!(code, 0);
    assert!(stdout.ends_with(&format!("written: {}\n", from_env.display())));
    let option = from_option.display().to_string();
    let (code, stdout, _) = scangate(&["db", "build", "--from", &from, "--db", &option], &env);
    assert_eq!(code, 0);
    assert!(stdout.ends_with(&format!("written: {option}\n")));
    assert!(from_env.is_file() && from_option.is_file());
}

#[test]
fn errors_name_the_database_or_the_source() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("none.db");
    let (code, stdout, stderr) =
        scangate(&["db", "status", "--db", missing.to_str().unwrap()], &[]);
    assert_eq!((code, stdout.as_str()), (2, ""));
    assert_eq!(
        stderr,
        format!(
            "scangate: error: database {}: no such file; create it with `scangate db update` or `scangate db build`\n",
            missing.display()
        )
    );
    let nowhere = dir.path().join("nowhere").display().to_string();
    let (code, _, stderr) = scangate(
        &[
            "db",
            "build",
            "--from",
            &nowhere,
            "--db",
            missing.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(code, 2);
    assert_eq!(
        stderr,
        format!(
            "scangate: error: cannot build the database from {nowhere}: {nowhere}: No such file or directory (os error 2)\n"
        )
    );
    assert!(!missing.exists());
}
