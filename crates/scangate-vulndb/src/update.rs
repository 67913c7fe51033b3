//! Updating the database over HTTP from a tree laid out as the OSV bucket.
//!
//! Everything is fetched and verified first; only then is a new file built (from the new
//! downloads and, for what did not change, the current database's records) and renamed over
//! the old one. Any failure before the rename leaves the old file as it was.

use crate::Error;
use crate::build::{
    Counting, ENRICHMENT, Outcome, Report, SourceReport, persist, store_enrichment, temp_beside,
};
use crate::db::{SourceKind, SourceStatus, VulnDb};
use crate::enrich;
use crate::fetch::{Download, Fetched, Fetcher, Validators};
use crate::progress::{Progress, Unit};
use crate::source::{self, Input, Limits, LocalSource, RecordSink as _};
use crate::writer::{Writer, build_id, unix_seconds};
use std::path::Path;
use std::time::SystemTime;

/// The public OSV bucket. It has no `enrichment/` folder: KEV and EPSS come from a mirror that
/// adds one, or from a local `scangate db build`.
pub const DEFAULT_SOURCE: &str = "https://osv-vulnerabilities.storage.googleapis.com";

/// The ecosystems fetched when neither the caller nor the current database names any: those
/// scangate catalogs, and the distributions it reads installed packages of.
pub const DEFAULT_ECOSYSTEMS: &[&str] = &[
    "Alpine",
    "crates.io",
    "Debian",
    "Go",
    "Maven",
    "npm",
    "NuGet",
    "Packagist",
    "PyPI",
    "RubyGems",
];

/// What an update fetches, from where.
#[derive(Debug, Clone)]
pub struct UpdateOptions {
    /// Base URL: `<source>/<Ecosystem>/all.zip`, `<source>/enrichment/kev.json`,
    /// `<source>/enrichment/epss.csv`.
    pub source: String,
    /// Ecosystem folders to fetch. Empty: those the current database holds, else
    /// [`DEFAULT_ECOSYSTEMS`]. Ecosystems of the current database not named here are kept as
    /// they are.
    pub ecosystems: Vec<String>,
    /// Ignore the current database: fetch everything unconditionally and keep nothing of it.
    pub fresh: bool,
    pub limits: Limits,
}

impl Default for UpdateOptions {
    fn default() -> UpdateOptions {
        UpdateOptions {
            source: DEFAULT_SOURCE.to_string(),
            ecosystems: Vec::new(),
            fresh: false,
            limits: Limits::default(),
        }
    }
}

/// How one source will get into the new database.
enum Plan {
    /// Verified new bytes.
    Fresh(Download),
    /// The current database's data, under refreshed validators.
    Keep(SourceStatus, Outcome),
    /// Nothing (a missing enrichment file the current database lacks too).
    Skip,
}

/// What a GET means for the current copy.
enum Answer {
    /// 404.
    Missing,
    /// A 304, or a body with the current copy's digest: the plan to keep that copy.
    Same(Plan),
    /// Different bytes.
    New(Download),
}

struct Planned {
    name: String,
    kind: SourceKind,
    plan: Plan,
}

/// Brings the database at `db` up to date with `options.source`.
pub fn update(
    db: &Path,
    options: &UpdateOptions,
    progress: &dyn Progress,
) -> Result<Report, Error> {
    let mut run = Run {
        db,
        fetcher: Fetcher::new(&options.source, options.limits.file_bytes),
        limits: &options.limits,
        progress,
        old: None,
        report: Report::default(),
    };
    run.old = run.open_current(options.fresh);
    let old_sources = match &run.old {
        Some(old) => old.sources()?,
        None => Vec::new(),
    };
    let mut planned = Vec::new();
    for name in ecosystems(options, &old_sources) {
        let previous = find(&old_sources, SourceKind::Osv, &name);
        let plan = run.plan_ecosystem(&name, previous)?;
        planned.push(Planned {
            name,
            kind: SourceKind::Osv,
            plan,
        });
    }
    for source in &old_sources {
        let named = planned.iter().any(|p| p.name == source.name);
        if source.kind == SourceKind::Osv && !named {
            planned.push(Planned {
                name: source.name.clone(),
                kind: SourceKind::Osv,
                plan: Plan::Keep(source.clone(), Outcome::Kept),
            });
        }
    }
    for (name, kind) in ENRICHMENT {
        let plan = run.plan_enrichment(name, kind, find(&old_sources, kind, name))?;
        planned.push(Planned {
            name: name.to_string(),
            kind,
            plan,
        });
    }
    let all_kept = planned.iter().all(|p| !matches!(p.plan, Plan::Fresh(_)));
    if all_kept && run.old.is_some() {
        run.refresh(&planned)?;
    } else {
        run.rebuild(planned)?;
    }
    Ok(run.report)
}

