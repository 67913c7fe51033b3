//! Writing each report where the user asked, and the result's problems to stderr.

use crate::cli::OutputArgs;
use anyhow::{Context as _, bail};
use scangate_report::Format;
use scangate_types::{IssueLevel, ScanResult};
use std::collections::HashSet;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::time::SystemTime;

/// The reports of one scan, checked before the scan starts so that a wrong combination of
/// `--format` and `--output` fails at once.
pub struct Reports {
    reports: Vec<(Format, Option<PathBuf>)>,
    quiet: bool,
    started: SystemTime,
}

impl Reports {
    pub fn new(args: &OutputArgs) -> anyhow::Result<Reports> {
        let mut reports: Vec<(Format, Option<PathBuf>)> = args
            .format
            .iter()
            .map(|report| (report.format, report.path.clone()))
            .collect();
        if let Some(output) = &args.output {
            match reports.as_mut_slice() {
                [(_, path @ None)] => *path = Some(output.clone()),
                [(format, Some(_))] => {
                    bail!(
                        "--output and `--format {}=FILE` both name a file",
                        format.name()
                    )
                }
                _ => bail!(
                    "--output takes one format; with several, give each its file: --format sarif=FILE"
                ),
            }
        }
        let to_stdout = reports.iter().filter(|(_, path)| path.is_none()).count();
        if to_stdout > 1 {
            bail!(
                "only one report can go to standard output; give the others a file: --format json=FILE"
            );
        }
        let mut files = HashSet::new();
        for path in reports.iter().filter_map(|(_, path)| path.as_ref()) {
            if !files.insert(path) {
                bail!("two reports would be written to {}", path.display());
            }
        }
        Ok(Reports {
            reports,
            quiet: args.quiet,
            started: SystemTime::now(),
        })
    }

    /// Each report's format and file (`None`: standard output).
    pub fn targets(&self) -> impl Iterator<Item = (Format, Option<&std::path::Path>)> {
        self.reports
            .iter()
            .map(|(format, path)| (*format, path.as_deref()))
    }

    /// Prints the result's problems on stderr, then writes every report.
    pub fn emit(&self, result: &ScanResult) -> anyhow::Result<()> {
        if !self.quiet {
            print_issues(result);
        }
        for (format, path) in &self.reports {
            match path {
                Some(path) => self.write_file(*format, result, path)?,
                None => self.write_stdout(*format, result)?,
            }
        }
        Ok(())
    }

    fn write_file(
        &self,
        format: Format,
        result: &ScanResult,
        path: &std::path::Path,
    ) -> anyhow::Result<()> {
        let context = scangate_report::Context::new(self.started, false);
        let mut file = std::io::BufWriter::new(
            std::fs::File::create(path)
                .with_context(|| format!("cannot create {}", path.display()))?,
        );
        scangate_report::write(format, result, &context, &mut file)
            .and_then(|()| file.flush())
            .with_context(|| format!("cannot write {}", path.display()))
    }

    fn write_stdout(&self, format: Format, result: &ScanResult) -> anyhow::Result<()> {
        let stdout = std::io::stdout();
        let color = stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none();
        let context = scangate_report::Context::new(self.started, color);
        let mut out = std::io::BufWriter::new(stdout.lock());
        scangate_report::write(format, result, &context, &mut out)
            .and_then(|()| out.flush())
            .context("cannot write the report")
    }
}

fn print_issues(result: &ScanResult) {
    let mut stderr = std::io::stderr().lock();
    for issue in &result.inventory.issues {
        let level = match issue.level {
            IssueLevel::Error => "error",
            IssueLevel::Warning => "warning",
        };
        let _ = writeln!(stderr, "scangate: {level}: {issue}");
    }
}
