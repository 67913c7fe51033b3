use serde::{Deserialize, Serialize};
use std::fmt;

/// A package ecosystem, named as the OSV schema names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Ecosystem {
    #[serde(rename = "npm")]
    Npm,
    #[serde(rename = "PyPI")]
    PyPI,
    #[serde(rename = "Maven")]
    Maven,
    #[serde(rename = "Go")]
    Go,
    #[serde(rename = "NuGet")]
    NuGet,
    #[serde(rename = "crates.io")]
    Cargo,
    #[serde(rename = "RubyGems")]
    RubyGems,
    #[serde(rename = "Packagist")]
    Packagist,
    // Operating-system distributions: packages from dpkg, apk and rpm databases. The release
    // (`Debian:12`) travels on the package, see [`crate::Package::osv_ecosystem`].
    #[serde(rename = "Debian")]
    Debian,
    #[serde(rename = "Ubuntu")]
    Ubuntu,
    #[serde(rename = "Alpine")]
    Alpine,
    #[serde(rename = "Wolfi")]
    Wolfi,
    #[serde(rename = "Chainguard")]
    Chainguard,
    #[serde(rename = "Red Hat")]
    RedHat,
    #[serde(rename = "Rocky Linux")]
    Rocky,
    #[serde(rename = "AlmaLinux")]
    Alma,
    #[serde(rename = "CentOS")]
    CentOS,
    #[serde(rename = "Amazon Linux")]
    AmazonLinux,
    #[serde(rename = "SUSE")]
    Suse,
    #[serde(rename = "openSUSE")]
    OpenSuse,
}

impl Ecosystem {
    /// The OSV ecosystem name.
    pub fn as_str(self) -> &'static str {
        match self {
            Ecosystem::Npm => "npm",
            Ecosystem::PyPI => "PyPI",
            Ecosystem::Maven => "Maven",
            Ecosystem::Go => "Go",
            Ecosystem::NuGet => "NuGet",
            Ecosystem::Cargo => "crates.io",
            Ecosystem::RubyGems => "RubyGems",
            Ecosystem::Packagist => "Packagist",
            Ecosystem::Debian => "Debian",
            Ecosystem::Ubuntu => "Ubuntu",
            Ecosystem::Alpine => "Alpine",
            Ecosystem::Wolfi => "Wolfi",
            Ecosystem::Chainguard => "Chainguard",
            Ecosystem::RedHat => "Red Hat",
            Ecosystem::Rocky => "Rocky Linux",
            Ecosystem::Alma => "AlmaLinux",
            Ecosystem::CentOS => "CentOS",
            Ecosystem::AmazonLinux => "Amazon Linux",
            Ecosystem::Suse => "SUSE",
            Ecosystem::OpenSuse => "openSUSE",
        }
    }

    /// The package-url type for this ecosystem.
    pub fn purl_type(self) -> &'static str {
        match self {
            Ecosystem::Npm => "npm",
            Ecosystem::PyPI => "pypi",
            Ecosystem::Maven => "maven",
            Ecosystem::Go => "golang",
            Ecosystem::NuGet => "nuget",
            Ecosystem::Cargo => "cargo",
            Ecosystem::RubyGems => "gem",
            Ecosystem::Packagist => "composer",
            Ecosystem::Debian | Ecosystem::Ubuntu => "deb",
            Ecosystem::Alpine | Ecosystem::Wolfi | Ecosystem::Chainguard => "apk",
            Ecosystem::RedHat
            | Ecosystem::Rocky
            | Ecosystem::Alma
            | Ecosystem::CentOS
            | Ecosystem::AmazonLinux
            | Ecosystem::Suse
            | Ecosystem::OpenSuse => "rpm",
        }
    }

    /// The purl namespace of a distribution's packages (`pkg:deb/debian/...`); `None` for
    /// language ecosystems, whose namespaces come from the package name.
    pub fn distro_namespace(self) -> Option<&'static str> {
        Some(match self {
            Ecosystem::Debian => "debian",
            Ecosystem::Ubuntu => "ubuntu",
            Ecosystem::Alpine => "alpine",
            Ecosystem::Wolfi => "wolfi",
            Ecosystem::Chainguard => "chainguard",
            Ecosystem::RedHat => "redhat",
            Ecosystem::Rocky => "rocky",
            Ecosystem::Alma => "almalinux",
            Ecosystem::CentOS => "centos",
            Ecosystem::AmazonLinux => "amzn",
            Ecosystem::Suse => "suse",
            Ecosystem::OpenSuse => "opensuse",
            _ => return None,
        })
    }

    /// Whether packages of this ecosystem come from an operating system's package database.
    pub fn is_os(self) -> bool {
        self.distro_namespace().is_some()
    }
}

impl fmt::Display for Ecosystem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
