//! Layers built in memory for tests: tars with any entry (hostile ones included, written
//! byte by byte into the header), compressed as asked, named by their real digests.
#![allow(dead_code)]

use flate2::Compression;
use flate2::write::GzEncoder;
use scangate_image::{ImageError, Interest, Layer, LayerIndex, Limits, extract_layer_with};
use scangate_types::LayerRef;
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::{Path, PathBuf};
use tar::{EntryType, Header};

pub const MARKER: &[u8] = b"\xff Go buildinf:";
pub const MAX_FILE_SIZE: u64 = 1024 * 1024;

pub fn sha256(bytes: &[u8]) -> String {
    let hex: String = Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("sha256:{hex}")
}

/// A tar under construction.
pub struct Tar(tar::Builder<Vec<u8>>);

impl Tar {
    pub fn new() -> Tar {
        Tar(tar::Builder::new(Vec::new()))
    }

    pub fn dir(self, name: &str) -> Tar {
        self.entry(name, EntryType::Directory, "", b"", 0o755)
    }

    pub fn file(self, name: &str, data: &[u8]) -> Tar {
        self.entry(name, EntryType::Regular, "", data, 0o644)
    }

    pub fn exe(self, name: &str, data: &[u8]) -> Tar {
        self.entry(name, EntryType::Regular, "", data, 0o755)
    }

    pub fn symlink(self, name: &str, target: &str) -> Tar {
        self.entry(name, EntryType::Symlink, target, b"", 0o777)
    }

    pub fn hardlink(self, name: &str, target: &str) -> Tar {
        self.entry(name, EntryType::Link, target, b"", 0o644)
    }

    /// Any entry, its names written as given (the tar crate's own setters refuse `..`).
    pub fn entry(mut self, name: &str, kind: EntryType, link: &str, data: &[u8], mode: u32) -> Tar {
        let mut header = Header::new_gnu();
        {
            let old = header.as_old_mut();
            old.name[..name.len()].copy_from_slice(name.as_bytes());
            old.linkname[..link.len()].copy_from_slice(link.as_bytes());
        }
        header.set_entry_type(kind);
        header.set_size(data.len() as u64);
        header.set_mode(mode);
        header.set_mtime(0);
        header.set_cksum();
        self.0.append(&header, data).unwrap();
        self
    }

    /// A GNU sparse file of `real_size` bytes whose only data is its last 512 bytes.
    pub fn sparse(mut self, name: &str, real_size: u64, mode: u32) -> Tar {
        let mut header = Header::new_gnu();
        header.as_old_mut().name[..name.len()].copy_from_slice(name.as_bytes());
        header.set_entry_type(EntryType::GNUSparse);
        header.set_size(512);
        header.set_mode(mode);
        header.set_mtime(0);
        let gnu = header.as_gnu_mut().unwrap();
        gnu.realsize = base256(real_size);
        gnu.sparse[0].offset = base256(real_size - 512);
        gnu.sparse[0].numbytes = base256(512);
        header.set_cksum();
        self.0.append(&header, &[b'x'; 512][..]).unwrap();
        self
    }

    pub fn finish(self) -> Vec<u8> {
        self.0.into_inner().unwrap()
    }
}

/// GNU's base-256 number field: for values past the octal field's range.
fn base256(value: u64) -> [u8; 12] {
    let mut field = [0u8; 12];
    field[0] = 0x80;
    field[4..].copy_from_slice(&value.to_be_bytes());
    field
}

#[derive(Clone, Copy)]
pub enum Compress {
    Gzip,
    Zstd,
    None,
}

pub fn compress(tar: &[u8], how: Compress) -> Vec<u8> {
    match how {
        Compress::Gzip => {
            let mut gz = GzEncoder::new(Vec::new(), Compression::default());
            gz.write_all(tar).unwrap();
            gz.finish().unwrap()
        }
        Compress::Zstd => zstd::encode_all(tar, 3).unwrap(),
        Compress::None => tar.to_vec(),
    }
}

/// The layer a blob is, named by its digests.
pub fn layer_of(tar: &[u8], blob: &[u8]) -> Layer {
    Layer {
        digest: sha256(blob),
        media_type: String::new(),
        size: Some(blob.len() as u64),
        diff_id: sha256(tar),
        created_by: None,
    }
}

pub fn interest<'a>(wanted: &'a (dyn Fn(&str) -> bool + Sync)) -> Interest<'a> {
    Interest {
        path: wanted,
        executables: true,
        markers: &[MARKER],
        max_file_size: MAX_FILE_SIZE,
    }
}

/// Extracts `blob` into `dest` (created), with the bytes seen by the progress callback.
pub fn extract(
    blob: &[u8],
    layer: &Layer,
    interest: &Interest<'_>,
    limits: Limits,
    dest: &Path,
) -> (Result<LayerIndex, ImageError>, u64) {
    std::fs::create_dir_all(dest).unwrap();
    let mut seen = 0;
    let result = extract_layer_with(
        &mut &blob[..],
        layer,
        interest,
        limits,
        dest,
        &mut |bytes| seen = bytes,
    );
    (result, seen)
}

/// Extracts each tar as layer `i` under `root/<i>` and gives what [`ImageView::new`] takes.
pub fn extract_all(
    tars: &[(Vec<u8>, Compress, &str)],
    wanted: &(dyn Fn(&str) -> bool + Sync),
    root: &Path,
) -> Vec<(LayerRef, PathBuf, LayerIndex)> {
    tars.iter()
        .enumerate()
        .map(|(i, (tar, how, created_by))| {
            let blob = compress(tar, *how);
            let layer = layer_of(tar, &blob);
            let dest = root.join(i.to_string());
            let (index, seen) = extract(&blob, &layer, &interest(wanted), Limits::default(), &dest);
            assert_eq!(seen, blob.len() as u64);
            let index = index.unwrap();
            assert_eq!(LayerIndex::load(&dest).unwrap(), index);
            let layer_ref = LayerRef {
                index: i,
                diff_id: layer.diff_id,
                created_by: Some(created_by.to_string()),
            };
            (layer_ref, dest, index)
        })
        .collect()
}

/// Every file under `root`, relative, sorted.
pub fn listing(root: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let entry = entry.unwrap();
            let kind = entry.file_type().unwrap();
            if kind.is_dir() {
                stack.push(entry.path());
            } else {
                let rel = entry.path().strip_prefix(root).unwrap().to_path_buf();
                found.push(rel.to_string_lossy().into_owned());
            }
        }
    }
    found.sort();
    found
}
