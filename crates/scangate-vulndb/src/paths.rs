//! Where the database file lives.

use crate::Error;
use std::path::{Path, PathBuf};

/// The environment variable that names the database file when no path is given.
pub const DB_ENV: &str = "SCANGATE_DB";

/// The database file to use: `explicit` (a `--db` option) when given, else `$SCANGATE_DB` when
/// set and not empty, else [`default_db_path`].
pub fn resolve_db_path(explicit: Option<&Path>) -> Result<PathBuf, Error> {
    if let Some(path) = explicit {
        return Ok(path.to_path_buf());
    }
    match std::env::var_os(DB_ENV) {
        Some(value) if !value.is_empty() => Ok(PathBuf::from(value)),
        _ => default_db_path(),
    }
}

/// `scangate/db/scangate.db` in the user's cache directory: `$XDG_CACHE_HOME` when it is an
/// absolute path, else `~/.cache` (on macOS `~/Library/Caches`, on Windows the local app data).
pub fn default_db_path() -> Result<PathBuf, Error> {
    let cache = dirs::cache_dir().ok_or(Error::NoCacheDir)?;
    Ok(cache.join("scangate").join("db").join("scangate.db"))
}
