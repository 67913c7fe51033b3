//! Which distribution a root filesystem is, from `os-release` (and the older release files where
//! it is missing), and how its packages are named for OSV and in purls.
//!
//! The OSV release suffix per distribution, as the OSV schema's ecosystem table defines it:
//! - Debian `12` (VERSION_ID), Ubuntu `22.04:LTS` / `23.10` (`:LTS` when VERSION says so),
//!   Alpine `v3.18` (the branch of VERSION_ID `3.18.4`; edge has no branch: no release),
//!   Rocky Linux, AlmaLinux and CentOS the major version (`9`), Amazon Linux VERSION_ID (`2023`),
//!   Wolfi and Chainguard none (their advisories are not split by release).
//! - Red Hat files advisories per product stream, named by CPE without `cpe:/o:redhat:`. An
//!   installed system records only its base stream (`CPE_NAME`), so the release is that stream
//!   reduced to the major version: `enterprise_linux:9::baseos`. Packages from other streams
//!   (`::appstream`) have their advisories filed elsewhere; matching them needs the repository
//!   each package came from, which the rpm database does not record.
//! - SUSE and openSUSE: PRETTY_NAME without the vendor word (`Linux Enterprise Server 15 SP5`,
//!   `Leap 15.5`), which is how their OSV data spells the product.

use crate::{Context, Diagnostic};
use packageurl::PackageUrl;
use scangate_types::{Ecosystem, Location, Package};
use std::collections::HashMap;

/// The distribution of a scanned root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Distro {
    pub ecosystem: Ecosystem,
    /// The os-release `ID` (`debian`, `alpine`, `rocky`, ...); empty when not known.
    pub id: String,
    pub version_id: Option<String>,
    /// The OSV release suffix (`12`, `v3.18`, `22.04:LTS`).
    pub release: Option<String>,
    pub pretty_name: Option<String>,
}

/// The os-release files, most specific first (`etc/os-release` is often a link to the other).
const OS_RELEASE: [&str; 2] = ["etc/os-release", "usr/lib/os-release"];

/// Release files older systems have instead of os-release, each read as `<Name> release <version>`.
const RELEASE_FILES: [&str; 3] = [
    "etc/redhat-release",
    "etc/centos-release",
    "etc/system-release",
];

/// Whether `path` (from a root) is a file distribution detection reads.
pub(crate) fn is_release_file(path: &str) -> bool {
    OS_RELEASE.contains(&path)
        || RELEASE_FILES.contains(&path)
        || ["etc/alpine-release", "etc/debian_version"].contains(&path)
}

impl Distro {
    /// The distribution of the root filesystem at `root` inside the view (`""` for the view's
    /// root), from etc/os-release, usr/lib/os-release and, where those are missing,
    /// etc/alpine-release, etc/debian_version or etc/redhat-release.
    pub(crate) fn detect_in(ctx: &Context<'_>, root: &str) -> Option<Distro> {
        let read = |rel: &str| {
            let path = if root.is_empty() {
                rel.to_string()
            } else {
                format!("{root}/{rel}")
            };
            ctx.view
                .is_file(&path)
                .then(|| ctx.read_text(&path).ok())
                .flatten()
        };
        if let Some(text) = OS_RELEASE.iter().find_map(|path| read(path)) {
            return Distro::from_os_release(&text);
        }
        if let Some(text) = read("etc/alpine-release") {
            return Distro::from_fields(&fields(&[("ID", "alpine"), ("VERSION_ID", text.trim())]));
        }
        if let Some(text) = read("etc/debian_version") {
            // `12.5` on a release, `trixie/sid` on testing: only a number names a release.
            let major = text.trim().split('.').next().unwrap_or_default();
            let numeric = !major.is_empty() && major.bytes().all(|b| b.is_ascii_digit());
            let version: &[(&str, &str)] = if numeric {
                &[("VERSION_ID", major)]
            } else {
                &[]
            };
            let mut found = fields(&[("ID", "debian")]);
            found.extend(fields(version));
            return Distro::from_fields(&found);
        }
        RELEASE_FILES
            .iter()
            .find_map(|path| read(path))
            .and_then(|text| Distro::from_release_line(&text))
    }

