//! `update` against a small HTTP server on 127.0.0.1 serving a copy of part of shared/osv laid
//! out as the OSV bucket. No other host is ever contacted.

mod common;

use common::{ids, osv_dir};
use scangate_vulndb::{
    Error, Limits, Outcome, Report, Silent, SourceReport, UpdateOptions, VulnDb,
};
use server::{Cut, Server};
use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

const SMALLVEC: [&str; 5] = [
    "RUSTSEC-2018-0003",
    "RUSTSEC-2018-0018",
    "RUSTSEC-2019-0009",
    "RUSTSEC-2019-0012",
    "RUSTSEC-2021-0003",
];
const MAIL: [&str; 5] = [
    "CVE-2011-0739",
    "CVE-2012-2139",
    "CVE-2012-2140",
    "CVE-2015-9097",
    "GHSA-mvxr-6m87-mv2q",
];
/// EPSS rows in the served copy: the first 1000 of the real file.
const EPSS_ROWS: u64 = 1000;

/// A bucket copy with crates.io, RubyGems and (unless `enrichment` is false) both enrichment
/// files, and a database path beside it.
struct Fixture {
    dir: tempfile::TempDir,
    server: Server,
}

impl Fixture {
    fn new(enrichment: bool) -> Option<Fixture> {
        let osv = osv_dir()?;
        let dir = tempfile::tempdir().unwrap();
        let bucket = dir.path().join("bucket");
        for eco in ["crates.io", "RubyGems"] {
            std::fs::create_dir_all(bucket.join(eco)).unwrap();
            std::fs::copy(
                osv.join(eco).join("all.zip"),
                bucket.join(eco).join("all.zip"),
            )
            .unwrap();
        }
        if enrichment {
            add_enrichment(&osv, &bucket);
        }
        std::fs::create_dir(dir.path().join("db")).unwrap();
        let server = Server::start(bucket);
        Some(Fixture { dir, server })
    }

    fn bucket(&self) -> PathBuf {
        self.dir.path().join("bucket")
    }

    fn db(&self) -> PathBuf {
        self.dir.path().join("db/scangate.db")
    }

    fn update(&self, ecosystems: &[&str]) -> Result<Report, Error> {
        self.update_with(ecosystems, false)
    }

    fn update_with(&self, ecosystems: &[&str], fresh: bool) -> Result<Report, Error> {
        let options = UpdateOptions {
            source: self.server.url(),
            ecosystems: ecosystems.iter().map(|e| e.to_string()).collect(),
            fresh,
            limits: Limits::default(),
        };
        scangate_vulndb::update(&self.db(), &options, &Silent)
    }

    /// Serves a crates.io archive without the given members.
    fn drop_from_crates(&self, ids: &[&str]) {
        let path = self.bucket().join("crates.io/all.zip");
        let bytes = std::fs::read(&path).unwrap();
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut members = Vec::new();
        for index in 0..archive.len() {
            let mut member = archive.by_index(index).unwrap();
            let name = member.name().unwrap().into_owned();
            if !ids.iter().any(|id| name == format!("{id}.json")) {
                let mut data = Vec::new();
                member.read_to_end(&mut data).unwrap();
                members.push((name, data));
            }
        }
        let members: Vec<(&str, &[u8])> = members
            .iter()
            .map(|(name, data)| (name.as_str(), data.as_slice()))
            .collect();
        std::fs::write(path, common::zip_of(&members)).unwrap();
    }

    fn files_beside_the_database(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(self.dir.path().join("db"))
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }
}

fn add_enrichment(osv: &Path, bucket: &Path) {
    std::fs::create_dir_all(bucket.join("enrichment")).unwrap();
    std::fs::copy(
        osv.join("enrichment/kev.json"),
        bucket.join("enrichment/kev.json"),
    )
    .unwrap();
    let epss = std::fs::read_to_string(osv.join("enrichment/epss.csv")).unwrap();
    let head: Vec<&str> = epss.lines().take(EPSS_ROWS as usize + 1).collect();
    std::fs::write(bucket.join("enrichment/epss.csv"), head.join("\n") + "\n").unwrap();
}

