//! Exact version ordering for every ecosystem scangate matches against OSV advisories.
//!
//! Each ecosystem orders versions by its own rules, so each has a [`Scheme`] with a module that
//! follows that ecosystem's specification (and, where the specification is silent, its reference
//! implementation). Matching parses a package's version once and compares it with many range
//! bounds, so [`Scheme::parse`] returns an owned, [`Ord`] [`Version`]:
//!
//! ```
//! use scangate_versions::Scheme;
//!
//! let scheme = Scheme::for_ecosystem("Debian:12").unwrap();
//! let installed = scheme.parse("1:1.0~rc1-2").unwrap();
//! assert!(installed > scheme.parse("2.0").unwrap()); // the epoch wins
//! assert!(scheme.parse("1:1.0-1").unwrap() > installed); // `~` sorts before the end
//! ```
//!
//! Every scheme trims surrounding whitespace, rejects empty and overlong text, and never panics.

mod apk;
mod cargo;
mod composer;
mod digits;
mod dpkg;
mod ecosystem;
mod error;
mod go;
mod maven;
mod npm;
mod nuget;
mod pep440;
mod rpm;
mod rubygems;
mod semver_pre;

use std::cmp::Ordering;
use std::fmt;

pub use error::VersionError;

/// Longest version text accepted, in bytes. Real versions are far shorter; the bound keeps the
/// nested Maven representation shallow and parsing cheap on hostile input.
pub const MAX_LEN: usize = 512;

/// A version ordering scheme: one per family of ecosystems that order versions alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scheme {
    /// npm: node-semver (SemVer 2.0.0 precedence, loose parsing).
    Npm,
    /// PyPI: PEP 440.
    Pep440,
    /// Maven: `ComparableVersion` of Maven 3.9, made total where Maven's own order has cycles.
    Maven,
    /// Go modules: SemVer with pseudo-versions, `v` prefix optional.
    Go,
    /// NuGet: `NuGetVersion` (up to four numbers, case-insensitive labels).
    NuGet,
    /// RubyGems: `Gem::Version`.
    RubyGems,
    /// Packagist: Composer normalisation, then PHP `version_compare`; branches are refused.
    Composer,
    /// crates.io: the `semver` crate, ordered by SemVer precedence.
    SemVer,
    /// Debian and Ubuntu: dpkg (refusing what `dpkg --validate-version` refuses).
    Dpkg,
    /// RPM distributions: `rpmvercmp` over epoch, version and release (a missing release
    /// sorts before any release).
    Rpm,
    /// Alpine, Wolfi and other apk distributions: apk-tools 3.
    Apk,
}

impl Scheme {
    /// Every scheme, in declaration order.
    pub const ALL: [Scheme; 11] = [
        Scheme::Npm,
        Scheme::Pep440,
        Scheme::Maven,
        Scheme::Go,
        Scheme::NuGet,
        Scheme::RubyGems,
        Scheme::Composer,
        Scheme::SemVer,
        Scheme::Dpkg,
        Scheme::Rpm,
        Scheme::Apk,
    ];

    /// The scheme that orders versions of an OSV ecosystem, such as `"PyPI"`, `"Debian:12"` or
    /// `"Alpine:v3.20"`; `None` when scangate has no exact ordering for it.
    pub fn for_ecosystem(osv_ecosystem: &str) -> Option<Scheme> {
        ecosystem::scheme_for(osv_ecosystem)
    }

