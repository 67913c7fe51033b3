//! JavaScript: npm's package-lock.json, npm-shrinkwrap.json and package.json.

mod package_json;
mod package_lock;
mod shared;

pub use package_json::PackageJson;
pub use package_lock::PackageLock;
