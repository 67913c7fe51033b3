//! The package graph the yarn and pnpm catalogers build: one node per name and version,
//! edges between them, and the roots the project's own manifests name. Relationship and
//! scope follow from which roots reach a node.

use crate::SourceFile;
use scangate_types::{Ecosystem, Origin, Package, Relationship, Scope};
use std::collections::HashMap;

/// One locked package.
pub struct Node {
    pub name: String,
    pub version: Option<String>,
    /// What the lockfile says in place of a version (`link:../x`) when it records none.
    pub requirement: Option<String>,
    /// The line of the entry's key; `None` where it could not be found.
    pub line: Option<u32>,
    pub origin: Origin,
    /// The scope the lockfile itself records (pnpm's `dev`/`optional` flags), used when no
    /// root reaches the node.
    pub recorded_scope: Option<Scope>,
    deps: Vec<usize>,
}

impl Node {
    pub fn new(name: impl Into<String>, line: Option<u32>, origin: Origin) -> Node {
        Node {
            name: name.into(),
            version: None,
            requirement: None,
            line,
            origin,
            recorded_scope: None,
            deps: Vec::new(),
        }
    }

    /// The exact version, or `requirement` when the lockfile records no version.
    pub fn versioned(mut self, version: Option<String>, requirement: &str) -> Node {
        self.requirement = version.is_none().then(|| requirement.to_string());
        self.version = version;
        self
    }
}

/// A dependency the project's own manifest declares, with the scope of the list naming it
/// (`None` when the manifest is not known).
#[derive(Debug, Clone, Copy)]
pub struct Root {
    pub node: usize,
    pub scope: Option<Scope>,
}

#[derive(Default)]
pub struct Graph {
    nodes: Vec<Node>,
    by_identity: HashMap<(String, String), usize>,
}

impl Graph {
    /// Adds `node`, or folds it into the node of the same name and version (peer-dependency
    /// contexts, patched copies, duplicate entries): the earliest line wins.
    pub fn add(&mut self, node: Node) -> usize {
        let identity = (
            node.name.clone(),
            node.version
                .clone()
                .or_else(|| node.requirement.clone())
                .unwrap_or_default(),
        );
        if let Some(&index) = self.by_identity.get(&identity) {
            let existing = &mut self.nodes[index];
            existing.line = min_known(existing.line, node.line);
            existing.recorded_scope = min_known(existing.recorded_scope, node.recorded_scope);
            return index;
        }
        self.nodes.push(node);
        self.by_identity.insert(identity, self.nodes.len() - 1);
        self.nodes.len() - 1
    }

    pub fn add_edge(&mut self, from: usize, to: usize) {
        if from != to && !self.nodes[from].deps.contains(&to) {
            self.nodes[from].deps.push(to);
        }
    }

    /// The packages, with relationships and scopes from `roots`; `None` when the project's
    /// manifests are unknown, which leaves every relationship unknown.
    pub fn into_packages(self, file: &SourceFile<'_>, roots: Option<&[Root]>) -> Vec<Package> {
        let reach = roots.map(|roots| propagate(&self.nodes, roots));
        let mut is_root = vec![false; self.nodes.len()];
        for root in roots.unwrap_or_default() {
            is_root[root.node] = true;
        }
        self.nodes
            .iter()
            .enumerate()
            .map(|(index, node)| {
                let (relationship, scope) = match &reach {
                    None => (Relationship::Unknown, node.recorded_scope),
                    Some(reach) => {
                        let relationship = if is_root[index] {
                            Relationship::Direct
                        } else {
                            Relationship::Transitive
                        };
                        let scope = match reach[index] {
                            Reach::Unreached => node.recorded_scope,
                            Reach::Reached(scope) => scope,
                        };
                        (relationship, scope)
                    }
                };
                let mut package = Package::new(
                    Ecosystem::Npm,
                    node.name.clone(),
                    node.version.clone(),
                    file.at(node.line),
                )
                .with_relationship(relationship)
                .with_origin(node.origin.clone());
                package.scope = scope;
                package.requirement = node.requirement.clone();
                for &dep in &node.deps {
                    let dep = &self.nodes[dep];
                    package.depends_on(&dep.name, dep.version.as_deref());
                }
                package
            })
            .collect()
    }
}

/// The smaller of two values where either may be unknown.
fn min_known<T: Ord>(a: Option<T>, b: Option<T>) -> Option<T> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Reach {
    Unreached,
    /// Reached; the scope is `None` when a root of unknown scope is the strongest that does.
    Reached(Option<Scope>),
}

/// The scope each node inherits: the strongest among the roots reaching it, where prod beats
/// an unknown scope, which beats the rest in their natural order (optional, peer, dev...).
/// One breadth-first pass per scope, strongest first; a node is visited once overall.
fn propagate(nodes: &[Node], roots: &[Root]) -> Vec<Reach> {
    let mut classes: Vec<Option<Scope>> = roots.iter().map(|root| root.scope).collect();
    classes.sort_by_key(|scope| match scope {
        Some(Scope::Prod) => (0, None),
        None => (1, None),
        Some(other) => (2, Some(*other)),
    });
    classes.dedup();

    let mut reach = vec![Reach::Unreached; nodes.len()];
    for class in classes {
        let mut queue: Vec<usize> = Vec::new();
        for root in roots.iter().filter(|root| root.scope == class) {
            if reach[root.node] == Reach::Unreached {
                reach[root.node] = Reach::Reached(class);
                queue.push(root.node);
            }
        }
        while let Some(index) = queue.pop() {
            for &dep in &nodes[index].deps {
                if reach[dep] == Reach::Unreached {
                    reach[dep] = Reach::Reached(class);
                    queue.push(dep);
                }
            }
        }
    }
    reach
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_comes_from_the_strongest_root_reaching_a_node() {
        let mut graph = Graph::default();
        let nodes: Vec<usize> = ["a", "b", "c", "d", "e"]
            .iter()
            .enumerate()
            .map(|(i, name)| {
                graph.add(
                    Node::new(*name, Some(i as u32 + 1), Origin::Registry)
                        .versioned(Some("1.0.0".into()), ""),
                )
            })
            .collect();
        // a (dev) -> b -> c; d (prod) -> c; e (unknown) -> b
        graph.add_edge(nodes[0], nodes[1]);
        graph.add_edge(nodes[1], nodes[2]);
        graph.add_edge(nodes[3], nodes[2]);
        graph.add_edge(nodes[4], nodes[1]);
        let roots = [
            Root {
                node: nodes[0],
                scope: Some(Scope::Dev),
            },
            Root {
                node: nodes[3],
                scope: Some(Scope::Prod),
            },
            Root {
                node: nodes[4],
                scope: None,
            },
        ];
        let reach = propagate(&graph.nodes, &roots);
        assert_eq!(
            reach,
            [
                Reach::Reached(Some(Scope::Dev)),
                Reach::Reached(None),
                Reach::Reached(Some(Scope::Prod)),
                Reach::Reached(Some(Scope::Prod)),
                Reach::Reached(None),
            ]
        );
    }
}
