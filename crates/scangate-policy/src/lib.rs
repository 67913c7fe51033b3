//! The build gate: a policy's rules and ignores, judged against a scan's findings and packages.
//!
//! A [`Policy`] comes from a YAML file ([`Policy::load`], schema in `docs/policy.md`) or is built
//! in code (the CLI's `--max-critical` and friends add [`Rule`]s). [`Policy::evaluate`] sets the
//! ignored findings aside, checks every rule against the rest and gives a [`PolicyOutcome`]:
//! DENY when a deny rule is broken, else AUDIT when an audit rule is, else ALLOW. The day is a
//! parameter, so ignore expiry and vulnerability age are testable at any date.

mod evaluate;
mod file;
mod ignore;
mod licence;

pub use evaluate::Evaluation;
pub use file::PolicyError;
pub use ignore::{Ignore, PathGlob, PurlPattern};
pub use jiff::civil::Date;
pub use licence::LicenceList;

use scangate_types::{Action, Severity};

/// The rules a scan must pass and the findings it may set aside.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    pub rules: Vec<Rule>,
    pub ignores: Vec<Ignore>,
}

/// One named check and what breaking it does.
#[derive(Debug, Clone)]
pub struct Rule {
    pub name: String,
    pub action: Action,
    pub check: Check,
}

/// What a rule checks.
#[derive(Debug, Clone)]
pub enum Check {
    /// At most this many findings of each listed severity (a severity not listed is unlimited).
    MaxFindings(Vec<(Severity, u64)>),
    /// None of these vulnerabilities, by id or alias.
    Blocked(Vec<String>),
    /// No vulnerability public for more than `max_days` days; with `fixable_only`, only those
    /// a fixed version exists for.
    Age { max_days: u32, fixable_only: bool },
    /// Every package's licence acceptable to the list.
    Licences(LicenceList),
    /// Every package has an SPDX licence.
    UnknownLicences,
    /// No finding in CISA's Known Exploited Vulnerabilities catalogue.
    Kev,
    /// No finding whose EPSS score or percentile is above these.
    Epss {
        score: Option<f64>,
        percentile: Option<f64>,
    },
}

impl Check {
    /// Whether the rule judges findings, and so needs the advisory database.
    pub fn needs_findings(&self) -> bool {
        !matches!(self, Check::Licences(_) | Check::UnknownLicences)
    }
}

/// Today's date in UTC: the day ignore expiry and vulnerability age are judged on.
pub fn today() -> Date {
    jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date()
}
