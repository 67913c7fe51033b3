use scangate_fsview::{FileView, ViewError};
use scangate_types::{Location, Package};

/// Reads one file format.
pub trait Cataloger: Sync {
    /// A stable name, shown in reports (`cargo-lock`, `npm-package-lock`, ...).
    fn name(&self) -> &'static str;

    /// Whether the file at `path` (relative, `/`-separated) is one this cataloger reads.
    fn matches(&self, path: &str) -> bool;

    /// Whether this cataloger also reads every executable file, whatever its name (binaries
    /// with embedded dependency lists). It finds no packages in executables that are not its own.
    fn reads_executables(&self) -> bool {
        false
    }

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

/// UTF-8 bytes for a text that starts with a UTF-16 byte-order mark (Windows PowerShell's
/// `pip freeze > requirements.txt` writes UTF-16LE; pip reads it). Anything else is returned as is.
pub(crate) fn from_utf16(bytes: Vec<u8>) -> Vec<u8> {
    let units = |to_u16: fn([u8; 2]) -> u16| -> Option<Vec<u8>> {
        let body = &bytes[2..];
        if !body.len().is_multiple_of(2) {
            return None;
        }
        let units = body.chunks_exact(2).map(|pair| to_u16([pair[0], pair[1]]));
        char::decode_utf16(units)
            .collect::<Result<String, _>>()
            .ok()
            .map(String::into_bytes)
    };
    let converted = match bytes.get(..2) {
        Some([0xFF, 0xFE]) => units(u16::from_le_bytes),
        Some([0xFE, 0xFF]) => units(u16::from_be_bytes),
        _ => None,
    };
    converted.unwrap_or(bytes)
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
        decode(&from_utf16(bytes))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_with_a_byte_order_mark_becomes_utf8() {
        let text = "requests==2.25.0\r\n";
        let le: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        let be: Vec<u8> = [0xFE, 0xFF]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        assert_eq!(from_utf16(le), text.as_bytes());
        assert_eq!(from_utf16(be), text.as_bytes());
        // Odd length or a lone surrogate: left alone, so decoding reports the file.
        assert_eq!(from_utf16(vec![0xFF, 0xFE, 0x41]), [0xFF, 0xFE, 0x41]);
        assert_eq!(from_utf16(b"plain".to_vec()), b"plain");
    }
}
