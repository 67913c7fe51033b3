//! The database built from the real OSV data in `shared/osv` (see its README.md): every record
//! stored, lookups giving exactly the advisories that name a package, enrichment by CVE.
//!
//! The expected id sets were computed independently, with Python over the zips: every record
//! whose `affected[].package` has that ecosystem and (PEP 503-normalised for PyPI) name, less
//! the withdrawn ones.

mod common;

use common::{ids, osv_dir};
use scangate_vulndb::{Event, Limits, Outcome, RangeKind, Report, Silent, SourceReport, VulnDb};
use std::path::PathBuf;
use std::sync::OnceLock;
use tempfile::TempDir;

struct Built {
    _dir: TempDir,
    path: PathBuf,
    report: Report,
}

/// All of shared/osv, built once for this test binary.
fn full() -> Option<&'static Built> {
    static BUILT: OnceLock<Option<Built>> = OnceLock::new();
    BUILT
        .get_or_init(|| {
            let osv = osv_dir()?;
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("scangate.db");
            let report = scangate_vulndb::build(&osv, &path, &Limits::default(), &Silent).unwrap();
            Some(Built {
                _dir: dir,
                path,
                report,
            })
        })
        .as_ref()
}

fn read(name: &str, records: u64) -> SourceReport {
    SourceReport {
        name: name.to_string(),
        outcome: Outcome::Read,
        records,
    }
}

#[test]
fn every_record_of_every_ecosystem_and_the_enrichment_is_stored() {
    let Some(built) = full() else { return };
    assert_eq!(
        built.report.sources,
        [
            read("Alpine", 2432),
            read("Debian", 9118),
            read("Go", 4291),
            read("PyPI", 2661),
            read("RubyGems", 1120),
            read("crates.io", 1205),
            read("enrichment/kev.json", 1404),
            read("enrichment/epss.csv", 360142),
        ]
    );
    assert_eq!(built.report.problems, []);
    assert_eq!(built.report.warnings, Vec::<String>::new());
    let status = VulnDb::open(&built.path).unwrap().status().unwrap();
    assert_eq!(status.advisories, 20827);
    // crates.io 13, Go 17, PyPI 10.
    assert_eq!(status.withdrawn, 40);
    assert_eq!((status.kev, status.epss), (1404, 360142));
    let crates = status
        .sources
        .iter()
        .find(|s| s.name == "crates.io")
        .unwrap();
    assert_eq!(crates.bytes, 1_234_550);
    assert_eq!(crates.sha256.len(), 64);
    assert_eq!(status.built_at, status.checked_at);
}

#[test]
fn lookups_return_exactly_the_advisories_that_name_the_package() {
    let Some(built) = full() else { return };
    let db = VulnDb::open(&built.path).unwrap();
    let cases: &[(&str, &str, &[&str])] = &[
        (
            "crates.io",
            "smallvec",
            &[
                "RUSTSEC-2018-0003",
                "RUSTSEC-2018-0018",
                "RUSTSEC-2019-0009",
                "RUSTSEC-2019-0012",
                "RUSTSEC-2021-0003",
            ],
        ),
        (
            "Go",
            "golang.org/x/text",
            &[
                "GO-2020-0015",
                "GO-2021-0113",
                "GO-2022-1059",
                "GO-2026-5970",
            ],
        ),
        (
            "PyPI",
            "paramiko",
            &[
                "PYSEC-2008-8",
                "PYSEC-2018-19",
                "PYSEC-2018-69",
                "PYSEC-2022-166",
            ],
        ),
        (
            "RubyGems",
            "mail",
            &[
                "CVE-2011-0739",
                "CVE-2012-2139",
                "CVE-2012-2140",
                "CVE-2015-9097",
                "GHSA-mvxr-6m87-mv2q",
            ],
        ),
        (
            "Debian:11",
            "openssl",
            &[
                "DSA-4963-1",
                "DSA-5103-1",
                "DSA-5139-1",
                "DSA-5169-1",
                "DSA-5343-1",
            ],
        ),
        (
            "Debian:10",
            "openssl",
            &[
                "DLA-3325-1",
                "DSA-4539-1",
                "DSA-4539-3",
                "DSA-4661-1",
                "DSA-4807-1",
                "DSA-4855-1",
                "DSA-4875-1",
                "DSA-4963-1",
                "DSA-5103-1",
                "DSA-5139-1",
                "DSA-5169-1",
            ],
        ),
        (
            "Alpine:v3.11",
            "vim",
            &[
                "ALPINE-CVE-2016-1248",
                "ALPINE-CVE-2017-5953",
                "ALPINE-CVE-2017-6349",
                "ALPINE-CVE-2017-6350",
                "ALPINE-CVE-2019-12735",
            ],
        ),
        (
            "Alpine:v3.3",
            "vim",
            &["ALPINE-CVE-2016-1248", "ALPINE-CVE-2017-5953"],
        ),
        // Names that need the release, or the exact spelling of a case-sensitive ecosystem.
        ("Debian", "openssl", &[]),
        ("crates.io", "SmallVec", &[]),
        ("crates.io", "no-such-crate", &[]),
    ];
    for (ecosystem, name, want) in cases {
        assert_eq!(
            ids(&db.advisories(ecosystem, name).unwrap()),
            *want,
            "{ecosystem} {name}"
        );
    }
}

