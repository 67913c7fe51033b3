//! `scangate fs PATH`: the packages every lockfile and manifest in a source tree declares, and
//! their known vulnerabilities.

use super::scan::Plan;
use crate::cli::{FsArgs, WalkArgs};
use anyhow::Context as _;
use scangate_fsview::{DirView, SkipRules};
use scangate_types::ScanTarget;
use std::path::Path;
use std::process::ExitCode;

pub fn run(args: FsArgs) -> anyhow::Result<ExitCode> {
    let plan = Plan::new(&args.scan, &args.path)?;
    let view = dir_view(&args.path, &args.walk, args.include_installed)?;
    let inventory = scangate_catalog::scan(&view, scangate_catalog::registry::all());
    let target = ScanTarget {
        kind: "filesystem".to_string(),
        name: args.path.display().to_string(),
    };
    plan.conclude(target, inventory, None)
}

/// The directory at `path`, walked as `walk` says.
pub fn dir_view(path: &Path, walk: &WalkArgs, include_installed: bool) -> anyhow::Result<DirView> {
    let skip = SkipRules::new(&walk.skip_dirs, &walk.skip_files, include_installed)
        .context("invalid --skip-dirs or --skip-files glob")?;
    DirView::new(path, walk.max_file_size, skip)
        .with_context(|| format!("cannot scan {}", path.display()))
}
