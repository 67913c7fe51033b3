//! Operating-system packages: the distribution of a root filesystem and its package databases.

mod deb822;
mod dpkg;
pub(crate) mod release;

pub use dpkg::DpkgStatus;
