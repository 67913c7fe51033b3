//! `rpmdb.sqlite`, rpm's default database since 4.16: table `Packages(hnum, blob)`.
//!
//! Catalogers get the file's bytes, not a path, so the database is opened in memory with
//! SQLite's deserialize interface, read-only: nothing is written to disk (a scan of an image
//! must not leave files behind) and the copy SQLite keeps is freed when the connection closes.

use super::Record;
use rusqlite::{Connection, OpenFlags};
use std::io::Read;

/// Bytes 18 and 19 of the file header: the read and write format versions, 2 for WAL.
const FORMAT_VERSIONS: std::ops::Range<usize> = 18..20;

pub(super) fn records(bytes: &[u8]) -> Result<Vec<Record<'static>>, String> {
    let conn = open(bytes).map_err(|err| format!("cannot open the SQLite database: {err}"))?;
    let mut statement = conn
        .prepare("SELECT hnum, blob FROM Packages ORDER BY hnum")
        .map_err(|err| format!("no readable Packages table: {err}"))?;
    let rows = statement
        .query_map([], |row| {
            let id: i64 = row.get(0)?;
            let blob: Result<Vec<u8>, _> = row.get(1);
            Ok(Record {
                id: id.to_string(),
                blob: blob
                    .map(Into::into)
                    .map_err(|err| format!("blob not readable: {err}")),
            })
        })
        .map_err(|err| format!("cannot read the Packages table: {err}"))?;
    rows.collect::<Result<_, _>>()
        .map_err(|err| format!("cannot read the Packages table: {err}"))
}

/// rpm keeps its database in WAL mode, which SQLite cannot open from memory; the header is
/// marked as a rollback-journal database instead (the content is the same once checkpointed,
/// and a read-only reader never looks at the journal).
fn open(bytes: &[u8]) -> rusqlite::Result<Connection> {
    let mut conn = Connection::open_in_memory_with_flags(
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
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
