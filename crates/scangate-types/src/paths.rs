//! Dependency paths: which direct dependencies pull a package in, and through which packages.

use crate::{Finding, Package, Relationship};
use std::collections::{HashMap, HashSet, VecDeque};

/// Paths kept per package: enough to name the direct dependencies worth upgrading, few enough to
/// read in a report.
const MAX_PATHS: usize = 5;

/// The dependency edges of an inventory (`Package::depends_on`, within one file), indexed once so
/// that each package's paths are a walk up from it.
pub struct DependencyGraph<'a> {
    packages: &'a [Package],
    /// (file, purl) to the package's index: edges never cross files.
    index: HashMap<(&'a str, &'a str), usize>,
    /// For each package, the packages that depend on it, in inventory order.
    parents: Vec<Vec<usize>>,
}

impl<'a> DependencyGraph<'a> {
    pub fn new(packages: &'a [Package]) -> DependencyGraph<'a> {
        let index: HashMap<(&str, &str), usize> = packages
            .iter()
            .enumerate()
            .map(|(i, p)| ((p.location().path.as_str(), p.purl.as_str()), i))
            .collect();
        let mut parents = vec![Vec::new(); packages.len()];
        for (parent, package) in packages.iter().enumerate() {
            let file = package.location().path.as_str();
            for purl in &package.depends_on {
                match index.get(&(file, purl.as_str())) {
                    Some(&child) if child != parent => parents[child].push(parent),
                    _ => {}
                }
            }
        }
        DependencyGraph {
            packages,
            index,
            parents,
        }
    }

    /// For each direct dependency that leads to the package `purl` declared in `file`, the
    /// shortest chain of purls from that dependency down to the package's immediate parent;
    /// shortest chains first, at most `MAX_PATHS` (5). Empty for a direct dependency, and where the
    /// file records no edges.
    pub fn paths_to(&self, file: &str, purl: &str) -> Vec<Vec<String>> {
        let Some(&target) = self.index.get(&(file, purl)) else {
            return Vec::new();
        };
        if self.is_direct(target) {
            return Vec::new();
        }
        // Breadth-first up the parent edges: chains come out shortest first, and each ancestor is
        // reached once, by its shortest chain. `toward[n]` is the next package from n to the target.
        let mut toward: HashMap<usize, usize> = HashMap::new();
        let mut seen = HashSet::from([target]);
        let mut queue = VecDeque::from([target]);
        let mut paths = Vec::new();
        while let Some(node) = queue.pop_front() {
            for &parent in &self.parents[node] {
                if !seen.insert(parent) {
                    continue;
                }
                toward.insert(parent, node);
                if self.is_direct(parent) {
                    paths.push(self.chain(parent, target, &toward));
                    if paths.len() == MAX_PATHS {
                        return paths;
                    }
                } else {
                    queue.push_back(parent);
                }
            }
        }
        paths
    }

    /// Fills each finding's `dependency_paths`.
    pub fn attach(&self, findings: &mut [Finding]) {
        for finding in findings {
            if let Some(at) = finding.package.locations.first() {
                finding.dependency_paths = self.paths_to(&at.path, &finding.package.purl);
            }
        }
    }

    fn is_direct(&self, index: usize) -> bool {
        self.packages[index].relationship == Relationship::Direct
    }

    fn chain(&self, from: usize, target: usize, toward: &HashMap<usize, usize>) -> Vec<String> {
        let mut chain = vec![self.packages[from].purl.clone()];
        let mut node = toward[&from];
        while node != target {
            chain.push(self.packages[node].purl.clone());
            node = toward[&node];
        }
        chain
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Ecosystem, Location};

    fn package(name: &str, relationship: Relationship, deps: &[&str]) -> Package {
        package_in("package-lock.json", name, relationship, deps)
    }

    fn package_in(file: &str, name: &str, relationship: Relationship, deps: &[&str]) -> Package {
        let mut package = Package::new(
            Ecosystem::Npm,
            name,
            Some("1.0.0".to_string()),
            Location::new(file, Some(1)),
        )
        .with_relationship(relationship);
        for dep in deps {
            package.depends_on(dep, Some("1.0.0"));
        }
        package
    }

    fn names(paths: Vec<Vec<String>>) -> Vec<String> {
        paths
            .iter()
            .map(|path| {
                path.iter()
                    .map(|purl| {
                        purl.trim_start_matches("pkg:npm/")
                            .trim_end_matches("@1.0.0")
                    })
                    .collect::<Vec<_>>()
                    .join(" > ")
            })
            .collect()
    }

    use Relationship::{Direct, Transitive, Unknown};

    #[test]
    fn each_direct_dependency_gives_its_shortest_chain_shortest_first() {
        let packages = [
            package("app-server", Direct, &["router", "body-parser"]),
            package("body-parser", Transitive, &["qs"]),
            package("qs", Transitive, &[]),
            package("request", Direct, &["qs"]),
            package("router", Transitive, &["body-parser"]),
            package("tool", Direct, &["wrapper"]),
            package("wrapper", Transitive, &["router"]),
        ];
        let graph = DependencyGraph::new(&packages);
        assert_eq!(
            names(graph.paths_to("package-lock.json", "pkg:npm/qs@1.0.0")),
            [
                "request",
                "app-server > body-parser",
                "tool > wrapper > router > body-parser"
            ]
        );
        assert_eq!(
            names(graph.paths_to("package-lock.json", "pkg:npm/router@1.0.0")),
            ["app-server", "tool > wrapper"]
        );
    }

    #[test]
    fn direct_and_unconnected_packages_have_no_path() {
        let packages = [
            package("a", Direct, &["b"]),
            package("b", Direct, &[]),
            package("c", Unknown, &[]),
        ];
        let graph = DependencyGraph::new(&packages);
        assert!(
            graph
                .paths_to("package-lock.json", "pkg:npm/b@1.0.0")
                .is_empty()
        );
        assert!(
            graph
                .paths_to("package-lock.json", "pkg:npm/c@1.0.0")
                .is_empty()
        );
        assert!(graph.paths_to("other.json", "pkg:npm/c@1.0.0").is_empty());
    }

    #[test]
    fn cycles_end_and_paths_stay_within_their_file() {
        let packages = [
            package("a", Transitive, &["b"]),
            package("b", Transitive, &["a", "c"]),
            package("c", Transitive, &["c"]),
            package("root", Direct, &["a"]),
            package_in("sub/package-lock.json", "c", Transitive, &[]),
            package_in("sub/package-lock.json", "other", Direct, &["c"]),
        ];
        let graph = DependencyGraph::new(&packages);
        assert_eq!(
            names(graph.paths_to("package-lock.json", "pkg:npm/c@1.0.0")),
            ["root > a > b"]
        );
        assert_eq!(
            names(graph.paths_to("sub/package-lock.json", "pkg:npm/c@1.0.0")),
            ["other"]
        );
    }

    #[test]
    fn paths_are_capped() {
        let mut packages = vec![package("leaf", Transitive, &[])];
        for i in 0..MAX_PATHS + 3 {
            packages.push(package(&format!("direct-{i}"), Direct, &["leaf"]));
        }
        let graph = DependencyGraph::new(&packages);
        let paths = graph.paths_to("package-lock.json", "pkg:npm/leaf@1.0.0");
        assert_eq!(paths.len(), MAX_PATHS);
        assert_eq!(names(paths)[0], "direct-0");
    }
}