fn row(name: &str, outcome: Outcome, records: u64) -> SourceReport {
    SourceReport {
        name: name.to_string(),
        outcome,
        records,
    }
}

#[test]
fn the_first_update_downloads_and_the_second_is_not_modified() {
    let Some(fx) = Fixture::new(true) else { return };
    let first = fx.update(&["crates.io", "RubyGems"]).unwrap();
    assert_eq!(
        first.sources,
        [
            row("crates.io", Outcome::Downloaded, 1205),
            row("RubyGems", Outcome::Downloaded, 1120),
            row("enrichment/kev.json", Outcome::Downloaded, 1404),
            row("enrichment/epss.csv", Outcome::Downloaded, EPSS_ROWS),
        ]
    );
    assert!(first.rebuilt);
    assert_eq!((first.problems.len(), first.warnings.len()), (0, 0));
    let db = VulnDb::open(&fx.db()).unwrap();
    assert_eq!(
        ids(&db.advisories("crates.io", "smallvec").unwrap()),
        SMALLVEC
    );
    assert_eq!(ids(&db.advisories("RubyGems", "mail").unwrap()), MAIL);
    let built = db.status().unwrap();
    let crates = built
        .sources
        .iter()
        .find(|s| s.name == "crates.io")
        .unwrap();
    assert_eq!(
        crates.origin,
        format!("{}/crates.io/all.zip", fx.server.url())
    );
    assert!(crates.etag.is_some() && crates.last_modified.is_some());

    fx.server.clear_log();
    let second = fx.update(&[]).unwrap();
    assert_eq!(
        second.sources,
        [
            row("RubyGems", Outcome::NotModified, 1120),
            row("crates.io", Outcome::NotModified, 1205),
            row("enrichment/kev.json", Outcome::NotModified, 1404),
            row("enrichment/epss.csv", Outcome::NotModified, EPSS_ROWS),
        ]
    );
    assert!(!second.rebuilt);
    assert_eq!(
        fx.server.log(),
        [
            "/RubyGems/all.zip 304 conditional",
            "/crates.io/all.zip 304 conditional",
            "/enrichment/kev.json 304 conditional",
            "/enrichment/epss.csv 304 conditional",
        ]
    );
    let checked = VulnDb::open(&fx.db()).unwrap().status().unwrap();
    assert_eq!(checked.built_at, built.built_at);
    assert!(checked.checked_at >= built.checked_at);
    assert_eq!(fx.files_beside_the_database(), ["scangate.db"]);
}

#[test]
fn without_validators_an_unchanged_file_is_known_by_its_digest() {
    let Some(fx) = Fixture::new(true) else { return };
    fx.server.set_validators(false);
    fx.update(&["crates.io", "RubyGems"]).unwrap();
    let before = std::fs::read(fx.db()).unwrap();
    let second = fx.update(&[]).unwrap();
    assert_eq!(
        second.sources,
        [
            row("RubyGems", Outcome::SameDigest, 1120),
            row("crates.io", Outcome::SameDigest, 1205),
            row("enrichment/kev.json", Outcome::SameDigest, 1404),
            row("enrichment/epss.csv", Outcome::SameDigest, EPSS_ROWS),
        ]
    );
    assert!(!second.rebuilt);
    assert_eq!(
        fx.server.log()[4..],
        [
            "/RubyGems/all.zip 200 plain",
            "/crates.io/all.zip 200 plain",
            "/enrichment/kev.json 200 plain",
            "/enrichment/epss.csv 200 plain",
        ]
    );
    // Only the check time changed: the data is the same size.
    assert_eq!(std::fs::read(fx.db()).unwrap().len(), before.len());
}

