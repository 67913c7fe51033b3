//! Turning the advisories that affect one package into findings: one per vulnerability, its
//! aliases merged, with severity, fixes and enrichment.

use crate::affects::{Installed, Verdict};
use crate::severity;
use scangate_types::{Ecosystem, Epss, Finding, FindingPackage, Kev, Package, Score};
use scangate_vulndb::{Advisory, Affected, VulnDb};
use std::collections::BTreeSet;

/// Findings for `package` from the advisories that affect it.
pub fn assemble(
    db: &VulnDb,
    package: &Package,
    installed: &Installed<'_>,
    hits: Vec<(&Advisory, Verdict)>,
    own_entry: &dyn Fn(&Affected) -> bool,
) -> Result<Vec<Finding>, scangate_vulndb::Error> {
    group_by_alias(&hits)
        .into_iter()
        .map(|members| {
            let group: Vec<&(&Advisory, Verdict)> = members.iter().map(|&i| &hits[i]).collect();
            finding(db, package, installed, &group, own_entry)
        })
        .collect()
}

/// Indices of `hits` grouped so that advisories naming each other (by id or a shared alias) are
/// together. Groups are few and small per package: a quadratic merge is fine.
fn group_by_alias(hits: &[(&Advisory, Verdict)]) -> Vec<Vec<usize>> {
    let mut groups: Vec<(BTreeSet<&str>, Vec<usize>)> = Vec::new();
    for (i, (advisory, _)) in hits.iter().enumerate() {
        let ids: BTreeSet<&str> = std::iter::once(advisory.id.as_str())
            .chain(advisory.aliases.iter().map(String::as_str))
            .collect();
        let (mut joined, rest): (Vec<_>, Vec<_>) =
            groups.into_iter().partition(|(g, _)| !g.is_disjoint(&ids));
        let mut merged = (ids, vec![i]);
        for (g, members) in joined.drain(..) {
            merged.0.extend(g);
            merged.1.extend(members);
        }
        groups = rest;
        groups.push(merged);
    }
    let mut groups: Vec<Vec<usize>> = groups
        .into_iter()
        .map(|(_, mut m)| {
            m.sort_unstable();
            m
        })
        .collect();
    groups.sort();
    groups
}

fn finding(
    db: &VulnDb,
    package: &Package,
    installed: &Installed<'_>,
    group: &[&(&Advisory, Verdict)],
    own_entry: &dyn Fn(&Affected) -> bool,
) -> Result<Finding, scangate_vulndb::Error> {
    let advisories: Vec<&Advisory> = group.iter().map(|(a, _)| *a).collect();
    let mut ids: BTreeSet<&str> = BTreeSet::new();
    for advisory in &advisories {
        ids.insert(&advisory.id);
        ids.extend(advisory.aliases.iter().map(String::as_str));
    }
    let id = primary_id(&ids, &advisories);
    let cves: Vec<&str> = ids
        .iter()
        .copied()
        .filter(|i| i.starts_with("CVE-"))
        .collect();
    let scores = scores(&advisories, own_entry);

    let fixes = nearest_fixes(group, installed);
    let (kev, epss) = enrichment(db, &cves)?;

    let mut references: Vec<String> = Vec::new();
    for reference in advisories.iter().flat_map(|a| &a.references) {
        if !references.contains(&reference.url) {
            references.push(reference.url.clone());
        }
    }

    Ok(Finding {
        aliases: ids
            .iter()
            .filter(|i| **i != id)
            .map(|i| i.to_string())
            .collect(),
        advisories: advisories.iter().map(|a| a.id.clone()).collect(),
        package: FindingPackage {
            ecosystem: package.ecosystem.as_str().to_string(),
            name: package.name.clone(),
            // What is installed, as the package manager lists it: a Debian binary-only rebuild
            // shows `1.47.0-2+b2` though its source's `1.47.0-2` was what matched.
            version: package
                .version
                .clone()
                .unwrap_or_else(|| installed.text.to_string()),
            purl: package.purl.clone(),
            locations: package.locations.clone(),
        },
        fixed_versions: fixes
            .iter()
            .map(|f| display_version(package.ecosystem, f))
            .collect(),
        severity: severity::overall(&scores),
        scores,
        kev,
        epss,
        summary: summary(&advisories),
        published: advisories.iter().filter_map(|a| a.published.clone()).min(),
        modified: advisories.iter().map(|a| a.modified.clone()).max(),
        references,
        dependency_paths: Vec::new(),
        id,
    })
}

