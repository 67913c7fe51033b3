//! Ruby: Gemfile.lock.

mod gemfile_lock;

pub use gemfile_lock::GemfileLock;
