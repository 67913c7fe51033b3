//! Metadata of installed packages: `*.dist-info/METADATA`, `*.egg-info/PKG-INFO` and
//! single-file `*.egg-info`, found under `site-packages` or `dist-packages` (walked with
//! `--include-installed`, and in images).
//!
//! The email-header format of the core metadata specification: `Field: value` lines up to
//! the first blank line, continued by indented lines. One package per file; the file says
//! nothing of how it was asked for, so the relationship is unknown and there is no scope.

use crate::{CatalogError, Cataloger, Catalogued, Context, SourceFile};
use scangate_fsview::file_name;
use scangate_types::{Ecosystem, Package};

pub struct InstalledMetadata;

/// A licence in the `License` field longer than this is the licence text, not its name.
const MAX_LICENSE_NAME: usize = 100;

impl Cataloger for InstalledMetadata {
    fn name(&self) -> &'static str {
        "python-installed"
    }

    fn matches(&self, path: &str) -> bool {
        let installed = path
            .split('/')
            .any(|dir| dir == "site-packages" || dir == "dist-packages");
        installed
            && (path.ends_with(".dist-info/METADATA")
                || path.ends_with(".egg-info/PKG-INFO")
                || file_name(path).ends_with(".egg-info"))
    }

    fn catalog(
        &self,
        file: &SourceFile<'_>,
        _ctx: &Context<'_>,
    ) -> Result<Catalogued, CatalogError> {
        let fields = fields(file.text()?);
        let field = |name: &str| {
            fields
                .iter()
                .find(|f| f.name.eq_ignore_ascii_case(name))
                .filter(|f| !f.value.is_empty())
        };
        let missing = |name: &str| CatalogError::new(format!("no {name} field in the metadata"));
        let name = field("Name").ok_or_else(|| missing("Name"))?;
        let version = field("Version").ok_or_else(|| missing("Version"))?;
        let package = Package::new(
            Ecosystem::PyPI,
            &name.value,
            Some(version.value.clone()),
            file.at(Some(name.line)),
        )
        .with_licenses(licenses(&fields));
        Ok(vec![package].into())
    }
}

struct Field {
    name: String,
    value: String,
    line: u32,
}

/// The header fields. A line that is neither a field nor a continuation ends them, as it
/// does for Python's own email parser.
fn fields(text: &str) -> Vec<Field> {
    let mut fields: Vec<Field> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        // Only an empty line ends the fields: a blank continuation line stays in its field.
        if line.is_empty() {
            break;
        }
        if line.starts_with([' ', '\t']) {
            match fields.last_mut() {
                Some(field) => {
                    field.value.push('\n');
                    field.value.push_str(line.trim());
                }
                None => break,
            }
            continue;
        }
        let Some((name, value)) = line.split_once(':') else {
            break;
        };
        fields.push(Field {
            name: name.trim().to_string(),
            value: value.trim().to_string(),
            line: i as u32 + 1,
        });
    }
    fields
}

/// `License-Expression`, else a short `License`, else the licence classifiers.
fn licenses(fields: &[Field]) -> Vec<String> {
    let values = |name: &'static str| {
        fields
            .iter()
            .filter(move |f| f.name.eq_ignore_ascii_case(name))
            .map(|f| f.value.trim())
    };
    if let Some(expression) = values("License-Expression").find(|v| !v.is_empty()) {
        return vec![expression.to_string()];
    }
    let short = |v: &&str| {
        !v.is_empty() && !v.contains('\n') && v.len() <= MAX_LICENSE_NAME && *v != "UNKNOWN"
    };
    if let Some(license) = values("License").find(short) {
        return vec![license.to_string()];
    }
    values("Classifier")
        .filter_map(|c| c.strip_prefix("License ::"))
        .filter_map(|c| c.rsplit("::").next().map(str::trim))
        .filter(|name| !name.is_empty() && *name != "OSI Approved")
        .map(str::to_string)
        .collect()
}
