//! `pdm.lock`: `[[package]]` entries with their `groups` and PEP 508 `dependencies`.
//!
//! The `default` group is prod; a group of the sibling pyproject.toml's
//! `[project.optional-dependencies]` is optional; any other group is dev. What the pyproject
//! names is direct. An entry for a package's extras (same name and version, `extras = [...]`)
//! adds its dependencies to that package rather than a second package.

use super::lock_graph::positions_by_key;
use super::manifest::{self, Manifest, Sibling};
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
        let manifest = Sibling::Pyproject.read(ctx, file.path, &mut catalogued.warnings);
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
        let by_name = positions_by_key(folded.iter().map(|(_, e)| e[0].name.as_str()));

        for (at, (i, entries)) in folded.iter().enumerate() {
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
                for &target in by_name.get(&key(name)).into_iter().flatten() {
                    if target != at {
                        let target = folded[target].1[0];
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

#[cfg(test)]
mod tests {
    use crate::testing::{issues, package, rows, scan_fixture};
    use scangate_types::Origin;

    #[test]
    fn groups_make_scopes_and_the_pyproject_direct_names() {
        let inventory = scan_fixture("python/pdm-lock/pdm");
        assert_eq!(
            rows(&inventory),
            [
                "asgiref 3.11.1 transitive prod pdm.lock:13",
                "atomicwrites 1.4.1 transitive dev pdm.lock:27",
                "attrs 26.1.0 transitive dev pdm.lock:38",
                "certifi 2026.10.18 transitive prod pdm.lock:49",
                "chardet 3.0.4 transitive prod pdm.lock:60",
                "colorama 0.4.6 transitive dev pdm.lock:70",
                "django 3.2 direct prod pdm.lock:82",
                "helper 0.2.0 direct prod pdm.lock:98",
                "idna 2.10 transitive prod pdm.lock:106",
                "iniconfig 2.1.0 transitive dev pdm.lock:117",
                "jinja2 2.11.2 direct prod pdm.lock:128",
                "markupsafe 3.0.4 transitive prod pdm.lock:142",
                "mylib 0.1.0 direct prod pdm.lock:302",
                "packaging 26.3 transitive dev pdm.lock:314",
                "pluggy 1.6.0 transitive dev pdm.lock:325",
                "py 1.11.0 transitive dev pdm.lock:336",
                "pysocks 1.7.1 transitive prod pdm.lock:347",
                "pytest 7.0.0 direct dev pdm.lock:358",
                "pytz 2026.6 transitive prod pdm.lock:380",
                "pyyaml 5.3.1 direct prod pdm.lock:390",
                "redis 3.5.3 direct optional pdm.lock:402",
                "requests 2.25.0 direct prod pdm.lock:413",
                "six 1.15.0 direct prod pdm.lock:447",
                "sqlparse 0.5.5 transitive prod pdm.lock:458",
                "tomli 2.5.0 transitive dev pdm.lock:469",
                "typing-extensions 4.16.0 transitive prod pdm.lock:543",
                "urllib3 1.26.20 transitive prod pdm.lock:555",
            ]
        );
        assert!(issues(&inventory).is_empty());
        // The `requests[socks]` entry folds into requests: one package, its edges added.
        let requests = package(&inventory, "requests");
        assert_eq!(requests.locations.len(), 1);
        assert_eq!(
            requests.depends_on,
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
                path: "./libs/helper".into()
            }
        );
        assert!(
            matches!(&package(&inventory, "six").origin, Origin::Url { url } if url.ends_with("/six-1.15.0-py2.py3-none-any.whl"))
        );
    }

    #[test]
    fn malformed_lock_and_pyproject() {
        let inventory = scan_fixture("python/pdm-lock/malformed");
        assert_eq!(
            rows(&inventory),
            [
                "urllib3 1.26.4 unknown prod bad-pyproject/pdm.lock:13",
                "urllib3 1.26.4 unknown prod good/pdm.lock:13",
            ]
        );
        assert_eq!(
            issues(&inventory),
            [
                "bad-pyproject/pdm.lock: pyproject.toml:3: invalid TOML: unclosed array, expected `]`; direct dependencies unknown",
                "bad/pdm.lock:17: invalid TOML: invalid basic string, expected `\"`",
            ]
        );
    }
}
