//! `gradle/libs.versions.toml`: Gradle's version catalog.
//!
//! Each `[libraries]` entry is a package at its line, whether written `"g:a:v"`,
//! `{ module = "g:a", version.ref = "x" }` or `{ group, name, version }`. Versions come from the
//! entry or `[versions]`; a rich version is exact when its `strictly` or `require` is one exact
//! version, else it is kept as a requirement (`strictly [1.0, 2.0[, prefer 1.5`). `[bundles]`
//! only group libraries for build scripts; `[plugins]` are not packages.
//!
//! The build scripts using the catalog (those with no nearer `gradle/libs.versions.toml`) give
//! referenced libraries their scope and make them direct; see the `java` module doc.

use super::gradle_dsl::{Notation, configuration_scope, declarations, is_build_script, tokenize};
use super::{Coordinates, Declared, placed, stronger};
use crate::support::LineIndex;
use crate::{CatalogError, Cataloger, Catalogued, Context, Diagnostic, SourceFile};
use scangate_fsview::{file_name, join, parent};
use scangate_types::{Relationship, Scope};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use toml::{Spanned, Value};

pub struct VersionCatalog;

const CATALOG: &str = "gradle/libs.versions.toml";

impl Cataloger for VersionCatalog {
    fn name(&self) -> &'static str {
        "gradle-version-catalog"
    }

    fn matches(&self, path: &str) -> bool {
        file_name(path) == "libs.versions.toml" && file_name(parent(path)) == "gradle"
    }

    fn catalog(
        &self,
        file: &SourceFile<'_>,
        ctx: &Context<'_>,
    ) -> Result<Catalogued, CatalogError> {
        let catalog = Catalog::parse(file.text()?)?;
        let used = references(ctx, file.path, &catalog);
        let packages = catalog
            .libraries
            .iter()
            .map(|library| {
                let package = library
                    .version
                    .clone()
                    .package(file, &library.name, library.line);
                match used.get(&library.accessor) {
                    Some(scope) => placed(package, Relationship::Direct, *scope),
                    None => placed(package, Relationship::Unknown, None),
                }
            })
            .collect();
        Ok(Catalogued {
            packages,
            warnings: catalog.warnings,
        })
    }
}

/// The nearest `gradle/libs.versions.toml` at or above the folder `dir`.
pub(crate) fn nearest_catalog(ctx: &Context<'_>, dir: &str) -> Option<String> {
    let mut dir = dir;
    loop {
        let candidate = join(dir, CATALOG)?;
        if ctx.view.is_file(&candidate) {
            return Some(candidate);
        }
        if dir.is_empty() {
            return None;
        }
        dir = parent(dir);
    }
}

/// The scope each library referenced by the catalog's build scripts gets, by accessor.
fn references(
    ctx: &Context<'_>,
    catalog_path: &str,
    catalog: &Catalog,
) -> HashMap<String, Option<Scope>> {
    let root = parent(parent(catalog_path)).to_string();
    let under_root = |p: &str| root.is_empty() || p.starts_with(&format!("{root}/"));
    let scripts = ctx
        .view
        .files(&|p| is_build_script(p) && under_root(p))
        .files;
    let mut used: HashMap<String, Option<Scope>> = HashMap::new();
    for script in scripts {
        if nearest_catalog(ctx, parent(&script)).as_deref() != Some(catalog_path) {
            continue;
        }
        let Ok(text) = ctx.read_text(&script) else {
            continue;
        };
        let Ok(tokens) = tokenize(&text, script.ends_with(".kts")) else {
            continue;
        };
        for declaration in declarations(&tokens) {
            let Notation::Catalog(accessor) = &declaration.notation else {
                continue;
            };
            let scope = configuration_scope(&declaration.configuration);
            for library in catalog.resolve(accessor).unwrap_or_default() {
                let entry = used.entry(library.accessor.clone()).or_insert(scope);
                *entry = stronger(*entry, scope);
            }
        }
    }
    used
}

