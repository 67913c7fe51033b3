//! Operating-system packages: the distribution of a root filesystem and its package databases.

// The package-database catalogers (dpkg, apk, rpm) are its users; they land next.
#[allow(dead_code)]
mod release;
mod rpm;

pub(crate) use release::Distro;
pub(crate) use rpm::RpmDb;