fn ecosystems(options: &UpdateOptions, old_sources: &[SourceStatus]) -> Vec<String> {
    if !options.ecosystems.is_empty() {
        return options.ecosystems.clone();
    }
    // `.` (the top-level files of a local folder build) names no ecosystem to fetch: kept.
    let held: Vec<String> = old_sources
        .iter()
        .filter(|s| s.kind == SourceKind::Osv && s.name != ".")
        .map(|s| s.name.clone())
        .collect();
    if held.is_empty() {
        DEFAULT_ECOSYSTEMS.iter().map(|s| s.to_string()).collect()
    } else {
        held
    }
}

fn find<'a>(sources: &'a [SourceStatus], kind: SourceKind, name: &str) -> Option<&'a SourceStatus> {
    sources.iter().find(|s| s.kind == kind && s.name == name)
}

/// One update under way.
struct Run<'a> {
    db: &'a Path,
    fetcher: Fetcher,
    limits: &'a Limits,
    progress: &'a dyn Progress,
    /// The current database, when there is one to compare with and keep data from.
    old: Option<VulnDb>,
    report: Report,
}

impl Run<'_> {
    /// The current database, unless told to ignore it; an unreadable one is a warning.
    fn open_current(&mut self, fresh: bool) -> Option<VulnDb> {
        if fresh || !self.db.exists() {
            return None;
        }
        VulnDb::open(self.db)
            .map_err(|err| {
                let warning = format!("{err}; fetching everything anew");
                self.report.warnings.push(warning);
            })
            .ok()
    }

    /// Fetches an ecosystem's archive and checks its central directory. An ecosystem the
    /// source lacks is an error: it was asked for by name, or the database holds it.
    fn plan_ecosystem(&self, name: &str, previous: Option<&SourceStatus>) -> Result<Plan, Error> {
        let path = format!("{name}/all.zip");
        match self.fetch(&path, previous)? {
            Answer::Missing => Err(Error::Fetch {
                url: self.fetcher.url(&path),
                reason: "not found (HTTP 404): no such ecosystem at this source".to_string(),
            }),
            Answer::New(download) => {
                source::open_zip(name, download.file.path(), self.limits)?;
                Ok(Plan::Fresh(download))
            }
            Answer::Same(plan) => Ok(plan),
        }
    }

    /// Fetches an enrichment file and checks that it parses. A missing or unusable one is a
    /// warning: the current database's data, if any, is kept.
    fn plan_enrichment(
        &mut self,
        name: &str,
        kind: SourceKind,
        previous: Option<&SourceStatus>,
    ) -> Result<Plan, Error> {
        let url = self.fetcher.url(name);
        let why = match self.fetch(name, previous)? {
            Answer::Same(plan) => return Ok(plan),
            Answer::New(download) => match check_enrichment(&download, kind, self.limits) {
                Ok(()) => return Ok(Plan::Fresh(download)),
                Err(reason) => format!("{url}: {reason}"),
            },
            Answer::Missing => {
                format!("{url} not found (the public OSV bucket has no enrichment folder)")
            }
        };
        let kept = match previous {
            Some(p) => format!("keeping the current data ({} entries)", p.records),
            None => "the database has none".to_string(),
        };
        self.report.warnings.push(format!("{why}; {kept}"));
        Ok(previous.map_or(Plan::Skip, |p| Plan::Keep(p.clone(), Outcome::Missing)))
    }

    /// GETs `path`, and compares what comes with the current copy.
    fn fetch(&self, path: &str, previous: Option<&SourceStatus>) -> Result<Answer, Error> {
        Ok(
            match (
                self.fetcher.get(path, previous, self.db, self.progress)?,
                previous,
            ) {
                (Fetched::NotFound, _) => Answer::Missing,
                (Fetched::NotModified(validators), Some(previous)) => {
                    Answer::Same(unchanged(previous, validators, Outcome::NotModified))
                }
                (Fetched::NotModified(_), None) => {
                    return Err(Error::Fetch {
                        url: self.fetcher.url(path),
                        reason: "answered 304 Not Modified to a request without validators"
                            .to_string(),
                    });
                }
                (Fetched::Body(download), Some(previous)) if previous.sha256 == download.sha256 => {
                    let plan = unchanged(previous, download.validators, Outcome::SameDigest);
                    Answer::Same(plan)
                }
                (Fetched::Body(download), _) => Answer::New(download),
            },
        )
    }

    /// Nothing new: a copy of the current file with the validators and check time refreshed.
    fn refresh(&mut self, planned: &[Planned]) -> Result<(), Error> {
        let old = self.old.as_ref().expect("refresh needs a current database");
        let temp = temp_beside(self.db)?;
        std::fs::copy(old.path(), temp.path()).map_err(Error::io(temp.path()))?;
        let conn = rusqlite::Connection::open(temp.path()).map_err(Error::sqlite(temp.path()))?;
        refresh_rows(&conn, planned, SystemTime::now()).map_err(Error::sqlite(temp.path()))?;
        conn.close().map_err(|(_, err)| Error::Sqlite {
            path: temp.path().to_path_buf(),
            error: err,
        })?;
        persist(temp, self.db)?;
        for p in planned {
            if let Plan::Keep(status, outcome) = &p.plan {
                self.report.sources.push(SourceReport {
                    name: p.name.clone(),
                    outcome: *outcome,
                    records: status.records,
                });
            }
        }
        Ok(())
    }

    /// Builds the new file from fresh downloads and kept data, and renames it over the
    /// database.
    fn rebuild(&mut self, planned: Vec<Planned>) -> Result<(), Error> {
        let now = SystemTime::now();
        let temp = temp_beside(self.db)?;
        let mut writer = Writer::create(temp.path())?;
        for Planned { name, kind, plan } in planned {
            let (status, outcome) = match plan {
                Plan::Skip => continue,
                Plan::Fresh(download) => {
                    let status = SourceStatus {
                        name: name.clone(),
                        kind,
                        records: 0,
                        bytes: download.bytes,
                        sha256: download.sha256.clone(),
                        etag: download.validators.etag.clone(),
                        last_modified: download.validators.last_modified.clone(),
                        origin: self.fetcher.url(&path_of(&name, kind)),
                        fetched_at: now,
                    };
                    self.store_download(&mut writer, &status, &download)?;
                    (status, Outcome::Downloaded)
                }
                Plan::Keep(status, outcome) => {
                    self.copy_kept(&mut writer, &status)?;
                    (status, outcome)
                }
            };
            let records = writer.add_source(&status)?;
            self.report.sources.push(SourceReport {
                name,
                outcome,
                records,
            });
        }
        self.report.problems.append(&mut writer.problems);
        self.report.rebuilt = true;
        writer.finish(now)?;
        persist(temp, self.db)
    }

    fn store_download(
        &mut self,
        writer: &mut Writer,
        status: &SourceStatus,
        download: &Download,
    ) -> Result<(), Error> {
        if status.kind == SourceKind::Osv {
            let local = LocalSource {
                name: status.name.clone(),
                input: Input::Zip(download.file.path().to_path_buf()),
            };
            self.progress.begin(&status.name, None, Unit::Records);
            let mut sink = Counting {
                inner: writer,
                progress: self.progress,
            };
            let read = source::read(&local, self.limits, &mut sink);
            self.progress.end();
            return read.map(drop);
        }
        let bytes = source::read_bounded(download.file.path(), self.limits.file_bytes)
            .map_err(|reason| Error::source(&status.name, reason))?;
        if let Err(reason) = store_enrichment(writer, &status.name, status.kind, &bytes)? {
            self.report.warnings.push(reason);
        }
        Ok(())
    }

    fn copy_kept(&self, writer: &mut Writer, status: &SourceStatus) -> Result<(), Error> {
        let old = self
            .old
            .as_ref()
            .expect("kept data comes from a current database");
        match status.kind {
            SourceKind::Osv => {
                let progress = self.progress;
                progress.begin(&status.name, Some(status.records), Unit::Records);
                let copied = old.for_each_record(&status.name, |id, json| {
                    progress.advance(1);
                    writer.record(&status.name, &format!("{id} (kept)"), json)
                });
                progress.end();
                copied
            }
            SourceKind::Kev => writer.add_kev(old.all_kev()?),
            SourceKind::Epss => writer.add_epss(old.all_epss()?),
        }
    }
}

