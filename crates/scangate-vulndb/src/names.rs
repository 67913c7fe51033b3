//! Package names as the database stores and looks them up.

use std::borrow::Cow;

/// The form of a package name under which the database stores and looks it up, so that the
/// spellings an ecosystem treats as one package meet.
///
/// `ecosystem` is the OSV ecosystem string; a release suffix (`Debian:11`) is ignored here.
/// - `PyPI`: PEP 503, lowercase with each run of `-`, `_` and `.` turned into one `-`
///   (`Zope.Interface` and `zope_interface` are both `zope-interface`).
/// - `NuGet` and `Packagist`: lowercase (both registries compare names case-insensitively).
/// - Every other ecosystem: as written (Go module paths, Maven coordinates, npm names and
///   distribution packages are case-sensitive or already canonical).
pub fn normalize_name<'a>(ecosystem: &str, name: &'a str) -> Cow<'a, str> {
    let base = ecosystem
        .split_once(':')
        .map_or(ecosystem, |(base, _)| base);
    match base {
        "PyPI" => Cow::Owned(scangate_types::pep503_name(name)),
        "NuGet" | "Packagist" if name.bytes().any(|b| b.is_ascii_uppercase()) => {
            Cow::Owned(name.to_ascii_lowercase())
        }
        _ => Cow::Borrowed(name),
    }
}

#[cfg(test)]
mod tests {
    use super::normalize_name;

    #[test]
    fn pypi_names_follow_pep_503() {
        for (name, want) in [
            ("Django", "django"),
            ("zope.interface", "zope-interface"),
            ("Zope_Interface", "zope-interface"),
            ("friendly-bard", "friendly-bard"),
            ("Friendly__._-Bard", "friendly-bard"),
            ("a.b-", "a-b-"),
        ] {
            assert_eq!(normalize_name("PyPI", name), want, "{name}");
        }
    }

    #[test]
    fn nuget_and_packagist_names_are_lowercased() {
        assert_eq!(
            normalize_name("NuGet", "Newtonsoft.Json"),
            "newtonsoft.json"
        );
        assert_eq!(
            normalize_name("Packagist", "Symfony/Http-Kernel"),
            "symfony/http-kernel"
        );
    }

    #[test]
    fn other_ecosystems_keep_the_name_as_written() {
        assert_eq!(
            normalize_name("Go", "example.invalid/Some_Org/Mod.v2"),
            "example.invalid/Some_Org/Mod.v2"
        );
        assert_eq!(normalize_name("crates.io", "Inflector"), "Inflector");
        assert_eq!(normalize_name("Debian:11", "Linux_Kernel"), "Linux_Kernel");
        assert_eq!(normalize_name("Alpine:v3.11", "py3-Pip"), "py3-Pip");
        assert_eq!(
            normalize_name("Maven", "org.Example:Lib_X"),
            "org.Example:Lib_X"
        );
    }
}
