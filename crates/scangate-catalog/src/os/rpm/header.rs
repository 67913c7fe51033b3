//! rpm header blobs as the package databases store them: `il` and `dl` (big-endian u32), then
//! `il` index entries of 16 bytes (tag, type, offset, count; big-endian), then `dl` bytes of
//! data the entries point into. Only the tags a package record needs are read; nothing is
//! allocated by the counts the blob claims.

use std::fmt;

const TAG_NAME: u32 = 1000;
const TAG_VERSION: u32 = 1001;
const TAG_RELEASE: u32 = 1002;
const TAG_EPOCH: u32 = 1003;
const TAG_LICENSE: u32 = 1014;
const TAG_ARCH: u32 = 1022;
const TAG_SOURCERPM: u32 = 1044;

const TYPE_INT32: u32 = 4;
const TYPE_STRING: u32 = 6;
const TYPE_I18NSTRING: u32 = 9;

const ENTRY_SIZE: usize = 16;
/// rpm's own limits on a header (`hdrchkTags`, `hdrchkData`).
const MAX_ENTRIES: usize = 0xffff;
const MAX_DATA: usize = 256 * 1024 * 1024;

/// The identity of one installed package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RpmHeader {
    pub name: String,
    pub version: String,
    pub release: String,
    pub epoch: Option<u32>,
    pub arch: Option<String>,
    /// The source package's file name, `name-version-release.src.rpm`.
    pub source_rpm: Option<String>,
    pub license: Option<String>,
}

impl RpmHeader {
    /// `[epoch:]version-release`, as rpm compares and OSV's rpm ecosystems record versions.
    pub fn full_version(&self) -> String {
        match self.epoch {
            Some(epoch) => format!("{epoch}:{}-{}", self.version, self.release),
            None => format!("{}-{}", self.version, self.release),
        }
    }
}

/// Why a header blob could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct HeaderError(String);

impl fmt::Display for HeaderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn error(message: impl Into<String>) -> HeaderError {
    HeaderError(message.into())
}

/// Reads the package identity from a header blob.
pub(crate) fn parse(blob: &[u8]) -> Result<RpmHeader, HeaderError> {
    let header = Blob::new(blob)?;
    let required = |tag, what| {
        header
            .string(tag)?
            .ok_or_else(|| error(format!("header has no {what}")))
    };
    Ok(RpmHeader {
        name: required(TAG_NAME, "name")?,
        version: required(TAG_VERSION, "version")?,
        release: required(TAG_RELEASE, "release")?,
        epoch: header.int32(TAG_EPOCH)?,
        arch: header.string(TAG_ARCH)?,
        source_rpm: header.string(TAG_SOURCERPM)?,
        license: header.string(TAG_LICENSE)?,
    })
}

struct Blob<'a> {
    entries: &'a [u8],
    data: &'a [u8],
}

struct Entry {
    tag: u32,
    kind: u32,
    offset: usize,
    count: u32,
}

impl<'a> Blob<'a> {
    fn new(blob: &'a [u8]) -> Result<Blob<'a>, HeaderError> {
        let (Some(il), Some(dl)) = (be32(blob, 0), be32(blob, 4)) else {
            return Err(error(format!(
                "header of {} bytes is shorter than its 8-byte preamble",
                blob.len()
            )));
        };
        let (il, dl) = (il as usize, dl as usize);
        if il == 0 || il > MAX_ENTRIES {
            return Err(error(format!("header claims {il} index entries")));
        }
        if dl > MAX_DATA {
            return Err(error(format!("header claims {dl} bytes of data")));
        }
        let entries_end = 8 + il * ENTRY_SIZE;
        let data_end = entries_end + dl;
        if data_end > blob.len() {
            return Err(error(format!(
                "header is truncated: {il} entries and {dl} bytes of data need {data_end} bytes, \
                 the record has {}",
                blob.len()
            )));
        }
        Ok(Blob {
            entries: &blob[8..entries_end],
            data: &blob[entries_end..data_end],
        })
    }

    fn find(&self, tag: u32) -> Option<Entry> {
        self.entries.chunks_exact(ENTRY_SIZE).find_map(|raw| {
            let entry = Entry {
                tag: be32(raw, 0)?,
                kind: be32(raw, 4)?,
                offset: be32(raw, 8)? as usize,
                count: be32(raw, 12)?,
            };
            (entry.tag == tag).then_some(entry)
        })
    }

    /// A STRING tag, or the first (untranslated) string of an I18NSTRING one.
    fn string(&self, tag: u32) -> Result<Option<String>, HeaderError> {
        let Some(entry) = self.find(tag) else {
            return Ok(None);
        };
        if entry.kind != TYPE_STRING && entry.kind != TYPE_I18NSTRING {
            return Err(error(format!(
                "tag {tag} has type {}, not a string",
                entry.kind
            )));
        }
        if entry.count == 0 {
            return Err(error(format!("tag {tag} has no value")));
        }
        let rest = self
            .data
            .get(entry.offset..)
            .ok_or_else(|| error(format!("tag {tag} points past the header's data")))?;
        let end = rest
            .iter()
            .position(|&b| b == 0)
            .ok_or_else(|| error(format!("tag {tag}: string runs past the header's data")))?;
        Ok(Some(String::from_utf8_lossy(&rest[..end]).into_owned()))
    }

    fn int32(&self, tag: u32) -> Result<Option<u32>, HeaderError> {
        let Some(entry) = self.find(tag) else {
            return Ok(None);
        };
        if entry.kind != TYPE_INT32 || entry.count == 0 {
            return Err(error(format!(
                "tag {tag} has type {} and {} values, not an INT32",
                entry.kind, entry.count
            )));
        }
        be32(self.data, entry.offset)
            .map(Some)
            .ok_or_else(|| error(format!("tag {tag} points past the header's data")))
    }
}

fn be32(bytes: &[u8], at: usize) -> Option<u32> {
    let raw = bytes.get(at..at.checked_add(4)?)?;
    Some(u32::from_be_bytes(raw.try_into().ok()?))
}

/// Builds header blobs for tests: each entry a tag with its type and raw value bytes.
#[cfg(test)]
pub(crate) fn build(entries: &[(u32, u32, u32, &[u8])]) -> Vec<u8> {
    let mut index = Vec::new();
    let mut data = Vec::new();
    for &(tag, kind, count, value) in entries {
        for field in [tag, kind, data.len() as u32, count] {
            index.extend_from_slice(&field.to_be_bytes());
        }
        data.extend_from_slice(value);
    }
    let mut blob = Vec::new();
    blob.extend_from_slice(&(entries.len() as u32).to_be_bytes());
    blob.extend_from_slice(&(data.len() as u32).to_be_bytes());
    blob.extend(index);
    blob.extend(data);
    blob
}

#[cfg(test)]
mod tests {
    use super::*;

