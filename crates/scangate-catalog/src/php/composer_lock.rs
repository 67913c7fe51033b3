//! `composer.lock`.
//!
//! `packages` are what the project runs with (prod scope), `packages-dev` what it is developed
//! with (dev). Versions are kept exactly as the lock writes them: `v4.4.0` for a tag spelled so,
//! since Composer itself compares normalised versions and matching has to normalise anyway. A
//! package installed from a git checkout (no `dist`, or a branch: `dev-main`, `2.x-dev`) has a
//! git origin at `source.reference`; one from a path repository (`dist.type` = `path`) a path
//! origin. The packages the composer.json beside the lock requires (`require`, `require-dev`)
//! are direct, the others transitive; without that file the relationship is unknown. Edges come
//! from each package's `require`; platform requirements (`php`, `ext-*`, `lib-*`,
//! `composer-*-api`) have no `vendor/` prefix and no entry in the lock, so they are neither
//! packages nor edges. `replace` and `provide` are not followed. Line = the package's `"name"` key.

use crate::support::json::{self, Step};
use crate::{CatalogError, Cataloger, Catalogued, Context, Diagnostic, SourceFile};
use scangate_fsview::{file_name, join, parent};
use scangate_types::{Ecosystem, Origin, Package, Relationship, Scope};
use serde::Deserialize;
use serde_json::{Map, Value};
use std::collections::{HashMap, HashSet};

pub struct ComposerLock;

impl Cataloger for ComposerLock {
    fn name(&self) -> &'static str {
        "composer-lock"
    }

    fn matches(&self, path: &str) -> bool {
        file_name(path) == "composer.lock"
    }

    fn catalog(
        &self,
        file: &SourceFile<'_>,
        ctx: &Context<'_>,
    ) -> Result<Catalogued, CatalogError> {
        let text = file.text()?;
        let lock: LockFile = json::from_str(text)?;
        let mut warnings = Vec::new();
        let direct = direct_names(file.path, ctx).unwrap_or_else(|warning| {
            warnings.push(warning);
            None
        });
        let versions: HashMap<String, &str> = lock
            .packages
            .iter()
            .chain(&lock.packages_dev)
            .map(|p| (p.name.to_lowercase(), p.version.as_str()))
            .collect();
        let [prod_lines, dev_lines] = name_lines(text);
        let lists = [
            (&lock.packages, Scope::Prod, prod_lines),
            (&lock.packages_dev, Scope::Dev, dev_lines),
        ];
        let packages = lists
            .into_iter()
            .flat_map(|(list, scope, lines)| {
                list.iter()
                    .zip(lines_or_none(lines, list.len()))
                    .map(move |(locked, line)| (locked, scope, line))
            })
            .map(|(locked, scope, line)| {
                let relationship = match &direct {
                    Some(direct) if direct.contains(&locked.name.to_lowercase()) => {
                        Relationship::Direct
                    }
                    Some(_) => Relationship::Transitive,
                    None => Relationship::Unknown,
                };
                let mut package = Package::new(
                    Ecosystem::Packagist,
                    locked.name.as_str(),
                    Some(locked.version.clone()),
                    file.at(line),
                )
                .with_relationship(relationship)
                .with_scope(scope)
                .with_origin(locked.origin())
                .with_licenses(locked.license.clone());
                for name in keys(&locked.require) {
                    if let Some(version) = versions.get(&name.to_lowercase()) {
                        package.depends_on(name, Some(version));
                    }
                }
                package
            })
            .collect();
        Ok(Catalogued { packages, warnings })
    }
}

#[derive(Deserialize)]
struct LockFile {
    #[serde(default)]
    packages: Vec<Locked>,
    #[serde(default, rename = "packages-dev")]
    packages_dev: Vec<Locked>,
}

#[derive(Deserialize)]
struct Locked {
    name: String,
    version: String,
    source: Option<Fetched>,
    dist: Option<Fetched>,
    #[serde(default)]
    require: Value,
    #[serde(default)]
    license: Vec<String>,
}

/// A `source` or `dist` entry.
#[derive(Deserialize)]
struct Fetched {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    url: String,
    reference: Option<String>,
}

impl Locked {
    fn origin(&self) -> Origin {
        if let Some(dist) = self.dist.as_ref().filter(|dist| dist.kind == "path") {
            return Origin::Path {
                path: dist.url.clone(),
            };
        }
        let is_branch = self.version.starts_with("dev-") || self.version.ends_with("-dev");
        match &self.source {
            Some(source) if source.kind == "git" && (self.dist.is_none() || is_branch) => {
                Origin::Git {
                    url: source.url.clone(),
                    rev: source.reference.clone(),
                }
            }
            _ => Origin::Registry,
        }
    }
}

