//! The image's final filesystem: layers applied base first, with OCI whiteouts, read from the
//! files extraction kept.

use crate::layers::path::{MAX_PATH, ancestors, child};
use crate::layers::{Content, Entry, LayerIndex, stored_file};
use scangate_fsview::{FileView, Select, ViewError, Walk};
use scangate_types::{FileIssue, IssueLevel, LayerRef};
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fs;
use std::io::{self, Read};
use std::ops::Bound;
use std::path::PathBuf;
use std::sync::Arc;

/// Symbolic links followed while resolving one path, as Linux allows.
const MAX_LINK_HOPS: usize = 40;
/// Path components looked at while resolving one path: each hop may add a target of up to
/// PATH_MAX bytes (extraction refuses longer ones), so at most this many.
const MAX_RESOLVE_STEPS: usize = (MAX_LINK_HOPS + 1) * MAX_PATH;

/// The image's final filesystem as the catalogers see it.
#[derive(Clone)]
pub struct ImageView {
    layers: Vec<ViewLayer>,
    /// Every path of the final tree -> the position in `layers` of the entry that holds it.
    tree: BTreeMap<String, usize>,
    max_file_size: u64,
}

#[derive(Clone)]
struct ViewLayer {
    layer: LayerRef,
    dir: PathBuf,
    index: Arc<LayerIndex>,
}

impl ImageView {
    /// `layers`: base first, each with the directory its files were extracted into and its
    /// index (an `Arc` lets layers with the same diff id share one).
    pub fn new<I: Into<Arc<LayerIndex>>>(
        layers: Vec<(LayerRef, PathBuf, I)>,
        max_file_size: u64,
    ) -> ImageView {
        let layers: Vec<ViewLayer> = layers
            .into_iter()
            .map(|(layer, dir, index)| ViewLayer {
                layer,
                dir,
                index: index.into(),
            })
            .collect();
        let mut tree = BTreeMap::new();
        for (pos, layer) in layers.iter().enumerate() {
            apply(&mut tree, pos, &layer.index);
        }
        ImageView {
            layers,
            tree,
            max_file_size,
        }
    }

    /// Calls `visit` with the image as it stood after each layer at a position in `positions`
    /// (0-based), in order: one pass over the layers, however many positions.
    pub(crate) fn each_upto(
        &self,
        positions: &BTreeSet<usize>,
        mut visit: impl FnMut(usize, &ImageView),
    ) {
        let Some(&last) = positions.last() else {
            return;
        };
        let mut tree = BTreeMap::new();
        for (pos, layer) in self.layers[..=last].iter().enumerate() {
            apply(&mut tree, pos, &layer.index);
            if !positions.contains(&pos) {
                continue;
            }
            // The top layer's image is this view: no copy.
            if pos + 1 == self.layers.len() {
                visit(pos, self);
            } else {
                let then = ImageView {
                    layers: self.layers[..=pos].to_vec(),
                    tree: tree.clone(),
                    max_file_size: self.max_file_size,
                };
                visit(pos, &then);
            }
        }
    }

    /// The layer that holds the final version of `path` (of the file a link leads to).
    pub fn origin(&self, path: &str) -> Option<&LayerRef> {
        self.origin_position(path).map(|pos| self.layer_ref(pos))
    }

    pub(crate) fn origin_position(&self, path: &str) -> Option<usize> {
        match self.resolve(path) {
            Ok((pos, _)) => pos,
            Err(_) => self.tree.get(path).copied(),
        }
    }

    pub(crate) fn layer_ref(&self, pos: usize) -> &LayerRef {
        &self.layers[pos].layer
    }

    /// Positions of the layers that wrote, replaced or deleted `path` (after links), base first.
    pub(crate) fn writers(&self, path: &str) -> Vec<usize> {
        let real = self
            .resolve(path)
            .map_or_else(|_| path.to_string(), |(_, r)| r);
        (0..self.layers.len())
            .filter(|&pos| touches(&self.layers[pos].index, &real))
            .collect()
    }

    /// Problems met while reading layers (skipped hostile entries, too-large files).
    pub fn issues(&self) -> Vec<FileIssue> {
        let mut issues: Vec<FileIssue> = self
            .layers
            .iter()
            .flat_map(|layer| {
                layer.index.issues.iter().map(|issue| FileIssue {
                    message: format!("layer {}: {}", layer.layer.index, issue.message),
                    ..issue.clone()
                })
            })
            .collect();
        for (path, &pos) in &self.tree {
            if let Some(Entry::File {
                size,
                content: Content::TooLarge,
                ..
            }) = self.entry_at(path, pos)
            {
                let too_large = ViewError::TooLarge {
                    size: *size,
                    limit: self.max_file_size,
                };
                issues.push(warning(path, too_large.to_string()));
            }
        }
        issues.sort();
        issues
    }

