use crate::{FileView, Select, SkipRules, ViewError, Walk};
use ignore::{WalkBuilder, WalkState};
use scangate_types::{FileIssue, IssueLevel};
use std::collections::BTreeMap;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// A directory on the local disk.
///
/// Symlinks are followed only while they stay inside the root; a link leading out of it, or a
/// loop, is reported and skipped. A file reached through several links is read once.
#[derive(Debug)]
pub struct DirView {
    root: PathBuf,
    max_file_size: u64,
    skip: SkipRules,
    threads: usize,
}

impl DirView {
    pub fn new(root: &Path, max_file_size: u64, skip: SkipRules) -> std::io::Result<DirView> {
        let root = fs::canonicalize(root)?;
        if !root.is_dir() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::NotADirectory,
                "not a directory",
            ));
        }
        Ok(DirView {
            root,
            max_file_size,
            skip,
            threads: 0,
        })
    }

    /// Walker threads; 0 lets the walker pick from the number of cores.
    pub fn with_threads(mut self, threads: usize) -> DirView {
        self.threads = threads;
        self
    }

    fn relative(&self, path: &Path) -> Option<String> {
        let rel = path.strip_prefix(&self.root).ok()?;
        let parts: Vec<_> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect();
        Some(parts.join("/"))
    }

    /// One path per real file: the one that needs no link (it sorts first when equal length).
    fn one_path_each(&self, found: BTreeMap<PathBuf, Vec<String>>) -> Vec<String> {
        let mut files: Vec<String> = found
            .into_iter()
            .filter_map(|(real, mut rels)| {
                let direct = self.relative(&real);
                rels.sort_by_key(|rel| (Some(rel) != direct.as_ref(), rel.len(), rel.clone()));
                rels.into_iter().next()
            })
            .collect();
        files.sort();
        files
    }

    /// The real location of `rel`, refused when it lies outside the root.
    fn resolve(&self, rel: &str) -> Result<PathBuf, ViewError> {
        let joined = self.root.join(rel);
        let real = fs::canonicalize(&joined).map_err(|err| match err.kind() {
            std::io::ErrorKind::NotFound => ViewError::NotFound,
            _ => ViewError::Io(err),
        })?;
        if real.starts_with(&self.root) {
            Ok(real)
        } else {
            Err(ViewError::OutsideRoot)
        }
    }
}

impl FileView for DirView {
    fn walk(&self, select: &Select<'_>) -> Walk {
        let wanted = select.path;
        let issues = Arc::new(Mutex::new(Vec::new()));
        // Real path -> the relative paths that reach it.
        let found: Mutex<BTreeMap<PathBuf, Vec<String>>> = Mutex::new(BTreeMap::new());
        let executables: Mutex<BTreeMap<PathBuf, Vec<String>>> = Mutex::new(BTreeMap::new());

        let filter_root = self.root.clone();
        let filter_skip = self.skip.clone();
        let filter_issues = Arc::clone(&issues);
        let walker = WalkBuilder::new(&self.root)
            .standard_filters(false)
            .follow_links(true)
            .threads(self.threads)
            .filter_entry(move |entry| {
                let Ok(rel) = entry.path().strip_prefix(&filter_root) else {
                    return true;
                };
                let rel = rel.to_string_lossy().replace('\\', "/");
                if rel.is_empty() {
                    return true;
                }
                let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
                if is_dir && filter_skip.skips_dir(&rel) {
                    return false;
                }
                // A linked folder inside the root is walked under its real path already:
                // following links too would walk it again per link (exponentially, for links
                // to links). A link out of the root is worth a word; the walker reports loops.
                if is_dir && entry.path_is_symlink() {
                    let outside = fs::canonicalize(entry.path())
                        .is_ok_and(|real| !real.starts_with(&filter_root));
                    if outside {
                        push(
                            &filter_issues,
                            rel,
                            "symbolic link leads outside the scan root; not followed",
                        );
                    }
                    return false;
                }
                true
            })
            .build_parallel();

        walker.run(|| {
            Box::new(|result| {
                match result {
                    Ok(entry) => {
                        let is_file = entry.file_type().is_some_and(|t| t.is_file());
                        let Some(rel) = self.relative(entry.path()) else {
                            return WalkState::Continue;
                        };
                        let by_path = is_file && wanted(&rel);
                        let executable = is_file
                            && !by_path
                            && select.executables
                            && entry.metadata().is_ok_and(|m| is_executable(&m));
                        if (by_path || executable) && !self.skip.skips_file(&rel) {
                            let into = if by_path { &found } else { &executables };
                            match fs::canonicalize(entry.path()) {
                                Ok(real) if real.starts_with(&self.root) => {
                                    into.lock().unwrap().entry(real).or_default().push(rel);
                                }
                                Ok(_) => push(
                                    &issues,
                                    rel,
                                    "symbolic link leads outside the scan root; not read",
                                ),
                                Err(err) => push(&issues, rel, &format!("cannot resolve: {err}")),
                            }
                        } else if !is_file
                            && wanted(&rel)
                            && entry.path_is_symlink()
                            && !entry.path().exists()
                        {
                            push(&issues, rel, "broken or looping symbolic link; not read");
                        }
                    }
                    Err(err) => {
                        let (path, message) = describe_walk_error(&err);
                        let rel = path.and_then(|p| self.relative(&p)).unwrap_or_default();
                        // A broken link is only worth a word when it names a file we wanted.
                        if is_loop(&err) || wanted(&rel) {
                            push(&issues, rel, &message);
                        }
                    }
                }
                WalkState::Continue
            })
        });

        let mut issues = Arc::try_unwrap(issues)
            .map(|m| m.into_inner().unwrap())
            .unwrap_or_default();
        issues.sort();
        Walk {
            files: self.one_path_each(found.into_inner().unwrap()),
            executables: self.one_path_each(executables.into_inner().unwrap()),
            issues,
        }
    }

