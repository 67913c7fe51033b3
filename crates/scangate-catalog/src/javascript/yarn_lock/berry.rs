//! The lockfile of yarn 2 and later: YAML, one entry per resolved package, keyed by the
//! descriptors (`name@npm:^1.0.0, name@npm:^1.1.0`) that resolve to it.
//!
//! Workspaces are entries whose resolution uses the `workspace:` protocol; `patch:` entries
//! are the package they patch and fold into it; `file:`, `portal:`, `link:` and `exec:`
//! entries have a path origin, git and archive URLs their URL. `link:` and `portal:` entries
//! record no version (`0.0.0-use.local`): their reference stands in as the requirement.

use crate::javascript::graph::{Graph, Node, Root};
use crate::javascript::manifest::{Manifest, manifest_path};
use crate::javascript::specifier::{
    local_origin, source_origin, split_fragment, split_name_version,
};
use crate::javascript::yaml_lines::key_lines;
use crate::support::yaml;
use crate::{CatalogError, Catalogued, Context, Diagnostic, SourceFile};
use scangate_fsview::parent;
use scangate_types::Origin;
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};

/// The version yarn writes for packages it does not read a version from.
const NO_VERSION: &str = "0.0.0-use.local";

#[derive(Debug, Deserialize)]
struct Entry {
    version: Option<String>,
    resolution: Option<String>,
    #[serde(default)]
    dependencies: BTreeMap<String, String>,
}

/// What a descriptor resolves to.
#[derive(Debug, Clone, Copy)]
enum Target {
    Package(usize),
    Workspace,
}

pub fn catalog(
    file: &SourceFile<'_>,
    text: &str,
    ctx: &Context<'_>,
) -> Result<Catalogued, CatalogError> {
    let lockfile: BTreeMap<String, Entry> = yaml::from_str(text)?;
    let lines = key_lines(text, None);
    let dir = parent(file.path);
    let mut warnings = Vec::new();
    let mut graph = Graph::default();
    let mut targets: HashMap<String, Target> = HashMap::new();
    let mut packages: Vec<(usize, &str, &Entry)> = Vec::new();
    let mut workspaces: Vec<(&str, &str, &Entry)> = Vec::new();
    for (key, entry) in lockfile.iter().filter(|(key, _)| *key != "__metadata") {
        let line = lines.get(key).copied();
        let Some(resolution) = entry.resolution.as_deref() else {
            warnings.push(Diagnostic::new(
                line,
                format!("entry `{key}` has no resolution; skipped"),
            ));
            continue;
        };
        let (name, reference) = split_name_version(resolution);
        let target = match reference.strip_prefix("workspace:") {
            Some(path) => {
                workspaces.push((path, resolution, entry));
                Target::Workspace
            }
            None => {
                let node = graph.add(node(name, reference, entry.version.as_deref(), line));
                packages.push((node, resolution, entry));
                Target::Package(node)
            }
        };
        for descriptor in key.split(',') {
            targets.insert(descriptor_key(descriptor.trim()), target);
        }
    }

    // Older lockfiles write the default `npm:` protocol only in the keys; local protocols are
    // keyed with the locator of the package that declared them.
    let resolve = |name: &str, range: &str, parent: &str| {
        [
            format!("{name}@{range}"),
            format!("{name}@npm:{range}"),
            format!("{name}@{range}::{parent}"),
        ]
        .iter()
        .find_map(|key| targets.get(key).copied())
    };
    for (node, resolution, entry) in &packages {
        for (name, range) in &entry.dependencies {
            if let Some(Target::Package(dep)) = resolve(name, range, resolution) {
                graph.add_edge(*node, dep);
            }
        }
    }

    let mut roots = Vec::new();
    for (path, resolution, entry) in &workspaces {
        let manifest =
            manifest_path(dir, path).and_then(|p| Manifest::read(ctx, &p, &mut warnings));
        for (name, range) in &entry.dependencies {
            if let Some(Target::Package(node)) = resolve(name, range, resolution) {
                let scope = manifest.as_ref().and_then(|m| m.scope_of(name));
                roots.push(Root { node, scope });
            }
        }
    }
    let roots = (!workspaces.is_empty()).then_some(roots);
    Ok(Catalogued {
        packages: graph.into_packages(file, roots.as_deref()),
        warnings,
    })
}

