//! Ignore entries: which findings they set aside, and until when.

use crate::Date;
use globset::{GlobBuilder, GlobMatcher};
use packageurl::PackageUrl;
use scangate_types::Finding;
use std::str::FromStr;

/// Sets aside the findings that match every selector it gives (at least one).
#[derive(Debug, Clone)]
pub struct Ignore {
    /// A vulnerability id, compared with the finding's id and aliases.
    pub id: Option<String>,
    /// A package name as the ecosystem spells it.
    pub package: Option<String>,
    pub purl: Option<PurlPattern>,
    /// A glob over the paths that declare the package.
    pub path: Option<PathGlob>,
    pub reason: String,
    /// The last day the entry applies; it stops applying the day after.
    pub expires: Option<Date>,
}

impl Ignore {
    /// Whether the entry no longer applies on `today`.
    pub fn expired(&self, today: Date) -> bool {
        self.expires.is_some_and(|last| today > last)
    }

    pub fn matches(&self, finding: &Finding) -> bool {
        self.id.as_deref().is_none_or(|id| has_id(finding, id))
            && self
                .package
                .as_deref()
                .is_none_or(|name| finding.package.name == name)
            && self
                .purl
                .as_ref()
                .is_none_or(|purl| purl.matches(&finding.package.purl))
            && self.path.as_ref().is_none_or(|glob| {
                finding
                    .package
                    .locations
                    .iter()
                    .any(|location| glob.matches(&location.path))
            })
    }

    /// What the entry names, as reports show it: `id=CVE-2021-44228, path=legacy/**`.
    pub fn target(&self) -> String {
        let selectors = [
            ("id", self.id.as_deref()),
            ("package", self.package.as_deref()),
            ("purl", self.purl.as_ref().map(|p| p.text.as_str())),
            ("path", self.path.as_ref().map(|p| p.text.as_str())),
        ];
        selectors
            .iter()
            .filter_map(|(key, value)| Some(format!("{key}={}", (*value)?)))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Whether `id` names the finding: its own id or an alias (ids are compared without case).
pub fn has_id(finding: &Finding, id: &str) -> bool {
    std::iter::once(&finding.id)
        .chain(&finding.aliases)
        .any(|known| known.eq_ignore_ascii_case(id))
}

/// A package URL to match: type, namespace and name always; the version only when it gives one.
/// Qualifiers and subpath are not compared.
#[derive(Debug, Clone)]
pub struct PurlPattern {
    text: String,
    ty: String,
    namespace: Option<String>,
    name: String,
    version: Option<String>,
}

impl PurlPattern {
    pub fn new(text: &str) -> Result<PurlPattern, String> {
        let purl = PackageUrl::from_str(text)
            .map_err(|err| format!("`{text}` is not a package URL: {err}"))?;
        Ok(PurlPattern {
            text: text.to_string(),
            ty: purl.ty().to_string(),
            namespace: purl.namespace().map(str::to_string),
            name: purl.name().to_string(),
            version: purl.version().map(str::to_string),
        })
    }

    pub fn matches(&self, purl: &str) -> bool {
        let Ok(purl) = PackageUrl::from_str(purl) else {
            return false;
        };
        purl.ty() == self.ty
            && purl.namespace() == self.namespace.as_deref()
            && purl.name() == self.name
            && self
                .version
                .as_deref()
                .is_none_or(|version| purl.version() == Some(version))
    }
}

/// A glob over `/`-separated paths from the scan root: `*` stays within one folder, `**` crosses
/// folders.
#[derive(Debug, Clone)]
pub struct PathGlob {
    text: String,
    matcher: GlobMatcher,
}

impl PathGlob {
    pub fn new(text: &str) -> Result<PathGlob, String> {
        let glob = GlobBuilder::new(text)
            .literal_separator(true)
            .build()
            .map_err(|err| format!("`{text}` is not a path glob: {}", err.kind()))?;
        Ok(PathGlob {
            text: text.to_string(),
            matcher: glob.compile_matcher(),
        })
    }

    pub fn matches(&self, path: &str) -> bool {
        self.matcher.is_match(path)
    }
}
