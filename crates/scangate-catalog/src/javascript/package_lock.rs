//! npm's `package-lock.json` and `npm-shrinkwrap.json`, lockfile versions 1 to 3.
//!
//! Versions 2 and 3 list every installed folder in `packages`, keyed by its path: `""` is the
//! project, `node_modules/a/node_modules/b` a nested copy, `packages/x` a workspace member or a
//! linked folder, and `node_modules/x` with `link: true` the link to it. Version 1 nests
//! `dependencies` objects instead; they are flattened to the same paths. A dependency is found
//! as Node finds it: the nearest `node_modules/<name>` walking up from the dependent's folder.
//!
//! The project and its workspace members are the roots, not packages: what they declare is
//! direct, the rest transitive. Version 1 does not record the project's own dependencies, so
//! they are read from the package.json beside the lockfile.

use super::manifest::{Manifest, Workspaces, licenses, manifest_path};
use super::node_modules::{ancestors, in_node_modules};
use super::specifier::{resolved_origin, split_name_version};
use crate::support::json;
use crate::{CatalogError, Cataloger, Catalogued, Context, Diagnostic, SourceFile};
use scangate_fsview::{file_name, parent};
use scangate_types::{Ecosystem, Origin, Package, Relationship, Scope};
use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap, HashSet};

pub struct PackageLock;

impl Cataloger for PackageLock {
    fn name(&self) -> &'static str {
        "npm-package-lock"
    }

    /// A lockfile inside `node_modules` belongs to an installed package; what is installed
    /// there is read from the packages' own package.json files.
    fn matches(&self, path: &str) -> bool {
        matches!(file_name(path), "package-lock.json" | "npm-shrinkwrap.json")
            && !in_node_modules(path)
    }

    fn catalog(
        &self,
        file: &SourceFile<'_>,
        ctx: &Context<'_>,
    ) -> Result<Catalogued, CatalogError> {
        let text = file.text()?;
        let lockfile: Lockfile = json::from_str(text)?;
        let mut warnings = Vec::new();
        let tree = match (lockfile.packages, lockfile.dependencies) {
            (Some(packages), _) if !packages.is_empty() => {
                Tree::from_packages(packages, &json::key_lines(text, &["packages"]))
            }
            (_, Some(dependencies)) => {
                let root = project_manifest(file.path, ctx);
                if root.is_none() {
                    warnings.push(Diagnostic::new(
                        None,
                        "no readable package.json beside this version 1 lockfile: \
                         direct dependencies unknown",
                    ));
                }
                Tree::from_v1(dependencies, &v1_lines(text), root)
            }
            _ => Tree::default(),
        };
        Ok(Catalogued {
            packages: tree.packages(file),
            warnings,
        })
    }
}

#[derive(Deserialize)]
struct Lockfile {
    packages: Option<HashMap<String, Entry>>,
    dependencies: Option<HashMap<String, V1Entry>>,
}

/// A folder of a version 2 or 3 `packages` map.
#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct Entry {
    name: Option<String>,
    version: Option<String>,
    resolved: Option<String>,
    link: bool,
    dev: bool,
    optional: bool,
    dev_optional: bool,
    peer: bool,
    license: Option<Value>,
    dependencies: BTreeMap<String, IgnoredAny>,
    dev_dependencies: BTreeMap<String, IgnoredAny>,
    optional_dependencies: BTreeMap<String, IgnoredAny>,
    peer_dependencies: BTreeMap<String, IgnoredAny>,
    workspaces: Option<Value>,
}

impl Entry {
    fn scope(&self) -> Scope {
        scope(self.dev || self.dev_optional, self.optional, self.peer)
    }

    /// The names this folder needs; a project's devDependencies are installed too.
    fn needs(&self, is_project: bool) -> Vec<String> {
        let dev = is_project.then_some(&self.dev_dependencies);
        [
            &self.dependencies,
            &self.optional_dependencies,
            &self.peer_dependencies,
        ]
        .into_iter()
        .chain(dev)
        .flat_map(BTreeMap::keys)
        .cloned()
        .collect()
    }
}

