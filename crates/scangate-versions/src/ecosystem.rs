//! OSV ecosystem names to schemes, after the OSV schema's ecosystem list.

use crate::Scheme;

/// OSV ecosystem strings are `Name` or `Name:suffix` (a release such as `Debian:12`, a product
/// such as `Red Hat:rhel_aus:8.4::appstream`, or a repository URL for Maven and Packagist); the
/// name alone decides the ordering.
pub(crate) fn scheme_for(osv_ecosystem: &str) -> Option<Scheme> {
    let (name, suffix) = match osv_ecosystem.split_once(':') {
        Some((name, suffix)) => (name, Some(suffix)),
        None => (osv_ecosystem, None),
    };
    match name {
        "npm" => Some(Scheme::Npm),
        "PyPI" => Some(Scheme::Pep440),
        "Maven" => Some(Scheme::Maven),
        "Go" => Some(Scheme::Go),
        "NuGet" => Some(Scheme::NuGet),
        "RubyGems" => Some(Scheme::RubyGems),
        "Packagist" => Some(Scheme::Composer),
        "crates.io" => Some(Scheme::SemVer),
        "Debian" | "Ubuntu" => Some(Scheme::Dpkg),
        "AlmaLinux" | "Azure Linux" | "Mageia" | "openEuler" | "openSUSE" | "Photon OS"
        | "Red Hat" | "Rocky Linux" | "SUSE" => Some(Scheme::Rpm),
        "Alpaquita"
        | "Alpine"
        | "BellSoft Hardened Containers"
        | "Chainguard"
        | "MinimOS"
        | "Wolfi" => Some(Scheme::Apk),
        // Root republishes other ecosystems' packages: `Root:Alpine:3.18`, `Root:PyPI`.
        "Root" => suffix.and_then(inner_ecosystem),
        // Echo is Debian-based; `Echo:PyPI` and `Echo:Maven` carry those ecosystems' packages.
        // (`Echo:npm` adds a build-number tie-break this crate does not model.)
        "Echo" => match suffix {
            None => Some(Scheme::Dpkg),
            Some(inner @ ("PyPI" | "Maven")) => inner_ecosystem(inner),
            Some(_) => None,
        },
        _ => None,
    }
}

/// The ecosystem named inside a wrapper such as `Root:`, which may not wrap itself.
fn inner_ecosystem(inner: &str) -> Option<Scheme> {
    match inner.split(':').next() {
        Some("Root" | "Echo") => None,
        _ => scheme_for(inner),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_osv_names_with_and_without_suffixes() {
        let cases = [
            ("npm", Some(Scheme::Npm)),
            ("PyPI", Some(Scheme::Pep440)),
            ("Maven", Some(Scheme::Maven)),
            ("Maven:https://maven.example.invalid", Some(Scheme::Maven)),
            ("Go", Some(Scheme::Go)),
            ("NuGet", Some(Scheme::NuGet)),
            ("RubyGems", Some(Scheme::RubyGems)),
            ("Packagist", Some(Scheme::Composer)),
            ("crates.io", Some(Scheme::SemVer)),
            ("Debian", Some(Scheme::Dpkg)),
            ("Debian:12", Some(Scheme::Dpkg)),
            ("Ubuntu:22.04:LTS", Some(Scheme::Dpkg)),
            ("Ubuntu:Pro:18.04:LTS", Some(Scheme::Dpkg)),
            ("Alpine:v3.20", Some(Scheme::Apk)),
            ("Wolfi", Some(Scheme::Apk)),
            ("Chainguard", Some(Scheme::Apk)),
            ("Rocky Linux:9", Some(Scheme::Rpm)),
            ("AlmaLinux:9", Some(Scheme::Rpm)),
            ("Red Hat:rhel_aus:8.4::appstream", Some(Scheme::Rpm)),
            ("SUSE:Linux Enterprise Server 15 SP5", Some(Scheme::Rpm)),
            ("openSUSE:Leap 15.5", Some(Scheme::Rpm)),
            ("Root:Alpine:3.18", Some(Scheme::Apk)),
            ("Root:PyPI", Some(Scheme::Pep440)),
            ("Root:Root:PyPI", None),
            ("Root", None),
            ("Echo", Some(Scheme::Dpkg)),
            ("Echo:PyPI", Some(Scheme::Pep440)),
            ("Echo:npm", None),
            ("pypi", None),
            ("Hackage", None),
            ("", None),
        ];
        for (name, scheme) in cases {
            assert_eq!(Scheme::for_ecosystem(name), scheme, "{name}");
        }
    }
}
