//! `package.json`, in two roles.
//!
//! Inside `node_modules/<name>/` it is an installed package's own manifest (such folders are
//! walked only on request): the package itself, at its exact version.
//!
//! Elsewhere it is a project's manifest, read only when no lockfile beside it or above it pins
//! the versions: each declared dependency is a direct package with the declared range, and a
//! version only when the range is one exact version. The project's own workspace members are
//! not packages.

use super::manifest::{Dependency, Manifest, Odd, SECTIONS, Workspaces, manifest_path};
use super::node_modules::{ancestors, in_node_modules};
use super::specifier::{Spec, exact_version, parse_spec};
use crate::support::json;
use crate::{CatalogError, Cataloger, Catalogued, Context, Diagnostic, SourceFile};
use scangate_fsview::{file_name, join, parent};
use scangate_types::{Ecosystem, Location, Package, Relationship};
use std::collections::{HashMap, HashSet};

pub struct PackageJson;

/// Files that pin a JavaScript project's versions; their catalogers report the packages.
const LOCKFILES: [&str; 5] = [
    "package-lock.json",
    "npm-shrinkwrap.json",
    "yarn.lock",
    "pnpm-lock.yaml",
    "bun.lock",
];

impl Cataloger for PackageJson {
    fn name(&self) -> &'static str {
        "npm-package-json"
    }

    fn matches(&self, path: &str) -> bool {
        file_name(path) == "package.json"
    }

    fn catalog(
        &self,
        file: &SourceFile<'_>,
        ctx: &Context<'_>,
    ) -> Result<Catalogued, CatalogError> {
        let dir = parent(file.path);
        if is_installed_package(dir) {
            installed(file)
        } else if in_node_modules(dir) || is_locked(dir, ctx) {
            // Inside an installed package (its tests, its build output) nothing is a package;
            // under a lockfile, the lockfile's cataloger reports the versions.
            Ok(Catalogued::default())
        } else {
            manifest(file, ctx)
        }
    }
}

/// `node_modules/<name>` or `node_modules/@scope/<name>`.
fn is_installed_package(dir: &str) -> bool {
    let (up, name) = (parent(dir), file_name(dir));
    if file_name(up) == "node_modules" {
        !name.is_empty() && !name.starts_with('@')
    } else {
        file_name(up).starts_with('@') && file_name(parent(up)) == "node_modules"
    }
}

fn is_locked(dir: &str, ctx: &Context<'_>) -> bool {
    ancestors(dir).any(|dir| {
        LOCKFILES
            .iter()
            .any(|lockfile| join(dir, lockfile).is_some_and(|path| ctx.view.is_file(&path)))
    })
}

/// An installed package: its name and exact version. A file without both is not a package.
fn installed(file: &SourceFile<'_>) -> Result<Catalogued, CatalogError> {
    let text = file.text()?;
    let manifest = Manifest::parse(text)?;
    let (Some(name), Some(version)) = (manifest.field("name"), manifest.field("version")) else {
        return Ok(Catalogued::default());
    };
    let line = json::key_lines(text, &[]).get("name").copied();
    let package = Package::new(
        Ecosystem::Npm,
        name,
        Some(version.to_string()),
        file.at(line),
    )
    .with_licenses(manifest.licenses());
    Ok(vec![package].into())
}

/// A project's manifest: each declared dependency, as declared.
fn manifest(file: &SourceFile<'_>, ctx: &Context<'_>) -> Result<Catalogued, CatalogError> {
    let text = file.text()?;
    let manifest = Manifest::parse(text)?;
    let members = workspace_names(file.path, &manifest, ctx);
    let lines = section_lines(text);
    let line =
        |section: &str, name: &str| lines.get(&(section.to_string(), name.to_string())).copied();
    let mut found = Catalogued::default();
    for entry in manifest.dependencies() {
        let dependency = match entry {
            Ok(dependency) => dependency,
            Err(odd) => {
                let at = match odd {
                    Odd::Section(section) => json::key_lines(text, &[]).get(section).copied(),
                    Odd::Entry { section, name } => line(section, name),
                };
                found
                    .warnings
                    .push(Diagnostic::new(at, format!("{odd}; ignored")));
                continue;
            }
        };
        if members.contains(dependency.name) {
            continue;
        }
        let at = file.at(line(dependency.section, dependency.name));
        found.packages.extend(declared(&dependency, at));
    }
    Ok(found)
}