fn check_enrichment(download: &Download, kind: SourceKind, limits: &Limits) -> Result<(), String> {
    let bytes = source::read_bounded(download.file.path(), limits.file_bytes)?;
    match kind {
        SourceKind::Kev => enrich::parse_kev(&bytes).map(drop),
        _ => std::str::from_utf8(&bytes)
            .map(drop)
            .map_err(|_| "not UTF-8 text".to_string()),
    }
}

/// The previous source row under the validators of this answer (kept when it sends none).
fn unchanged(previous: &SourceStatus, validators: Validators, outcome: Outcome) -> Plan {
    Plan::Keep(
        SourceStatus {
            etag: validators.etag.or_else(|| previous.etag.clone()),
            last_modified: validators
                .last_modified
                .or_else(|| previous.last_modified.clone()),
            fetched_at: SystemTime::now(),
            ..previous.clone()
        },
        outcome,
    )
}

fn refresh_rows(
    conn: &rusqlite::Connection,
    planned: &[Planned],
    now: SystemTime,
) -> rusqlite::Result<()> {
    conn.execute_batch("BEGIN")?;
    for p in planned {
        if let Plan::Keep(status, Outcome::NotModified | Outcome::SameDigest) = &p.plan {
            conn.execute(
                "UPDATE sources SET etag = ?2, last_modified = ?3, fetched_at = ?4 WHERE name = ?1",
                rusqlite::params![
                    status.name,
                    status.etag,
                    status.last_modified,
                    unix_seconds(status.fetched_at)
                ],
            )?;
        }
    }
    conn.execute(
        "UPDATE meta SET value = ?1 WHERE key = 'checked_at'",
        [unix_seconds(now).to_string()],
    )?;
    conn.execute(
        "UPDATE meta SET value = ?1 WHERE key = 'build_id'",
        [build_id(now)],
    )?;
    conn.execute_batch("COMMIT")
}

fn path_of(name: &str, kind: SourceKind) -> String {
    match kind {
        SourceKind::Osv => format!("{name}/all.zip"),
        _ => name.to_string(),
    }
}