/// A version catalog, read.
pub(crate) struct Catalog {
    pub libraries: Vec<Library>,
    by_accessor: HashMap<String, usize>,
    bundles: HashMap<String, Vec<String>>,
    versions: HashMap<String, Declared>,
    pub warnings: Vec<Diagnostic>,
}

pub(crate) struct Library {
    /// The alias as build scripts write it after `libs.`: `-` and `_` become `.`.
    pub accessor: String,
    pub name: String,
    pub version: Declared,
    pub line: u32,
}

#[derive(Deserialize)]
struct RawCatalog {
    #[serde(default)]
    versions: BTreeMap<String, Value>,
    #[serde(default)]
    libraries: BTreeMap<Spanned<String>, Value>,
    #[serde(default)]
    bundles: BTreeMap<String, Vec<String>>,
}

fn accessor(alias: &str) -> String {
    alias.replace(['-', '_'], ".")
}

impl Catalog {
    pub fn parse(text: &str) -> Result<Catalog, CatalogError> {
        let raw: RawCatalog = crate::support::toml::from_str(text)?;
        let lines = LineIndex::new(text);
        let versions: HashMap<String, Declared> = raw
            .versions
            .iter()
            .filter_map(|(alias, value)| Some((alias.clone(), declared(value)?)))
            .collect();
        let mut catalog = Catalog {
            libraries: Vec::new(),
            by_accessor: HashMap::new(),
            bundles: raw
                .bundles
                .into_iter()
                .map(|(alias, members)| {
                    (
                        accessor(&alias),
                        members.iter().map(|m| accessor(m)).collect(),
                    )
                })
                .collect(),
            versions,
            warnings: Vec::new(),
        };
        for (alias, value) in &raw.libraries {
            let line = lines.line(alias.span().start);
            match library(value, &catalog.versions) {
                Ok((name, version)) => {
                    catalog
                        .by_accessor
                        .insert(accessor(alias.get_ref()), catalog.libraries.len());
                    catalog.libraries.push(Library {
                        accessor: accessor(alias.get_ref()),
                        name,
                        version,
                        line,
                    });
                }
                Err(problem) => catalog.warnings.push(Diagnostic::new(
                    Some(line),
                    format!("library `{}` {problem}; skipped", alias.get_ref()),
                )),
            }
        }
        Ok(catalog)
    }

    /// The libraries an accessor (`some.lib`, `bundles.x`) stands for; `None` when it names
    /// nothing in the catalog.
    pub fn resolve(&self, accessor: &str) -> Option<Vec<&Library>> {
        let library = |accessor: &str| self.by_accessor.get(accessor).map(|&i| &self.libraries[i]);
        match accessor.strip_prefix("bundles.") {
            Some(bundle) => Some(
                self.bundles
                    .get(bundle)?
                    .iter()
                    .filter_map(|a| library(a))
                    .collect(),
            ),
            None => library(accessor).map(|l| vec![l]),
        }
    }

    /// The exact version `libs.versions.<accessor>` stands for.
    pub fn version(&self, wanted: &str) -> Option<&str> {
        self.versions
            .iter()
            .find_map(|(alias, version)| match version {
                Declared::Exact(version) if accessor(alias) == wanted => Some(version.as_str()),
                _ => None,
            })
    }
}