    /// The distribution an os-release file describes; `None` for one scangate does not know.
    pub(crate) fn from_os_release(text: &str) -> Option<Distro> {
        Distro::from_fields(&parse_os_release(text))
    }

    /// For a root whose distribution is not known: packages keep the ecosystem their database
    /// format implies, without a release, and the scan says so.
    pub(crate) fn unknown(ecosystem: Ecosystem) -> Distro {
        Distro {
            ecosystem,
            id: String::new(),
            version_id: None,
            release: None,
            pretty_name: None,
        }
    }

    /// The distribution of `root` if it uses `purl_type` packages, else [`Distro::unknown`] of
    /// `fallback` with a warning for the database file.
    pub(crate) fn detect_for(
        ctx: &Context<'_>,
        root: &str,
        fallback: Ecosystem,
    ) -> (Distro, Option<Diagnostic>) {
        match Distro::detect_in(ctx, root) {
            Some(distro) if distro.ecosystem.purl_type() == fallback.purl_type() => (distro, None),
            Some(distro) => {
                let warning = format!(
                    "the distribution is {}, which does not use this package database; packages are reported as {fallback} without a release",
                    distro.pretty_name.as_deref().unwrap_or(&distro.id)
                );
                (
                    Distro::unknown(fallback),
                    Some(Diagnostic::new(None, warning)),
                )
            }
            None => {
                let warning = format!(
                    "unknown distribution (no recognised os-release); packages are reported as {fallback} without a release, so no distribution advisories match them"
                );
                (
                    Distro::unknown(fallback),
                    Some(Diagnostic::new(None, warning)),
                )
            }
        }
    }

    /// A package of this distribution, with its OSV release and a purl carrying the `arch`,
    /// `epoch` (rpm, from an `E:` version prefix) and `distro` qualifiers.
    pub(crate) fn package(
        &self,
        name: &str,
        version: &str,
        arch: Option<&str>,
        location: Location,
    ) -> Package {
        let mut package = Package::new(self.ecosystem, name, Some(version.to_string()), location);
        package.release = self.release.clone();
        if let Some(purl) = self.purl(name, version, arch) {
            package.purl = purl;
        }
        package
    }

    fn purl(&self, name: &str, version: &str, arch: Option<&str>) -> Option<String> {
        let (epoch, purl_version) = match (self.ecosystem.purl_type(), version.split_once(':')) {
            // The rpm purl type carries the epoch as a qualifier; deb keeps it in the version.
            ("rpm", Some((epoch, rest))) if epoch.bytes().all(|b| b.is_ascii_digit()) => {
                (Some(epoch), rest)
            }
            _ => (None, version),
        };
        let mut purl = PackageUrl::new(self.ecosystem.purl_type(), name).ok()?;
        if let Some(namespace) = self.ecosystem.distro_namespace() {
            purl.with_namespace(namespace).ok()?;
        }
        purl.with_version(purl_version).ok()?;
        if let Some(arch) = arch.filter(|a| !a.is_empty()) {
            purl.add_qualifier("arch", arch).ok()?;
        }
        if let Some(epoch) = epoch {
            purl.add_qualifier("epoch", epoch).ok()?;
        }
        if let Some(distro) = self.distro_qualifier() {
            purl.add_qualifier("distro", distro).ok()?;
        }
        Some(purl.to_string())
    }

    fn distro_qualifier(&self) -> Option<String> {
        match (&self.id, &self.version_id) {
            (id, _) if id.is_empty() => None,
            (id, Some(version)) => Some(format!("{id}-{version}")),
            (id, None) => Some(id.clone()),
        }
    }

