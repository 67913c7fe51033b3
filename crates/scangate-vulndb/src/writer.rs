//! Writing a new database file: records, sources, enrichment, then the metadata.
//!
//! The file is always a fresh one (a temporary file beside the database, renamed over it when
//! complete), so it is written in one transaction without a journal.

use crate::db::{SourceKind, SourceStatus};
use crate::enrich::{Epss, Kev};
use crate::osv::Advisory;
use crate::schema::{CREATE, FORMAT, ZSTD_LEVEL};
use crate::source::RecordSink;
use crate::{Error, Problem, normalize_name};
use rusqlite::{Connection, OptionalExtension as _, params};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

pub(crate) struct Writer {
    conn: Connection,
    path: PathBuf,
    compressor: zstd::bulk::Compressor<'static>,
    pub problems: Vec<Problem>,
}

impl Writer {
    /// Starts a database in `path`, an empty file or none.
    pub fn create(path: &Path) -> Result<Writer, Error> {
        let conn = Connection::open(path).map_err(Error::sqlite(path))?;
        conn.execute_batch("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;")
            .and_then(|()| conn.execute_batch(CREATE))
            .and_then(|()| conn.execute_batch("BEGIN"))
            .map_err(Error::sqlite(path))?;
        let compressor =
            zstd::bulk::Compressor::new(ZSTD_LEVEL).map_err(Error::io(path.to_path_buf()))?;
        Ok(Writer {
            conn,
            path: path.to_path_buf(),
            compressor,
            problems: Vec::new(),
        })
    }

