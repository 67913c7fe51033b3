//! crates.io: versions parsed by the `semver` crate, the parser Cargo itself uses.
//!
//! The ordering is SemVer precedence (`semver::Version::cmp_precedence`): build metadata is
//! ignored, as OSV's `SEMVER` ranges require. (`semver`'s own `Ord` also orders build metadata
//! so that it agrees with `Eq`; for advisories `1.0.0+a` and `1.0.0+b` are the same release.)

pub(crate) fn parse(text: &str) -> Result<semver::Version, String> {
    semver::Version::parse(text).map_err(|err| err.to_string())
}
