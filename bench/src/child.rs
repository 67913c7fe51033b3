//! Timing another program: wall time, CPU time and peak memory of one child process.
//!
//! The bench re-runs itself as a go-between (`time-child -- PROGRAM ARGS...`) that starts the
//! program, waits for it, and reads its own children's resource usage: with exactly one child,
//! the kernel's figures (wait4's rusage, as /usr/bin/time reports them) are that program's alone.

use anyhow::{Context as _, bail};
use nix::sys::resource::{UsageWho, getrusage};
use std::ffi::OsString;
use std::process::{Command, Stdio};
use std::time::Instant;

/// Figures of one run of a program.
#[derive(Debug, Clone, Copy)]
pub struct Usage {
    /// From start to exit, process start included.
    pub wall: f64,
    /// User plus system CPU time.
    pub cpu: f64,
    pub peak_rss_kib: u64,
}

/// Runs `program` with `args` (standard output discarded) and measures it; fails with its
/// standard error when it does not exit with 0.
pub fn measure(program: &str, args: &[OsString]) -> anyhow::Result<Usage> {
    let out = Command::new(std::env::current_exe()?)
        .arg("time-child")
        .arg("--")
        .arg(program)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .context("cannot start the bench's go-between")?;
    if !out.status.success() {
        bail!(
            "{program} failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    let line = String::from_utf8(out.stdout)?;
    let fields: Vec<&str> = line.split_whitespace().collect();
    let [wall, cpu, peak] = fields.as_slice() else {
        bail!("unexpected go-between output: {line:?}");
    };
    Ok(Usage {
        wall: wall.parse()?,
        cpu: cpu.parse()?,
        peak_rss_kib: peak.parse()?,
    })
}

/// The go-between: runs `argv`, prints `wall_s cpu_s peak_rss_kib`, exits as the child did.
pub fn time_child(argv: &[OsString]) -> anyhow::Result<()> {
    let (program, args) = argv.split_first().context("time-child: no program")?;
    let start = Instant::now();
    let out = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .with_context(|| format!("cannot run {}", program.to_string_lossy()))?;
    let wall = start.elapsed().as_secs_f64();
    if !out.status.success() {
        bail!(
            "{} exited with {}: {}",
            program.to_string_lossy(),
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    let usage = getrusage(UsageWho::RUSAGE_CHILDREN)?;
    let seconds = |t: nix::sys::time::TimeVal| t.tv_sec() as f64 + t.tv_usec() as f64 / 1e6;
    // Linux gives ru_maxrss in KiB.
    println!(
        "{wall} {} {}",
        seconds(usage.user_time()) + seconds(usage.system_time()),
        usage.max_rss()
    );
    Ok(())
}
