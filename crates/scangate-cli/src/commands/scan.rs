//! What every scan does once its target's inventory is known: match, judge, report, publish.

use super::{ci, gate, output, vulns};
use crate::cli::ScanArgs;
use crate::exit;
use anyhow::bail;
use scangate_policy::Policy;
use scangate_types::{Inventory, ScanResult, ScanTarget};
use std::path::Path;
use std::process::ExitCode;

/// A scan's policy and reports, checked before the (possibly long) scan starts.
pub struct Plan<'a> {
    args: &'a ScanArgs,
    policy: Option<Policy>,
    reports: output::Reports,
}

impl Plan<'_> {
    /// `policy_root` is where a `scangate.yaml` is looked for when `--policy` is not given.
    pub fn new<'a>(args: &'a ScanArgs, policy_root: &Path) -> anyhow::Result<Plan<'a>> {
        let policy = gate::policy(&args.gate, policy_root)?;
        let reports = output::Reports::new(&args.output)?;
        if Plan::judges_findings(&policy) && args.vulns.packages_only {
            bail!(
                "--packages-only skips matching, but the policy or a --max-* flag judges findings"
            );
        }
        Ok(Plan {
            args,
            policy,
            reports,
        })
    }

    // A gate that judges findings must never pass for want of a database.
    fn judges_findings(policy: &Option<Policy>) -> bool {
        policy
            .as_ref()
            .is_some_and(|p| p.rules.iter().any(|r| r.check.needs_findings()))
    }

    /// Matches, judges and reports `inventory`; the exit code follows the gate.
    pub fn conclude(
        self,
        target: ScanTarget,
        inventory: Inventory,
        match_cache: Option<&scangate_image::Cache>,
    ) -> anyhow::Result<ExitCode> {
        let sbom_only = self.args.output.sbom_only() && !Plan::judges_findings(&self.policy);
        let matched = vulns::find(
            &self.args.vulns,
            &inventory.packages,
            sbom_only,
            match_cache,
        )?;
        let mut result = ScanResult::new(target, inventory);
        if let Some(matched) = matched {
            result.database = Some(matched.database);
            result.findings = matched.findings;
        }
        let gate_args = &self.args.gate;
        let passed = gate::judge(
            gate_args,
            self.policy.as_ref(),
            &mut result,
            scangate_policy::today(),
        );
        self.reports.emit(&result)?;
        gate::explain(&result, gate_args.fail_on_audit);
        ci::publish(
            &self.args.ci,
            &result,
            passed,
            &ci::Outputs::of(&self.reports),
        )?;
        Ok(if passed {
            exit::ok()
        } else {
            exit::gate_failed()
        })
    }
}
