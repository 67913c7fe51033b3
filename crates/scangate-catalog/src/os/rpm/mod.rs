//! rpm package databases, in the three formats rpm has written: SQLite `rpmdb.sqlite` (rpm 4.16
//! on), Berkeley DB hash `Packages` (before) and ndb `Packages.db` (SUSE). Each stores one
//! header blob per installed package; the header's tags give the package's identity. The
//! format is told by the file's content, not its name.
//!
//! Versions are `[epoch:]version-release`, as rpm compares them and OSV's rpm-based ecosystems
//! record them. `gpg-pubkey` records are imported signing keys, not packages.

mod bdb;
mod header;
mod ndb;
mod sqlite;

use crate::os::Distro;
use crate::{CatalogError, Cataloger, Catalogued, Context, Diagnostic, SourceFile};
use header::RpmHeader;
use scangate_types::{Ecosystem, Location, Package, SourcePackage};
use std::borrow::Cow;

/// Where rpm keeps its database: the classic folder and the one newer Fedora and SUSE use.
const DB_DIRS: [&str; 2] = ["var/lib/rpm/", "usr/lib/sysimage/rpm/"];
const DB_FILES: [&str; 3] = ["rpmdb.sqlite", "Packages", "Packages.db"];

/// The name rpm gives the records of imported signing keys.
const SIGNING_KEY: &str = "gpg-pubkey";

pub(crate) struct RpmDb;

impl Cataloger for RpmDb {
    fn name(&self) -> &'static str {
        "rpm-db"
    }

    fn matches(&self, path: &str) -> bool {
        root_of(path).is_some()
    }

    fn catalog(
        &self,
        file: &SourceFile<'_>,
        ctx: &Context<'_>,
    ) -> Result<Catalogued, CatalogError> {
        let root = root_of(file.path).unwrap_or_default();
        let (distro, warning) = Distro::detect_for(ctx, root, Ecosystem::RedHat);
        let mut catalogued = Catalogued::default();
        catalogued.warnings.extend(warning);
        for_each_record(file.bytes, |record| {
            let parsed = record
                .blob
                .and_then(|blob| header::parse(&blob).map_err(|err| err.to_string()));
            match parsed {
                Ok(header) if header.name == SIGNING_KEY => {}
                Ok(header) => catalogued
                    .packages
                    .push(package(&distro, &header, file.at(None))),
                Err(err) => catalogued.warnings.push(Diagnostic::new(
                    None,
                    format!("package record {} skipped: {err}", record.id),
                )),
            }
        })
        .map_err(CatalogError::new)?;
        Ok(catalogued)
    }
}

/// The root filesystem a database path belongs to (`""` for the view's root).
fn root_of(path: &str) -> Option<&str> {
    DB_DIRS.iter().find_map(|dir| {
        DB_FILES.iter().find_map(|name| {
            let root = path.strip_suffix(name)?.strip_suffix(dir)?;
            match root {
                "" => Some(""),
                _ => root.strip_suffix('/'),
            }
        })
    })
}

/// One package record of a database: its header blob, or why it could not be read.
#[derive(Debug)]
pub(super) struct Record<'a> {
    /// The record's key in the database (header number or package index), for messages.
    pub id: String,
    pub blob: Result<Cow<'a, [u8]>, String>,
}

