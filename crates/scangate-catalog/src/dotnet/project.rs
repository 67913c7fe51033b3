//! SDK-style project files (`*.csproj`, `*.fsproj`, `*.vbproj`): `<PackageReference>` items.
//!
//! The project is evaluated as the SDK does before restore: the nearest `Directory.Build.props`
//! (and what it imports), the nearest `Directory.Packages.props`, then the project (see
//! [`super::msbuild`] for what is and is not evaluated). Package items from imported files are
//! reported at the file that declares them; every project below such a file reports them
//! there, and the scan folds the copies.
//!
//! Versions: `Version` (attribute or child element); with Central Package Management
//! (`ManagePackageVersionsCentrally`), `VersionOverride` on the reference, else the
//! `<PackageVersion>` of that id, and every `<GlobalPackageReference>`. An exact version (`1.2.3`,
//! `[1.2.3]`) is the version; ranges and floating versions (`[1.0,2.0)`, `1.*`) are requirements.
//! `PrivateAssets="all"` marks build-only packages (analyzers, source link): scope build.
//!
//! A project with a `packages.lock.json` (or `packages.<project>.lock.json`) beside it is left
//! to the lockfile.

use super::msbuild::{Evaluation, Item, ItemKind, ItemOp, Value};
use crate::{CatalogError, Cataloger, Catalogued, Context, SourceFile};
use scangate_fsview::{file_name, join, parent};
use scangate_types::{Ecosystem, Location, Package, Relationship, Scope};
use std::collections::HashMap;

pub struct MsbuildProject;

impl Cataloger for MsbuildProject {
    fn name(&self) -> &'static str {
        "msbuild-project"
    }

    fn matches(&self, path: &str) -> bool {
        let name = file_name(path).to_ascii_lowercase();
        [".csproj", ".fsproj", ".vbproj"]
            .iter()
            .any(|ext| name.ends_with(ext))
    }

    fn catalog(
        &self,
        file: &SourceFile<'_>,
        ctx: &Context<'_>,
    ) -> Result<Catalogued, CatalogError> {
        let text = file.text()?;
        if has_lockfile(file.path, ctx) {
            return Ok(Catalogued::default());
        }
        let mut evaluation = Evaluation::new(ctx, file.path);
        evaluation.import_nearest("Directory.Build.props");
        evaluation.import_nearest("Directory.Packages.props");
        evaluation.evaluate_project(text)?;
        Ok(packages(evaluation))
    }
}

fn has_lockfile(project: &str, ctx: &Context<'_>) -> bool {
    let name = file_name(project);
    let stem = name.rsplit_once('.').map_or(name, |(stem, _)| stem);
    [
        "packages.lock.json".to_string(),
        format!("packages.{stem}.lock.json"),
    ]
    .iter()
    .filter_map(|lock| join(parent(project), lock))
    .any(|lock| ctx.view.is_file(&lock))
}

/// An item after its spec and metadata were expanded.
struct Entry {
    name: String,
    file: String,
    line: u32,
    /// Name, raw text, value.
    metadata: Vec<(String, String, Value)>,
}

impl Entry {
    fn meta(&self, key: &str) -> Option<(&str, &Value)> {
        self.metadata
            .iter()
            .rev()
            .find(|(name, _, _)| name.eq_ignore_ascii_case(key))
            .map(|(_, raw, value)| (raw.as_str(), value))
    }

    fn location(&self) -> Location {
        Location::new(&self.file, Some(self.line))
    }
}

/// The items of each kind after every Include, Update and Remove was applied in order.
#[derive(Default)]
struct Items {
    references: Vec<Entry>,
    versions: Vec<Entry>,
    globals: Vec<Entry>,
}

