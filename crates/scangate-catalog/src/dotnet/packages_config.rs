//! NuGet `packages.config` (and the per-project `packages.<project>.config`).
//!
//! The file lists every package installed into a project, direct and transitive alike, flat:
//! the relationship is unknown. `developmentDependency="true"` marks development-only packages.

use super::xml::{Node, XmlReader};
use crate::{CatalogError, Cataloger, Catalogued, Context, Diagnostic, SourceFile};
use scangate_fsview::file_name;
use scangate_types::{Ecosystem, Package, Relationship, Scope};

pub struct PackagesConfig;

impl Cataloger for PackagesConfig {
    fn name(&self) -> &'static str {
        "nuget-packages-config"
    }

    fn matches(&self, path: &str) -> bool {
        let name = file_name(path);
        name == "packages.config" || (name.starts_with("packages.") && name.ends_with(".config"))
    }

    fn catalog(
        &self,
        file: &SourceFile<'_>,
        _ctx: &Context<'_>,
    ) -> Result<Catalogued, CatalogError> {
        let mut xml = XmlReader::new(file.text()?);
        xml.root("packages")?;
        let mut found = Catalogued::default();
        loop {
            let element = match xml.next()? {
                Node::Open(element) => {
                    xml.skip()?;
                    element
                }
                Node::Empty(element) => element,
                Node::Text(_) => continue,
                Node::Close | Node::End => break,
            };
            if !element.is("package") {
                continue;
            }
            let Some(id) = element.attr("id").filter(|id| !id.trim().is_empty()) else {
                found.warnings.push(Diagnostic::new(
                    Some(element.line),
                    "<package> without an id; skipped",
                ));
                continue;
            };
            let version = element.attr("version").map(str::trim);
            if version.is_none_or(str::is_empty) {
                found.warnings.push(Diagnostic::new(
                    Some(element.line),
                    format!("package {id} has no version"),
                ));
            }
            let scope = match element.attr("developmentDependency") {
                Some(flag) if flag.trim().eq_ignore_ascii_case("true") => Scope::Dev,
                _ => Scope::Prod,
            };
            let version = version.filter(|v| !v.is_empty()).map(str::to_owned);
            found.packages.push(
                Package::new(
                    Ecosystem::NuGet,
                    id.trim(),
                    version,
                    file.at(Some(element.line)),
                )
                .with_relationship(Relationship::Unknown)
                .with_scope(scope),
            );
        }
        Ok(found)
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::{issues, rows, scan_fixture};
    use scangate_types::Ecosystem;

    #[test]
    fn lists_every_package_with_dev_dependencies_apart() {
        let inventory = scan_fixture("dotnet/packages-config/web-app");
        assert_eq!(
            rows(&inventory),
            [
                "NUnit 3.12.0 unknown prod Service.Tests/packages.Service.Tests.config:3",
                "StyleCop.Analyzers 1.1.118 unknown dev Service.Tests/packages.Service.Tests.config:4",
                "Antlr 3.5.0.2 unknown prod packages.config:3",
                "log4net 2.0.8 unknown prod packages.config:4",
                "Microsoft.AspNet.Mvc 5.2.7 unknown prod packages.config:5",
                "Microsoft.AspNet.Razor 3.2.7 unknown prod packages.config:6",
                "Microsoft.AspNet.WebPages 3.2.7 unknown prod packages.config:7",
                "Microsoft.CodeDom.Providers.DotNetCompilerPlatform 2.0.1 unknown prod packages.config:8",
                "Microsoft.Net.Compilers 2.4.0 unknown dev packages.config:9",
                "Microsoft.Web.Infrastructure 1.0.0.0 unknown prod packages.config:10",
                "Newtonsoft.Json 12.0.1 unknown prod packages.config:11",
                "System.Net.Http 4.3.0 unknown prod packages.config:12",
                "WebGrease 1.6.0 unknown prod packages.config:13",
            ]
        );
        assert_eq!(
            issues(&inventory),
            [
                "broken/packages.config:5: invalid XML: ill-formed document: \
                 expected `</package>`, but `</packages>` was found"
            ]
        );
        let log4net = &inventory.packages[3];
        assert_eq!(log4net.ecosystem, Ecosystem::NuGet);
        assert_eq!(log4net.purl, "pkg:nuget/log4net@2.0.8");
    }

    #[test]
    fn entries_without_id_or_version_are_warned_about() {
        let inventory = scan_fixture("dotnet/packages-config/incomplete");
        assert_eq!(
            rows(&inventory),
            [
                "EntityFramework 6.2.0 unknown prod packages.config:3",
                "jQuery - unknown prod packages.config:5",
            ]
        );
        assert_eq!(
            issues(&inventory),
            [
                "packages.config:4: <package> without an id; skipped",
                "packages.config:5: package jQuery has no version",
            ]
        );
    }
}
