//! `uv.lock`.
//!
//! The project and its workspace members (`editable`/`virtual` sources named in
//! `[manifest] members`, or at `.`) are not packages: what they depend on is direct. Scope
//! follows the edges from them: reached through `dependencies` is prod, through
//! `optional-dependencies` (extras) optional, through `dev-dependencies` dev. Several
//! versions of one name (resolution forks) are separate packages; a dependency that names a
//! version picks that one.

use super::{array_table_lines, key};
use crate::support::toml;
use crate::{CatalogError, Cataloger, Catalogued, Context, SourceFile};
use scangate_fsview::file_name;
use scangate_types::{Ecosystem, Origin, Package, Relationship, Scope};
use serde::Deserialize;
use serde::de::IgnoredAny;
use std::collections::{BTreeMap, HashMap, HashSet};

pub struct UvLock;

#[derive(Deserialize)]
struct Lock {
    #[serde(default)]
    package: Vec<Locked>,
    manifest: Option<LockManifest>,
}

#[derive(Deserialize)]
struct LockManifest {
    #[serde(default)]
    members: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
struct Locked {
    name: String,
    version: Option<String>,
    source: Option<Source>,
    #[serde(default)]
    dependencies: Vec<Dependency>,
    #[serde(default)]
    optional_dependencies: BTreeMap<String, Vec<Dependency>>,
    #[serde(default)]
    dev_dependencies: BTreeMap<String, Vec<Dependency>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
enum Source {
    Registry(IgnoredAny),
    Git(String),
    Path(String),
    Directory(String),
    Editable(String),
    Virtual(String),
    Url(String),
}

#[derive(Deserialize)]
struct Dependency {
    name: String,
    version: Option<String>,
    #[serde(default)]
    extra: Vec<String>,
}

impl Locked {
    fn is_project(&self, members: &HashSet<String>) -> bool {
        match &self.source {
            Some(Source::Editable(path) | Source::Virtual(path)) => {
                path == "." || members.contains(&key(&self.name))
            }
            _ => false,
        }
    }

    /// Every dependency, whatever extra or group asks for it.
    fn all_dependencies(&self) -> impl Iterator<Item = &Dependency> {
        let optional = self.optional_dependencies.values().flatten();
        let dev = self.dev_dependencies.values().flatten();
        self.dependencies.iter().chain(optional).chain(dev)
    }
}

impl Cataloger for UvLock {
    fn name(&self) -> &'static str {
        "python-uv-lock"
    }

    fn matches(&self, path: &str) -> bool {
        file_name(path) == "uv.lock"
    }

    fn catalog(
        &self,
        file: &SourceFile<'_>,
        _ctx: &Context<'_>,
    ) -> Result<Catalogued, CatalogError> {
        let text = file.text()?;
        let lock: Lock = toml::from_str(text)?;
        let graph = Graph::new(&lock);
        let scopes = graph.scopes();
        let direct: HashSet<usize> = graph
            .projects()
            .flat_map(|p| graph.resolve_all(lock.package[p].all_dependencies()))
            .collect();
        let lines = array_table_lines(text, "[[package]]", lock.package.len());

        let mut packages = Vec::new();
        for (i, (locked, line)) in lock.package.iter().zip(lines).enumerate() {
            if graph.is_project[i] {
                continue;
            }
            let relationship = if direct.contains(&i) {
                Relationship::Direct
            } else {
                Relationship::Transitive
            };
            let mut package = Package::new(
                Ecosystem::PyPI,
                &locked.name,
                locked.version.clone(),
                file.at(line),
            )
            .with_relationship(relationship)
            .with_origin(origin(locked.source.as_ref()));
            package.scope = scopes[i];
            for target in graph.resolve_all(locked.all_dependencies()) {
                if !graph.is_project[target] {
                    let target = &lock.package[target];
                    package.depends_on(&target.name, target.version.as_deref());
                }
            }
            packages.push(package);
        }
        Ok(packages.into())
    }
}

struct Graph<'l> {
    packages: &'l [Locked],
    by_name: HashMap<String, Vec<usize>>,
    is_project: Vec<bool>,
}