#[derive(Deserialize)]
struct Manifest {
    #[serde(default)]
    require: Value,
    #[serde(default, rename = "require-dev")]
    require_dev: Value,
}

/// The names a `require` map holds. PHP writes an empty map as `[]`, hence `Value`.
fn keys(require: &Value) -> impl Iterator<Item = &String> {
    require.as_object().into_iter().flat_map(Map::keys)
}

/// The lowercased names the composer.json beside the lock requires, `None` without one.
fn direct_names(lock_path: &str, ctx: &Context<'_>) -> Result<Option<HashSet<String>>, Diagnostic> {
    let Some(path) = join(parent(lock_path), "composer.json").filter(|p| ctx.view.is_file(p))
    else {
        return Ok(None);
    };
    let manifest: Manifest = ctx
        .read_text(&path)
        .and_then(|text| json::from_str(&text))
        .map_err(|err| {
            let at = err
                .line
                .map_or(String::new(), |line| format!(" line {line}"));
            Diagnostic::new(
                None,
                format!(
                    "composer.json{at}: {}; relationships are unknown",
                    err.message
                ),
            )
        })?;
    let names = keys(&manifest.require).chain(keys(&manifest.require_dev));
    Ok(Some(names.map(|name| name.to_lowercase()).collect()))
}

/// `lines` as locations, or no lines at all if they do not pair up with the packages.
fn lines_or_none(lines: Vec<u32>, count: usize) -> Vec<Option<u32>> {
    if lines.len() == count {
        lines.into_iter().map(Some).collect()
    } else {
        vec![None; count]
    }
}

/// The line of the `"name"` key of every object in the root arrays `packages` and
/// `packages-dev`, in document order. Runs on text that already parsed.
fn name_lines(text: &str) -> [Vec<u32>; 2] {
    let mut lines = [Vec::new(), Vec::new()];
    json::visit_all_keys(text, |parents, key, line| {
        if let ([Step::Key(list), Step::Element], "name") = (parents, key)
            && let Some(at) = ["packages", "packages-dev"].iter().position(|l| l == list)
        {
            lines[at].push(line);
        }
    });
    lines
}

#[cfg(test)]
mod tests {
    use super::name_lines;
    use crate::testing::{issues, package, rows, scan_fixture};
    use scangate_types::Origin;

