//! apk's database of installed packages, `lib/apk/db/installed`, or `usr/lib/apk/db/installed`
//! on usr-merged systems (current Wolfi, Chainguard and Alpine, where `lib` links to `usr/lib`).
//!
//! As apk-tools writes it: one record per package, records separated by blank lines, each line
//! `<letter>:<value>`. Read here: `P` name, `V` version, `A` arch, `L` licence, `o` origin (the
//! source package, which Alpine's advisories name), `D` dependencies and `p` what the package
//! provides (both space-separated, `name`, `name>=1.0`, `so:libc.musl-x86_64.so.1`, `!conflict`).
//! The file lists (`F`, `R`, `Z`, ...) and other fields are skipped.

use super::dependency_edges;
use super::release::Distro;
use crate::{CatalogError, Cataloger, Catalogued, Context, Diagnostic, SourceFile};
use scangate_types::{Ecosystem, Package, SourcePackage};
use std::collections::HashMap;

pub struct ApkInstalled;

/// Where apk keeps its database, relative to the root: the classic and the usr-merged place.
const INSTALLED: [&str; 2] = ["usr/lib/apk/db/installed", "lib/apk/db/installed"];

impl Cataloger for ApkInstalled {
    fn name(&self) -> &'static str {
        "apk-installed"
    }

    fn matches(&self, path: &str) -> bool {
        root_of(path).is_some()
    }

    fn catalog(
        &self,
        file: &SourceFile<'_>,
        ctx: &Context<'_>,
    ) -> Result<Catalogued, CatalogError> {
        let root = root_of(file.path).unwrap_or_default();
        let (records, mut warnings) = parse(file.text()?);
        let (distro, unknown) = Distro::detect_for(ctx, root, Ecosystem::Alpine);
        warnings.extend(unknown);

        let mut installed = Vec::new();
        for record in records {
            match (record.get('P'), record.get('V')) {
                (Some(_), Some(_)) => installed.push(record),
                (None, _) => warnings.push(Diagnostic::new(
                    Some(record.line),
                    "record without a package name (P:)",
                )),
                (Some(name), None) => warnings.push(Diagnostic::new(
                    Some(record.line),
                    format!("package {name}: no version (V:)"),
                )),
            }
        }
        let mut packages: Vec<Package> =
            installed.iter().map(|r| r.package(&distro, file)).collect();

        // Every name a package answers to: its own and what it provides (`so:`, `cmd:`, ...).
        let mut providers: HashMap<&str, usize> = HashMap::new();
        for (index, record) in installed.iter().enumerate() {
            providers
                .entry(record.get('P').unwrap_or_default())
                .or_insert(index);
            for provided in record.list('p') {
                providers.entry(dependency_name(provided)).or_insert(index);
            }
        }
        let edges: Vec<Vec<String>> = installed
            .iter()
            .enumerate()
            .map(|(index, record)| {
                let targets = record
                    .list('D')
                    .filter(|dep| !dep.starts_with('!'))
                    .filter_map(|dep| providers.get(dependency_name(dep)).copied());
                dependency_edges(&packages, index, targets)
            })
            .collect();
        for (package, edges) in packages.iter_mut().zip(edges) {
            package.depends_on = edges;
        }
        Ok(Catalogued { packages, warnings })
    }
}

/// The root filesystem a database path belongs to (`""` for the view's root).
fn root_of(path: &str) -> Option<&str> {
    INSTALLED
        .iter()
        .find_map(|db| match path.strip_suffix(db)? {
            "" => Some(""),
            root => root.strip_suffix('/'),
        })
}

/// `so:libc.musl-x86_64.so.1` from `so:libc.musl-x86_64.so.1=1`, `musl` from `musl>=1.1.24`.
fn dependency_name(dep: &str) -> &str {
    let end = dep.find(['=', '<', '>', '~']).unwrap_or(dep.len());
    &dep[..end]
}

/// One package record: its fields, and the line it starts on.
struct Record<'a> {
    line: u32,
    fields: Vec<(char, &'a str)>,
}

