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
        }
    }
}

impl fmt::Display for Ecosystem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