    #[test]
    fn symfony_app_with_path_vcs_and_dev_branch_packages() {
        let inventory = scan_fixture("php/composer-lock/symfony-app");
        assert_eq!(
            rows(&inventory),
            [
                "acme/legacy-sdk 1.4.2 direct prod composer.lock:10",
                "acme/payments dev-main direct prod composer.lock:32",
                "guzzlehttp/guzzle 7.4.0 direct prod composer.lock:59",
                "guzzlehttp/promises 1.5.1 transitive prod composer.lock:112",
                "guzzlehttp/psr7 2.1.0 transitive prod composer.lock:152",
                "monolog/monolog 2.3.5 direct prod composer.lock:195",
                "psr/http-client 1.0.1 transitive prod composer.lock:236",
                "psr/http-factory 1.0.1 transitive prod composer.lock:277",
                "psr/http-message 1.0.1 transitive prod composer.lock:318",
                "psr/log 1.1.4 transitive prod composer.lock:358",
                "ralouphie/getallheaders 3.0.3 transitive prod composer.lock:398",
                "symfony/debug v4.4.0 transitive prod composer.lock:438",
                "symfony/deprecation-contracts v2.5.0 transitive prod composer.lock:479",
                "symfony/error-handler v4.4.0 transitive prod composer.lock:519",
                "symfony/event-dispatcher v4.4.0 transitive prod composer.lock:562",
                "symfony/event-dispatcher-contracts v1.1.7 transitive prod composer.lock:603",
                "symfony/http-foundation v4.4.0 transitive prod composer.lock:643",
                "symfony/http-kernel v4.4.0 direct prod composer.lock:685",
                "symfony/mime v4.4.0 transitive prod composer.lock:731",
                "symfony/polyfill-ctype v1.23.0 transitive prod composer.lock:773",
                "symfony/polyfill-intl-idn v1.23.0 transitive prod composer.lock:818",
                "symfony/polyfill-intl-normalizer v1.23.0 transitive prod composer.lock:865",
                "symfony/polyfill-mbstring v1.23.1 transitive prod composer.lock:910",
                "symfony/polyfill-php72 v1.23.0 transitive prod composer.lock:955",
                "symfony/polyfill-php73 v1.23.0 transitive prod composer.lock:1000",
                "symfony/var-dumper v4.4.0 transitive prod composer.lock:1045",
                "acme/coding-standard dev-main direct dev composer.lock:1089",
                "phpstan/phpstan 1.2.0 direct dev composer.lock:1130",
                "squizlabs/php_codesniffer 3.6.1 transitive dev composer.lock:1170",
                "symfony/phpunit-bridge v5.3.10 direct dev composer.lock:1213",
            ]
        );
        assert!(issues(&inventory).is_empty());
        let by_name = |name: &str| package(&inventory, name);
        // Kept as the lock writes it, `v` and all.
        assert_eq!(
            by_name("symfony/http-kernel").purl,
            "pkg:composer/symfony/http-kernel@v4.4.0"
        );
        assert_eq!(
            by_name("acme/payments").origin,
            Origin::Path {
                path: "packages/payments".into()
            }
        );
        // A vcs package with no dist, and a dev branch that has one: both git checkouts.
        assert_eq!(
            by_name("acme/legacy-sdk").origin,
            Origin::Git {
                url: "https://git.acme.example/sdk/legacy-sdk.git".into(),
                rev: Some("7d1e0b6c2f9a4e8d3b5c1a7f9e2d4b6c8a0e1f3d".into()),
            }
        );
        assert!(matches!(
            &by_name("acme/coding-standard").origin,
            Origin::Git { rev: Some(rev), .. } if rev.len() == 40
        ));
        let guzzle = by_name("guzzlehttp/guzzle");
        assert_eq!(guzzle.origin, Origin::Registry);
        assert_eq!(guzzle.licenses, ["MIT"]);
        // `php` and `ext-json` are platform requirements, not edges.
        assert_eq!(
            guzzle.depends_on,
            [
                "pkg:composer/guzzlehttp/promises@1.5.1",
                "pkg:composer/guzzlehttp/psr7@2.1.0",
                "pkg:composer/psr/http-client@1.0.1",
                "pkg:composer/symfony/deprecation-contracts@v2.5.0",
            ]
        );
        assert_eq!(
            by_name("squizlabs/php_codesniffer").licenses,
            ["BSD-3-Clause"]
        );
        assert!(by_name("acme/legacy-sdk").licenses.is_empty());
        // A dev package may depend on a prod one.
        assert_eq!(
            by_name("symfony/phpunit-bridge").depends_on,
            ["pkg:composer/symfony/deprecation-contracts@v2.5.0"]
        );
    }

    #[test]
    fn without_composer_json_relationships_are_unknown() {
        let inventory = scan_fixture("php/composer-lock/no-manifest");
        assert_eq!(
            rows(&inventory),
            [
                "guzzlehttp/promises 1.5.1 unknown prod composer.lock:9",
                "psr/log 1.1.4 unknown prod composer.lock:32",
                "symfony/http-kernel v4.4.0 unknown prod composer.lock:55",
            ]
        );
        assert!(issues(&inventory).is_empty());
    }

    #[test]
    fn a_broken_composer_json_is_a_warning() {
        let inventory = scan_fixture("php/composer-lock/broken-manifest");
        assert_eq!(
            issues(&inventory),
            [
                "composer.lock: composer.json line 6: invalid JSON: trailing comma (column 5); relationships are unknown"
            ]
        );
        assert_eq!(inventory.packages.len(), 3);
        assert!(
            inventory
                .packages
                .iter()
                .all(|p| p.relationship == scangate_types::Relationship::Unknown)
        );
    }

    #[test]
    fn a_conflicted_lock_is_an_issue_and_its_neighbour_still_counts() {
        let inventory = scan_fixture("php/composer-lock/malformed");
        assert_eq!(
            issues(&inventory),
            ["composer.lock:6: invalid JSON: key must be a string (column 1)"]
        );
        assert_eq!(
            rows(&inventory),
            [
                "guzzlehttp/promises 1.5.1 unknown prod good/composer.lock:9",
                "psr/log 1.1.4 unknown prod good/composer.lock:32",
                "symfony/http-kernel v4.4.0 unknown prod good/composer.lock:55",
            ]
        );
    }

    #[test]
    fn name_lines_skip_nested_names_and_other_keys() {
        let text = "{\"aliases\": [{\"name\": \"x\"}],\n\"packages\": [\n{\"authors\": [{\"name\": \"a\"}],\n \"n\\\"\": 1, \"name\": \"p/a\"},\n{\"name\": \"p/b\"}],\n\"packages-dev\": [{\"extra\": {\"name\": 1},\n\"name\": \"d/a\"}]}";
        assert_eq!(name_lines(text), [vec![4, 5], vec![7]]);
    }
}
