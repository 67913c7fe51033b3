//! Building the database from a local folder, and what builds and updates share: the report,
//! enrichment loading and the atomic swap of the finished file.

use crate::db::{SourceKind, SourceStatus};
use crate::enrich::{self, EPSS_FILE, KEV_FILE};
use crate::progress::{Progress, Unit};
use crate::source::{self, Input, Limits, LocalSource, RecordSink};
use crate::writer::Writer;
use crate::{Error, Problem};
use sha2::{Digest as _, Sha256};
use std::path::{Path, PathBuf};
use std::time::SystemTime;
use tempfile::NamedTempFile;

/// What a build or an update did.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Report {
    /// Each source in the order handled.
    pub sources: Vec<SourceReport>,
    /// Records and rows left out, and why.
    pub problems: Vec<Problem>,
    /// Things the caller should know that did not stop the work (missing enrichment files).
    pub warnings: Vec<String>,
    /// Whether the database's data was rewritten; false when an update found nothing new (its
    /// check time and HTTP validators are still refreshed).
    pub rebuilt: bool,
}

/// What happened to one source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceReport {
    pub name: String,
    pub outcome: Outcome,
    /// Records stored from it (advisories, KEV entries, EPSS rows); 0 when it was missing.
    pub records: u64,
}

/// How a source was handled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Read from a local folder.
    Read,
    /// Downloaded and new.
    Downloaded,
    /// The server answered 304 Not Modified to the stored ETag or Last-Modified.
    NotModified,
    /// Downloaded, but with the stored SHA-256: the stored records were kept.
    SameDigest,
    /// Not asked for by this update: kept from the previous database.
    Kept,
    /// Not found at the source (an enrichment file); the previous data, if any, was kept.
    Missing,
}

impl Outcome {
    pub fn describe(self) -> &'static str {
        match self {
            Outcome::Read => "read",
            Outcome::Downloaded => "downloaded",
            Outcome::NotModified => "not modified",
            Outcome::SameDigest => "unchanged (same digest)",
            Outcome::Kept => "kept",
            Outcome::Missing => "missing",
        }
    }
}

/// The enrichment files, by path under a source's base.
pub(crate) const ENRICHMENT: [(&str, SourceKind); 2] =
    [(KEV_FILE, SourceKind::Kev), (EPSS_FILE, SourceKind::Epss)];

/// Builds the database at `db` from the folder `from`: each `<Ecosystem>/all.zip` (the OSV
/// bucket layout), or the `*.json` files under each other subfolder and at the top, plus
/// `enrichment/kev.json` and `enrichment/epss.csv` when present. The new file replaces `db`
/// only once complete; a bad record is reported in [`Report::problems`] and left out.
pub fn build(
    from: &Path,
    db: &Path,
    limits: &Limits,
    progress: &dyn Progress,
) -> Result<Report, Error> {
    let sources = source::discover(from)?;
    if sources.is_empty() {
        return Err(Error::source(
            &from.display().to_string(),
            "no <Ecosystem>/all.zip and no *.json files here",
        ));
    }
    let now = SystemTime::now();
    let temp = temp_beside(db)?;
    let mut writer = Writer::create(temp.path())?;
    let mut report = Report {
        rebuilt: true,
        ..Report::default()
    };
    for source in &sources {
        let row = read_source(&mut writer, source, limits, progress, now)?;
        report.sources.push(row);
    }
    for (name, kind) in ENRICHMENT {
        match read_enrichment(&mut writer, from, name, kind, limits, now)? {
            Ok(row) => report.sources.push(row),
            Err(warning) => report.warnings.push(warning),
        }
    }
    report.problems = std::mem::take(&mut writer.problems);
    writer.finish(now)?;
    persist(temp, db)?;
    Ok(report)
}

fn read_source(
    writer: &mut Writer,
    source: &LocalSource,
    limits: &Limits,
    progress: &dyn Progress,
    now: SystemTime,
) -> Result<SourceReport, Error> {
    progress.begin(&source.name, None, Unit::Records);
    let mut sink = Counting {
        inner: writer,
        progress,
    };
    let digest = source::read(source, limits, &mut sink);
    progress.end();
    let digest = digest?;
    let (Input::Zip(path) | Input::Folder(path)) = &source.input;
    let records = writer.add_source(&SourceStatus {
        name: source.name.clone(),
        kind: SourceKind::Osv,
        records: 0,
        bytes: digest.bytes,
        sha256: digest.sha256,
        etag: None,
        last_modified: None,
        origin: path.display().to_string(),
        fetched_at: now,
    })?;
    Ok(SourceReport {
        name: source.name.clone(),
        outcome: Outcome::Read,
        records,
    })
}

