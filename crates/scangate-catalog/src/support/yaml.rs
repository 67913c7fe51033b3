//! YAML with errors that name a line. The parser bounds nesting and alias expansion.

use super::without_position;
use crate::CatalogError;
use serde::de::DeserializeOwned;

pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, CatalogError> {
    serde_norway::from_str(text).map_err(|err| {
        let message = err.to_string();
        let message = without_position(&message);
        match err.location() {
            Some(at) => CatalogError::at(at.line() as u32, format!("invalid YAML: {message}")),
            None => CatalogError::new(format!("invalid YAML: {message}")),
        }
    })
}