#[test]
fn records_come_back_whole() {
    let Some(built) = full() else { return };
    let db = VulnDb::open(&built.path).unwrap();
    let advisories = db.advisories("crates.io", "smallvec").unwrap();
    let grow = advisories
        .iter()
        .find(|a| a.id == "RUSTSEC-2019-0009")
        .unwrap();
    assert_eq!(
        grow.summary.as_deref(),
        Some("Double-free and use-after-free in SmallVec::grow()")
    );
    assert_eq!(grow.aliases, ["CVE-2019-15551", "GHSA-mm7v-vpv8-xfc3"]);
    assert_eq!(grow.published.as_deref(), Some("2019-06-06T12:00:00Z"));
    let range = &grow.affected[0].ranges[0];
    assert_eq!(range.kind, RangeKind::Semver);
    assert_eq!(
        range.events,
        [
            Event::Introduced("0.6.5".into()),
            Event::Fixed("0.6.10".into())
        ]
    );
    let dsa = db.advisories("Debian:11", "openssl").unwrap();
    let package = dsa[4].affected[0].package.as_ref().unwrap();
    assert_eq!(
        package.purl.as_deref(),
        Some("pkg:deb/debian/openssl?arch=source")
    );
}

#[test]
fn withdrawn_advisories_are_stored_but_never_returned() {
    let Some(built) = full() else { return };
    let db = VulnDb::open(&built.path).unwrap();
    // RUSTSEC-2025-0007 (ring) is withdrawn; the crate's other two are not.
    assert_eq!(
        ids(&db.advisories("crates.io", "ring").unwrap()),
        ["RUSTSEC-2025-0009", "RUSTSEC-2025-0010"]
    );
    // Packages whose only advisories are withdrawn.
    assert_eq!(
        ids(&db.advisories("crates.io", "humantime").unwrap()),
        Vec::<String>::new()
    );
    assert_eq!(
        ids(&db.advisories("Go", "github.com/lib/pq").unwrap()),
        Vec::<String>::new()
    );
    // They are still in the file, under their packages.
    let packages = db.packages().unwrap();
    assert!(packages.contains(&("Go".to_string(), "github.com/lib/pq".to_string())));
}

#[test]
fn pypi_names_are_looked_up_normalised() {
    let Some(built) = full() else { return };
    let db = VulnDb::open(&built.path).unwrap();
    // The record spells it `jw.util`.
    for spelling in ["jw.util", "JW_Util", "jw-util", "Jw__Util"] {
        assert_eq!(
            ids(&db.advisories("PyPI", spelling).unwrap()),
            ["PYSEC-2020-341"],
            "{spelling}"
        );
    }
}

#[test]
fn kev_and_epss_by_cve() {
    let Some(built) = full() else { return };
    let db = VulnDb::open(&built.path).unwrap();
    let log4shell = db.kev("cve-2021-44228").unwrap().unwrap();
    assert_eq!(log4shell.cve, "CVE-2021-44228");
    assert_eq!(log4shell.vendor_project.as_deref(), Some("Apache"));
    assert_eq!(log4shell.product.as_deref(), Some("Log4j2"));
    assert_eq!(log4shell.date_added.as_deref(), Some("2021-12-10"));
    assert_eq!(log4shell.due_date.as_deref(), Some("2021-12-24"));
    assert!(log4shell.known_ransomware_use());
    let git = db.kev("CVE-2025-48384").unwrap().unwrap();
    assert!(!git.known_ransomware_use());
    assert_eq!(db.kev("CVE-1999-1593").unwrap(), None);

    let epss = db.epss("CVE-2021-44228").unwrap().unwrap();
    assert_eq!((epss.score, epss.percentile), (0.99999, 1.0));
    let old = db.epss("CVE-1999-1593").unwrap().unwrap();
    assert_eq!((old.score, old.percentile), (0.18126, 0.96946));
    assert_eq!(db.epss("CVE-2099-0001").unwrap(), None);
}

#[test]
fn lookups_from_two_threads_at_once() {
    let Some(built) = full() else { return };
    let db = VulnDb::open(&built.path).unwrap();
    let packages = db.packages().unwrap();
    let sample: Vec<_> = packages.iter().step_by(97).collect();
    let expected: Vec<Vec<String>> = sample
        .iter()
        .map(|(eco, name)| ids(&db.advisories(eco, name).unwrap()))
        .collect();
    std::thread::scope(|scope| {
        for _ in 0..2 {
            scope.spawn(|| {
                for _ in 0..3 {
                    for ((eco, name), want) in sample.iter().zip(&expected) {
                        assert_eq!(&ids(&db.advisories(eco, name).unwrap()), want);
                    }
                }
            });
        }
    });
}

#[test]
fn a_subset_of_the_bucket_builds_with_its_own_counts() {
    let Some(osv) = osv_dir() else { return };
    let source = tempfile::tempdir().unwrap();
    for eco in ["Alpine", "crates.io"] {
        std::fs::create_dir(source.path().join(eco)).unwrap();
        std::fs::copy(
            osv.join(eco).join("all.zip"),
            source.path().join(eco).join("all.zip"),
        )
        .unwrap();
    }
    let out = tempfile::tempdir().unwrap();
    let path = out.path().join("db/scangate.db");
    let report = scangate_vulndb::build(source.path(), &path, &Limits::default(), &Silent).unwrap();
    assert_eq!(
        report.sources,
        [read("Alpine", 2432), read("crates.io", 1205)]
    );
    assert_eq!(
        report.warnings,
        [
            format!(
                "no enrichment/kev.json in {}: the database has no KEV data",
                source.path().display()
            ),
            format!(
                "no enrichment/epss.csv in {}: the database has no EPSS data",
                source.path().display()
            ),
        ]
    );
    let db = VulnDb::open(&path).unwrap();
    assert_eq!(db.status().unwrap().advisories, 2432 + 1205);
    assert_eq!(db.kev("CVE-2021-44228").unwrap(), None);
    assert_eq!(
        ids(&db.advisories("Go", "golang.org/x/text").unwrap()),
        Vec::<String>::new()
    );
}
