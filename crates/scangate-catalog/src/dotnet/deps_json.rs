//! `*.deps.json`, the dependency manifest the .NET SDK writes next to a built application.
//!
//! `libraries` lists every `Name/Version` with its `type`: `package` (from NuGet), `project`
//! (the application and its project references), `reference`, `runtimepack` and others. Only
//! packages are packages. `targets` holds, per framework (and runtime), each library's
//! `dependencies`: what a project depends on is direct, everything else transitive.

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
        let kind_of = |key: &str| manifest.libraries.get(key).map(|l| l.kind.as_str());
        let direct: HashSet<String> = manifest
            .libraries
            .iter()
            .filter(|(_, library)| library.kind == "project")
            .flat_map(|(key, _)| manifest.dependencies(key))
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
            let relationship = if direct.contains(key) {
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
            for dep in manifest.dependencies(key) {
                if let (Some("package"), Some((name, version))) =
                    (kind_of(&dep), dep.split_once('/'))
                {
                    package.depends_on(name, Some(version));
                }
            }
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
}