#[test]
fn a_changed_ecosystem_is_fetched_again_and_the_others_are_kept() {
    let Some(fx) = Fixture::new(true) else { return };
    fx.update(&["crates.io", "RubyGems"]).unwrap();
    fx.drop_from_crates(&["RUSTSEC-2019-0009"]);
    let second = fx.update(&[]).unwrap();
    assert_eq!(
        second.sources,
        [
            row("RubyGems", Outcome::NotModified, 1120),
            row("crates.io", Outcome::Downloaded, 1204),
            row("enrichment/kev.json", Outcome::NotModified, 1404),
            row("enrichment/epss.csv", Outcome::NotModified, EPSS_ROWS),
        ]
    );
    assert!(second.rebuilt);
    let db = VulnDb::open(&fx.db()).unwrap();
    let mut without = SMALLVEC.to_vec();
    without.retain(|id| *id != "RUSTSEC-2019-0009");
    assert_eq!(
        ids(&db.advisories("crates.io", "smallvec").unwrap()),
        without
    );
    assert_eq!(ids(&db.advisories("RubyGems", "mail").unwrap()), MAIL);
    assert_eq!(
        db.kev("CVE-2021-44228").unwrap().unwrap().cve,
        "CVE-2021-44228"
    );
    assert_eq!(db.status().unwrap().epss, EPSS_ROWS);

    // Naming one ecosystem refreshes it alone; the other is kept as it is.
    fx.drop_from_crates(&["RUSTSEC-2019-0009", "RUSTSEC-2018-0003"]);
    let third = fx.update(&["crates.io"]).unwrap();
    assert_eq!(
        third.sources[..2],
        [
            row("crates.io", Outcome::Downloaded, 1203),
            row("RubyGems", Outcome::Kept, 1120),
        ]
    );
    let db = VulnDb::open(&fx.db()).unwrap();
    assert_eq!(ids(&db.advisories("RubyGems", "mail").unwrap()), MAIL);
}

#[test]
fn a_corrupt_archive_leaves_the_database_byte_identical() {
    let Some(fx) = Fixture::new(true) else { return };
    fx.update(&["crates.io", "RubyGems"]).unwrap();
    let before = std::fs::read(fx.db()).unwrap();
    let path = fx.bucket().join("crates.io/all.zip");
    let mut bytes = std::fs::read(&path).unwrap();
    // Damage the end of central directory record.
    let len = bytes.len();
    bytes[len - 22..].fill(0);
    std::fs::write(&path, bytes).unwrap();
    let err = fx.update(&[]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "crates.io: not a valid zip archive: invalid Zip archive: Could not find EOCD"
    );
    assert_eq!(std::fs::read(fx.db()).unwrap(), before);
    assert_eq!(fx.files_beside_the_database(), ["scangate.db"]);
}

#[test]
fn a_truncated_download_leaves_the_database_byte_identical() {
    let Some(fx) = Fixture::new(true) else { return };
    fx.update(&["crates.io", "RubyGems"]).unwrap();
    let before = std::fs::read(fx.db()).unwrap();
    let url = format!("{}/crates.io/all.zip", fx.server.url());

    // The server announces the whole length and closes half way.
    fx.server.cut("/crates.io/all.zip", Some(Cut::HalfBody));
    let err = fx.update(&[]).unwrap_err().to_string();
    assert_eq!(err, format!("{url}: download failed: Peer disconnected"));
    assert_eq!(std::fs::read(fx.db()).unwrap(), before);

    // The server announces no length (the body ends when it closes) and closes half way: the
    // archive's central directory is missing.
    fx.server
        .cut("/crates.io/all.zip", Some(Cut::HalfBodyNoLength));
    let err = fx.update(&[]).unwrap_err().to_string();
    assert_eq!(
        err,
        "crates.io: not a valid zip archive: invalid Zip archive: Could not find EOCD"
    );
    assert_eq!(std::fs::read(fx.db()).unwrap(), before);

    // The server announces more than it has.
    fx.server
        .cut("/crates.io/all.zip", Some(Cut::LengthOverstated));
    let err = fx.update(&[]).unwrap_err().to_string();
    assert_eq!(err, format!("{url}: download failed: Peer disconnected"));
    assert_eq!(std::fs::read(fx.db()).unwrap(), before);
    assert_eq!(fx.files_beside_the_database(), ["scangate.db"]);

    // Once the server behaves, the update goes through.
    fx.server.cut("/crates.io/all.zip", None);
    assert!(!fx.update(&[]).unwrap().rebuilt);
}

