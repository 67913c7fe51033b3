//! The project's own manifest beside a lockfile (pyproject.toml, Pipfile): which names it
//! asks for directly, and in which group. Lockfiles use it to tell direct from transitive.

use super::{key, pep508};
use crate::support::toml;
use crate::{CatalogError, Context, Diagnostic};
use ::toml::{Table, Value};
use scangate_fsview::{join, parent};
use scangate_types::Relationship;
use std::collections::{HashMap, HashSet};

/// Names (as [`key`]s) a manifest asks for, by group.
#[derive(Debug, Default)]
pub(crate) struct Manifest {
    pub main: HashSet<String>,
    /// Extras (`[project.optional-dependencies]`): shipped on request.
    pub optional: HashMap<String, HashSet<String>>,
    /// Development groups (PEP 735, Poetry groups, PDM and uv dev dependencies, Pipfile
    /// `[dev-packages]`).
    pub dev: HashMap<String, HashSet<String>>,
}

impl Manifest {
    /// Whether the manifest names `name` in any group.
    pub fn names(&self, name: &str) -> bool {
        let name = key(name);
        self.main.contains(&name)
            || self.optional.values().any(|names| names.contains(&name))
            || self.dev.values().any(|names| names.contains(&name))
    }
}

/// Direct when the manifest names the package, transitive when it does not, unknown without
/// a manifest.
pub(crate) fn relationship(manifest: Option<&Manifest>, name: &str) -> Relationship {
    match manifest {
        Some(manifest) if manifest.names(name) => Relationship::Direct,
        Some(_) => Relationship::Transitive,
        None => Relationship::Unknown,
    }
}

/// A manifest a lockfile reads beside it.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Sibling {
    Pyproject,
    Pipfile,
}

impl Sibling {
    fn file_name(self) -> &'static str {
        match self {
            Sibling::Pyproject => "pyproject.toml",
            Sibling::Pipfile => "Pipfile",
        }
    }

    fn parse(self, text: &str) -> Result<Manifest, CatalogError> {
        match self {
            Sibling::Pyproject => pyproject(text),
            Sibling::Pipfile => pipfile(text),
        }
    }

    /// The manifest next to `lock_path`: `None` when there is none, or when it cannot be read,
    /// which is a warning in `warnings` (the lockfile is still read, with relationships
    /// unknown).
    pub fn read(
        self,
        ctx: &Context<'_>,
        lock_path: &str,
        warnings: &mut Vec<Diagnostic>,
    ) -> Option<Manifest> {
        let file_name = self.file_name();
        let path = join(parent(lock_path), file_name).unwrap_or_else(|| file_name.to_string());
        if !ctx.view.is_file(&path) {
            return None;
        }
        let read = ctx.read_text(&path).and_then(|text| {
            self.parse(&text).map_err(|err| {
                let at = err.line.map(|line| format!(":{line}")).unwrap_or_default();
                CatalogError::new(format!("{file_name}{at}: {}", err.message))
            })
        });
        match read {
            Ok(manifest) => Some(manifest),
            Err(err) => {
                warnings.push(Diagnostic::new(
                    None,
                    format!("{}; direct dependencies unknown", err.message),
                ));
                None
            }
        }
    }
}

/// `pyproject.toml`: PEP 621 and PEP 735 tables, and Poetry's, PDM's and uv's own.
fn pyproject(text: &str) -> Result<Manifest, CatalogError> {
    let doc: Table = toml::from_str(text)?;
    let mut manifest = Manifest::default();
    let project = doc.get("project");
    add_requirements(&mut manifest.main, get(project, "dependencies"));
    for (group, list) in tables(get(project, "optional-dependencies")) {
        add_requirements(
            manifest.optional.entry(group.clone()).or_default(),
            Some(list),
        );
    }
    for (group, list) in tables(doc.get("dependency-groups")) {
        add_requirements(manifest.dev.entry(group.clone()).or_default(), Some(list));
    }

    let tool = doc.get("tool");
    let poetry = get(tool, "poetry");
    add_keys(&mut manifest.main, get(poetry, "dependencies"));
    add_keys(
        manifest.dev.entry("dev".into()).or_default(),
        get(poetry, "dev-dependencies"),
    );
    for (group, table) in tables(get(poetry, "group")) {
        let names = if group == "main" {
            &mut manifest.main
        } else {
            manifest.dev.entry(group.clone()).or_default()
        };
        add_keys(names, get(Some(table), "dependencies"));
    }
    for (group, list) in tables(get(get(tool, "pdm"), "dev-dependencies")) {
        add_requirements(manifest.dev.entry(group.clone()).or_default(), Some(list));
    }
    add_requirements(
        manifest.dev.entry("dev".into()).or_default(),
        get(get(tool, "uv"), "dev-dependencies"),
    );
    Ok(manifest)
}

/// `Pipfile`: `[packages]` is the main group; `[dev-packages]` and custom categories are not.
fn pipfile(text: &str) -> Result<Manifest, CatalogError> {
    let doc: Table = toml::from_str(text)?;
    let mut manifest = Manifest::default();
    for (section, value) in &doc {
        if matches!(
            section.as_str(),
            "source" | "requires" | "pipenv" | "scripts"
        ) {
            continue;
        }
        let names = if section == "packages" {
            &mut manifest.main
        } else {
            manifest.dev.entry(section.clone()).or_default()
        };
        add_keys(names, Some(value));
    }
    Ok(manifest)
}

fn get<'a>(value: Option<&'a Value>, field: &str) -> Option<&'a Value> {
    value?.as_table()?.get(field)
}

fn tables(value: Option<&Value>) -> impl Iterator<Item = (&String, &Value)> {
    value.and_then(Value::as_table).into_iter().flatten()
}

/// Names of a list of PEP 508 strings; entries that are not (PEP 735 `include-group` tables,
/// PDM's `-e` lines) name no package here.
fn add_requirements(names: &mut HashSet<String>, list: Option<&Value>) {
    let strings = list.and_then(Value::as_array).into_iter().flatten();
    for text in strings.filter_map(Value::as_str) {
        if let Ok(requirement) = pep508::parse(text) {
            names.insert(key(requirement.name));
        }
    }
}

/// Keys of a Poetry or Pipfile dependency table; `python` is the interpreter, not a package.
fn add_keys(names: &mut HashSet<String>, table: Option<&Value>) {
    for name in tables(table).map(|(name, _)| name) {
        if name != "python" {
            names.insert(key(name));
        }
    }
}
