//! `scangate rootfs PATH`: an unpacked root filesystem, read as an image's would be: OS package
//! databases, installed language packages, lockfiles and binaries.

use super::fs::dir_view;
use super::scan::Plan;
use crate::cli::RootfsArgs;
use scangate_types::ScanTarget;
use std::process::ExitCode;

pub fn run(args: RootfsArgs) -> anyhow::Result<ExitCode> {
    let plan = Plan::new(&args.scan, &args.path)?;
    // Installed packages are what a root filesystem is made of. Its links mean places inside
    // it (`/run`, `/usr/bin/mawk`), never on this machine.
    let view = dir_view(&args.path, &args.walk, true)?.with_root_semantics();
    let inventory = scangate_catalog::scan(&view, &scangate_catalog::registry::system());
    let target = ScanTarget {
        kind: "rootfs".to_string(),
        name: args.path.display().to_string(),
    };
    plan.conclude(target, inventory, None)
}
