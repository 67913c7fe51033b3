//! Reports: each module renders a [`ScanResult`] in one format.

pub mod cyclonedx;
pub mod gitlab;
pub mod json;
pub mod junit;
pub mod markdown;
mod paths;
#[cfg(test)]
mod sample;
pub mod sarif;
pub mod spdx;
pub mod table;

use scangate_types::{Finding, LayerRef, ScanResult};
use sha2::{Digest as _, Sha256};
use std::io::{self, Write};
use std::time::SystemTime;

/// The output formats `--format` accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    Json,
    CycloneDx,
    Sarif,
    Spdx,
    Junit,
    Gitlab,
    Markdown,
}

impl Format {
    pub const ALL: [Format; 8] = [
        Format::Table,
        Format::Json,
        Format::CycloneDx,
        Format::Sarif,
        Format::Spdx,
        Format::Junit,
        Format::Gitlab,
        Format::Markdown,
    ];

    pub fn parse(name: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.name() == name)
    }

    /// The name `--format` takes.
    pub fn name(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Json => "json",
            Format::CycloneDx => "cyclonedx",
            Format::Sarif => "sarif",
            Format::Spdx => "spdx",
            Format::Junit => "junit",
            Format::Gitlab => "gitlab",
            Format::Markdown => "markdown",
        }
    }

    /// An SBOM: it lists packages and needs no advisory database.
    pub fn is_sbom(self) -> bool {
        matches!(self, Format::CycloneDx | Format::Spdx)
    }
}

/// What a report needs besides the result.
#[derive(Debug, Clone, Copy)]
pub struct Context {
    /// Colour the table (a terminal that wants it).
    pub color: bool,
    /// When the scan started; reports that carry times end it at the time they are written.
    pub started: SystemTime,
    pub finished: SystemTime,
}

impl Context {
    /// A scan that started at `started` and is being reported now.
    pub fn new(started: SystemTime, color: bool) -> Context {
        Context {
            color,
            started,
            finished: SystemTime::now(),
        }
    }
}

/// Writes `result` in `format`.
pub fn write(
    format: Format,
    result: &ScanResult,
    context: &Context,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Table => table::write(result, context.color, out),
        Format::Json => json::write(result, out),
        Format::CycloneDx => cyclonedx::write(result, out),
        Format::Sarif => sarif::write(result, context, out),
        Format::Spdx => spdx::write(result, context, out),
        Format::Junit => junit::write(result, out),
        Format::Gitlab => gitlab::write(result, context, out),
        Format::Markdown => markdown::write(result, out),
    }
}

/// A finding's fingerprint: the SHA-256 of [`Finding::key`] with `suffix`, in hex. The same
/// finding gives the same fingerprint in every run and every report.
fn fingerprint(finding: &Finding, suffix: &str) -> String {
    sha256_hex(&format!("{}{suffix}", finding.key()))
}

fn sha256_hex(text: &str) -> String {
    sha256(text).iter().map(|b| format!("{b:02x}")).collect()
}

fn sha256(text: &str) -> [u8; 32] {
    Sha256::digest(text).into()
}

/// RFC 3339 in UTC to the second: `2026-11-22T01:57:52Z`.
fn timestamp(time: SystemTime) -> String {
    humantime::format_rfc3339_seconds(time).to_string()
}

/// Findings worst first: severity, known exploitation, then package and id.
fn worst_first(findings: &[Finding]) -> Vec<&Finding> {
    let mut sorted: Vec<&Finding> = findings.iter().collect();
    sorted.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| b.kev.is_some().cmp(&a.kev.is_some()))
            .then_with(|| a.package.name.cmp(&b.package.name))
            .then_with(|| a.id.cmp(&b.id))
            .then_with(|| a.package.locations[0].cmp(&b.package.locations[0]))
    });
    sorted
}

/// `layer 3: RUN apt-get install -y curl`: which layer of an image, and the instruction that
/// made it (shortened; Dockerfile instructions can run for pages).
fn layer_label(layer: &LayerRef) -> String {
    const LONGEST: usize = 80;
    let number = layer.index + 1;
    match layer.created_by.as_deref().map(str::trim) {
        Some(instruction) if !instruction.is_empty() => {
            // BuildKit writes `RUN /bin/sh -c ...  # buildkit`; the classic builder `/bin/sh -c #(nop) `.
            let instruction = instruction
                .trim_start_matches("/bin/sh -c #(nop) ")
                .trim_end_matches(" # buildkit")
                .trim();
            let short: String = instruction.chars().take(LONGEST).collect();
            let ellipsis = if short.len() < instruction.len() {
                "…"
            } else {
                ""
            };
            format!("layer {number}: {short}{ellipsis}")
        }
        _ => format!("layer {number}: {}", layer.diff_id),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layer_labels_name_the_instruction_shortly() {
        let layer = |created_by: Option<&str>| LayerRef {
            index: 0,
            diff_id: "sha256:abc".into(),
            created_by: created_by.map(str::to_string),
        };
        assert_eq!(
            layer_label(&layer(Some("/bin/sh -c #(nop) ADD file:1234 in / "))),
            "layer 1: ADD file:1234 in /"
        );
        assert_eq!(layer_label(&layer(None)), "layer 1: sha256:abc");
        assert_eq!(layer_label(&layer(Some("  "))), "layer 1: sha256:abc");
        let long = format!("RUN {}", "x".repeat(100));
        assert_eq!(
            layer_label(&layer(Some(&long))),
            format!("layer 1: RUN {}…", "x".repeat(76))
        );
    }
}
