//! `Pipfile.lock` (pipenv): `default` holds the prod packages, `develop` (and any custom
//! category) the rest. The lock records no edges: what the sibling `Pipfile` names is direct,
//! the rest transitive; without a `Pipfile` the relationship is unknown.

use super::manifest::{self, Sibling};
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
        let manifest = Sibling::Pipfile.read(ctx, file.path, &mut catalogued.warnings);
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

#[cfg(test)]
mod tests {
    use crate::testing::{issues, rows, scan_fixture};
    use scangate_types::Origin;

    #[test]
    fn pipenv_lock_with_its_pipfile() {
        let inventory = scan_fixture("python/pipfile-lock/pipenv");
        assert_eq!(
            rows(&inventory),
            [
                "asgiref 3.13.0 transitive prod Pipfile.lock:19",
                "certifi 2026.10.18 transitive prod Pipfile.lock:27",
                "chardet 3.0.4 transitive prod Pipfile.lock:35",
                "django 3.2 direct prod Pipfile.lock:42",
                "helper - direct prod Pipfile.lock:51",
                "idna 2.10 transitive prod Pipfile.lock:55",
                "jinja2 2.11.2 direct prod Pipfile.lock:63",
                "markupsafe 3.0.4 transitive prod Pipfile.lock:72",
                "mylib - direct prod Pipfile.lock:229",
                "pysocks 1.7.1 transitive prod Pipfile.lock:233",
                "pytz 2026.6 transitive prod Pipfile.lock:242",
                "pyyaml 5.3.1 direct prod Pipfile.lock:249",
                "requests 2.25.0 direct prod Pipfile.lock:268",
                "six 1.15.0 direct prod Pipfile.lock:279",
                "sqlparse 0.6.1 transitive prod Pipfile.lock:286",
                "urllib3 1.26.20 transitive prod Pipfile.lock:294",
                "attrs 26.1.0 transitive dev Pipfile.lock:304",
                "iniconfig 2.3.1 transitive dev Pipfile.lock:312",
                "packaging 26.3 transitive dev Pipfile.lock:320",
                "pluggy 1.7.0 transitive dev Pipfile.lock:328",
                "py 1.11.0 transitive dev Pipfile.lock:336",
                "pytest 7.0.0 direct dev Pipfile.lock:344",
                "tomli 2.5.0 transitive dev Pipfile.lock:353",
            ]
        );
        assert!(issues(&inventory).is_empty());
        let origin = |name: &str| {
            let package = inventory.packages.iter().find(|p| p.name == name).unwrap();
            package.origin.clone()
        };
        assert_eq!(
            origin("mylib"),
            Origin::Git {
                url: "https://git.example.invalid/example/mylib.git".into(),
                rev: Some("4db9ec8b011cfab1f1cead11e77ee018b31836e0".into()),
            }
        );
        assert_eq!(
            origin("helper"),
            Origin::Path {
                path: "./libs/helper".into()
            }
        );
        assert!(
            matches!(origin("six"), Origin::Url { url } if url.ends_with("/six-1.15.0-py2.py3-none-any.whl"))
        );
        assert_eq!(origin("django"), Origin::Registry);
        assert_eq!(inventory.packages[3].purl, "pkg:pypi/django@3.2");
    }

    #[test]
    fn without_a_pipfile_relationships_are_unknown() {
        let inventory = scan_fixture("python/pipfile-lock/lock-only");
        assert_eq!(
            rows(&inventory),
            [
                "urllib3 1.26.4 unknown prod Pipfile.lock:19",
                "six 1.15.0 unknown dev Pipfile.lock:30",
            ]
        );
    }

    #[test]
    fn malformed_lock_and_pipfile() {
        let inventory = scan_fixture("python/pipfile-lock/malformed");
        assert_eq!(
            rows(&inventory),
            [
                "urllib3 1.26.4 unknown prod bad-pipfile/Pipfile.lock:19",
                "six 1.15.0 unknown dev bad-pipfile/Pipfile.lock:30",
                "urllib3 1.26.4 unknown prod good/Pipfile.lock:19",
                "six 1.15.0 unknown dev good/Pipfile.lock:30",
            ]
        );
        assert_eq!(
            issues(&inventory),
            [
                "bad-pipfile/Pipfile.lock: Pipfile:3: invalid TOML: string values must be quoted, expected literal string; direct dependencies unknown",
                "bad/Pipfile.lock:24: invalid JSON: EOF while parsing a value (column 11)",
            ]
        );
    }
}
