//! Every cataloger scangate runs. Adding a format: one file, its fixtures, one line here.

use crate::Cataloger;
use crate::{dotnet, rust};

/// All catalogers that read declarations in a source tree.
pub fn all() -> &'static [&'static dyn Cataloger] {
    &[
        &rust::CargoLock,
        &dotnet::PackagesConfig,
        &dotnet::MsbuildProject,
        &dotnet::PackagesLock,
        &dotnet::DepsJson,
    ]
}
