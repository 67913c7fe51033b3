//! dpkg's database of installed packages: `var/lib/dpkg/status`, and the one-stanza files of
//! `var/lib/dpkg/status.d/` that distroless images carry instead.
//!
//! Which stanzas are packages: those whose files are on disk. `Status: <want> <flag> <state>`
//! with state `installed`, `unpacked`, `half-configured`, `half-installed`, `triggers-awaited`
//! or `triggers-pending` is reported (a half-done install still put vulnerable files there);
//! `config-files` (removed, only configuration left) and `not-installed` are not. So on a
//! healthy system the list is `dpkg-query -W`'s minus packages removed but not purged. A stanza
//! without `Status` counts as installed: status.d files written by image build tools may omit
//! it, and they list only what they installed.
//!
//! `Source: name (version)` gives the source package that Debian advisories name; its version
//! is kept only when it differs (a binary-only rebuild, `+b1`). `Depends` and `Pre-Depends`
//! become edges to the installed package that satisfies each (the first installed alternative,
//! or a package that `Provides` the name). Licences come from the machine-readable
//! `usr/share/doc/<package>/copyright` files (DEP-5 `License:` lines) where present.

use super::deb822::{self, Stanza};
use super::dependency_edges;
use super::release::Distro;
use crate::{CatalogError, Cataloger, Catalogued, Context, Diagnostic, SourceFile};
use scangate_fsview::{file_name, parent};
use scangate_types::{Ecosystem, Package, SourcePackage};
use std::collections::HashMap;

pub struct DpkgStatus;

const STATUS: &str = "var/lib/dpkg/status";
const STATUS_D: &str = "var/lib/dpkg/status.d";

/// Files in status.d that are not control stanzas (distroless keeps checksums beside them).
const NOT_CONTROL: [&str; 3] = [".md5sums", ".sha256sums", ".conffiles"];

impl Cataloger for DpkgStatus {
    fn name(&self) -> &'static str {
        "dpkg-status"
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
        let text = file.text()?;
        let (stanzas, mut warnings) = deb822::parse(text);
        let (distro, unknown) = Distro::detect_for(ctx, root, Ecosystem::Debian);
        warnings.extend(unknown);

        let mut installed = Vec::new();
        for stanza in &stanzas {
            match read_stanza(stanza) {
                Ok(Some(entry)) => installed.push(entry),
                Ok(None) => {}
                Err(message) => warnings.push(Diagnostic::new(Some(stanza.line), message)),
            }
        }

        let mut packages: Vec<Package> = installed
            .iter()
            .map(|entry| {
                let location = file.at(Some(entry.line));
                let mut package = distro.package(entry.name, entry.version, entry.arch, location);
                package.source = entry.source.clone();
                package.licenses = licenses(ctx, root, entry.name);
                package
            })
            .collect();
        let resolver = Resolver::new(&installed);
        let edges: Vec<Vec<String>> = installed
            .iter()
            .enumerate()
            .map(|(index, entry)| {
                let targets = entry
                    .depends
                    .iter()
                    .filter_map(|alternatives| resolver.resolve(alternatives));
                dependency_edges(&packages, index, targets)
            })
            .collect();
        for (package, edges) in packages.iter_mut().zip(edges) {
            package.depends_on = edges;
        }
        Ok(Catalogued { packages, warnings })
    }
}

/// The root filesystem a dpkg database belongs to (`""` for the view's root), or `None` for a
/// file that is not one.
fn root_of(path: &str) -> Option<&str> {
    if let Some(root) = strip_root(path, STATUS) {
        return Some(root);
    }
    let name = file_name(path);
    let control = !name.starts_with('.') && !NOT_CONTROL.iter().any(|s| name.ends_with(s));
    control
        .then(|| strip_root(parent(path), STATUS_D))
        .flatten()
}

/// `dir` without the trailing path `suffix` and its separator.
fn strip_root<'a>(dir: &'a str, suffix: &str) -> Option<&'a str> {
    if dir == suffix {
        Some("")
    } else {
        dir.strip_suffix(suffix)?.strip_suffix('/')
    }
}

