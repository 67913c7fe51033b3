//! Java: Maven `pom.xml`, Gradle lockfiles, Gradle build scripts, version catalogs, and the
//! archives (jar, war, ear) themselves.
//!
//! Every package is named `groupId:artifactId` in the Maven ecosystem; classifiers and
//! extensions are dropped from the name (they are files of the same package).
//!
//! How the Gradle files share the work:
//! - A build script in a folder that holds a `gradle.lockfile` (or the older
//!   `gradle/dependency-locks/` files) is skipped: the lockfile is the truth.
//! - A version catalog library is a package located at its line in `libs.versions.toml`. A
//!   build script's `libs.x` reference adds no second package; it gives the catalog entry its
//!   scope (the strongest over all referencing scripts) and makes it direct. An entry no build
//!   script references is still reported, with no scope and an unknown relationship.

mod archive;
mod gradle_build;
mod gradle_dsl;
mod gradle_lockfile;
mod pom;
mod properties;
mod version_catalog;

pub use archive::JavaArchive;
pub use gradle_build::GradleBuild;
pub use gradle_lockfile::GradleLockfile;
pub use pom::PomXml;
pub use version_catalog::VersionCatalog;

use crate::SourceFile;
use scangate_types::{Ecosystem, Package, Relationship, Scope};

/// `group:artifact[:version[:classifier]][@extension]`, the notation Gradle and its lockfiles use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Coordinates {
    pub name: String,
    /// `None` when the notation has no version (a platform or constraint supplies it).
    pub version: Option<String>,
}

impl Coordinates {
    pub fn parse(text: &str) -> Option<Coordinates> {
        let text = text
            .split_once('@')
            .map_or(text, |(coordinates, _)| coordinates);
        let mut parts = text.split(':').map(str::trim);
        let group = parts.next().filter(|s| is_name_part(s))?;
        let artifact = parts.next().filter(|s| is_name_part(s))?;
        let version = parts.next().filter(|v| !v.is_empty()).map(str::to_owned);
        // A fourth part is the classifier; more than four is not a module notation.
        if parts.nth(1).is_some() {
            return None;
        }
        Some(Coordinates {
            name: format!("{group}:{artifact}"),
            version,
        })
    }
}

fn is_name_part(part: &str) -> bool {
    !part.is_empty() && !part.contains(char::is_whitespace)
}

/// A version as declared: exact, or a requirement (a range or a dynamic version).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Declared {
    Exact(String),
    Requirement(String),
    /// Nothing is declared (a platform or the build tool supplies the version).
    Unknown,
}

impl Declared {
    /// Maven: ranges (`[1.0,2.0)`, also `[1.0]`) and the `LATEST`/`RELEASE` meta-versions are
    /// requirements.
    pub fn maven(version: &str) -> Declared {
        if is_range(version) || matches!(version, "LATEST" | "RELEASE") {
            Declared::Requirement(version.to_string())
        } else {
            Declared::Exact(version.to_string())
        }
    }

    /// Gradle: ranges, `1.+` and `latest.release` are requirements; `1.0!!` is strictly 1.0.
    pub fn gradle(version: &str) -> Declared {
        if let Some(strict) = version.strip_suffix("!!").filter(|v| !is_dynamic(v)) {
            Declared::Exact(strict.to_string())
        } else if is_dynamic(version) {
            Declared::Requirement(version.to_string())
        } else {
            Declared::Exact(version.to_string())
        }
    }

    /// A Maven package named `name` at `line` of `file`, with this version.
    pub fn package(self, file: &SourceFile<'_>, name: &str, line: u32) -> Package {
        match self {
            Declared::Exact(version) => {
                Package::new(Ecosystem::Maven, name, Some(version), file.at(Some(line)))
            }
            Declared::Requirement(range) => {
                Package::new(Ecosystem::Maven, name, None, file.at(Some(line)))
                    .with_requirement(range)
            }
            Declared::Unknown => Package::new(Ecosystem::Maven, name, None, file.at(Some(line))),
        }
    }
}

fn is_range(version: &str) -> bool {
    version.contains(['[', ']', '(', ')', ','])
}

fn is_dynamic(version: &str) -> bool {
    is_range(version) || version.ends_with('+') || version.starts_with("latest.")
}

/// A package with the given relationship and, where known, scope.
pub(crate) fn placed(
    package: Package,
    relationship: Relationship,
    scope: Option<Scope>,
) -> Package {
    let package = package.with_relationship(relationship);
    match scope {
        Some(scope) => package.with_scope(scope),
        None => package,
    }
}

/// The strongest of two scope claims (a shipped scope over test or build), as merging does.
pub(crate) fn stronger(a: Option<Scope>, b: Option<Scope>) -> Option<Scope> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_notations() {
        let parse = |s| Coordinates::parse(s).map(|c| (c.name, c.version));
        let some = |n: &str, v: Option<&str>| Some((n.to_string(), v.map(str::to_string)));
        assert_eq!(parse("g:a:1.0"), some("g:a", Some("1.0")));
        assert_eq!(parse("g:a:1.0:sources@jar"), some("g:a", Some("1.0")));
        assert_eq!(parse("g:a@pom"), some("g:a", None));
        assert_eq!(parse("g:a:"), some("g:a", None));
        assert_eq!(parse("g"), None);
        assert_eq!(parse(":a:1"), None);
        assert_eq!(parse("g:a:1:c:x"), None);
        assert_eq!(parse("some text: no"), None);
    }

    #[test]
    fn versions_are_exact_or_requirements() {
        let exact = |s: &str| Declared::Exact(s.to_string());
        let req = |s: &str| Declared::Requirement(s.to_string());
        assert_eq!(Declared::maven("1.0"), exact("1.0"));
        assert_eq!(Declared::maven("[1.0,2.0)"), req("[1.0,2.0)"));
        assert_eq!(Declared::maven("RELEASE"), req("RELEASE"));
        assert_eq!(Declared::maven("1.0+build"), exact("1.0+build"));
        assert_eq!(Declared::gradle("1.+"), req("1.+"));
        assert_eq!(Declared::gradle("latest.release"), req("latest.release"));
        assert_eq!(Declared::gradle("2.1!!"), exact("2.1"));
        assert_eq!(Declared::gradle("[1,2)!!"), req("[1,2)!!"));
    }
}
