//! Reading the database: lookups by package, KEV and EPSS by CVE, and its status.

use crate::enrich::{Epss, Kev};
use crate::osv::Advisory;
use crate::schema::FORMAT;
use crate::{Error, normalize_name};
use rusqlite::{Connection, OpenFlags, OptionalExtension as _, params};
use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, TryLockError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// An open database, read-only.
///
/// Opening is cheap: one SQLite connection per core (at most 4), each checked for the format.
/// The file is opened as immutable: updates never write into it but rename a new file over it,
/// so a `VulnDb` keeps reading the file it opened, whole and unchanged, however many updates
/// happen meanwhile; open the database again to see an update.
///
/// `VulnDb` is `Sync`: share it between threads. A lookup holds a connection only while it reads
/// rows; decompressing and parsing the records, most of its time, needs none.
pub struct VulnDb {
    path: PathBuf,
    conns: Vec<Mutex<Connection>>,
    /// Whose turn it is to be waited for when every connection is busy.
    next: AtomicUsize,
    build: String,
}

/// How much of the file is read through a memory mapping (SQLite maps no more than the file).
const MMAP_BYTES: i64 = 1 << 30;

/// What `scangate db status` shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Status {
    pub path: PathBuf,
    /// When the data was last built, from sources or by an update that changed something.
    pub built_at: SystemTime,
    /// When an update last checked the sources (equal to `built_at` until one finds nothing new).
    pub checked_at: SystemTime,
    pub sources: Vec<SourceStatus>,
    /// Advisories stored, withdrawn ones included.
    pub advisories: u64,
    pub withdrawn: u64,
    pub kev: u64,
    pub epss: u64,
}

/// Where part of the data came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceStatus {
    /// The ecosystem folder (`PyPI`, `Debian`), `enrichment/kev.json` or `enrichment/epss.csv`.
    pub name: String,
    pub kind: SourceKind,
    /// Records (advisories, KEV entries or EPSS rows) stored from it.
    pub records: u64,
    /// Size of what was read: the archive, the file, or the folder's JSON files together.
    pub bytes: u64,
    /// SHA-256 of those bytes (for a folder: of each file's path, length and content in turn).
    pub sha256: String,
    /// The HTTP validators it was served with, sent back by the next update.
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    /// The URL or local path it was read from.
    pub origin: String,
    pub fetched_at: SystemTime,
}

/// What a source holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    Osv,
    Kev,
    Epss,
}

impl SourceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::Osv => "osv",
            SourceKind::Kev => "kev",
            SourceKind::Epss => "epss",
        }
    }

    fn parse(text: &str) -> Option<SourceKind> {
        [SourceKind::Osv, SourceKind::Kev, SourceKind::Epss]
            .into_iter()
            .find(|kind| kind.as_str() == text)
    }
}

