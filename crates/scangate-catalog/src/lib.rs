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

#[cfg(test)]
pub(crate) mod testing;
