//! Building from synthetic sources: a folder of JSON records, bad records, archives that are
//! not archives, zip bombs, the same advisory in two places.

mod common;

use common::{ids, record, write, zip_of};
use scangate_vulndb::{Error, Limits, Outcome, Problem, Silent, SourceReport, VulnDb};
use std::path::Path;

fn build(from: &Path, limits: &Limits) -> Result<(scangate_vulndb::Report, VulnDb), Error> {
    let db = from.parent().unwrap().join(format!(
        "{}.db",
        from.file_name().unwrap().to_string_lossy()
    ));
    let report = scangate_vulndb::build(from, &db, limits, &Silent)?;
    Ok((report, VulnDb::open(&db)?))
}

fn read(name: &str, records: u64) -> SourceReport {
    SourceReport {
        name: name.to_string(),
        outcome: Outcome::Read,
        records,
    }
}

fn problem(source: &str, entry: &str, reason: &str) -> Problem {
    Problem {
        source: source.to_string(),
        entry: entry.to_string(),
        reason: reason.to_string(),
    }
}

const MODIFIED: &str = "2024-01-01T00:00:00Z";

#[test]
fn a_folder_of_json_records_is_read_recursively() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("osv");
    let pypi = |id: &str, name: &str| record(id, MODIFIED, "PyPI", name).into_bytes();
    write(
        &root,
        "PyPI/zope/PYSEC-1.json",
        &pypi("PYSEC-1", "Zope.Interface"),
    );
    write(
        &root,
        "PyPI/deep/er/PYSEC-2.json",
        &pypi("PYSEC-2", "zope_interface"),
    );
    write(&root, "PyPI/notes.txt", b"not a record");
    write(
        &root,
        "GHSA-1.json",
        record("GHSA-1", MODIFIED, "NuGet", "Newtonsoft.Json").as_bytes(),
    );
    write(
        &root,
        "enrichment/kev.json",
        br#"{"vulnerabilities": [{"cveID": "CVE-2024-1"}]}"#,
    );
    let (report, db) = build(&root, &Limits::default()).unwrap();
    assert_eq!(
        report.sources,
        [
            read("PyPI", 2),
            read(".", 1),
            read("enrichment/kev.json", 1)
        ]
    );
    assert_eq!(report.problems, []);
    assert_eq!(
        ids(&db.advisories("PyPI", "ZOPE-interface").unwrap()),
        ["PYSEC-1", "PYSEC-2"]
    );
    assert_eq!(
        ids(&db.advisories("NuGet", "newtonsoft.json").unwrap()),
        ["GHSA-1"]
    );
    assert!(db.kev("CVE-2024-1").unwrap().is_some());
    let status = db.status().unwrap();
    let pypi = status.sources.iter().find(|s| s.name == "PyPI").unwrap();
    assert_eq!(pypi.origin, root.join("PyPI").display().to_string());
}

