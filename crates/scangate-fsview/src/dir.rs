use crate::rooted::{self, Unresolved};
use crate::{FileView, Select, SkipRules, ViewError, Walk};
use ignore::{DirEntry, WalkBuilder, WalkState};
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
///
/// A root filesystem ([`DirView::with_root_semantics`]) resolves its links as the system it holds would:
/// the directory is `/`.
#[derive(Debug)]
pub struct DirView {
    root: PathBuf,
    max_file_size: u64,
    skip: SkipRules,
    threads: usize,
    rooted: bool,
}

/// Real path -> the relative paths that reach it.
type Found = Mutex<BTreeMap<PathBuf, Vec<String>>>;

/// What the walker's threads gather.
struct Gathered<'a> {
    select: &'a Select<'a>,
    found: Found,
    executables: Found,
    issues: Arc<Mutex<Vec<FileIssue>>>,
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
            rooted: false,
        })
    }

    /// Reads the directory as a root filesystem: absolute links lead to its root, `..` stops
    /// there, and nothing is read from the host through a link.
    pub fn with_root_semantics(mut self) -> DirView {
        self.rooted = true;
        self
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

    /// The real location of `rel` and what is there, refused when it lies outside the root.
    fn locate(&self, rel: &str) -> Result<(PathBuf, fs::Metadata), ViewError> {
        if self.rooted {
            return match rooted::resolve(&self.root, Path::new(rel)) {
                Ok(found) => Ok((found.real, found.meta)),
                Err(Unresolved::NotFound) => Err(ViewError::NotFound),
                Err(Unresolved::Loop) => Err(ViewError::LinkLoop),
                Err(Unresolved::Io(err)) => Err(ViewError::Io(err)),
            };
        }
        let joined = self.root.join(rel);
        let real = fs::canonicalize(&joined).map_err(|err| match err.kind() {
            std::io::ErrorKind::NotFound => ViewError::NotFound,
            _ => ViewError::Io(err),
        })?;
        if !real.starts_with(&self.root) {
            return Err(ViewError::OutsideRoot);
        }
        let meta = fs::metadata(&real)?;
        Ok((real, meta))
    }

    /// Lists `rel`, a regular file or a link to one, when `select` wants it; `executable` and
    /// `real` (where it really is) are only asked then.
    fn select_file(
        &self,
        rel: String,
        executable: impl FnOnce() -> bool,
        real: impl FnOnce() -> Result<PathBuf, String>,
        into: &Gathered<'_>,
    ) {
        let by_path = (into.select.path)(&rel);
        let executable = !by_path && into.select.executables && executable();
        if !(by_path || executable) || self.skip.skips_file(&rel) {
            return;
        }
        let list = if by_path {
            &into.found
        } else {
            &into.executables
        };
        match real() {
            Ok(real) => list.lock().unwrap().entry(real).or_default().push(rel),
            Err(message) => push(&into.issues, rel, &message),
        }
    }

    /// A walked entry, as the host sees it (links followed by the walker, kept inside the root).
    fn walked(&self, entry: &DirEntry, rel: String, into: &Gathered<'_>) {
        if entry.file_type().is_some_and(|t| t.is_file()) {
            let real = || match fs::canonicalize(entry.path()) {
                Ok(real) if real.starts_with(&self.root) => Ok(real),
                Ok(_) => Err("symbolic link leads outside the scan root; not read".to_string()),
                Err(err) => Err(format!("cannot resolve: {err}")),
            };
            let executable = || entry.metadata().is_ok_and(|m| is_executable(&m));
            self.select_file(rel, executable, real, into);
        } else if (into.select.path)(&rel) && entry.path_is_symlink() && !entry.path().exists() {
            push(
                &into.issues,
                rel,
                "broken or looping symbolic link; not read",
            );
        }
    }

    /// A walked entry in a root filesystem: the walker follows no link; a link to a regular
    /// file is resolved here, inside the root.
    fn walked_rooted(&self, entry: &DirEntry, rel: String, into: &Gathered<'_>) {
        let Some(kind) = entry.file_type() else {
            return;
        };
        if kind.is_file() {
            let executable = || entry.metadata().is_ok_and(|m| is_executable(&m));
            let real = || Ok(entry.path().to_path_buf());
            self.select_file(rel, executable, real, into);
            return;
        }
        if !kind.is_symlink() {
            return;
        }
        match rooted::resolve(&self.root, Path::new(&rel)) {
            Ok(target) if target.meta.is_file() => {
                let executable = || is_executable(&target.meta);
                let real = || Ok(target.real.clone());
                self.select_file(rel, executable, real, into);
            }
            // A linked folder is walked at its real place; devices and FIFOs are never read.
            Ok(_) => {}
            Err(Unresolved::Loop) => push(&into.issues, rel, "symbolic link loop; not followed"),
            // Links to /proc or /dev are normal in a root filesystem; only a wanted one matters.
            Err(Unresolved::NotFound) if (into.select.path)(&rel) => push(
                &into.issues,
                rel,
                "symbolic link leads to nothing inside the root; not read",
            ),
            Err(Unresolved::NotFound) => {}
            Err(Unresolved::Io(err)) => push(&into.issues, rel, &format!("cannot resolve: {err}")),
        }
    }
}