/// The fixes above the installed version, nearest first, once each.
fn nearest_fixes<'a>(
    group: &[&'a (&Advisory, Verdict)],
    installed: &Installed<'_>,
) -> Vec<&'a str> {
    let mut ordered: Vec<(scangate_versions::Version, &str)> = group
        .iter()
        .flat_map(|(_, verdict)| verdict.fixes.iter())
        .filter_map(|f| installed.scheme.parse(f).ok().map(|v| (v, f.as_str())))
        .collect();
    ordered.sort_by(|a, b| a.0.cmp(&b.0));
    ordered.dedup_by(|a, b| a.0 == b.0);
    ordered.into_iter().map(|(_, text)| text).collect()
}

/// The KEV listing of the first listed CVE, and the highest EPSS score among the CVEs.
fn enrichment(
    db: &VulnDb,
    cves: &[&str],
) -> Result<(Option<Kev>, Option<Epss>), scangate_vulndb::Error> {
    let mut kev = None;
    let mut epss: Option<Epss> = None;
    for cve in cves {
        if kev.is_none() {
            kev = db.kev(cve)?.map(|k| Kev {
                cve: cve.to_string(),
                known_ransomware_use: k.known_ransomware_use(),
                date_added: k.date_added,
                due_date: k.due_date,
            });
        }
        if let Some(found) = db.epss(cve)?
            && epss.as_ref().is_none_or(|e| found.score > e.score)
        {
            epss = Some(Epss {
                cve: cve.to_string(),
                score: found.score,
                percentile: found.percentile,
            });
        }
    }
    Ok((kev, epss))
}

/// The first advisory summary; databases without summaries (PyPA, Go) get their details' first line.
fn summary(advisories: &[&Advisory]) -> Option<String> {
    let first_line = |text: &Option<String>| {
        text.as_deref()
            .and_then(|t| t.lines().map(str::trim).find(|l| !l.is_empty()))
            .map(str::to_owned)
    };
    advisories
        .iter()
        .find_map(|a| first_line(&a.summary))
        .or_else(|| advisories.iter().find_map(|a| first_line(&a.details)))
}

/// A CVE when the vulnerability has exactly one (what users search for and policies block);
/// otherwise, as with a distribution advisory covering several CVEs, the first advisory's id.
fn primary_id(ids: &BTreeSet<&str>, advisories: &[&Advisory]) -> String {
    let mut cves = ids.iter().filter(|i| i.starts_with("CVE-"));
    match (cves.next(), cves.next()) {
        (Some(cve), None) => cve.to_string(),
        _ => advisories[0].id.clone(),
    }
}

/// Every CVSS vector of the advisories and of their entries for this package (another package's
/// entry may rate it differently), and their severity labels (`database_specific.severity`, as
/// GitHub and converted databases write it).
fn scores(advisories: &[&Advisory], own_entry: &dyn Fn(&Affected) -> bool) -> Vec<Score> {
    let mut scores: Vec<Score> = Vec::new();
    for advisory in advisories {
        let stated = advisory.severity.iter().chain(
            advisory
                .affected
                .iter()
                .filter(|a| own_entry(a))
                .flat_map(|a| &a.severity),
        );
        for s in stated {
            let base_score = severity::base_score(&s.kind, &s.score).map(|(score, _)| score);
            let kind = if base_score.is_some() || s.kind.starts_with("CVSS") {
                s.kind.clone()
            } else {
                "label".to_string()
            };
            push_unique(
                &mut scores,
                Score {
                    source: advisory.id.clone(),
                    kind,
                    value: s.score.clone(),
                    base_score,
                },
            );
        }
        let label = advisory
            .database_specific
            .as_ref()
            .and_then(|d| d.get("severity"))
            .and_then(|s| s.as_str());
        if let Some(label) = label {
            push_unique(
                &mut scores,
                Score {
                    source: advisory.id.clone(),
                    kind: "label".into(),
                    value: label.to_string(),
                    base_score: None,
                },
            );
        }
    }
    scores
}

fn push_unique(scores: &mut Vec<Score>, score: Score) {
    if !scores
        .iter()
        .any(|s| s.source == score.source && s.kind == score.kind && s.value == score.value)
    {
        scores.push(score);
    }
}

/// Go's advisories write versions without the `v` that go.mod uses; show them as users write them.
fn display_version(ecosystem: Ecosystem, version: &str) -> String {
    match ecosystem {
        Ecosystem::Go if !version.starts_with('v') => format!("v{version}"),
        _ => version.to_string(),
    }
}
