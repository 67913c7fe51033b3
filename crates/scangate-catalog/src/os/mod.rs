//! Operating-system packages: the distribution of a root filesystem and its package databases.

mod apk;
mod deb822;
mod dpkg;
pub(crate) mod release;
mod rpm;

pub use apk::ApkInstalled;
pub use dpkg::DpkgStatus;
pub(crate) use release::Distro;
pub(crate) use rpm::RpmDb;

use scangate_types::Package;
use std::collections::HashSet;

/// The purls of `targets` (indexes into `packages`), each once, in first-seen order, leaving
/// out `own`: a set keeps a package with hundreds of thousands of dependencies linear.
fn dependency_edges(
    packages: &[Package],
    own: usize,
    targets: impl IntoIterator<Item = usize>,
) -> Vec<String> {
    let mut seen = HashSet::new();
    targets
        .into_iter()
        .filter(|&target| target != own)
        .map(|target| packages[target].purl.as_str())
        .filter(|purl| seen.insert(*purl))
        .map(str::to_string)
        .collect()
}