fn packages(mut evaluation: Evaluation<'_>) -> Catalogued {
    let items = std::mem::take(&mut evaluation.items);
    let mut lists = Items::default();
    for item in &items {
        apply(&mut evaluation, &mut lists, item);
    }
    let central = evaluation.is_true("ManagePackageVersionsCentrally");
    let versions: HashMap<String, &Entry> = lists
        .versions
        .iter()
        .map(|entry| (entry.name.to_ascii_lowercase(), entry))
        .collect();

    let mut packages = Vec::new();
    for reference in &lists.references {
        let source = if central {
            let central_version = versions.get(&reference.name.to_ascii_lowercase());
            version_from(reference, "VersionOverride")
                .or_else(|| central_version.and_then(|v| version_from(v, "Version")))
                .or_else(|| version_from(reference, "Version"))
        } else {
            version_from(reference, "Version")
        };
        let scope = if private_assets_all(reference) {
            Scope::Build
        } else {
            Scope::Prod
        };
        packages.push(package(&mut evaluation, reference, source, scope));
    }
    if central {
        for global in &lists.globals {
            let source = version_from(global, "Version");
            packages.push(package(&mut evaluation, global, source, Scope::Build));
        }
    }
    Catalogued {
        packages,
        warnings: evaluation.warnings,
    }
}

/// Applies one item operation to the list of its kind.
fn apply(evaluation: &mut Evaluation<'_>, lists: &mut Items, item: &Item) {
    let names = match evaluation.expand(&item.spec, &item.file) {
        Ok(names) => names,
        Err(err) => {
            evaluation.warn(
                &item.file,
                Some(item.line),
                format!("{err}; the package {} is skipped", item.spec),
            );
            return;
        }
    };
    let metadata: Vec<(String, String, Value)> = item
        .metadata
        .iter()
        .map(|(key, raw)| (key.clone(), raw.clone(), evaluation.expand(raw, &item.file)))
        .collect();
    let list = match item.kind {
        ItemKind::PackageReference => &mut lists.references,
        ItemKind::PackageVersion => &mut lists.versions,
        ItemKind::GlobalPackageReference => &mut lists.globals,
    };
    for name in names.split(';').map(str::trim).filter(|n| !n.is_empty()) {
        let same = |entry: &Entry| entry.name.eq_ignore_ascii_case(name);
        match item.op {
            ItemOp::Include => list.push(Entry {
                name: name.to_string(),
                file: item.file.clone(),
                line: item.line,
                metadata: metadata.clone(),
            }),
            // Update only changes items already there; it never adds one.
            ItemOp::Update => list
                .iter_mut()
                .filter(|entry| same(entry))
                .for_each(|entry| entry.metadata.extend(metadata.iter().cloned())),
            ItemOp::Remove => list.retain(|entry| !same(entry)),
        }
    }
}

/// Where a version comes from: the entry declaring it, its raw text and its value.
struct VersionSource<'e> {
    entry: &'e Entry,
    raw: &'e str,
    value: &'e Value,
}

fn version_from<'e>(entry: &'e Entry, key: &str) -> Option<VersionSource<'e>> {
    entry
        .meta(key)
        .map(|(raw, value)| VersionSource { entry, raw, value })
}

fn private_assets_all(entry: &Entry) -> bool {
    matches!(entry.meta("PrivateAssets"), Some((_, Ok(assets)))
        if assets.split(';').any(|a| a.trim().eq_ignore_ascii_case("all")))
}

fn package(
    evaluation: &mut Evaluation<'_>,
    entry: &Entry,
    source: Option<VersionSource<'_>>,
    scope: Scope,
) -> Package {
    let new = |version: Option<String>| {
        Package::new(Ecosystem::NuGet, &entry.name, version, entry.location())
            .with_relationship(Relationship::Direct)
            .with_scope(scope)
    };
    let Some(source) = source else {
        evaluation.warn(
            &entry.file,
            Some(entry.line),
            format!("{} has no version", entry.name),
        );
        return new(None);
    };
    let (version, requirement, problem) = match source.value {
        Ok(value) => match classify(value) {
            Version::Exact(version) => (Some(version.to_string()), None, None),
            Version::Requirement(range) => (None, Some(range), None),
            Version::Empty => (
                None,
                None,
                Some(format!("{} has an empty version", entry.name)),
            ),
        },
        Err(err) => (
            None,
            Some(source.raw),
            Some(format!(
                "{err}; the version of {} is left unresolved",
                entry.name
            )),
        ),
    };
    if let Some(problem) = problem {
        evaluation.warn(&source.entry.file, Some(source.entry.line), problem);
    }
    match requirement {
        Some(requirement) => new(version).with_requirement(requirement),
        None => new(version),
    }
}

