//! Reading OSV records out of a source: an ecosystem's `all.zip`, or a folder of `*.json` files.
//!
//! Every read is bounded by [`Limits`]: a member or file over the record limit is a [`Problem`]
//! and is skipped; a source whose records add up past the source limit, or that holds too many,
//! is refused whole, so a zip bomb costs at most the limits, not the disk or memory.

use crate::{Error, Problem};
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

/// Bounds on what the database reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest single record (zip member or JSON file), uncompressed.
    pub record_bytes: u64,
    /// Largest total of one source's records, uncompressed.
    pub source_bytes: u64,
    /// Most records (zip members or JSON files) in one source.
    pub records: usize,
    /// Largest file read or downloaded whole: an `all.zip`, `kev.json`, `epss.csv`.
    pub file_bytes: u64,
}

const MIB: u64 = 1024 * 1024;

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            record_bytes: 16 * MIB,
            source_bytes: 4096 * MIB,
            records: 4_000_000,
            file_bytes: 2048 * MIB,
        }
    }
}

/// Where a source's records are read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Input {
    /// An OSV bucket archive: flat `<ID>.json` members.
    Zip(PathBuf),
    /// A folder searched recursively for `*.json` files.
    Folder(PathBuf),
}

/// One source found in a local folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LocalSource {
    pub name: String,
    pub input: Input,
}

/// The SHA-256 digest (lowercase hex) and length of a source's bytes.
pub(crate) struct Digest256 {
    pub sha256: String,
    pub bytes: u64,
}

/// Receives a source's records as they are read.
pub(crate) trait RecordSink {
    fn record(&mut self, source: &str, entry: &str, bytes: &[u8]) -> Result<(), Error>;
    fn problem(&mut self, problem: Problem);
}

/// The folder holding enrichment files, which is never an advisory source.
pub(crate) const ENRICHMENT_DIR: &str = "enrichment";

/// The sources of a local folder, by name: each subfolder holding an `all.zip` is that archive
/// (the OSV bucket layout); any other subfolder is the `*.json` files under it; `*.json` files at
/// the top form a source named `.`.
pub(crate) fn discover(root: &Path) -> Result<Vec<LocalSource>, Error> {
    let mut sources = Vec::new();
    let mut top_level_json = false;
    for entry in read_dir_sorted(root)? {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if path.is_dir() {
            if name == ENRICHMENT_DIR || name.starts_with('.') {
                continue;
            }
            let zip = path.join("all.zip");
            let input = if zip.is_file() {
                Input::Zip(zip)
            } else {
                Input::Folder(path)
            };
            sources.push(LocalSource { name, input });
        } else if is_json(&path) {
            top_level_json = true;
        }
    }
    if top_level_json {
        sources.push(LocalSource {
            name: ".".to_string(),
            input: Input::Folder(root.to_path_buf()),
        });
    }
    Ok(sources)
}

/// Hands every record of `source` to `sink`; returns the digest of what was read.
pub(crate) fn read(
    source: &LocalSource,
    limits: &Limits,
    sink: &mut dyn RecordSink,
) -> Result<Digest256, Error> {
    match &source.input {
        Input::Zip(path) => {
            read_zip(&source.name, path, limits, sink)?;
            digest_file(path)
        }
        Input::Folder(path) => read_folder(&source.name, path, limits, sink),
    }
}

/// Opens an archive and checks its central directory: the first check a download must pass.
pub(crate) fn open_zip(
    name: &str,
    path: &Path,
    limits: &Limits,
) -> Result<zip::ZipArchive<BufReader<File>>, Error> {
    let file = File::open(path).map_err(Error::io(path))?;
    let archive = zip::ZipArchive::new(BufReader::new(file))
        .map_err(|err| Error::source(name, format!("not a valid zip archive: {err}")))?;
    if archive.len() > limits.records {
        return Err(Error::source(
            name,
            format!(
                "archive holds {} members, over the limit of {}; refused",
                archive.len(),
                limits.records
            ),
        ));
    }
    Ok(archive)
}

fn read_zip(
    name: &str,
    path: &Path,
    limits: &Limits,
    sink: &mut dyn RecordSink,
) -> Result<(), Error> {
    let mut archive = open_zip(name, path, limits)?;
    let mut total = 0u64;
    for index in 0..archive.len() {
        let problem = |entry: String, reason: String| Problem {
            source: name.to_string(),
            entry,
            reason,
        };
        let mut member = match archive.by_index(index) {
            Ok(member) => member,
            Err(err) => {
                sink.problem(problem(format!("member #{index}"), err.to_string()));
                continue;
            }
        };
        let entry = match member.name() {
            Ok(entry) => entry.into_owned(),
            Err(err) => {
                sink.problem(problem(format!("member #{index}"), err.to_string()));
                continue;
            }
        };
        if !member.is_file() || !entry.ends_with(".json") {
            continue;
        }
        if member.size() > limits.record_bytes {
            let reason = format!(
                "declares {} bytes, over the {} record limit; skipped",
                member.size(),
                human(limits.record_bytes)
            );
            sink.problem(problem(entry, reason));
            continue;
        }
        let mut bytes = Vec::with_capacity(member.size() as usize);
        let read = (&mut member)
            .take(limits.record_bytes + 1)
            .read_to_end(&mut bytes);
        total += bytes.len() as u64;
        if total > limits.source_bytes {
            return Err(over_source_limit(name, limits));
        }
        if let Err(err) = read {
            sink.problem(problem(entry, format!("cannot decompress: {err}")));
        } else if bytes.len() as u64 > limits.record_bytes {
            let reason = format!(
                "expands past the {} record limit (it declares {} bytes); skipped",
                human(limits.record_bytes),
                member.size()
            );
            sink.problem(problem(entry, reason));
        } else {
            sink.record(name, &entry, &bytes)?;
        }
    }
    Ok(())
}