/// The package a dependency declares, as declared; `None` for a workspace member.
fn declared(dependency: &Dependency<'_>, at: Location) -> Option<Package> {
    let package = match parse_spec(dependency.name, dependency.spec) {
        Spec::Workspace => return None,
        Spec::Registry { name, range } => {
            let version = exact_version(range).map(str::to_owned);
            let package = Package::new(Ecosystem::Npm, name, version, at);
            if range.is_empty() {
                package
            } else {
                package.with_requirement(range)
            }
        }
        Spec::Source(origin) => {
            Package::new(Ecosystem::Npm, dependency.name, None, at).with_origin(origin)
        }
    };
    Some(
        package
            .with_relationship(Relationship::Direct)
            .with_scope(dependency.scope),
    )
}

/// The line of every dependency key, by (section, name).
fn section_lines(text: &str) -> HashMap<(String, String), u32> {
    let mut lines = HashMap::new();
    json::visit_keys(text, |parents, key, line| {
        if let [section] = parents
            && SECTIONS.iter().any(|(s, _)| s == section)
        {
            lines
                .entry((section.clone(), key.to_string()))
                .or_insert(line);
        }
    });
    lines
}

/// The names of the workspace the manifest at `path` belongs to: its own `workspaces`, or the
/// nearest ancestor's that lists its folder. Empty outside a workspace.
fn workspace_names(path: &str, manifest: &Manifest, ctx: &Context<'_>) -> HashSet<String> {
    let dir = parent(path);
    let own = manifest.workspaces(dir).map(|workspaces| {
        let name = manifest.field("name").map(str::to_owned);
        (workspaces, name)
    });
    let Some((workspaces, root_name)) = own.or_else(|| workspace_root(dir, ctx)) else {
        return HashSet::new();
    };
    let member_names = workspaces
        .member_manifests(ctx)
        .into_iter()
        .filter_map(|member| {
            let text = ctx.read_text(&member).ok()?;
            Some(Manifest::parse(&text).ok()?.field("name")?.to_string())
        });
    root_name.into_iter().chain(member_names).collect()
}

/// The nearest ancestor folder whose package.json has `workspaces`, if they include `dir`:
/// those workspaces and the root's package name.
fn workspace_root(dir: &str, ctx: &Context<'_>) -> Option<(Workspaces, Option<String>)> {
    ancestors(dir).skip(1).find_map(|up| {
        let text = ctx.read_text(&manifest_path(up, ".")?).ok()?;
        let manifest = Manifest::parse(&text).ok()?;
        let workspaces = manifest.workspaces(up)?;
        let name = manifest.field("name").map(str::to_owned);
        workspaces.contains(dir).then_some((workspaces, name))
    })
}

#[cfg(test)]
mod tests {
    use crate::javascript::test_support::package;
    use crate::testing::{issues, rows, scan_fixture, scan_fixture_with};
    use scangate_fsview::SkipRules;
    use scangate_types::Origin;

    #[test]
    fn manifest_without_lockfile_gives_declared_ranges() {
        let inventory = scan_fixture("javascript/package-json/manifest");
        assert_eq!(
            rows(&inventory),
            [
                "express req:^4.17.1 direct prod package.json:6",
                "lodash 4.17.20 direct prod package.json:7",
                "minimist 1.2.5 direct prod package.json:8",
                "debug req:~2.6.8 direct prod package.json:9",
                "ms 2.0.0 direct prod package.json:10",
                "left-pad - direct prod package.json:11",
                "is-even - direct prod package.json:12",
                "local-lib - direct prod package.json:13",
                "linked - direct prod package.json:14",
                "tarball - direct prod package.json:15",
                "anything req:* direct prod package.json:16",
                "newest req:latest direct prod package.json:17",
                "chai 4.3.4 direct dev package.json:20",
                "mocha req:>=8 <9 direct dev package.json:21",
                "fsevents req:~2.3.2 direct optional package.json:24",
                "react req:^17.0.0 || ^18.0.0 direct peer package.json:27",
            ]
        );
        assert!(issues(&inventory).is_empty());
        assert_eq!(inventory.files[0].cataloger, "npm-package-json");
        // `=1.2.5` pins one version; the declared text stays the requirement.
        let minimist = package(&inventory, "minimist", Some("1.2.5"));
        assert_eq!(minimist.purl, "pkg:npm/minimist@1.2.5");
        assert_eq!(minimist.requirement.as_deref(), Some("=1.2.5"));
        // `my-debug: npm:debug@~2.6.8` is debug, unresolved.
        let alias = package(&inventory, "debug", None);
        assert_eq!(
            (alias.purl.as_str(), alias.version.as_deref()),
            ("pkg:npm/debug", None)
        );
        assert_eq!(
            package(&inventory, "left-pad", None).origin,
            Origin::Git {
                url: "git+ssh://git@git.example.invalid/acme/left-pad.git".into(),
                rev: Some("v1.3.0".into()),
            }
        );
        assert_eq!(
            package(&inventory, "is-even", None).origin,
            Origin::Git {
                url: "github:acme/is-even".into(),
                rev: Some("main".into()),
            }
        );
        assert_eq!(
            package(&inventory, "linked", None).origin,
            Origin::Path {
                path: "../linked".into()
            }
        );
        let tarball = package(&inventory, "tarball", None);
        assert_eq!(
            tarball.origin,
            Origin::Url {
                url: "https://downloads.example.invalid/tarball-2.0.0.tgz".into()
            }
        );
        assert_eq!(
            (tarball.version.as_ref(), tarball.requirement.as_ref()),
            (None, None)
        );
    }

