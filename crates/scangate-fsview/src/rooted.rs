//! Path resolution with chroot semantics: the directory being scanned is `/`.
//!
//! A root filesystem's links are written for the system that will run from it: `/run`,
//! `/usr/bin/mawk` or `../usr/lib/os-release` mean places inside the tree, never on the machine
//! scanning it. So links are read one component at a time with `symlink_metadata` and
//! `read_link`; an absolute target starts again at the root and `..` stops at the root, as
//! the kernel does after `chroot`. Nothing here asks the host to follow a link.

use std::collections::VecDeque;
use std::ffi::OsString;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

/// Links followed for one path before giving up, as Linux does (`ELOOP` after 40).
pub const MAX_LINK_HOPS: usize = 40;

/// Why a path does not resolve inside the root.
#[derive(Debug)]
pub enum Unresolved {
    /// A component is missing or is not a directory: normal for a link to `/proc/self/fd`.
    NotFound,
    /// More than [`MAX_LINK_HOPS`] links.
    Loop,
    Io(io::Error),
}

/// Where a path leads inside the root: its host path, with no link left in it.
#[derive(Debug)]
pub struct Resolved {
    pub real: PathBuf,
    /// The metadata of `real` itself (not following anything).
    pub meta: fs::Metadata,
}

/// Resolves `path` (relative to `root`, or absolute meaning the same) inside `root`, which must
/// be a canonical directory path.
pub fn resolve(root: &Path, path: &Path) -> Result<Resolved, Unresolved> {
    let mut todo = VecDeque::new();
    push_front(&mut todo, path);
    // The components resolved so far: real directories (and at the end, the file), no links.
    let mut done: Vec<OsString> = Vec::new();
    let mut at_dir = true;
    let mut hops = 0;
    while let Some(part) = todo.pop_front() {
        if !at_dir {
            // `file/x` and `file/..` name nothing.
            return Err(Unresolved::NotFound);
        }
        match part {
            Step::Root => done.clear(),
            // `..` of the root is the root.
            Step::Up => {
                done.pop();
            }
            Step::Name(name) => {
                done.push(name);
                let here = join(root, &done);
                let meta = fs::symlink_metadata(&here)?;
                if meta.file_type().is_symlink() {
                    hops += 1;
                    if hops > MAX_LINK_HOPS {
                        return Err(Unresolved::Loop);
                    }
                    let target = fs::read_link(&here)?;
                    done.pop();
                    push_front(&mut todo, &target);
                } else {
                    at_dir = meta.is_dir();
                }
            }
        }
    }
    let real = join(root, &done);
    let meta = fs::symlink_metadata(&real)?;
    Ok(Resolved { real, meta })
}

/// One component still to resolve.
enum Step {
    Root,
    Up,
    Name(OsString),
}

/// Queues the components of `path` before those still pending (a link's target replaces it).
fn push_front(todo: &mut VecDeque<Step>, path: &Path) {
    let steps: Vec<Step> = path
        .components()
        .filter_map(|c| match c {
            Component::Normal(name) => Some(Step::Name(name.to_os_string())),
            Component::ParentDir => Some(Step::Up),
            Component::RootDir | Component::Prefix(_) => Some(Step::Root),
            Component::CurDir => None,
        })
        .collect();
    for step in steps.into_iter().rev() {
        todo.push_front(step);
    }
}

fn join(root: &Path, parts: &[OsString]) -> PathBuf {
    let mut path = root.to_path_buf();
    path.extend(parts);
    path
}

impl From<io::Error> for Unresolved {
    fn from(err: io::Error) -> Unresolved {
        match err.kind() {
            io::ErrorKind::NotFound | io::ErrorKind::NotADirectory => Unresolved::NotFound,
            _ => Unresolved::Io(err),
        }
    }
}