#[test]
fn bad_records_are_reported_and_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("osv");
    let good = record("RUSTSEC-1", MODIFIED, "crates.io", "good");
    let zip = zip_of(&[
        ("RUSTSEC-1.json", good.as_bytes()),
        ("RUSTSEC-2.json", b"{\"id\": \"RUSTSEC-2\", "),
        ("RUSTSEC-3.json", br#"{"id": "RUSTSEC-3"}"#),
        (
            "RUSTSEC-4.json",
            br#"{"id": "RUSTSEC-4", "modified": "x", "affected": 7}"#,
        ),
        ("RUSTSEC-5.json", b"\xff\xfe"),
        ("RUSTSEC-6.json", br#"{"id": " ", "modified": "x"}"#),
        ("README.md", b"not a record"),
    ]);
    write(&root, "crates.io/all.zip", &zip);
    write(&root, "Go/GO-1.json", b"42");
    write(
        &root,
        "Go/GO-2.json",
        record("GO-2", MODIFIED, "Go", "example.invalid/m").as_bytes(),
    );
    write(
        &root,
        "enrichment/epss.csv",
        b"cve,epss,percentile\nCVE-2024-1,0.5,0.9\nCVE-2024-2,2,0.9\n",
    );
    write(&root, "enrichment/kev.json", b"{}");
    let (report, db) = build(&root, &Limits::default()).unwrap();
    assert_eq!(
        report.sources,
        [
            read("Go", 1),
            read("crates.io", 1),
            read("enrichment/epss.csv", 1)
        ]
    );
    assert_eq!(
        report.problems,
        [
            problem(
                "Go",
                "GO-1.json",
                "not an OSV record: invalid type: integer `42`, expected struct Advisory at line 1 column 2"
            ),
            problem(
                "crates.io",
                "RUSTSEC-2.json",
                "not an OSV record: EOF while parsing a value at line 1 column 20"
            ),
            problem(
                "crates.io",
                "RUSTSEC-3.json",
                "not an OSV record: missing field `modified` at line 1 column 19"
            ),
            problem(
                "crates.io",
                "RUSTSEC-4.json",
                "not an OSV record: invalid type: integer `7`, expected a sequence at line 1 column 50"
            ),
            problem(
                "crates.io",
                "RUSTSEC-5.json",
                "not an OSV record: expected value at line 1 column 1"
            ),
            problem(
                "crates.io",
                "RUSTSEC-6.json",
                "not an OSV record: empty `id`"
            ),
            problem(
                "enrichment/epss.csv",
                "line 3",
                "\"2\" is not a number from 0 to 1"
            ),
        ]
    );
    assert_eq!(
        report.warnings,
        [
            "enrichment/kev.json: not a KEV catalog: missing field `vulnerabilities` at line 1 column 2; not used"
        ]
    );
    assert_eq!(
        ids(&db.advisories("crates.io", "good").unwrap()),
        ["RUSTSEC-1"]
    );
    assert_eq!(db.status().unwrap().advisories, 2);
}

#[test]
fn a_file_that_is_not_an_archive_stops_the_build_and_leaves_the_old_database() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("osv");
    write(
        &root,
        "Go/GO-1.json",
        record("GO-1", MODIFIED, "Go", "m").as_bytes(),
    );
    let db_path = dir.path().join("osv.db");
    build(&root, &Limits::default()).unwrap();
    let before = std::fs::read(&db_path).unwrap();
    write(
        &root,
        "PyPI/all.zip",
        b"PK\x03\x04 this is not a zip archive",
    );
    let err = build(&root, &Limits::default()).err().unwrap();
    assert_eq!(
        err.to_string(),
        "PyPI: not a valid zip archive: invalid Zip archive: Could not find EOCD"
    );
    assert_eq!(std::fs::read(&db_path).unwrap(), before);
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(left.len(), 2, "no temporary file is left behind");
}

#[test]
fn a_member_that_expands_past_the_record_limit_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("osv");
    // 17 MiB of zeros deflate to about 17 KiB.
    let huge = vec![b'0'; 17 * 1024 * 1024];
    let good = record("GO-1", MODIFIED, "Go", "m");
    write(
        &root,
        "Go/all.zip",
        &zip_of(&[("GO-1.json", good.as_bytes()), ("GO-2.json", &huge)]),
    );
    let (report, db) = build(&root, &Limits::default()).unwrap();
    assert_eq!(
        report.problems,
        [problem(
            "Go",
            "GO-2.json",
            "declares 17825792 bytes, over the 16 MiB record limit; skipped"
        )]
    );
    assert_eq!(ids(&db.advisories("Go", "m").unwrap()), ["GO-1"]);
}

#[test]
fn a_member_whose_header_understates_its_size_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("osv");
    let big = vec![b' '; 4096];
    let mut zip = zip_of(&[("GO-2.json", &big)]);
    understate_sizes(&mut zip, 4096, 10);
    write(&root, "Go/all.zip", &zip);
    let limits = Limits {
        record_bytes: 1024,
        ..Limits::default()
    };
    let (report, _) = build(&root, &limits).unwrap();
    assert_eq!(
        report.problems,
        [problem(
            "Go",
            "GO-2.json",
            "cannot decompress: File is larger than its declared uncompressed size"
        )]
    );
}

