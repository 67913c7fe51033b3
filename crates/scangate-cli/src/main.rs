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
        cli::Command::Image(args) => commands::image::run(*args),
        cli::Command::Rootfs(args) => commands::rootfs::run(*args),
        cli::Command::Cache(args) => commands::cache::run(args),
        cli::Command::Db(args) => commands::db::run(args),
    };
    match outcome {
        Ok(code) => code,
        Err(err) => {
            eprintln!("scangate: error: {}", describe(&err));
            exit::cannot_run()
        }
    }
}

/// The error and its causes, `outer: inner`, each said once: many errors already end with
/// their cause's text (`path: No such file or directory`).
fn describe(err: &anyhow::Error) -> String {
    let mut text = err.to_string();
    for cause in err.chain().skip(1) {
        let cause = cause.to_string();
        if !text.ends_with(&cause) {
            text = format!("{text}: {cause}");
        }
    }
    text
}
