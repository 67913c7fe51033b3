use clap::{Args, Parser, Subcommand, ValueEnum};
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
    /// Build, update or inspect the advisory database.
    Db(crate::commands::db::DbArgs),
}

#[derive(Debug, Args)]
pub struct FsArgs {
    /// The directory to scan.
    pub path: PathBuf,

    #[command(flatten)]
    pub output: OutputArgs,

    #[command(flatten)]
    pub vulns: VulnArgs,

    #[command(flatten)]
    pub gate: crate::commands::gate::GateArgs,

    #[command(flatten)]
    pub ci: crate::commands::ci::CiArgs,

    /// Leave out directories matching this glob (a name at any depth, or a path from the root
    /// when it holds a `/`). Repeatable.
    #[arg(long = "skip-dirs", value_name = "GLOB", value_delimiter = ',')]
    pub skip_dirs: Vec<String>,

    /// Leave out files matching this glob. Repeatable.
    #[arg(long = "skip-files", value_name = "GLOB", value_delimiter = ',')]
    pub skip_files: Vec<String>,

    /// Also walk installed-package folders (node_modules, site-packages, vendor).
    #[arg(long)]
    pub include_installed: bool,

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
    /// Report format.
    #[arg(long, short = 'f', value_enum, default_value_t = FormatArg::Table)]
    pub format: FormatArg,

    /// Write the report to this file instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Print no per-file problems on standard error.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FormatArg {
    Table,
    Json,
    Cyclonedx,
}

impl From<FormatArg> for scangate_report::Format {
    fn from(format: FormatArg) -> scangate_report::Format {
        match format {
            FormatArg::Table => scangate_report::Format::Table,
            FormatArg::Json => scangate_report::Format::Json,
            FormatArg::Cyclonedx => scangate_report::Format::CycloneDx,
        }
    }
}
