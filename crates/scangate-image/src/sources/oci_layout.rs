//! OCI image layouts: `oci-dir:PATH[:tag]` (a directory) and `oci-archive:PATH[:tag]` (the same
//! layout inside a tar, read in place). `index.json` lists the images; the tag is the
//! `org.opencontainers.image.ref.name` annotation; blobs live at `blobs/<alg>/<hex>`.

use super::tar_members::TarMembers;
use crate::digest::{Digest, MAX_JSON_BLOB, read_limited, read_verified};
use crate::manifest::{self, Descriptor, Document, Index, Platform};
use crate::reference::{ImageName, parse_position, split_path};
use crate::{Image, ImageError, ImageSource, SourceOptions};
use std::fs::{self, File};
use std::io::{self, Read};
use std::path::{Path, PathBuf};

/// Indexes inside indexes followed before giving up (hostile layouts could nest without end).
const MAX_INDEX_DEPTH: usize = 4;

/// Where a layout's files are: a directory or a tar.
pub(crate) trait LayoutFiles: Send + Sync {
    /// The layout's path, for messages.
    fn location(&self) -> &Path;
    /// A file of the layout by its relative name; `None` when it is missing.
    fn open_file(&self, name: &str) -> Result<Option<Box<dyn Read + Send + '_>>, ImageError>;
}

struct LayoutDir {
    root: PathBuf,
}

impl LayoutFiles for LayoutDir {
    fn location(&self) -> &Path {
        &self.root
    }

    /// Only a regular file inside the layout: a link may lead to another file of the layout
    /// (tools deduplicate blobs so), never out of it or to a device or fifo, which could be
    /// endless or block forever.
    fn open_file(&self, name: &str) -> Result<Option<Box<dyn Read + Send + '_>>, ImageError> {
        let path = self.root.join(name);
        let io_error = |source| ImageError::Io {
            path: path.clone(),
            source,
        };
        let refused = |message: &str| ImageError::Format {
            what: path.display().to_string(),
            message: message.to_string(),
        };
        let real = match fs::canonicalize(&path) {
            Ok(real) => real,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(source) => return Err(io_error(source)),
        };
        let root = fs::canonicalize(&self.root).map_err(io_error)?;
        if !real.starts_with(&root) {
            return Err(refused("leads outside the image layout"));
        }
        // `real` holds no links, so this is the file itself; checked again once open, in case
        // it was swapped in between.
        if !fs::symlink_metadata(&real).map_err(io_error)?.is_file() {
            return Err(refused("not a regular file"));
        }
        let file = File::open(&real).map_err(io_error)?;
        if !file.metadata().map_err(io_error)?.is_file() {
            return Err(refused("not a regular file"));
        }
        Ok(Some(Box::new(file)))
    }
}

impl LayoutFiles for TarMembers {
    fn location(&self) -> &Path {
        self.path()
    }

    fn open_file(&self, name: &str) -> Result<Option<Box<dyn Read + Send + '_>>, ImageError> {
        self.open_member(name)
    }
}

/// An image in an OCI layout.
pub struct OciLayoutSource {
    files: Box<dyn LayoutFiles>,
    image: Image,
}

/// Opens `oci-dir:PATH[:tag]`; `rest` is what follows the prefix.
pub fn open_dir(rest: &str, options: &SourceOptions) -> Result<Box<dyn ImageSource>, ImageError> {
    let (path, selector) = split_path(rest);
    let files = LayoutDir {
        root: PathBuf::from(path),
    };
    let source = OciLayoutSource::open(
        Box::new(files),
        &format!("oci-dir:{rest}"),
        selector,
        options,
    )?;
    Ok(Box::new(source))
}

/// Opens `oci-archive:PATH[:tag]`; `rest` is what follows the prefix.
pub fn open_archive(
    rest: &str,
    options: &SourceOptions,
) -> Result<Box<dyn ImageSource>, ImageError> {
    let (path, selector) = split_path(rest);
    let files = TarMembers::open(Path::new(path))?;
    let reference = format!("oci-archive:{rest}");
    let source = OciLayoutSource::open(Box::new(files), &reference, selector, options)?;
    Ok(Box::new(source))
}

