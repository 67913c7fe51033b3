//! What can stop a build, an update or a lookup. Bad records do not: they are [`Problem`]s.

use std::fmt;
use std::path::PathBuf;

/// Why the database could not be built, updated, opened or read.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    // The underlying errors are part of the message, not `source()`s, so that a report of the
    // error chain does not say them twice.
    #[error("{}: {error}", path.display())]
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("database {}: {error}", path.display())]
    Sqlite {
        path: PathBuf,
        error: rusqlite::Error,
    },
    #[error(
        "database {}: format {found}, this scangate reads format {expected}; rebuild it with `scangate db update` or `scangate db build`",
        path.display()
    )]
    Format {
        path: PathBuf,
        found: String,
        expected: u32,
    },
    #[error("database {}: no such file; create it with `scangate db update` or `scangate db build`", path.display())]
    Missing { path: PathBuf },
    /// A source that cannot be used at all: an archive without a valid central directory, a
    /// source over a size limit, a folder without records.
    #[error("{source_name}: {reason}")]
    Source { source_name: String, reason: String },
    #[error("{url}: {reason}")]
    Fetch { url: String, reason: String },
    #[error("no cache directory for this user (set SCANGATE_DB or pass --db)")]
    NoCacheDir,
}

impl Error {
    pub(crate) fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> Error {
        move |error| Error::Io {
            path: path.into(),
            error,
        }
    }

    pub(crate) fn sqlite(path: impl Into<PathBuf>) -> impl FnOnce(rusqlite::Error) -> Error {
        move |error| Error::Sqlite {
            path: path.into(),
            error,
        }
    }

    pub(crate) fn source(source_name: &str, reason: impl fmt::Display) -> Error {
        Error::Source {
            source_name: source_name.to_string(),
            reason: reason.to_string(),
        }
    }
}

/// A record or row that was left out of the database, and why. The build goes on without it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The source it came from: an ecosystem folder (`PyPI`), `enrichment/kev.json`, ...
    pub source: String,
    /// The zip member, file or line within the source.
    pub entry: String,
    pub reason: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: {}", self.source, self.entry, self.reason)
    }
}