    fn entry_at(&self, path: &str, pos: usize) -> Option<&Entry> {
        self.layers[pos].index.entries.get(path)
    }

    fn entry(&self, path: &str) -> Option<(usize, &Entry)> {
        let pos = *self.tree.get(path)?;
        Some((pos, self.entry_at(path, pos)?))
    }

    /// The path `path` leads to, links followed inside the image: an absolute target starts at
    /// the image root and `..` stops there. With the position of the layer holding it (`None`
    /// for the root itself).
    fn resolve(&self, path: &str) -> Result<(Option<usize>, String), ViewError> {
        let mut pending: VecDeque<&str> = components(path).collect();
        // Grown and shrunk in place: never re-joined per component.
        let mut resolved = String::new();
        let mut holder = None;
        let mut hops = 0;
        let mut steps = 0;
        while let Some(part) = pending.pop_front() {
            steps += 1;
            if steps > MAX_RESOLVE_STEPS {
                return Err(too_long());
            }
            if part == ".." {
                resolved.truncate(resolved.rfind('/').unwrap_or(0));
                holder = None;
                continue;
            }
            if !resolved.is_empty() {
                resolved.push('/');
            }
            resolved.push_str(part);
            let Some((pos, entry)) = self.entry(&resolved) else {
                // Layers need not list a directory before what is in it.
                if pending.is_empty() {
                    return Err(ViewError::NotFound);
                }
                holder = None;
                continue;
            };
            let (target, from_root) = match entry {
                Entry::Symlink { target } => (target, target.starts_with('/')),
                Entry::Hardlink { target } => (target, true),
                Entry::Dir => {
                    holder = Some(pos);
                    continue;
                }
                _ if !pending.is_empty() => return Err(ViewError::NotFound),
                _ => {
                    holder = Some(pos);
                    continue;
                }
            };
            hops += 1;
            if hops > MAX_LINK_HOPS {
                return Err(ViewError::Io(io::Error::other(
                    "too many levels of symbolic links",
                )));
            }
            if from_root {
                resolved.clear();
            } else {
                resolved.truncate(resolved.rfind('/').unwrap_or(0));
            }
            for part in components(target).rev() {
                if pending.len() >= MAX_RESOLVE_STEPS {
                    return Err(too_long());
                }
                pending.push_front(part);
            }
        }
        Ok((holder, resolved))
    }

    fn resolve_entry(&self, path: &str) -> Result<(usize, String, &Entry), ViewError> {
        let (pos, real) = self.resolve(path)?;
        let pos = pos.ok_or(ViewError::NotRegular)?;
        let entry = self.entry_at(&real, pos).ok_or(ViewError::NotFound)?;
        Ok((pos, real, entry))
    }
}

impl FileView for ImageView {
    fn walk(&self, select: &Select<'_>) -> Walk {
        // Real path -> the paths that reach it; a file reached through links is listed once.
        let mut found: BTreeMap<String, Vec<&str>> = BTreeMap::new();
        let mut walk = Walk::default();
        for (path, &pos) in &self.tree {
            let Some(entry) = self.entry_at(path, pos) else {
                continue;
            };
            match entry {
                Entry::File {
                    content: Content::Kept { .. },
                    ..
                } => {
                    if (select.path)(path) {
                        found.entry(path.clone()).or_default().push(path);
                    } else if select.executables && entry.is_executable() {
                        walk.executables.push(path.clone());
                    }
                }
                Entry::File {
                    content: Content::NotKept,
                    ..
                } if (select.path)(path) => {
                    walk.issues
                        .push(warning(path, "not kept from its layer; not read".into()));
                }
                Entry::Symlink { .. } | Entry::Hardlink { .. } if (select.path)(path) => {
                    match self.resolve_entry(path) {
                        Ok((_, real, Entry::File { content, .. })) => {
                            if matches!(content, Content::Kept { .. }) {
                                found.entry(real).or_default().push(path);
                            }
                        }
                        Ok(_) => {}
                        Err(_) => walk.issues.push(warning(
                            path,
                            "broken or looping symbolic link; not read".into(),
                        )),
                    }
                }
                _ => {}
            }
        }
        walk.files = found
            .into_iter()
            .filter_map(|(real, mut paths)| {
                paths.sort_by_key(|p| (*p != real, p.len(), p.to_string()));
                paths.first().map(|p| p.to_string())
            })
            .collect();
        walk.files.sort();
        walk.issues.sort();
        walk
    }

