//! Matching: a large inventory against the whole advisory database, on every core.

use anyhow::{Context as _, bail};
use scangate_types::{Ecosystem, Location, Package};
use scangate_vulndb::VulnDb;
use std::path::Path;
use std::time::Instant;

/// Share of the packages whose names have advisories; the rest have none, as in real inventories.
const WITH_ADVISORIES_PERCENT: usize = 30;

pub fn report(db: &Path, count: usize, runs: usize) -> anyhow::Result<()> {
    if !db.is_file() {
        bail!(
            "no database at {} (make one with `scangate-bench db` first)",
            db.display()
        );
    }
    let vulndb = VulnDb::open(db).with_context(|| format!("cannot open {}", db.display()))?;
    let packages = inventory(&vulndb, count)?;
    println!(
        "{} packages, {WITH_ADVISORIES_PERCENT}% of them named by advisories",
        packages.len()
    );
    println!("run  findings   wall s  packages/s  cores busy");
    let mut walls = Vec::new();
    for run in 1..=runs {
        let cpu_before = crate::measure::cpu_seconds()?;
        let start = Instant::now();
        let findings = scangate_match::find(&vulndb, &packages)?;
        let wall = start.elapsed().as_secs_f64();
        let cpu = crate::measure::cpu_seconds()? - cpu_before;
        println!(
            "{run:>3}  {:>8}  {wall:>7.3}  {:>10.0}  {:>10.2}",
            findings.len(),
            packages.len() as f64 / wall,
            cpu / wall
        );
        walls.push(wall);
    }
    walls.sort_by(f64::total_cmp);
    println!(
        "median: {:.3} s for {} packages; peak RSS {:.1} MiB",
        walls[walls.len() / 2],
        packages.len(),
        crate::measure::peak_rss_kib()? as f64 / 1024.0
    );
    Ok(())
}

/// `count` packages: some named by advisories (at an old version, so many match), the rest not.
fn inventory(db: &VulnDb, count: usize) -> anyhow::Result<Vec<Package>> {
    let named: Vec<(Ecosystem, String)> = db
        .packages()?
        .into_iter()
        .filter_map(|(ecosystem, name)| language_ecosystem(&ecosystem).map(|e| (e, name)))
        .collect();
    if named.is_empty() {
        bail!("the database names no language packages");
    }
    Ok((0..count)
        .map(|i| {
            let (ecosystem, name) = if i % 100 < WITH_ADVISORIES_PERCENT {
                named[i % named.len()].clone()
            } else {
                let (ecosystem, _) = &named[i % named.len()];
                (*ecosystem, format!("bench-package-{i}"))
            };
            let version = match ecosystem {
                Ecosystem::Go => format!("v0.{}.{}", i % 9, i % 5),
                _ => format!("0.{}.{}", i % 9, i % 5),
            };
            Package::new(
                ecosystem,
                name,
                Some(version),
                Location::new(format!("svc-{}/lockfile", i / 100), Some(1)),
            )
        })
        .collect())
}

fn language_ecosystem(name: &str) -> Option<Ecosystem> {
    [
        Ecosystem::Npm,
        Ecosystem::PyPI,
        Ecosystem::Maven,
        Ecosystem::Go,
        Ecosystem::NuGet,
        Ecosystem::Cargo,
        Ecosystem::RubyGems,
        Ecosystem::Packagist,
    ]
    .into_iter()
    .find(|e| e.as_str() == name)
}
