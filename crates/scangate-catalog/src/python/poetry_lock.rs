//! `poetry.lock`: lock-version 1.x (`category`, `[metadata.files]`), 2.0 (neither category nor
//! groups) and 2.1 (`groups`, `markers`).
//!
//! Edges come from `[package.dependencies]`. What the sibling pyproject.toml names is direct.
//! Scope: dev for packages outside the main group (2.1 `groups`, 1.x `category`); a 2.0 lock
//! records neither, so the main group is what the pyproject's main dependencies reach.
//! Optional (extras-only) packages of the main group are optional.

use super::lock_graph::{positions_by_key, reachable};
use super::manifest::{self, Manifest, Sibling};
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
        let manifest = Sibling::Pyproject.read(ctx, file.path, &mut catalogued.warnings);
        let by_name = positions_by_key(lock.package.iter().map(|p| p.name.as_str()));
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
    let dependencies = |name: &String| {
        let positions = by_name.get(name).into_iter().flatten();
        positions.flat_map(|&i| packages[i].dependencies.keys().map(|dep| key(dep)))
    };
    MainGroup::Reached(reachable(manifest.main.iter().cloned(), dependencies))
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

#[cfg(test)]
mod tests {
    use crate::testing::{issues, package, rows, scan_fixture};
    use scangate_types::Origin;

    #[test]
    fn lock_version_1_1_records_categories() {
        let inventory = scan_fixture("python/poetry-lock/v1-1");
        assert_eq!(
            rows(&inventory),
            [
                "asgiref 3.8.1 transitive prod poetry.lock:1",
                "atomicwrites 1.4.1 transitive dev poetry.lock:20",
                "attrs 25.3.0 transitive dev poetry.lock:33",
                "certifi 2026.10.18 transitive prod poetry.lock:54",
                "chardet 3.0.4 transitive prod poetry.lock:67",
                "colorama 0.4.6 transitive dev poetry.lock:80",
                "django 3.2 direct prod poetry.lock:93",
                "helper 0.2.0 direct prod poetry.lock:115",
                "idna 2.10 transitive prod poetry.lock:128",
                "iniconfig 2.1.0 transitive dev poetry.lock:141",
                "jinja2 2.11.2 direct prod poetry.lock:154",
                "markupsafe 2.1.5 transitive prod poetry.lock:173",
                "mylib 0.1.0 direct prod poetry.lock:186",
                "packaging 26.2 transitive dev poetry.lock:204",
                "pluggy 1.5.0 transitive dev poetry.lock:217",
                "py 1.11.0 transitive dev poetry.lock:234",
                "pysocks 1.7.1 transitive prod poetry.lock:247",
                "pytest 7.0.0 direct dev poetry.lock:260",
                "pytz 2026.6 transitive prod poetry.lock:286",
                "pyyaml 5.3.1 direct prod poetry.lock:299",
                "redis 3.5.3 direct optional poetry.lock:312",
                "requests 2.25.0 direct prod poetry.lock:328",
                "six 1.15.0 transitive prod poetry.lock:352",
                "sqlparse 0.5.5 transitive prod poetry.lock:365",
                "tomli 2.5.0 transitive dev poetry.lock:382",
                "typing-extensions 4.13.2 transitive prod poetry.lock:395",
                "urllib3 1.26.20 transitive prod poetry.lock:408",
            ]
        );
        assert!(issues(&inventory).is_empty());
    }