#[test]
fn a_scan_keeps_reading_the_database_it_opened_during_an_update() {
    let Some(fx) = Fixture::new(false) else {
        return;
    };
    fx.update(&["crates.io", "RubyGems"]).unwrap();
    let reader = VulnDb::open(&fx.db()).unwrap();
    let done = AtomicBool::new(false);
    let lookups = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        scope.spawn(|| {
            while !done.load(Ordering::Relaxed) {
                assert_eq!(
                    ids(&reader.advisories("crates.io", "smallvec").unwrap()),
                    SMALLVEC
                );
                assert_eq!(ids(&reader.advisories("RubyGems", "mail").unwrap()), MAIL);
                lookups.fetch_add(1, Ordering::Relaxed);
            }
        });
        fx.drop_from_crates(&["RUSTSEC-2019-0009"]);
        let report = fx.update(&[]);
        done.store(true, Ordering::Relaxed);
        assert!(report.unwrap().rebuilt);
    });
    assert!(lookups.load(Ordering::Relaxed) > 0);
    // The old reader still sees the file it opened; a new one sees the update.
    assert_eq!(
        ids(&reader.advisories("crates.io", "smallvec").unwrap()),
        SMALLVEC
    );
    let fresh = VulnDb::open(&fx.db()).unwrap();
    assert_eq!(
        ids(&fresh.advisories("crates.io", "smallvec").unwrap()).len(),
        4
    );
}

#[test]
fn missing_enrichment_is_a_warning_and_keeps_what_the_database_had() {
    let Some(fx) = Fixture::new(false) else {
        return;
    };
    let url = fx.server.url();
    let first = fx.update(&["crates.io"]).unwrap();
    assert_eq!(
        first.warnings,
        [
            format!(
                "{url}/enrichment/kev.json not found (the public OSV bucket has no enrichment folder); the database has none"
            ),
            format!(
                "{url}/enrichment/epss.csv not found (the public OSV bucket has no enrichment folder); the database has none"
            ),
        ]
    );
    assert_eq!(first.sources, [row("crates.io", Outcome::Downloaded, 1205)]);
    assert_eq!(VulnDb::open(&fx.db()).unwrap().status().unwrap().kev, 0);

    add_enrichment(&osv_dir().unwrap(), &fx.bucket());
    let second = fx.update(&[]).unwrap();
    assert_eq!(
        second.sources[1..],
        [
            row("enrichment/kev.json", Outcome::Downloaded, 1404),
            row("enrichment/epss.csv", Outcome::Downloaded, EPSS_ROWS),
        ]
    );

    std::fs::remove_dir_all(fx.bucket().join("enrichment")).unwrap();
    let third = fx.update(&[]).unwrap();
    assert_eq!(
        third.warnings,
        [
            format!(
                "{url}/enrichment/kev.json not found (the public OSV bucket has no enrichment folder); keeping the current data (1404 entries)"
            ),
            format!(
                "{url}/enrichment/epss.csv not found (the public OSV bucket has no enrichment folder); keeping the current data ({EPSS_ROWS} entries)"
            ),
        ]
    );
    assert_eq!(
        third.sources,
        [
            row("crates.io", Outcome::NotModified, 1205),
            row("enrichment/kev.json", Outcome::Missing, 1404),
            row("enrichment/epss.csv", Outcome::Missing, EPSS_ROWS),
        ]
    );
    let status = VulnDb::open(&fx.db()).unwrap().status().unwrap();
    assert_eq!((status.kev, status.epss), (1404, EPSS_ROWS));
}

