//! Random access to the members of an uncompressed tar file without extracting it: one pass
//! over the headers records where each member's data lies; reading a member is a seek.
//!
//! Nothing is ever written, so member names like `../x` or `/etc/passwd` are only strings here.

use crate::ImageError;
use crate::layers::{Bounded, Limits, Overrun, data_end, headers_over};
use std::collections::HashMap;
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::rc::Rc;

/// Links followed before a name is given up on (link loops, long chains).
const MAX_LINK_HOPS: usize = 16;

#[derive(Debug, Clone)]
enum Member {
    File {
        offset: u64,
        size: u64,
    },
    /// A symlink's target, relative to the link's folder (or absolute).
    Symlink(String),
    /// A hard link's target, relative to the archive root.
    Hardlink(String),
}

/// The members of one tar file, by normalised name (`./a/b` is `a/b`).
#[derive(Debug)]
pub(crate) struct TarMembers {
    path: PathBuf,
    members: HashMap<String, Member>,
}

impl TarMembers {
    /// Reads the headers of the tar at `path`. A compressed file is refused with advice: random
    /// access needs the plain tar.
    pub(crate) fn open(path: &Path) -> Result<TarMembers, ImageError> {
        let io_error = |source| ImageError::Io {
            path: path.to_path_buf(),
            source,
        };
        let mut file = File::open(path).map_err(io_error)?;
        let file_len = file.metadata().map_err(io_error)?.len();
        let mut magic = [0u8; 4];
        let n = file.read(&mut magic).map_err(io_error)?;
        if let Some(kind) = compression(&magic[..n]) {
            return Err(format_error(
                path,
                &format!("{kind}-compressed; decompress it first (the tar is read in place)"),
            ));
        }
        file.seek(SeekFrom::Start(0)).map_err(io_error)?;
        let mut members = HashMap::new();
        // The tar reader holds long names and PAX records in memory: the layers' budget holds.
        let limits = Limits {
            bomb_floor: u64::MAX,
            ..Limits::default()
        };
        let (bounded, bounds) = Bounded::new(file, limits, Rc::default());
        let mut archive = tar::Archive::new(bounded);
        let bad_tar = |e: io::Error| match bounds.overrun() {
            Some(Overrun::Headers { budget }) => format_error(path, &headers_over(budget)),
            _ => format_error(path, &format!("not a readable tar: {e}")),
        };
        for entry in archive.entries_with_seek().map_err(bad_tar)? {
            let entry = entry.map_err(bad_tar)?;
            bounds.allow_until(data_end(&entry).map_err(bad_tar)?);
            let name = normalise(&String::from_utf8_lossy(&entry.path_bytes()));
            let link = || {
                entry
                    .link_name_bytes()
                    .map(|l| String::from_utf8_lossy(&l).into_owned())
                    .unwrap_or_default()
            };
            let member = match entry.header().entry_type() {
                tar::EntryType::Regular | tar::EntryType::Continuous => {
                    let (offset, size) = (entry.raw_file_position(), entry.size());
                    if offset.checked_add(size).is_none_or(|end| end > file_len) {
                        return Err(format_error(
                            path,
                            &format!("truncated: member {name} ends past the end of the file"),
                        ));
                    }
                    Member::File { offset, size }
                }
                tar::EntryType::Symlink => Member::Symlink(link()),
                tar::EntryType::Link => Member::Hardlink(normalise(&link())),
                _ => continue,
            };
            members.insert(name, member);
        }
        Ok(TarMembers {
            path: path.to_path_buf(),
            members,
        })
    }

    /// The tar file's path, for messages.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// The member's data, following links inside the archive; `None` when there is no such file.
    pub(crate) fn open_member(
        &self,
        name: &str,
    ) -> Result<Option<Box<dyn Read + Send + '_>>, ImageError> {
        let Some((offset, size)) = self.locate(name) else {
            return Ok(None);
        };
        let io_error = |source| ImageError::Io {
            path: self.path.clone(),
            source,
        };
        let mut file = File::open(&self.path).map_err(io_error)?;
        file.seek(SeekFrom::Start(offset)).map_err(io_error)?;
        Ok(Some(Box::new(file.take(size))))
    }

    /// The size of a member's data, following links; `None` when there is no such file.
    pub(crate) fn member_size(&self, name: &str) -> Option<u64> {
        self.locate(name).map(|(_, size)| size)
    }

    /// Where a regular file's data lies, after following up to [`MAX_LINK_HOPS`] links.
    fn locate(&self, name: &str) -> Option<(u64, u64)> {
        let mut name = normalise(name);
        for _ in 0..MAX_LINK_HOPS {
            name = match self.members.get(&name)? {
                Member::File { offset, size } => return Some((*offset, *size)),
                Member::Hardlink(target) => target.clone(),
                Member::Symlink(target) => {
                    let folder = name.rsplit_once('/').map_or("", |(folder, _)| folder);
                    resolve(folder, target)?
                }
            };
        }
        None
    }
}

fn format_error(path: &Path, message: &str) -> ImageError {
    ImageError::Format {
        what: path.display().to_string(),
        message: message.to_string(),
    }
}

