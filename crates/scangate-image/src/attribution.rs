//! Which layer brought each package in.

use crate::ImageView;
use scangate_catalog::{Cataloger, scan};
use scangate_fsview::{FileView, Select, ViewError, Walk};
use scangate_types::Inventory;
use std::collections::{BTreeMap, BTreeSet, HashSet};

/// A package as layers are compared on it: same name and version.
type Identity = (String, Option<String>);

/// Sets `layer` on each package location: the layer that brought the package in.
///
/// A file only one layer wrote credits that layer. A file several layers rewrote (dpkg
/// `status`, apk `installed`, an rpmdb) is catalogued again as each of them left it, with the
/// same catalogers; a package is credited to the earliest of those layers from which on every
/// version of the file lists it. Deleting the file in between starts over.
pub fn attribute(inventory: &mut Inventory, view: &ImageView, catalogers: &[&dyn Cataloger]) {
    let paths: BTreeSet<&str> = inventory
        .packages
        .iter()
        .flat_map(|p| p.locations.iter().map(|l| file_of(&l.path)))
        .collect();
    let writers: BTreeMap<String, Vec<usize>> = paths
        .iter()
        .map(|path| (path.to_string(), view.writers(path)))
        .collect();

    // Each layer that rewrote a shared file, with those files.
    let mut rewritten: BTreeMap<usize, HashSet<String>> = BTreeMap::new();
    for (path, layers) in &writers {
        if layers.len() > 1 {
            for &pos in layers {
                rewritten.entry(pos).or_default().insert(path.clone());
            }
        }
    }
    // (path, layer) -> the packages that layer's version of the file lists.
    let mut listed: BTreeMap<(String, usize), HashSet<Identity>> = BTreeMap::new();
    let positions: BTreeSet<usize> = rewritten.keys().copied().collect();
    view.each_upto(&positions, |pos, then| {
        let paths = &rewritten[&pos];
        let found = scan(&Only { view: then, paths }, catalogers);
        for package in found.packages {
            for location in &package.locations {
                let file = file_of(&location.path);
                if paths.contains(file) {
                    listed
                        .entry((file.to_string(), pos))
                        .or_default()
                        .insert((package.name.clone(), package.version.clone()));
                }
            }
        }
    });

    for package in &mut inventory.packages {
        let identity = (package.name.clone(), package.version.clone());
        for location in &mut package.locations {
            let file = file_of(&location.path);
            let layers = &writers[file];
            let lists = |pos: &usize| {
                listed
                    .get(&(file.to_string(), *pos))
                    .is_some_and(|found| found.contains(&identity))
            };
            let credited = match layers.as_slice() {
                [_, .., last] if lists(last) => {
                    let since = layers.iter().rev().take_while(|pos| lists(pos)).last();
                    since.copied()
                }
                _ => view.origin_position(file),
            };
            location.layer = credited.map(|pos| view.layer_ref(pos).clone());
        }
    }
}

/// The file a location is in: `app.war!/WEB-INF/lib/x.jar` is inside `app.war`.
fn file_of(path: &str) -> &str {
    path.split_once("!/").map_or(path, |(file, _)| file)
}

/// A view that lists only `paths` (every other file can still be read, as a cataloger's context).
struct Only<'a> {
    view: &'a ImageView,
    paths: &'a HashSet<String>,
}

impl FileView for Only<'_> {
    fn walk(&self, select: &Select<'_>) -> Walk {
        let mut walk = self.view.walk(&Select {
            path: &|path| self.paths.contains(path) && (select.path)(path),
            executables: select.executables,
        });
        walk.executables.retain(|path| self.paths.contains(path));
        walk
    }

    fn read(&self, path: &str) -> Result<Vec<u8>, ViewError> {
        self.view.read(path)
    }

    fn is_file(&self, path: &str) -> bool {
        self.view.is_file(path)
    }
}
