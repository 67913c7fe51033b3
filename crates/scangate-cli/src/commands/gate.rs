//! The build gate of `scangate fs`: the findings it judges (`--severity`, `--ignore-unfixed`),
//! the policy (a file and the `--max-*` flags), the verdict on standard error.

use anyhow::Context as _;
use clap::{Args, ValueEnum};
use scangate_policy::{Check, Date, Policy, Rule};
use scangate_types::{Action, ScanResult, Severity, Verdict};
use std::path::{Path, PathBuf};

/// The file a scan root may hold to give its own policy.
const POLICY_FILE: &str = "scangate.yaml";

#[derive(Debug, Args)]
pub struct GateArgs {
    /// The policy the scan must pass [default: scangate.yaml at the scanned root, when there is
    /// one]. See docs/policy.md.
    #[arg(long, help_heading = "Gate", value_name = "FILE")]
    pub policy: Option<PathBuf>,

    /// Fail when more than N CRITICAL findings remain (-1: no limit).
    #[arg(
        long,
        help_heading = "Gate",
        value_name = "N",
        allow_negative_numbers = true,
        value_parser = limit()
    )]
    pub max_critical: Option<i64>,

    /// Fail when more than N HIGH findings remain (-1: no limit).
    #[arg(
        long,
        help_heading = "Gate",
        value_name = "N",
        allow_negative_numbers = true,
        value_parser = limit()
    )]
    pub max_high: Option<i64>,

    /// Fail when more than N MEDIUM findings remain (-1: no limit).
    #[arg(
        long,
        help_heading = "Gate",
        value_name = "N",
        allow_negative_numbers = true,
        value_parser = limit()
    )]
    pub max_medium: Option<i64>,

    /// Fail when more than N LOW findings remain (-1: no limit).
    #[arg(
        long,
        help_heading = "Gate",
        value_name = "N",
        allow_negative_numbers = true,
        value_parser = limit()
    )]
    pub max_low: Option<i64>,

    /// Show and judge only findings of these severities, e.g. CRITICAL,HIGH.
    #[arg(
        long,
        help_heading = "Gate",
        value_name = "LIST",
        value_enum,
        value_delimiter = ',',
        ignore_case = true
    )]
    pub severity: Vec<SeverityArg>,

    /// Leave out findings that no fixed version exists for.
    #[arg(long, help_heading = "Gate")]
    pub ignore_unfixed: bool,

    /// Fail the gate on an AUDIT verdict too, not only on DENY.
    #[arg(long, help_heading = "Gate")]
    pub fail_on_audit: bool,
}

fn limit() -> clap::builder::RangedI64ValueParser<i64> {
    clap::value_parser!(i64).range(-1..)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
#[value(rename_all = "UPPERCASE")]
pub enum SeverityArg {
    Critical,
    High,
    Medium,
    Low,
    Unknown,
}

impl From<SeverityArg> for Severity {
    fn from(arg: SeverityArg) -> Severity {
        match arg {
            SeverityArg::Critical => Severity::Critical,
            SeverityArg::High => Severity::High,
            SeverityArg::Medium => Severity::Medium,
            SeverityArg::Low => Severity::Low,
            SeverityArg::Unknown => Severity::Unknown,
        }
    }
}

/// The policy the scan is judged by: the file (named, or found at `root`) plus a deny rule per
/// `--max-*` flag, named after the flag. `None` when there is neither: no gate.
pub fn policy(args: &GateArgs, root: &Path) -> anyhow::Result<Option<Policy>> {
    let found = root.join(POLICY_FILE);
    let file = match &args.policy {
        Some(path) => Some(path.clone()),
        None => found.is_file().then_some(found),
    };
    let mut policy = match &file {
        Some(path) => Policy::load(path).context("cannot use the policy")?,
        None => Policy::default(),
    };
    let flags = [
        ("--max-critical", Severity::Critical, args.max_critical),
        ("--max-high", Severity::High, args.max_high),
        ("--max-medium", Severity::Medium, args.max_medium),
        ("--max-low", Severity::Low, args.max_low),
    ];
    for (flag, severity, max) in flags {
        let Some(max) = max else { continue };
        // -1 is no limit: the rule is kept, so the outcome shows the gate ran, and never fires.
        let limits = u64::try_from(max).map(|max| vec![(severity, max)]);
        policy.rules.push(Rule {
            name: flag.to_string(),
            action: Action::Deny,
            check: Check::MaxFindings(limits.unwrap_or_default()),
        });
    }
    let gated = file.is_some() || flags.iter().any(|(_, _, max)| max.is_some());
    Ok(gated.then_some(policy))
}

/// Filters the findings as asked, judges them and the packages by the policy, and records the
/// outcome in the result. Returns whether the gate passed.
pub fn judge(
    args: &GateArgs,
    policy: Option<&Policy>,
    result: &mut ScanResult,
    today: Date,
) -> bool {
    let severities: Vec<Severity> = args.severity.iter().map(|&s| s.into()).collect();
    result.findings.retain(|finding| {
        (severities.is_empty() || severities.contains(&finding.severity))
            && !(args.ignore_unfixed && finding.fixed_versions.is_empty())
    });
    let Some(policy) = policy else {
        return true;
    };
    let findings = std::mem::take(&mut result.findings);
    let evaluation = policy.evaluate(findings, &result.inventory.packages, today);
    result.findings = evaluation.findings;
    let verdict = evaluation.outcome.verdict;
    result.policy = Some(evaluation.outcome);
    passes(verdict, args.fail_on_audit)
}

pub fn passes(verdict: Verdict, fail_on_audit: bool) -> bool {
    match verdict {
        Verdict::Allow => true,
        Verdict::Audit => !fail_on_audit,
        Verdict::Deny => false,
    }
}

/// The verdict and why, one line per violation, on standard error.
pub fn explain(result: &ScanResult, fail_on_audit: bool) {
    let Some(outcome) = &result.policy else {
        return;
    };
    let verdict = outcome.verdict.as_str();
    let headline = match (outcome.verdict, passes(outcome.verdict, fail_on_audit)) {
        (Verdict::Allow, _) => format!("gate passed: {verdict}, no rule broken"),
        (Verdict::Audit, true) => {
            format!("gate passed: {verdict} (--fail-on-audit would fail it)")
        }
        (_, _) => format!("gate failed: {verdict}"),
    };
    eprintln!("scangate: {headline}");
    for violation in &outcome.violations {
        eprintln!("scangate:   {violation}");
    }
    if !outcome.ignored.is_empty() {
        let n = outcome.ignored.len();
        let findings = if n == 1 { "finding" } else { "findings" };
        eprintln!("scangate: {n} {findings} set aside by the policy's ignores");
    }
    for expired in &outcome.expired_ignores {
        eprintln!(
            "scangate: warning: the ignore of {} expired after {}: its findings count again",
            expired.target, expired.expired
        );
    }
}
