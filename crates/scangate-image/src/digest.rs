//! Content digests (`sha256:<hex>`, `sha512:<hex>`) and a reader that checks one as it streams.

use crate::ImageError;
use sha2::Digest as _;
use std::fmt;
use std::io::{self, Read};
use std::str::FromStr;

/// The hash functions OCI and Docker name blobs with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Algorithm {
    Sha256,
    Sha512,
}

impl Algorithm {
    /// The name used in digests and in `blobs/<alg>/` directories.
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Sha256 => "sha256",
            Algorithm::Sha512 => "sha512",
        }
    }

    fn hex_len(self) -> usize {
        match self {
            Algorithm::Sha256 => 64,
            Algorithm::Sha512 => 128,
        }
    }
}

/// A validated digest: a known algorithm and lowercase hex of the right length, so it is safe
/// to use as a file name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Digest {
    algorithm: Algorithm,
    hex: String,
}

impl Digest {
    /// Parses `sha256:<64 hex>` or `sha512:<128 hex>`.
    pub fn parse(text: &str) -> Result<Digest, ImageError> {
        let invalid = |message: String| ImageError::Format {
            what: format!("digest {text:?}"),
            message,
        };
        let (alg, hex) = text
            .split_once(':')
            .ok_or_else(|| invalid("expected <algorithm>:<hex>".to_string()))?;
        let algorithm = match alg {
            "sha256" => Algorithm::Sha256,
            "sha512" => Algorithm::Sha512,
            other => return Err(invalid(format!("unsupported algorithm {other:?}"))),
        };
        if hex.len() != algorithm.hex_len() {
            return Err(invalid(format!(
                "{} characters after the algorithm, {} hex digits expected",
                hex.len(),
                algorithm.hex_len()
            )));
        }
        if !hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
            return Err(invalid("not lowercase hex".to_string()));
        }
        Ok(Digest {
            algorithm,
            hex: hex.to_string(),
        })
    }

    /// The sha256 digest of `bytes`.
    pub fn sha256_of(bytes: &[u8]) -> Digest {
        Digest::of(Algorithm::Sha256, bytes)
    }

    /// The digest of `bytes` with `algorithm`.
    pub fn of(algorithm: Algorithm, bytes: &[u8]) -> Digest {
        let mut hasher = Hasher::new(algorithm);
        hasher.update(bytes);
        hasher.finish()
    }

    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// The hex part, without the algorithm.
    pub fn hex(&self) -> &str {
        &self.hex
    }

    /// Checks that `bytes` hash to this digest; `what` names the blob in the error.
    pub fn verify(&self, what: &str, bytes: &[u8]) -> Result<(), ImageError> {
        let actual = Digest::of(self.algorithm, bytes);
        if actual == *self {
            Ok(())
        } else {
            Err(mismatch(what, self, &actual))
        }
    }
}

impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.algorithm.name(), self.hex)
    }
}

impl FromStr for Digest {
    type Err = ImageError;

    fn from_str(text: &str) -> Result<Digest, ImageError> {
        Digest::parse(text)
    }
}

impl TryFrom<String> for Digest {
    type Error = ImageError;

    fn try_from(text: String) -> Result<Digest, ImageError> {
        Digest::parse(&text)
    }
}

impl From<Digest> for String {
    fn from(digest: Digest) -> String {
        digest.to_string()
    }
}

impl serde::Serialize for Digest {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Digest {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Digest, D::Error> {
        let text = String::deserialize(deserializer)?;
        Digest::parse(&text).map_err(serde::de::Error::custom)
    }
}

fn mismatch(what: &str, expected: &Digest, actual: &Digest) -> ImageError {
    ImageError::DigestMismatch {
        what: what.to_string(),
        expected: expected.to_string(),
        actual: actual.to_string(),
    }
}

enum Hasher {
    Sha256(sha2::Sha256),
    Sha512(sha2::Sha512),
}

impl Hasher {
    fn new(algorithm: Algorithm) -> Hasher {
        match algorithm {
            Algorithm::Sha256 => Hasher::Sha256(sha2::Sha256::new()),
            Algorithm::Sha512 => Hasher::Sha512(sha2::Sha512::new()),
        }
    }

