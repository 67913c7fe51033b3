use std::io;
use std::path::PathBuf;

/// Why an image could not be opened or read. Messages never carry credentials.
#[derive(Debug, thiserror::Error)]
pub enum ImageError {
    /// The reference cannot be parsed (`docker-archive:` without a path, a bad digest, ...).
    #[error("invalid image reference {reference:?}: {message}")]
    Reference { reference: String, message: String },
    /// The source works, but has no such image.
    #[error("{source_name}: image {reference} not found")]
    NotFound {
        source_name: &'static str,
        reference: String,
    },
    /// The source cannot be reached (no socket, connection refused, ...).
    #[error("{source_name}: {message}")]
    Unavailable {
        source_name: &'static str,
        message: String,
    },
    /// Authentication was refused or is missing.
    #[error("{source_name}: authentication failed for {registry}: {message}")]
    Auth {
        source_name: &'static str,
        registry: String,
        message: String,
    },
    /// A manifest, index, config or archive does not follow its format.
    #[error("{what}: {message}")]
    Format { what: String, message: String },
    /// A blob's content does not hash to the digest that names it.
    #[error("{what}: digest mismatch: expected {expected}, got {actual}")]
    DigestMismatch {
        what: String,
        expected: String,
        actual: String,
    },
    /// An index has no manifest for the wanted platform.
    #[error("{reference}: no image for platform {platform} (available: {available})")]
    Platform {
        reference: String,
        platform: String,
        available: String,
    },
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{what}: {source}")]
    Read {
        what: String,
        #[source]
        source: std::io::Error,
    },
}

impl ImageError {
    /// An I/O error while reading `what`. A digest or size check that failed inside a
    /// [`crate::digest::VerifiedReader`] comes back as the error it wraps.
    pub fn from_read(what: &str, source: io::Error) -> ImageError {
        let wraps_image_error = source
            .get_ref()
            .is_some_and(|inner| inner.is::<ImageError>());
        if !wraps_image_error {
            return ImageError::Read {
                what: what.to_string(),
                source,
            };
        }
        let kind = source.kind();
        let source = match source
            .into_inner()
            .map(|inner| inner.downcast::<ImageError>())
        {
            Some(Ok(err)) => return *err,
            Some(Err(other)) => io::Error::new(kind, other),
            None => io::Error::from(kind),
        };
        ImageError::Read {
            what: what.to_string(),
            source,
        }
    }
}
