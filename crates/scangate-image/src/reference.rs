//! Image references as users write them: an optional source prefix (`docker-archive:`,
//! `registry:`, ...) and either a path or an image name normalised the way Docker does
//! (`alpine` is `docker.io/library/alpine:latest`).

use crate::ImageError;
use crate::digest::Digest;
use std::fmt;
use std::str::FromStr;

/// Where an image is read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SourceKind {
    DockerArchive,
    OciArchive,
    OciDir,
    Registry,
    Docker,
    Podman,
    Containerd,
}

impl SourceKind {
    pub const ALL: [SourceKind; 7] = [
        SourceKind::DockerArchive,
        SourceKind::OciArchive,
        SourceKind::OciDir,
        SourceKind::Registry,
        SourceKind::Docker,
        SourceKind::Podman,
        SourceKind::Containerd,
    ];

    /// The prefix without its colon, as in `--image-src`.
    pub fn name(self) -> &'static str {
        match self {
            SourceKind::DockerArchive => "docker-archive",
            SourceKind::OciArchive => "oci-archive",
            SourceKind::OciDir => "oci-dir",
            SourceKind::Registry => "registry",
            SourceKind::Docker => "docker",
            SourceKind::Podman => "podman",
            SourceKind::Containerd => "containerd",
        }
    }

    /// Whether the rest of the reference is a local path (else an image name).
    pub fn takes_path(self) -> bool {
        matches!(
            self,
            SourceKind::DockerArchive | SourceKind::OciArchive | SourceKind::OciDir
        )
    }

    /// Parses a comma-separated list (`docker,podman,containerd,registry`).
    pub fn parse_list(text: &str) -> Result<Vec<SourceKind>, ImageError> {
        text.split(',').map(|name| name.trim().parse()).collect()
    }
}

impl fmt::Display for SourceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for SourceKind {
    type Err = ImageError;

    fn from_str(text: &str) -> Result<SourceKind, ImageError> {
        SourceKind::ALL
            .into_iter()
            .find(|kind| kind.name() == text)
            .ok_or_else(|| ImageError::Reference {
                reference: text.to_string(),
                message: format!(
                    "unknown image source (known: {})",
                    SourceKind::ALL.map(SourceKind::name).join(", ")
                ),
            })
    }
}

/// Splits an explicit source prefix off a reference: `docker-archive:a.tar` is
/// `(Some(DockerArchive), "a.tar")`, `alpine:3` is `(None, "alpine:3")`.
///
/// A prefix always wins, so the image `registry:2` must be written `registry:registry:2` or
/// `docker.io/library/registry:2`.
pub fn parse(reference: &str) -> (Option<SourceKind>, &str) {
    for kind in SourceKind::ALL {
        if let Some(rest) = reference
            .strip_prefix(kind.name())
            .and_then(|r| r.strip_prefix(':'))
        {
            return (Some(kind), rest);
        }
    }
    (None, reference)
}

/// Splits an archive or layout reference into its path and what selects an image inside it:
/// `image.tar:repo:tag` is `("image.tar", Some("repo:tag"))`; skopeo's `image.tar:@1` selects
/// by position and is `("image.tar", Some("@1"))`.
pub fn split_path(rest: &str) -> (&str, Option<&str>) {
    match rest.split_once(':') {
        Some((path, selector)) if !selector.is_empty() => (path, Some(selector)),
        Some((path, _)) => (path, None),
        None => (rest, None),
    }
}

/// The number in a `@N` selector (the N-th image of an archive or layout, from 0).
pub(crate) fn parse_position(reference: &str, selector: &str) -> Result<usize, ImageError> {
    selector
        .strip_prefix('@')
        .and_then(|n| n.parse().ok())
        .ok_or_else(|| ImageError::Reference {
            reference: reference.to_string(),
            message: format!("{selector:?} is not @<number>"),
        })
}

pub const DEFAULT_REGISTRY: &str = "docker.io";
pub const DEFAULT_TAG: &str = "latest";

/// A normalised image name: `docker.io/library/alpine:latest`, `ghcr.io/a/b:1.2@sha256:...`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ImageName {
    /// `docker.io`, `ghcr.io`, `localhost:5000`.
    pub registry: String,
    /// `library/alpine`, `a/b`.
    pub repository: String,
    /// `latest` when neither a tag nor a digest is given.
    pub tag: Option<String>,
    pub digest: Option<Digest>,
}