    fn from_fields(fields: &HashMap<String, String>) -> Option<Distro> {
        let get = |key: &str| {
            fields
                .get(key)
                .map(String::as_str)
                .filter(|v| !v.is_empty())
        };
        let id = get("ID")?.to_ascii_lowercase();
        let version_id = get("VERSION_ID");
        let pretty_name = get("PRETTY_NAME");
        let major = || {
            version_id
                .and_then(|v| v.split('.').next())
                .map(str::to_string)
        };
        let (ecosystem, release) = match id.as_str() {
            "debian" => (Ecosystem::Debian, version_id.map(str::to_string)),
            "ubuntu" => (
                Ecosystem::Ubuntu,
                ubuntu_release(version_id, get("VERSION")),
            ),
            "alpine" => (Ecosystem::Alpine, version_id.and_then(alpine_branch)),
            "wolfi" => (Ecosystem::Wolfi, None),
            "chainguard" => (Ecosystem::Chainguard, None),
            "rhel" => (Ecosystem::RedHat, red_hat_stream(get("CPE_NAME"), major())),
            "rocky" => (Ecosystem::Rocky, major()),
            "almalinux" => (Ecosystem::Alma, major()),
            "centos" => (Ecosystem::CentOS, major()),
            "amzn" => (Ecosystem::AmazonLinux, version_id.map(str::to_string)),
            "sles" | "sles_sap" | "sle-micro" | "sle_hpc" => (
                Ecosystem::Suse,
                pretty_name.map(|p| p.strip_prefix("SUSE ").unwrap_or(p).to_string()),
            ),
            id if id.starts_with("opensuse") => (
                Ecosystem::OpenSuse,
                pretty_name.map(|p| p.strip_prefix("openSUSE ").unwrap_or(p).to_string()),
            ),
            _ => return None,
        };
        Some(Distro {
            ecosystem,
            id,
            version_id: version_id.map(str::to_string),
            release,
            pretty_name: pretty_name.map(str::to_string),
        })
    }

    /// `Rocky Linux release 9.3 (Blue Onyx)` and its kin.
    fn from_release_line(text: &str) -> Option<Distro> {
        let line = text.lines().next()?.trim();
        let (name, rest) = line.split_once(" release ")?;
        let version = rest.split_whitespace().next()?;
        let id = [
            ("Red Hat Enterprise Linux", "rhel"),
            ("CentOS", "centos"),
            ("Rocky Linux", "rocky"),
            ("AlmaLinux", "almalinux"),
            ("Amazon Linux", "amzn"),
        ]
        .iter()
        .find(|(prefix, _)| name.starts_with(prefix))?
        .1;
        Distro::from_fields(&fields(&[
            ("ID", id),
            ("VERSION_ID", version),
            ("PRETTY_NAME", line),
        ]))
    }
}

fn fields(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// `KEY=value` lines as os-release(5) defines them: shell-style quoting with `"` or `'`,
/// backslash escapes inside double quotes, `#` comments.
fn parse_os_release(text: &str) -> HashMap<String, String> {
    text.lines()
        .filter_map(|line| {
            let line = line.trim();
            if line.starts_with('#') {
                return None;
            }
            let (key, value) = line.split_once('=')?;
            Some((key.trim().to_string(), unquote(value.trim())))
        })
        .collect()
}

fn unquote(value: &str) -> String {
    if let Some(inner) = value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')) {
        return inner.to_string();
    }
    let Some(inner) = value.strip_prefix('"').and_then(|v| v.strip_suffix('"')) else {
        return value.to_string();
    };
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.extend(chars.next()),
            c => out.push(c),
        }
    }
    out
}

/// `22.04:LTS` for an LTS release (os-release's VERSION says `22.04.3 LTS (Jammy Jellyfish)`).
fn ubuntu_release(version_id: Option<&str>, version: Option<&str>) -> Option<String> {
    let version_id = version_id?;
    let lts = version.is_some_and(|v| v.split_whitespace().any(|word| word == "LTS"));
    Some(if lts {
        format!("{version_id}:LTS")
    } else {
        version_id.to_string()
    })
}

/// `v3.18` from `3.18.4`. Edge (`3.19_alpha20231219`) is no release branch yet.
fn alpine_branch(version_id: &str) -> Option<String> {
    let mut parts = version_id.split('.');
    let (major, minor) = (parts.next()?, parts.next()?);
    let numeric = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    (numeric(major) && numeric(minor)).then(|| format!("v{major}.{minor}"))
}