    fn update(&mut self, bytes: &[u8]) {
        match self {
            Hasher::Sha256(h) => h.update(bytes),
            Hasher::Sha512(h) => h.update(bytes),
        }
    }

    fn finish(self) -> Digest {
        let (algorithm, bytes) = match self {
            Hasher::Sha256(h) => (Algorithm::Sha256, h.finalize().to_vec()),
            Hasher::Sha512(h) => (Algorithm::Sha512, h.finalize().to_vec()),
        };
        let hex = bytes.iter().map(|b| format!("{b:02x}")).collect();
        Digest { algorithm, hex }
    }
}

/// Hashes what passes through and fails at the end of the stream when the content does not
/// match the digest (or the expected size): a reader never silently hands out a tampered blob.
///
/// The error is `io::ErrorKind::InvalidData` wrapping an [`ImageError::DigestMismatch`] (or
/// [`ImageError::Format`] for a size mismatch); [`ImageError::from_read`] unwraps it again.
pub struct VerifiedReader<R> {
    inner: R,
    hasher: Option<Hasher>,
    expected: Digest,
    expected_size: Option<u64>,
    read: u64,
    what: String,
}

impl<R: Read> VerifiedReader<R> {
    /// Checks `inner` against `expected`; `what` names the blob in errors (`layer sha256:...`).
    pub fn new(inner: R, expected: Digest, what: impl Into<String>) -> VerifiedReader<R> {
        VerifiedReader {
            inner,
            hasher: Some(Hasher::new(expected.algorithm)),
            expected,
            expected_size: None,
            read: 0,
            what: what.into(),
        }
    }

    /// Also requires exactly `size` bytes; more is an error as soon as it is read.
    pub fn with_size(mut self, size: Option<u64>) -> VerifiedReader<R> {
        self.expected_size = size;
        self
    }

    fn size_error(&self, message: String) -> io::Error {
        io::Error::new(
            io::ErrorKind::InvalidData,
            ImageError::Format {
                what: self.what.clone(),
                message,
            },
        )
    }

    fn finish(&mut self) -> io::Result<()> {
        let Some(hasher) = self.hasher.take() else {
            return Ok(());
        };
        if let Some(size) = self.expected_size
            && self.read != size
        {
            return Err(self.size_error(format!("{} bytes, {size} expected", self.read)));
        }
        let actual = hasher.finish();
        if actual != self.expected {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                mismatch(&self.what, &self.expected, &actual),
            ));
        }
        Ok(())
    }
}

impl<R: Read> Read for VerifiedReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.hasher.is_none() {
            return Ok(0);
        }
        let n = self.inner.read(buf)?;
        if n == 0 && !buf.is_empty() {
            self.finish()?;
            return Ok(0);
        }
        self.read += n as u64;
        if let Some(size) = self.expected_size
            && self.read > size
        {
            self.hasher = None;
            return Err(self.size_error(format!("more than the {size} bytes expected")));
        }
        if let Some(hasher) = &mut self.hasher {
            hasher.update(&buf[..n]);
        }
        Ok(n)
    }
}

/// Reads a whole small blob (a manifest, an index, a config), verified against its digest and
/// refused when larger than `limit` bytes (hostile sources must not make us allocate unboundedly).
pub fn read_verified(
    reader: impl Read,
    digest: &Digest,
    what: &str,
    limit: u64,
) -> Result<Vec<u8>, ImageError> {
    let bytes = read_limited(reader, what, limit)?;
    digest.verify(what, &bytes)?;
    Ok(bytes)
}