/// A library's coordinates and version, or what is wrong with the entry.
fn library(
    value: &Value,
    versions: &HashMap<String, Declared>,
) -> Result<(String, Declared), String> {
    let table = match value {
        Value::String(notation) => {
            let coordinates = Coordinates::parse(notation)
                .ok_or_else(|| format!("is not `group:artifact:version`: `{notation}`"))?;
            let version = coordinates
                .version
                .as_deref()
                .map_or(Declared::Unknown, Declared::gradle);
            return Ok((coordinates.name, version));
        }
        Value::Table(table) => table,
        _ => return Err("is neither a string nor a table".to_string()),
    };
    let text = |key: &str| table.get(key).and_then(Value::as_str);
    let name = match (text("module"), text("group"), text("name")) {
        (Some(module), _, _) => Coordinates::parse(module)
            .filter(|c| c.version.is_none())
            .map(|c| c.name)
            .ok_or_else(|| format!("has a module that is not `group:artifact`: `{module}`"))?,
        (None, Some(group), Some(name)) => format!("{group}:{name}"),
        _ => return Err("needs `module`, or `group` and `name`".to_string()),
    };
    let version = match table.get("version") {
        None => Declared::Unknown,
        Some(Value::Table(version)) if version.contains_key("ref") => {
            let reference = version
                .get("ref")
                .and_then(Value::as_str)
                .unwrap_or_default();
            versions.get(reference).cloned().ok_or_else(|| {
                format!("refers to version `{reference}`, which [versions] does not define")
            })?
        }
        Some(value) => declared(value)
            .ok_or_else(|| "has a version that is neither a string nor a table".to_string())?,
    };
    Ok((name, version))
}

/// A version string, or a rich version table.
fn declared(value: &Value) -> Option<Declared> {
    let table = match value {
        Value::String(version) => return Some(Declared::gradle(version)),
        Value::Table(table) => table,
        _ => return None,
    };
    let text = |key: &str| table.get(key).and_then(Value::as_str);
    for key in ["strictly", "require"] {
        if let Some(Declared::Exact(version)) = text(key).map(Declared::gradle) {
            return Some(Declared::Exact(version));
        }
    }
    let constraints: Vec<String> = ["strictly", "require", "prefer"]
        .into_iter()
        .filter_map(|key| Some(format!("{key} {}", text(key)?)))
        .collect();
    Some(if constraints.is_empty() {
        Declared::Unknown
    } else {
        Declared::Requirement(constraints.join(", "))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{issues, rows, scan_fixture};

    #[test]
    fn rich_versions_are_exact_only_when_pinned() {
        let rich = |text: &str| {
            declared(&toml::from_str::<toml::Table>(&format!("v = {text}")).unwrap()["v"])
        };
        assert_eq!(rich("\"1.0\""), Some(Declared::Exact("1.0".into())));
        assert_eq!(
            rich("{ strictly = \"1.0\" }"),
            Some(Declared::Exact("1.0".into()))
        );
        assert_eq!(
            rich("{ require = \"1.0\", prefer = \"1.1\" }"),
            Some(Declared::Exact("1.0".into()))
        );
        assert_eq!(
            rich("{ strictly = \"[1.0, 2.0[\", prefer = \"1.5\" }"),
            Some(Declared::Requirement(
                "strictly [1.0, 2.0[, prefer 1.5".into()
            ))
        );
        assert_eq!(rich("{ reject = [\"1.0\"] }"), Some(Declared::Unknown));
        assert_eq!(rich("1"), None);
    }

    #[test]
    fn catalog_entries_unreferenced_and_broken() {
        let inventory = scan_fixture("java/version-catalog/standalone");
        assert_eq!(
            rows(&inventory),
            [
                "com.fasterxml.jackson.core:jackson-databind 2.9.8 unknown - good/gradle/libs.versions.toml:7",
                "org.apache.logging.log4j:log4j-core 2.14.1 unknown - good/gradle/libs.versions.toml:8",
                "org.springframework:spring-core req:strictly [5.3, 6.0[, prefer 5.3.17 unknown - good/gradle/libs.versions.toml:9",
                "org.apache.logging.log4j:log4j-api - unknown - good/gradle/libs.versions.toml:10",
            ]
        );
        assert_eq!(
            issues(&inventory),
            [
                "bad/gradle/libs.versions.toml:5: invalid TOML: unclosed inline table, expected `}`",
                "good/gradle/libs.versions.toml:11: library `broken` needs `module`, or `group` and `name`; skipped",
                "good/gradle/libs.versions.toml:12: library `dangling` refers to version `nope`, which [versions] does not define; skipped",
            ]
        );
    }
}
