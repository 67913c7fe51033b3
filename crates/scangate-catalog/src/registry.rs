//! Every cataloger scangate runs. Adding a format: one file, its fixtures, one line here.

use crate::Cataloger;
use crate::{dotnet, golang, java, javascript, os, php, python, ruby, rust};
use scangate_fsview::file_name;

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

/// Catalogers for a root filesystem or an image: everything in [`all`], plus operating-system
/// package databases and binaries with embedded dependency lists.
pub fn system() -> Vec<&'static dyn Cataloger> {
    [all(), os(), binaries()].concat()
}

/// Files a cataloger may read while cataloguing another one (a distribution's release file, a
/// sibling manifest, an MSBuild import): an image keeps these along with the catalogued files.
pub fn consulted(path: &str) -> bool {
    const SIBLINGS: &[&str] = &[
        "composer.json",
        "pyproject.toml",
        "Pipfile",
        "gradle.properties",
        "settings.gradle",
        "settings.gradle.kts",
    ];
    let name = file_name(path);
    // Debian's machine-readable copyright files give dpkg packages their licences.
    let copyright = path.starts_with("usr/share/doc/") && name == "copyright";
    os::release::is_release_file(path)
        || copyright
        || SIBLINGS.contains(&name)
        || name.ends_with(".props")
        || name.ends_with(".targets")
}

/// The catalogers of operating-system package databases, for root filesystems and images.
pub fn os() -> &'static [&'static dyn Cataloger] {
    &[&os::DpkgStatus, &os::ApkInstalled, &os::RpmDb]
}

/// Catalogers that read executables, whatever their names (see [`Cataloger::reads_executables`]).
pub fn binaries() -> &'static [&'static dyn Cataloger] {
    &[&golang::GoBinary, &rust::RustAuditable]
}
