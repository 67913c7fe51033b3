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

use scangate_types::Package;
use std::collections::HashMap;

/// Locked packages by NuGet id. Ids ignore case, and a dependency may spell one otherwise than
/// the package's own entry does.
pub(crate) struct ById<'a>(HashMap<String, (&'a str, &'a str)>);

impl<'a> FromIterator<(&'a str, &'a str, &'a str)> for ById<'a> {
    /// From `(id, name, version)` of each package; the id is the name, or `Name/Version` where
    /// a file holds several versions of one name.
    fn from_iter<I: IntoIterator<Item = (&'a str, &'a str, &'a str)>>(packages: I) -> Self {
        let by_id = packages
            .into_iter()
            .map(|(id, name, version)| (id.to_ascii_lowercase(), (name, version)));
        ById(by_id.collect())
    }
}

impl<'a> ById<'a> {
    /// The name and version of the package `id` names.
    pub fn get(&self, id: &str) -> Option<(&'a str, &'a str)> {
        self.0.get(&id.to_ascii_lowercase()).copied()
    }

    /// Adds to `package` an edge to each of `ids` that names a package.
    pub fn add_edges<S: AsRef<str>>(
        &self,
        package: &mut Package,
        ids: impl IntoIterator<Item = S>,
    ) {
        for (name, version) in ids.into_iter().filter_map(|id| self.get(id.as_ref())) {
            package.depends_on(name, Some(version));
        }
    }
}
