use crate::Location;
use serde::{Deserialize, Serialize};

/// One vulnerability affecting one package declared at one place.
///
/// Advisories that name each other (a PYSEC id, its GHSA twin, their CVE) are one finding listing
/// every id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// The id users know best: a CVE where one exists, else the first advisory's id.
    pub id: String,
    /// Every other id of the same vulnerability, sorted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// The advisory records this finding was built from.
    pub advisories: Vec<String>,
    pub package: FindingPackage,
    /// Versions that fix it, the nearest one above the installed version first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fixed_versions: Vec<String>,
    pub severity: Severity,
    /// Every score an advisory gave, with where it came from.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scores: Vec<Score>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kev: Option<Kev>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub epss: Option<Epss>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modified: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<String>,
    /// How the package is pulled in when it is not a direct dependency: for each direct dependency
    /// that leads to it, the shortest chain of purls from that dependency down to the package's
    /// immediate parent (see [`crate::DependencyGraph`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dependency_paths: Vec<Vec<String>>,
}

impl Finding {
    /// A key stable across runs: the same vulnerability in the same package at the same file.
    pub fn key(&self) -> String {
        let path = self
            .package
            .locations
            .first()
            .map_or("", |l| l.path.as_str());
        format!("{}@{}#{path}", self.id, self.package.purl)
    }
}

/// The affected package, as the inventory lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FindingPackage {
    pub ecosystem: String,
    pub name: String,
    pub version: String,
    pub purl: String,
    pub locations: Vec<Location>,
}

/// The CVSS qualitative rating bands (None 0.0 counts as Low here; no score is Unknown).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Severity {
    Unknown,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    /// The CVSS v3/v4 band of a base score.
    pub fn from_score(score: f64) -> Severity {
        match score {
            s if s >= 9.0 => Severity::Critical,
            s if s >= 7.0 => Severity::High,
            s if s >= 4.0 => Severity::Medium,
            _ => Severity::Low,
        }
    }

    /// The band of a CVSS base score of `kind` (`CVSS_V2`, `CVSS_V3`, `CVSS_V4`): CVSS v2 has no
    /// CRITICAL band (7.0 and up is HIGH); v3 and v4 share theirs.
    pub fn from_cvss(kind: &str, score: f64) -> Severity {
        match Severity::from_score(score) {
            Severity::Critical if kind == "CVSS_V2" => Severity::High,
            band => band,
        }
    }

    /// An advisory's own label (`HIGH`, `moderate`, `Important`, ...).
    pub fn from_label(label: &str) -> Option<Severity> {
        match label.trim().to_ascii_lowercase().as_str() {
            "critical" => Some(Severity::Critical),
            "high" | "important" => Some(Severity::High),
            "medium" | "moderate" => Some(Severity::Medium),
            "low" | "negligible" | "none" => Some(Severity::Low),
            _ => None,
        }
    }

    /// As CycloneDX and SARIF spell it.
    pub fn as_str_lower(self) -> &'static str {
        match self {
            Severity::Unknown => "unknown",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Unknown => "UNKNOWN",
            Severity::Low => "LOW",
            Severity::Medium => "MEDIUM",
            Severity::High => "HIGH",
            Severity::Critical => "CRITICAL",
        }
    }
}

/// One severity statement of one advisory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Score {
    /// The advisory id that gave it.
    pub source: String,
    /// `CVSS_V2`, `CVSS_V3`, `CVSS_V4`, or `label` for a plain severity word.
    pub kind: String,
    /// The vector or label as written.
    pub value: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_score: Option<f64>,
}

/// A listing in CISA's Known Exploited Vulnerabilities catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Kev {
    pub cve: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_added: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_date: Option<String>,
    pub known_ransomware_use: bool,
}

/// FIRST's Exploit Prediction Scoring System figures for the finding's CVE.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Epss {
    pub cve: String,
    pub score: f64,
    pub percentile: f64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_fall_in_the_cvss_bands() {
        let bands = [
            (9.8, "CRITICAL"),
            (9.0, "CRITICAL"),
            (8.9, "HIGH"),
            (7.0, "HIGH"),
            (6.9, "MEDIUM"),
            (4.0, "MEDIUM"),
            (3.9, "LOW"),
            (0.0, "LOW"),
        ];
        for (score, band) in bands {
            assert_eq!(Severity::from_score(score).as_str(), band, "{score}");
        }
        assert_eq!(Severity::from_label("Moderate"), Some(Severity::Medium));
        assert_eq!(Severity::from_label("Important"), Some(Severity::High));
        assert_eq!(Severity::from_label("whatever"), None);
    }
}
