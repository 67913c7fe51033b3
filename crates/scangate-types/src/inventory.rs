use crate::{Finding, Package, PolicyOutcome};
use serde::{Deserialize, Serialize};

/// Version of the JSON result schema documented in `docs/json-format.md`.
pub const SCHEMA_VERSION: &str = "1";

/// Everything the catalogers found in one target.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inventory {
    /// Sorted by primary location, then name and version.
    pub packages: Vec<Package>,
    /// Every file a cataloger read, with the number of packages it gave.
    pub files: Vec<ScannedFile>,
    /// Files that could not be read or parsed, and other problems worth a user's attention.
    pub issues: Vec<FileIssue>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScannedFile {
    pub path: String,
    pub cataloger: String,
    pub packages: usize,
}

/// A problem with one file. The rest of the scan goes on.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct FileIssue {
    pub path: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    pub level: IssueLevel,
    pub message: String,
}

impl std::fmt::Display for FileIssue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}: {}", self.path, self.message),
            None => write!(f, "{}: {}", self.path, self.message),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum IssueLevel {
    /// The file gave no packages (or only some): it could not be read or parsed.
    Error,
    /// The file was read, but something in it could not be resolved exactly.
    Warning,
}

/// What was scanned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScanTarget {
    /// `filesystem`, later `image` and `rootfs`.
    pub kind: String,
    /// The path or reference the user gave.
    pub name: String,
}

/// The result of one scan, as every report reads it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScanResult {
    pub schema_version: String,
    pub tool: Tool,
    pub target: ScanTarget,
    pub inventory: Inventory,
    /// The advisory database the findings come from; `None` for an inventory-only scan (an SBOM).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub database: Option<DatabaseInfo>,
    /// Vulnerabilities of the inventory's packages, sorted by package location, then severity.
    #[serde(default)]
    pub findings: Vec<Finding>,
    /// The gate's verdict, when a policy or a gating flag was given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<PolicyOutcome>,
}

/// Which advisory database a scan matched against.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DatabaseInfo {
    /// RFC 3339 time the data was built.
    pub built_at: String,
    /// Advisories it holds, withdrawn ones included.
    pub advisories: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

impl ScanResult {
    pub fn new(target: ScanTarget, inventory: Inventory) -> ScanResult {
        ScanResult {
            schema_version: SCHEMA_VERSION.to_string(),
            tool: Tool {
                name: "scangate".to_string(),
                version: env!("CARGO_PKG_VERSION").to_string(),
            },
            target,
            inventory,
            database: None,
            findings: Vec::new(),
            policy: None,
        }
    }
}