/// Reads and stores the enrichment file `from/name`; the inner error is the warning when it is
/// missing or unusable.
fn read_enrichment(
    writer: &mut Writer,
    from: &Path,
    name: &str,
    kind: SourceKind,
    limits: &Limits,
    now: SystemTime,
) -> Result<Result<SourceReport, String>, Error> {
    let path = from.join(name);
    if !path.is_file() {
        return Ok(Err(format!(
            "no {name} in {}: the database has no {} data",
            from.display(),
            kind.as_str().to_uppercase()
        )));
    }
    let bytes = source::read_bounded(&path, limits.file_bytes)
        .map_err(|reason| Error::source(name, reason))?;
    if let Err(warning) = store_enrichment(writer, name, kind, &bytes)? {
        return Ok(Err(warning));
    }
    let records = writer.add_source(&SourceStatus {
        name: name.to_string(),
        kind,
        records: 0,
        bytes: bytes.len() as u64,
        sha256: source::hex(&Sha256::digest(&bytes)),
        etag: None,
        last_modified: None,
        origin: path.display().to_string(),
        fetched_at: now,
    })?;
    Ok(Ok(SourceReport {
        name: name.to_string(),
        outcome: Outcome::Read,
        records,
    }))
}

/// Bad rows of an EPSS file listed one by one; more are summed up in one problem.
const LISTED_BAD_ROWS: usize = 10;

/// Parses an enrichment file and stores its entries; the inner error says why the file was
/// unusable as a whole (bad rows of an EPSS file are problems, not that).
pub(crate) fn store_enrichment(
    writer: &mut Writer,
    name: &str,
    kind: SourceKind,
    bytes: &[u8],
) -> Result<Result<(), String>, Error> {
    match kind {
        SourceKind::Kev => match enrich::parse_kev(bytes) {
            Ok(entries) => writer.add_kev(entries)?,
            Err(reason) => return Ok(Err(format!("{name}: {reason}; not used"))),
        },
        SourceKind::Epss => {
            let Ok(text) = std::str::from_utf8(bytes) else {
                return Ok(Err(format!("{name}: not UTF-8 text; not used")));
            };
            let (rows, bad) = enrich::parse_epss(text);
            let problem = |entry: String, reason: String| Problem {
                source: name.to_string(),
                entry,
                reason,
            };
            for row in bad.iter().take(LISTED_BAD_ROWS) {
                writer.problem(problem(format!("line {}", row.line), row.reason.clone()));
            }
            if bad.len() > LISTED_BAD_ROWS {
                let more = format!("{} more bad rows skipped", bad.len() - LISTED_BAD_ROWS);
                writer.problem(problem("...".to_string(), more));
            }
            writer.add_epss(rows)?;
        }
        SourceKind::Osv => unreachable!("OSV sources are not enrichment files"),
    }
    Ok(Ok(()))
}

/// Passes records on and counts them for the progress display.
pub(crate) struct Counting<'a> {
    pub inner: &'a mut Writer,
    pub progress: &'a dyn Progress,
}

impl RecordSink for Counting<'_> {
    fn record(&mut self, source: &str, entry: &str, bytes: &[u8]) -> Result<(), Error> {
        self.progress.advance(1);
        self.inner.record(source, entry, bytes)
    }

    fn problem(&mut self, problem: Problem) {
        self.inner.problem(problem);
    }
}

/// A new, empty file in the database's folder (created if need be), so the finished database
/// can be renamed over the old one: a rename within one filesystem is atomic.
pub(crate) fn temp_beside(db: &Path) -> Result<NamedTempFile, Error> {
    let dir = parent_dir(db);
    std::fs::create_dir_all(&dir).map_err(Error::io(&dir))?;
    tempfile::Builder::new()
        .prefix(".scangate-")
        .suffix(".tmp")
        .tempfile_in(&dir)
        .map_err(Error::io(&dir))
}

/// Flushes the finished file to disk and renames it over `db`. A reader that has the old file
/// open keeps reading it: the rename only changes which file the name points to.
pub(crate) fn persist(temp: NamedTempFile, db: &Path) -> Result<(), Error> {
    temp.as_file().sync_all().map_err(Error::io(temp.path()))?;
    temp.persist(db).map_err(|err| Error::Io {
        path: db.to_path_buf(),
        error: err.error,
    })?;
    // Make the rename itself durable; not possible (nor needed) everywhere, hence no error.
    if let Ok(dir) = std::fs::File::open(parent_dir(db)) {
        let _ = dir.sync_all();
    }
    Ok(())
}

fn parent_dir(db: &Path) -> PathBuf {
    match db.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    }
}
