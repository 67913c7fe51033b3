//! `scangate db build|update|status`: the advisory database.

use crate::exit;
use anyhow::Context as _;
use clap::{Args, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use scangate_vulndb::{
    DEFAULT_SOURCE, Limits, Progress, Report, Silent, SourceKind, Status, Unit, UpdateOptions,
    VulnDb,
};
use std::io::IsTerminal as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

#[derive(Debug, Args)]
pub struct DbArgs {
    #[command(subcommand)]
    pub command: DbCommand,
}

#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Build the database anew from a folder or URL laid out as the OSV bucket
    /// (`<Ecosystem>/all.zip`, optional `enrichment/kev.json` and `enrichment/epss.csv`), or from
    /// a folder of OSV `*.json` files.
    Build(BuildArgs),
    /// Download what changed since the last update and rebuild the database from it.
    Update(UpdateArgs),
    /// Show when the database was built, how old it is and what it holds.
    Status(DbPath),
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// A local folder, or an http(s) URL.
    #[arg(long, value_name = "DIR|URL")]
    pub from: String,

    #[command(flatten)]
    pub db: DbPath,

    /// With a URL: an ecosystem folder to fetch (repeatable) [default: a built-in list].
    #[arg(long = "ecosystem", value_name = "NAME")]
    pub ecosystems: Vec<String>,
}

#[derive(Debug, Args)]
pub struct UpdateArgs {
    /// Base URL of a tree laid out as the OSV bucket.
    #[arg(long, value_name = "URL", default_value = DEFAULT_SOURCE)]
    pub source: String,

    #[command(flatten)]
    pub db: DbPath,

    /// An ecosystem folder to fetch (repeatable) [default: those in the database, else a
    /// built-in list].
    #[arg(long = "ecosystem", value_name = "NAME")]
    pub ecosystems: Vec<String>,
}

#[derive(Debug, Args)]
pub struct DbPath {
    /// The database file [default: $SCANGATE_DB, else scangate/db/scangate.db in the user's
    /// cache directory].
    #[arg(long, value_name = "PATH")]
    pub db: Option<PathBuf>,
}

pub fn run(args: DbArgs) -> anyhow::Result<ExitCode> {
    match args.command {
        DbCommand::Build(args) => build(args),
        DbCommand::Update(args) => update(args),
        DbCommand::Status(args) => status(&args),
    }
}

fn build(args: BuildArgs) -> anyhow::Result<ExitCode> {
    let db = args.db.resolve()?;
    let progress = progress();
    let report = if args.from.starts_with("http://") || args.from.starts_with("https://") {
        let options = UpdateOptions {
            source: args.from.clone(),
            ecosystems: args.ecosystems,
            fresh: true,
            limits: Limits::default(),
        };
        scangate_vulndb::update(&db, &options, progress.as_ref())
    } else {
        scangate_vulndb::build(
            Path::new(&args.from),
            &db,
            &Limits::default(),
            progress.as_ref(),
        )
    }
    .with_context(|| format!("cannot build the database from {}", args.from))?;
    print_report(&report, &db);
    Ok(exit::ok())
}

fn update(args: UpdateArgs) -> anyhow::Result<ExitCode> {
    let db = args.db.resolve()?;
    let options = UpdateOptions {
        source: args.source.clone(),
        ecosystems: args.ecosystems,
        fresh: false,
        limits: Limits::default(),
    };
    let report =
        scangate_vulndb::update(&db, &options, progress().as_ref()).with_context(|| {
            format!(
                "cannot update the database from {} (the database is unchanged)",
                args.source
            )
        })?;
    print_report(&report, &db);
    Ok(exit::ok())
}

fn status(args: &DbPath) -> anyhow::Result<ExitCode> {
    let db = args.resolve()?;
    let status = VulnDb::open(&db)?.status()?;
    print!("{}", render_status(&status, SystemTime::now()));
    Ok(exit::ok())
}

impl DbPath {
    fn resolve(&self) -> anyhow::Result<PathBuf> {
        Ok(scangate_vulndb::resolve_db_path(self.db.as_deref())?)
    }
}

/// Problems listed one by one; the rest are counted.
const LISTED_PROBLEMS: usize = 20;

