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
