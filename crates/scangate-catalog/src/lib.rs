//! Catalogers turn lockfiles and manifests into packages.
//!
//! Each format lives in one file under its ecosystem's folder, with its fixtures in
//! `fixtures/<ecosystem>/<format>/`, and is listed once in [`registry`]. [`scan`] runs the
//! registry over a [`scangate_fsview::FileView`] on every core and merges the results into an
//! [`scangate_types::Inventory`].

mod cataloger;
mod merge;
pub mod registry;
mod scan;
pub mod support;

mod dotnet;
mod golang;
mod java;
mod javascript;
mod os;
mod php;
mod python;
mod ruby;
mod rust;

pub use cataloger::{CatalogError, Cataloger, Catalogued, Context, Diagnostic, SourceFile};
pub use scan::scan;

/// Byte strings of which every executable the [`registry::binaries`] catalogers can read holds
/// at least one: an image reader may keep only such files.
pub const EXECUTABLE_MARKERS: &[&[u8]] =
    &[golang::BUILDINFO_MAGIC, rust::AUDITABLE_SECTION.as_bytes()];

#[cfg(test)]
pub(crate) mod testing;

#[cfg(test)]
mod tests {
    use super::EXECUTABLE_MARKERS;

    fn has_marker(bytes: &[u8]) -> bool {
        EXECUTABLE_MARKERS
            .iter()
            .any(|marker| bytes.windows(marker.len()).any(|w| w == *marker))
    }

    #[test]
    fn every_executable_fixture_holds_a_marker() {
        let binaries = [
            "golang/binary/hello-default",
            "golang/binary/hello-trimpath",
            "golang/binary/hello-darwin-arm64",
            "golang/binary/hello-windows-amd64.exe",
            "rust/auditable/tiny",
        ];
        for rel in binaries {
            let bytes = std::fs::read(crate::testing::fixture(rel)).unwrap();
            assert!(has_marker(&bytes), "{rel}");
        }
        assert!(!has_marker(b"#!/bin/sh\necho Go buildinf: dep-v0\n"));
    }
}
