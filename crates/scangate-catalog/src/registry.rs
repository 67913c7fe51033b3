//! Every cataloger scangate runs. Adding a format: one file, its fixtures, one line here.

use crate::Cataloger;
use crate::python;
use crate::rust;

/// All catalogers that read declarations in a source tree.
pub fn all() -> &'static [&'static dyn Cataloger] {
    &[
        &rust::CargoLock,
        &python::Requirements,
        &python::PipfileLock,
        &python::PoetryLock,
        &python::UvLock,
        &python::PdmLock,
        &python::InstalledMetadata,
    ]
}
