//! Ordering vectors for every scheme, taken from each scheme's specification, documentation and
//! reference test suite (restated as facts), plus robustness checks over odd input.

mod apk;
mod common;
mod composer;
mod dpkg;
mod go;
mod maven;
mod npm;
mod nuget;
mod pep440;
mod robustness;
mod rpm;
mod rubygems;
mod semver;
