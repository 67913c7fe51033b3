//! scangate's advisory database: OSV records, CISA KEV and EPSS scores in one SQLite file.
//!
//! - [`build`] writes the database from a local folder laid out as the OSV bucket
//!   (`<Ecosystem>/all.zip`) or holding `*.json` records, plus optional `enrichment/kev.json`
//!   and `enrichment/epss.csv`.
//! - [`update`] refreshes it over HTTP from the same layout, downloading only what changed.
//! - [`VulnDb`] opens it read-only and answers lookups: the advisories of an (ecosystem,
//!   package) pair, the KEV entry and EPSS score of a CVE, the database's status.
//!
//! Both writers build a new file beside the database and rename it over the old one once
//! complete: the database on disk is always whole, and a [`VulnDb`] opened before an update keeps
//! reading the file it opened. docs/database.md describes the file, the update protocol and the
//! measured figures.

mod build;
mod db;
mod enrich;
mod error;
mod fetch;
mod names;
mod osv;
mod paths;
mod progress;
mod schema;
mod source;
mod update;
mod writer;

pub use build::{Outcome, Report, SourceReport, build};
pub use db::{SourceKind, SourceStatus, Status, VulnDb};
pub use enrich::{Epss, Kev};
pub use error::{Error, Problem};
pub use names::normalize_name;
pub use osv::{
    Advisory, Affected, AffectedPackage, Credit, Event, Range, RangeKind, Reference, Severity,
};
pub use paths::{DB_ENV, default_db_path, resolve_db_path};
pub use progress::{Progress, Silent, Unit};
pub use source::Limits;
pub use update::{DEFAULT_ECOSYSTEMS, DEFAULT_SOURCE, UpdateOptions, update};
