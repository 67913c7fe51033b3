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
use super::manifest;
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

/// The package.json in `dir`, as a path of the view.
fn manifest_path(dir: &str, folder: &str) -> Option<String> {
    scangate_fsview::join(dir, &format!("{folder}/package.json"))
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
    let root = manifest::read(ctx, &manifest_path(dir, ".")?, warnings)?;
    let mut roots = root.roots(&mut resolve);
    for path in manifest::workspace_manifest_paths(ctx, dir, &root.workspaces, warnings) {
        if let Some(member) = manifest::read(ctx, &path, warnings) {
            roots.extend(member.roots(&mut resolve));
        }
    }
    Some(roots)
}

#[cfg(test)]
mod tests;
