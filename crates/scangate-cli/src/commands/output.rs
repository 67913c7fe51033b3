//! Writing a result where the user asked, and its problems to stderr.

use crate::cli::OutputArgs;
use anyhow::Context as _;
use scangate_types::{IssueLevel, ScanResult};
use std::io::{IsTerminal, Write};

pub fn emit(result: &ScanResult, args: &OutputArgs) -> anyhow::Result<()> {
    if !args.quiet {
        let mut stderr = std::io::stderr().lock();
        for issue in &result.inventory.issues {
            let level = match issue.level {
                IssueLevel::Error => "error",
                IssueLevel::Warning => "warning",
            };
            let _ = writeln!(stderr, "scangate: {level}: {issue}");
        }
    }
    let format = args.format.into();
    match &args.output {
        Some(path) => {
            let mut file = std::io::BufWriter::new(
                std::fs::File::create(path)
                    .with_context(|| format!("cannot create {}", path.display()))?,
            );
            scangate_report::write(format, result, false, &mut file)
                .and_then(|()| file.flush())
                .with_context(|| format!("cannot write {}", path.display()))
        }
        None => {
            let stdout = std::io::stdout();
            let color = stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none();
            let mut out = std::io::BufWriter::new(stdout.lock());
            scangate_report::write(format, result, color, &mut out)
                .and_then(|()| out.flush())
                .context("cannot write the report")
        }
    }
}
