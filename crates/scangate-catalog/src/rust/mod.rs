//! Rust: Cargo.lock.

mod cargo_lock;

pub use cargo_lock::CargoLock;