impl FileView for DirView {
    fn walk(&self, select: &Select<'_>) -> Walk {
        let wanted = select.path;
        let gathered = Gathered {
            select,
            found: Mutex::new(BTreeMap::new()),
            executables: Mutex::new(BTreeMap::new()),
            issues: Arc::new(Mutex::new(Vec::new())),
        };

        let filter_root = self.root.clone();
        let filter_skip = self.skip.clone();
        let filter_issues = Arc::clone(&gathered.issues);
        let walker = WalkBuilder::new(&self.root)
            .standard_filters(false)
            // A root filesystem's links mean paths inside it, which the host knows nothing of.
            .follow_links(!self.rooted)
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
                        let Some(rel) = self.relative(entry.path()) else {
                            return WalkState::Continue;
                        };
                        let walked = if self.rooted {
                            DirView::walked_rooted
                        } else {
                            DirView::walked
                        };
                        walked(self, &entry, rel, &gathered);
                    }
                    Err(err) => {
                        let (path, message) = describe_walk_error(&err);
                        let rel = path.and_then(|p| self.relative(&p)).unwrap_or_default();
                        // A broken link is only worth a word when it names a file we wanted.
                        if is_loop(&err) || wanted(&rel) {
                            push(&gathered.issues, rel, &message);
                        }
                    }
                }
                WalkState::Continue
            })
        });

        let mut issues = Arc::try_unwrap(gathered.issues)
            .map(|m| m.into_inner().unwrap())
            .unwrap_or_default();
        issues.sort();
        Walk {
            files: self.one_path_each(gathered.found.into_inner().unwrap()),
            executables: self.one_path_each(gathered.executables.into_inner().unwrap()),
            issues,
        }
    }

    fn read(&self, path: &str) -> Result<Vec<u8>, ViewError> {
        // Check the type before opening: opening a FIFO would block the scan.
        let (real, meta) = self.locate(path)?;
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
        self.locate(path).is_ok_and(|(_, meta)| meta.is_file())
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

    fn rooted(root: &Path) -> DirView {
        view(root).with_root_semantics()
    }

    fn write(root: &Path, path: &str, content: &str) {
        let full = root.join(path);
        fs::create_dir_all(full.parent().unwrap()).unwrap();
        fs::write(full, content).unwrap();
    }

    fn link(root: &Path, target: &str, path: &str) {
        let full = root.join(path);
        fs::create_dir_all(full.parent().unwrap()).unwrap();
        symlink(target, full).unwrap();
    }

    fn read_text(v: &DirView, path: &str) -> String {
        String::from_utf8(v.read(path).unwrap()).unwrap()
    }

    #[test]
    fn a_root_filesystem_resolves_absolute_links_inside_itself() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "usr/bin/mawk", "mawk");
        write(root, "usr/lib/os-release", "ID=debian");
        write(root, "run/lock/x.pid", "1");
        link(root, "/usr/bin/mawk", "etc/alternatives/awk");
        link(root, "/etc/alternatives/awk", "usr/bin/awk");
        link(root, "../usr/lib/os-release", "etc/os-release");
        link(root, "/run", "var/run");
        let v = rooted(root);
        assert_eq!(read_text(&v, "usr/bin/awk"), "mawk");
        assert_eq!(read_text(&v, "etc/os-release"), "ID=debian");
        assert_eq!(read_text(&v, "var/run/lock/x.pid"), "1");
        assert_eq!(read_text(&v, "/etc/os-release"), "ID=debian");
        assert!(v.is_file("usr/bin/awk"));
        assert!(!v.is_file("var/run"));
        assert!(matches!(v.read("var/run"), Err(ViewError::NotRegular)));

        let walk = v.files(&|p| p.ends_with("awk") || p.ends_with("os-release"));
        // One path per real file, the one that needs no link.
        assert_eq!(walk.files, ["usr/bin/mawk", "usr/lib/os-release"]);
        let walk = v.files(&|p| p == "etc/os-release" || p.ends_with(".pid"));
        // A linked folder (var/run) is walked at its real place only.
        assert_eq!(walk.files, ["etc/os-release", "run/lock/x.pid"]);
        assert!(walk.issues.is_empty(), "{:?}", walk.issues);
    }

    #[test]
    fn a_root_filesystem_never_reads_the_host() {
        assert!(
            Path::new("/etc/hostname").is_file(),
            "the host has /etc/hostname"
        );
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        link(root, "/etc/hostname", "etc/name");
        link(root, "../../../../../../../../etc/hostname", "a/b/up.txt");
        link(root, "/../../etc/hostname", "abs-up.txt");
        link(root, "/proc/self/fd", "dev/fd");
        link(root, "/proc/self/mounts", "etc/mtab");
        let v = rooted(root);
        for path in [
            "etc/name",
            "etc/hostname",
            "a/b/up.txt",
            "abs-up.txt",
            "../etc/hostname",
            "a/../../../etc/hostname",
            "dev/fd/0",
            "etc/mtab",
        ] {
            assert!(matches!(v.read(path), Err(ViewError::NotFound)), "{path}");
            assert!(!v.is_file(path), "{path}");
        }
        // `..` stops at the root: these climb back to files inside it.
        write(root, "etc/hostname-real", "inside");
        link(root, "../../../../etc/hostname-real", "a/b/c/climb");
        assert_eq!(read_text(&v, "a/b/c/climb"), "inside");
        assert_eq!(read_text(&v, "../../etc/hostname-real"), "inside");

        let walk = v.walk(&Select {
            path: &|p| !p.starts_with("dev/"),
            executables: true,
        });
        assert_eq!(walk.files, ["etc/hostname-real"]);
        assert!(walk.executables.is_empty(), "{:?}", walk.executables);
        // Dangling links are normal in a root filesystem: only wanted ones are reported.
        let messages: Vec<String> = walk.issues.iter().map(ToString::to_string).collect();
        assert_eq!(
            messages,
            [
                "a/b/up.txt: symbolic link leads to nothing inside the root; not read",
                "abs-up.txt: symbolic link leads to nothing inside the root; not read",
                "etc/mtab: symbolic link leads to nothing inside the root; not read",
                "etc/name: symbolic link leads to nothing inside the root; not read",
            ]
        );
    }

    #[test]
    fn a_root_filesystem_reports_link_loops() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        link(root, "/x/b.lock", "a.lock");
        link(root, "../a.lock", "x/b.lock");
        link(root, "self", "self");
        fs::create_dir(root.join("loop")).unwrap();
        link(root, "/loop", "loop/again");
        write(root, "loop/Cargo.lock", "x");
        let v = rooted(root);
        assert!(matches!(v.read("a.lock"), Err(ViewError::LinkLoop)));
        assert!(matches!(v.read("self"), Err(ViewError::LinkLoop)));
        assert_eq!(
            v.read("self").unwrap_err().to_string(),
            "symbolic link loop (more than 40 links); not read"
        );
        assert_eq!(read_text(&v, "loop/again/again/again/Cargo.lock"), "x");
        let walk = v.files(&|p| p.ends_with(".lock"));
        assert_eq!(walk.files, ["loop/Cargo.lock"]);
        let messages: Vec<String> = walk.issues.iter().map(ToString::to_string).collect();
        assert_eq!(
            messages,
            [
                "a.lock: symbolic link loop; not followed",
                "self: symbolic link loop; not followed",
                "x/b.lock: symbolic link loop; not followed",
            ]
        );
    }

    #[test]
    fn a_root_filesystem_lists_linked_executables_and_never_opens_fifos() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "usr/bin/tool", "ELF");
        write(root, "usr/share/doc.txt", "doc");
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(root.join("usr/bin/tool"), fs::Permissions::from_mode(0o755)).unwrap();
        link(root, "/usr/bin/tool", "usr/local/bin/tool");
        link(root, "/usr/bin/tool", "opt/tool.json");
        fs::create_dir_all(root.join("run")).unwrap();
        let status = std::process::Command::new("mkfifo")
            .arg(root.join("run/fifo"))
            .status()
            .unwrap();
        assert!(status.success());
        link(root, "/run/fifo", "var/lib/dpkg/status");
        let v = rooted(root);
        assert!(matches!(
            v.read("var/lib/dpkg/status"),
            Err(ViewError::NotRegular)
        ));
        assert!(!v.is_file("var/lib/dpkg/status"));
        let walk = v.walk(&Select {
            path: &|p| p.ends_with(".json") || p.ends_with("status") || p.ends_with("fifo"),
            executables: true,
        });
        assert_eq!(walk.files, ["opt/tool.json"]);
        // usr/local/bin/tool is the same file as usr/bin/tool: listed once, by its own path.
        assert_eq!(walk.executables, ["usr/bin/tool"]);
        assert!(walk.issues.is_empty(), "{:?}", walk.issues);
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