impl OciLayoutSource {
    /// Resolves `selector` (a tag, `@N` for the N-th entry, or nothing for the only image) in the
    /// layout's `index.json`, down to one manifest for the wanted platform.
    pub(crate) fn open(
        files: Box<dyn LayoutFiles>,
        reference: &str,
        selector: Option<&str>,
        options: &SourceOptions,
    ) -> Result<OciLayoutSource, ImageError> {
        let wanted = match &options.platform {
            Some(platform) => platform.parse()?,
            None => Platform::host(),
        };
        let layout = Layout { files: &*files };
        layout.check_marker()?;
        let index: Index = layout.index()?;
        let chosen = choose(&layout, &index, reference, selector, &wanted)?;
        let image = layout.resolve(reference, chosen, &wanted)?;
        Ok(OciLayoutSource { files, image })
    }
}

impl ImageSource for OciLayoutSource {
    fn image(&self) -> &Image {
        &self.image
    }

    fn blob(&self, digest: &str) -> Result<Box<dyn Read + Send + '_>, ImageError> {
        let digest = Digest::parse(digest)?;
        Layout {
            files: &*self.files,
        }
        .blob(&digest)
    }
}

struct Layout<'a> {
    files: &'a dyn LayoutFiles,
}

impl<'a> Layout<'a> {
    fn what(&self, name: &str) -> String {
        format!("{}: {name}", self.files.location().display())
    }

    fn check_marker(&self) -> Result<(), ImageError> {
        if self.files.open_file("oci-layout")?.is_none() {
            return Err(ImageError::Format {
                what: self.files.location().display().to_string(),
                message: "not an OCI image layout (no oci-layout file)".to_string(),
            });
        }
        Ok(())
    }

    fn index(&self) -> Result<Index, ImageError> {
        let what = self.what("index.json");
        let reader = self
            .files
            .open_file("index.json")?
            .ok_or_else(|| ImageError::Format {
                what: what.clone(),
                message: "missing".to_string(),
            })?;
        let bytes = read_limited(reader, &what, MAX_JSON_BLOB)?;
        match manifest::parse_document(&what, &bytes, Some(manifest::OCI_INDEX))? {
            Document::Index(index) => Ok(index),
            Document::Manifest(_) => Err(ImageError::Format {
                what,
                message: "is a manifest, not an index".to_string(),
            }),
        }
    }

    fn blob(&self, digest: &Digest) -> Result<Box<dyn Read + Send + 'a>, ImageError> {
        let name = format!("blobs/{}/{}", digest.algorithm().name(), digest.hex());
        self.files
            .open_file(&name)?
            .ok_or_else(|| ImageError::Format {
                what: self.what(&name),
                message: format!("blob {digest} is missing from the layout"),
            })
    }

    fn read_json_blob(&self, descriptor: &Descriptor, kind: &str) -> Result<Vec<u8>, ImageError> {
        let what = self.what(&format!("{kind} {}", descriptor.digest));
        let reader = self.blob(&descriptor.digest)?;
        read_verified(reader, &descriptor.digest, &what, MAX_JSON_BLOB)
    }

    /// Follows `descriptor` through nested indexes to a manifest for `wanted`, and builds the image.
    fn resolve(
        &self,
        reference: &str,
        descriptor: &Descriptor,
        wanted: &Platform,
    ) -> Result<Image, ImageError> {
        let mut descriptor = descriptor.clone();
        for _ in 0..MAX_INDEX_DEPTH {
            let bytes = self.read_json_blob(&descriptor, "manifest")?;
            let what = self.what(&format!("manifest {}", descriptor.digest));
            let hint = Some(descriptor.media_type.as_str()).filter(|m| !m.is_empty());
            match manifest::parse_document(&what, &bytes, hint)? {
                Document::Index(index) => {
                    descriptor = manifest::select_platform(reference, &index, wanted)?.clone();
                }
                Document::Manifest(manifest) => {
                    let config = self.read_json_blob(&manifest.config, "config")?;
                    return manifest::image_from(
                        reference,
                        Some(&descriptor.digest),
                        &manifest,
                        &config,
                    );
                }
            }
        }
        Err(ImageError::Format {
            what: self.what("index.json"),
            message: format!("indexes nested deeper than {MAX_INDEX_DEPTH}"),
        })
    }
}