/// A version 1 entry; `dependencies` holds the copies nested under it.
#[derive(Deserialize, Default)]
#[serde(default)]
struct V1Entry {
    version: Option<String>,
    resolved: Option<String>,
    dev: bool,
    optional: bool,
    requires: BTreeMap<String, IgnoredAny>,
    dependencies: HashMap<String, V1Entry>,
}

fn scope(dev: bool, optional: bool, peer: bool) -> Scope {
    if dev {
        Scope::Dev
    } else if optional {
        Scope::Optional
    } else if peer {
        Scope::Peer
    } else {
        Scope::Prod
    }
}

/// One folder of the install tree.
struct Node {
    name: String,
    version: Option<String>,
    line: Option<u32>,
    kind: Kind,
    /// Names of the dependencies, found from this folder by Node's lookup.
    needs: Vec<String>,
}

enum Kind {
    /// The project or one of its workspace members.
    Project,
    /// A link to another folder of the tree.
    Link(String),
    Package {
        scope: Scope,
        origin: Origin,
        licenses: Vec<String>,
    },
}

#[derive(Default)]
struct Tree {
    /// By install path; sorted, so that the output does not depend on hashing.
    nodes: BTreeMap<String, Node>,
    /// Whether the project's own dependencies are known (else relationships are unknown).
    has_project: bool,
}

impl Tree {
    fn from_packages(packages: HashMap<String, Entry>, lines: &HashMap<String, u32>) -> Tree {
        let workspaces = packages
            .get("")
            .and_then(|root| root.workspaces.as_ref())
            .and_then(|field| Workspaces::from_field("", field));
        // A linked folder that records no name is known by the name of its link.
        let link_names: HashMap<String, String> = packages
            .iter()
            .filter(|(_, entry)| entry.link)
            .filter_map(|(path, entry)| Some((entry.resolved.clone()?, folder_name(path).into())))
            .collect();
        let is_member = |path: &str| workspaces.as_ref().is_some_and(|w| w.contains(path));
        let mut tree = Tree {
            has_project: packages.contains_key(""),
            ..Tree::default()
        };
        for (path, entry) in packages {
            let is_project = path.is_empty() || is_member(&path);
            let name = (entry.name.clone())
                .or_else(|| link_names.get(&path).cloned())
                .unwrap_or_else(|| folder_name(&path).to_string());
            let kind = if is_project {
                Kind::Project
            } else if entry.link {
                Kind::Link(entry.resolved.clone().unwrap_or_default())
            } else {
                let origin = match &entry.resolved {
                    _ if !in_node_modules(&path) => Origin::Path { path: path.clone() },
                    Some(resolved) => resolved_origin(&name, resolved),
                    None => Origin::Registry,
                };
                Kind::Package {
                    scope: entry.scope(),
                    origin,
                    licenses: licenses([entry.license.as_ref()]),
                }
            };
            let node = Node {
                name,
                version: entry.version.clone().filter(|v| !v.is_empty()),
                line: lines.get(&path).copied(),
                needs: entry.needs(is_project),
                kind,
            };
            tree.nodes.insert(path, node);
        }
        tree
    }

    fn from_v1(
        dependencies: HashMap<String, V1Entry>,
        lines: &HashMap<String, u32>,
        project: Option<Node>,
    ) -> Tree {
        let mut tree = Tree {
            has_project: project.is_some(),
            nodes: project.map(|p| (String::new(), p)).into_iter().collect(),
        };
        // An explicit stack: nesting is bounded by the parser, but need not cost call depth.
        let mut pending = vec![(String::new(), dependencies)];
        while let Some((under, dependencies)) = pending.pop() {
            for (key, entry) in dependencies {
                let path = install_path(&under, &key);
                let node = v1_node(key, &entry, lines.get(&path).copied());
                pending.push((path.clone(), entry.dependencies));
                tree.nodes.insert(path, node);
            }
        }
        tree
    }

