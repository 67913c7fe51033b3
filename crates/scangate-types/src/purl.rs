use crate::Ecosystem;
use packageurl::PackageUrl;

/// The canonical package-url of `name@version` in `ecosystem`, following each purl type's rules
/// for namespaces and name normalisation.
pub fn purl_for(ecosystem: Ecosystem, name: &str, version: Option<&str>) -> String {
    let (namespace, short_name) = split_name(ecosystem, name);
    let short_name = match ecosystem {
        // PEP 503 normalisation, as the pypi purl type requires.
        Ecosystem::PyPI => pep503_name(&short_name),
        Ecosystem::Packagist => short_name.to_lowercase(),
        _ => short_name,
    };
    let built = PackageUrl::new(ecosystem.purl_type(), short_name.as_str()).and_then(|mut purl| {
        if let Some(namespace) = namespace.as_deref() {
            purl.with_namespace(namespace)?;
        }
        if let Some(version) = version {
            purl.with_version(version)?;
        }
        Ok(purl.to_string())
    });
    // The crate rejects empty names and namespaces; a plain rendering beats losing the package.
    built.unwrap_or_else(|_| match version {
        Some(version) => format!("pkg:{}/{name}@{version}", ecosystem.purl_type()),
        None => format!("pkg:{}/{name}", ecosystem.purl_type()),
    })
}

fn split_name(ecosystem: Ecosystem, name: &str) -> (Option<String>, String) {
    let split_at = |sep: char| match name.rsplit_once(sep) {
        Some((namespace, short)) if !namespace.is_empty() && !short.is_empty() => {
            (Some(namespace.to_string()), short.to_string())
        }
        _ => (None, name.to_string()),
    };
    match ecosystem {
        Ecosystem::Npm if name.starts_with('@') => split_at('/'),
        Ecosystem::Maven => split_at(':'),
        Ecosystem::Go => split_at('/'),
        Ecosystem::Packagist => {
            let (namespace, short) = split_at('/');
            (namespace.map(|n| n.to_lowercase()), short)
        }
        _ => (
            ecosystem.distro_namespace().map(str::to_string),
            name.to_string(),
        ),
    }
}

/// A Python package name in PEP 503 normal form: lowercase, each run of `-`, `_` and `.` one `-`
/// (`Zope.Interface` and `zope_interface` are the same project).
pub fn pep503_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut in_separator_run = false;
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            if !in_separator_run {
                out.push('-');
            }
            in_separator_run = true;
        } else {
            out.extend(c.to_lowercase());
            in_separator_run = false;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purls_follow_each_type_rules() {
        let cases = [
            (
                Ecosystem::Npm,
                "lodash",
                Some("4.17.21"),
                "pkg:npm/lodash@4.17.21",
            ),
            (
                Ecosystem::Npm,
                "@babel/core",
                Some("7.24.0"),
                "pkg:npm/%40babel/core@7.24.0",
            ),
            (
                Ecosystem::PyPI,
                "Django_Rest.framework",
                Some("3.15.1"),
                "pkg:pypi/django-rest-framework@3.15.1",
            ),
            (
                Ecosystem::Maven,
                "org.apache.logging.log4j:log4j-core",
                Some("2.14.1"),
                "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1",
            ),
            (
                Ecosystem::Go,
                "github.com/gin-gonic/gin",
                Some("v1.9.1"),
                "pkg:golang/github.com/gin-gonic/gin@v1.9.1",
            ),
            (
                Ecosystem::NuGet,
                "Newtonsoft.Json",
                Some("12.0.1"),
                "pkg:nuget/Newtonsoft.Json@12.0.1",
            ),
            (
                Ecosystem::Cargo,
                "smallvec",
                Some("1.6.0"),
                "pkg:cargo/smallvec@1.6.0",
            ),
            (
                Ecosystem::RubyGems,
                "nokogiri",
                Some("1.13.0"),
                "pkg:gem/nokogiri@1.13.0",
            ),
            (
                Ecosystem::Packagist,
                "Guzzlehttp/Guzzle",
                Some("7.4.0"),
                "pkg:composer/guzzlehttp/guzzle@7.4.0",
            ),
            (Ecosystem::Npm, "left-pad", None, "pkg:npm/left-pad"),
        ];
        for (ecosystem, name, version, expected) in cases {
            assert_eq!(
                purl_for(ecosystem, name, version),
                expected,
                "{ecosystem} {name}"
            );
        }
    }
}
