//! Operating-system packages: the distribution of a root filesystem and its package databases.

// The package-database catalogers (dpkg, apk, rpm) are its users; they land next.
#[allow(dead_code)]
mod release;

#[allow(unused_imports)]
pub(crate) use release::Distro;