/// `enterprise_linux:9::baseos` from `CPE_NAME="cpe:/o:redhat:enterprise_linux:9::baseos"`;
/// RHEL 7's `enterprise_linux:7.9:GA:server` becomes `enterprise_linux:7::server`.
fn red_hat_stream(cpe: Option<&str>, major: Option<String>) -> Option<String> {
    let major = major?;
    let parts: Vec<&str> = cpe
        .and_then(|c| c.strip_prefix("cpe:/o:redhat:"))
        .map(|c| c.split(':').collect())
        .unwrap_or_default();
    let product = parts.first().copied().unwrap_or("enterprise_linux");
    let edition = parts.get(3).copied().unwrap_or("baseos");
    Some(format!("{product}:{major}::{edition}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::fixture;
    use scangate_fsview::{DirView, SkipRules};

    #[test]
    fn os_release_of_each_distribution() {
        let cases = [
            ("debian-12", Ecosystem::Debian, Some("12"), "Debian:12"),
            ("debian-11", Ecosystem::Debian, Some("11"), "Debian:11"),
            (
                "distroless-debian-12",
                Ecosystem::Debian,
                Some("12"),
                "Debian:12",
            ),
            (
                "ubuntu-22.04",
                Ecosystem::Ubuntu,
                Some("22.04:LTS"),
                "Ubuntu:22.04:LTS",
            ),
            (
                "ubuntu-23.10",
                Ecosystem::Ubuntu,
                Some("23.10"),
                "Ubuntu:23.10",
            ),
            (
                "alpine-3.18.4",
                Ecosystem::Alpine,
                Some("v3.18"),
                "Alpine:v3.18",
            ),
            ("alpine-edge", Ecosystem::Alpine, None, "Alpine"),
            ("wolfi", Ecosystem::Wolfi, None, "Wolfi"),
            ("chainguard", Ecosystem::Chainguard, None, "Chainguard"),
            (
                "rhel-9.3",
                Ecosystem::RedHat,
                Some("enterprise_linux:9::baseos"),
                "Red Hat:enterprise_linux:9::baseos",
            ),
            (
                "rhel-7.9",
                Ecosystem::RedHat,
                Some("enterprise_linux:7::server"),
                "Red Hat:enterprise_linux:7::server",
            ),
            ("rocky-9.3", Ecosystem::Rocky, Some("9"), "Rocky Linux:9"),
            ("almalinux-9.3", Ecosystem::Alma, Some("9"), "AlmaLinux:9"),
            ("centos-7", Ecosystem::CentOS, Some("7"), "CentOS:7"),
            (
                "amzn-2023",
                Ecosystem::AmazonLinux,
                Some("2023"),
                "Amazon Linux:2023",
            ),
            (
                "amzn-2",
                Ecosystem::AmazonLinux,
                Some("2"),
                "Amazon Linux:2",
            ),
            (
                "sles-15-sp5",
                Ecosystem::Suse,
                Some("Linux Enterprise Server 15 SP5"),
                "SUSE:Linux Enterprise Server 15 SP5",
            ),
            (
                "opensuse-leap-15.5",
                Ecosystem::OpenSuse,
                Some("Leap 15.5"),
                "openSUSE:Leap 15.5",
            ),
            (
                "opensuse-tumbleweed",
                Ecosystem::OpenSuse,
                Some("Tumbleweed"),
                "openSUSE:Tumbleweed",
            ),
        ];
        for (file, ecosystem, release, osv) in cases {
            let text = std::fs::read_to_string(fixture(&format!("os/os-release/{file}"))).unwrap();
            let distro = Distro::from_os_release(&text).unwrap_or_else(|| panic!("{file}"));
            assert_eq!(distro.ecosystem, ecosystem, "{file}");
            assert_eq!(distro.release.as_deref(), release, "{file}");
            let package = distro.package("zlib", "1", None, Location::new("x", None));
            assert_eq!(package.osv_ecosystem(), osv, "{file}");
        }
    }

    #[test]
    fn distroless_keeps_its_pretty_name() {
        let text = std::fs::read_to_string(fixture("os/os-release/distroless-debian-12")).unwrap();
        let distro = Distro::from_os_release(&text).unwrap();
        assert_eq!(distro.pretty_name.as_deref(), Some("Distroless"));
        assert_eq!(distro.id, "debian");
    }

    #[test]
    fn unknown_distributions_are_not_guessed() {
        let mint =
            "NAME=\"Linux Mint\"\nID=linuxmint\nID_LIKE=\"ubuntu debian\"\nVERSION_ID=\"21.2\"\n";
        assert_eq!(Distro::from_os_release(mint), None);
        assert_eq!(Distro::from_os_release(""), None);
    }

    #[test]
    fn purls_carry_arch_epoch_and_distro() {
        let distro = |file: &str| {
            let text = std::fs::read_to_string(fixture(&format!("os/os-release/{file}"))).unwrap();
            Distro::from_os_release(&text).unwrap()
        };
        let at = || Location::new("var/lib/dpkg/status", Some(1));
        let libc = distro("debian-12").package("libc6", "2.36-9+deb12u4", Some("amd64"), at());
        assert_eq!(
            libc.purl,
            "pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12"
        );
        assert_eq!(libc.version.as_deref(), Some("2.36-9+deb12u4"));
        assert_eq!(libc.release.as_deref(), Some("12"));
        let musl = distro("alpine-3.18.4").package("musl", "1.2.4-r2", Some("x86_64"), at());
        assert_eq!(
            musl.purl,
            "pkg:apk/alpine/musl@1.2.4-r2?arch=x86_64&distro=alpine-3.18.4"
        );
        // The rpm epoch moves to its qualifier; the package's version keeps it for comparisons.
        let openssl =
            distro("rocky-9.3").package("openssl", "1:3.0.7-24.el9", Some("x86_64"), at());
        assert_eq!(
            openssl.purl,
            "pkg:rpm/rocky/openssl@3.0.7-24.el9?arch=x86_64&distro=rocky-9.3&epoch=1"
        );
        assert_eq!(openssl.version.as_deref(), Some("1:3.0.7-24.el9"));
        // A deb epoch stays in the version.
        let unknown =
            Distro::unknown(Ecosystem::Debian).package("perl-base", "5.36.0-7", None, at());
        assert_eq!(unknown.purl, "pkg:deb/debian/perl-base@5.36.0-7");
        assert_eq!(unknown.osv_ecosystem(), "Debian");
        let epoch = distro("debian-12").package("adduser", "1:3.134", Some("all"), at());
        assert_eq!(
            epoch.purl,
            "pkg:deb/debian/adduser@1:3.134?arch=all&distro=debian-12"
        );
    }

    fn detect(files: &[(&str, &str)]) -> Option<Distro> {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in files {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        let view = DirView::new(dir.path(), 1 << 20, SkipRules::default()).unwrap();
        Distro::detect_in(&Context { view: &view }, "")
    }

    #[test]
    fn detection_reads_os_release_then_older_release_files() {
        let found = |files: &[(&str, &str)]| {
            detect(files).map(|d| (d.ecosystem, d.id, d.version_id, d.release))
        };
        let s = |v: &str| Some(v.to_string());
        assert_eq!(
            found(&[("usr/lib/os-release", "ID=debian\nVERSION_ID=\"12\"\n")]),
            Some((Ecosystem::Debian, "debian".into(), s("12"), s("12")))
        );
        assert_eq!(
            found(&[
                ("etc/os-release", "ID=alpine\nVERSION_ID=3.11.13\n"),
                ("usr/lib/os-release", "ID=debian\nVERSION_ID=\"12\"\n"),
            ]),
            Some((Ecosystem::Alpine, "alpine".into(), s("3.11.13"), s("v3.11")))
        );
        assert_eq!(
            found(&[("etc/alpine-release", "3.11.13\n")]),
            Some((Ecosystem::Alpine, "alpine".into(), s("3.11.13"), s("v3.11")))
        );
        assert_eq!(
            found(&[("etc/debian_version", "11.8\n")]),
            Some((Ecosystem::Debian, "debian".into(), s("11"), s("11")))
        );
        assert_eq!(
            found(&[("etc/debian_version", "trixie/sid\n")]),
            Some((Ecosystem::Debian, "debian".into(), None, None))
        );
        assert_eq!(
            found(&[(
                "etc/redhat-release",
                "CentOS Linux release 7.9.2009 (Core)\n"
            )]),
            Some((Ecosystem::CentOS, "centos".into(), s("7.9.2009"), s("7")))
        );
        assert_eq!(
            found(&[("etc/system-release", "Amazon Linux release 2 (Karoo)\n")]),
            Some((Ecosystem::AmazonLinux, "amzn".into(), s("2"), s("2")))
        );
        assert_eq!(found(&[("etc/hostname", "box\n")]), None);
    }
}
