use globset::{Glob, GlobBuilder, GlobSet, GlobSetBuilder};

/// Folders that hold installed packages rather than declarations. In a source tree the lockfile
/// is the truth, so `fs` leaves these to the image and rootfs scans unless asked otherwise.
pub const INSTALLED_PACKAGE_DIRS: &[&str] = &[
    "node_modules",
    "site-packages",
    "dist-packages",
    "vendor",
    "bower_components",
];

/// Version-control metadata: never scanned.
const VCS_DIRS: &[&str] = &[".git", ".hg", ".svn"];

/// Which directories and files a walk leaves out.
#[derive(Debug, Clone)]
pub struct SkipRules {
    dirs: GlobSet,
    files: GlobSet,
    include_installed: bool,
}

impl Default for SkipRules {
    fn default() -> SkipRules {
        SkipRules {
            dirs: GlobSet::empty(),
            files: GlobSet::empty(),
            include_installed: false,
        }
    }
}

impl SkipRules {
    /// Globs: one without `/` matches a name at any depth; one with `/` matches the path
    /// relative to the root (`**` crosses folders).
    pub fn new(
        skip_dirs: &[String],
        skip_files: &[String],
        include_installed: bool,
    ) -> Result<SkipRules, globset::Error> {
        Ok(SkipRules {
            dirs: glob_set(skip_dirs)?,
            files: glob_set(skip_files)?,
            include_installed,
        })
    }

    pub fn skips_dir(&self, rel_path: &str) -> bool {
        let name = crate::file_name(rel_path);
        VCS_DIRS.contains(&name)
            || (!self.include_installed && INSTALLED_PACKAGE_DIRS.contains(&name))
            || matches(&self.dirs, rel_path)
    }

    pub fn skips_file(&self, rel_path: &str) -> bool {
        matches(&self.files, rel_path)
    }
}

fn matches(set: &GlobSet, rel_path: &str) -> bool {
    !set.is_empty() && (set.is_match(rel_path) || set.is_match(crate::file_name(rel_path)))
}

fn glob_set(patterns: &[String]) -> Result<GlobSet, globset::Error> {
    let mut builder = GlobSetBuilder::new();
    for pattern in patterns {
        let pattern = pattern.trim_start_matches("./").trim_end_matches('/');
        let glob = if pattern.contains('/') {
            GlobBuilder::new(pattern).literal_separator(true).build()?
        } else {
            Glob::new(pattern)?
        };
        builder.add(glob);
    }
    builder.build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_at_any_depth_and_paths_from_the_root() {
        let rules = SkipRules::new(
            &["testdata".into(), "services/*/build".into()],
            &["*.min.json".into()],
            false,
        )
        .unwrap();
        assert!(rules.skips_dir("a/b/testdata"));
        assert!(rules.skips_dir("services/api/build"));
        assert!(!rules.skips_dir("services/api/src/build"));
        assert!(rules.skips_dir("web/node_modules"));
        assert!(rules.skips_dir(".git"));
        assert!(!rules.skips_dir("src"));
        assert!(rules.skips_file("x/package.min.json"));
        assert!(!rules.skips_file("x/package.json"));
    }

    #[test]
    fn installed_folders_are_walked_on_request() {
        let rules = SkipRules::new(&[], &[], true).unwrap();
        assert!(!rules.skips_dir("web/node_modules"));
        assert!(rules.skips_dir("web/.git"));
    }
}