    fn read(&self, path: &str) -> Result<Vec<u8>, ViewError> {
        let real = self.resolve(path)?;
        // Check the type before opening: opening a FIFO would block the scan.
        let meta = fs::metadata(&real)?;
        if !meta.is_file() {
            return Err(ViewError::NotRegular);
        }
        if meta.len() > self.max_file_size {
            return Err(ViewError::TooLarge {
                size: meta.len(),
                limit: self.max_file_size,
            });
        }
        let mut bytes = Vec::with_capacity(meta.len() as usize);
        // The file may grow between stat and read; never take more than the limit.
        fs::File::open(&real)?
            .take(self.max_file_size + 1)
            .read_to_end(&mut bytes)?;
        if bytes.len() as u64 > self.max_file_size {
            return Err(ViewError::TooLarge {
                size: bytes.len() as u64,
                limit: self.max_file_size,
            });
        }
        Ok(bytes)
    }

    fn is_file(&self, path: &str) -> bool {
        self.resolve(path).is_ok_and(|real| real.is_file())
    }
}

#[cfg(unix)]
fn is_executable(meta: &fs::Metadata) -> bool {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode() & 0o111 != 0
}

/// No execute bit to go by: every file is a candidate.
#[cfg(not(unix))]
fn is_executable(_: &fs::Metadata) -> bool {
    true
}

fn push(issues: &Mutex<Vec<FileIssue>>, path: String, message: &str) {
    issues.lock().unwrap().push(FileIssue {
        path,
        line: None,
        level: IssueLevel::Warning,
        message: message.to_string(),
    });
}

fn is_loop(err: &ignore::Error) -> bool {
    match err {
        ignore::Error::WithPath { err, .. }
        | ignore::Error::WithDepth { err, .. }
        | ignore::Error::WithLineNumber { err, .. } => is_loop(err),
        ignore::Error::Loop { .. } => true,
        _ => false,
    }
}

