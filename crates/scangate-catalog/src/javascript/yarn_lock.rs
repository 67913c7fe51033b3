//! `yarn.lock`: the classic format of yarn 1 and the YAML format of yarn 2 and later
//! ("berry", told apart by its `__metadata` entry).
//!
//! Yarn 1 does not record the project's own dependencies, so direct dependencies and scopes
//! come from the package.json beside the lockfile and from its workspace members; without
//! that package.json every relationship is unknown. Berry lists each workspace as an entry with
//! its dependencies (those are direct); their scopes come from each workspace's package.json.
//! A package reached from a prod dependency is prod; otherwise it takes the scope of the
//! strongest direct dependency reaching it (optional, then peer, then dev).

mod berry;
mod v1;

use super::graph::Root;
use super::manifest::{Manifest, manifest_path};
use crate::{CatalogError, Cataloger, Catalogued, Context, Diagnostic, SourceFile};
use scangate_fsview::{file_name, parent};

pub struct YarnLock;

impl Cataloger for YarnLock {
    fn name(&self) -> &'static str {
        "yarn-lock"
    }

    fn matches(&self, path: &str) -> bool {
        file_name(path) == "yarn.lock"
    }

    fn catalog(
        &self,
        file: &SourceFile<'_>,
        ctx: &Context<'_>,
    ) -> Result<Catalogued, CatalogError> {
        let text = file.text()?;
        if text.lines().any(|line| line.starts_with("__metadata:")) {
            berry::catalog(file, text, ctx)
        } else {
            v1::catalog(file, text, ctx)
        }
    }
}

/// Direct dependencies named by the package.json beside a yarn 1 lockfile and by its
/// workspace members; `None` without that package.json.
fn project_roots(
    file: &SourceFile<'_>,
    ctx: &Context<'_>,
    warnings: &mut Vec<Diagnostic>,
    mut resolve: impl FnMut(&str, &str) -> Option<usize>,
) -> Option<Vec<Root>> {
    let dir = parent(file.path);
    let root = Manifest::read(ctx, &manifest_path(dir, ".")?, warnings)?;
    let mut roots = manifest_roots(&root, &mut resolve);
    if let Some(workspaces) = root.workspaces(dir) {
        for pattern in workspaces.invalid() {
            warnings.push(Diagnostic::new(
                None,
                format!(
                    "workspace pattern `{pattern}` is not a valid glob; its members were not read"
                ),
            ));
        }
        for path in workspaces.member_manifests(ctx) {
            if let Some(member) = Manifest::read(ctx, &path, warnings) {
                roots.extend(manifest_roots(&member, &mut resolve));
            }
        }
    }
    Some(roots)
}

/// Roots for every dependency of `manifest` that `resolve(name, range)` finds in the lockfile.
fn manifest_roots(
    manifest: &Manifest,
    mut resolve: impl FnMut(&str, &str) -> Option<usize>,
) -> Vec<Root> {
    (manifest.dependencies().into_iter().flatten())
        .filter_map(|dep| {
            resolve(dep.name, dep.spec).map(|node| Root {
                node,
                scope: Some(dep.scope),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests;
