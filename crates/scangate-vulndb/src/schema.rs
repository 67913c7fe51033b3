//! The database file's tables. docs/database.md describes them for readers of the file.

/// The format this code writes and reads; bumped on any change to the tables below or to how
/// records are encoded. A file of another format is refused with a request to rebuild it.
pub(crate) const FORMAT: u32 = 1;

/// zstd level of stored records. Over the OSV test data (33 MB of JSON) level 3 gives 12.1 MB,
/// level 9 11.7 MB at four times the compression time, level 19 11.5 MB at forty times.
pub(crate) const ZSTD_LEVEL: i32 = 3;

pub(crate) const CREATE: &str = "
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE sources (
    name          TEXT PRIMARY KEY,
    kind          TEXT NOT NULL,
    records       INTEGER NOT NULL,
    bytes         INTEGER NOT NULL,
    sha256        TEXT NOT NULL,
    etag          TEXT,
    last_modified TEXT,
    origin        TEXT NOT NULL,
    fetched_at    INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE advisories (
    id        TEXT NOT NULL UNIQUE,
    modified  TEXT NOT NULL,
    published TEXT,
    withdrawn TEXT,
    record    BLOB NOT NULL
);

CREATE TABLE affected (
    ecosystem TEXT NOT NULL,
    name      TEXT NOT NULL,
    advisory  INTEGER NOT NULL,
    PRIMARY KEY (ecosystem, name, advisory)
) WITHOUT ROWID;

CREATE TABLE members (
    source   TEXT NOT NULL,
    advisory INTEGER NOT NULL,
    PRIMARY KEY (source, advisory)
) WITHOUT ROWID;

CREATE TABLE kev (
    cve            TEXT PRIMARY KEY,
    vendor_project TEXT,
    product        TEXT,
    name           TEXT,
    date_added     TEXT,
    due_date       TEXT,
    ransomware_use TEXT
) WITHOUT ROWID;

CREATE TABLE epss (
    cve        TEXT PRIMARY KEY,
    score      REAL NOT NULL,
    percentile REAL NOT NULL
) WITHOUT ROWID;
";