fn describe_walk_error(err: &ignore::Error) -> (Option<PathBuf>, String) {
    match err {
        ignore::Error::WithPath { path, err } => (Some(path.clone()), describe_walk_error(err).1),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            describe_walk_error(err)
        }
        ignore::Error::Loop { child, .. } => (
            Some(child.clone()),
            "symbolic link loop; not followed".to_string(),
        ),
        ignore::Error::Io(err) => (None, format!("cannot read: {err}")),
        other => (None, other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    fn view(root: &Path) -> DirView {
        DirView::new(root, 1024, SkipRules::default()).unwrap()
    }

    #[test]
    fn lists_wanted_files_and_skips_installed_and_vcs_folders() {
        let dir = tempfile::tempdir().unwrap();
        for path in [
            "a/Cargo.lock",
            "a/node_modules/x/Cargo.lock",
            ".git/Cargo.lock",
            "b/readme.md",
            "Cargo.lock",
        ] {
            let full = dir.path().join(path);
            fs::create_dir_all(full.parent().unwrap()).unwrap();
            fs::write(full, "x").unwrap();
        }
        let walk = view(dir.path()).files(&|p| p.ends_with("Cargo.lock"));
        assert_eq!(walk.files, ["Cargo.lock", "a/Cargo.lock"]);
        assert!(walk.issues.is_empty());
    }

    #[test]
    fn links_out_of_the_root_and_loops_are_reported_not_followed() {
        let outside = tempfile::tempdir().unwrap();
        fs::write(outside.path().join("Cargo.lock"), "secret").unwrap();
        let dir = tempfile::tempdir().unwrap();
        symlink(outside.path(), dir.path().join("escape")).unwrap();
        symlink(
            outside.path().join("Cargo.lock"),
            dir.path().join("Cargo.lock"),
        )
        .unwrap();
        fs::create_dir(dir.path().join("loop")).unwrap();
        symlink("../loop", dir.path().join("loop/again")).unwrap();
        symlink("self.lock", dir.path().join("self.lock")).unwrap();
        symlink("nowhere", dir.path().join("dangling.lock")).unwrap();
        symlink("nowhere", dir.path().join("unwanted.txt")).unwrap();
        let v = view(dir.path());
        let walk = v.files(&|p| p.ends_with(".lock"));
        assert!(walk.files.is_empty(), "{:?}", walk.files);
        let messages: Vec<String> = walk.issues.iter().map(ToString::to_string).collect();
        assert_eq!(
            messages,
            [
                "Cargo.lock: symbolic link leads outside the scan root; not read",
                "dangling.lock: cannot read: No such file or directory (os error 2)",
                "escape: symbolic link leads outside the scan root; not followed",
                "loop/again: symbolic link loop; not followed",
                "self.lock: cannot read: Too many levels of symbolic links (os error 40)",
            ]
        );
        assert!(matches!(v.read("Cargo.lock"), Err(ViewError::OutsideRoot)));
        assert!(matches!(
            v.read("../x"),
            Err(ViewError::NotFound | ViewError::OutsideRoot)
        ));
    }

    #[test]
    fn links_fanning_out_inside_the_root_are_walked_once() {
        let dir = tempfile::tempdir().unwrap();
        for i in 0..12 {
            fs::create_dir(dir.path().join(format!("d{i}"))).unwrap();
        }
        for i in 0..11 {
            for name in ["a", "b"] {
                symlink(
                    format!("../d{}", i + 1),
                    dir.path().join(format!("d{i}/{name}")),
                )
                .unwrap();
            }
        }
        fs::write(dir.path().join("d11/Cargo.lock"), "x").unwrap();
        let walk = view(dir.path()).files(&|p| p.ends_with("Cargo.lock"));
        assert_eq!(walk.files, ["d11/Cargo.lock"]);
        assert!(walk.issues.is_empty(), "{:?}", walk.issues);
    }

    #[test]
    fn a_file_reached_through_a_link_inside_the_root_is_listed_once() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("real")).unwrap();
        fs::write(dir.path().join("real/Cargo.lock"), "x").unwrap();
        symlink("real", dir.path().join("alias")).unwrap();
        let walk = view(dir.path()).files(&|p| p.ends_with("Cargo.lock"));
        assert_eq!(walk.files, ["real/Cargo.lock"]);
    }

    #[test]
    fn reads_are_bounded() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("big.json"), vec![b' '; 2048]).unwrap();
        let err = view(dir.path()).read("big.json").unwrap_err();
        assert_eq!(
            err.to_string(),
            "file is 2048 bytes, over the 1024 bytes limit (raise it with --max-file-size)"
        );
        assert!(matches!(
            err,
            ViewError::TooLarge {
                size: 2048,
                limit: 1024
            }
        ));
    }
}
