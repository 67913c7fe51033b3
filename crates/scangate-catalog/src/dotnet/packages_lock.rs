//! NuGet `packages.lock.json` (and `packages.<project>.lock.json`), versions 1 and 2.
//!
//! `dependencies` holds one graph per target framework (`net6.0`) and per framework and runtime
//! (`net6.0/linux-x64`). Each entry has a `type`: `Direct`, `Transitive`, `CentralTransitive`
//! (version 2: a transitive package pinned by Central Package Management) or `Project` (a
//! project reference, not a package). A package present in several graphs is reported once
//! per graph and folded by the scan into one package with every location.

use super::ById;
use crate::support::json;
use crate::{CatalogError, Cataloger, Catalogued, Context, Diagnostic, SourceFile};
use scangate_fsview::file_name;
use scangate_types::{Ecosystem, Package, Relationship};
use serde::Deserialize;
use std::collections::BTreeMap;

pub struct PackagesLock;

#[derive(Deserialize)]
struct LockFile {
    version: Option<u64>,
    #[serde(default)]
    dependencies: BTreeMap<String, BTreeMap<String, Entry>>,
}

#[derive(Deserialize)]
struct Entry {
    #[serde(rename = "type", default)]
    kind: String,
    requested: Option<String>,
    resolved: Option<String>,
    /// Name -> requested range; the resolved version is the named entry's in the same graph.
    #[serde(default)]
    dependencies: BTreeMap<String, String>,
}

impl Cataloger for PackagesLock {
    fn name(&self) -> &'static str {
        "nuget-packages-lock"
    }

    fn matches(&self, path: &str) -> bool {
        let name = file_name(path);
        name.starts_with("packages.") && name.ends_with(".lock.json")
    }

    fn catalog(
        &self,
        file: &SourceFile<'_>,
        _ctx: &Context<'_>,
    ) -> Result<Catalogued, CatalogError> {
        let text = file.text()?;
        let lock: LockFile = json::from_str(text)?;
        let mut found = Catalogued::default();
        if !matches!(lock.version, Some(1 | 2)) {
            let version = lock.version.map_or("no".to_string(), |v| v.to_string());
            found.warnings.push(Diagnostic::new(
                None,
                format!("{version} lockfile version (expected 1 or 2); read as version 2"),
            ));
        }
        for (graph, entries) in &lock.dependencies {
            let lines = json::key_lines(text, &["dependencies", graph]);
            let resolved: ById = entries
                .iter()
                .filter_map(|(name, e)| {
                    Some((name.as_str(), name.as_str(), e.resolved.as_deref()?))
                })
                .collect();
            for (name, entry) in entries {
                let relationship = match entry.kind.as_str() {
                    "Project" => continue,
                    "Direct" => Relationship::Direct,
                    "Transitive" | "CentralTransitive" => Relationship::Transitive,
                    _ => Relationship::Unknown,
                };
                let line = lines.get(name).copied();
                let mut package = Package::new(
                    Ecosystem::NuGet,
                    name,
                    entry.resolved.clone(),
                    file.at(line),
                )
                .with_relationship(relationship);
                if let (None, Some(requested)) = (&entry.resolved, &entry.requested) {
                    package = package.with_requirement(requested);
                }
                resolved.add_edges(&mut package, entry.dependencies.keys());
                found.packages.push(package);
            }
        }
        Ok(found)
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::{issues, rows, scan_fixture};

    #[test]
    fn graphs_of_every_framework_fold_into_one_package() {
        let inventory = scan_fixture("dotnet/packages-lock/two-frameworks");
        assert_eq!(
            rows(&inventory),
            [
                "Microsoft.AspNetCore.Html.Abstractions 2.2.0 direct - packages.lock.json:5",
                "Newtonsoft.Json 12.0.1 direct - packages.lock.json:14",
                "System.Text.Encodings.Web 4.5.0 transitive - packages.lock.json:26",
                "Microsoft.Extensions.Options 6.0.0 direct - packages.lock.json:43",
                "SQLitePCLRaw.lib.e_sqlite3 2.1.4 direct - packages.lock.json:59",
                "Microsoft.Extensions.DependencyInjection.Abstractions 6.0.0 transitive - packages.lock.json:65",
                "Microsoft.Extensions.Primitives 6.0.0 transitive - packages.lock.json:70",
                "System.Runtime.CompilerServices.Unsafe 6.0.0 transitive - packages.lock.json:78",
            ]
        );
        assert_eq!(
            issues(&inventory),
            ["bad/packages.lock.json:9: invalid JSON: trailing comma (column 7)"]
        );
        let lines = |i: usize| -> Vec<_> {
            inventory.packages[i]
                .locations
                .iter()
                .map(|l| l.line.unwrap())
                .collect()
        };
        // net48 and net6.0, then the linux-x64 runtime graph.
        assert_eq!(lines(1), [14, 53]);
        assert_eq!(lines(4), [59, 97]);
        assert_eq!(
            inventory.packages[3].depends_on,
            [
                "pkg:nuget/Microsoft.Extensions.DependencyInjection.Abstractions@6.0.0",
                "pkg:nuget/Microsoft.Extensions.Primitives@6.0.0",
            ]
        );
        assert_eq!(
            inventory.packages[0].depends_on,
            ["pkg:nuget/System.Text.Encodings.Web@4.5.0"]
        );
    }
}
