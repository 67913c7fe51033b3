//! Every cataloger scangate runs. Adding a format: one file, its fixtures, one line here.

use crate::Cataloger;
use crate::{dotnet, golang, java, javascript, os, php, python, ruby, rust};

/// All catalogers that read declarations in a source tree.
pub fn all() -> &'static [&'static dyn Cataloger] {
    &[
        &rust::CargoLock,
        &golang::GoMod,
        &golang::GoSum,
        &ruby::GemfileLock,
        &php::ComposerLock,
        &javascript::PackageLock,
        &javascript::PackageJson,
        &javascript::YarnLock,
        &javascript::PnpmLock,
        &dotnet::PackagesConfig,
        &dotnet::MsbuildProject,
        &dotnet::PackagesLock,
        &dotnet::DepsJson,
        &java::PomXml,
        &java::GradleLockfile,
        &java::GradleBuild,
        &java::VersionCatalog,
        &python::Requirements,
        &python::PipfileLock,
        &python::PoetryLock,
        &python::UvLock,
        &python::PdmLock,
        &python::InstalledMetadata,
    ]
}

/// The catalogers of operating-system package databases, for root filesystems and images.
pub fn os() -> &'static [&'static dyn Cataloger] {
    &[&os::RpmDb]
}