#[test]
fn an_ecosystem_the_source_lacks_is_an_error() {
    let Some(fx) = Fixture::new(false) else {
        return;
    };
    let err = fx.update(&["crates.io", "Nope"]).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "{}/Nope/all.zip: not found (HTTP 404): no such ecosystem at this source",
            fx.server.url()
        )
    );
    assert_eq!(fx.files_beside_the_database(), Vec::<String>::new());
}

#[test]
fn a_fresh_build_from_a_url_ignores_the_current_database() {
    let Some(fx) = Fixture::new(true) else { return };
    fx.update(&["crates.io", "RubyGems"]).unwrap();
    fx.server.clear_log();
    let report = fx.update_with(&["crates.io"], true).unwrap();
    assert_eq!(
        report.sources,
        [
            row("crates.io", Outcome::Downloaded, 1205),
            row("enrichment/kev.json", Outcome::Downloaded, 1404),
            row("enrichment/epss.csv", Outcome::Downloaded, EPSS_ROWS),
        ]
    );
    assert!(fx.server.log().iter().all(|l| l.ends_with("200 plain")));
    let db = VulnDb::open(&fx.db()).unwrap();
    assert_eq!(
        ids(&db.advisories("RubyGems", "mail").unwrap()),
        Vec::<String>::new()
    );
}

/// A one-request-per-connection HTTP/1.1 server for GETs of files under a folder, with ETag and
/// Last-Modified validators, and ways to misbehave.
mod server {
    use super::*;
    use sha2::{Digest as _, Sha256};
    use std::collections::HashMap;
    use std::net::{SocketAddr, TcpListener, TcpStream};
    use std::sync::{Arc, Mutex};
    use std::thread::JoinHandle;
    use std::time::Duration;

    /// How a 200 response misbehaves; the connection is closed after it either way.
    #[derive(Debug, Clone, Copy)]
    pub enum Cut {
        /// Half the body, under a Content-Length of the whole.
        HalfBody,
        /// Half the body, without Content-Length: the body ends when the connection closes.
        HalfBodyNoLength,
        /// The whole body is sent, with a Content-Length larger than it.
        LengthOverstated,
    }

    struct State {
        root: PathBuf,
        validators: bool,
        cuts: HashMap<String, Cut>,
        log: Vec<String>,
    }

    pub struct Server {
        addr: SocketAddr,
        state: Arc<Mutex<State>>,
        stop: Arc<AtomicBool>,
        thread: Option<JoinHandle<()>>,
    }

    impl Server {
        pub fn start(root: PathBuf) -> Server {
            let listener = TcpListener::bind("127.0.0.1:0").unwrap();
            let addr = listener.local_addr().unwrap();
            let state = Arc::new(Mutex::new(State {
                root,
                validators: true,
                cuts: HashMap::new(),
                log: Vec::new(),
            }));
            let stop = Arc::new(AtomicBool::new(false));
            let thread = {
                let (state, stop) = (state.clone(), stop.clone());
                std::thread::spawn(move || {
                    for stream in listener.incoming() {
                        if stop.load(Ordering::SeqCst) {
                            break;
                        }
                        if let Ok(stream) = stream {
                            // A client that went away is its own problem, not the server's.
                            let _ = serve(stream, &state);
                        }
                    }
                })
            };
            Server {
                addr,
                state,
                stop,
                thread: Some(thread),
            }
        }

        pub fn url(&self) -> String {
            format!("http://{}", self.addr)
        }

        pub fn set_validators(&self, on: bool) {
            self.state.lock().unwrap().validators = on;
        }

