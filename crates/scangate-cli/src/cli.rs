use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "scangate",
    version,
    about = "Vulnerability scanner and build gate",
    max_term_width = 100
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan a source tree: every lockfile and manifest in it.
    Fs(Box<FsArgs>),
    /// Scan an unpacked root filesystem: OS packages, installed language packages, binaries.
    Rootfs(Box<RootfsArgs>),
    /// Build, update or inspect the advisory database.
    Db(crate::commands::db::DbArgs),
}

#[derive(Debug, Args)]
pub struct FsArgs {
    /// The directory to scan.
    pub path: PathBuf,

    #[command(flatten)]
    pub scan: ScanArgs,

    #[command(flatten)]
    pub walk: WalkArgs,

    /// Also walk installed-package folders (node_modules, site-packages, vendor).
    #[arg(long)]
    pub include_installed: bool,
}

#[derive(Debug, Args)]
pub struct RootfsArgs {
    /// The root directory of the filesystem (`/` of the system to scan).
    pub path: PathBuf,

    #[command(flatten)]
    pub scan: ScanArgs,

    #[command(flatten)]
    pub walk: WalkArgs,
}

/// What every scan shares: its reports, matching, gate and CI variables.
#[derive(Debug, Args)]
pub struct ScanArgs {
    #[command(flatten)]
    pub output: OutputArgs,

    #[command(flatten)]
    pub vulns: VulnArgs,

    #[command(flatten)]
    pub gate: crate::commands::gate::GateArgs,

    #[command(flatten)]
    pub ci: crate::commands::ci::CiArgs,
}

/// Which files of a directory a scan reads.
#[derive(Debug, Args)]
pub struct WalkArgs {
    /// Leave out directories matching this glob (a name at any depth, or a path from the root
    /// when it holds a `/`). Repeatable.
    #[arg(long = "skip-dirs", value_name = "GLOB", value_delimiter = ',')]
    pub skip_dirs: Vec<String>,

    /// Leave out files matching this glob. Repeatable.
    #[arg(long = "skip-files", value_name = "GLOB", value_delimiter = ',')]
    pub skip_files: Vec<String>,

    /// Files larger than this many bytes are reported and not read.
    #[arg(long, value_name = "BYTES", default_value_t = scangate_fsview::DEFAULT_MAX_FILE_SIZE)]
    pub max_file_size: u64,
}

#[derive(Debug, Args)]
pub struct VulnArgs {
    /// The advisory database: a file made by `scangate db`, or a folder of OSV records built into
    /// one for this scan [default: $SCANGATE_DB, else the user's cache directory].
    #[arg(long, value_name = "PATH")]
    pub db: Option<PathBuf>,

    /// Warn when the database is older than this.
    #[arg(long, value_name = "DURATION", default_value = "7days")]
    pub db_max_age: humantime::Duration,

    /// List the packages only: no database, no matching.
    #[arg(long, conflicts_with = "db")]
    pub packages_only: bool,

    /// Never touch the network. Scans never do; this states it for pipelines that must be sure.
    #[arg(long)]
    pub offline: bool,
}

#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Report format, and the file to write it to: `sarif=scangate.sarif`. Repeatable: one report
    /// per value; at most one without a file goes to standard output. Formats: table, json,
    /// cyclonedx, sarif, spdx, junit, gitlab, markdown.
    #[arg(
        long,
        short = 'f',
        value_name = "FORMAT[=FILE]",
        value_parser = parse_report,
        default_value = "table"
    )]
    pub format: Vec<ReportArg>,

    /// Write the report to this file instead of standard output (one format only).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Print no per-file problems on standard error.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

/// One `--format` value: a format and, optionally, its file.
#[derive(Debug, Clone)]
pub struct ReportArg {
    pub format: scangate_report::Format,
    pub path: Option<PathBuf>,
}

fn parse_report(value: &str) -> Result<ReportArg, String> {
    let (name, path) = match value.split_once('=') {
        Some((name, path)) => (name, Some(path)),
        None => (value, None),
    };
    let format = scangate_report::Format::parse(name).ok_or_else(|| {
        let names: Vec<&str> = scangate_report::Format::ALL
            .iter()
            .map(|f| f.name())
            .collect();
        format!("unknown format `{name}`; formats: {}", names.join(", "))
    })?;
    if path == Some("") {
        return Err(format!("no file after `{name}=`"));
    }
    Ok(ReportArg {
        format,
        path: path.map(PathBuf::from),
    })
}

impl OutputArgs {
    /// Every report asked for is an SBOM, which needs no advisory database.
    pub fn sbom_only(&self) -> bool {
        self.format.iter().all(|report| report.format.is_sbom())
    }
}
