//! The advisory database: build time over a whole OSV folder, file size, open time, lookups per
//! second for packages that have advisories and for names that have none, peak memory.

use anyhow::{Context as _, bail};
use scangate_vulndb::{Limits, Silent, VulnDb};
use std::path::Path;
use std::time::{Duration, Instant};

/// Timed opens; the report gives the median and the slowest.
const OPENS: usize = 200;

pub fn report(osv: &Path, db: &Path, lookups: usize) -> anyhow::Result<()> {
    if !osv.is_dir() {
        bail!("no OSV folder at {} (pass --osv)", osv.display());
    }
    let start = Instant::now();
    let report = scangate_vulndb::build(osv, db, &Limits::default(), &Silent)
        .with_context(|| format!("cannot build from {}", osv.display()))?;
    let build = start.elapsed();
    let records: u64 = report.sources.iter().map(|s| s.records).sum();
    println!(
        "build: {:.2} s for {} sources, {records} records and rows, {} problems",
        build.as_secs_f64(),
        report.sources.len(),
        report.problems.len()
    );
    let size = std::fs::metadata(db)?.len();
    println!("size: {:.1} MiB ({size} bytes)", size as f64 / MIB);

    let mut opens: Vec<Duration> = (0..OPENS)
        .map(|_| {
            let start = Instant::now();
            VulnDb::open(db).map(|_| start.elapsed())
        })
        .collect::<Result<_, _>>()?;
    opens.sort();
    println!(
        "open: median {:.3} ms, slowest {:.3} ms of {OPENS}",
        ms(opens[OPENS / 2]),
        ms(opens[OPENS - 1])
    );

    let vulndb = VulnDb::open(db)?;
    let packages = vulndb.packages()?;
    let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
    let existing: Vec<(String, String)> = (0..lookups)
        .map(|_| packages[rng.below(packages.len())].clone())
        .collect();
    let missing: Vec<(String, String)> = existing
        .iter()
        .map(|(eco, name)| (eco.clone(), format!("{name}-not-a-package")))
        .collect();
    for (label, keys) in [("existing", &existing), ("missing", &missing)] {
        for threads in [1, 2] {
            let (elapsed, found) = lookup_all(&vulndb, keys, threads)?;
            println!(
                "lookups ({label}, {threads} thread{}): {:.0}/s, {:.1} us each, {:.1} advisories per lookup",
                if threads == 1 { "" } else { "s" },
                keys.len() as f64 / elapsed.as_secs_f64(),
                elapsed.as_secs_f64() * 1e6 / keys.len() as f64 * threads as f64,
                found as f64 / keys.len() as f64
            );
        }
    }
    println!(
        "peak RSS: {:.1} MiB",
        crate::measure::peak_rss_kib()? as f64 / 1024.0
    );
    Ok(())
}

/// Looks every key up, split over `threads` threads sharing one `VulnDb`; the wall time and the
/// number of advisories found.
fn lookup_all(
    db: &VulnDb,
    keys: &[(String, String)],
    threads: usize,
) -> anyhow::Result<(Duration, usize)> {
    let start = Instant::now();
    let found = std::thread::scope(|scope| {
        let workers: Vec<_> = keys
            .chunks(keys.len().div_ceil(threads))
            .map(|chunk| {
                scope.spawn(move || {
                    chunk.iter().try_fold(0, |found, (eco, name)| {
                        db.advisories(eco, name)
                            .map(|found_here| found + found_here.len())
                    })
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|worker| worker.join().expect("lookup thread panicked"))
            .sum::<Result<usize, _>>()
    })?;
    Ok((start.elapsed(), found))
}

const MIB: f64 = 1024.0 * 1024.0;

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// A fixed-seed generator: the same keys on every run.
struct XorShift(u64);

impl XorShift {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}
