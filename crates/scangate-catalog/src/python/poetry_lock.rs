//! `poetry.lock`: lock-version 1.x (`category`, `[metadata.files]`), 2.0 (neither category nor
//! groups) and 2.1 (`groups`, `markers`).
//!
//! Edges come from `[package.dependencies]`. What the sibling pyproject.toml names is direct.
//! Scope: dev for packages outside the main group (2.1 `groups`, 1.x `category`); a 2.0 lock
//! records neither, so the main group is what the pyproject's main dependencies reach.
//! Optional (extras-only) packages of the main group are optional.

use super::manifest::{self, Manifest};
use super::{array_table_lines, key};
use crate::support::toml;
use crate::{CatalogError, Cataloger, Catalogued, Context, SourceFile};
use scangate_fsview::file_name;
use scangate_types::{Ecosystem, Origin, Package, Scope};
use serde::Deserialize;
use std::collections::{HashMap, HashSet};

pub struct PoetryLock;

#[derive(Deserialize)]
struct Lock {
    #[serde(default)]
    package: Vec<Locked>,
}

#[derive(Deserialize)]
struct Locked {
    name: String,
    version: String,
    #[serde(default)]
    optional: bool,
    category: Option<String>,
    groups: Option<Vec<String>>,
    #[serde(default)]
    dependencies: ::toml::Table,
    source: Option<Source>,
}

#[derive(Deserialize)]
struct Source {
    #[serde(rename = "type")]
    kind: String,
    url: Option<String>,
    reference: Option<String>,
    resolved_reference: Option<String>,
}

impl Cataloger for PoetryLock {
    fn name(&self) -> &'static str {
        "python-poetry-lock"
    }

    fn matches(&self, path: &str) -> bool {
        file_name(path) == "poetry.lock"
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
        let by_name = index(&lock.package);
        let main = main_group(&lock.package, &by_name, manifest.as_ref());
        let lines = array_table_lines(text, "[[package]]", lock.package.len());

        for (locked, line) in lock.package.iter().zip(lines) {
            let mut package = Package::new(
                Ecosystem::PyPI,
                &locked.name,
                Some(locked.version.clone()),
                file.at(line),
            )
            .with_relationship(manifest::relationship(manifest.as_ref(), &locked.name))
            .with_origin(origin(locked.source.as_ref()));
            package.scope = scope(locked, &main);
            for dependency in locked.dependencies.keys() {
                for &i in by_name.get(&key(dependency)).into_iter().flatten() {
                    let target = &lock.package[i];
                    package.depends_on(&target.name, Some(&target.version));
                }
            }
            catalogued.packages.push(package);
        }
        Ok(catalogued)
    }
}

/// Package indices by [`key`]: a lock may hold several versions of one name.
fn index(packages: &[Locked]) -> HashMap<String, Vec<usize>> {
    let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, package) in packages.iter().enumerate() {
        by_name.entry(key(&package.name)).or_default().push(i);
    }
    by_name
}

/// Whether each package belongs to the main group, where the lock cannot say itself.
enum MainGroup {
    /// The lock records it (`groups` or `category`).
    Recorded,
    /// Keys of the packages the manifest's main dependencies reach.
    Reached(HashSet<String>),
    /// Neither the lock nor a manifest says.
    Unknown,
}

fn main_group(
    packages: &[Locked],
    by_name: &HashMap<String, Vec<usize>>,
    manifest: Option<&Manifest>,
) -> MainGroup {
    if packages
        .iter()
        .any(|p| p.groups.is_some() || p.category.is_some())
    {
        return MainGroup::Recorded;
    }
    let Some(manifest) = manifest else {
        return MainGroup::Unknown;
    };
    let mut reached: HashSet<String> = HashSet::new();
    let mut queue: Vec<String> = manifest.main.iter().cloned().collect();
    while let Some(name) = queue.pop() {
        if !reached.insert(name.clone()) {
            continue;
        }
        for &i in by_name.get(&name).into_iter().flatten() {
            queue.extend(packages[i].dependencies.keys().map(|dep| key(dep)));
        }
    }
    MainGroup::Reached(reached)
}

fn scope(package: &Locked, main: &MainGroup) -> Option<Scope> {
    let in_main = match (main, &package.groups, &package.category) {
        (_, Some(groups), _) => Some(groups.iter().any(|g| g == "main")),
        (_, None, Some(category)) => Some(category != "dev"),
        (MainGroup::Reached(reached), None, None) => Some(reached.contains(&key(&package.name))),
        _ => None,
    };
    match (in_main, package.optional) {
        (Some(false), _) => Some(Scope::Dev),
        (_, true) => Some(Scope::Optional),
        (Some(true), false) => Some(Scope::Prod),
        (None, false) => None,
    }
}

fn origin(source: Option<&Source>) -> Origin {
    let Some(source) = source else {
        return Origin::Registry;
    };
    let url = source.url.clone().unwrap_or_default();
    match source.kind.as_str() {
        "git" => Origin::Git {
            url,
            rev: source
                .resolved_reference
                .clone()
                .or_else(|| source.reference.clone()),
        },
        "directory" | "file" => Origin::Path { path: url },
        "url" => Origin::Url { url },
        // `legacy` and `pypi` are package indexes.
        _ => Origin::Registry,
    }
}