    /// The folder `name` resolves to from the folder `from`, following a link to its target.
    fn find(&self, from: &str, name: &str) -> Option<(&str, &Node)> {
        let (path, node) = ancestors(from)
            .filter(|dir| file_name(dir) != "node_modules")
            .find_map(|dir| self.nodes.get_key_value(&install_path(dir, name)))?;
        match &node.kind {
            Kind::Link(target) => self
                .nodes
                .get_key_value(target)
                .map(|(path, node)| (path.as_str(), node)),
            _ => Some((path.as_str(), node)),
        }
    }

    fn packages(&self, file: &SourceFile<'_>) -> Vec<Package> {
        let direct: HashSet<&str> = self
            .nodes
            .iter()
            .filter(|(_, node)| matches!(node.kind, Kind::Project))
            .flat_map(|(path, node)| node.needs.iter().filter_map(|dep| self.find(path, dep)))
            .map(|(path, _)| path)
            .collect();
        let relationship = |path: &str| match (direct.contains(path), self.has_project) {
            (true, _) => Relationship::Direct,
            (false, true) => Relationship::Transitive,
            (false, false) => Relationship::Unknown,
        };
        let mut packages = Vec::new();
        for (path, node) in &self.nodes {
            let Kind::Package {
                scope,
                origin,
                licenses,
            } = &node.kind
            else {
                continue;
            };
            let mut package = Package::new(
                Ecosystem::Npm,
                &node.name,
                node.version.clone(),
                file.at(node.line),
            )
            .with_relationship(relationship(path))
            .with_scope(*scope)
            .with_origin(origin.clone())
            .with_licenses(licenses.clone());
            for (_, dep) in node.needs.iter().filter_map(|dep| self.find(path, dep)) {
                if matches!(dep.kind, Kind::Package { .. }) {
                    package.depends_on(&dep.name, dep.version.as_deref());
                }
            }
            packages.push(package);
        }
        packages
    }
}

/// A version 1 entry: its `version` is a version, an `npm:real@version` alias, or for git,
/// folder and URL dependencies the source itself.
fn v1_node(key: String, entry: &V1Entry, line: Option<u32>) -> Node {
    let recorded = entry.version.as_deref().unwrap_or_default();
    let (name, version, source) = match recorded.strip_prefix("npm:") {
        Some(alias) => {
            let (name, version) = split_name_version(alias);
            (name.to_string(), Some(version), entry.resolved.as_deref())
        }
        None if recorded.contains([':', '/']) => (key, None, Some(recorded)),
        None => (key, Some(recorded), entry.resolved.as_deref()),
    };
    let origin = source.map_or(Origin::Registry, |source| resolved_origin(&name, source));
    Node {
        version: version.filter(|v| !v.is_empty()).map(str::to_owned),
        name,
        line,
        kind: Kind::Package {
            scope: scope(entry.dev, entry.optional, false),
            origin,
            licenses: Vec::new(),
        },
        needs: entry.requires.keys().cloned().collect(),
    }
}

/// The project of a version 1 lockfile, from the package.json beside it.
fn project_manifest(lockfile: &str, ctx: &Context<'_>) -> Option<Node> {
    let path = manifest_path(parent(lockfile), ".")?;
    let manifest = Manifest::parse(&ctx.read_text(&path).ok()?).ok()?;
    let needs = (manifest.dependencies().into_iter().flatten())
        .map(|dep| dep.name.to_string())
        .collect();
    Some(Node {
        name: String::new(),
        version: None,
        line: None,
        kind: Kind::Project,
        needs,
    })
}

/// `<dir>/node_modules/<name>`.
fn install_path(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        format!("node_modules/{name}")
    } else {
        format!("{dir}/node_modules/{name}")
    }
}

