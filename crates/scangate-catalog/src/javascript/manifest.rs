//! The project's own package.json files, read beside a lockfile to tell direct dependencies
//! and their scope.

use super::graph::Root;
use crate::support::json;
use crate::{Context, Diagnostic};
use scangate_types::Scope;
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawManifest {
    #[serde(default)]
    dependencies: BTreeMap<String, String>,
    #[serde(default)]
    dev_dependencies: BTreeMap<String, String>,
    #[serde(default)]
    optional_dependencies: BTreeMap<String, String>,
    #[serde(default)]
    peer_dependencies: BTreeMap<String, String>,
    workspaces: Option<Workspaces>,
}

/// `"workspaces": [...]` or `"workspaces": {"packages": [...]}`.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Workspaces {
    List(Vec<String>),
    Object {
        #[serde(default)]
        packages: Vec<String>,
    },
}

/// The dependency lists of one package.json.
#[derive(Debug, Default)]
pub struct Manifest {
    /// `(name, range, scope)` for every entry of the four dependency lists.
    pub dependencies: Vec<(String, String, Scope)>,
    /// The `workspaces` patterns, as written.
    pub workspaces: Vec<String>,
}

impl Manifest {
    /// The strongest scope under which the manifest lists `name`.
    pub fn scope_of(&self, name: &str) -> Option<Scope> {
        self.dependencies
            .iter()
            .filter(|(dep, _, _)| dep == name)
            .map(|(_, _, scope)| *scope)
            .min()
    }

    /// Roots for every listed dependency that `resolve(name, range)` finds in the lockfile.
    pub fn roots(&self, mut resolve: impl FnMut(&str, &str) -> Option<usize>) -> Vec<Root> {
        self.dependencies
            .iter()
            .filter_map(|(name, range, scope)| {
                resolve(name, range).map(|node| Root {
                    node,
                    scope: Some(*scope),
                })
            })
            .collect()
    }
}

/// The package.json at `path`: `None` when there is none; an unreadable or invalid one is a
/// warning and counts as absent.
pub fn read(ctx: &Context<'_>, path: &str, warnings: &mut Vec<Diagnostic>) -> Option<Manifest> {
    if !ctx.view.is_file(path) {
        return None;
    }
    let parsed = ctx.read_text(path).and_then(|text| {
        json::from_str::<RawManifest>(&text).map_err(|err| {
            let at = err.line.map_or(String::new(), |line| format!(":{line}"));
            crate::CatalogError::new(format!("{path}{at}: {}", err.message))
        })
    });
    let raw = match parsed {
        Ok(raw) => raw,
        Err(err) => {
            warnings.push(Diagnostic::new(
                None,
                format!("{}; file ignored", err.message),
            ));
            return None;
        }
    };
    let lists = [
        (raw.dependencies, Scope::Prod),
        (raw.dev_dependencies, Scope::Dev),
        (raw.optional_dependencies, Scope::Optional),
        (raw.peer_dependencies, Scope::Peer),
    ];
    let dependencies = lists
        .into_iter()
        .flat_map(|(list, scope)| {
            list.into_iter()
                .map(move |(name, range)| (name, range, scope))
        })
        .collect();
    let workspaces = match raw.workspaces {
        Some(Workspaces::List(patterns) | Workspaces::Object { packages: patterns }) => patterns,
        None => Vec::new(),
    };
    Some(Manifest {
        dependencies,
        workspaces,
    })
}

/// The package.json files of the workspace members that `patterns` name, relative to `dir`.
///
/// Literal folders are looked up directly; patterns whose segments hold `*` or `?` are matched
/// against the view's package.json files in one walk. `**`, negations and character classes
/// are not supported and give a warning.
pub fn workspace_manifest_paths(
    ctx: &Context<'_>,
    dir: &str,
    patterns: &[String],
    warnings: &mut Vec<Diagnostic>,
) -> Vec<String> {
    let mut paths = Vec::new();
    let mut globs: Vec<Vec<&str>> = Vec::new();
    for pattern in patterns {
        let trimmed = pattern.trim_start_matches("./").trim_end_matches('/');
        if trimmed.contains("**") || trimmed.starts_with('!') || trimmed.contains('[') {
            warnings.push(Diagnostic::new(
                None,
                format!(
                    "workspace pattern `{pattern}` is not supported; its members were not read"
                ),
            ));
        } else if trimmed.contains(['*', '?']) {
            globs.push(trimmed.split('/').collect());
        } else if let Some(path) = scangate_fsview::join(dir, &format!("{trimmed}/package.json"))
            && ctx.view.is_file(&path)
        {
            paths.push(path);
        }
    }
    if !globs.is_empty() {
        let prefix = if dir.is_empty() {
            String::new()
        } else {
            format!("{dir}/")
        };
        let walk = ctx.view.files(&|path: &str| {
            let Some(folder) = path
                .strip_prefix(prefix.as_str())
                .and_then(|rel| rel.strip_suffix("/package.json"))
            else {
                return false;
            };
            globs.iter().any(|glob| {
                let segments: Vec<&str> = folder.split('/').collect();
                segments.len() == glob.len()
                    && glob
                        .iter()
                        .zip(&segments)
                        .all(|(g, s)| wildcard_match(g, s))
            })
        });
        paths.extend(walk.files);
    }
    paths.sort();
    paths.dedup();
    paths
}

/// `*` (any run of characters) and `?` (one character) matched against one path segment,
/// with the usual single-backtrack algorithm: linear in practice, never exponential.
fn wildcard_match(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((star_pi, star_ti)) = star {
            pi = star_pi + 1;
            ti = star_ti + 1;
            star = Some((star_pi, star_ti + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

#[cfg(test)]
mod tests {
    use super::wildcard_match;

    #[test]
    fn wildcards_match_one_segment() {
        assert!(wildcard_match("*", "app"));
        assert!(wildcard_match("pkg-*", "pkg-a"));
        assert!(wildcard_match("a?c", "abc"));
        assert!(!wildcard_match("pkg-*", "lib"));
        assert!(!wildcard_match("a?c", "ac"));
    }
}