#[test]
fn an_archive_whose_members_add_up_past_the_source_limit_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("osv");
    let filler = vec![b' '; 300 * 1024];
    let names: Vec<String> = (0..8).map(|i| format!("GO-{i}.json")).collect();
    let members: Vec<(&str, &[u8])> = names
        .iter()
        .map(|name| (name.as_str(), filler.as_slice()))
        .collect();
    write(&root, "Go/all.zip", &zip_of(&members));
    let limits = Limits {
        source_bytes: 1024 * 1024,
        ..Limits::default()
    };
    let err = build(&root, &limits).err().unwrap();
    assert_eq!(
        err.to_string(),
        "Go: records expand past the 1 MiB limit for one source; refused (a zip bomb?)"
    );
    let limits = Limits {
        records: 5,
        ..Limits::default()
    };
    let err = build(&root, &limits).err().unwrap();
    assert_eq!(
        err.to_string(),
        "Go: archive holds 8 members, over the limit of 5; refused"
    );
}

#[test]
fn the_same_advisory_in_two_sources_is_stored_once_at_its_latest() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("osv");
    let older = record("GHSA-1", "2024-01-01T00:00:00Z", "PyPI", "old-name");
    let newer = record("GHSA-1", "2024-06-01T00:00:00Z", "PyPI", "new-name");
    write(&root, "A/GHSA-1.json", older.as_bytes());
    write(&root, "B/GHSA-1.json", newer.as_bytes());
    write(&root, "C/GHSA-1.json", older.as_bytes());
    let (report, db) = build(&root, &Limits::default()).unwrap();
    assert_eq!(report.sources, [read("A", 1), read("B", 1), read("C", 1)]);
    assert_eq!(ids(&db.advisories("PyPI", "new-name").unwrap()), ["GHSA-1"]);
    assert_eq!(
        ids(&db.advisories("PyPI", "old-name").unwrap()),
        Vec::<String>::new()
    );
    let stored = &db.advisories("PyPI", "new-name").unwrap()[0];
    assert_eq!(stored.modified, "2024-06-01T00:00:00Z");
    assert_eq!(db.status().unwrap().advisories, 1);
}

#[test]
fn withdrawn_records_are_kept_out_of_lookups() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("osv");
    let live = record("RUSTSEC-1", MODIFIED, "crates.io", "c");
    let withdrawn = record("RUSTSEC-2", MODIFIED, "crates.io", "c").replacen(
        "\"summary\"",
        "\"withdrawn\": \"2024-02-01T00:00:00Z\", \"summary\"",
        1,
    );
    write(&root, "crates.io/RUSTSEC-1.json", live.as_bytes());
    write(&root, "crates.io/RUSTSEC-2.json", withdrawn.as_bytes());
    let (_, db) = build(&root, &Limits::default()).unwrap();
    assert_eq!(
        ids(&db.advisories("crates.io", "c").unwrap()),
        ["RUSTSEC-1"]
    );
    let status = db.status().unwrap();
    assert_eq!((status.advisories, status.withdrawn), (2, 1));
}

#[test]
fn an_empty_folder_and_a_missing_database_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("empty");
    std::fs::create_dir(&root).unwrap();
    let err = build(&root, &Limits::default()).err().unwrap();
    assert_eq!(
        err.to_string(),
        format!(
            "{}: no <Ecosystem>/all.zip and no *.json files here",
            root.display()
        )
    );
    let missing = dir.path().join("nothing.db");
    assert_eq!(
        VulnDb::open(&missing).err().unwrap().to_string(),
        format!(
            "database {}: no such file; create it with `scangate db update` or `scangate db build`",
            missing.display()
        )
    );
    let not_a_db = dir.path().join("text.db");
    std::fs::write(&not_a_db, "hello").unwrap();
    let err = VulnDb::open(&not_a_db).err().unwrap().to_string();
    assert!(
        err.starts_with(&format!(
            "database {}: format unknown (",
            not_a_db.display()
        )),
        "{err}"
    );
}

/// Rewrites the uncompressed size of every member in both its local and central headers, as a
/// hostile archive would to get past a size check made before reading.
fn understate_sizes(zip: &mut [u8], real: u32, claimed: u32) {
    let (real, claimed) = (real.to_le_bytes(), claimed.to_le_bytes());
    let mut patched = 0;
    for (signature, offset) in [(*b"PK\x03\x04", 22), (*b"PK\x01\x02", 24)] {
        let mut at = 0;
        while let Some(found) = zip[at..].windows(4).position(|w| w == signature) {
            let field = at + found + offset;
            assert_eq!(zip[field..field + 4], real);
            zip[field..field + 4].copy_from_slice(&claimed);
            patched += 1;
            at += found + 4;
        }
    }
    assert_eq!(patched, 2);
}
