//! rpm package databases, in the three formats rpm has written: SQLite `rpmdb.sqlite`,
//! Berkeley DB hash `Packages` and ndb `Packages.db`. Each stores one header blob per
//! installed package; the header's tags give the package's identity.

mod bdb;
mod header;
mod ndb;
mod sqlite;

use std::borrow::Cow;

/// One package record of a database: its header blob, or why it could not be read.
#[derive(Debug)]
pub(super) struct Record<'a> {
    /// The record's key in the database (header number or package index), for messages.
    pub id: String,
    pub blob: Result<Cow<'a, [u8]>, String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::fixture;

    fn read(rel: &str) -> Vec<u8> {
        std::fs::read(fixture(&format!("os/rpm/{rel}"))).unwrap()
    }

    /// `id name full-version` of every record.
    fn summary(records: &[Record<'_>]) -> Vec<String> {
        records
            .iter()
            .map(|r| {
                let header = header::parse(r.blob.as_ref().unwrap()).unwrap();
                format!("{} {} {}", r.id, header.name, header.full_version())
            })
            .collect()
    }

    const PACKAGES: [&str; 4] = [
        "1 tools-libs 2:3.4.5-7.fc40",
        "2 tools 2:3.4.5-7.fc40",
        "3 hello 1.0-1",
        "4 gpg-pubkey 837fd9d3-6b0263be",
    ];

    #[test]
    fn sqlite_records_made_by_rpm() {
        let bytes = read("sqlite/usr/lib/sysimage/rpm/rpmdb.sqlite");
        assert_eq!(summary(&sqlite::records(&bytes).unwrap()), PACKAGES);
    }

    #[test]
    fn berkeley_db_records_made_by_db_load() {
        for dir in ["bdb-le-4096", "bdb-be-512", "bdb-chksum-1024"] {
            let bytes = read(&format!("{dir}/var/lib/rpm/Packages"));
            let mut found = summary(&bdb::records(&bytes).unwrap());
            found.sort();
            assert_eq!(found, PACKAGES, "{dir}");
        }
    }
}