impl VulnDb {
    /// Opens the database file at `path` for reading.
    pub fn open(path: &Path) -> Result<VulnDb, Error> {
        if !path.is_file() {
            return Err(Error::Missing {
                path: path.to_path_buf(),
            });
        }
        // Every connection must read the same file: an update may rename a new one over the
        // path between two opens, and then all are opened again.
        for _ in 0..OPEN_ATTEMPTS {
            let (first, build) = open_one(path)?;
            let mut conns = vec![Mutex::new(first)];
            while conns.len() < connections() {
                let (conn, same_build) = open_one(path)?;
                if same_build != build {
                    break;
                }
                conns.push(Mutex::new(conn));
            }
            if conns.len() == connections() {
                return Ok(VulnDb {
                    path: path.to_path_buf(),
                    conns,
                    next: AtomicUsize::new(0),
                    build,
                });
            }
        }
        Err(Error::Source {
            source_name: format!("database {}", path.display()),
            reason: "replaced again and again while being opened".to_string(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Different for every build and update of a database file: what results computed from it
    /// may be cached under.
    pub fn build_id(&self) -> &str {
        &self.build
    }

    /// The advisories whose `affected` entries name the package, ordered by id; withdrawn
    /// advisories are left out. `ecosystem` is the full OSV ecosystem (`PyPI`, `Debian:11`);
    /// `name` is normalised with [`normalize_name`], so any spelling the ecosystem treats as the
    /// same package finds it.
    pub fn advisories(&self, ecosystem: &str, name: &str) -> Result<Vec<Advisory>, Error> {
        let name = normalize_name(ecosystem, name);
        let blobs: Vec<Vec<u8>> = {
            let conn = self.conn();
            let mut stmt = conn
                .prepare_cached(
                    "SELECT a.record FROM affected f JOIN advisories a ON a.rowid = f.advisory
                     WHERE f.ecosystem = ?1 AND f.name = ?2 AND a.withdrawn IS NULL
                     ORDER BY a.id",
                )
                .map_err(Error::sqlite(&self.path))?;
            stmt.query_map(params![ecosystem, name], |row| row.get(0))
                .and_then(|rows| rows.collect())
                .map_err(Error::sqlite(&self.path))?
        };
        blobs
            .iter()
            .map(|blob| {
                let json = decode(blob).map_err(|reason| self.corrupt(&reason))?;
                serde_json::from_slice(&json).map_err(|err| self.corrupt(&err.to_string()))
            })
            .collect()
    }

    /// Every (ecosystem, normalised name) pair that some advisory names, withdrawn or not,
    /// sorted.
    pub fn packages(&self) -> Result<Vec<(String, String)>, Error> {
        self.conn()
            .prepare("SELECT DISTINCT ecosystem, name FROM affected ORDER BY ecosystem, name")
            .and_then(|mut stmt| {
                stmt.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
                    .collect()
            })
            .map_err(Error::sqlite(&self.path))
    }

    /// The CVE's entry in CISA's Known Exploited Vulnerabilities catalog, if any.
    pub fn kev(&self, cve: &str) -> Result<Option<Kev>, Error> {
        self.conn()
            .prepare_cached(&format!("{KEV_SELECT} WHERE cve = ?1"))
            .and_then(|mut stmt| {
                stmt.query_row([cve.to_ascii_uppercase()], kev_from_row)
                    .optional()
            })
            .map_err(Error::sqlite(&self.path))
    }

    /// The CVE's EPSS score, if it has one.
    pub fn epss(&self, cve: &str) -> Result<Option<Epss>, Error> {
        self.conn()
            .prepare_cached("SELECT score, percentile FROM epss WHERE cve = ?1")
            .and_then(|mut stmt| {
                stmt.query_row([cve.to_ascii_uppercase()], |row| {
                    Ok(Epss {
                        score: row.get(0)?,
                        percentile: row.get(1)?,
                    })
                })
                .optional()
            })
            .map_err(Error::sqlite(&self.path))
    }

    /// When the database was built and checked, what it holds and where that came from.
    /// When the data was built and how many advisories it holds: what a scan reports, without
    /// the whole-table counts of [`VulnDb::status`].
    pub fn summary(&self) -> Result<(SystemTime, u64), Error> {
        let conn = self.conn();
        (|| {
            let built_at: String =
                conn.query_row("SELECT value FROM meta WHERE key = 'built_at'", [], |row| {
                    row.get(0)
                })?;
            let advisories = conn.query_row("SELECT count(*) FROM advisories", [], |row| {
                row.get::<_, u64>(0)
            })?;
            Ok((from_unix(built_at.parse().unwrap_or(0)), advisories))
        })()
        .map_err(Error::sqlite(&self.path))
    }

    pub fn status(&self) -> Result<Status, Error> {
        let conn = self.conn();
        let meta_time = |key: &str| -> rusqlite::Result<SystemTime> {
            let seconds: String =
                conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |row| {
                    row.get(0)
                })?;
            Ok(from_unix(seconds.parse().unwrap_or(0)))
        };
        let count = |sql: &str| conn.query_row(sql, [], |row| row.get::<_, u64>(0));
        (|| {
            Ok(Status {
                path: self.path.clone(),
                built_at: meta_time("built_at")?,
                checked_at: meta_time("checked_at")?,
                sources: sources(&conn)?,
                advisories: count("SELECT count(*) FROM advisories")?,
                withdrawn: count("SELECT count(*) FROM advisories WHERE withdrawn IS NOT NULL")?,
                kev: count("SELECT count(*) FROM kev")?,
                epss: count("SELECT count(*) FROM epss")?,
            })
        })()
        .map_err(Error::sqlite(&self.path))
    }

    /// The sources' rows, for an update to compare against.
    pub(crate) fn sources(&self) -> Result<Vec<SourceStatus>, Error> {
        sources(&self.conn()).map_err(Error::sqlite(&self.path))
    }

    /// Hands every record (as JSON) that came from `source` to `each`, in id order.
    pub(crate) fn for_each_record(
        &self,
        source: &str,
        mut each: impl FnMut(&str, &[u8]) -> Result<(), Error>,
    ) -> Result<(), Error> {
        let conn = self.conn();
        let mut stmt = conn
            .prepare(
                "SELECT a.id, a.record FROM members m JOIN advisories a ON a.rowid = m.advisory
                 WHERE m.source = ?1 ORDER BY a.id",
            )
            .map_err(Error::sqlite(&self.path))?;
        let mut rows = stmt.query([source]).map_err(Error::sqlite(&self.path))?;
        while let Some(row) = rows.next().map_err(Error::sqlite(&self.path))? {
            let id: String = row.get(0).map_err(Error::sqlite(&self.path))?;
            let blob = row
                .get_ref(1)
                .and_then(|value| Ok(value.as_blob()?))
                .map_err(Error::sqlite(&self.path))?;
            let json = decode(blob).map_err(|reason| self.corrupt(&reason))?;
            each(&id, &json)?;
        }
        Ok(())
    }

    /// Every KEV entry, to carry over when an update cannot fetch the catalog.
    pub(crate) fn all_kev(&self) -> Result<Vec<Kev>, Error> {
        self.conn()
            .prepare(&format!("{KEV_SELECT} ORDER BY cve"))
            .and_then(|mut stmt| stmt.query_map([], kev_from_row)?.collect())
            .map_err(Error::sqlite(&self.path))
    }

    /// Every EPSS row, to carry over when an update cannot fetch the scores.
    pub(crate) fn all_epss(&self) -> Result<Vec<(String, Epss)>, Error> {
        let conn = self.conn();
        let mut stmt = conn
            .prepare("SELECT cve, score, percentile FROM epss ORDER BY cve")
            .map_err(Error::sqlite(&self.path))?;
        stmt.query_map([], |row| {
            Ok((
                row.get(0)?,
                Epss {
                    score: row.get(1)?,
                    percentile: row.get(2)?,
                },
            ))
        })
        .and_then(|rows| rows.collect())
        .map_err(Error::sqlite(&self.path))
    }

    /// A free connection, else the next one in turn once it is free.
    fn conn(&self) -> MutexGuard<'_, Connection> {
        for conn in &self.conns {
            match conn.try_lock() {
                Ok(guard) => return guard,
                // A panic elsewhere while holding the lock leaves it usable: it only reads.
                Err(TryLockError::Poisoned(poisoned)) => return poisoned.into_inner(),
                Err(TryLockError::WouldBlock) => {}
            }
        }
        let turn = self.next.fetch_add(1, Ordering::Relaxed) % self.conns.len();
        self.conns[turn]
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn corrupt(&self, reason: &str) -> Error {
        Error::Source {
            source_name: format!("database {}", self.path.display()),
            reason: format!("stored record unreadable: {reason}"),
        }
    }
}

const KEV_SELECT: &str =
    "SELECT cve, vendor_project, product, name, date_added, due_date, ransomware_use FROM kev";

fn kev_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Kev> {
    Ok(Kev {
        cve: row.get(0)?,
        vendor_project: row.get(1)?,
        product: row.get(2)?,
        name: row.get(3)?,
        date_added: row.get(4)?,
        due_date: row.get(5)?,
        ransomware_use: row.get(6)?,
    })
}

/// Opens of the whole pool tried before giving up on a path that keeps being replaced.
const OPEN_ATTEMPTS: usize = 3;

/// Connections per `VulnDb`: one per core (at most 4), so lookups on every core run at once.
fn connections() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().min(4))
}

/// One connection, checked to hold a database of this format, and its build id.
fn open_one(path: &Path) -> Result<(Connection, String), Error> {
    let conn = open_immutable(path).map_err(Error::sqlite(path))?;
    // Reads from a mapping rather than a system call per page: lookups take half the time.
    conn.pragma_update(None, "mmap_size", MMAP_BYTES)
        .map_err(Error::sqlite(path))?;
    let meta = |key: &str| {
        conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |row| {
            row.get::<_, String>(0)
        })
        .optional()
    };
    let format_error = |found: String| Error::Format {
        path: path.to_path_buf(),
        found,
        expected: FORMAT,
    };
    let format = meta("format").map_err(|err| format_error(format!("unknown ({err})")))?;
    if format.as_deref() != Some(FORMAT.to_string().as_str()) {
        return Err(format_error(
            format.unwrap_or_else(|| "unknown".to_string()),
        ));
    }
    let build = meta("build_id")
        .map_err(Error::sqlite(path))?
        .unwrap_or_default();
    Ok((conn, build))
}

