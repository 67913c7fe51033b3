//! `scangate-bench`: generates a target and measures scangate over it.
//!
//! The scan runs in a child process of its own so that peak memory is the scan's alone.

mod child;
mod db;
mod generate;
mod image;
mod matching;
mod measure;

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use std::ffi::OsString;
use std::path::PathBuf;

#[derive(Parser)]
#[command(about = "scangate benchmarks; see bench/README.md")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Source-tree inventory: a monorepo with lockfiles and manifests of every format.
    Fs {
        /// Where the monorepo is generated (reused when its parameters match).
        #[arg(long, default_value = "bench/data/monorepo")]
        data: PathBuf,
        /// Lockfiles and manifests to generate.
        #[arg(long, default_value_t = 2000)]
        files: usize,
        /// Packages declared by each file.
        #[arg(long, default_value_t = 100)]
        per_file: usize,
        /// Timed runs; the report gives each and the median.
        #[arg(long, default_value_t = 3)]
        runs: usize,
    },
    /// Advisory database: build from an OSV folder, size, open time, lookups/s, peak RSS.
    Db {
        /// The OSV folder to build from (bucket layout plus enrichment/).
        #[arg(long, default_value = "../shared/osv")]
        osv: PathBuf,
        /// Where the database is written.
        #[arg(long, default_value = "bench/data/scangate.db")]
        db: PathBuf,
        /// Lookups per measurement.
        #[arg(long, default_value_t = 100_000)]
        lookups: usize,
    },
    /// Internal: one measured scan, printed as one line of figures.
    /// Matching: many packages against a database made by the `db` benchmark.
    Match {
        #[arg(long, default_value = "bench/data/scangate.db")]
        db: PathBuf,
        /// Packages in the inventory.
        #[arg(long, default_value_t = 100_000)]
        packages: usize,
        #[arg(long, default_value_t = 3)]
        runs: usize,
    },
    /// Container images: cold and warm `scangate image` over the bookworm fixture image from
    /// docker-archive, oci-dir and the local registry, against `gzip -dc` of its layers.
    Image {
        /// The binary measured.
        #[arg(long, default_value = "target/release/scangate")]
        scangate: PathBuf,
        /// The database of the warm scans with matching (built from --osv when missing).
        #[arg(long, default_value = "bench/data/scangate.db")]
        db: PathBuf,
        #[arg(long, default_value = "../shared/osv")]
        osv: PathBuf,
        /// Where the cache folders and reports are made.
        #[arg(long, default_value = "bench/data/image")]
        work: PathBuf,
        #[arg(long, default_value_t = 5)]
        runs: usize,
    },
    #[command(hide = true)]
    ScanOnce { path: PathBuf },
    /// Internal: runs a program and prints its wall time, CPU time and peak RSS.
    #[command(hide = true)]
    TimeChild {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true, required = true)]
        argv: Vec<OsString>,
    },
}

fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::Fs {
            data,
            files,
            per_file,
            runs,
        } => {
            let stamp = data.join(".params");
            let params = format!("{files} {per_file}");
            if std::fs::read_to_string(&stamp).ok().as_deref() != Some(params.as_str()) {
                if data.exists() {
                    std::fs::remove_dir_all(&data)
                        .with_context(|| format!("cannot clear {}", data.display()))?;
                }
                let entries = generate::monorepo(&data, files, per_file)?;
                std::fs::write(&stamp, &params)?;
                println!(
                    "generated {files} files declaring {entries} packages in {}",
                    data.display()
                );
            }
            measure::report(&data, runs)
        }
        Command::Db { osv, db, lookups } => db::report(&osv, &db, lookups),
        Command::Match { db, packages, runs } => matching::report(&db, packages, runs),
        Command::Image {
            scangate,
            db,
            osv,
            work,
            runs,
        } => image::report(&image::Options {
            scangate,
            db,
            osv,
            work,
            runs: runs.max(1),
        }),
        Command::ScanOnce { path } => measure::scan_once(&path),
        Command::TimeChild { argv } => child::time_child(&argv),
    }
}
