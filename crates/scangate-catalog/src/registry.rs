//! Every cataloger scangate runs. Adding a format: one file, its fixtures, one line here.

use crate::Cataloger;
use crate::{dotnet, golang, java, javascript, php, python, ruby, rust};
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
    all().to_vec()
}

/// Files a cataloger may read while cataloguing another one (a distribution's release file, a
/// sibling manifest, an MSBuild import): an image keeps these along with the catalogued files.
pub fn consulted(path: &str) -> bool {
    const RELEASE_FILES: &[&str] = &[
        "etc/os-release",
        "usr/lib/os-release",
        "etc/lsb-release",
        "etc/debian_version",
        "etc/alpine-release",
        "etc/redhat-release",
        "etc/system-release",
        "etc/centos-release",
        "etc/rocky-release",
        "etc/almalinux-release",
        "etc/SuSE-release",
    ];
    const SIBLINGS: &[&str] = &[
        "composer.json",
        "pyproject.toml",
        "Pipfile",
        "gradle.properties",
        "settings.gradle",
        "settings.gradle.kts",
    ];
    let name = file_name(path);
    RELEASE_FILES.contains(&path)
        || SIBLINGS.contains(&name)
        || name.ends_with(".props")
        || name.ends_with(".targets")
}
