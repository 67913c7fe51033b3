use scangate_fsview::{FileView, ViewError};
use scangate_types::{Location, Package};

/// Reads one file format.
pub trait Cataloger: Sync {
    /// A stable name, shown in reports (`cargo-lock`, `npm-package-lock`, ...).
    fn name(&self) -> &'static str;

    /// Whether the file at `path` (relative, `/`-separated) is one this cataloger reads.
    fn matches(&self, path: &str) -> bool;

    /// The packages `file` declares. Other files (parents, includes, siblings) are read through
    /// `ctx`, never from the disk directly.
    fn catalog(&self, file: &SourceFile<'_>, ctx: &Context<'_>)
    -> Result<Catalogued, CatalogError>;
}

/// The file being catalogued.
pub struct SourceFile<'a> {
    pub path: &'a str,
    pub bytes: &'a [u8],
}

impl SourceFile<'_> {
    /// The content as UTF-8 (a leading byte-order mark removed), or an error naming the line of
    /// the first invalid byte.
    pub fn text(&self) -> Result<&str, CatalogError> {
        decode(self.bytes)
    }

    /// A location in this file.
    pub fn at(&self, line: Option<u32>) -> Location {
        Location::new(self.path, line)
    }
}

pub(crate) fn decode(bytes: &[u8]) -> Result<&str, CatalogError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|err| {
        let valid = &bytes[..err.valid_up_to()];
        let line = valid.iter().filter(|&&b| b == b'\n').count() as u32 + 1;
        CatalogError::at(line, "not valid UTF-8")
    })
}

/// What a cataloger may consult besides its own file.
pub struct Context<'a> {
    pub view: &'a dyn FileView,
}

impl Context<'_> {
    /// Another file of the view, as UTF-8 text.
    pub fn read_text(&self, path: &str) -> Result<String, CatalogError> {
        let bytes = self
            .view
            .read(path)
            .map_err(|err: ViewError| CatalogError::new(format!("{path}: {err}")))?;
        decode(&bytes)
            .map(str::to_owned)
            .map_err(|err| CatalogError {
                message: format!("{path}: {}", err.message),
                ..err
            })
    }
}

/// A cataloger's result for one file.
#[derive(Debug, Default)]
pub struct Catalogued {
    pub packages: Vec<Package>,
    /// Things in the file that could not be resolved exactly (an unknown property, a missing include).
    pub warnings: Vec<Diagnostic>,
}

impl From<Vec<Package>> for Catalogued {
    fn from(packages: Vec<Package>) -> Catalogued {
        Catalogued {
            packages,
            warnings: Vec::new(),
        }
    }
}

/// A warning about a place in the catalogued file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub line: Option<u32>,
    pub message: String,
}

impl Diagnostic {
    pub fn new(line: Option<u32>, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            line,
            message: message.into(),
        }
    }
}

/// Why a file gave no packages.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct CatalogError {
    pub line: Option<u32>,
    pub message: String,
}

impl CatalogError {
    pub fn new(message: impl Into<String>) -> CatalogError {
        CatalogError {
            line: None,
            message: message.into(),
        }
    }

    pub fn at(line: u32, message: impl Into<String>) -> CatalogError {
        CatalogError {
            line: Some(line),
            message: message.into(),
        }
    }
}