/// Picks the entry of `index.json` that `selector` names; without one, the only entry, or the
/// one for `wanted` when the entries are one image for several platforms.
fn choose<'a>(
    layout: &Layout<'_>,
    index: &'a Index,
    reference: &str,
    selector: Option<&str>,
    wanted: &Platform,
) -> Result<&'a Descriptor, ImageError> {
    let not_found = |what: String| {
        let tags: Vec<&str> = index
            .manifests
            .iter()
            .filter_map(Descriptor::ref_name)
            .collect();
        ImageError::NotFound {
            source_name: "oci-layout",
            reference: format!(
                "{what} in {} (tags there: {})",
                layout.files.location().display(),
                if tags.is_empty() {
                    "none".to_string()
                } else {
                    tags.join(", ")
                }
            ),
        }
    };
    let candidates: Vec<&Descriptor> = match selector {
        Some(position) if position.starts_with('@') => {
            let n = parse_position(reference, position)?;
            vec![
                index
                    .manifests
                    .get(n)
                    .ok_or_else(|| not_found(position.to_string()))?,
            ]
        }
        Some(tag) => index
            .manifests
            .iter()
            .filter(|d| d.ref_name().is_some_and(|name| same_tag(name, tag)))
            .collect(),
        None => index.manifests.iter().collect(),
    };
    match candidates.as_slice() {
        [] => Err(not_found(selector.unwrap_or("an image").to_string())),
        [only] => Ok(only),
        several if several.iter().all(|d| d.platform.is_some()) => {
            manifest::select_platform_among(reference, several, wanted)
        }
        _ => Err(ImageError::Reference {
            reference: reference.to_string(),
            message: format!(
                "the layout holds {} images; name one with :<tag> or :@<n>",
                candidates.len()
            ),
        }),
    }
}

/// A layout's ref name is a bare tag (`latest`) or, as some tools write it, a full name.
fn same_tag(ref_name: &str, wanted: &str) -> bool {
    if ref_name == wanted {
        return true;
    }
    match (ImageName::parse(ref_name), ImageName::parse(wanted)) {
        (Ok(a), Ok(b)) if ref_name.contains([':', '/']) && wanted.contains([':', '/']) => a == b,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    fn read(layout: &LayoutDir, name: &str) -> Result<Option<String>, String> {
        match layout.open_file(name) {
            Ok(Some(mut file)) => {
                let mut text = String::new();
                file.read_to_string(&mut text).unwrap();
                Ok(Some(text))
            }
            Ok(None) => Ok(None),
            Err(err) => Err(err.to_string()),
        }
    }

    #[test]
    fn only_regular_files_inside_the_layout_are_opened() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("layout");
        let blobs = root.join("blobs/sha256");
        fs::create_dir_all(&blobs).unwrap();
        fs::write(blobs.join("a"), "blob a").unwrap();
        fs::write(dir.path().join("outside"), "secret").unwrap();
        symlink("a", blobs.join("same")).unwrap();
        symlink("/dev/zero", blobs.join("zero")).unwrap();
        symlink("../../../outside", blobs.join("out")).unwrap();
        symlink("missing", blobs.join("dangling")).unwrap();
        let fifo = blobs.join("fifo");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        assert!(made.unwrap().success());
        let layout = LayoutDir { root: root.clone() };
        let at = |name: &str| blobs.join(name).display().to_string();

        assert_eq!(read(&layout, "blobs/sha256/a"), Ok(Some("blob a".into())));
        assert_eq!(
            read(&layout, "blobs/sha256/same"),
            Ok(Some("blob a".into()))
        );
        assert_eq!(read(&layout, "blobs/sha256/none"), Ok(None));
        assert_eq!(read(&layout, "blobs/sha256/dangling"), Ok(None));
        assert_eq!(
            read(&layout, "blobs/sha256/zero"),
            Err(format!("{}: leads outside the image layout", at("zero")))
        );
        assert_eq!(
            read(&layout, "blobs/sha256/out"),
            Err(format!("{}: leads outside the image layout", at("out")))
        );
        assert_eq!(
            read(&layout, "blobs/sha256/fifo"),
            Err(format!("{}: not a regular file", at("fifo")))
        );
        assert_eq!(
            read(&layout, "blobs"),
            Err(format!(
                "{}: not a regular file",
                root.join("blobs").display()
            ))
        );
    }
}
