//! JavaScript: npm's package-lock.json, npm-shrinkwrap.json and package.json, yarn.lock (classic
//! and berry) and pnpm-lock.yaml.

mod graph;
mod manifest;
mod node_modules;
mod package_json;
mod package_lock;
mod pnpm_lock;
mod specifier;
#[cfg(test)]
mod test_support;
mod yaml_lines;
mod yarn_lock;

pub use package_json::PackageJson;
pub use package_lock::PackageLock;
pub use pnpm_lock::PnpmLock;
pub use yarn_lock::YarnLock;
