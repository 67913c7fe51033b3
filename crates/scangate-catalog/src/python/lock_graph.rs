//! What the Python lockfiles share about their package graph: finding the entries a
//! dependency names, and walking edges from the project's own dependencies.

use super::key;
use std::collections::{HashMap, HashSet};
use std::hash::Hash;

/// The positions in `names` by [`key`]: a lock may hold several versions of one name.
pub(crate) fn positions_by_key<'n>(
    names: impl Iterator<Item = &'n str>,
) -> HashMap<String, Vec<usize>> {
    let mut positions: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, name) in names.enumerate() {
        positions.entry(key(name)).or_default().push(i);
    }
    positions
}

/// Every node reached from `seeds` (included) through `next`; each node is expanded once.
pub(crate) fn reachable<N, I>(
    seeds: impl IntoIterator<Item = N>,
    mut next: impl FnMut(&N) -> I,
) -> HashSet<N>
where
    N: Eq + Hash + Clone,
    I: IntoIterator<Item = N>,
{
    let mut reached = HashSet::new();
    let mut queue: Vec<N> = seeds.into_iter().collect();
    while let Some(node) = queue.pop() {
        if reached.insert(node.clone()) {
            queue.extend(next(&node));
        }
    }
    reached
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_fold_and_edges_are_walked_once() {
        let positions = positions_by_key(["Six", "idna", "six"].into_iter());
        assert_eq!(positions[&key("SIX")], [0, 2]);
        assert_eq!(positions[&key("idna")], [1]);
        // 1 -> 2 -> 3 -> 1 (a cycle), 4 unreached.
        let edges = |n: &u32| match n {
            1 => vec![2],
            2 => vec![3],
            3 => vec![1],
            _ => vec![1],
        };
        let mut reached: Vec<u32> = reachable([1], edges).into_iter().collect();
        reached.sort();
        assert_eq!(reached, [1, 2, 3]);
    }
}