    /// A short human name, used in error messages.
    pub fn name(self) -> &'static str {
        match self {
            Scheme::Npm => "npm",
            Scheme::Pep440 => "PEP 440",
            Scheme::Maven => "Maven",
            Scheme::Go => "Go",
            Scheme::NuGet => "NuGet",
            Scheme::RubyGems => "RubyGems",
            Scheme::Composer => "Composer",
            Scheme::SemVer => "SemVer",
            Scheme::Dpkg => "dpkg",
            Scheme::Rpm => "rpm",
            Scheme::Apk => "apk",
        }
    }

    /// Parses `text` as a version of this scheme.
    pub fn parse(&self, text: &str) -> Result<Version, VersionError> {
        let scheme = *self;
        let fail = |reason: String| VersionError::new(scheme, text, reason);
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err(fail("empty version".into()));
        }
        if trimmed.len() > MAX_LEN {
            return Err(fail(format!("longer than {MAX_LEN} bytes")));
        }
        let key = match scheme {
            Scheme::Npm => npm::parse(trimmed).map(Key::Npm),
            Scheme::Pep440 => pep440::parse(trimmed).map(Key::Pep440),
            Scheme::Maven => Ok(Key::Maven(maven::parse(trimmed))),
            Scheme::Go => go::parse(trimmed).map(Key::Go),
            Scheme::NuGet => nuget::parse(trimmed).map(Key::NuGet),
            Scheme::RubyGems => rubygems::parse(trimmed).map(Key::RubyGems),
            Scheme::Composer => composer::parse(trimmed).map(Key::Composer),
            Scheme::SemVer => cargo::parse(trimmed).map(Key::SemVer),
            Scheme::Dpkg => dpkg::parse(trimmed).map(Key::Dpkg),
            Scheme::Rpm => rpm::parse(trimmed).map(Key::Rpm),
            Scheme::Apk => apk::parse(trimmed).map(Key::Apk),
        }
        .map_err(fail)?;
        Ok(Version {
            text: trimmed.into(),
            key,
        })
    }

    /// Parses both texts and compares them.
    pub fn compare(&self, a: &str, b: &str) -> Result<Ordering, VersionError> {
        Ok(self.parse(a)?.cmp(&self.parse(b)?))
    }
}

impl fmt::Display for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A parsed version: the text it came from plus its scheme's comparison key.
///
/// Equality and ordering follow the scheme, so two spellings of one version are equal
/// (`1.0` and `1.0.0.0` in NuGet). Versions of different schemes never compare meaningfully;
/// they order by scheme only so that [`Ord`] stays total.
#[derive(Debug, Clone)]
pub struct Version {
    text: Box<str>,
    key: Key,
}

impl Version {
    /// The scheme this version was parsed with.
    pub fn scheme(&self) -> Scheme {
        self.key.scheme()
    }

    /// The version text as given (surrounding whitespace trimmed).
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl PartialEq for Version {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Version {}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key.cmp_key(&other.key)
    }
}

/// The per-scheme comparison key.
#[derive(Debug, Clone)]
enum Key {
    Npm(npm::NpmVersion),
    Pep440(pep440_rs::Version),
    Maven(maven::MavenVersion),
    Go(go::GoVersion),
    NuGet(nuget::NuGetVersion),
    RubyGems(rubygems::GemVersion),
    Composer(composer::ComposerVersion),
    SemVer(semver::Version),
    Dpkg(dpkg::DpkgVersion),
    Rpm(rpm::RpmVersion),
    Apk(apk::ApkVersion),
}

impl Key {
    fn scheme(&self) -> Scheme {
        match self {
            Key::Npm(_) => Scheme::Npm,
            Key::Pep440(_) => Scheme::Pep440,
            Key::Maven(_) => Scheme::Maven,
            Key::Go(_) => Scheme::Go,
            Key::NuGet(_) => Scheme::NuGet,
            Key::RubyGems(_) => Scheme::RubyGems,
            Key::Composer(_) => Scheme::Composer,
            Key::SemVer(_) => Scheme::SemVer,
            Key::Dpkg(_) => Scheme::Dpkg,
            Key::Rpm(_) => Scheme::Rpm,
            Key::Apk(_) => Scheme::Apk,
        }
    }

    fn cmp_key(&self, other: &Key) -> Ordering {
        match (self, other) {
            (Key::Npm(a), Key::Npm(b)) => a.cmp(b),
            (Key::Pep440(a), Key::Pep440(b)) => a.cmp(b),
            (Key::Maven(a), Key::Maven(b)) => a.cmp(b),
            (Key::Go(a), Key::Go(b)) => a.cmp(b),
            (Key::NuGet(a), Key::NuGet(b)) => a.cmp(b),
            (Key::RubyGems(a), Key::RubyGems(b)) => a.cmp(b),
            (Key::Composer(a), Key::Composer(b)) => a.cmp(b),
            // SemVer precedence: build metadata never orders versions.
            (Key::SemVer(a), Key::SemVer(b)) => a.cmp_precedence(b),
            (Key::Dpkg(a), Key::Dpkg(b)) => a.cmp(b),
            (Key::Rpm(a), Key::Rpm(b)) => a.cmp(b),
            (Key::Apk(a), Key::Apk(b)) => a.cmp(b),
            _ => self.scheme().cmp(&other.scheme()),
        }
    }
}