fn node(name: &str, reference: &str, version: Option<&str>, line: Option<u32>) -> Node {
    let reference = unpatched(reference);
    let (body, params) = reference.split_once("::").unwrap_or((&reference, ""));
    let version = version.filter(|v| *v != NO_VERSION).map(str::to_owned);
    Node::new(name, line, origin(body, params)).versioned(version, body)
}

/// `patch:<source descriptor, %-encoded>#<patch>` is the source package with changes: the
/// reference of that source (repeatedly, for a patch of a patch).
fn unpatched(reference: &str) -> String {
    let mut reference = reference.to_string();
    while let Some(patched) = reference.strip_prefix("patch:") {
        let source = percent_decode(patched.split('#').next().unwrap_or(patched));
        reference = split_name_version(&source).1.to_string();
    }
    reference
}

/// The origin of a locator reference without its `::` parameters (`params`). Git locators
/// name their commit in a `commit=` fragment parameter.
fn origin(body: &str, params: &str) -> Origin {
    let (url, fragment) = split_fragment(body);
    let commit = fragment.and_then(|f| f.split('&').find_map(|kv| kv.strip_prefix("commit=")));
    let git = || Origin::Git {
        url: url.to_string(),
        rev: commit.map(str::to_owned),
    };
    match source_origin(body) {
        // Yarn repeats the path as the fragment; it is relative to the workspace that declared
        // it, named by the `locator` parameter.
        Some(Origin::Path { path }) => {
            let path = split_fragment(&path).0;
            match locator_workspace(params) {
                Some(workspace) => local_origin(&workspace, path),
                None => Origin::Path {
                    path: path.to_string(),
                },
            }
        }
        Some(Origin::Git { .. }) => git(),
        _ if commit.is_some() => git(),
        other => other.unwrap_or(Origin::Registry),
    }
}

/// The workspace folder of the `locator` parameter, when that locator is a workspace.
fn locator_workspace(params: &str) -> Option<String> {
    let locator = locator(params)?;
    let (_, reference) = split_name_version(&locator);
    reference.strip_prefix("workspace:").map(str::to_owned)
}

/// The decoded `locator` parameter: the package that declared a local dependency.
fn locator(params: &str) -> Option<String> {
    params
        .split('&')
        .find_map(|kv| kv.strip_prefix("locator="))
        .map(percent_decode)
}

/// A descriptor of an entry's key as dependencies are looked up: `name@range`, followed for
/// local protocols by `::` and the declaring package's locator.
fn descriptor_key(descriptor: &str) -> String {
    match descriptor.split_once("::") {
        Some((base, params)) => match locator(params) {
            Some(locator) => format!("{base}::{locator}"),
            None => base.to_string(),
        },
        None => descriptor.to_string(),
    }
}

/// `%xx` escapes decoded; malformed escapes are kept as they are.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patches_are_their_source() {
        assert_eq!(
            unpatched(
                "patch:resolve@npm%3A1.22.1#optional!builtin<compat/resolve>::version=1.22.1&hash=9bd1a5"
            ),
            "npm:1.22.1"
        );
        assert_eq!(
            unpatched("patch:a@patch%3Aa@npm%253A1.0.0%23./x.patch#./y.patch"),
            "npm:1.0.0"
        );
        assert_eq!(unpatched("npm:1.0.0"), "npm:1.0.0");
    }

    #[test]
    fn locator_parameters_are_percent_encoded() {
        assert_eq!(percent_decode("npm%3A1.0.0%zz"), "npm:1.0.0%zz");
    }

    #[test]
    fn origins_follow_the_protocol() {
        let locator = "locator=%40a%2Fb%40workspace%3Apackages%2Fb";
        assert_eq!(
            origin("exec:./gen.js#./gen.js", locator),
            Origin::Path {
                path: "packages/b/gen.js".into()
            }
        );
        assert_eq!(
            origin("https://h.invalid/o/r.git#commit=abc", ""),
            Origin::Git {
                url: "https://h.invalid/o/r.git".into(),
                rev: Some("abc".into())
            }
        );
        assert_eq!(
            origin("github:o/r#commit=abc", ""),
            Origin::Git {
                url: "github:o/r".into(),
                rev: Some("abc".into())
            }
        );
        assert_eq!(origin("npm:1.0.0", ""), Origin::Registry);
    }
}
