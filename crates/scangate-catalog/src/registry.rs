//! Every cataloger scangate runs. Adding a format: one file, its fixtures, one line here.

use crate::Cataloger;
use crate::{dotnet, golang, java, javascript, php, python, ruby, rust};

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
        &java::JavaArchive,
        &python::Requirements,
        &python::PipfileLock,
        &python::PoetryLock,
        &python::UvLock,
        &python::PdmLock,
        &python::InstalledMetadata,
    ]
}

/// Catalogers that read executables, whatever their names (see [`Cataloger::reads_executables`]).
pub fn binaries() -> &'static [&'static dyn Cataloger] {
    &[&golang::GoBinary, &rust::RustAuditable]
}
