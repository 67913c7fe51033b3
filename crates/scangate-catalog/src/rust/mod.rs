//! Rust: Cargo.lock, and executables built with cargo-auditable.

mod auditable;
mod cargo_lock;

pub use auditable::RustAuditable;
pub(crate) use auditable::SECTION as AUDITABLE_SECTION;
pub use cargo_lock::CargoLock;
