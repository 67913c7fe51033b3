//! Test helpers for the catalogers of this folder.

use crate::testing::row;
use scangate_fsview::file_name;
use scangate_types::{Inventory, Package};

/// Rows of the packages found in files named `lockfile` only: the fixtures' package.json files
/// are catalogued by other catalogers too.
pub fn lock_rows(inventory: &Inventory, lockfile: &str) -> Vec<String> {
    inventory
        .packages
        .iter()
        .filter(|p| file_name(&p.location().path) == lockfile)
        .map(row)
        .collect()
}

/// Issues about files named `lockfile`, as `path:line: message`.
pub fn lock_issues(inventory: &Inventory, lockfile: &str) -> Vec<String> {
    inventory
        .issues
        .iter()
        .filter(|issue| file_name(&issue.path) == lockfile)
        .map(ToString::to_string)
        .collect()
}

/// The one package called `name` at `version` (or without a version, `None`).
pub fn package<'a>(inventory: &'a Inventory, name: &str, version: Option<&str>) -> &'a Package {
    let found: Vec<&Package> = inventory
        .packages
        .iter()
        .filter(|p| p.name == name && p.version.as_deref() == version)
        .collect();
    assert_eq!(found.len(), 1, "{name} {version:?}");
    found[0]
}
