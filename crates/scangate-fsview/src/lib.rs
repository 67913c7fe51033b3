//! The filesystem view: the one way catalogers see files.
//!
//! A view lists the files a scan wants and reads them with limits. Catalogers never touch
//! `std::fs` directly, so the same catalogers read a source tree, a root filesystem or an
//! image's merged layers.

mod dir;
mod error;
mod path;
mod rooted;
mod skip;

pub use dir::DirView;
pub use error::ViewError;
pub use path::{file_name, join, parent};
pub use skip::{INSTALLED_PACKAGE_DIRS, SkipRules};

use scangate_types::FileIssue;

/// Default largest file a cataloger is handed (`--max-file-size`).
pub const DEFAULT_MAX_FILE_SIZE: u64 = 100 * 1024 * 1024;

/// Files a walk selected, and problems met on the way.
#[derive(Debug, Default)]
pub struct Walk {
    /// Paths relative to the view's root, `/`-separated, sorted.
    pub files: Vec<String>,
    /// Executable regular files not selected by path, sorted; only when [`Select::executables`].
    pub executables: Vec<String>,
    pub issues: Vec<FileIssue>,
}

/// What a walk selects.
pub struct Select<'a> {
    /// Regular files selected by their path.
    pub path: &'a (dyn Fn(&str) -> bool + Sync),
    /// Also list executable files: binaries can carry their own dependency lists (Go build
    /// information, cargo-auditable), wherever they are installed.
    pub executables: bool,
}

/// Read access to a tree of files, addressed by `/`-separated paths relative to its root.
pub trait FileView: Sync {
    /// The regular files `select` wants, honouring the view's skip rules.
    fn walk(&self, select: &Select<'_>) -> Walk;

    /// Every regular file for which `wanted(path)` holds, honouring the view's skip rules.
    fn files(&self, wanted: &(dyn Fn(&str) -> bool + Sync)) -> Walk {
        self.walk(&Select {
            path: wanted,
            executables: false,
        })
    }

    /// The whole content of one file, refused past the view's size limit.
    fn read(&self, path: &str) -> Result<Vec<u8>, ViewError>;

    /// Whether `path` names a regular file in the view.
    fn is_file(&self, path: &str) -> bool;
}