fn print_report(report: &Report, db: &Path) {
    for warning in &report.warnings {
        eprintln!("scangate: warning: {warning}");
    }
    for problem in report.problems.iter().take(LISTED_PROBLEMS) {
        eprintln!("scangate: skipped: {problem}");
    }
    if report.problems.len() > LISTED_PROBLEMS {
        eprintln!(
            "scangate: skipped: {} more",
            report.problems.len() - LISTED_PROBLEMS
        );
    }
    let width = name_width(report.sources.iter().map(|s| s.name.as_str()));
    for source in &report.sources {
        println!(
            "{:<width$}  {:>8} records  {}",
            source.name,
            source.records,
            source.outcome.describe()
        );
    }
    let verb = if report.rebuilt {
        "written"
    } else {
        "up to date"
    };
    println!("{verb}: {}", db.display());
}

fn render_status(status: &Status, now: SystemTime) -> String {
    let size = std::fs::metadata(&status.path).map_or(0, |m| m.len());
    let mut out = format!(
        "database    {} ({:.1} MiB)\n\
         built       {} ({} ago)\n\
         checked     {} ({} ago)\n\
         advisories  {} ({} withdrawn)\n\
         KEV         {} entries\n\
         EPSS        {} scores\n\n",
        status.path.display(),
        size as f64 / (1024.0 * 1024.0),
        timestamp(status.built_at),
        age(status.built_at, now),
        timestamp(status.checked_at),
        age(status.checked_at, now),
        status.advisories,
        status.withdrawn,
        status.kev,
        status.epss,
    );
    let width = name_width(status.sources.iter().map(|s| s.name.as_str()));
    out.push_str(&format!(
        "{:<width$}  {:>8}  {:<16}  {:<20}  origin\n",
        "source", "records", "sha256", "fetched"
    ));
    for source in &status.sources {
        let kind = match source.kind {
            SourceKind::Osv => "",
            SourceKind::Kev | SourceKind::Epss => " (enrichment)",
        };
        out.push_str(&format!(
            "{:<width$}  {:>8}  {:<16}  {:<20}  {}{kind}\n",
            source.name,
            source.records,
            &source.sha256[..source.sha256.len().min(16)],
            timestamp(source.fetched_at),
            source.origin,
        ));
    }
    out
}

fn name_width<'a>(names: impl Iterator<Item = &'a str>) -> usize {
    names.map(str::len).max().unwrap_or(0).max("source".len())
}

pub(super) fn timestamp(at: SystemTime) -> String {
    humantime::format_rfc3339_seconds(at).to_string()
}

/// Time since `at`, to the minute.
pub(super) fn age(at: SystemTime, now: SystemTime) -> String {
    let elapsed = now.duration_since(at).unwrap_or_default();
    let minutes = Duration::from_secs(elapsed.as_secs() / 60 * 60);
    if minutes.is_zero() {
        "less than a minute".to_string()
    } else {
        humantime::format_duration(minutes).to_string()
    }
}

/// A bar on standard error when it is a terminal; nothing otherwise.
fn progress() -> Box<dyn Progress> {
    if std::io::stderr().is_terminal() {
        Box::new(Bar(Mutex::new(None)))
    } else {
        Box::new(Silent)
    }
}

struct Bar(Mutex<Option<ProgressBar>>);

impl Progress for Bar {
    fn begin(&self, label: &str, total: Option<u64>, unit: Unit) {
        let template = match (unit, total) {
            (Unit::Bytes, Some(_)) => {
                "{msg:24} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} {eta}"
            }
            (Unit::Bytes, None) => "{msg:24} {spinner} {bytes} {bytes_per_sec}",
            (Unit::Records, Some(_)) => "{msg:24} [{bar:30}] {pos}/{len} records",
            (Unit::Records, None) => "{msg:24} {spinner} {pos} records",
        };
        let bar = total.map_or_else(ProgressBar::new_spinner, ProgressBar::new);
        if let Ok(style) = ProgressStyle::with_template(template) {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_message(label.to_string());
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = Some(bar);
    }

    fn advance(&self, n: u64) {
        if let Some(bar) = self.0.lock().unwrap_or_else(|e| e.into_inner()).as_ref() {
            bar.inc(n);
        }
    }

    fn end(&self) {
        if let Some(bar) = self.0.lock().unwrap_or_else(|e| e.into_inner()).take() {
            bar.finish_and_clear();
        }
    }
}