/// The package name an install path gives: what follows its last `node_modules/`.
fn folder_name(path: &str) -> &str {
    path.match_indices("node_modules/")
        .filter(|(at, _)| *at == 0 || path[..*at].ends_with('/'))
        .last()
        .map_or_else(|| file_name(path), |(at, m)| &path[at + m.len()..])
}

/// The line of every version 1 entry, by install path: keys of objects found at
/// `dependencies`, `dependencies.<name>.dependencies`, and so on.
fn v1_lines(text: &str) -> HashMap<String, u32> {
    let mut lines = HashMap::new();
    json::visit_keys(text, |parents, key, line| {
        let nested =
            parents.len() % 2 == 1 && parents.iter().step_by(2).all(|p| p == "dependencies");
        if nested {
            let under = parents[1..]
                .iter()
                .step_by(2)
                .fold(String::new(), |dir, name| install_path(&dir, name));
            lines.entry(install_path(&under, key)).or_insert(line);
        }
    });
    lines
}

#[cfg(test)]
mod tests {
    use crate::javascript::test_support::package;
    use crate::testing::{issues, rows, scan_fixture};
    use scangate_types::{Origin, Package, Scope};

    fn lines(package: &Package) -> Vec<u32> {
        package.locations.iter().filter_map(|l| l.line).collect()
    }

    /// npm 11 (v3) and npm 8 (v2) lay the same project out alike.
    const V2_V3_ROWS: [&str; 10] = [
        "@types/ms 0.7.31 direct dev package-lock.json:29",
        "debug 2.6.8 direct prod package-lock.json:36",
        "ms 2.0.0 transitive prod package-lock.json:45",
        "is-data-descriptor 1.0.0 direct dev package-lock.json:51",
        "is-number 7.0.0 direct peer package-lock.json:64",
        "kind-of 6.0.2 direct dev package-lock.json:74",
        "lodash 4.17.20 direct prod package-lock.json:84",
        "minimist 1.2.5 direct dev package-lock.json:90",
        "ms 2.1.3 direct prod package-lock.json:97",
        "debug 2.6.9 direct prod package-lock.json:103",
    ];

    #[test]
    fn lockfiles_of_installed_packages_are_left_to_their_package_json() {
        use crate::Cataloger;
        let lock = super::PackageLock;
        assert!(lock.matches("web/package-lock.json"));
        assert!(lock.matches("npm-shrinkwrap.json"));
        assert!(!lock.matches("node_modules/x/npm-shrinkwrap.json"));
        assert!(!lock.matches("node_modules/.package-lock.json"));
    }

    #[test]
    fn v3_made_by_npm_11() {
        let inventory = scan_fixture("javascript/package-lock/v3");
        assert_eq!(rows(&inventory), V2_V3_ROWS);
        assert!(issues(&inventory).is_empty());
        // Installed under debug and under the alias old-debug: one package, two places.
        assert_eq!(lines(package(&inventory, "ms", Some("2.0.0"))), [45, 113]);
        // The alias old-debug is reported as the package it installs.
        let alias = package(&inventory, "debug", Some("2.6.9"));
        assert_eq!(lines(alias), [103]);
        assert_eq!(alias.depends_on, ["pkg:npm/ms@2.0.0"]);
        // Node's lookup: debug finds its nested ms, not the ms 2.1.3 at the top.
        let debug = package(&inventory, "debug", Some("2.6.8"));
        assert_eq!(debug.depends_on, ["pkg:npm/ms@2.0.0"]);
        assert_eq!(debug.licenses, ["MIT"]);
        assert_eq!(debug.origin, Origin::Registry);
        assert_eq!(
            package(&inventory, "is-data-descriptor", Some("1.0.0")).depends_on,
            ["pkg:npm/kind-of@6.0.2"]
        );
        // devOptional: optional for the project, needed by a dev dependency.
        assert_eq!(
            package(&inventory, "kind-of", Some("6.0.2")).scope,
            Some(Scope::Dev)
        );
        assert_eq!(inventory.files[0].cataloger, "npm-package-lock");
    }

