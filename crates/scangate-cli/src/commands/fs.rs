//! `scangate fs PATH`: the packages every lockfile and manifest in a source tree declares, and
//! their known vulnerabilities.

use super::{ci, gate, output, vulns};
use crate::cli::FsArgs;
use crate::exit;
use anyhow::{Context as _, bail};
use scangate_fsview::{DirView, SkipRules};
use scangate_types::{ScanResult, ScanTarget};
use std::process::ExitCode;

pub fn run(args: FsArgs) -> anyhow::Result<ExitCode> {
    let policy = gate::policy(&args.gate, &args.path)?;
    let reports = output::Reports::new(&args.output)?;
    let skip = SkipRules::new(&args.skip_dirs, &args.skip_files, args.include_installed)
        .context("invalid --skip-dirs or --skip-files glob")?;
    let view = DirView::new(&args.path, args.max_file_size, skip)
        .with_context(|| format!("cannot scan {}", args.path.display()))?;
    let inventory = scangate_catalog::scan(&view, scangate_catalog::registry::all());
    // A gate that judges findings must never pass for want of a database.
    let judges_findings = policy
        .as_ref()
        .is_some_and(|p| p.rules.iter().any(|r| r.check.needs_findings()));
    if judges_findings && args.vulns.packages_only {
        bail!("--packages-only skips matching, but the policy or a --max-* flag judges findings");
    }
    let sbom_only = args.output.sbom_only() && !judges_findings;
    let matched = vulns::find(&args.vulns, &inventory.packages, sbom_only)?;
    let target = ScanTarget {
        kind: "filesystem".to_string(),
        name: args.path.display().to_string(),
    };
    let mut result = ScanResult::new(target, inventory);
    if let Some(matched) = matched {
        result.database = Some(matched.database);
        result.findings = matched.findings;
    }
    let passed = gate::judge(
        &args.gate,
        policy.as_ref(),
        &mut result,
        scangate_policy::today(),
    );
    reports.emit(&result)?;
    gate::explain(&result, args.gate.fail_on_audit);
    ci::publish(&args.ci, &result, passed, &ci::Outputs::of(&reports))?;
    Ok(if passed {
        exit::ok()
    } else {
        exit::gate_failed()
    })
}
