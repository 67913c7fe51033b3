use serde::{Deserialize, Serialize};
use std::fmt;

/// What the gate decided, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PolicyOutcome {
    pub verdict: Verdict,
    /// Every rule the scan broke, deny rules first.
    pub violations: Vec<Violation>,
    /// Findings an ignore entry set aside, with the entry's reason; listed in every report.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ignored: Vec<Ignored>,
    /// Ignore entries past their expiry date: they no longer apply, and reports say so.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub expired_ignores: Vec<ExpiredIgnore>,
}

/// ALLOW: go on. AUDIT: a soft violation (warn; fail only with `--fail-on-audit`). DENY: stop the build.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Verdict {
    Allow,
    Audit,
    Deny,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Allow => "ALLOW",
            Verdict::Audit => "AUDIT",
            Verdict::Deny => "DENY",
        }
    }
}

/// A rule's action when it is broken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    Audit,
    Deny,
}

/// One broken rule and what broke it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Violation {
    /// The rule's name as the policy file gives it (or the CLI flag that made it).
    pub rule: String,
    pub action: Action,
    /// One line a person reads: what the rule asks and what the scan has.
    pub message: String,
    /// The findings behind it, as `id@purl#path` (see [`crate::Finding::key`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<String>,
    /// Packages behind it (licence rules), as `purl#path`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub packages: Vec<String>,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Audit => "audit",
            Action::Deny => "deny",
        }
    }
}

/// The line reports and the CLI show: `known-exploited (deny): 1 finding known to be exploited`.
impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} ({}): {}",
            self.rule,
            self.action.as_str(),
            self.message
        )
    }
}

/// A finding set aside by an ignore entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ignored {
    pub finding: String,
    pub reason: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
}

/// An ignore entry whose expiry date has passed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpiredIgnore {
    /// What the entry named (an id, package, purl or path).
    pub target: String,
    pub reason: String,
    pub expired: String,
}