    #[test]
    fn lock_version_2_0_takes_the_main_group_from_the_pyproject() {
        let inventory = scan_fixture("python/poetry-lock/v2-0");
        assert_eq!(
            rows(&inventory),
            [
                "asgiref 3.8.1 transitive prod poetry.lock:3",
                "atomicwrites 1.4.1 transitive dev poetry.lock:25",
                "attrs 25.3.0 transitive dev poetry.lock:40",
                "certifi 2026.10.18 transitive prod poetry.lock:64",
                "chardet 3.0.4 transitive prod poetry.lock:80",
                "colorama 0.4.6 transitive dev poetry.lock:96",
                "django 3.2 direct prod poetry.lock:112",
                "helper 0.2.0 direct prod poetry.lock:137",
                "idna 2.10 transitive prod poetry.lock:150",
                "iniconfig 2.1.0 transitive dev poetry.lock:166",
                "jinja2 2.11.2 direct prod poetry.lock:182",
                "markupsafe 2.1.5 transitive prod poetry.lock:204",
                "mylib 0.1.0 direct prod poetry.lock:278",
                "packaging 26.2 transitive dev poetry.lock:296",
                "pluggy 1.5.0 transitive dev poetry.lock:312",
                "py 1.11.0 transitive dev poetry.lock:332",
                "pysocks 1.7.1 transitive prod poetry.lock:348",
                "pytest 7.0.0 direct dev poetry.lock:365",
                "pytz 2026.6 transitive prod poetry.lock:394",
                "pyyaml 5.3.1 direct prod poetry.lock:410",
                "redis 3.5.3 direct optional poetry.lock:437",
                "requests 2.25.0 direct prod poetry.lock:456",
                "six 1.15.0 transitive prod poetry.lock:483",
                "sqlparse 0.5.5 transitive prod poetry.lock:499",
                "tomli 2.5.0 transitive dev poetry.lock:519",
                "typing-extensions 4.13.2 transitive prod poetry.lock:598",
                "urllib3 1.26.20 transitive prod poetry.lock:614",
            ]
        );
        assert!(issues(&inventory).is_empty());
        assert_eq!(
            package(&inventory, "requests").depends_on,
            [
                "pkg:pypi/pysocks@1.7.1",
                "pkg:pypi/certifi@2026.10.18",
                "pkg:pypi/chardet@3.0.4",
                "pkg:pypi/idna@2.10",
                "pkg:pypi/urllib3@1.26.20",
            ]
        );
    }

    #[test]
    fn lock_version_2_1_records_groups() {
        let inventory = scan_fixture("python/poetry-lock/v2-1");
        assert_eq!(
            rows(&inventory),
            [
                "asgiref 3.11.1 transitive prod poetry.lock:3",
                "atomicwrites 1.4.1 transitive dev poetry.lock:26",
                "attrs 26.1.0 transitive dev poetry.lock:43",
                "certifi 2026.10.18 transitive prod poetry.lock:60",
                "chardet 3.0.4 transitive prod poetry.lock:77",
                "colorama 0.4.6 transitive dev poetry.lock:94",
                "django 3.2 direct prod poetry.lock:112",
                "helper 0.2.0 direct prod poetry.lock:138",
                "idna 2.10 transitive prod poetry.lock:152",
                "iniconfig 2.1.0 transitive dev poetry.lock:169",
                "jinja2 2.11.2 direct prod poetry.lock:186",
                "markupsafe 3.0.4 transitive prod poetry.lock:209",
                "mylib 0.1.0 direct prod poetry.lock:375",
                "packaging 26.3 transitive dev poetry.lock:394",
                "pluggy 1.6.0 transitive dev poetry.lock:411",
                "py 1.11.0 transitive dev poetry.lock:432",
                "pysocks 1.7.1 transitive prod poetry.lock:449",
                "pytest 7.0.0 direct dev poetry.lock:467",
                "pytz 2026.6 transitive prod poetry.lock:497",
                "pyyaml 5.3.1 direct prod poetry.lock:514",
                "redis 3.5.3 direct optional poetry.lock:542",
                "requests 2.25.0 direct prod poetry.lock:563",
                "six 1.15.0 transitive prod poetry.lock:591",
                "sqlparse 0.5.5 transitive prod poetry.lock:608",
                "tomli 2.5.0 transitive dev poetry.lock:629",
                "typing-extensions 4.16.0 transitive prod poetry.lock:709",
                "urllib3 1.26.20 transitive prod poetry.lock:727",
            ]
        );
        assert!(issues(&inventory).is_empty());
        assert_eq!(
            package(&inventory, "mylib").origin,
            Origin::Git {
                url: "https://git.example.invalid/example/mylib.git".into(),
                rev: Some("4db9ec8b011cfab1f1cead11e77ee018b31836e0".into()),
            }
        );
        assert_eq!(
            package(&inventory, "mylib").depends_on,
            ["pkg:pypi/six@1.15.0"]
        );
        assert_eq!(
            package(&inventory, "helper").origin,
            Origin::Path {
                path: "libs/helper".into()
            }
        );
        assert_eq!(package(&inventory, "django").origin, Origin::Registry);
    }

    #[test]
    fn malformed_lock() {
        let inventory = scan_fixture("python/poetry-lock/malformed");
        assert_eq!(
            rows(&inventory),
            ["urllib3 1.26.4 unknown prod good/poetry.lock:3"]
        );
        assert_eq!(
            issues(&inventory),
            ["bad/poetry.lock:3: invalid TOML: missing field `version`",]
        );
    }
}
