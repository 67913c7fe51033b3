//! YAML with errors that name a line. The parser bounds nesting and alias expansion.

use crate::CatalogError;
use serde::de::DeserializeOwned;

pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, CatalogError> {
    serde_norway::from_str(text).map_err(|err| {
        let message = err.to_string();
        let message = message
            .split(" at line ")
            .next()
            .unwrap_or(&message)
            .to_string();
        match err.location() {
            Some(at) => CatalogError::at(at.line() as u32, format!("invalid YAML: {message}")),
            None => CatalogError::new(format!("invalid YAML: {message}")),
        }
    })
}
