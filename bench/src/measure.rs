//! Runs measured scans in child processes and reports their figures.

use anyhow::{Context as _, bail};
use scangate_fsview::{DirView, SkipRules};
use std::path::Path;
use std::process::Command;
use std::time::Instant;

/// Figures of one scan, as the child prints them: `files packages issues wall_s cpu_s peak_kib`.
struct Figures {
    files: usize,
    packages: usize,
    issues: usize,
    wall: f64,
    cpu: f64,
    peak_kib: u64,
}

pub fn report(data: &Path, runs: usize) -> anyhow::Result<()> {
    let exe = std::env::current_exe()?;
    let mut all = Vec::new();
    println!(
        "run  files  packages  issues   wall s  files/s  packages/s  cores busy  peak RSS MiB"
    );
    for run in 1..=runs {
        let out = Command::new(&exe).arg("scan-once").arg(data).output()?;
        if !out.status.success() {
            bail!("scan failed: {}", String::from_utf8_lossy(&out.stderr));
        }
        let f = parse(&String::from_utf8(out.stdout)?)?;
        println!(
            "{run:>3}  {:>5}  {:>8}  {:>6}  {:>7.3}  {:>7.0}  {:>10.0}  {:>10.2}  {:>12.1}",
            f.files,
            f.packages,
            f.issues,
            f.wall,
            f.files as f64 / f.wall,
            f.packages as f64 / f.wall,
            f.cpu / f.wall,
            f.peak_kib as f64 / 1024.0
        );
        all.push(f);
    }
    all.sort_by(|a, b| a.wall.total_cmp(&b.wall));
    let median = &all[all.len() / 2];
    println!(
        "median: {:.3} s wall, {:.0} files/s, {:.0} packages/s, {:.2} cores busy, {:.1} MiB peak RSS",
        median.wall,
        median.files as f64 / median.wall,
        median.packages as f64 / median.wall,
        median.cpu / median.wall,
        median.peak_kib as f64 / 1024.0
    );
    Ok(())
}

pub fn scan_once(path: &Path) -> anyhow::Result<()> {
    let view = DirView::new(
        path,
        scangate_fsview::DEFAULT_MAX_FILE_SIZE,
        SkipRules::default(),
    )?;
    let cpu_before = cpu_seconds()?;
    let start = Instant::now();
    let inventory = scangate_catalog::scan(&view, scangate_catalog::registry::all());
    let wall = start.elapsed().as_secs_f64();
    let cpu = cpu_seconds()? - cpu_before;
    for issue in &inventory.issues {
        eprintln!("{issue}");
    }
    println!(
        "{} {} {} {wall} {cpu} {}",
        inventory.files.len(),
        inventory.packages.len(),
        inventory.issues.len(),
        peak_rss_kib()?
    );
    Ok(())
}

fn parse(line: &str) -> anyhow::Result<Figures> {
    let f: Vec<&str> = line.split_whitespace().collect();
    if f.len() != 6 {
        bail!("unexpected scan output: {line:?}");
    }
    Ok(Figures {
        files: f[0].parse()?,
        packages: f[1].parse()?,
        issues: f[2].parse()?,
        wall: f[3].parse()?,
        cpu: f[4].parse()?,
        peak_kib: f[5].parse()?,
    })
}

/// User plus system time of this process, from /proc (clock ticks are 1/100 s on Linux).
pub fn cpu_seconds() -> anyhow::Result<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat")?;
    // Fields after the command name, which is in parentheses and may hold spaces.
    let rest = stat.rsplit_once(')').context("odd /proc/self/stat")?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = fields[11].parse::<f64>()? + fields[12].parse::<f64>()?;
    Ok(ticks / 100.0)
}

pub fn peak_rss_kib() -> anyhow::Result<u64> {
    let status = std::fs::read_to_string("/proc/self/status")?;
    let line = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .context("no VmHWM in /proc/self/status")?;
    Ok(line
        .split_whitespace()
        .nth(1)
        .context("odd VmHWM line")?
        .parse()?)
}