fn sources(conn: &Connection) -> rusqlite::Result<Vec<SourceStatus>> {
    let mut stmt = conn.prepare(
        "SELECT name, kind, records, bytes, sha256, etag, last_modified, origin, fetched_at
         FROM sources ORDER BY kind = 'osv' DESC, name",
    )?;
    stmt.query_map([], |row| {
        let kind: String = row.get(1)?;
        Ok(SourceStatus {
            name: row.get(0)?,
            kind: SourceKind::parse(&kind).unwrap_or(SourceKind::Osv),
            records: row.get(2)?,
            bytes: row.get(3)?,
            sha256: row.get(4)?,
            etag: row.get(5)?,
            last_modified: row.get(6)?,
            origin: row.get(7)?,
            fetched_at: from_unix(row.get(8)?),
        })
    })?
    .collect()
}

/// Opens without locking and without change detection: the file is never written in place.
fn open_immutable(path: &Path) -> rusqlite::Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    match path.to_str() {
        Some(text) => Connection::open_with_flags(
            format!("file:{}?immutable=1", uri_escape(text)),
            flags | OpenFlags::SQLITE_OPEN_URI,
        ),
        // A URI cannot carry a path that is not UTF-8: open it plainly, with locking.
        None => Connection::open_with_flags(path, flags),
    }
}

