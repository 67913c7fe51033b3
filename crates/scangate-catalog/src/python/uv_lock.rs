//! `uv.lock`.
//!
//! The project and its workspace members (`editable`/`virtual` sources named in
//! `[manifest] members`, or at `.`) are not packages: what they depend on is direct. Scope
//! follows the edges from them: reached through `dependencies` is prod, through
//! `optional-dependencies` (extras) optional, through `dev-dependencies` dev. Several
//! versions of one name (resolution forks) are separate packages; a dependency that names a
//! version picks that one.

use super::lock_graph::{positions_by_key, reachable};
use super::{array_table_lines, key};
use crate::support::toml;
use crate::{CatalogError, Cataloger, Catalogued, Context, SourceFile};
use scangate_fsview::file_name;
use scangate_types::{Ecosystem, Origin, Package, Relationship, Scope};
use serde::Deserialize;
use serde::de::IgnoredAny;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::iter;

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
        Graph {
            packages: &lock.package,
            by_name: positions_by_key(lock.package.iter().map(|p| p.name.as_str())),
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
            for i in self.reach(seeds) {
                scopes[i].get_or_insert(scope);
            }
        }
        scopes
    }

    /// The packages the edges from `seeds` reach, following a package's extras only where a
    /// dependency asks for them: the walk's nodes are packages (`None`) and their extras.
    fn reach(&self, seeds: Vec<&'l Dependency>) -> Vec<usize> {
        let targets = |dependency: &'l Dependency| {
            self.resolve(dependency).into_iter().flat_map(|target| {
                let extras = dependency.extra.iter().map(|e| Some(e.as_str()));
                iter::once(None)
                    .chain(extras)
                    .map(move |extra| (target, extra))
            })
        };
        let reached = reachable(seeds.into_iter().flat_map(targets), |&(i, extra)| {
            let package = &self.packages[i];
            let next = match extra {
                None => package.dependencies.as_slice(),
                Some(extra) => package
                    .optional_dependencies
                    .get(extra)
                    .map_or(&[][..], Vec::as_slice),
            };
            next.iter().flat_map(targets)
        });
        let packages = reached.into_iter().filter(|(_, extra)| extra.is_none());
        packages.map(|(i, _)| i).collect()
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

#[cfg(test)]
mod tests {
    use crate::testing::{issues, package, rows, scan_fixture};
    use scangate_types::Origin;

    #[test]
    fn workspace_with_forks_extras_and_dev_group() {
        let inventory = scan_fixture("python/uv-lock/workspace");
        assert_eq!(
            rows(&inventory),
            [
                "asgiref 3.11.1 transitive prod uv.lock:16",
                "asgiref 3.12.1 transitive prod uv.lock:31",
                "asgiref 3.13.0 transitive prod uv.lock:46",
                "atomicwrites 1.4.1 transitive dev uv.lock:58",
                "attrs 26.1.0 transitive dev uv.lock:64",
                "certifi 2026.10.18 transitive prod uv.lock:73",
                "chardet 3.0.4 transitive prod uv.lock:82",
                "colorama 0.4.6 transitive dev uv.lock:91",
                "django 3.2 direct prod uv.lock:144",
                "helper 0.2.0 direct prod uv.lock:161",
                "idna 2.10 transitive prod uv.lock:166",
                "iniconfig 2.1.0 transitive dev uv.lock:175",
                "iniconfig 2.3.1 transitive dev uv.lock:187",
                "jinja2 2.11.2 direct prod uv.lock:200",
                "markupsafe 2.0.1 direct prod uv.lock:213",
                "markupsafe 2.1.5 direct prod uv.lock:249",
                "mylib 0.1.0 direct prod uv.lock:312",
                "packaging 26.3 transitive dev uv.lock:320",
                "pluggy 1.6.0 transitive dev uv.lock:329",
                "pluggy 1.7.0 transitive dev uv.lock:341",
                "py 1.11.0 transitive dev uv.lock:354",
                "pyjwt 1.7.1 direct prod uv.lock:363",
                "pysocks 1.7.1 transitive prod uv.lock:372",
                "pytest 7.0.0 direct dev uv.lock:381",
                "pytz 2026.6 transitive prod uv.lock:402",
                "pyyaml 5.3.1 direct prod uv.lock:411",
                "redis 3.5.3 direct optional uv.lock:421",
                "requests 2.25.0 direct prod uv.lock:430",
                "six 1.15.0 transitive prod uv.lock:450",
                "sqlparse 0.5.5 transitive prod uv.lock:459",
                "sqlparse 0.6.1 transitive prod uv.lock:471",
                "tomli 2.5.0 transitive dev uv.lock:484",
                "typing-extensions 4.16.0 transitive prod uv.lock:556",
                "urllib3 1.26.20 transitive prod uv.lock:565",
            ]
        );
        assert!(issues(&inventory).is_empty());
        assert_eq!(
            package(&inventory, "jinja2").depends_on,
            ["pkg:pypi/markupsafe@2.0.1", "pkg:pypi/markupsafe@2.1.5"]
        );
        assert_eq!(
            package(&inventory, "requests").depends_on,
            [
                "pkg:pypi/certifi@2026.10.18",
                "pkg:pypi/chardet@3.0.4",
                "pkg:pypi/idna@2.10",
                "pkg:pypi/urllib3@1.26.20",
                "pkg:pypi/pysocks@1.7.1",
            ]
        );
        assert_eq!(
            package(&inventory, "mylib").origin,
            Origin::Git {
                url: "https://git.example.invalid/example/mylib.git".into(),
                rev: Some("4db9ec8b011cfab1f1cead11e77ee018b31836e0".into()),
            }
        );
        assert_eq!(
            package(&inventory, "helper").origin,
            Origin::Path {
                path: "libs/helper".into()
            }
        );
        // The project and the workspace member are not packages.
        assert!(
            inventory
                .packages
                .iter()
                .all(|p| p.name != "demo-app" && p.name != "member-lib")
        );
    }

    #[test]
    fn virtual_project_with_url_and_path_sources() {
        let inventory = scan_fixture("python/uv-lock/virtual");
        assert_eq!(
            rows(&inventory),
            [
                "idna 2.10 direct prod uv.lock:5",
                "six 1.15.0 direct prod uv.lock:28",
                "urllib3 1.26.4 direct prod uv.lock:36",
            ]
        );
        assert_eq!(
            package(&inventory, "idna").origin,
            Origin::Path {
                path: "dist/idna-2.10.tar.gz".into()
            }
        );
        assert!(
            matches!(&package(&inventory, "six").origin, Origin::Url { url } if url.ends_with("/six-1.15.0-py2.py3-none-any.whl"))
        );
        assert_eq!(package(&inventory, "urllib3").origin, Origin::Registry);
    }

    #[test]
    fn malformed_lock() {
        let inventory = scan_fixture("python/uv-lock/malformed");
        assert_eq!(
            rows(&inventory),
            [
                "idna 2.10 direct prod good/uv.lock:5",
                "six 1.15.0 direct prod good/uv.lock:28",
                "urllib3 1.26.4 direct prod good/uv.lock:36",
            ]
        );
        assert_eq!(
            issues(&inventory),
            [
                "bad/uv.lock:8: invalid TOML: unknown variant `svn`, expected one of `registry`, `git`, `path`, `directory`, `editable`, `virtual`, `url`",
            ]
        );
    }
}
