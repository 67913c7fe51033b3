//! `scangate`: scan a target, list its packages, report.

mod cli;
mod commands;
mod exit;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    let outcome = match cli.command {
        cli::Command::Fs(args) => commands::fs::run(*args),
        cli::Command::Rootfs(args) => commands::rootfs::run(*args),
        cli::Command::Db(args) => commands::db::run(args),
    };
    match outcome {
        Ok(code) => code,
        Err(err) => {
            eprintln!("scangate: error: {err:#}");
            exit::cannot_run()
        }
    }
}