/// Hands every record of the database to `each`; SQLite's as its rows are read.
fn for_each_record(bytes: &[u8], mut each: impl FnMut(Record<'_>)) -> Result<(), String> {
    if bytes.starts_with(b"SQLite format 3\0") {
        return sqlite::for_each_record(bytes, each);
    }
    let records = if bytes.starts_with(b"RpmP") {
        ndb::records(bytes)?
    } else {
        bdb::records(bytes)?
    };
    records.into_iter().for_each(&mut each);
    Ok(())
}

fn package(distro: &Distro, header: &RpmHeader, location: Location) -> Package {
    let version = header.full_version();
    let mut package = distro.package(&header.name, &version, header.arch.as_deref(), location);
    package.licenses = header.license.iter().cloned().collect();
    package.source = header
        .source_rpm
        .as_deref()
        .and_then(|file| source_package(file, header));
    package
}

/// The source package named by a `name-version-release.src.rpm` file name; its version only
/// when it differs from the binary's (the epoch is the binary's: file names leave it out).
fn source_package(file: &str, binary: &RpmHeader) -> Option<SourcePackage> {
    let stem = file
        .strip_suffix(".src.rpm")
        .or_else(|| file.strip_suffix(".nosrc.rpm"))?;
    let mut parts = stem.rsplitn(3, '-');
    let (release, version, name) = (parts.next()?, parts.next()?, parts.next()?);
    if [release, version, name].iter().any(|part| part.is_empty()) {
        return None;
    }
    let same = version == binary.version && release == binary.release;
    let version = (!same).then(|| {
        RpmHeader {
            version: version.to_string(),
            release: release.to_string(),
            ..binary.clone()
        }
        .full_version()
    });
    Some(SourcePackage {
        name: name.to_string(),
        version,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{fixture, issues};
    use scangate_fsview::{DirView, SkipRules};
    use scangate_types::Inventory;
    use std::path::Path;

    fn read(rel: &str) -> Vec<u8> {
        std::fs::read(fixture(&format!("os/rpm/{rel}"))).unwrap()
    }

    fn scan_dir(dir: &Path) -> Inventory {
        let view = DirView::new(
            dir,
            scangate_fsview::DEFAULT_MAX_FILE_SIZE,
            SkipRules::default(),
        )
        .unwrap();
        crate::scan(&view, &[&RpmDb])
    }

    /// `purl source[@version] licence location` of every package.
    fn rows(inventory: &Inventory) -> Vec<String> {
        inventory
            .packages
            .iter()
            .map(|p| {
                let source = p
                    .source
                    .as_ref()
                    .map_or("-".to_string(), |s| match &s.version {
                        Some(v) => format!("{}@{v}", s.name),
                        None => s.name.clone(),
                    });
                format!(
                    "{} {} {} {source} {:?} {}",
                    p.osv_ecosystem(),
                    p.purl,
                    p.version.as_deref().unwrap_or("-"),
                    p.licenses,
                    p.location()
                )
            })
            .collect()
    }

    /// `id name full-version` of every record.
    fn summary(records: &[Record<'_>]) -> Vec<String> {
        let mut found: Vec<String> = records
            .iter()
            .map(|r| {
                let header = header::parse(r.blob.as_ref().unwrap()).unwrap();
                format!("{} {} {}", r.id, header.name, header.full_version())
            })
            .collect();
        found.sort();
        found
    }

    const RECORDS: [&str; 4] = [
        "1 tools-libs 2:3.4.5-7.fc40",
        "2 tools 2:3.4.5-7.fc40",
        "3 hello 1.0-1",
        "4 gpg-pubkey 837fd9d3-6b0263be",
    ];

    const SQLITE: &str = "sqlite/usr/lib/sysimage/rpm/rpmdb.sqlite";

    #[test]
    fn sqlite_database_made_by_rpm_on_rocky() {
        let inventory = scan_dir(&fixture("os/rpm/sqlite"));
        assert_eq!(
            rows(&inventory),
            [
                "Rocky Linux:9 pkg:rpm/rocky/hello@1.0-1?arch=noarch&distro=rocky-9.3 1.0-1 hello [\"MIT\"] usr/lib/sysimage/rpm/rpmdb.sqlite",
                "Rocky Linux:9 pkg:rpm/rocky/tools@3.4.5-7.fc40?arch=noarch&distro=rocky-9.3&epoch=2 2:3.4.5-7.fc40 tools [\"GPL-2.0-or-later AND MIT\"] usr/lib/sysimage/rpm/rpmdb.sqlite",
                "Rocky Linux:9 pkg:rpm/rocky/tools-libs@3.4.5-7.fc40?arch=noarch&distro=rocky-9.3&epoch=2 2:3.4.5-7.fc40 tools [\"LGPL-2.1-or-later\"] usr/lib/sysimage/rpm/rpmdb.sqlite",
            ]
        );
        assert!(issues(&inventory).is_empty(), "{:?}", issues(&inventory));
    }

    #[test]
    fn berkeley_db_databases_made_by_db_load_without_a_known_distribution() {
        for dir in ["bdb-le-4096", "bdb-be-512", "bdb-chksum-1024"] {
            let bytes = read(&format!("{dir}/var/lib/rpm/Packages"));
            assert_eq!(summary(&bdb::records(&bytes).unwrap()), RECORDS, "{dir}");
            let inventory = scan_dir(&fixture(&format!("os/rpm/{dir}")));
            assert_eq!(
                rows(&inventory),
                [
                    "Red Hat pkg:rpm/redhat/hello@1.0-1?arch=noarch 1.0-1 hello [\"MIT\"] var/lib/rpm/Packages",
                    "Red Hat pkg:rpm/redhat/tools@3.4.5-7.fc40?arch=noarch&epoch=2 2:3.4.5-7.fc40 tools [\"GPL-2.0-or-later AND MIT\"] var/lib/rpm/Packages",
                    "Red Hat pkg:rpm/redhat/tools-libs@3.4.5-7.fc40?arch=noarch&epoch=2 2:3.4.5-7.fc40 tools [\"LGPL-2.1-or-later\"] var/lib/rpm/Packages",
                ],
                "{dir}"
            );
            assert_eq!(
                issues(&inventory),
                [
                    "var/lib/rpm/Packages: unknown distribution (no recognised os-release); packages are reported as Red Hat without a release, so no distribution advisories match them"
                ],
                "{dir}"
            );
        }
    }

    /// The SQLite fixture's header blobs, by header number.
    fn fixture_blobs() -> Vec<Vec<u8>> {
        let bytes = read(SQLITE);
        let mut blobs = Vec::new();
        sqlite::for_each_record(&bytes, |r| blobs.push(r.blob.unwrap().into_owned())).unwrap();
        blobs
    }

    /// A root with `etc/os-release` from the fixtures and `file` at `path`.
    fn root_with(os_release: &str, path: &str, file: &[u8]) -> tempfile::TempDir {
        let root = tempfile::tempdir().unwrap();
        let release = fixture(&format!("os/os-release/{os_release}"));
        std::fs::create_dir_all(root.path().join("etc")).unwrap();
        std::fs::copy(release, root.path().join("etc/os-release")).unwrap();
        let at = root.path().join(path);
        std::fs::create_dir_all(at.parent().unwrap()).unwrap();
        std::fs::write(at, file).unwrap();
        root
    }

    #[test]
    fn ndb_database_on_opensuse() {
        let blobs = fixture_blobs();
        let file = ndb::build(&blobs.iter().map(Vec::as_slice).collect::<Vec<_>>());
        assert_eq!(summary(&ndb::records(&file).unwrap()), RECORDS);
        let root = root_with(
            "opensuse-leap-15.5",
            "usr/lib/sysimage/rpm/Packages.db",
            &file,
        );
        let inventory = scan_dir(root.path());
        assert_eq!(
            rows(&inventory),
            [
                "openSUSE:Leap 15.5 pkg:rpm/opensuse/hello@1.0-1?arch=noarch&distro=opensuse-leap-15.5 1.0-1 hello [\"MIT\"] usr/lib/sysimage/rpm/Packages.db",
                "openSUSE:Leap 15.5 pkg:rpm/opensuse/tools@3.4.5-7.fc40?arch=noarch&distro=opensuse-leap-15.5&epoch=2 2:3.4.5-7.fc40 tools [\"GPL-2.0-or-later AND MIT\"] usr/lib/sysimage/rpm/Packages.db",
                "openSUSE:Leap 15.5 pkg:rpm/opensuse/tools-libs@3.4.5-7.fc40?arch=noarch&distro=opensuse-leap-15.5&epoch=2 2:3.4.5-7.fc40 tools [\"LGPL-2.1-or-later\"] usr/lib/sysimage/rpm/Packages.db",
            ]
        );
        assert!(issues(&inventory).is_empty(), "{:?}", issues(&inventory));
    }

    #[test]
    fn a_corrupt_header_costs_that_package_with_a_warning() {
        let mut blobs = fixture_blobs();
        blobs[1].truncate(100); // tools
        blobs[2][..4].copy_from_slice(&0x00ff_ffffu32.to_be_bytes()); // hello
        let file = ndb::build(&blobs.iter().map(Vec::as_slice).collect::<Vec<_>>());
        let root = root_with("rocky-9.3", "var/lib/rpm/Packages.db", &file);
        let inventory = scan_dir(root.path());
        let names: Vec<_> = inventory.packages.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["tools-libs"]);
        assert_eq!(
            issues(&inventory),
            [
                "var/lib/rpm/Packages.db: package record 2 skipped: header is truncated: 41 entries and 664 bytes of data need 1328 bytes, the record has 100",
                "var/lib/rpm/Packages.db: package record 3 skipped: header claims 16777215 index entries",
            ]
        );
    }

    /// The page numbers of a big-endian 512-byte-page database's overflow pages.
    fn overflow_pages(file: &[u8]) -> Vec<usize> {
        (1..file.len() / 512)
            .filter(|p| file[p * 512 + 25] == 7)
            .collect()
    }

    #[test]
    fn broken_berkeley_db_overflow_chains_cost_their_package() {
        let good = read("bdb-be-512/var/lib/rpm/Packages");
        let first = overflow_pages(&good)[0];
        let next = first * 512 + 16;

        let mut looped = good.clone();
        looped[next..next + 4].copy_from_slice(&(first as u32).to_be_bytes());
        let mut outside = good.clone();
        outside[next..next + 4].copy_from_slice(&9999u32.to_be_bytes());
        let mut cut = good.clone();
        cut[next..next + 4].copy_from_slice(&0u32.to_be_bytes());
        for (file, message) in [
            (looped, format!("page {first} is reached twice (a loop)")),
            (
                outside,
                "page 9999 is outside the file (18 pages)".to_string(),
            ),
            (
                cut,
                "overflow chain ends after 486 of 1312 bytes".to_string(),
            ),
        ] {
            let records = bdb::records(&file).unwrap();
            let failed: Vec<_> = records
                .iter()
                .filter_map(|r| r.blob.as_ref().err())
                .collect();
            assert_eq!(failed, [&message]);
            assert_eq!(
                records.iter().filter(|r| r.blob.is_ok()).count(),
                3,
                "{message}"
            );
        }
    }

    #[test]
    fn files_that_are_no_rpm_database_are_errors() {
        let mut meta = read("bdb-le-4096/var/lib/rpm/Packages");
        meta[20..24].copy_from_slice(&1000u32.to_le_bytes());
        let mut buckets = read("bdb-le-4096/var/lib/rpm/Packages");
        buckets[72..76].copy_from_slice(&u32::MAX.to_le_bytes());
        let cases: [(&[u8], &str); 6] = [
            (b"", "file too short for a Berkeley DB"),
            (&[0x55; 600], "not a Berkeley DB hash database"),
            (&meta, "invalid page size 1000"),
            (&buckets, "4294967295 buckets claimed, the file has 7 pages"),
            (
                b"SQLite format 3\0 but no more",
                "no readable Packages table: file is not a database",
            ),
            (b"RpmP\0\0\0\0", "header is truncated"),
        ];
        for (bytes, message) in cases {
            assert_eq!(for_each_record(bytes, |_| {}).unwrap_err(), message);
        }
    }

    #[test]
    fn database_paths_and_their_root() {
        assert_eq!(root_of("var/lib/rpm/Packages"), Some(""));
        assert_eq!(root_of("usr/lib/sysimage/rpm/rpmdb.sqlite"), Some(""));
        assert_eq!(
            root_of("layers/a/var/lib/rpm/Packages.db"),
            Some("layers/a")
        );
        assert_eq!(root_of("myvar/lib/rpm/Packages"), None);
        assert_eq!(root_of("var/lib/rpm/Name"), None);
        assert_eq!(root_of("var/lib/rpm/Packages.bak"), None);
    }

    #[test]
    fn source_package_from_the_source_rpm_name() {
        let binary = header::parse(&fixture_blobs()[0]).unwrap(); // tools-libs 2:3.4.5-7.fc40
        let source = |file| source_package(file, &binary);
        assert_eq!(
            source("tools-3.4.5-7.fc40.src.rpm"),
            Some(SourcePackage {
                name: "tools".into(),
                version: None
            })
        );
        assert_eq!(
            source("tools-3.4.5-8.fc40.nosrc.rpm"),
            Some(SourcePackage {
                name: "tools".into(),
                version: Some("2:3.4.5-8.fc40".into())
            })
        );
        assert_eq!(source("tools-3.4.5.src.rpm"), None);
        assert_eq!(source("-1-2.src.rpm"), None);
        assert_eq!(source("tools-3.4.5-7.fc40.noarch.rpm"), None);
    }
}
