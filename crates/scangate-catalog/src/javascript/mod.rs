//! JavaScript: yarn.lock (classic and berry) and pnpm-lock.yaml.

mod graph;
mod manifest;
mod pnpm_lock;
#[cfg(test)]
mod test_support;
mod yaml_lines;
mod yarn_lock;

pub use pnpm_lock::PnpmLock;
pub use yarn_lock::YarnLock;
