//! Kept files, stored under numbers: the image's own names never reach the disk, so no entry
//! can write outside the layer's directory.

use super::Interest;
use super::decompress::{Bounds, Overrun};
use super::extract::Failure;
use super::index::{Content, stored_file};
use crate::ImageError;
use memchr::memmem::Finder;
use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

const ELF_MAGIC: &[u8] = b"\x7fELF";
const CHUNK: usize = 64 * 1024;

pub(crate) struct Store {
    dest: PathBuf,
    next: u64,
    buf: Vec<u8>,
    /// Bytes written to kept files so far: held to the bomb rule like the tar stream, as a
    /// sparse file's holes are written out though its stream is small.
    written: u64,
    bounds: Bounds,
}

impl Store {
    pub(crate) fn new(dest: &Path, bounds: &Bounds) -> Store {
        Store {
            dest: dest.to_path_buf(),
            next: 0,
            buf: vec![0; CHUNK],
            written: 0,
            bounds: bounds.clone(),
        }
    }

    /// Stores all of `entry`.
    pub(crate) fn keep(&mut self, entry: &mut dyn Read) -> Result<Content, Failure> {
        let (file, path, mut out) = self.create()?;
        self.copy(entry, &path, &mut out, |_| {})?;
        self.next += 1;
        Ok(Content::Kept { file })
    }

    /// Stores an executable of `size` bytes when it is an ELF file holding one of the markers
    /// (a Go build-info magic, cargo-auditable's section name); most binaries hold none.
    pub(crate) fn keep_marked(
        &mut self,
        entry: &mut dyn Read,
        size: u64,
        interest: &Interest<'_>,
    ) -> Result<Content, Failure> {
        let finders: Vec<Finder<'_>> = interest
            .markers
            .iter()
            .filter(|m| !m.is_empty())
            .map(Finder::new)
            .collect();
        if finders.is_empty() || size < ELF_MAGIC.len() as u64 {
            return Ok(Content::NotKept);
        }
        let mut magic = [0; ELF_MAGIC.len()];
        entry.read_exact(&mut magic).map_err(Failure::Stream)?;
        if magic != ELF_MAGIC {
            return Ok(Content::NotKept);
        }
        if size > interest.max_file_size {
            return Ok(Content::TooLarge);
        }
        // A marker may straddle two reads: keep its length less one of the previous bytes.
        let overlap = finders
            .iter()
            .map(|f| f.needle().len() - 1)
            .max()
            .unwrap_or(0);
        let mut window = magic.to_vec();
        let mut found = false;
        let (file, path, mut out) = self.create()?;
        out.write_all(&magic)
            .map_err(|err| io_failure(&path, err))?;
        self.copy(entry, &path, &mut out, |chunk| {
            if found {
                return;
            }
            window.extend_from_slice(chunk);
            found = finders.iter().any(|f| f.find(&window).is_some());
            let keep_from = window.len().saturating_sub(overlap);
            window.drain(..keep_from);
        })?;
        if !found {
            drop(out);
            fs::remove_file(&path).map_err(|err| io_failure(&path, err))?;
            return Ok(Content::NotKept);
        }
        self.next += 1;
        Ok(Content::Kept { file })
    }

    fn create(&self) -> Result<(u64, PathBuf, fs::File), Failure> {
        let path = stored_file(&self.dest, self.next);
        let out = fs::File::create_new(&path).map_err(|err| io_failure(&path, err))?;
        Ok((self.next, path, out))
    }

    fn copy(
        &mut self,
        entry: &mut dyn Read,
        path: &Path,
        out: &mut fs::File,
        mut inspect: impl FnMut(&[u8]),
    ) -> Result<(), Failure> {
        loop {
            let n = match entry.read(&mut self.buf) {
                Ok(0) => return Ok(()),
                Ok(n) => n,
                Err(err) if err.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(err) => return Err(Failure::Stream(err)),
            };
            inspect(&self.buf[..n]);
            self.written += n as u64;
            if let Some(Overrun::Bomb {
                expanded,
                compressed,
            }) = self.bounds.is_bomb(self.written)
            {
                let limits = self.bounds.limits();
                return Err(Failure::Refused(format!(
                    "kept files reach {expanded} bytes from {compressed} compressed \
                     (more than {}x, past {} bytes); layer refused",
                    limits.bomb_ratio, limits.bomb_floor
                )));
            }
            out.write_all(&self.buf[..n])
                .map_err(|err| io_failure(path, err))?;
        }
    }
}

fn io_failure(path: &Path, source: std::io::Error) -> Failure {
    Failure::Image(ImageError::Io {
        path: path.to_path_buf(),
        source,
    })
}