/// One installed package as its stanza records it.
struct Entry<'a> {
    line: u32,
    name: &'a str,
    version: &'a str,
    arch: Option<&'a str>,
    source: Option<SourcePackage>,
    provides: Vec<&'a str>,
    /// `Depends` and `Pre-Depends`: each element a list of alternatives.
    depends: Vec<Vec<&'a str>>,
}

/// The package a stanza describes; `None` for one not installed; an error for one that cannot
/// be read.
fn read_stanza<'a>(stanza: &'a Stanza<'_>) -> Result<Option<Entry<'a>>, String> {
    let Some(name) = stanza.get("Package").filter(|n| !n.is_empty()) else {
        return Err("stanza without a Package field".into());
    };
    if let Some(status) = stanza.get("Status") {
        let words: Vec<&str> = status.split_whitespace().collect();
        let [_want, _flag, state] = words[..] else {
            return Err(format!(
                "package {name}: Status `{status}` is not `<want> <flag> <state>`"
            ));
        };
        match state {
            "installed" | "unpacked" | "half-configured" | "half-installed"
            | "triggers-awaited" | "triggers-pending" => {}
            "config-files" | "not-installed" => return Ok(None),
            other => return Err(format!("package {name}: unknown state `{other}` in Status")),
        }
    }
    let Some(version) = stanza.get("Version").filter(|v| !v.is_empty()) else {
        return Err(format!("package {name}: no Version"));
    };
    let source = stanza
        .get("Source")
        .and_then(|source| source_package(name, version, source));
    let relations = |field: &str| stanza.get(field).map(alternatives).unwrap_or_default();
    let mut depends = relations("Pre-Depends");
    depends.extend(relations("Depends"));
    let provides = relations("Provides").into_iter().flatten().collect();
    Ok(Some(Entry {
        line: stanza.line,
        name,
        version,
        arch: stanza.get("Architecture"),
        source,
        provides,
        depends,
    }))
}

/// `glibc` or `gcc-12 (12.2.0-14)`; `None` when it names the binary package itself.
fn source_package(name: &str, version: &str, source: &str) -> Option<SourcePackage> {
    let (source_name, source_version) = match source.split_once('(') {
        Some((n, v)) => (n.trim(), Some(v.trim_end().trim_end_matches(')').trim())),
        None => (source.trim(), None),
    };
    let source_version = source_version.filter(|v| !v.is_empty() && *v != version);
    (!source_name.is_empty() && (source_name != name || source_version.is_some())).then(|| {
        SourcePackage {
            name: source_name.to_string(),
            version: source_version.map(str::to_string),
        }
    })
}

/// The package names of a relationship field (`a (>= 1) | b:any, c [amd64] <!nocheck>`), as a
/// list of alternatives per comma-separated element.
fn alternatives(field: &str) -> Vec<Vec<&str>> {
    field
        .split(',')
        .map(|element| {
            element
                .split('|')
                .filter_map(|alt| {
                    let name = alt
                        .split([' ', '\t', '\n', '(', '[', '<'])
                        .find(|s| !s.is_empty())?;
                    Some(name.split(':').next().unwrap_or(name))
                })
                .collect::<Vec<_>>()
        })
        .filter(|alts| !alts.is_empty())
        .collect()
}

/// Finds the installed package that satisfies a dependency.
struct Resolver<'a> {
    by_name: HashMap<&'a str, usize>,
    by_provides: HashMap<&'a str, usize>,
}

