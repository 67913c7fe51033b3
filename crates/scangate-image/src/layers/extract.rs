//! The tar entries of one layer, recorded by the OCI layer rules.

use super::Interest;
use super::index::{Content, Entry, LayerIndex, files_dir};
use super::keep::Store;
use super::path::{BadPath, MAX_PATH, child, normalise, split};
use crate::ImageError;
use crate::layers::decompress::{Bounds, ENTRY_COST};
use scangate_types::{FileIssue, IssueLevel};
use std::fs;
use std::io::{self, Read};
use std::path::Path;
use tar::EntryType;

const WHITEOUT: &str = ".wh.";
const OPAQUE: &str = ".wh..wh..opq";
const BLOCK: u64 = 512;
/// The most a kept sparse file may hold in holes: writing them out costs disk the layer's
/// stream never paid for, and no package metadata is sparse.
const MAX_SPARSE_HOLES: u64 = 1 << 20;
/// How much of an overlong name an issue shows.
const SHOWN: usize = 100;

/// Why reading entries stopped.
pub(crate) enum Failure {
    /// The layer stream itself failed (truncated, corrupt, stopped by a bound).
    Stream(io::Error),
    Image(ImageError),
    /// The layer breaks one of the [`Limits`](super::Limits): why.
    Refused(String),
}

/// Records every entry of `archive`, keeping the files `interest` wants under `dest/files/`.
pub(crate) fn entries<R: Read>(
    archive: &mut tar::Archive<R>,
    interest: &Interest<'_>,
    bounds: &Bounds,
    dest: &Path,
) -> Result<LayerIndex, Failure> {
    let files = files_dir(dest);
    fs::create_dir_all(&files).map_err(|source| {
        Failure::Image(ImageError::Io {
            path: files.clone(),
            source,
        })
    })?;
    let mut store = Store::new(dest, bounds);
    let mut index = LayerIndex::new();
    let budget = bounds.limits().index_budget;
    let mut spent = 0u64;
    for entry in archive.entries().map_err(Failure::Stream)? {
        let mut entry = entry.map_err(Failure::Stream)?;
        bounds.allow_until(data_end(&entry).map_err(Failure::Stream)?);
        // A name or target over MAX_PATH is skipped, not recorded: it costs no more than that.
        let names = entry.path_bytes().len().min(MAX_PATH)
            + entry.link_name_bytes().map_or(0, |l| l.len().min(MAX_PATH));
        spent += names as u64 + ENTRY_COST;
        if spent > budget {
            return Err(Failure::Refused(format!(
                "index over {budget} bytes ({} entries); layer refused",
                index.entries.len()
            )));
        }
        record(&mut index, &mut store, interest, &mut entry)?;
    }
    Ok(index)
}

/// Where the entry's stored data ends: the next header's metadata is measured from there. A
/// sparse file stores less than its size; a hostile base-256 size must not wrap around.
pub(crate) fn data_end<R: Read>(entry: &tar::Entry<'_, R>) -> io::Result<u64> {
    let header = entry.header();
    let stored = if header.entry_type().is_gnu_sparse() {
        header.entry_size().unwrap_or(0)
    } else {
        entry.size()
    };
    entry
        .raw_file_position()
        .checked_add(stored)
        .and_then(|end| end.checked_next_multiple_of(BLOCK))
        .ok_or_else(|| io::Error::other("size overflow"))
}

