//! Every cataloger scangate runs. Adding a format: one file, its fixtures, one line here.

use crate::Cataloger;
use crate::{java, rust};

/// All catalogers that read declarations in a source tree.
pub fn all() -> &'static [&'static dyn Cataloger] {
    &[
        &rust::CargoLock,
        &java::PomXml,
        &java::GradleLockfile,
        &java::GradleBuild,
        &java::VersionCatalog,
    ]
}
