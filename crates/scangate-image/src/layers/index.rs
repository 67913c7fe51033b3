//! What a layer holds, as recorded by extraction: stored beside the kept files so a cached layer
//! is read back without its blob.

use crate::ImageError;
use scangate_types::FileIssue;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// Bumped whenever the recorded shape or meaning changes, so an index cached by an older
/// scangate is never misread.
const FORMAT: u32 = 1;
const INDEX_FILE: &str = "index.json";
const FILES_DIR: &str = "files";

/// A layer's recorded content. Paths are relative to the image root, `/`-separated, without a
/// leading `/`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LayerIndex {
    format: u32,
    /// Every entry of the layer that survives: regular files (kept or not), links, directories
    /// and special files, which all replace what lower layers had at the same path.
    pub entries: BTreeMap<String, Entry>,
    /// Paths deleted from lower layers (`.wh.<name>`).
    pub whiteouts: BTreeSet<String>,
    /// Directories whose lower-layer contents are hidden (`.wh..wh..opq`).
    pub opaque_dirs: BTreeSet<String>,
    /// Entries skipped as hostile or unreadable, with the reason.
    pub issues: Vec<FileIssue>,
}

/// One entry of a layer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Entry {
    File {
        size: u64,
        mode: u32,
        content: Content,
    },
    /// The target as written in the layer: resolved inside the image when read.
    Symlink {
        target: String,
    },
    /// A hard link whose target this layer does not hold as a file: the target path, relative to
    /// the image root.
    Hardlink {
        target: String,
    },
    Dir,
    /// Devices and fifos: never read, but they still replace lower entries.
    Other,
}

/// Whether a regular file's bytes were kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Content {
    /// Stored as `files/<file>` under the layer's directory.
    Kept { file: u64 },
    /// Wanted, but over the size limit.
    TooLarge,
    /// Not wanted by any cataloger.
    NotKept,
}

impl Entry {
    pub fn is_dir(&self) -> bool {
        matches!(self, Entry::Dir)
    }

    /// Whether this is a regular file whose mode has an execute bit.
    pub fn is_executable(&self) -> bool {
        matches!(self, Entry::File { mode, .. } if mode & 0o111 != 0)
    }
}

impl LayerIndex {
    pub(crate) fn new() -> LayerIndex {
        LayerIndex {
            format: FORMAT,
            ..LayerIndex::default()
        }
    }

    /// Reads the index extraction stored in `dest`.
    pub fn load(dest: &Path) -> Result<LayerIndex, ImageError> {
        let path = dest.join(INDEX_FILE);
        // Parsed from memory: serde_json reads a slice several times faster than a reader, and
        // loading indexes is most of a warm rescan.
        let bytes = fs::read(&path).map_err(|source| ImageError::Io {
            path: path.clone(),
            source,
        })?;
        let index: LayerIndex =
            serde_json::from_slice(&bytes).map_err(|err| ImageError::Format {
                what: path.display().to_string(),
                message: err.to_string(),
            })?;
        if index.format != FORMAT {
            return Err(ImageError::Format {
                what: path.display().to_string(),
                message: format!(
                    "layer index format {} (this scangate reads {FORMAT})",
                    index.format
                ),
            });
        }
        Ok(index)
    }

    /// Writes the index into `dest`, whole or not at all: a reader never sees half an index.
    pub(crate) fn store(&self, dest: &Path) -> Result<(), ImageError> {
        let partial = dest.join(format!("{INDEX_FILE}.partial"));
        let io = |source| ImageError::Io {
            path: partial.clone(),
            source,
        };
        let mut out = BufWriter::new(fs::File::create(&partial).map_err(io)?);
        serde_json::to_writer(&mut out, self).map_err(|err| io(err.into()))?;
        out.flush().map_err(io)?;
        fs::rename(&partial, dest.join(INDEX_FILE)).map_err(io)
    }
}

/// Where a kept file's bytes are stored under the layer's directory.
pub(crate) fn stored_file(dest: &Path, file: u64) -> PathBuf {
    dest.join(FILES_DIR).join(file.to_string())
}

pub(crate) fn files_dir(dest: &Path) -> PathBuf {
    dest.join(FILES_DIR)
}
