//! The advisory database a scan matches against, and the matching itself.

use super::db::{age, timestamp};
use crate::cli::VulnArgs;
use anyhow::{Context as _, bail};
use scangate_image::Cache;
use scangate_types::{DatabaseInfo, DependencyGraph, Finding, Package};
use scangate_vulndb::{Limits, Silent, VulnDb};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::Path;
use std::time::SystemTime;

/// What matching gave: the database used and the findings.
pub struct Matched {
    pub database: DatabaseInfo,
    pub findings: Vec<Finding>,
}

/// Matches `packages` against the database `args` names. `--packages-only` gets `None`; so does an
/// SBOM-only scan without a database, and any other scan then fails with the command that gets one.
/// With a `cache` (image scans), findings are cached per layer and database build.
pub fn find(
    args: &VulnArgs,
    packages: &[Package],
    sbom_only: bool,
    cache: Option<&Cache>,
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
    let mut findings = match cache {
        Some(cache) => find_by_layer(&db, packages, cache)?,
        None => scangate_match::find(&db, packages)?,
    };
    DependencyGraph::new(packages).attach(&mut findings);
    Ok(Some(Matched {
        database: DatabaseInfo {
            built_at: timestamp(built_at),
            advisories,
        },
        findings,
    }))
}

/// Matches each layer's packages once per database build: a rescan, or an image sharing a base,
/// reuses what an earlier scan found. The key covers the packages themselves, so a layer whose
/// packages are attributed differently in another image is matched again.
fn find_by_layer(db: &VulnDb, packages: &[Package], cache: &Cache) -> anyhow::Result<Vec<Finding>> {
    let mut by_layer: BTreeMap<Option<&str>, Vec<Package>> = BTreeMap::new();
    for package in packages {
        let layer = package.locations.first().and_then(|l| l.layer.as_ref());
        by_layer
            .entry(layer.map(|l| l.diff_id.as_str()))
            .or_default()
            .push(package.clone());
    }
    let mut findings = Vec::new();
    for group in by_layer.values() {
        let mut key = Sha256::new();
        key.update(MATCH_CACHE_FORMAT.as_bytes());
        key.update(db.build_id().as_bytes());
        key.update(serde_json::to_vec(group)?);
        let hex: String = key.finalize().iter().map(|b| format!("{b:02x}")).collect();
        let key = format!("sha256:{hex}");
        if let Some(cached) = cache.result::<Vec<Finding>>("matches", &key) {
            findings.extend(cached);
            continue;
        }
        let found = scangate_match::find(db, group)?;
        cache.store_result("matches", &key, &found);
        findings.extend(found);
    }
    scangate_match::sort(&mut findings);
    Ok(findings)
}

/// Changes whenever matching would give other findings for the same packages and database.
const MATCH_CACHE_FORMAT: &str = concat!("scangate-match ", env!("CARGO_PKG_VERSION"), " 1");

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
