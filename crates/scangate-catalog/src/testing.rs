//! Test helpers: scan a fixture folder with the whole registry and render packages as rows.

use crate::{CatalogError, Cataloger, Catalogued, Context, SourceFile};
use scangate_fsview::{DirView, SkipRules};
use scangate_types::{Inventory, Package};
use std::path::PathBuf;

/// The path of `fixtures/<rel>`.
pub fn fixture(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(rel)
}

/// Scans `fixtures/<rel>` with every registered cataloger, as `scangate fs` would.
pub fn scan_fixture(rel: &str) -> Inventory {
    scan_fixture_with(rel, SkipRules::default())
}

/// Scans `fixtures/<rel>` with the operating-system catalogers, as `scangate rootfs` would.
pub fn scan_os_fixture(rel: &str) -> Inventory {
    let skip = SkipRules::new(&[], &[], true).expect("no globs");
    let view = DirView::new(&fixture(rel), scangate_fsview::DEFAULT_MAX_FILE_SIZE, skip)
        .unwrap_or_else(|err| panic!("fixture {rel}: {err}"));
    crate::scan(&view, crate::registry::os())
}

/// [`scan_fixture`] with other skip rules (`--include-installed`, `--skip-dir`, ...).
pub fn scan_fixture_with(rel: &str, skip: SkipRules) -> Inventory {
    scan_fixture_using(rel, skip, crate::registry::all())
}

/// [`scan_fixture_with`] with other catalogers ([`crate::registry::binaries`]).
pub fn scan_fixture_using(rel: &str, skip: SkipRules, catalogers: &[&dyn Cataloger]) -> Inventory {
    let view = DirView::new(&fixture(rel), scangate_fsview::DEFAULT_MAX_FILE_SIZE, skip)
        .unwrap_or_else(|err| panic!("fixture {rel}: {err}"));
    crate::scan(&view, catalogers)
}

/// Runs `cataloger` alone on `bytes`, as the file `path` of an otherwise empty folder.
pub fn catalog_bytes(
    cataloger: &dyn Cataloger,
    path: &str,
    bytes: &[u8],
) -> Result<Catalogued, CatalogError> {
    let empty = tempfile::tempdir().unwrap();
    let view = DirView::new(empty.path(), 1, SkipRules::default()).unwrap();
    cataloger.catalog(&SourceFile { path, bytes }, &Context { view: &view })
}

/// Runs `cataloger` alone on `fixtures/<rel>`, named by its file name.
pub fn catalog_fixture(cataloger: &dyn Cataloger, rel: &str) -> Result<Catalogued, CatalogError> {
    let bytes = std::fs::read(fixture(rel)).unwrap_or_else(|err| panic!("fixture {rel}: {err}"));
    catalog_bytes(cataloger, scangate_fsview::file_name(rel), &bytes)
}

/// `name version relationship scope path:line`, one package per row; a requirement shows as
/// `req:<range>` in place of the version, a missing scope as `-`.
pub fn row(p: &Package) -> String {
    let version = match (&p.version, &p.requirement) {
        (Some(v), _) => v.clone(),
        (None, Some(r)) => format!("req:{r}"),
        (None, None) => "-".to_string(),
    };
    let scope = p
        .scope
        .map_or("-".to_string(), |s| format!("{s:?}").to_lowercase());
    let relationship = format!("{:?}", p.relationship).to_lowercase();
    format!(
        "{} {version} {relationship} {scope} {}",
        p.name,
        p.location()
    )
}

pub fn rows(inventory: &Inventory) -> Vec<String> {
    inventory.packages.iter().map(row).collect()
}

/// Issues rendered as `path:line: message`.
pub fn issues(inventory: &Inventory) -> Vec<String> {
    inventory.issues.iter().map(ToString::to_string).collect()
}

/// The first package called `name`.
pub fn package<'i>(inventory: &'i Inventory, name: &str) -> &'i Package {
    let found = inventory.packages.iter().find(|p| p.name == name);
    found.unwrap_or_else(|| panic!("no package {name}"))
}

/// Each scanned file's path with the number of packages found in it.
pub fn file_counts(inventory: &Inventory) -> Vec<(&str, usize)> {
    inventory
        .files
        .iter()
        .map(|f| (f.path.as_str(), f.packages))
        .collect()
}
