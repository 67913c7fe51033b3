//! `Pipfile.lock` (pipenv): `default` holds the prod packages, `develop` (and any custom
//! category) the rest. The lock records no edges: what the sibling `Pipfile` names is direct,
//! the rest transitive; without a `Pipfile` the relationship is unknown.

use super::manifest;
use super::{archive_version, url_origin};
use crate::support::json;
use crate::{CatalogError, Cataloger, Catalogued, Context, SourceFile};
use scangate_fsview::file_name;
use scangate_types::{Ecosystem, Location, Origin, Package, Scope};
use serde_json::{Map, Value};

pub struct PipfileLock;

impl Cataloger for PipfileLock {
    fn name(&self) -> &'static str {
        "python-pipfile-lock"
    }

    fn matches(&self, path: &str) -> bool {
        file_name(path) == "Pipfile.lock"
    }

    fn catalog(
        &self,
        file: &SourceFile<'_>,
        ctx: &Context<'_>,
    ) -> Result<Catalogued, CatalogError> {
        let text = file.text()?;
        let doc: Value = json::from_str(text)?;
        let sections = doc
            .as_object()
            .ok_or_else(|| CatalogError::new("Pipfile.lock is not a JSON object"))?;
        let mut catalogued = Catalogued::default();
        let manifest = manifest::read_sibling(ctx, file.path, "Pipfile", manifest::pipfile)
            .unwrap_or_else(|warning| {
                catalogued.warnings.push(warning);
                None
            });
        for (section, entries) in sections.iter().filter(|(section, _)| *section != "_meta") {
            let scope = if section == "default" {
                Scope::Prod
            } else {
                Scope::Dev
            };
            let entries = entries
                .as_object()
                .ok_or_else(|| CatalogError::new(format!("`{section}` is not an object")))?;
            let lines = json::key_lines(text, &[section]);
            for (name, entry) in entries {
                let entry = entry.as_object().ok_or_else(|| {
                    CatalogError::new(format!("`{section}.{name}` is not an object"))
                })?;
                let line = lines.get(name).copied();
                let package = locked_package(name, entry, file.at(line))
                    .with_scope(scope)
                    .with_relationship(manifest::relationship(manifest.as_ref(), name));
                catalogued.packages.push(package);
            }
        }
        Ok(catalogued)
    }
}

fn locked_package(name: &str, entry: &Map<String, Value>, at: Location) -> Package {
    let field = |key: &str| entry.get(key).and_then(Value::as_str);
    let origin = if let Some(url) = field("git") {
        Origin::Git {
            url: url.to_string(),
            rev: field("ref").map(str::to_string),
        }
    } else if let Some(path) = field("path") {
        Origin::Path {
            path: path.to_string(),
        }
    } else if let Some(url) = field("file") {
        url_origin(url)
    } else {
        Origin::Registry
    };
    let spec = field("version");
    let pinned = spec.and_then(|v| v.strip_prefix("===").or_else(|| v.strip_prefix("==")));
    let version = pinned
        .map(str::to_string)
        .or_else(|| field("file").and_then(|url| archive_version(name, url)));
    let mut package = Package::new(Ecosystem::PyPI, name, version, at).with_origin(origin);
    if pinned.is_none()
        && let Some(spec) = spec
    {
        package = package.with_requirement(spec);
    }
    package
}