impl ImageName {
    /// Parses a name as Docker does: a first component with a `.` or `:`, or `localhost`, is a
    /// registry; otherwise the registry is docker.io, and a one-component name there is an
    /// official image under `library/`.
    pub fn parse(text: &str) -> Result<ImageName, ImageError> {
        let invalid = |message: &str| ImageError::Reference {
            reference: text.to_string(),
            message: message.to_string(),
        };
        let (name, digest) = match text.split_once('@') {
            Some((name, digest)) => (
                name,
                Some(Digest::parse(digest).map_err(|e| invalid(&e.to_string()))?),
            ),
            None => (text, None),
        };
        let last_slash = name.rfind('/').map_or(0, |i| i + 1);
        let (name, tag) = match name[last_slash..].rfind(':') {
            Some(i) => (&name[..last_slash + i], Some(&name[last_slash + i + 1..])),
            None => (name, None),
        };
        if let Some(tag) = tag
            && !valid_tag(tag)
        {
            return Err(invalid(&format!(
                "invalid tag {tag:?} (letters, digits, '_', '.', '-'; at most 128)"
            )));
        }
        let (registry, repository) = match name.split_once('/') {
            Some((first, rest)) if first.contains(['.', ':']) || first == "localhost" => {
                (first, rest.to_string())
            }
            Some(_) => (DEFAULT_REGISTRY, name.to_string()),
            None => (DEFAULT_REGISTRY, format!("library/{name}")),
        };
        if !valid_registry(registry) {
            return Err(invalid(&format!("invalid registry {registry:?}")));
        }
        if !repository.split('/').all(valid_component) {
            return Err(invalid(
                "invalid repository name (lowercase letters, digits and separators '.', '_', '__', '-')",
            ));
        }
        let registry = match registry {
            "index.docker.io" | "registry-1.docker.io" => DEFAULT_REGISTRY,
            other => other,
        };
        let tag = match (tag, &digest) {
            (Some(tag), _) => Some(tag.to_string()),
            (None, None) => Some(DEFAULT_TAG.to_string()),
            (None, Some(_)) => None,
        };
        Ok(ImageName {
            registry: registry.to_string(),
            repository,
            tag,
            digest,
        })
    }

    /// What a registry's manifest endpoint is asked for: the digest where there is one (it pins
    /// the content), else the tag.
    pub fn manifest_reference(&self) -> String {
        match (&self.digest, &self.tag) {
            (Some(digest), _) => digest.to_string(),
            (None, Some(tag)) => tag.clone(),
            (None, None) => DEFAULT_TAG.to_string(),
        }
    }
}

impl fmt::Display for ImageName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.registry, self.repository)?;
        if let Some(tag) = &self.tag {
            write!(f, ":{tag}")?;
        }
        if let Some(digest) = &self.digest {
            write!(f, "@{digest}")?;
        }
        Ok(())
    }
}

impl FromStr for ImageName {
    type Err = ImageError;

    fn from_str(text: &str) -> Result<ImageName, ImageError> {
        ImageName::parse(text)
    }
}

fn valid_tag(tag: &str) -> bool {
    let mut bytes = tag.bytes();
    let first_ok = bytes
        .next()
        .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_');
    first_ok
        && tag.len() <= 128
        && bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
}

/// A host name or address with an optional port (`[::1]:5000` included).
fn valid_registry(registry: &str) -> bool {
    !registry.is_empty()
        && registry.bytes().all(|b| {
            b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']' | b'_')
        })
}

