//! Digests checked while a layer streams by.

use crate::ImageError;
use sha2::{Digest as _, Sha256, Sha512};
use std::cell::Cell;
use std::io::{self, Read};
use std::rc::Rc;

/// A running hash of the algorithm a `sha256:`/`sha512:` digest names.
pub(crate) enum Hasher {
    Sha256(Sha256),
    Sha512(Sha512),
}

impl Hasher {
    /// The hasher for `digest`, refused when the algorithm is not one OCI registers.
    pub(crate) fn for_digest(digest: &str, what: &str) -> Result<Hasher, ImageError> {
        match digest.split_once(':') {
            Some(("sha256", hex)) if is_hex(hex, 64) => Ok(Hasher::Sha256(Sha256::new())),
            Some(("sha512", hex)) if is_hex(hex, 128) => Ok(Hasher::Sha512(Sha512::new())),
            _ => Err(ImageError::Format {
                what: what.to_string(),
                message: format!("unsupported or malformed digest {digest:?}"),
            }),
        }
    }

    fn update(&mut self, bytes: &[u8]) {
        match self {
            Hasher::Sha256(h) => h.update(bytes),
            Hasher::Sha512(h) => h.update(bytes),
        }
    }

    fn finish(self) -> String {
        let (algo, bytes) = match self {
            Hasher::Sha256(h) => ("sha256", h.finalize().to_vec()),
            Hasher::Sha512(h) => ("sha512", h.finalize().to_vec()),
        };
        let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        format!("{algo}:{hex}")
    }
}

fn is_hex(text: &str, len: usize) -> bool {
    text.len() == len && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// Hashes and counts what passes through it; the count is shared so other stages of the
/// pipeline can weigh their output against it.
pub(crate) struct Hashing<R> {
    inner: R,
    hasher: Hasher,
    count: Rc<Cell<u64>>,
}

impl<R: Read> Hashing<R> {
    pub(crate) fn new(inner: R, hasher: Hasher) -> Hashing<R> {
        Hashing {
            inner,
            hasher,
            count: Rc::default(),
        }
    }

    pub(crate) fn counter(&self) -> Rc<Cell<u64>> {
        Rc::clone(&self.count)
    }

    /// Reads whatever is left, so the digest covers the whole stream, and hands back the inner
    /// reader with the digest.
    pub(crate) fn drain(mut self) -> io::Result<(R, String)> {
        io::copy(&mut self, &mut io::sink())?;
        Ok((self.inner, self.hasher.finish()))
    }
}

/// Fails with [`ImageError::DigestMismatch`] unless `actual` is `expected`.
pub(crate) fn check(what: &str, expected: &str, actual: String) -> Result<(), ImageError> {
    if actual == expected {
        Ok(())
    } else {
        Err(ImageError::DigestMismatch {
            what: what.to_string(),
            expected: expected.to_string(),
            actual,
        })
    }
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        self.count.set(self.count.get() + n as u64);
        Ok(n)
    }
}

/// The blob as its manifest sizes it: at most one byte past `size` is ever read (a blob that
/// is a link to `/dev/zero` ends there), and a blob that ends early is an error too.
pub(crate) struct SizeChecked<R> {
    inner: R,
    size: Option<u64>,
    read: u64,
}

impl<R: Read> SizeChecked<R> {
    pub(crate) fn new(inner: R, size: Option<u64>) -> SizeChecked<R> {
        SizeChecked {
            inner,
            size,
            read: 0,
        }
    }
}

impl<R: Read> Read for SizeChecked<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let Some(size) = self.size else {
            return self.inner.read(buf);
        };
        let room = (size + 1).saturating_sub(self.read);
        let take = buf.len().min(usize::try_from(room).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..take])?;
        self.read += n as u64;
        if self.read > size {
            return Err(io::Error::other(format!(
                "blob is larger than the {size} bytes its manifest gives"
            )));
        }
        if n == 0 && take > 0 && self.read < size {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!(
                    "blob ends after {} bytes, its manifest gives {size}",
                    self.read
                ),
            ));
        }
        Ok(n)
    }
}

/// Reports the running byte count of what passes through it.
pub(crate) struct Progress<'a, R> {
    inner: R,
    seen: u64,
    report: &'a mut dyn FnMut(u64),
}

impl<'a, R: Read> Progress<'a, R> {
    pub(crate) fn new(inner: R, report: &'a mut dyn FnMut(u64)) -> Progress<'a, R> {
        Progress {
            inner,
            seen: 0,
            report,
        }
    }
}

impl<R: Read> Read for Progress<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n > 0 {
            self.seen += n as u64;
            (self.report)(self.seen);
        }
        Ok(n)
    }
}
