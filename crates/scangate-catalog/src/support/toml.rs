//! TOML with errors that name a line.

use super::LineIndex;
use crate::CatalogError;
use serde::de::DeserializeOwned;

pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, CatalogError> {
    toml::from_str(text).map_err(|err| {
        let message = format!("invalid TOML: {}", err.message());
        match err.span() {
            Some(span) => CatalogError::at(LineIndex::new(text).line(span.start), message),
            None => CatalogError::new(message),
        }
    })
}