/// `[a-z0-9]+` runs joined by one `.`, one or two `_`, or any number of `-`.
fn valid_component(component: &str) -> bool {
    let bytes = component.as_bytes();
    let alnum = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    if bytes.is_empty() || !alnum(bytes[0]) || !alnum(bytes[bytes.len() - 1]) {
        return false;
    }
    let mut i = 0;
    while i < bytes.len() {
        if alnum(bytes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && !alnum(bytes[i]) {
            i += 1;
        }
        let separator = &component[start..i];
        let ok = matches!(separator, "." | "_" | "__") || separator.bytes().all(|b| b == b'-');
        if !ok {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEX: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    fn name(text: &str) -> String {
        ImageName::parse(text).unwrap().to_string()
    }

    #[test]
    fn normalises_like_docker() {
        assert_eq!(name("alpine"), "docker.io/library/alpine:latest");
        assert_eq!(name("alpine:3.19"), "docker.io/library/alpine:3.19");
        assert_eq!(name("bitnami/redis"), "docker.io/bitnami/redis:latest");
        assert_eq!(
            name("index.docker.io/library/debian:12"),
            "docker.io/library/debian:12"
        );
        assert_eq!(name("localhost:5000/x"), "localhost:5000/x:latest");
        assert_eq!(name("localhost/x:1"), "localhost/x:1");
        assert_eq!(name("127.0.0.1:5000/a/b/c:v1"), "127.0.0.1:5000/a/b/c:v1");
        assert_eq!(
            name(&format!("alpine@sha256:{HEX}")),
            format!("docker.io/library/alpine@sha256:{HEX}")
        );
        let full = ImageName::parse(&format!("ghcr.io/a/b:1.2@sha256:{HEX}")).unwrap();
        assert_eq!(
            full,
            ImageName {
                registry: "ghcr.io".to_string(),
                repository: "a/b".to_string(),
                tag: Some("1.2".to_string()),
                digest: Some(Digest::parse(&format!("sha256:{HEX}")).unwrap()),
            }
        );
        assert_eq!(full.manifest_reference(), format!("sha256:{HEX}"));
        assert_eq!(
            ImageName::parse("a/b:v2").unwrap().manifest_reference(),
            "v2"
        );
    }

    #[test]
    fn rejects_bad_names() {
        for (text, message) in [
            (
                "Alpine",
                "invalid repository name (lowercase letters, digits and separators '.', '_', '__', '-')",
            ),
            (
                "a//b",
                "invalid repository name (lowercase letters, digits and separators '.', '_', '__', '-')",
            ),
            (
                "a/b:",
                "invalid tag \"\" (letters, digits, '_', '.', '-'; at most 128)",
            ),
            (
                "a/b:.x",
                "invalid tag \".x\" (letters, digits, '_', '.', '-'; at most 128)",
            ),
            (
                "a@sha256:12",
                "digest \"sha256:12\": 2 characters after the algorithm, 64 hex digits expected",
            ),
            (
                "a b",
                "invalid repository name (lowercase letters, digits and separators '.', '_', '__', '-')",
            ),
        ] {
            let err = ImageName::parse(text).unwrap_err();
            assert_eq!(
                err.to_string(),
                format!("invalid image reference {text:?}: {message}")
            );
        }
        assert!(valid_component("a__b-c--d.e"));
        assert!(!valid_component("a___b"));
        assert!(!valid_component("a..b"));
    }

    #[test]
    fn splits_prefixes() {
        assert_eq!(
            parse("docker-archive:/tmp/a.tar:repo:tag"),
            (Some(SourceKind::DockerArchive), "/tmp/a.tar:repo:tag")
        );
        assert_eq!(
            parse("oci-dir:./layout"),
            (Some(SourceKind::OciDir), "./layout")
        );
        assert_eq!(
            parse("oci-archive:x.tar"),
            (Some(SourceKind::OciArchive), "x.tar")
        );
        assert_eq!(
            parse("registry:localhost:5000/x"),
            (Some(SourceKind::Registry), "localhost:5000/x")
        );
        assert_eq!(parse("docker:alpine"), (Some(SourceKind::Docker), "alpine"));
        assert_eq!(parse("podman:alpine"), (Some(SourceKind::Podman), "alpine"));
        assert_eq!(
            parse("containerd:alpine"),
            (Some(SourceKind::Containerd), "alpine")
        );
        assert_eq!(
            parse("docker.io/library/alpine"),
            (None, "docker.io/library/alpine")
        );
        assert_eq!(parse("localhost:5000/x"), (None, "localhost:5000/x"));
        assert_eq!(parse("alpine"), (None, "alpine"));
    }

    #[test]
    fn splits_paths() {
        assert_eq!(split_path("a.tar"), ("a.tar", None));
        assert_eq!(split_path("a.tar:"), ("a.tar", None));
        assert_eq!(split_path("a.tar:repo:tag"), ("a.tar", Some("repo:tag")));
        assert_eq!(split_path("a.tar:@1"), ("a.tar", Some("@1")));
    }

    #[test]
    fn source_kinds_parse() {
        assert_eq!(
            SourceKind::parse_list("docker, podman,containerd,registry").unwrap(),
            vec![
                SourceKind::Docker,
                SourceKind::Podman,
                SourceKind::Containerd,
                SourceKind::Registry
            ]
        );
        for kind in SourceKind::ALL {
            assert_eq!(kind.to_string().parse::<SourceKind>().unwrap(), kind);
        }
        let err = SourceKind::parse_list("docker,cri-o").unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid image reference \"cri-o\": unknown image source (known: docker-archive, oci-archive, oci-dir, registry, docker, podman, containerd)"
        );
        assert!(SourceKind::OciDir.takes_path());
        assert!(!SourceKind::Registry.takes_path());
    }
}
