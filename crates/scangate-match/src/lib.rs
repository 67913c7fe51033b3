//! Matching: which advisories of the database affect which packages of an inventory.
//!
//! Each distinct (ecosystem, package) is looked up once, on every core; each package's version
//! is parsed once with its ecosystem's ordering and checked against every `affected` entry of
//! the advisories found, as the OSV schema defines it. Advisories that are aliases of one another
//! become one [`Finding`] listing all their ids.

mod affects;
mod finding;
mod severity;

use rayon::prelude::*;
use scangate_types::{Finding, Package};
use scangate_versions::Scheme;
use scangate_vulndb::{VulnDb, normalize_name};
use std::borrow::Cow;
use std::collections::BTreeMap;

pub use affects::{Installed, Verdict, evaluate};
pub use severity::base_score;

/// The findings for `packages`, sorted by package location, then by severity (worst first) and id.
/// Packages without an exact version cannot be matched and are left out.
pub fn find(db: &VulnDb, packages: &[Package]) -> Result<Vec<Finding>, scangate_vulndb::Error> {
    let mut by_name: BTreeMap<(Cow<str>, String), Vec<&Package>> = BTreeMap::new();
    for package in packages.iter().filter(|p| p.version.is_some()) {
        let ecosystem = package.osv_ecosystem();
        let (name, _) = package.advisory_coordinates();
        let name = normalize_name(&ecosystem, name).into_owned();
        by_name.entry((ecosystem, name)).or_default().push(package);
    }
    let groups: Vec<_> = by_name.into_iter().collect();
    let per_name: Vec<Vec<Finding>> = groups
        .par_iter()
        .map(|((ecosystem, name), packages)| findings_for_name(db, ecosystem, name, packages))
        .collect::<Result<_, _>>()?;
    let mut findings: Vec<Finding> = per_name.into_iter().flatten().collect();
    sort(&mut findings);
    Ok(findings)
}

/// The order [`find`] returns: by package location, then severity (worst first) and id.
pub fn sort(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        (
            a.package.locations.first(),
            std::cmp::Reverse(a.severity),
            &a.id,
        )
            .cmp(&(
                b.package.locations.first(),
                std::cmp::Reverse(b.severity),
                &b.id,
            ))
    });
}

/// Whether an `affected` entry is about the package `name` (normalised) of `ecosystem`.
fn names(entry: &scangate_vulndb::Affected, ecosystem: &str, name: &str) -> bool {
    entry
        .package
        .as_ref()
        .is_some_and(|p| p.ecosystem == ecosystem && normalize_name(ecosystem, &p.name) == name)
}

fn findings_for_name(
    db: &VulnDb,
    ecosystem: &str,
    name: &str,
    packages: &[&Package],
) -> Result<Vec<Finding>, scangate_vulndb::Error> {
    let advisories = db.advisories(ecosystem, name)?;
    if advisories.is_empty() {
        return Ok(Vec::new());
    }
    let Some(scheme) = Scheme::for_ecosystem(ecosystem) else {
        return Ok(Vec::new());
    };
    let mut findings = Vec::new();
    for package in packages {
        let Some(version) = package.advisory_coordinates().1 else {
            continue;
        };
        let installed = Installed::new(version, scheme);
        let hits: Vec<_> = advisories
            .iter()
            .filter_map(|advisory| {
                let mut verdict = Verdict::default();
                let entries = advisory
                    .affected
                    .iter()
                    .filter(|entry| names(entry, ecosystem, name));
                for entry in entries {
                    let entry_verdict = evaluate(entry, &installed);
                    if entry_verdict.affected {
                        verdict.affected = true;
                        verdict.fixes.extend(entry_verdict.fixes);
                    }
                }
                verdict.affected.then_some((advisory, verdict))
            })
            .collect();
        let own_entry = |entry: &scangate_vulndb::Affected| names(entry, ecosystem, name);
        findings.extend(finding::assemble(
            db, package, &installed, hits, &own_entry,
        )?);
    }
    Ok(findings)
}
