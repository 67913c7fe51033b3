//! Dependency paths as people read them: `express@4.17.1 > body-parser@1.19.0`.

use scangate_types::{Finding, Package, Relationship, ScanResult};
use std::collections::HashMap;

/// The inventory's packages by file and purl, to name the purls of a dependency path (all in the
/// finding's file) as their ecosystems spell them (`group:artifact`, `@scope/name`).
pub struct PathNames<'a> {
    packages: HashMap<(&'a str, &'a str), &'a Package>,
}

impl<'a> PathNames<'a> {
    pub fn new(result: &'a ScanResult) -> PathNames<'a> {
        PathNames {
            packages: result
                .inventory
                .packages
                .iter()
                .map(|p| ((p.location().path.as_str(), p.purl.as_str()), p))
                .collect(),
        }
    }

    /// `name@version` of a purl declared in `file`, or the purl itself when the inventory does
    /// not list it.
    fn name(&self, file: &str, purl: &str) -> String {
        match self.packages.get(&(file, purl)) {
            Some(Package {
                name,
                version: Some(version),
                ..
            }) => format!("{name}@{version}"),
            Some(package) => package.name.clone(),
            None => purl.to_string(),
        }
    }

    /// Every path of a finding: its packages from the direct dependency down, joined by ` > `.
    pub fn paths(&self, finding: &Finding) -> Vec<String> {
        let file = finding.package.locations[0].path.as_str();
        finding
            .dependency_paths
            .iter()
            .map(|path| {
                path.iter()
                    .map(|purl| self.name(file, purl))
                    .collect::<Vec<_>>()
                    .join(" > ")
            })
            .collect()
    }

    /// The shortest path with a count of the others: `a > b (+2 more)`; `None` when the finding
    /// has no path (a direct dependency, or a file without edges).
    pub fn shortest(&self, finding: &Finding) -> Option<String> {
        let paths = self.paths(finding);
        let (first, rest) = paths.split_first()?;
        Some(match rest.len() {
            0 => first.clone(),
            n => format!("{first} (+{n} more)"),
        })
    }

    /// `via a > b (+2 more)`, for a line that names the package.
    pub fn via(&self, finding: &Finding) -> Option<String> {
        self.shortest(finding).map(|path| format!("via {path}"))
    }

    /// How a package without a path comes in: `direct dependency`, or `not recorded` where the
    /// file has no edges to follow.
    pub fn without_path(&self, finding: &Finding) -> &'static str {
        let place = (
            finding.package.locations[0].path.as_str(),
            finding.package.purl.as_str(),
        );
        match self.packages.get(&place) {
            Some(package) if package.relationship == Relationship::Direct => "direct dependency",
            _ => "not recorded",
        }
    }
}
