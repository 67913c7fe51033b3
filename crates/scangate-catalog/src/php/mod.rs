//! PHP: composer.lock.

mod composer_lock;

pub use composer_lock::ComposerLock;
