//! PyPI: PEP 440, implemented by the `pep440_rs` crate (the parser `uv` uses).
//!
//! It normalises as PEP 440 says (`1.0RC1` is `1.0rc1`, `v1.0` is `1.0`, `1.0-1` is
//! `1.0.post1`) and orders epochs, releases padded with zeros, `.devN` < `aN` < `bN` < `rcN` <
//! final < `.postN`, and local versions after their public version.

pub(crate) fn parse(text: &str) -> Result<pep440_rs::Version, String> {
    text.parse()
        .map_err(|err: pep440_rs::VersionParseError| err.to_string())
}
