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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{issues, rows, scan_fixture, scan_fixture_with};
    use scangate_fsview::SkipRules;

    #[test]
    fn installed_metadata_with_licences() {
        let walk_installed = SkipRules::new(&[], &[], true).unwrap();
        let inventory = scan_fixture_with("python/installed/site", walk_installed);
        let site = "lib/python3.11/site-packages";
        assert_eq!(
            rows(&inventory),
            [
                format!("Jinja2 2.11.2 unknown - {site}/Jinja2-2.11.2.dist-info/METADATA:2"),
                format!("PyYAML 5.3.1 unknown - {site}/PyYAML-5.3.1-py3.11.egg-info/PKG-INFO:2"),
                format!("attrs 26.1.0 unknown - {site}/attrs-26.1.0.dist-info/METADATA:2"),
                format!("legacy_tool 0.1 unknown - {site}/legacy_tool-0.1.dist-info/METADATA:2"),
                format!("urllib3 1.26.4 unknown - {site}/urllib3-1.26.4.dist-info/METADATA:2"),
                "six 1.15.0 unknown - usr/lib/python3/dist-packages/six-1.15.0.egg-info:2"
                    .to_string(),
            ]
        );
        assert_eq!(
            issues(&inventory),
            [format!(
                "{site}/broken-1.0.dist-info/METADATA: no Version field in the metadata"
            )]
        );
        let licenses: Vec<(&str, Vec<String>)> = inventory
            .packages
            .iter()
            .map(|p| (p.purl.as_str(), p.licenses.clone()))
            .collect();
        assert_eq!(
            licenses,
            [
                ("pkg:pypi/jinja2@2.11.2", vec!["BSD-3-Clause".to_string()]),
                ("pkg:pypi/pyyaml@5.3.1", vec!["MIT".to_string()]),
                ("pkg:pypi/attrs@26.1.0", vec!["MIT".to_string()]),
                (
                    "pkg:pypi/legacy-tool@0.1",
                    vec!["Apache Software License".to_string()]
                ),
                ("pkg:pypi/urllib3@1.26.4", vec!["MIT".to_string()]),
                ("pkg:pypi/six@1.15.0", vec!["MIT".to_string()]),
            ]
        );
    }

    #[test]
    fn installed_folders_are_left_alone_by_default() {
        assert!(scan_fixture("python/installed/site").packages.is_empty());
    }

    #[test]
    fn only_metadata_in_installed_folders_matches() {
        let cataloger = InstalledMetadata;
        assert!(cataloger.matches("venv/lib/python3.12/site-packages/a-1.dist-info/METADATA"));
        assert!(cataloger.matches("usr/lib/python3/dist-packages/a-1.egg-info/PKG-INFO"));
        assert!(!cataloger.matches("src/demo.egg-info/PKG-INFO"));
        assert!(!cataloger.matches("venv/lib/python3.12/site-packages/a-1.dist-info/RECORD"));
    }
}
