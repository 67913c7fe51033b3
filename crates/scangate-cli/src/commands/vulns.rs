//! The advisory database a scan matches against, and the matching itself.

use super::db::{age, timestamp};
use crate::cli::VulnArgs;
use anyhow::{Context as _, bail};
use scangate_types::{DatabaseInfo, DependencyGraph, Finding, Package};
use scangate_vulndb::{Limits, Silent, VulnDb};
use std::path::Path;
use std::time::SystemTime;

/// What matching gave: the database used and the findings.
pub struct Matched {
    pub database: DatabaseInfo,
    pub findings: Vec<Finding>,
}

/// Matches `packages` against the database `args` names. `--packages-only` gets `None`; so does an
/// SBOM-only scan without a database, and any other scan then fails with the command that gets one.
pub fn find(
    args: &VulnArgs,
    packages: &[Package],
    sbom_only: bool,
) -> anyhow::Result<Option<Matched>> {
    if args.packages_only {
        return Ok(None);
    }
    let path = scangate_vulndb::resolve_db_path(args.db.as_deref())?;
    // A folder of OSV records is built into a database for this scan alone.
    let scratch;
    let db_path = if path.is_dir() {
        scratch = tempfile::tempdir().context("cannot create a temporary folder")?;
        let built = scratch.path().join("scangate.db");
        let report = scangate_vulndb::build(&path, &built, &Limits::default(), &Silent)
            .with_context(|| format!("cannot build a database from {}", path.display()))?;
        // A record that could not be read matches nothing: say so rather than under-report.
        for problem in &report.problems {
            eprintln!(
                "scangate: warning: {}: record left out: {problem}",
                path.display()
            );
        }
        built
    } else if path.exists() {
        path.clone()
    } else if sbom_only {
        return Ok(None);
    } else {
        bail!(
            "no vulnerability database at {}\n  get one with: scangate db update\n  or offline, from OSV files: scangate db build --from DIR",
            path.display()
        );
    };
    let db = VulnDb::open(&db_path)
        .with_context(|| format!("cannot open the database {}", path.display()))?;
    let (built_at, advisories) = db.summary()?;
    warn_if_stale(&path, built_at, args.db_max_age.into());
    let mut findings = scangate_match::find(&db, packages)?;
    DependencyGraph::new(packages).attach(&mut findings);
    Ok(Some(Matched {
        database: DatabaseInfo {
            built_at: timestamp(built_at),
            advisories,
        },
        findings,
    }))
}

fn warn_if_stale(path: &Path, built_at: SystemTime, max_age: std::time::Duration) {
    let now = SystemTime::now();
    if now
        .duration_since(built_at)
        .is_ok_and(|elapsed| elapsed > max_age)
    {
        eprintln!(
            "scangate: warning: the vulnerability database {} is {} old; run `scangate db update`",
            path.display(),
            age(built_at, now)
        );
    }
}