impl<'a> Resolver<'a> {
    fn new(installed: &[Entry<'a>]) -> Resolver<'a> {
        let mut by_name = HashMap::new();
        let mut by_provides = HashMap::new();
        for (index, entry) in installed.iter().enumerate() {
            by_name.entry(entry.name).or_insert(index);
            for provided in &entry.provides {
                by_provides.entry(*provided).or_insert(index);
            }
        }
        Resolver {
            by_name,
            by_provides,
        }
    }

    fn resolve(&self, alternatives: &[&str]) -> Option<usize> {
        let find =
            |map: &HashMap<&str, usize>| alternatives.iter().find_map(|n| map.get(n).copied());
        find(&self.by_name).or_else(|| find(&self.by_provides))
    }
}

/// The licences of a machine-readable (DEP-5) copyright file, in order of first mention.
fn licenses(ctx: &Context<'_>, root: &str, package: &str) -> Vec<String> {
    let rel = format!("usr/share/doc/{package}/copyright");
    let path = if root.is_empty() {
        rel
    } else {
        format!("{root}/{rel}")
    };
    if !ctx.view.is_file(&path) {
        return Vec::new();
    }
    let Ok(text) = ctx.read_text(&path) else {
        return Vec::new();
    };
    if !text.starts_with("Format:") {
        return Vec::new();
    }
    let mut found: Vec<String> = Vec::new();
    for line in text.lines() {
        let Some(value) = line.strip_prefix("License:").map(str::trim) else {
            continue;
        };
        if !value.is_empty() && !found.iter().any(|l| l == value) {
            found.push(value.to_string());
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{catalog_bytes, issues, package, rows, scan_os_fixture};

    #[test]
    fn status_files_and_status_d_stanzas_are_found() {
        assert_eq!(root_of("var/lib/dpkg/status"), Some(""));
        assert_eq!(root_of("images/a/var/lib/dpkg/status"), Some("images/a"));
        assert_eq!(root_of("var/lib/dpkg/status.d/libc6"), Some(""));
        assert_eq!(root_of("var/lib/dpkg/status.d/libc6.md5sums"), None);
        assert_eq!(root_of("var/lib/dpkg/status-old"), None);
        assert_eq!(root_of("var/lib/dpkg/status.d/x/y"), None);
        assert_eq!(root_of("myvar/lib/dpkg/status"), None);
    }

    #[test]
    fn bookworm_status_file() {
        let inventory = scan_os_fixture("os/dpkg/bookworm");
        assert!(issues(&inventory).is_empty(), "{:?}", issues(&inventory));
        assert_eq!(
            rows(&inventory),
            [
                "base-files 12.4+deb12u11 unknown - var/lib/dpkg/status:1",
                "bash 5.2.15-2+b8 unknown - var/lib/dpkg/status:28",
                "bzip2 1.0.8-5+b1 unknown - var/lib/dpkg/status:62",
                "libbz2-1.0 1.0.8-5+b1 unknown - var/lib/dpkg/status:88",
                "libc6 2.36-9+deb12u14 unknown - var/lib/dpkg/status:114",
                "libgcc-s1 12.2.0-14+deb12u1 unknown - var/lib/dpkg/status:137",
                "gcc-12-base 12.2.0-14+deb12u1 unknown - var/lib/dpkg/status:158",
                "zlib1g 1:1.2.13.dfsg-1 unknown - var/lib/dpkg/status:174",
                "libcap2 1:2.66-4+deb12u2+b2 unknown - var/lib/dpkg/status:193",
                "libcap2-bin 1:2.66-4+deb12u2+b2 unknown - var/lib/dpkg/status:212",
                "libatm1 1:2.5.1-4+b2 unknown - var/lib/dpkg/status:234",
                "cpp 4:12.2.0-3 unknown - var/lib/dpkg/status:249",
                "debconf 1.5.82 unknown - var/lib/dpkg/status:271",
                "perl-base 5.36.0-7+deb12u2 unknown - var/lib/dpkg/status:292",
                "libselinux1 3.4-1+b6 unknown - var/lib/dpkg/status:317",
                "libpcre2-8-0 10.42-1+deb12u1 unknown - var/lib/dpkg/status:350",
                "libacl1 2.3.1-3 unknown - var/lib/dpkg/status:372",
                "libattr1 1:2.5.1-4 unknown - var/lib/dpkg/status:388",
                "coreutils 9.1-1 unknown - var/lib/dpkg/status:406",
                "tar 1.34+dfsg-1.2+deb12u1 unknown - var/lib/dpkg/status:432",
                "gzip 1.12-1 unknown - var/lib/dpkg/status:455",
                "dpkg 1.21.22 unknown - var/lib/dpkg/status:474",
                "libzstd1 1.5.4+dfsg2-5 unknown - var/lib/dpkg/status:501",
                "liblzma5 5.4.1-1 unknown - var/lib/dpkg/status:519",
                "libmd0 1.0.4-2 unknown - var/lib/dpkg/status:541",
                "libcrypt1 1:4.4.33-2 unknown - var/lib/dpkg/status:558",
                "libssl3 3.0.19-1~deb12u2 unknown - var/lib/dpkg/status:580",
                "openssl 3.0.19-1~deb12u2 unknown - var/lib/dpkg/status:599",
                "sed 4.9-1 unknown - var/lib/dpkg/status:627",
                "grep 3.8-5 unknown - var/lib/dpkg/status:645",
                "libgmp10 2:6.2.1+dfsg1-1.1 unknown - var/lib/dpkg/status:674",
                "tzdata 2025b-0+deb12u2 unknown - var/lib/dpkg/status:695",
                "libtinfo6 6.4-4 unknown - var/lib/dpkg/status:714",
                "debianutils 5.7-0.5~deb12u1 unknown - var/lib/dpkg/status:732",
                "libsystemd0 252.38-1~deb12u1 unknown - var/lib/dpkg/status:753",
                "libudev1 252.38-1~deb12u1 unknown - var/lib/dpkg/status:769",
                "libpython3-stdlib 3.11.2-1+b1 unknown - var/lib/dpkg/status:785",
                "python3-minimal 3.11.2-1+b1 unknown - var/lib/dpkg/status:804",
            ]
        );

        let libc = package(&inventory, "libc6");
        assert_eq!(
            libc.purl,
            "pkg:deb/debian/libc6@2.36-9%2Bdeb12u14?arch=amd64&distro=debian-12"
        );
        assert_eq!(libc.osv_ecosystem(), "Debian:12");
        assert_eq!(
            libc.advisory_coordinates(),
            ("glibc", Some("2.36-9+deb12u14"))
        );
        assert_eq!(
            libc.depends_on,
            ["pkg:deb/debian/libgcc-s1@12.2.0-14%2Bdeb12u1?arch=amd64&distro=debian-12"]
        );

        // A binary-only rebuild: advisories are filed under the source and its version.
        let libcap = package(&inventory, "libcap2-bin");
        assert_eq!(
            libcap.source,
            Some(SourcePackage {
                name: "libcap2".into(),
                version: Some("1:2.66-4+deb12u2".into())
            })
        );
        assert_eq!(
            libcap.advisory_coordinates(),
            ("libcap2", Some("1:2.66-4+deb12u2"))
        );
        // A source with its own version line (gcc-defaults 1.203 builds cpp 4:12.2.0-3).
        let cpp = package(&inventory, "cpp");
        assert_eq!(cpp.advisory_coordinates(), ("gcc-defaults", Some("1.203")));
        // Same name, no version: no source recorded.
        assert_eq!(package(&inventory, "dpkg").source, None);
        assert_eq!(
            package(&inventory, "openssl").advisory_coordinates(),
            ("openssl", Some("3.0.19-1~deb12u2"))
        );

        // Pre-Depends first, then Depends; only what is installed here.
        let bash = package(&inventory, "bash");
        assert_eq!(
            bash.depends_on,
            [
                "pkg:deb/debian/libc6@2.36-9%2Bdeb12u14?arch=amd64&distro=debian-12",
                "pkg:deb/debian/libtinfo6@6.4-4?arch=amd64&distro=debian-12",
                "pkg:deb/debian/base-files@12.4%2Bdeb12u11?arch=amd64&distro=debian-12",
                "pkg:deb/debian/debianutils@5.7-0.5~deb12u1?arch=amd64&distro=debian-12",
            ]
        );

        assert_eq!(
            package(&inventory, "bzip2").licenses,
            ["BSD-variant", "GPL-2"]
        );
        assert_eq!(package(&inventory, "zlib1g").licenses, ["Zlib"]);
        assert_eq!(package(&inventory, "tzdata").licenses, ["public-domain"]);
        // Not machine-readable: no guess.
        assert!(package(&inventory, "base-files").licenses.is_empty());
    }

    #[test]
    fn distroless_status_d() {
        let inventory = scan_os_fixture("os/dpkg/distroless");
        assert!(issues(&inventory).is_empty(), "{:?}", issues(&inventory));
        assert_eq!(
            rows(&inventory),
            [
                "base-files 12.4+deb12u11 unknown - var/lib/dpkg/status.d/base-files:1",
                "ca-certificates 20230311+deb12u1 unknown - var/lib/dpkg/status.d/ca-certificates:1",
                "gcc-12-base 12.2.0-14+deb12u1 unknown - var/lib/dpkg/status.d/gcc-12-base:1",
                "libc6 2.36-9+deb12u14 unknown - var/lib/dpkg/status.d/libc6:1",
                "libgcc-s1 12.2.0-14+deb12u1 unknown - var/lib/dpkg/status.d/libgcc-s1:1",
                "libgomp1 12.2.0-14+deb12u1 unknown - var/lib/dpkg/status.d/libgomp1:1",
                "libssl3 3.0.19-1~deb12u2 unknown - var/lib/dpkg/status.d/libssl3:1",
                "libstdc++6 12.2.0-14+deb12u1 unknown - var/lib/dpkg/status.d/libstdc++6:1",
                "netbase 6.4 unknown - var/lib/dpkg/status.d/netbase:1",
                "tzdata 2025b-0+deb12u2 unknown - var/lib/dpkg/status.d/tzdata:1",
            ]
        );
        let ssl = package(&inventory, "libssl3");
        assert_eq!(ssl.osv_ecosystem(), "Debian:12");
        assert_eq!(
            ssl.advisory_coordinates(),
            ("openssl", Some("3.0.19-1~deb12u2"))
        );
    }

    #[test]
    fn malformed_stanzas_are_reported_and_the_rest_kept() {
        let inventory = scan_os_fixture("os/dpkg/malformed");
        assert_eq!(
            rows(&inventory),
            [
                "ok-crlf 1.0-1 unknown - var/lib/dpkg/status:1",
                "half 3.0-1 unknown - var/lib/dpkg/status:17",
                "libc6 2.36-9 unknown - var/lib/dpkg/status:34",
            ]
        );
        assert_eq!(
            issues(&inventory),
            [
                "var/lib/dpkg/status: unknown distribution (no recognised os-release); packages are reported as Debian without a release, so no distribution advisories match them",
                "var/lib/dpkg/status:7: stanza without a Package field",
                "var/lib/dpkg/status:22: package odd-status: Status `installed` is not `<want> <flag> <state>`",
                "var/lib/dpkg/status:26: package future-state: unknown state `levitating` in Status",
                "var/lib/dpkg/status:30: package no-version: no Version",
                "var/lib/dpkg/status:32: not a `Field: value` line: stray line",
            ]
        );
        let ok = package(&inventory, "ok-crlf");
        assert_eq!(ok.purl, "pkg:deb/debian/ok-crlf@1.0-1?arch=amd64");
        assert_eq!(ok.osv_ecosystem(), "Debian");
        assert_eq!(ok.depends_on, ["pkg:deb/debian/libc6@2.36-9?arch=amd64"]);
        // `Source: glibc (2.36-9)` with the binary's own version: only the name is kept.
        assert_eq!(
            package(&inventory, "libc6").source,
            Some(SourcePackage {
                name: "glibc".into(),
                version: None
            })
        );
    }

    #[test]
    fn relationship_fields() {
        assert_eq!(
            alternatives(
                "libc6 (>= 2.34), debconf (>= 0.5) | debconf-2.0,\n python3:any [amd64] <!nocheck>"
            ),
            [
                vec!["libc6"],
                vec!["debconf", "debconf-2.0"],
                vec!["python3"]
            ]
        );
        assert_eq!(alternatives(""), Vec::<Vec<&str>>::new());
    }

    #[test]
    fn a_long_depends_list_gives_each_edge_once() {
        let names: Vec<String> = (0..5000).map(|i| format!("p{i}")).collect();
        let mut status = format!(
            "Package: hub\nStatus: install ok installed\nVersion: 1\nArchitecture: amd64\nDepends: {}, hub\n",
            [names.as_slice(), names.as_slice()].concat().join(", ")
        );
        for name in &names {
            status.push_str(&format!(
                "\nPackage: {name}\nStatus: install ok installed\nVersion: 1\nArchitecture: amd64\n"
            ));
        }
        let catalogued = catalog_bytes(&DpkgStatus, STATUS, status.as_bytes()).unwrap();
        let expected: Vec<String> = names
            .iter()
            .map(|name| format!("pkg:deb/debian/{name}@1?arch=amd64"))
            .collect();
        assert_eq!(catalogued.packages[0].depends_on, expected);
    }
}
