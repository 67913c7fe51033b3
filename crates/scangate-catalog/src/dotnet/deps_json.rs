//! `*.deps.json`, the dependency manifest the .NET SDK writes next to a built application.
//!
//! `libraries` lists every `Name/Version` with its `type`: `package` (from NuGet), `project`
//! (the application and its project references), `reference`, `runtimepack` and others. Only
//! packages are packages. `targets` holds, per framework (and runtime), each library's
//! `dependencies`: what a project depends on is direct, everything else transitive. Names match
//! libraries whatever their case, as NuGet ids do.

use super::ById;
use crate::support::json;
use crate::{CatalogError, Cataloger, Catalogued, Context, Diagnostic, SourceFile};
use scangate_types::{Ecosystem, Package, Relationship};
use serde::Deserialize;
use std::collections::{BTreeMap, HashSet};

pub struct DepsJson;

#[derive(Deserialize)]
struct Manifest {
    #[serde(default)]
    targets: BTreeMap<String, BTreeMap<String, Target>>,
    #[serde(default)]
    libraries: BTreeMap<String, Library>,
}

#[derive(Deserialize)]
struct Target {
    /// Name -> exact version.
    #[serde(default)]
    dependencies: BTreeMap<String, String>,
}

#[derive(Deserialize)]
struct Library {
    #[serde(rename = "type")]
    kind: String,
}

impl Manifest {
    /// `Name/Version` of every library `key` depends on, in any target.
    fn dependencies<'m>(&'m self, key: &'m str) -> impl Iterator<Item = String> + 'm {
        self.targets
            .values()
            .filter_map(move |target| target.get(key))
            .flat_map(|target| &target.dependencies)
            .map(|(name, version)| format!("{name}/{version}"))
    }
}

impl Cataloger for DepsJson {
    fn name(&self) -> &'static str {
        "dotnet-deps-json"
    }

    fn matches(&self, path: &str) -> bool {
        path.ends_with(".deps.json")
    }

    fn catalog(
        &self,
        file: &SourceFile<'_>,
        _ctx: &Context<'_>,
    ) -> Result<Catalogued, CatalogError> {
        let text = file.text()?;
        let manifest: Manifest = json::from_str(text)?;
        let lines = json::key_lines(text, &["libraries"]);
        let packages: ById = manifest
            .libraries
            .iter()
            .filter(|(_, library)| library.kind == "package")
            .filter_map(|(key, _)| {
                let (name, version) = key.split_once('/')?;
                Some((key.as_str(), name, version))
            })
            .collect();
        let direct: HashSet<(&str, &str)> = manifest
            .libraries
            .iter()
            .filter(|(_, library)| library.kind == "project")
            .flat_map(|(key, _)| manifest.dependencies(key))
            .filter_map(|dependency| packages.get(&dependency))
            .collect();

        let mut found = Catalogued::default();
        for (key, library) in &manifest.libraries {
            if library.kind != "package" {
                continue;
            }
            let line = lines.get(key).copied();
            let Some((name, version)) = key.split_once('/') else {
                found.warnings.push(Diagnostic::new(
                    line,
                    format!("library {key} is not named Name/Version; skipped"),
                ));
                continue;
            };
            let relationship = if direct.contains(&(name, version)) {
                Relationship::Direct
            } else {
                Relationship::Transitive
            };
            let mut package = Package::new(
                Ecosystem::NuGet,
                name,
                Some(version.to_string()),
                file.at(line),
            )
            .with_relationship(relationship);
            packages.add_edges(&mut package, manifest.dependencies(key));
            found.packages.push(package);
        }
        Ok(found)
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::{issues, rows, scan_fixture};

    #[test]
    fn packages_of_a_self_contained_app() {
        let inventory = scan_fixture("dotnet/deps-json/self-contained");
        assert_eq!(
            rows(&inventory),
            [
                "Microsoft.AspNetCore.Html.Abstractions 2.2.0 direct - publish/WebApp.deps.json:105",
                "Microsoft.Extensions.Primitives 6.0.0 direct - publish/WebApp.deps.json:112",
                "Newtonsoft.Json 12.0.1 direct - publish/WebApp.deps.json:119",
                "System.Runtime.CompilerServices.Unsafe 6.0.0 transitive - publish/WebApp.deps.json:126",
                "System.Text.Encodings.Web 4.5.0 transitive - publish/WebApp.deps.json:133",
            ]
        );
        assert_eq!(
            issues(&inventory),
            ["broken/Tool.deps.json:11: invalid JSON: EOF while parsing an object (column 0)"]
        );
        assert_eq!(
            inventory.packages[0].depends_on,
            ["pkg:nuget/System.Text.Encodings.Web@4.5.0"]
        );
        assert_eq!(
            inventory.packages[1].depends_on,
            ["pkg:nuget/System.Runtime.CompilerServices.Unsafe@6.0.0"]
        );
        assert!(inventory.packages[2].depends_on.is_empty());
    }

    #[test]
    fn dependencies_match_libraries_whatever_their_case() {
        let inventory = scan_fixture("dotnet/deps-json/id-case");
        assert_eq!(
            rows(&inventory),
            [
                "Microsoft.AspNetCore.Html.Abstractions 2.2.0 direct - App.deps.json:53",
                "Newtonsoft.Json 12.0.1 direct - App.deps.json:60",
                "System.Text.Encodings.Web 4.5.0 transitive - App.deps.json:67",
            ]
        );
        assert!(issues(&inventory).is_empty());
        assert_eq!(
            inventory.packages[0].depends_on,
            ["pkg:nuget/System.Text.Encodings.Web@4.5.0"]
        );
    }
}
