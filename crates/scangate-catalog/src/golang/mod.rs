//! Go: go.mod, go.sum where no go.mod sits beside it, and the build information of executables.

mod binary;
mod go_mod;
mod go_sum;

pub(crate) use binary::BUILDINFO_MAGIC;
pub use binary::GoBinary;
pub use go_mod::GoMod;
pub use go_sum::GoSum;
