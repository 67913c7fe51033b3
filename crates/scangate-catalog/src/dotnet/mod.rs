//! .NET (NuGet): packages.config, SDK-style project files with their Directory.Build.props and
//! Directory.Packages.props, packages.lock.json and the build output's *.deps.json.

mod deps_json;
mod msbuild;
mod packages_config;
mod packages_lock;
mod project;
mod xml;

pub use deps_json::DepsJson;
pub use packages_config::PackagesConfig;
pub use packages_lock::PackagesLock;
pub use project::MsbuildProject;