        pub fn cut(&self, path: &str, cut: Option<Cut>) {
            let mut state = self.state.lock().unwrap();
            match cut {
                Some(cut) => state.cuts.insert(path.to_string(), cut),
                None => state.cuts.remove(path),
            };
        }

        /// `path status conditional|plain` per request, in order.
        pub fn log(&self) -> Vec<String> {
            self.state.lock().unwrap().log.clone()
        }

        pub fn clear_log(&self) {
            self.state.lock().unwrap().log.clear();
        }
    }

    impl Drop for Server {
        fn drop(&mut self) {
            self.stop.store(true, Ordering::SeqCst);
            // Wake the accept loop so it sees the flag.
            let _ = TcpStream::connect(self.addr);
            if let Some(thread) = self.thread.take() {
                let _ = thread.join();
            }
        }
    }

    fn serve(mut stream: TcpStream, state: &Mutex<State>) -> std::io::Result<()> {
        stream.set_read_timeout(Some(Duration::from_secs(10)))?;
        let head = read_head(&mut stream)?;
        let mut lines = head.lines();
        let path = lines
            .next()
            .and_then(|line| line.split(' ').nth(1))
            .unwrap_or("/")
            .to_string();
        let if_none_match = lines
            .filter_map(|line| line.split_once(':'))
            .find(|(name, _)| name.eq_ignore_ascii_case("if-none-match"))
            .map(|(_, value)| value.trim().to_string());
        let (root, validators, cut) = {
            let state = state.lock().unwrap();
            (
                state.root.clone(),
                state.validators,
                state.cuts.get(&path).copied(),
            )
        };
        let file = root.join(path.trim_start_matches('/'));
        let body = if path.contains("..") {
            None
        } else {
            std::fs::read(&file).ok()
        };
        let etag = body
            .as_ref()
            .map(|b| format!("\"{}\"", hex(&Sha256::digest(b))));
        let status = match (&body, cut) {
            (None, _) => 404,
            (Some(_), None) if validators && if_none_match.is_some() && if_none_match == etag => {
                304
            }
            _ => 200,
        };
        let conditional = if if_none_match.is_some() {
            "conditional"
        } else {
            "plain"
        };
        state
            .lock()
            .unwrap()
            .log
            .push(format!("{path} {status} {conditional}"));

        let body = body.unwrap_or_default();
        let mut head = format!(
            "HTTP/1.1 {status} {}\r\nConnection: close\r\n",
            match status {
                200 => "OK",
                304 => "Not Modified",
                _ => "Not Found",
            }
        );
        if validators && status != 404 {
            head.push_str(&format!(
                "ETag: {}\r\nLast-Modified: Thu, 21 Aug 2026 00:00:00 GMT\r\n",
                etag.unwrap_or_default()
            ));
        }
        let (length, sent) = match (status, cut) {
            (200, Some(Cut::HalfBody)) => (Some(body.len()), &body[..body.len() / 2]),
            (200, Some(Cut::HalfBodyNoLength)) => (None, &body[..body.len() / 2]),
            (200, Some(Cut::LengthOverstated)) => (Some(body.len() + 1000), &body[..]),
            (200, None) => (Some(body.len()), &body[..]),
            _ => (Some(0), &body[..0]),
        };
        if let Some(length) = length {
            head.push_str(&format!("Content-Length: {length}\r\n"));
        }
        head.push_str("\r\n");
        stream.write_all(head.as_bytes())?;
        stream.write_all(sent)?;
        stream.flush()
    }

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// The request line and headers, up to the blank line (16 KiB at most).
    fn read_head(stream: &mut TcpStream) -> std::io::Result<String> {
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") && head.len() < 16 * 1024 {
            if stream.read(&mut byte)? == 0 {
                break;
            }
            head.push(byte[0]);
        }
        Ok(String::from_utf8_lossy(&head).into_owned())
    }
}