    fn minimal() -> Vec<u8> {
        build(&[
            (TAG_NAME, TYPE_STRING, 1, b"bash\0"),
            (TAG_VERSION, TYPE_STRING, 1, b"5.2.15\0"),
            (TAG_RELEASE, TYPE_STRING, 1, b"3.el9\0"),
            (TAG_EPOCH, TYPE_INT32, 1, &1u32.to_be_bytes()),
            (TAG_LICENSE, TYPE_I18NSTRING, 1, b"GPLv3+\0"),
        ])
    }

    #[test]
    fn reads_the_identity_tags() {
        let header = parse(&minimal()).unwrap();
        assert_eq!(
            header,
            RpmHeader {
                name: "bash".into(),
                version: "5.2.15".into(),
                release: "3.el9".into(),
                epoch: Some(1),
                arch: None,
                source_rpm: None,
                license: Some("GPLv3+".into()),
            }
        );
        assert_eq!(header.full_version(), "1:5.2.15-3.el9");
    }

    #[test]
    fn every_truncation_is_an_error_never_a_panic() {
        let blob = minimal();
        for len in 0..blob.len() {
            assert!(parse(&blob[..len]).is_err(), "truncated to {len} bytes");
        }
        assert_eq!(
            parse(&blob[..20]).unwrap_err().to_string(),
            "header is truncated: 5 entries and 29 bytes of data need 117 bytes, the record has 20"
        );
    }

    #[test]
    fn huge_counts_are_refused_before_anything_is_read() {
        let mut blob = minimal();
        blob[..4].copy_from_slice(&u32::MAX.to_be_bytes());
        assert_eq!(
            parse(&blob).unwrap_err().to_string(),
            "header claims 4294967295 index entries"
        );
        let mut blob = minimal();
        blob[4..8].copy_from_slice(&u32::MAX.to_be_bytes());
        assert_eq!(
            parse(&blob).unwrap_err().to_string(),
            "header claims 4294967295 bytes of data"
        );
    }

    #[test]
    fn offsets_types_and_terminators_are_checked() {
        let past_end = build(&[(TAG_NAME, TYPE_STRING, 1, b"x\0")]);
        let mut bad = past_end.clone();
        bad[16..20].copy_from_slice(&u32::MAX.to_be_bytes()); // NAME's offset
        assert_eq!(
            parse(&bad).unwrap_err().to_string(),
            "tag 1000 points past the header's data"
        );
        let unterminated = build(&[(TAG_NAME, TYPE_STRING, 1, b"bash")]);
        assert_eq!(
            parse(&unterminated).unwrap_err().to_string(),
            "tag 1000: string runs past the header's data"
        );
        let wrong_type = build(&[(TAG_NAME, TYPE_INT32, 1, &7u32.to_be_bytes())]);
        assert_eq!(
            parse(&wrong_type).unwrap_err().to_string(),
            "tag 1000 has type 4, not a string"
        );
        let short_epoch = build(&[
            (TAG_NAME, TYPE_STRING, 1, b"a\0"),
            (TAG_VERSION, TYPE_STRING, 1, b"1\0"),
            (TAG_RELEASE, TYPE_STRING, 1, b"1\0"),
            (TAG_EPOCH, TYPE_INT32, 1, &[0, 1]),
        ]);
        assert_eq!(
            parse(&short_epoch).unwrap_err().to_string(),
            "tag 1003 points past the header's data"
        );
        let nameless = build(&[(TAG_VERSION, TYPE_STRING, 1, b"1\0")]);
        assert_eq!(
            parse(&nameless).unwrap_err().to_string(),
            "header has no name"
        );
    }
}