    #[test]
    fn v2_reads_packages_not_the_v1_section() {
        let inventory = scan_fixture("javascript/package-lock/v2");
        assert_eq!(rows(&inventory), V2_V3_ROWS);
        assert!(issues(&inventory).is_empty());
        assert_eq!(lines(package(&inventory, "ms", Some("2.0.0"))), [45, 113]);
    }

    #[test]
    fn v1_made_by_npm_6() {
        let inventory = scan_fixture("javascript/package-lock/v1");
        assert_eq!(
            rows(&inventory),
            [
                "@types/ms 0.7.31 direct dev package-lock.json:7",
                "debug 2.6.8 direct prod package-lock.json:13",
                "ms 2.0.0 transitive prod package-lock.json:21",
                "is-data-descriptor 1.0.0 direct dev package-lock.json:28",
                "kind-of 6.0.2 direct prod package-lock.json:37",
                "lodash 4.17.20 direct prod package-lock.json:42",
                "minimist 1.2.5 direct dev package-lock.json:47",
                "ms 2.1.3 direct prod package-lock.json:53",
                "debug 2.6.9 direct prod package-lock.json:58",
            ]
        );
        assert!(issues(&inventory).is_empty());
        assert_eq!(lines(package(&inventory, "ms", Some("2.0.0"))), [21, 66]);
        let alias = package(&inventory, "debug", Some("2.6.9"));
        assert_eq!(alias.depends_on, ["pkg:npm/ms@2.0.0"]);
        assert_eq!(alias.origin, Origin::Registry);
        assert!(alias.licenses.is_empty());
    }

    #[test]
    fn v1_without_its_package_json_cannot_tell_direct_dependencies() {
        let inventory = scan_fixture("javascript/package-lock/v1-no-manifest");
        assert_eq!(inventory.packages.len(), 9);
        assert_eq!(
            rows(&inventory)[..2],
            [
                "@types/ms 0.7.31 unknown dev package-lock.json:7",
                "debug 2.6.8 unknown prod package-lock.json:13",
            ]
        );
        assert_eq!(
            issues(&inventory),
            [
                "package-lock.json: no readable package.json beside this version 1 lockfile: \
              direct dependencies unknown"
            ]
        );
    }

    #[test]
    fn workspace_members_are_the_project_not_packages() {
        let inventory = scan_fixture("javascript/package-lock/workspaces");
        assert_eq!(
            rows(&inventory),
            [
                "debug 2.6.8 direct prod package-lock.json:25",
                "lodash 4.17.20 direct prod package-lock.json:34",
                "minimist 1.2.5 direct dev package-lock.json:40",
                "ms 2.0.0 transitive prod package-lock.json:47",
                "lodash 4.17.21 direct prod package-lock.json:71",
            ]
        );
        assert!(issues(&inventory).is_empty());
    }

    #[test]
    fn shrinkwrap_is_read_like_a_lockfile() {
        let inventory = scan_fixture("javascript/package-lock/shrinkwrap");
        assert_eq!(
            rows(&inventory),
            [
                "debug 2.6.8 direct prod npm-shrinkwrap.json:14",
                "ms 2.0.0 transitive prod npm-shrinkwrap.json:23",
            ]
        );
        assert!(issues(&inventory).is_empty());
    }