impl<'a> Record<'a> {
    fn get(&self, key: char) -> Option<&'a str> {
        self.fields.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
    }

    /// The space-separated words of field `key`.
    fn list(&self, key: char) -> impl Iterator<Item = &'a str> {
        self.get(key).unwrap_or_default().split_whitespace()
    }

    fn package(&self, distro: &Distro, file: &SourceFile<'_>) -> Package {
        let name = self.get('P').unwrap_or_default();
        let version = self.get('V').unwrap_or_default();
        let mut package = distro.package(name, version, self.get('A'), file.at(Some(self.line)));
        package.source = self
            .get('o')
            .filter(|origin| !origin.is_empty() && *origin != name)
            .map(|origin| SourcePackage {
                name: origin.to_string(),
                version: None,
            });
        if let Some(license) = self.get('L').filter(|l| !l.is_empty()) {
            package.licenses = vec![license.to_string()];
        }
        package
    }
}

/// The records of an installed database, with a warning for each line that is not `X:value`.
fn parse(text: &str) -> (Vec<Record<'_>>, Vec<Diagnostic>) {
    let mut records = Vec::new();
    let mut warnings = Vec::new();
    let mut current: Option<Record<'_>> = None;
    for (index, line) in text.split('\n').enumerate() {
        let line_no = index as u32 + 1;
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.is_empty() {
            records.extend(current.take());
            continue;
        }
        let record = current.get_or_insert_with(|| Record {
            line: line_no,
            fields: Vec::new(),
        });
        let mut chars = line.chars();
        match (chars.next(), chars.next()) {
            (Some(key), Some(':')) if key.is_ascii_alphabetic() => {
                record.fields.push((key, &line[2..]));
            }
            _ => {
                let shown: String = line.chars().take(60).collect();
                warnings.push(Diagnostic::new(
                    Some(line_no),
                    format!("not a `X:value` line: {shown}"),
                ));
            }
        }
    }
    records.extend(current);
    (records, warnings)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{catalog_bytes, issues, package, rows, scan_os_fixture};

    #[test]
    fn alpine_3_11_installed_database() {
        let inventory = scan_os_fixture("os/apk/alpine-3.11");
        assert!(issues(&inventory).is_empty(), "{:?}", issues(&inventory));
        let at = |line: u32| format!("unknown - lib/apk/db/installed:{line}");
        assert_eq!(
            rows(&inventory),
            [
                format!("musl 1.1.24-r0 {}", at(1)),
                format!("busybox 1.31.1-r8 {}", at(17)),
                format!("alpine-baselayout 3.2.0-r3 {}", at(34)),
                format!("alpine-keys 2.1-r2 {}", at(49)),
                format!("libcrypto1.1 1.1.1d-r2 {}", at(61)),
                format!("libssl1.1 1.1.1d-r2 {}", at(77)),
                format!("ca-certificates-cacert 20191127-r0 {}", at(91)),
                format!("libtls-standalone 2.9.1-r0 {}", at(103)),
                format!("ssl_client 1.31.1-r8 {}", at(117)),
                format!("zlib 1.2.11-r3 {}", at(131)),
                format!("apk-tools 2.10.4-r3 {}", at(145)),
                format!("scanelf 1.2.4-r0 {}", at(159)),
                format!("musl-utils 1.1.24-r0 {}", at(173)),
                format!("libc-utils 0.7.2-r0 {}", at(187)),
            ]
        );
        let crypto = package(&inventory, "libcrypto1.1");
        assert_eq!(
            crypto.purl,
            "pkg:apk/alpine/libcrypto1.1@1.1.1d-r2?arch=x86_64&distro=alpine-3.11.0"
        );
        assert_eq!(crypto.osv_ecosystem(), "Alpine:v3.11");
        assert_eq!(
            crypto.advisory_coordinates(),
            ("openssl", Some("1.1.1d-r2"))
        );
        assert_eq!(crypto.licenses, ["OpenSSL"]);
        assert_eq!(package(&inventory, "musl").source, None);

        let purl = |name: &str| package(&inventory, name).purl.clone();
        // Dependencies by name (with a version constraint) and by what is provided (`so:`).
        assert_eq!(
            package(&inventory, "apk-tools").depends_on,
            [
                purl("musl"),
                purl("ca-certificates-cacert"),
                purl("libcrypto1.1"),
                purl("libssl1.1"),
                purl("zlib"),
            ]
        );
        assert_eq!(
            package(&inventory, "alpine-baselayout").depends_on,
            [purl("busybox"), purl("musl")]
        );
        assert!(package(&inventory, "alpine-keys").depends_on.is_empty());
    }

    #[test]
    fn malformed_records_are_reported_and_the_rest_kept() {
        let inventory = scan_os_fixture("os/apk/malformed");
        assert_eq!(
            rows(&inventory),
            ["good 1.0-r0 unknown - lib/apk/db/installed:1"]
        );
        assert_eq!(
            issues(&inventory),
            [
                "lib/apk/db/installed: unknown distribution (no recognised os-release); packages are reported as Alpine without a release, so no distribution advisories match them",
                "lib/apk/db/installed:5: record without a package name (P:)",
                "lib/apk/db/installed:7: package no-version: no version (V:)",
                "lib/apk/db/installed:9: not a `X:value` line: this is not a field",
            ]
        );
        assert_eq!(
            package(&inventory, "good").purl,
            "pkg:apk/alpine/good@1.0-r0?arch=x86_64"
        );
    }

    #[test]
    fn usr_merged_wolfi_database() {
        let inventory = scan_os_fixture("os/apk/wolfi");
        assert!(issues(&inventory).is_empty(), "{:?}", issues(&inventory));
        assert_eq!(
            rows(&inventory),
            [
                "glibc 2.39-r5 unknown - usr/lib/apk/db/installed:1",
                "libcrypto3 3.3.0-r0 unknown - usr/lib/apk/db/installed:10",
            ]
        );
        let crypto = package(&inventory, "libcrypto3");
        assert_eq!(crypto.ecosystem, Ecosystem::Wolfi);
        assert_eq!(crypto.osv_ecosystem(), "Wolfi");
        assert_eq!(
            crypto.purl,
            "pkg:apk/wolfi/libcrypto3@3.3.0-r0?arch=x86_64&distro=wolfi-20230201"
        );
        assert_eq!(
            crypto.depends_on,
            [package(&inventory, "glibc").purl.clone()]
        );
    }

    #[test]
    fn database_paths_and_their_root() {
        assert_eq!(root_of("lib/apk/db/installed"), Some(""));
        assert_eq!(root_of("usr/lib/apk/db/installed"), Some(""));
        assert_eq!(
            root_of("layers/a/usr/lib/apk/db/installed"),
            Some("layers/a")
        );
        assert_eq!(root_of("layers/a/lib/apk/db/installed"), Some("layers/a"));
        assert_eq!(root_of("mylib/apk/db/installed"), None);
        assert_eq!(root_of("lib/apk/db/installed.new"), None);
    }

    #[test]
    fn dependency_names() {
        assert_eq!(
            dependency_name("so:libc.musl-x86_64.so.1"),
            "so:libc.musl-x86_64.so.1"
        );
        assert_eq!(dependency_name("musl>=1.1.24-r0"), "musl");
        assert_eq!(dependency_name("so:libz.so.1=1.2.11"), "so:libz.so.1");
        assert_eq!(dependency_name("py3-foo~1.2"), "py3-foo");
    }

    #[test]
    fn a_long_dependency_list_gives_each_edge_once() {
        let names: Vec<String> = (0..5000).map(|i| format!("p{i}")).collect();
        let mut installed = format!(
            "P:hub\nV:1-r0\nD:{} hub\n",
            [names.as_slice(), names.as_slice()].concat().join(" ")
        );
        for name in &names {
            installed.push_str(&format!("\nP:{name}\nV:1-r0\np:so:{name}.so\n"));
        }
        let catalogued = catalog_bytes(&ApkInstalled, INSTALLED[1], installed.as_bytes()).unwrap();
        let expected: Vec<String> = names
            .iter()
            .map(|name| format!("pkg:apk/alpine/{name}@1-r0"))
            .collect();
        assert_eq!(catalogued.packages[0].depends_on, expected);
    }
}