enum Version<'v> {
    Exact(&'v str),
    Requirement(&'v str),
    Empty,
}

/// NuGet version syntax: a plain or `[bracketed]` single version is exact; intervals and
/// floating versions (`*`) are requirements.
fn classify(version: &str) -> Version<'_> {
    let version = version.trim();
    if version.is_empty() {
        return Version::Empty;
    }
    let pinned = version
        .strip_prefix('[')
        .and_then(|v| v.strip_suffix(']'))
        .map(str::trim)
        .unwrap_or(version);
    let plain = pinned.starts_with(|c: char| c.is_ascii_digit())
        && pinned
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+'));
    if plain {
        Version::Exact(pinned)
    } else {
        Version::Requirement(version)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{file_counts, issues, rows, scan_fixture};

    #[test]
    fn nuget_version_syntax() {
        assert!(matches!(classify(" 1.2.3 "), Version::Exact("1.2.3")));
        assert!(matches!(classify("[4.3.0]"), Version::Exact("4.3.0")));
        assert!(matches!(
            classify("1.0.0-beta.1+abc"),
            Version::Exact("1.0.0-beta.1+abc")
        ));
        assert!(matches!(
            classify("[1.0,2.0)"),
            Version::Requirement("[1.0,2.0)")
        ));
        assert!(matches!(classify("6.0.*"), Version::Requirement("6.0.*")));
        assert!(matches!(classify("*"), Version::Requirement("*")));
        assert!(matches!(classify("(,1.0]"), Version::Requirement("(,1.0]")));
        assert!(matches!(classify(""), Version::Empty));
    }

    #[test]
    fn central_package_management_across_a_solution() {
        let inventory = scan_fixture("dotnet/msbuild/cpm-solution");
        assert_eq!(
            rows(&inventory),
            [
                "StyleCop.Analyzers 1.1.118 direct build Directory.Build.props:10",
                "Nerdbank.GitVersioning 3.5.119 direct build Directory.Packages.props:20",
                "Microsoft.Extensions.Logging req:6.0.* direct prod src/Core/Core.csproj:9",
                "Newtonsoft.Json 12.0.1 direct prod src/Core/Core.csproj:10",
                "Serilog req:$(SerilogVersion) direct prod src/Core/Core.csproj:11",
                "System.Net.Http 4.3.0 direct prod src/Core/Core.csproj:12",
                "System.Text.Encodings.Web 4.5.0 direct prod src/Core/Core.csproj:15",
                "log4net 2.0.8 direct prod src/Web/Web.csproj:9",
                "Newtonsoft.Json 12.0.1 direct prod src/Web/Web.csproj:10",
                "Polly req:[7.2.0,8.0.0) direct prod src/Web/Web.csproj:11",
            ]
        );
        assert_eq!(
            issues(&inventory),
            [
                "src/Core/Core.csproj:11: property $(SerilogVersion) is not defined; \
              the version of Serilog is left unresolved"
            ]
        );
        // Both projects report the props files' packages; the scan keeps one of each.
        let stylecop = &inventory.packages[0];
        assert_eq!(stylecop.locations.len(), 1);
        assert_eq!(stylecop.purl, "pkg:nuget/StyleCop.Analyzers@1.1.118");
        let counts = file_counts(&inventory);
        assert_eq!(
            counts,
            [("src/Core/Core.csproj", 7), ("src/Web/Web.csproj", 5)]
        );
    }

    #[test]
    fn versions_from_attributes_elements_properties_and_updates() {
        let inventory = scan_fixture("dotnet/msbuild/plain-project");
        assert_eq!(
            rows(&inventory),
            [
                "Microsoft.SourceLink.GitHub 1.1.1 direct build Directory.Build.props:7",
                "log4net 2.0.8 direct prod Legacy/Legacy.csproj:11",
                "Microsoft.CodeAnalysis.NetAnalyzers 7.0.4 direct build Legacy/Legacy.csproj:12",
                "Newtonsoft.Json 12.0.1 direct prod Legacy/Legacy.csproj:16",
                "Serilog req:2.* direct prod Legacy/Legacy.csproj:19",
                "System.Text.Encodings.Web req:[4.5.0,5.0.0) direct prod Legacy/Legacy.csproj:20",
                "System.Net.Http 4.3.0 direct prod Legacy/Legacy.csproj:24",
                "FSharp.Data 4.2.10 direct prod Reports/Reports.fsproj:15",
            ]
        );
        assert_eq!(
            issues(&inventory),
            [
                "Broken/Broken.vbproj:7: invalid XML: ill-formed document: \
                 expected `</PackageReference>`, but `</ItemGroup>` was found",
                "Reports/Reports.fsproj:19: imported file ..\\build\\Signing.props is not in the scan",
            ]
        );
        // Reports removes the source-link reference it inherits; an Update adds nothing.
        let counts = file_counts(&inventory);
        assert_eq!(
            counts,
            [("Legacy/Legacy.csproj", 7), ("Reports/Reports.fsproj", 1)]
        );
    }

    #[test]
    fn a_lockfile_beside_the_project_is_the_truth() {
        let inventory = scan_fixture("dotnet/msbuild/lockfile-beside");
        assert_eq!(
            rows(&inventory),
            [
                "Microsoft.AspNetCore.Html.Abstractions 2.2.0 direct - Api/packages.lock.json:5",
                "Newtonsoft.Json 12.0.1 direct - Api/packages.lock.json:14",
                "System.Text.Encodings.Web 4.5.0 transitive - Api/packages.lock.json:20",
            ]
        );
        assert_eq!(inventory.files[0].path, "Api/Api.csproj");
        assert_eq!(inventory.files[0].packages, 0);
    }

    #[test]
    fn evaluation_limits_become_warnings() {
        let inventory = scan_fixture("dotnet/msbuild/edge-cases");
        assert_eq!(
            rows(&inventory),
            [
                "Newtonsoft.Json req:$(NewtonsoftJsonVersion) direct prod Hog/Hog.csproj:11",
                "Newtonsoft.Json req:$(BigVersion) direct prod Tool/Tool.csproj:11",
                "log4net - direct prod Tool/Tool.csproj:13",
                "Serilog req:$(SerilogVersion.Trim()) direct prod Tool/Tool.csproj:14",
                "System.Net.Http 4.3.0 direct prod Tool/Tool.csproj:15",
            ]
        );
        let no_parent = "Directory.Build.props:2: import of $([MSBuild]::GetPathOfFileAbove(\
                         'Directory.Build.props', '$(MSBuildThisFileDirectory)../')): \
                         no Directory.Build.props found above it in the scan";
        assert_eq!(
            issues(&inventory),
            [
                format!("Hog/Hog.csproj: {no_parent}"),
                "Hog/Hog.csproj:11: property values add up past 16 MiB; \
                 the version of Newtonsoft.Json is left unresolved"
                    .to_string(),
                format!("Tool/Tool.csproj: {no_parent}"),
                "Tool/Tool.csproj:3: build/Broken.props:3 is ignored: \
                 invalid XML: unknown entity &copy;"
                    .to_string(),
                "Tool/Tool.csproj:11: a value grows past 64 KiB; \
                 the version of Newtonsoft.Json is left unresolved"
                    .to_string(),
                "Tool/Tool.csproj:12: property $(ToolPackage) is not defined; \
                 the package $(ToolPackage) is skipped"
                    .to_string(),
                "Tool/Tool.csproj:13: log4net has no version".to_string(),
                "Tool/Tool.csproj:14: $(SerilogVersion.Trim()) cannot be evaluated; \
                 the version of Serilog is left unresolved"
                    .to_string(),
            ]
        );
    }
}
