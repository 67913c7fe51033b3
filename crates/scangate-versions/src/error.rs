use crate::Scheme;

/// Why a text is not a version of a scheme.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {scheme} version {text:?}: {reason}")]
pub struct VersionError {
    /// The scheme that rejected the text.
    pub scheme: Scheme,
    /// The rejected text (cut short when very long).
    pub text: String,
    /// What is wrong with it.
    pub reason: String,
}

/// Error messages quote at most this many characters of the rejected text.
const QUOTED_CHARS: usize = 80;

impl VersionError {
    pub(crate) fn new(scheme: Scheme, text: &str, reason: String) -> Self {
        let text = match text.char_indices().nth(QUOTED_CHARS) {
            Some((cut, _)) => format!("{}…", &text[..cut]),
            None => text.to_owned(),
        };
        VersionError {
            scheme,
            text,
            reason,
        }
    }
}
