//! Judging a policy against a scan: the ignores first, then every rule on what is left.

use crate::ignore::has_id;
use crate::licence::Licences;
use crate::{Check, Date, Policy, Rule};
use scangate_types::{
    Action, ExpiredIgnore, Finding, Ignored, Package, PolicyOutcome, Severity, Verdict, Violation,
};
use std::cmp::Reverse;
use std::collections::BTreeSet;

/// What the gate made of a scan.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    /// The findings no ignore set aside, in their order: what reports show and rules judged.
    pub findings: Vec<Finding>,
    pub outcome: PolicyOutcome,
}

impl Policy {
    /// Sets aside the findings an unexpired ignore matches, checks every rule against the rest
    /// and the packages, and gives the verdict.
    pub fn evaluate(
        &self,
        findings: Vec<Finding>,
        packages: &[Package],
        today: Date,
    ) -> Evaluation {
        let (kept, ignored) = self.set_aside(findings, today);
        let mut violations: Vec<Violation> = self
            .rules
            .iter()
            .flat_map(|rule| rule.violations(&kept, packages, today))
            .collect();
        // Deny rules first; within an action, in the policy's order.
        violations.sort_by_key(|violation| Reverse(violation.action));
        let verdict = match violations.first().map(|violation| violation.action) {
            Some(Action::Deny) => Verdict::Deny,
            Some(Action::Audit) => Verdict::Audit,
            None => Verdict::Allow,
        };
        let expired_ignores = self
            .ignores
            .iter()
            .filter(|entry| entry.expired(today))
            .map(|entry| ExpiredIgnore {
                target: entry.target(),
                reason: entry.reason.clone(),
                expired: entry.expires.map(|day| day.to_string()).unwrap_or_default(),
            })
            .collect();
        Evaluation {
            findings: kept,
            outcome: PolicyOutcome {
                verdict,
                violations,
                ignored,
                expired_ignores,
            },
        }
    }

    /// Splits the findings into those kept and those an unexpired ignore sets aside; the first
    /// entry that matches gives the reason.
    fn set_aside(&self, findings: Vec<Finding>, today: Date) -> (Vec<Finding>, Vec<Ignored>) {
        let active: Vec<_> = self
            .ignores
            .iter()
            .filter(|entry| !entry.expired(today))
            .collect();
        let mut kept = Vec::with_capacity(findings.len());
        let mut ignored = Vec::new();
        for finding in findings {
            match active.iter().find(|entry| entry.matches(&finding)) {
                Some(entry) => ignored.push(Ignored {
                    finding: finding.key(),
                    reason: entry.reason.clone(),
                    expires: entry.expires.map(|day| day.to_string()),
                }),
                None => kept.push(finding),
            }
        }
        (kept, ignored)
    }
}

impl Rule {
    fn violations(
        &self,
        findings: &[Finding],
        packages: &[Package],
        today: Date,
    ) -> Vec<Violation> {
        match &self.check {
            Check::MaxFindings(limits) => self.over_limits(limits, findings),
            Check::Licences(list) => {
                let refused: Vec<&Package> = packages
                    .iter()
                    .filter(|p| list.accepts(&Licences::of(p)) == Some(false))
                    .collect();
                let seen = distinct(refused.iter().map(|p| p.licenses.join(" | ")));
                self.on_packages(&refused, |n| {
                    format!(
                        "{} with a licence the rule does not accept: {seen}",
                        count(n, "package")
                    )
                })
            }
            Check::UnknownLicences => {
                let unknown: Vec<(&Package, Licences)> = packages
                    .iter()
                    .map(|p| (p, Licences::of(p)))
                    .filter(|(_, licences)| licences.spdx.is_empty())
                    .collect();
                let other = distinct(unknown.iter().flat_map(|(_, l)| l.other.iter().copied()));
                let unknown: Vec<&Package> = unknown.into_iter().map(|(p, _)| p).collect();
                self.on_packages(&unknown, |n| {
                    let mut message = format!("{} without an SPDX licence", count(n, "package"));
                    if !other.is_empty() {
                        message.push_str(&format!(" (not SPDX: {other})"));
                    }
                    message
                })
            }
            check => {
                let hits: Vec<&Finding> = findings
                    .iter()
                    .filter(|finding| check.flags(finding, today))
                    .collect();
                self.if_any(&hits, |n| check.describe(n))
            }
        }
    }

