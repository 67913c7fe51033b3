//! `rpmdb.sqlite`, rpm's default database since 4.16: table `Packages(hnum, blob)`.
//!
//! Catalogers get the file's bytes, not a path, so the database is opened in memory with
//! SQLite's deserialize interface, read-only: nothing is written to disk (a scan of an image
//! must not leave files behind) and the copy SQLite keeps is freed when the connection closes.
//!
//! The file is hostile input: its schema is SQL that SQLite runs. `Packages` must be a table
//! (a view could compute anything), no value may be longer than the file, and a query gets a
//! bounded number of virtual machine steps.

use super::Record;
use rusqlite::limits::Limit;
use rusqlite::types::ValueRef;
use rusqlite::{Connection, ErrorCode, OpenFlags, OptionalExtension};
use std::borrow::Cow;
use std::io::Read;

/// Bytes 18 and 19 of the file header: the read and write format versions, 2 for WAL.
const FORMAT_VERSIONS: std::ops::Range<usize> = 18..20;

/// SQLite virtual machine steps between two calls of the progress handler.
const STEPS_PER_CHECK: i32 = 10_000;
/// The steps a query may take: a table scan needs a few dozen per row, and rpm databases
/// hold thousands of rows, not millions.
const MAX_STEPS: u64 = 200_000_000;

/// Hands every record of the `Packages` table to `each`, in header-number order, as it is
/// read (blobs are borrowed from SQLite, not collected).
pub(super) fn for_each_record(
    bytes: &[u8],
    mut each: impl FnMut(Record<'_>),
) -> Result<(), String> {
    let conn = open(bytes).map_err(|err| format!("cannot open the SQLite database: {err}"))?;
    require_table(&conn)?;
    let read_error = |err| format!("cannot read the Packages table: {}", describe(err));
    let mut statement = conn
        .prepare("SELECT hnum, blob FROM Packages ORDER BY hnum")
        .map_err(|err| format!("no readable Packages table: {}", describe(err)))?;
    let mut rows = statement.query([]).map_err(read_error)?;
    while let Some(row) = rows.next().map_err(read_error)? {
        let id: i64 = row.get(0).map_err(read_error)?;
        let blob = match row.get_ref(1).map_err(read_error)? {
            ValueRef::Blob(blob) => Ok(Cow::Borrowed(blob)),
            other => Err(format!("the blob column holds {}", other.data_type())),
        };
        each(Record {
            id: id.to_string(),
            blob,
        });
    }
    Ok(())
}

/// Fails unless `Packages` is a real table of the file.
fn require_table(conn: &Connection) -> Result<(), String> {
    let kind: Option<String> = conn
        .query_row(
            "SELECT type FROM sqlite_master WHERE name = 'Packages' COLLATE NOCASE",
            [],
            |row| row.get(0),
        )
        .optional()
        .map_err(|err| format!("no readable Packages table: {}", describe(err)))?;
    match kind.as_deref() {
        Some("table") => Ok(()),
        Some(other) => Err(format!("Packages is a {other}, not a table")),
        None => Err("no Packages table".into()),
    }
}

/// SQLite's message, naming the step cap when the progress handler stopped the query.
fn describe(err: rusqlite::Error) -> String {
    match err.sqlite_error_code() {
        Some(ErrorCode::OperationInterrupted) => {
            format!("stopped after {MAX_STEPS} SQLite steps")
        }
        _ => err.to_string(),
    }
}

/// rpm keeps its database in WAL mode, which SQLite cannot open from memory; the header is
/// marked as a rollback-journal database instead (the content is the same once checkpointed,
/// and a read-only reader never looks at the journal).
fn open(bytes: &[u8]) -> rusqlite::Result<Connection> {
    let mut conn = Connection::open_in_memory_with_flags(
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    bound(&conn, bytes.len())?;
    let (head, rest) = bytes.split_at(FORMAT_VERSIONS.start.min(bytes.len()));
    let (versions, tail) = rest.split_at(FORMAT_VERSIONS.len().min(rest.len()));
    let versions: &[u8] = if versions == [2, 2] {
        &[1, 1]
    } else {
        versions
    };
    let reader = head.chain(versions).chain(tail);
    conn.deserialize_read_exact(rusqlite::MAIN_DB, reader, bytes.len(), true)?;
    Ok(conn)
}

/// No string or blob longer than the file (a stored one cannot be), and at most `MAX_STEPS`
/// virtual machine steps per connection.
fn bound(conn: &Connection, file_size: usize) -> rusqlite::Result<()> {
    let longest = i32::try_from(file_size).unwrap_or(i32::MAX).max(1);
    conn.set_limit(Limit::SQLITE_LIMIT_LENGTH, longest)?;
    let mut checks = 0u64;
    conn.progress_handler(
        STEPS_PER_CHECK,
        Some(move || {
            checks += 1;
            checks * STEPS_PER_CHECK as u64 > MAX_STEPS
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bytes of a database made by running `sql`.
    fn database(sql: &str) -> Vec<u8> {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(sql).unwrap();
        conn.serialize(rusqlite::MAIN_DB).unwrap().to_vec()
    }

    /// `id blob-or-error` of every record.
    fn ids(bytes: &[u8]) -> Result<Vec<String>, String> {
        let mut found = Vec::new();
        for_each_record(bytes, |r| found.push(format!("{} {:?}", r.id, r.blob)))?;
        Ok(found)
    }

    #[test]
    fn reads_rows_of_a_packages_table() {
        let bytes = database(
            "CREATE TABLE Packages (hnum INTEGER PRIMARY KEY, blob BLOB NOT NULL);
             INSERT INTO Packages VALUES (7, x'0102'), (3, x'03'), (5, 'text');",
        );
        assert_eq!(
            ids(&bytes).unwrap(),
            [
                "3 Ok([3])",
                "5 Err(\"the blob column holds Text\")",
                "7 Ok([1, 2])",
            ]
        );
    }

    #[test]
    fn a_packages_view_is_refused_before_it_runs() {
        let bytes = database(
            "CREATE VIEW Packages AS
               WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n)
               SELECT i AS hnum, zeroblob(300000000) AS blob FROM n;",
        );
        assert_eq!(ids(&bytes).unwrap_err(), "Packages is a view, not a table");
    }

    #[test]
    fn a_computed_column_cannot_grow_past_the_file() {
        let bytes = database(
            "CREATE TABLE Packages (hnum INTEGER PRIMARY KEY,
                blob AS (zeroblob(300000000)));
             INSERT INTO Packages (hnum) VALUES (1);",
        );
        assert_eq!(
            ids(&bytes).unwrap_err(),
            "cannot read the Packages table: string or blob too big"
        );
    }

    #[test]
    fn endless_queries_are_stopped() {
        let bytes = database("CREATE TABLE Packages (hnum INTEGER PRIMARY KEY, blob BLOB);");
        let conn = open(&bytes).unwrap();
        let err = conn
            .query_row(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n)
                 SELECT count(*) FROM n",
                [],
                |row| row.get::<_, i64>(0),
            )
            .unwrap_err();
        assert_eq!(describe(err), "stopped after 200000000 SQLite steps");
    }
}
