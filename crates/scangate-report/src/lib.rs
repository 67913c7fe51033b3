//! Reports: each module renders a [`ScanResult`] in one format.

pub mod cyclonedx;
pub mod json;
pub mod table;

use scangate_types::ScanResult;
use std::io::{self, Write};

/// The output formats `--format` accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    Json,
    CycloneDx,
}

impl Format {
    pub fn parse(name: &str) -> Option<Format> {
        match name {
            "table" => Some(Format::Table),
            "json" => Some(Format::Json),
            "cyclonedx" => Some(Format::CycloneDx),
            _ => None,
        }
    }
}

/// Writes `result` in `format`; `color` applies to the table only.
pub fn write(
    format: Format,
    result: &ScanResult,
    color: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Table => table::write(result, color, out),
        Format::Json => json::write(result, out),
        Format::CycloneDx => cyclonedx::write(result, out),
    }
}