    fn read(&self, path: &str) -> Result<Vec<u8>, ViewError> {
        let (pos, _, entry) = self.resolve_entry(path)?;
        let Entry::File { size, content, .. } = entry else {
            return Err(ViewError::NotRegular);
        };
        let too_large = ViewError::TooLarge {
            size: *size,
            limit: self.max_file_size,
        };
        match content {
            Content::Kept { .. } if *size > self.max_file_size => Err(too_large),
            Content::TooLarge => Err(too_large),
            Content::NotKept => Err(ViewError::Io(io::Error::other(
                "not kept from its layer (no cataloger asked for it)",
            ))),
            Content::Kept { file } => {
                let stored = stored_file(&self.layers[pos].dir, *file);
                let mut bytes = Vec::with_capacity(*size as usize);
                fs::File::open(stored)?
                    .take(self.max_file_size + 1)
                    .read_to_end(&mut bytes)?;
                Ok(bytes)
            }
        }
    }

    fn is_file(&self, path: &str) -> bool {
        matches!(self.resolve_entry(path), Ok((_, _, Entry::File { .. })))
    }
}

/// Whether `index` writes, replaces or deletes `path`: an entry at it, a whiteout of it or of an
/// ancestor, an opaque ancestor, or a non-directory replacing an ancestor.
fn touches(index: &LayerIndex, path: &str) -> bool {
    index.entries.contains_key(path)
        || index.whiteouts.contains(path)
        || index.opaque_dirs.contains("")
        || ancestors(path).any(|dir| {
            index.whiteouts.contains(dir)
                || index.opaque_dirs.contains(dir)
                || index.entries.get(dir).is_some_and(|e| !e.is_dir())
        })
}

fn too_long() -> ViewError {
    ViewError::Io(io::Error::other(
        "path too long to resolve (links expand to too many components)",
    ))
}

/// The components of a path or link target that move anywhere (not `""` or `.`).
fn components(path: &str) -> impl DoubleEndedIterator<Item = &str> {
    path.split('/')
        .filter(|part| !part.is_empty() && *part != ".")
}

/// Applies the layer at `pos` to `tree`. Whiteouts and replacements hide lower layers only:
/// remove first, then add.
fn apply(tree: &mut BTreeMap<String, usize>, pos: usize, index: &LayerIndex) {
    for dir in &index.opaque_dirs {
        remove_under(tree, dir);
    }
    for gone in &index.whiteouts {
        tree.remove(gone);
        remove_under(tree, gone);
    }
    for (path, entry) in &index.entries {
        if !entry.is_dir() {
            remove_under(tree, path);
        }
    }
    for path in index.entries.keys() {
        tree.insert(path.clone(), pos);
    }
}

/// Removes everything strictly under `dir` (`""`: the whole tree).
fn remove_under(tree: &mut BTreeMap<String, usize>, dir: &str) {
    if dir.is_empty() {
        tree.clear();
        return;
    }
    // The paths under `dir/` sort together right after it. Called for every file of every
    // layer, and most have nothing below: one small allocation, none for an empty result.
    let prefix = child(dir, "");
    let below: Vec<String> = tree
        .range::<str, _>((Bound::Included(prefix.as_str()), Bound::Unbounded))
        .take_while(|(path, _)| path.starts_with(&prefix))
        .map(|(path, _)| path.clone())
        .collect();
    for path in below {
        tree.remove(&path);
    }
}

fn warning(path: &str, message: String) -> FileIssue {
    FileIssue {
        path: path.to_string(),
        line: None,
        level: IssueLevel::Warning,
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view_of(entries: Vec<(&str, Entry)>) -> ImageView {
        let mut index = LayerIndex::default();
        index
            .entries
            .extend(entries.into_iter().map(|(p, e)| (p.to_string(), e)));
        let layer = LayerRef {
            index: 0,
            diff_id: String::new(),
            created_by: None,
        };
        ImageView::new(vec![(layer, PathBuf::new(), index)], 1 << 20)
    }

    fn symlink(target: String) -> Entry {
        Entry::Symlink { target }
    }

    #[test]
    fn long_and_looping_link_targets_resolve_in_bounded_work() {
        // As an index cached before extraction refused long targets could hold them.
        let view = view_of(vec![
            ("var/lib/dpkg/status", symlink("status/".repeat(1_100_000))),
            ("loop", symlink("loop/".repeat(800))),
            ("deep", symlink("a/".repeat(200_000) + "x")),
        ]);
        let too_long =
            "cannot read: path too long to resolve (links expand to too many components)";
        assert_eq!(
            view.read("var/lib/dpkg/status").unwrap_err().to_string(),
            too_long
        );
        assert_eq!(
            view.read("loop").unwrap_err().to_string(),
            "cannot read: too many levels of symbolic links"
        );
        assert_eq!(view.read("deep").unwrap_err().to_string(), too_long);
    }
}
