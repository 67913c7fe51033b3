//! `pnpm-lock.yaml`, lockfile versions 5.x (pnpm 6 and 7), 6.0 (pnpm 8) and 9.0 (pnpm 9 and later).
//!
//! The importers (or, in single-project 5.x and 6.0 files, the top-level dependency lists)
//! are the project and its workspace members: what they name is direct, with the scope of the
//! list naming it, and scopes spread along the dependency edges as for yarn. Packages no
//! importer reaches keep the `dev`/`optional` flags of 5.x and 6.0 files. The same name and
//! version resolved under several peer-dependency contexts (`/a/1.0.0_b@2.0.0`,
//! `/a@1.0.0(b@2.0.0)`, 9.0 snapshots) is one package; in 9.0 its line is that of its
//! `packages` entry. `link:` references are workspace members, not packages.

use super::graph::{Graph, Node, Root};
use super::specifier::local_origin;
use super::yaml_lines::key_lines;
use crate::support::yaml;
use crate::{CatalogError, Cataloger, Catalogued, Context, Diagnostic, SourceFile};
use scangate_fsview::file_name;
use scangate_types::{Origin, Scope};
use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};
use std::collections::{BTreeMap, HashMap, HashSet};

pub struct PnpmLock;

impl Cataloger for PnpmLock {
    fn name(&self) -> &'static str {
        "pnpm-lock"
    }

    fn matches(&self, path: &str) -> bool {
        file_name(path) == "pnpm-lock.yaml"
    }

    fn catalog(
        &self,
        file: &SourceFile<'_>,
        _ctx: &Context<'_>,
    ) -> Result<Catalogued, CatalogError> {
        let text = file.text()?;
        // pnpm 12 puts an environment lockfile (config dependencies) first, as its own document.
        let (first_line, text) = last_document(text);
        let lockfile: Lockfile = yaml::from_str(text).map_err(|err| CatalogError {
            line: err.line.map(|line| line + first_line - 1),
            ..err
        })?;
        let style = Style::of(lockfile.lockfile_version.as_deref())?;
        let shift = |lines: HashMap<String, u32>| -> HashMap<String, u32> {
            lines
                .into_iter()
                .map(|(key, line)| (key, line + first_line - 1))
                .collect()
        };
        let lines = Lines {
            packages: shift(key_lines(text, Some("packages"))),
            snapshots: shift(key_lines(text, Some("snapshots"))),
        };
        Ok(build(file, &lockfile, style, &lines))
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Lockfile {
    lockfile_version: Option<String>,
    #[serde(default)]
    importers: BTreeMap<String, Importer>,
    /// A single project's own lists, at the top level in 5.x and 6.0 files.
    #[serde(flatten)]
    root: Importer,
    #[serde(default)]
    packages: BTreeMap<String, Entry>,
    #[serde(default)]
    snapshots: BTreeMap<String, Entry>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Importer {
    #[serde(default)]
    dependencies: BTreeMap<String, Reference>,
    #[serde(default)]
    dev_dependencies: BTreeMap<String, Reference>,
    #[serde(default)]
    optional_dependencies: BTreeMap<String, Reference>,
}

impl Importer {
    fn is_empty(&self) -> bool {
        self.dependencies.is_empty()
            && self.dev_dependencies.is_empty()
            && self.optional_dependencies.is_empty()
    }

    fn lists(&self) -> [(&BTreeMap<String, Reference>, Scope); 3] {
        [
            (&self.dependencies, Scope::Prod),
            (&self.dev_dependencies, Scope::Dev),
            (&self.optional_dependencies, Scope::Optional),
        ]
    }
}

/// A package entry (5.x, 6.0, 9.0 `packages`) or a 9.0 snapshot.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Entry {
    resolution: Option<Resolution>,
    name: Option<String>,
    version: Option<String>,
    #[serde(default)]
    dependencies: BTreeMap<String, String>,
    #[serde(default)]
    optional_dependencies: BTreeMap<String, String>,
    dev: Option<bool>,
    optional: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
struct Resolution {
    tarball: Option<String>,
    directory: Option<String>,
    repo: Option<String>,
    commit: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
}

/// An importer's reference to a package: `1.0.0` (5.x) or `{specifier, version}` (6.0, 9.0).
#[derive(Debug)]
struct Reference(String);

impl<'de> Deserialize<'de> for Reference {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Reference, D::Error> {
        struct ReferenceVisitor;
        impl<'de> Visitor<'de> for ReferenceVisitor {
            type Value = Reference;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a version or a map with a version")
            }
            fn visit_str<E: de::Error>(self, value: &str) -> Result<Reference, E> {
                Ok(Reference(value.to_string()))
            }
            fn visit_u64<E: de::Error>(self, value: u64) -> Result<Reference, E> {
                Ok(Reference(value.to_string()))
            }
            fn visit_f64<E: de::Error>(self, value: f64) -> Result<Reference, E> {
                Ok(Reference(value.to_string()))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Reference, A::Error> {
                let mut version = None;
                while let Some(key) = map.next_key::<String>()? {
                    if key == "version" {
                        version = Some(map.next_value::<String>()?);
                    } else {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
                version
                    .map(Reference)
                    .ok_or_else(|| de::Error::missing_field("version"))
            }
        }
        deserializer.deserialize_any(ReferenceVisitor)
    }
}

/// How a lockfile version spells the key of a package (its "dependency path").
#[derive(Debug, Clone, Copy, PartialEq)]
enum Style {
    /// `/name/1.0.0_peer@2.0.0`
    V5,
    /// `/name@1.0.0(peer@2.0.0)`
    V6,
    /// `name@1.0.0(peer@2.0.0)`, with `packages` and `snapshots` apart
    V9,
}

impl Style {
    fn of(version: Option<&str>) -> Result<Style, CatalogError> {
        let version = version
            .ok_or_else(|| CatalogError::new("invalid pnpm-lock.yaml: no lockfileVersion"))?;
        let major = version
            .trim_start_matches('v')
            .split('.')
            .next()
            .and_then(|major| major.parse::<u32>().ok())
            .ok_or_else(|| {
                CatalogError::new(format!(
                    "invalid pnpm-lock.yaml: unknown lockfileVersion `{version}`"
                ))
            })?;
        Ok(match major {
            ..6 => Style::V5,
            6 => Style::V6,
            _ => Style::V9,
        })
    }

    /// The key a plain reference (`1.0.0`, `1.0.0(peer@2.0.0)`) of `name` points to.
    fn key(self, name: &str, reference: &str) -> String {
        match self {
            Style::V5 => format!("/{name}/{reference}"),
            Style::V6 => format!("/{name}@{reference}"),
            Style::V9 => format!("{name}@{reference}"),
        }
    }

    /// `(name, version)` of a registry-style key, without the peer-dependency suffix.
    fn split_key(self, key: &str) -> Option<(&str, &str)> {
        let (name, version) = match self {
            Style::V5 => {
                let key = key.strip_prefix('/')?;
                let skip = if key.starts_with('@') {
                    key.find('/')? + 1
                } else {
                    0
                };
                let at = skip + key[skip..].find('/')?;
                (&key[..at], key[at + 1..].split(['_', '(']).next()?)
            }
            Style::V6 | Style::V9 => {
                let key = if self == Style::V6 {
                    key.strip_prefix('/')?
                } else {
                    key
                };
                let at = 1 + key.get(1..)?.find('@')?;
                (&key[..at], key[at + 1..].split('(').next()?)
            }
        };
        (!name.is_empty() && !version.is_empty()).then_some((name, version))
    }
}

/// The lines of the keys of `packages` and `snapshots`.
struct Lines {
    packages: HashMap<String, u32>,
    snapshots: HashMap<String, u32>,
}

/// One resolved copy of a package: its key, its metadata and the entry holding its edges.
struct Instance<'a> {
    key: &'a str,
    meta: Option<&'a Entry>,
    edges: Option<&'a Entry>,
    line: Option<u32>,
}

fn build(file: &SourceFile<'_>, lockfile: &Lockfile, style: Style, lines: &Lines) -> Catalogued {
    let mut warnings = Vec::new();
    let mut graph = Graph::default();
    let mut by_key: HashMap<&str, usize> = HashMap::new();
    let instances = instances(lockfile, style, lines);
    for instance in &instances {
        match node(instance, style) {
            Some(node) => {
                by_key.insert(instance.key, graph.add(node));
            }
            None => warnings.push(Diagnostic::new(
                instance.line,
                format!(
                    "cannot tell the name of package `{}`; skipped",
                    instance.key
                ),
            )),
        }
    }
    let resolve = |name: &str, reference: &str| {
        if reference.starts_with("link:") {
            return None;
        }
        by_key
            .get(reference)
            .or_else(|| by_key.get(style.key(name, reference).as_str()))
            .copied()
    };
    for instance in &instances {
        let (Some(&from), Some(edges)) = (by_key.get(instance.key), instance.edges) else {
            continue;
        };
        for (name, reference) in edges
            .dependencies
            .iter()
            .chain(&edges.optional_dependencies)
        {
            if let Some(to) = resolve(name, reference) {
                graph.add_edge(from, to);
            }
        }
    }
    let importers: Vec<&Importer> = if lockfile.importers.is_empty() {
        Some(&lockfile.root)
            .filter(|root| !root.is_empty())
            .into_iter()
            .collect()
    } else {
        lockfile.importers.values().collect()
    };
    let roots: Vec<Root> = importers
        .iter()
        .flat_map(|importer| importer.lists())
        .flat_map(|(list, scope)| {
            list.iter().filter_map(move |(name, reference)| {
                resolve(name, &reference.0).map(|node| Root {
                    node,
                    scope: Some(scope),
                })
            })
        })
        .collect();
    let roots = (!importers.is_empty()).then_some(roots);
    Catalogued {
        packages: graph.into_packages(file, roots.as_deref()),
        warnings,
    }
}

/// Every resolved copy: the `packages` entries of 5.x and 6.0; the snapshots of 9.0 with the
/// `packages` entry each one instantiates (and any entry no snapshot instantiates).
fn instances<'a>(lockfile: &'a Lockfile, style: Style, lines: &Lines) -> Vec<Instance<'a>> {
    if style != Style::V9 {
        return lockfile
            .packages
            .iter()
            .map(|(key, entry)| Instance {
                key,
                meta: Some(entry),
                edges: Some(entry),
                line: lines.packages.get(key).copied(),
            })
            .collect();
    }
    let mut instantiated = HashSet::new();
    let mut instances: Vec<Instance<'a>> = lockfile
        .snapshots
        .iter()
        .map(|(key, snapshot)| {
            let base = peerless(key);
            instantiated.insert(base);
            Instance {
                key,
                meta: lockfile.packages.get(base),
                edges: Some(snapshot),
                line: lines
                    .packages
                    .get(base)
                    .or(lines.snapshots.get(key))
                    .copied(),
            }
        })
        .collect();
    for (key, entry) in &lockfile.packages {
        if !instantiated.contains(key.as_str()) {
            instances.push(Instance {
                key,
                meta: Some(entry),
                edges: None,
                line: lines.packages.get(key).copied(),
            });
        }
    }
    instances
}

/// A 9.0 snapshot key without its peer-dependency suffix: the key of its `packages` entry.
fn peerless(key: &str) -> &str {
    match key.get(1..).and_then(|rest| rest.find('(')) {
        Some(at) => &key[..at + 1],
        None => key,
    }
}

fn node(instance: &Instance<'_>, style: Style) -> Option<Node> {
    let meta = instance.meta;
    let parsed = style.split_key(instance.key);
    let plain = parsed
        .map(|(_, version)| version)
        .filter(|version| !version.contains([':', '/', '#']));
    let name = meta
        .and_then(|m| m.name.as_deref())
        .or(parsed.map(|(name, _)| name))?;
    let version = meta
        .and_then(|m| m.version.clone())
        .or(plain.map(str::to_owned));
    let requirement = parsed.map_or(instance.key, |(_, version)| version);
    let origin = origin(meta.and_then(|m| m.resolution.as_ref()), plain.is_some());
    let mut node = Node::new(name, instance.line, origin).versioned(version, requirement);
    node.recorded_scope = [meta, instance.edges]
        .into_iter()
        .flatten()
        .filter_map(recorded_scope)
        .min();
    Some(node)
}

/// The scope the 5.x and 6.0 `dev`/`optional` flags (and the 9.0 snapshot `optional` flag)
/// record: `dev: false` is prod, `dev: true` dev, no `dev` flag both.
fn recorded_scope(entry: &Entry) -> Option<Scope> {
    match (entry.dev, entry.optional) {
        (Some(true), _) => Some(Scope::Dev),
        (_, Some(true)) => Some(Scope::Optional),
        (Some(false), _) => Some(Scope::Prod),
        (None, _) => None,
    }
}

/// Where the code comes from: the resolution's kind, and for archives whether the key is a
/// registry package's (`registry_key`).
fn origin(resolution: Option<&Resolution>, registry_key: bool) -> Origin {
    let Some(resolution) = resolution else {
        return Origin::Registry;
    };
    match (
        resolution.kind.as_deref(),
        &resolution.repo,
        &resolution.directory,
        &resolution.tarball,
    ) {
        (Some("git"), Some(repo), _, _) => Origin::Git {
            url: repo.clone(),
            rev: resolution.commit.clone(),
        },
        (Some("directory"), _, Some(directory), _) => local_origin("", directory),
        (_, _, _, Some(tarball)) => match tarball.strip_prefix("file:") {
            Some(path) => local_origin("", path),
            None if !registry_key => Origin::Url {
                url: tarball.clone(),
            },
            None => Origin::Registry,
        },
        _ => Origin::Registry,
    }
}

/// The line the last YAML document starts on, and its text.
fn last_document(text: &str) -> (u32, &str) {
    let mut start = (1, 0);
    let mut offset = 0;
    for (index, line) in text.split_inclusive('\n').enumerate() {
        offset += line.len();
        if line.trim_end() == "---" {
            start = (index as u32 + 2, offset);
        }
    }
    (start.0, &text[start.1..])
}

#[cfg(test)]
mod tests;
