//! Operating-system packages: the distribution of a root filesystem and its package databases.

mod apk;
mod deb822;
mod dpkg;
pub(crate) mod release;

pub use apk::ApkInstalled;
pub use dpkg::DpkgStatus;