    /// One violation per severity over its limit.
    fn over_limits(&self, limits: &[(Severity, u64)], findings: &[Finding]) -> Vec<Violation> {
        limits
            .iter()
            .filter_map(|&(severity, max)| {
                let hits: Vec<&Finding> =
                    findings.iter().filter(|f| f.severity == severity).collect();
                (hits.len() as u64 > max).then(|| {
                    let what = format!("{} finding", severity.as_str());
                    let message = format!("{}, at most {max} allowed", count(hits.len(), &what));
                    self.on_findings(message, &hits)
                })
            })
            .collect()
    }

    fn violation(&self, message: String) -> Violation {
        Violation {
            rule: self.name.clone(),
            action: self.action,
            message,
            findings: Vec::new(),
            packages: Vec::new(),
        }
    }

    fn on_findings(&self, message: String, hits: &[&Finding]) -> Violation {
        Violation {
            findings: hits.iter().map(|f| f.key()).collect(),
            ..self.violation(message)
        }
    }

    /// One violation naming the findings, with their distinct ids after the message; none
    /// when nothing matched.
    fn if_any(&self, hits: &[&Finding], message: impl FnOnce(usize) -> String) -> Vec<Violation> {
        if hits.is_empty() {
            return Vec::new();
        }
        let ids = distinct(hits.iter().map(|f| f.id.as_str()));
        vec![self.on_findings(format!("{}: {ids}", message(hits.len())), hits)]
    }

    fn on_packages(
        &self,
        hits: &[&Package],
        message: impl FnOnce(usize) -> String,
    ) -> Vec<Violation> {
        if hits.is_empty() {
            return Vec::new();
        }
        let packages = hits
            .iter()
            .map(|p| {
                let path = p.locations.first().map_or("", |l| l.path.as_str());
                format!("{}#{path}", p.purl)
            })
            .collect();
        vec![Violation {
            packages,
            ..self.violation(message(hits.len()))
        }]
    }
}

/// Whole days since the finding's advisories were first published; `None` when no date is given.
fn days_public(finding: &Finding, today: Date) -> Option<i64> {
    let published: Date = finding.published.as_deref()?.get(..10)?.parse().ok()?;
    let span = today.since(published).ok()?;
    Some(i64::from(span.get_days()))
}

/// How many of a thing: `1 finding`, `2 findings`, `3 CRITICAL findings`.
fn count(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

/// Up to five distinct values in first-seen order, then how many more.
fn distinct(values: impl Iterator<Item = impl Into<String>>) -> String {
    const SHOWN: usize = 5;
    let mut seen = BTreeSet::new();
    let mut order: Vec<String> = Vec::new();
    for value in values {
        let value = value.into();
        if seen.insert(value.clone()) {
            order.push(value);
        }
    }
    let mut text = order
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if order.len() > SHOWN {
        text.push_str(&format!(" and {} more", order.len() - SHOWN));
    }
    text
}

impl Check {
    /// Whether a check that judges findings one by one flags this one.
    fn flags(&self, finding: &Finding, today: Date) -> bool {
        match self {
            Check::Blocked(ids) => ids.iter().any(|id| has_id(finding, id)),
            Check::Age {
                max_days,
                fixable_only,
            } => {
                days_public(finding, today).is_some_and(|days| days > i64::from(*max_days))
                    && (!fixable_only || !finding.fixed_versions.is_empty())
            }
            Check::Kev => finding.kev.is_some(),
            Check::Epss { score, percentile } => finding.epss.as_ref().is_some_and(|epss| {
                score.is_some_and(|limit| epss.score > limit)
                    || percentile.is_some_and(|limit| epss.percentile > limit)
            }),
            // Judged as a whole in `Rule::violations`.
            Check::MaxFindings(_) | Check::Licences(_) | Check::UnknownLicences => false,
        }
    }

    /// What `n` flagged findings break, in words.
    fn describe(&self, n: usize) -> String {
        let findings = count(n, "finding");
        match self {
            Check::Blocked(_) => format!("{findings} of blocked vulnerabilities"),
            Check::Age {
                max_days,
                fixable_only,
            } => {
                let fix = if *fixable_only {
                    " with a fix available"
                } else {
                    ""
                };
                format!("{findings} public for more than {max_days} days{fix}")
            }
            Check::Kev => format!("{findings} known to be exploited (CISA KEV)"),
            Check::Epss { score, percentile } => {
                let limits = [("score", *score), ("percentile", *percentile)]
                    .into_iter()
                    .filter_map(|(what, limit)| Some(format!("{what} above {}", limit?)))
                    .collect::<Vec<_>>()
                    .join(" or ");
                format!("{findings} with an EPSS {limits}")
            }
            // Described in `Rule::violations`.
            Check::MaxFindings(_) | Check::Licences(_) | Check::UnknownLicences => findings,
        }
    }
}
