//! Go: go.mod, and go.sum where no go.mod sits beside it.

mod go_mod;
mod go_sum;

pub use go_mod::GoMod;
pub use go_sum::GoSum;