fn compression(magic: &[u8]) -> Option<&'static str> {
    match magic {
        [0x1f, 0x8b, ..] => Some("gzip"),
        [0x28, 0xb5, 0x2f, 0xfd] => Some("zstd"),
        [b'B', b'Z', b'h', ..] => Some("bzip2"),
        [0xfd, b'7', b'z', b'X'] => Some("xz"),
        _ => None,
    }
}

/// `./a//b/` is `a/b`; `..` is kept (it only matters when following a link).
fn normalise(name: &str) -> String {
    name.split('/')
        .filter(|part| !part.is_empty() && *part != ".")
        .collect::<Vec<_>>()
        .join("/")
}

/// A symlink target seen from `folder`; `None` when it climbs above the archive root.
fn resolve(folder: &str, target: &str) -> Option<String> {
    let mut parts: Vec<&str> = if target.starts_with('/') {
        Vec::new()
    } else {
        folder.split('/').filter(|p| !p.is_empty()).collect()
    };
    for part in target.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    Some(parts.join("/"))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Builds a tar from `(name, content)` files, writing names as given (even `../x`).
    pub(crate) fn write_tar(path: &Path, files: &[(&str, &[u8])]) {
        let mut builder = tar::Builder::new(File::create(path).unwrap());
        for (name, content) in files {
            append_raw(&mut builder, name, tar::EntryType::Regular, "", content);
        }
        builder.finish().unwrap();
    }

    /// Appends one entry with an unchecked name (the tar crate's own path setter refuses `..`).
    pub(crate) fn append_raw(
        builder: &mut tar::Builder<File>,
        name: &str,
        kind: tar::EntryType,
        link: &str,
        content: &[u8],
    ) {
        let mut header = tar::Header::new_gnu();
        header.as_old_mut().name[..name.len()].copy_from_slice(name.as_bytes());
        header.as_old_mut().linkname[..link.len()].copy_from_slice(link.as_bytes());
        header.set_entry_type(kind);
        header.set_size(content.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        builder.append(&header, content).unwrap();
    }

    fn read(members: &TarMembers, name: &str) -> Option<String> {
        let mut out = String::new();
        members
            .open_member(name)
            .unwrap()?
            .read_to_string(&mut out)
            .unwrap();
        Some(out)
    }

    #[test]
    fn reads_members_in_place_and_follows_links() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.tar");
        let mut builder = tar::Builder::new(File::create(&path).unwrap());
        append_raw(
            &mut builder,
            "./one/layer.tar",
            tar::EntryType::Regular,
            "",
            b"first",
        );
        append_raw(
            &mut builder,
            "two/layer.tar",
            tar::EntryType::Symlink,
            "../one/layer.tar",
            b"",
        );
        append_raw(
            &mut builder,
            "three",
            tar::EntryType::Link,
            "one/layer.tar",
            b"",
        );
        append_raw(&mut builder, "loop", tar::EntryType::Symlink, "loop", b"");
        append_raw(
            &mut builder,
            "escape",
            tar::EntryType::Symlink,
            "../../one/layer.tar",
            b"",
        );
        append_raw(
            &mut builder,
            "../evil",
            tar::EntryType::Regular,
            "",
            b"never extracted",
        );
        builder.finish().unwrap();
        let members = TarMembers::open(&path).unwrap();
        assert_eq!(read(&members, "one/layer.tar").as_deref(), Some("first"));
        assert_eq!(read(&members, "two/layer.tar").as_deref(), Some("first"));
        assert_eq!(read(&members, "three").as_deref(), Some("first"));
        assert_eq!(read(&members, "loop"), None);
        assert_eq!(read(&members, "escape"), None);
        assert_eq!(read(&members, "missing"), None);
        assert_eq!(
            read(&members, "../evil").as_deref(),
            Some("never extracted")
        );
        assert!(!dir.path().parent().unwrap().join("evil").exists());
    }

    #[test]
    fn long_names_are_held_to_the_metadata_budget() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("long.tar");
        let mut builder = tar::Builder::new(File::create(&path).unwrap());
        let mut header = tar::Header::new_gnu();
        header.set_size(1);
        header.set_mode(0o644);
        let long = "a/".repeat(4 << 20) + "x";
        builder.append_data(&mut header, &long, &b"x"[..]).unwrap();
        builder.finish().unwrap();
        let err = TarMembers::open(&path).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "{}: tar metadata between two entries is over 8388608 bytes",
                path.display()
            )
        );
    }

    #[test]
    fn refuses_compressed_and_truncated_tars() {
        let dir = tempfile::tempdir().unwrap();
        let gz = dir.path().join("a.tar.gz");
        std::fs::write(&gz, [0x1f, 0x8b, 8, 0, 0, 0]).unwrap();
        let err = TarMembers::open(&gz).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "{}: gzip-compressed; decompress it first (the tar is read in place)",
                gz.display()
            )
        );
        let path = dir.path().join("t.tar");
        write_tar(&path, &[("big", &[7u8; 4096])]);
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..2048]).unwrap();
        let err = TarMembers::open(&path).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "{}: truncated: member big ends past the end of the file",
                path.display()
            )
        );
    }
}