    /// Records a source's row; its record count is what was stored from it.
    pub fn add_source(&mut self, source: &SourceStatus) -> Result<u64, Error> {
        let records: u64 = match source.kind {
            SourceKind::Osv => self.conn.query_row(
                "SELECT count(*) FROM members WHERE source = ?1",
                [&source.name],
                |row| row.get(0),
            ),
            SourceKind::Kev => self
                .conn
                .query_row("SELECT count(*) FROM kev", [], |row| row.get(0)),
            SourceKind::Epss => self
                .conn
                .query_row("SELECT count(*) FROM epss", [], |row| row.get(0)),
        }
        .map_err(Error::sqlite(&self.path))?;
        self.conn
            .prepare_cached(
                "INSERT OR REPLACE INTO sources
                 (name, kind, records, bytes, sha256, etag, last_modified, origin, fetched_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )
            .and_then(|mut stmt| {
                stmt.execute(params![
                    source.name,
                    source.kind.as_str(),
                    records,
                    source.bytes,
                    source.sha256,
                    source.etag,
                    source.last_modified,
                    source.origin,
                    unix_seconds(source.fetched_at),
                ])
            })
            .map_err(Error::sqlite(&self.path))?;
        Ok(records)
    }

    /// Stores KEV entries; sorted first, so the table's pages fill up as they are appended.
    pub fn add_kev(&mut self, mut entries: Vec<Kev>) -> Result<(), Error> {
        entries.sort_by(|a, b| a.cve.cmp(&b.cve));
        let mut stmt = self
            .conn
            .prepare_cached(
                "INSERT OR REPLACE INTO kev
                 (cve, vendor_project, product, name, date_added, due_date, ransomware_use)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )
            .map_err(Error::sqlite(&self.path))?;
        for kev in &entries {
            stmt.execute(params![
                kev.cve.to_ascii_uppercase(),
                kev.vendor_project,
                kev.product,
                kev.name,
                kev.date_added,
                kev.due_date,
                kev.ransomware_use
            ])
            .map_err(Error::sqlite(&self.path))?;
        }
        Ok(())
    }

    /// Stores EPSS rows; sorted first, so the table's pages fill up as they are appended.
    pub fn add_epss(&mut self, mut rows: Vec<(String, Epss)>) -> Result<(), Error> {
        rows.sort_by(|a, b| a.0.cmp(&b.0));
        let mut stmt = self
            .conn
            .prepare_cached(
                "INSERT OR REPLACE INTO epss (cve, score, percentile) VALUES (?1, ?2, ?3)",
            )
            .map_err(Error::sqlite(&self.path))?;
        for (cve, epss) in &rows {
            stmt.execute(params![
                cve.to_ascii_uppercase(),
                epss.score,
                epss.percentile
            ])
            .map_err(Error::sqlite(&self.path))?;
        }
        Ok(())
    }

    /// Writes the metadata, commits and closes the file.
    pub fn finish(self, built_at: SystemTime) -> Result<(), Error> {
        let at = unix_seconds(built_at).to_string();
        let meta = [
            ("format", FORMAT.to_string()),
            ("built_at", at.clone()),
            ("checked_at", at),
            ("build_id", build_id(built_at)),
            (
                "generator",
                concat!("scangate-vulndb ", env!("CARGO_PKG_VERSION")).to_string(),
            ),
        ];
        let path = self.path;
        for (key, value) in meta {
            self.conn
                .execute(
                    "INSERT INTO meta (key, value) VALUES (?1, ?2)",
                    params![key, value],
                )
                .map_err(Error::sqlite(&path))?;
        }
        self.conn
            .execute_batch("COMMIT")
            .map_err(Error::sqlite(&path))?;
        self.conn
            .close()
            .map_err(|(_, err)| Error::Sqlite { path, error: err })
    }

    /// Stores one parsed record. A record whose id is already stored (the same advisory in two
    /// sources or files) replaces it only when its `modified` is later; either way it counts as
    /// a member of `source`.
    fn store(&mut self, source: &str, advisory: &Advisory, json: &[u8]) -> Result<(), Error> {
        let stored: Option<(i64, String)> = self
            .conn
            .prepare_cached("SELECT rowid, modified FROM advisories WHERE id = ?1")
            .and_then(|mut stmt| {
                stmt.query_row([&advisory.id], |row| Ok((row.get(0)?, row.get(1)?)))
                    .optional()
            })
            .map_err(Error::sqlite(&self.path))?;
        let rowid = match stored {
            None => self.insert(advisory, json)?,
            Some((rowid, modified)) if advisory.modified > modified => {
                self.replace(rowid, advisory, json)?;
                rowid
            }
            Some((rowid, _)) => rowid,
        };
        self.conn
            .prepare_cached("INSERT OR IGNORE INTO members (source, advisory) VALUES (?1, ?2)")
            .and_then(|mut stmt| stmt.execute(params![source, rowid]))
            .map_err(Error::sqlite(&self.path))?;
        Ok(())
    }

    /// Adds a new advisory; its rowid.
    fn insert(&mut self, advisory: &Advisory, json: &[u8]) -> Result<i64, Error> {
        let blob = self.compress(json)?;
        self.conn
            .prepare_cached(
                "INSERT INTO advisories (id, modified, published, withdrawn, record)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )
            .and_then(|mut stmt| {
                stmt.execute(params![
                    advisory.id,
                    advisory.modified,
                    advisory.published,
                    advisory.withdrawn,
                    blob
                ])
            })
            .map_err(Error::sqlite(&self.path))?;
        let rowid = self.conn.last_insert_rowid();
        self.set_affected(rowid, &BTreeSet::new(), advisory)?;
        Ok(rowid)
    }

    /// Puts a later copy of an advisory in place of the stored one.
    fn replace(&mut self, rowid: i64, advisory: &Advisory, json: &[u8]) -> Result<(), Error> {
        let old_blob: Vec<u8> = self
            .conn
            .query_row(
                "SELECT record FROM advisories WHERE rowid = ?1",
                [rowid],
                |row| row.get(0),
            )
            .map_err(Error::sqlite(&self.path))?;
        // Written by this build a moment ago, so it decodes; its affected keys must go.
        let old = crate::db::decode(&old_blob)
            .and_then(|json| parse_record(&json))
            .map_err(|reason| Error::Source {
                source_name: format!("database {}", self.path.display()),
                reason: format!("record {} unreadable: {reason}", advisory.id),
            })?;
        let blob = self.compress(json)?;
        self.conn
            .prepare_cached(
                "UPDATE advisories SET modified = ?2, published = ?3, withdrawn = ?4,
                 record = ?5 WHERE rowid = ?1",
            )
            .and_then(|mut stmt| {
                stmt.execute(params![
                    rowid,
                    advisory.modified,
                    advisory.published,
                    advisory.withdrawn,
                    blob
                ])
            })
            .map_err(Error::sqlite(&self.path))?;
        self.set_affected(rowid, &old.affected_keys(), advisory)
    }

    /// Replaces the `affected` rows of advisory `rowid`: `old` keys out, the record's keys in.
    fn set_affected(
        &mut self,
        rowid: i64,
        old: &BTreeSet<(String, String)>,
        advisory: &Advisory,
    ) -> Result<(), Error> {
        let path = &self.path;
        let mut delete = self
            .conn
            .prepare_cached(
                "DELETE FROM affected WHERE ecosystem = ?1 AND name = ?2 AND advisory = ?3",
            )
            .map_err(Error::sqlite(path))?;
        for (ecosystem, name) in old {
            delete
                .execute(params![ecosystem, name, rowid])
                .map_err(Error::sqlite(path))?;
        }
        let mut insert = self
            .conn
            .prepare_cached(
                "INSERT OR IGNORE INTO affected (ecosystem, name, advisory) VALUES (?1, ?2, ?3)",
            )
            .map_err(Error::sqlite(path))?;
        for (ecosystem, name) in advisory.affected_keys() {
            insert
                .execute(params![ecosystem, name, rowid])
                .map_err(Error::sqlite(path))?;
        }
        Ok(())
    }

    fn compress(&mut self, json: &[u8]) -> Result<Vec<u8>, Error> {
        self.compressor
            .compress(json)
            .map_err(Error::io(self.path.clone()))
    }
}

impl RecordSink for Writer {
    fn record(&mut self, source: &str, entry: &str, bytes: &[u8]) -> Result<(), Error> {
        match parse_record(bytes) {
            Ok(advisory) => self.store(source, &advisory, bytes),
            Err(reason) => {
                self.problem(Problem {
                    source: source.to_string(),
                    entry: entry.to_string(),
                    reason,
                });
                Ok(())
            }
        }
    }

    fn problem(&mut self, problem: Problem) {
        self.problems.push(problem);
    }
}

/// A record as the database accepts it: valid UTF-8 JSON in the OSV shape, with an id.
fn parse_record(bytes: &[u8]) -> Result<Advisory, String> {
    let advisory: Advisory =
        serde_json::from_slice(bytes).map_err(|err| format!("not an OSV record: {err}"))?;
    if advisory.id.trim().is_empty() {
        return Err("not an OSV record: empty `id`".to_string());
    }
    Ok(advisory)
}

impl Advisory {
    /// The (ecosystem, normalised name) pairs the record's `affected` entries name.
    fn affected_keys(&self) -> BTreeSet<(String, String)> {
        self.affected
            .iter()
            .filter_map(|affected| affected.package.as_ref())
            .map(|p| {
                (
                    p.ecosystem.clone(),
                    normalize_name(&p.ecosystem, &p.name).into_owned(),
                )
            })
            .collect()
    }
}

/// Tells two database files apart: readers check that all their connections opened the same.
pub(crate) fn build_id(at: SystemTime) -> String {
    let nanos = at.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    format!("{nanos:x}-{:x}", std::process::id())
}

pub(crate) fn unix_seconds(at: SystemTime) -> i64 {
    at.duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}