fn read_folder(
    name: &str,
    root: &Path,
    limits: &Limits,
    sink: &mut dyn RecordSink,
) -> Result<Digest256, Error> {
    let mut files = Vec::new();
    collect_json(root, root, name == ".", &mut files)?;
    if files.len() > limits.records {
        return Err(Error::source(
            name,
            format!(
                "folder holds {} JSON files, over the limit of {}; refused",
                files.len(),
                limits.records
            ),
        ));
    }
    let mut hasher = Sha256::new();
    let mut total = 0u64;
    for path in files {
        let entry = relative(root, &path);
        let bytes = match read_bounded(&path, limits.record_bytes) {
            Ok(bytes) => bytes,
            Err(reason) => {
                sink.problem(Problem {
                    source: name.to_string(),
                    entry,
                    reason,
                });
                continue;
            }
        };
        total += bytes.len() as u64;
        if total > limits.source_bytes {
            return Err(over_source_limit(name, limits));
        }
        // Path, length and content of each file in turn: renaming a file changes the digest.
        hasher.update(entry.as_bytes());
        hasher.update([0]);
        hasher.update((bytes.len() as u64).to_le_bytes());
        hasher.update(&bytes);
        sink.record(name, &entry, &bytes)?;
    }
    Ok(Digest256 {
        sha256: hex(&hasher.finalize()),
        bytes: total,
    })
}

/// `*.json` files under `dir`, sorted by path. Symbolic links to folders are not followed (no
/// loops); `top_only` keeps to `dir` itself (the `.` source: subfolders are sources of their own).
fn collect_json(
    root: &Path,
    dir: &Path,
    top_only: bool,
    out: &mut Vec<PathBuf>,
) -> Result<(), Error> {
    for entry in read_dir_sorted(dir)? {
        let path = entry.path();
        let kind = entry.file_type().map_err(Error::io(&path))?;
        if kind.is_dir() {
            let enrichment = dir == root && entry.file_name() == ENRICHMENT_DIR;
            if !top_only && !enrichment {
                collect_json(root, &path, false, out)?;
            }
        } else if is_json(&path) && path.is_file() {
            out.push(path);
        }
    }
    Ok(())
}

fn read_dir_sorted(dir: &Path) -> Result<Vec<std::fs::DirEntry>, Error> {
    let mut entries = std::fs::read_dir(dir)
        .and_then(|entries| entries.collect::<Result<Vec<_>, _>>())
        .map_err(Error::io(dir))?;
    entries.sort_by_key(|entry| entry.file_name());
    Ok(entries)
}

fn is_json(path: &Path) -> bool {
    path.extension().is_some_and(|ext| ext == "json")
}

fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// The whole file when it is at most `limit` bytes; the reason otherwise.
pub(crate) fn read_bounded(path: &Path, limit: u64) -> Result<Vec<u8>, String> {
    let file = File::open(path).map_err(|err| format!("cannot read: {err}"))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    if size > limit {
        return Err(format!(
            "is {size} bytes, over the {} limit; skipped",
            human(limit)
        ));
    }
    let mut bytes = Vec::with_capacity(size as usize);
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|err| format!("cannot read: {err}"))?;
    if bytes.len() as u64 > limit {
        return Err(format!("grew past the {} limit; skipped", human(limit)));
    }
    Ok(bytes)
}

/// The SHA-256 and length of a file, read in a stream.
pub(crate) fn digest_file(path: &Path) -> Result<Digest256, Error> {
    let mut file = File::open(path).map_err(Error::io(path))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    let mut bytes = 0u64;
    loop {
        let n = file.read(&mut buf).map_err(Error::io(path))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        bytes += n as u64;
    }
    Ok(Digest256 {
        sha256: hex(&hasher.finalize()),
        bytes,
    })
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn over_source_limit(name: &str, limits: &Limits) -> Error {
    Error::source(
        name,
        format!(
            "records expand past the {} limit for one source; refused (a zip bomb?)",
            human(limits.source_bytes)
        ),
    )
}

pub(crate) fn human(bytes: u64) -> String {
    if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else {
        format!("{bytes}-byte")
    }
}