    #[test]
    fn v3_git_folder_tarball_and_bundled_sources() {
        let inventory = scan_fixture("javascript/package-lock/sources");
        assert_eq!(
            rows(&inventory),
            [
                "local-lib 0.1.0 direct prod package-lock.json:19",
                "bundler 1.0.0 direct prod package-lock.json:26",
                "inner 1.0.1 transitive prod package-lock.json:38",
                "left-pad 1.3.0 direct prod package-lock.json:43",
                "minimist 1.2.5 direct prod package-lock.json:52",
                "ms 2.0.0 transitive prod package-lock.json:58",
                "packed-lib 0.2.0 direct prod package-lock.json:64",
                "tarball-lib 2.0.0 direct prod package-lock.json:70",
            ]
        );
        assert!(issues(&inventory).is_empty());
        let local = package(&inventory, "local-lib", Some("0.1.0"));
        assert_eq!(
            local.origin,
            Origin::Path {
                path: "local-lib".into()
            }
        );
        assert_eq!(local.licenses, ["ISC"]);
        assert_eq!(local.depends_on, ["pkg:npm/ms@2.0.0"]);
        let git = package(&inventory, "left-pad", Some("1.3.0"));
        assert_eq!(
            git.origin,
            Origin::Git {
                url: "git+ssh://git@git.example.invalid/acme/left-pad.git".into(),
                rev: Some("5ff51b1d2dc7b1c77e6bd6c8af6ac0ff6ca3b1da".into()),
            }
        );
        assert_eq!(git.licenses, ["WTFPL"]);
        assert_eq!(
            package(&inventory, "packed-lib", Some("0.2.0")).origin,
            Origin::Path {
                path: "packed-lib-0.2.0.tgz".into()
            }
        );
        let tarball = package(&inventory, "tarball-lib", Some("2.0.0"));
        assert_eq!(
            tarball.origin,
            Origin::Url {
                url: "https://downloads.example.invalid/tarball-lib-2.0.0.tgz".into()
            }
        );
        assert_eq!(tarball.depends_on, ["pkg:npm/ms@2.0.0"]);
        let bundler = package(&inventory, "bundler", Some("1.0.0"));
        assert_eq!(bundler.origin, Origin::Registry);
        assert_eq!(bundler.depends_on, ["pkg:npm/inner@1.0.1"]);
    }

    #[test]
    fn v1_sources_have_no_version_number() {
        let inventory = scan_fixture("javascript/package-lock/v1-sources");
        assert_eq!(
            rows(&inventory),
            [
                "bundler 1.0.0 direct prod package-lock.json:7",
                "inner 1.0.1 transitive prod package-lock.json:15",
                "left-pad - direct prod package-lock.json:21",
                "local-lib - direct prod package-lock.json:25",
                "minimist 1.2.5 direct prod package-lock.json:31",
                "ms 2.0.0 transitive prod package-lock.json:36",
                "packed-lib - direct prod package-lock.json:41",
                "tarball-lib - direct prod package-lock.json:45",
            ]
        );
        assert!(issues(&inventory).is_empty());
        assert_eq!(
            package(&inventory, "left-pad", None).origin,
            Origin::Git {
                url: "git+ssh://git@git.example.invalid/acme/left-pad.git".into(),
                rev: Some("5ff51b1d2dc7b1c77e6bd6c8af6ac0ff6ca3b1da".into()),
            }
        );
        let local = package(&inventory, "local-lib", None);
        assert_eq!(
            local.origin,
            Origin::Path {
                path: "local-lib".into()
            }
        );
        assert_eq!(local.depends_on, ["pkg:npm/ms@2.0.0"]);
        assert_eq!(
            package(&inventory, "tarball-lib", None).origin,
            Origin::Url {
                url: "https://downloads.example.invalid/tarball-lib-2.0.0.tgz".into()
            }
        );
    }

    #[test]
    fn a_truncated_lockfile_is_an_issue_and_its_neighbour_still_counts() {
        let inventory = scan_fixture("javascript/package-lock/malformed");
        assert_eq!(
            rows(&inventory),
            [
                "debug 2.6.8 direct prod good/package-lock.json:14",
                "ms 2.0.0 transitive prod good/package-lock.json:23",
            ]
        );
        assert_eq!(
            issues(&inventory),
            ["bad/package-lock.json:48: invalid JSON: EOF while parsing a string (column 86)"]
        );
    }
}