/// Reads a whole small file that no digest names (`index.json`, `manifest.json`), refused when
/// larger than `limit` bytes.
pub fn read_limited(reader: impl Read, what: &str, limit: u64) -> Result<Vec<u8>, ImageError> {
    let mut bytes = Vec::new();
    reader
        .take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|source| ImageError::from_read(what, source))?;
    if bytes.len() as u64 > limit {
        return Err(ImageError::Format {
            what: what.to_string(),
            message: format!("larger than {limit} bytes"),
        });
    }
    Ok(bytes)
}

/// The largest manifest, index or config accepted.
pub const MAX_JSON_BLOB: u64 = 16 << 20;

#[cfg(test)]
mod tests {
    use super::*;

    const EMPTY_SHA256: &str =
        "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    #[test]
    fn parses_and_displays() {
        let digest = Digest::parse(EMPTY_SHA256).unwrap();
        assert_eq!(digest.algorithm(), Algorithm::Sha256);
        assert_eq!(digest.to_string(), EMPTY_SHA256);
        assert_eq!(Digest::sha256_of(b""), digest);
        let sha512 = Digest::of(Algorithm::Sha512, b"");
        assert_eq!(Digest::parse(&sha512.to_string()).unwrap(), sha512);
        assert_eq!(sha512.hex().len(), 128);
    }

    #[test]
    fn rejects_bad_digests() {
        let traversal = format!("sha256:{}x", "../".repeat(21));
        for (text, message) in [
            ("sha256", "expected <algorithm>:<hex>"),
            ("md5:abc", "unsupported algorithm \"md5\""),
            (
                "sha256:abc",
                "3 characters after the algorithm, 64 hex digits expected",
            ),
            (traversal.as_str(), "not lowercase hex"),
        ] {
            let err = Digest::parse(text).unwrap_err();
            assert_eq!(err.to_string(), format!("digest {text:?}: {message}"));
        }
        let upper = EMPTY_SHA256.to_uppercase().replace("SHA256", "sha256");
        assert!(Digest::parse(&upper).is_err());
    }

    #[test]
    fn verified_reader_passes_matching_content() {
        let digest = Digest::sha256_of(b"hello");
        let mut reader = VerifiedReader::new(&b"hello"[..], digest, "blob").with_size(Some(5));
        let mut out = Vec::new();
        reader.read_to_end(&mut out).unwrap();
        assert_eq!(out, b"hello");
    }

    #[test]
    fn verified_reader_fails_at_end_on_mismatch() {
        let digest = Digest::sha256_of(b"hello");
        let mut reader = VerifiedReader::new(&b"hellO"[..], digest.clone(), "layer x");
        let err = reader.read_to_end(&mut Vec::new()).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
        let expected = format!(
            "layer x: digest mismatch: expected {digest}, got {}",
            Digest::sha256_of(b"hellO")
        );
        assert_eq!(err.to_string(), expected);
        let err = ImageError::from_read("ignored", err);
        assert!(matches!(err, ImageError::DigestMismatch { .. }));
        assert_eq!(err.to_string(), expected);
    }

    #[test]
    fn verified_reader_checks_size() {
        let digest = Digest::sha256_of(b"hello");
        let mut reader = VerifiedReader::new(&b"hello"[..], digest.clone(), "b").with_size(Some(4));
        let err = reader.read_to_end(&mut Vec::new()).unwrap_err();
        assert_eq!(err.to_string(), "b: more than the 4 bytes expected");
        let mut reader = VerifiedReader::new(&b"hello"[..], digest, "b").with_size(Some(6));
        let err = reader.read_to_end(&mut Vec::new()).unwrap_err();
        assert_eq!(err.to_string(), "b: 5 bytes, 6 expected");
    }

    #[test]
    fn read_verified_bounds_size() {
        let digest = Digest::sha256_of(b"hello");
        assert_eq!(
            read_verified(&b"hello"[..], &digest, "m", 5).unwrap(),
            b"hello"
        );
        let err = read_verified(&b"hello"[..], &digest, "m", 4).unwrap_err();
        assert_eq!(err.to_string(), "m: larger than 4 bytes");
    }
}