/// The characters SQLite reads specially in a URI's path: `%` escapes, `?` and `#` delimiters.
fn uri_escape(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        match c {
            '%' => out.push_str("%25"),
            '?' => out.push_str("%3f"),
            '#' => out.push_str("%23"),
            _ => out.push(c),
        }
    }
    out
}

/// A stored record's JSON. Each thread keeps its decompression context: making one per record
/// would cost several times the decompression itself.
pub(crate) fn decode(blob: &[u8]) -> Result<Vec<u8>, String> {
    thread_local! {
        static DECOMPRESSOR: RefCell<Option<zstd::bulk::Decompressor<'static>>> =
            const { RefCell::new(None) };
    }
    let size = zstd::zstd_safe::get_frame_content_size(blob)
        .ok()
        .flatten()
        .ok_or("not a zstd frame with its content size")?;
    if size > MAX_RECORD_BYTES {
        return Err(format!("claims {size} bytes"));
    }
    DECOMPRESSOR.with(|cell| {
        let mut cell = cell.borrow_mut();
        let decompressor = match cell.as_mut() {
            Some(decompressor) => decompressor,
            None => cell.insert(zstd::bulk::Decompressor::new().map_err(|e| e.to_string())?),
        };
        decompressor
            .decompress(blob, size as usize)
            .map_err(|err| err.to_string())
    })
}

/// No stored record is larger: the build refuses larger ones (16 MiB by default), and the
/// limit can be raised only so far.
const MAX_RECORD_BYTES: u64 = 1 << 30;

fn from_unix(seconds: i64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(seconds.max(0) as u64)
}

#[cfg(test)]
mod tests {
    #[test]
    fn uri_escape_keeps_paths_intact() {
        assert_eq!(
            super::uri_escape("/tmp/a b/50%?#x.db"),
            "/tmp/a b/50%25%3f%23x.db"
        );
    }
}