    #[test]
    fn workspace_members_are_not_dependencies() {
        let inventory = scan_fixture("javascript/package-json/workspaces");
        assert_eq!(
            rows(&inventory),
            [
                "typescript req:^5.4.0 direct dev package.json:8",
                "lodash req:^4.17.20 direct prod packages/app/package.json:6",
                "ms 2.1.3 direct prod packages/lib/package.json:5",
            ]
        );
        assert!(issues(&inventory).is_empty());
    }

    #[test]
    fn a_lockfile_beside_or_above_wins() {
        // Only free/ has no lockfile; locked/sub has one above it, yarn/, pnpm/ and bun/ beside.
        let inventory = scan_fixture("javascript/package-json/lockfile-wins");
        assert_eq!(
            rows(&inventory),
            [
                "lodash req:^4.17.20 direct prod free/package.json:5",
                "debug 2.6.8 direct prod locked/package-lock.json:14",
                "ms 2.0.0 transitive prod locked/package-lock.json:23",
            ]
        );
        assert!(issues(&inventory).is_empty());
    }

    const LOCKED_ROWS: [&str; 7] = [
        "@types/ms 0.7.31 direct prod package-lock.json:19",
        "debug 2.6.8 direct prod package-lock.json:25",
        "ms 2.0.0 transitive prod package-lock.json:34",
        "json-schema 0.2.3 direct prod package-lock.json:40",
        "lru-cache 2.3.1 direct prod package-lock.json:45",
        "ms 2.1.3 direct prod package-lock.json:51",
        "debug 2.6.9 direct prod package-lock.json:57",
    ];

    #[test]
    fn installed_packages_are_left_alone_by_default() {
        let inventory = scan_fixture("javascript/package-json/installed");
        assert_eq!(rows(&inventory), LOCKED_ROWS);
        assert!(issues(&inventory).is_empty());
    }

    #[test]
    fn installed_packages_are_read_on_request() {
        let include_installed = SkipRules::new(&[], &[], true).unwrap();
        let inventory = scan_fixture_with("javascript/package-json/installed", include_installed);
        let installed = [
            "@types/ms 0.7.31 unknown - node_modules/@types/ms/package.json:2",
            "ms 2.0.0 unknown - node_modules/debug/node_modules/ms/package.json:2",
            "debug 2.6.8 unknown - node_modules/debug/package.json:2",
            "json-schema 0.2.3 unknown - node_modules/json-schema/package.json:2",
            "lru-cache 2.3.1 unknown - node_modules/lru-cache/package.json:2",
            "ms 2.1.3 unknown - node_modules/ms/package.json:2",
            "ms 2.0.0 unknown - node_modules/old-debug/node_modules/ms/package.json:2",
            "debug 2.6.9 unknown - node_modules/old-debug/package.json:2",
        ];
        assert_eq!(rows(&inventory), [&installed[..], &LOCKED_ROWS].concat());
        assert!(issues(&inventory).is_empty());
        let by_path = |path: &str| {
            (inventory.packages.iter())
                .find(|p| p.location().path == path)
                .unwrap()
        };
        // The old `licenses` array and `license` object.
        assert_eq!(
            by_path("node_modules/json-schema/package.json").licenses,
            ["AFLv2.1", "BSD"]
        );
        assert_eq!(
            by_path("node_modules/lru-cache/package.json").licenses,
            ["MIT"]
        );
        assert_eq!(by_path("node_modules/ms/package.json").licenses, ["MIT"]);
    }

    #[test]
    fn broken_manifests_are_issues_and_odd_entries_warnings() {
        let inventory = scan_fixture("javascript/package-json/malformed");
        assert_eq!(
            rows(&inventory),
            [
                "minimist 1.2.5 direct prod good/package.json:5",
                "mocha req:^10.0.0 direct dev odd/package.json:8",
            ]
        );
        assert_eq!(
            issues(&inventory),
            [
                "bad/package.json:5: invalid JSON: trailing comma (column 3)",
                "odd/package.json:3: `dependencies` is not an object; ignored",
                "odd/package.json:7: `devDependencies.chai` is not a string; ignored",
            ]
        );
    }
}