impl<'l> Graph<'l> {
    fn new(lock: &'l Lock) -> Graph<'l> {
        let members: HashSet<String> = lock
            .manifest
            .iter()
            .flat_map(|m| &m.members)
            .map(|name| key(name))
            .collect();
        let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, package) in lock.package.iter().enumerate() {
            by_name.entry(key(&package.name)).or_default().push(i);
        }
        Graph {
            packages: &lock.package,
            by_name,
            is_project: lock
                .package
                .iter()
                .map(|p| p.is_project(&members))
                .collect(),
        }
    }

    fn projects(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.packages.len()).filter(|&i| self.is_project[i])
    }

    /// The package a dependency names: the only one of that name, or the one of its version.
    fn resolve(&self, dependency: &Dependency) -> Option<usize> {
        let candidates = self.by_name.get(&key(&dependency.name))?;
        candidates.iter().copied().find(|&i| {
            dependency.version.is_none() || self.packages[i].version == dependency.version
        })
    }

    fn resolve_all<'d>(
        &'d self,
        dependencies: impl Iterator<Item = &'d Dependency> + 'd,
    ) -> impl Iterator<Item = usize> + 'd {
        dependencies.filter_map(|d| self.resolve(d))
    }

    /// Each package's scope: the first of prod, optional, dev whose edges reach it.
    fn scopes(&self) -> Vec<Option<Scope>> {
        let mut scopes = vec![None; self.packages.len()];
        let projects: Vec<&Locked> = self.projects().map(|p| &self.packages[p]).collect();
        let seeds: [(Scope, Vec<&Dependency>); 3] = [
            (
                Scope::Prod,
                projects.iter().flat_map(|p| &p.dependencies).collect(),
            ),
            (
                Scope::Optional,
                projects
                    .iter()
                    .flat_map(|p| p.optional_dependencies.values().flatten())
                    .collect(),
            ),
            (
                Scope::Dev,
                projects
                    .iter()
                    .flat_map(|p| p.dev_dependencies.values().flatten())
                    .collect(),
            ),
        ];
        for (scope, seeds) in seeds {
            self.reach(seeds, |i| {
                scopes[i].get_or_insert(scope);
            });
        }
        scopes
    }

    /// Walks the edges from `seeds`, following a package's extras only where a dependency
    /// asks for them.
    fn reach(&self, seeds: Vec<&'l Dependency>, mut visit: impl FnMut(usize)) {
        let mut seen: HashSet<(usize, Option<&str>)> = HashSet::new();
        let mut queue: Vec<(usize, Option<&str>)> = Vec::new();
        let push = |queue: &mut Vec<(usize, Option<&'l str>)>, dependency: &'l Dependency| {
            if let Some(target) = self.resolve(dependency) {
                queue.push((target, None));
                queue.extend(dependency.extra.iter().map(|e| (target, Some(e.as_str()))));
            }
        };
        for dependency in seeds {
            push(&mut queue, dependency);
        }
        while let Some((i, extra)) = queue.pop() {
            if !seen.insert((i, extra)) {
                continue;
            }
            let package = &self.packages[i];
            let next = match extra {
                None => {
                    visit(i);
                    package.dependencies.as_slice()
                }
                Some(extra) => package
                    .optional_dependencies
                    .get(extra)
                    .map_or(&[][..], Vec::as_slice),
            };
            for dependency in next {
                push(&mut queue, dependency);
            }
        }
    }
}

fn origin(source: Option<&Source>) -> Origin {
    match source {
        None | Some(Source::Registry(_)) => Origin::Registry,
        // `https://host/repo.git?tag=v1#<commit>`: the fragment is the locked commit.
        Some(Source::Git(url)) => {
            let (url, commit) = url
                .split_once('#')
                .map_or((url.as_str(), None), |(u, c)| (u, Some(c)));
            Origin::Git {
                url: url.split('?').next().unwrap_or(url).to_string(),
                rev: commit.map(str::to_string),
            }
        }
        Some(
            Source::Path(path)
            | Source::Directory(path)
            | Source::Editable(path)
            | Source::Virtual(path),
        ) => Origin::Path { path: path.clone() },
        Some(Source::Url(url)) => Origin::Url { url: url.clone() },
    }
}
