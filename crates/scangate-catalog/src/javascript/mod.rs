//! JavaScript: yarn.lock (classic and berry).

mod graph;
mod manifest;
#[cfg(test)]
mod test_support;
mod yaml_lines;
mod yarn_lock;

pub use yarn_lock::YarnLock;
