//! `pdm.lock`: `[[package]]` entries with their `groups` and PEP 508 `dependencies`.
//!
//! The `default` group is prod; a group of the sibling pyproject.toml's
//! `[project.optional-dependencies]` is optional; any other group is dev. What the pyproject
//! names is direct. An entry for a package's extras (same name and version, `extras = [...]`)
//! adds its dependencies to that package rather than a second package.

use super::manifest::{self, Manifest};
use super::{array_table_lines, key, pep508, url_origin};
use crate::support::toml;
use crate::{CatalogError, Cataloger, Catalogued, Context, SourceFile};
use scangate_fsview::file_name;
use scangate_types::{Ecosystem, Origin, Package, Scope};
use serde::Deserialize;
use std::collections::HashMap;

pub struct PdmLock;

#[derive(Deserialize)]
struct Lock {
    #[serde(default)]
    package: Vec<Locked>,
}

#[derive(Deserialize)]
struct Locked {
    name: String,
    version: Option<String>,
    groups: Option<Vec<String>>,
    #[serde(default)]
    dependencies: Vec<String>,
    git: Option<String>,
    #[serde(rename = "ref")]
    reference: Option<String>,
    revision: Option<String>,
    path: Option<String>,
    url: Option<String>,
}

impl Cataloger for PdmLock {
    fn name(&self) -> &'static str {
        "python-pdm-lock"
    }

    fn matches(&self, path: &str) -> bool {
        file_name(path) == "pdm.lock"
    }

    fn catalog(
        &self,
        file: &SourceFile<'_>,
        ctx: &Context<'_>,
    ) -> Result<Catalogued, CatalogError> {
        let text = file.text()?;
        let lock: Lock = toml::from_str(text)?;
        let mut catalogued = Catalogued::default();
        let manifest =
            manifest::read_sibling(ctx, file.path, "pyproject.toml", manifest::pyproject)
                .unwrap_or_else(|warning| {
                    catalogued.warnings.push(warning);
                    None
                });
        let lines = array_table_lines(text, "[[package]]", lock.package.len());

        // One package per name and version; entries for its extras fold into it.
        let mut first: HashMap<(String, Option<&str>), usize> = HashMap::new();
        let mut folded: Vec<(usize, Vec<&Locked>)> = Vec::new();
        for (i, locked) in lock.package.iter().enumerate() {
            let id = (key(&locked.name), locked.version.as_deref());
            match first.get(&id) {
                Some(&at) => folded[at].1.push(locked),
                None => {
                    first.insert(id, folded.len());
                    folded.push((i, vec![locked]));
                }
            }
        }
        let mut by_name: HashMap<String, Vec<&Locked>> = HashMap::new();
        for (_, entries) in &folded {
            by_name
                .entry(key(&entries[0].name))
                .or_default()
                .push(entries[0]);
        }

        for (i, entries) in &folded {
            let locked = entries[0];
            let mut package = Package::new(
                Ecosystem::PyPI,
                &locked.name,
                locked.version.clone(),
                file.at(lines[*i]),
            )
            .with_relationship(manifest::relationship(manifest.as_ref(), &locked.name))
            .with_origin(origin(locked));
            package.scope = scope(entries, manifest.as_ref());
            let dependencies = entries.iter().flat_map(|e| &e.dependencies);
            for name in dependencies.filter_map(|d| pep508::parse(d).ok().map(|r| r.name)) {
                for target in by_name.get(&key(name)).into_iter().flatten() {
                    if !std::ptr::eq(*target, locked) {
                        package.depends_on(&target.name, target.version.as_deref());
                    }
                }
            }
            catalogued.packages.push(package);
        }
        Ok(catalogued)
    }
}

fn scope(entries: &[&Locked], manifest: Option<&Manifest>) -> Option<Scope> {
    let mut groups = entries
        .iter()
        .filter_map(|e| e.groups.as_ref())
        .flatten()
        .peekable();
    groups.peek()?;
    groups
        .map(|group| match group.as_str() {
            "default" => Scope::Prod,
            g if manifest.is_some_and(|m| m.optional.contains_key(g)) => Scope::Optional,
            _ => Scope::Dev,
        })
        .min()
}

fn origin(locked: &Locked) -> Origin {
    if let Some(url) = &locked.git {
        Origin::Git {
            url: url.clone(),
            rev: locked.revision.clone().or_else(|| locked.reference.clone()),
        }
    } else if let Some(path) = &locked.path {
        Origin::Path { path: path.clone() }
    } else if let Some(url) = &locked.url {
        url_origin(url)
    } else {
        Origin::Registry
    }
}