fn record<R: Read>(
    index: &mut LayerIndex,
    store: &mut Store,
    interest: &Interest<'_>,
    entry: &mut tar::Entry<'_, R>,
) -> Result<(), Failure> {
    let kind = entry.header().entry_type();
    if kind.is_pax_global_extensions() {
        return Ok(());
    }
    let name = entry.path_bytes();
    if name.len() > MAX_PATH {
        let shown = String::from_utf8_lossy(&name[..SHOWN]).into_owned() + "...";
        let message = format!(
            "entry name of {} bytes, over {MAX_PATH}; skipped",
            name.len()
        );
        push(index, shown, &message);
        return Ok(());
    }
    let name = String::from_utf8_lossy(&name).into_owned();
    let link = entry.link_name_bytes().unwrap_or_default();
    if link.len() > MAX_PATH {
        let message = format!(
            "link target of {} bytes, over {MAX_PATH}; skipped",
            link.len()
        );
        push(index, name, &message);
        return Ok(());
    }
    let link = String::from_utf8_lossy(&link).into_owned();
    let path = match normalise(&name) {
        Ok(path) => path,
        Err(BadPath::Root) => return Ok(()),
        Err(BadPath::ClimbsOut) => {
            push(
                index,
                name,
                "entry path climbs out of the image root; skipped",
            );
            return Ok(());
        }
    };
    let (dir, base) = split(&path);
    if let Some(hidden) = base.strip_prefix(WHITEOUT)
        && !kind.is_dir()
    {
        whiteout(index, &path, dir, base, hidden);
        return Ok(());
    }
    let recorded = match kind {
        EntryType::Directory => Entry::Dir,
        EntryType::Regular | EntryType::Continuous | EntryType::GNUSparse => {
            file(index, store, interest, &path, entry)?
        }
        EntryType::Symlink => Entry::Symlink { target: link },
        EntryType::Link => match hard_link(index, interest, &path, &link) {
            Some(recorded) => recorded,
            None => return Ok(()),
        },
        EntryType::Char | EntryType::Block | EntryType::Fifo => Entry::Other,
        other => {
            push(
                index,
                path,
                &format!(
                    "unsupported tar entry type {:?}; skipped",
                    other.as_byte() as char
                ),
            );
            return Ok(());
        }
    };
    index.entries.insert(path, recorded);
    Ok(())
}

fn whiteout(index: &mut LayerIndex, path: &str, dir: &str, base: &str, hidden: &str) {
    if base == OPAQUE {
        index.opaque_dirs.insert(dir.to_string());
    } else if hidden.starts_with(WHITEOUT) {
        // Other `.wh..wh.` names are aufs bookkeeping (hard-link stores), not deletions.
    } else if hidden.is_empty() {
        push(index, path.to_string(), "whiteout names no file; skipped");
    } else {
        index.whiteouts.insert(child(dir, hidden));
    }
}

fn file<R: Read>(
    index: &mut LayerIndex,
    store: &mut Store,
    interest: &Interest<'_>,
    path: &str,
    entry: &mut tar::Entry<'_, R>,
) -> Result<Entry, Failure> {
    let size = entry.size();
    let mode = entry.header().mode().unwrap_or(0);
    let holes = if entry.header().entry_type().is_gnu_sparse() {
        size.saturating_sub(entry.header().entry_size().unwrap_or(0))
    } else {
        0
    };
    let content = if (interest.path)(path) {
        if size > interest.max_file_size {
            Content::TooLarge
        } else if holes > MAX_SPARSE_HOLES {
            let message = format!(
                "sparse file with {holes} bytes of holes (over {MAX_SPARSE_HOLES}); not kept"
            );
            push(index, path.to_string(), &message);
            Content::NotKept
        } else {
            store.keep(entry)?
        }
    } else if interest.executables && mode & 0o111 != 0 {
        store.keep_marked(entry, size, interest)?
    } else {
        // Unread data is skipped by the tar reader, by its stored size: a sparse file's holes
        // are never expanded.
        Content::NotKept
    };
    Ok(Entry::File {
        size,
        mode,
        content,
    })
}

/// A hard link shares its target's entry when this layer holds the target; otherwise it is
/// resolved in the merged image.
fn hard_link(
    index: &mut LayerIndex,
    interest: &Interest<'_>,
    path: &str,
    target: &str,
) -> Option<Entry> {
    let target = match normalise(target) {
        Ok(target) => target,
        Err(_) => {
            push(
                index,
                path.to_string(),
                &format!("hard link target {target:?} is outside the image root; skipped"),
            );
            return None;
        }
    };
    match index.entries.get(&target) {
        Some(Entry::Dir) => {
            push(
                index,
                path.to_string(),
                &format!("hard link to the directory {target:?}; skipped"),
            );
            None
        }
        Some(Entry::File {
            content: Content::NotKept,
            ..
        }) if (interest.path)(path) => {
            push(
                index,
                path.to_string(),
                &format!("hard link to {target:?}, which was not kept; not read"),
            );
            index.entries.get(&target).cloned()
        }
        Some(shared) => Some(shared.clone()),
        None => Some(Entry::Hardlink { target }),
    }
}

fn push(index: &mut LayerIndex, path: String, message: &str) {
    index.issues.push(FileIssue {
        path,
        line: None,
        level: IssueLevel::Warning,
        message: message.to_string(),
    });
}
