//! `Cargo.lock`, versions 1 to 4.
//!
//! Packages without a `source` are the workspace's own crates (members and path dependencies):
//! they are the roots, not packages. What a root depends on is direct, the rest transitive.
//! Cargo.lock does not record dev or build dependencies apart, so no scope is given.

use crate::{CatalogError, Cataloger, Catalogued, Context, SourceFile};
use cargo_lock::Lockfile;
use scangate_fsview::file_name;
use scangate_types::{Ecosystem, Origin, Package, Relationship};
use std::collections::{HashMap, HashSet};
use std::str::FromStr;

pub struct CargoLock;

impl Cataloger for CargoLock {
    fn name(&self) -> &'static str {
        "cargo-lock"
    }

    fn matches(&self, path: &str) -> bool {
        file_name(path) == "Cargo.lock"
    }

    fn catalog(
        &self,
        file: &SourceFile<'_>,
        _ctx: &Context<'_>,
    ) -> Result<Catalogued, CatalogError> {
        let text = file.text()?;
        let lockfile = Lockfile::from_str(text).map_err(|err| describe_error(text, &err))?;
        let lines = package_lines(text);

        let direct: HashSet<(String, String)> = lockfile
            .packages
            .iter()
            .filter(|p| p.source.is_none())
            .flat_map(|p| &p.dependencies)
            .map(|d| (d.name.to_string(), d.version.to_string()))
            .collect();

        let packages = lockfile
            .packages
            .iter()
            .filter_map(|p| {
                let source = p.source.as_ref()?;
                let (name, version) = (p.name.to_string(), p.version.to_string());
                let line = lines.get(&(name.clone(), version.clone())).copied();
                let relationship = if direct.contains(&(name.clone(), version.clone())) {
                    Relationship::Direct
                } else {
                    Relationship::Transitive
                };
                let origin = if source.is_git() {
                    Origin::Git {
                        url: source.url().to_string(),
                        rev: source.precise().map(str::to_owned),
                    }
                } else {
                    Origin::Registry
                };
                let mut package =
                    Package::new(Ecosystem::Cargo, name, Some(version), file.at(line))
                        .with_relationship(relationship)
                        .with_origin(origin);
                for dep in &p.dependencies {
                    package.depends_on(dep.name.as_str(), Some(&dep.version.to_string()));
                }
                Some(package)
            })
            .collect::<Vec<_>>();
        Ok(packages.into())
    }
}

/// A TOML syntax error names its line; anything else is a Cargo.lock that is valid TOML but not a
/// valid lockfile, told on one line.
fn describe_error(text: &str, err: &cargo_lock::Error) -> CatalogError {
    match crate::support::toml::from_str::<toml::Table>(text) {
        Err(syntax) => syntax,
        Ok(_) => {
            let message = err
                .to_string()
                .lines()
                .map(str::trim)
                .collect::<Vec<_>>()
                .join(" ");
            CatalogError::new(format!("invalid Cargo.lock: {message}"))
        }
    }
}

/// The line of each `[[package]]` header, by (name, version).
fn package_lines(text: &str) -> HashMap<(String, String), u32> {
    let mut lines = HashMap::new();
    let mut header = 0;
    let mut name = None;
    for (i, line) in text.lines().enumerate() {
        let line_no = i as u32 + 1;
        let line = line.trim();
        if line == "[[package]]" {
            header = line_no;
            name = None;
        } else if let Some(value) = toml_string(line, "name") {
            name = Some(value);
        } else if let (Some(version), Some(n)) = (toml_string(line, "version"), name.take()) {
            lines.entry((n, version)).or_insert(header);
        }
    }
    lines
}

fn toml_string(line: &str, key: &str) -> Option<String> {
    let rest = line
        .strip_prefix(key)?
        .trim_start()
        .strip_prefix('=')?
        .trim();
    Some(rest.strip_prefix('"')?.strip_suffix('"')?.to_string())
}

#[cfg(test)]
mod tests {
    use crate::testing::{issues, rows, scan_fixture};

    #[test]
    fn v4_lockfile_made_by_cargo() {
        let inventory = scan_fixture("rust/cargo-lock/v4");
        assert_eq!(
            rows(&inventory),
            [
                "cfg-if 1.0.0 direct - Cargo.lock:14",
                "libc 0.2.191 transitive - Cargo.lock:20",
                "smallvec 1.6.0 direct - Cargo.lock:26",
                "time 0.1.43 direct - Cargo.lock:32",
                "winapi 0.3.9 transitive - Cargo.lock:50",
                "winapi-i686-pc-windows-gnu 0.4.0 transitive - Cargo.lock:60",
                "winapi-x86_64-pc-windows-gnu 0.4.0 transitive - Cargo.lock:66",
            ]
        );
        assert!(issues(&inventory).is_empty());
        let time = &inventory.packages[3];
        assert_eq!(time.purl, "pkg:cargo/time@0.1.43");
        assert_eq!(
            time.depends_on,
            ["pkg:cargo/libc@0.2.191", "pkg:cargo/winapi@0.3.9"]
        );
    }
}
