//! The readable table: vulnerabilities when the scan matched against a database, otherwise the
//! packages; then the files that could not be read.

use crate::paths::PathNames;
use crate::{layer_label, worst_first};
use comfy_table::{Cell, Color, ContentArrangement, Table, presets::UTF8_FULL_CONDENSED};
use scangate_types::{Ignored, IssueLevel, Location, Package, PolicyOutcome, ScanResult, Severity};
use std::collections::BTreeSet;
use std::io::{self, Write};

pub fn write(result: &ScanResult, color: bool, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "{} ({})", result.target.name, result.target.kind)?;
    match &result.database {
        Some(database) => {
            if result.findings.is_empty() {
                writeln!(out, "No known vulnerabilities.")?;
            } else {
                writeln!(out, "{}", findings_table(result, color))?;
            }
            writeln!(out, "{}", summary(result))?;
            writeln!(
                out,
                "Database built {}, {} advisories.",
                database.built_at, database.advisories
            )?;
        }
        None if result.inventory.packages.is_empty() => writeln!(out, "No packages found.")?,
        None => writeln!(out, "{}", packages_table(&result.inventory.packages, color))?,
    }
    if let Some(outcome) = &result.policy {
        gate(outcome, out)?;
    }
    issues(result, out)
}

fn table(color: bool, header: &[&str]) -> Table {
    let mut table = Table::new();
    table
        .load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic);
    if color {
        table.enforce_styling();
    } else {
        table.force_no_tty();
    }
    table.set_header(header);
    table
}

fn packages_table(packages: &[Package], color: bool) -> Table {
    let mut table = table(
        color,
        &[
            "Package",
            "Version",
            "Ecosystem",
            "Dependency",
            "Scope",
            "Declared at",
        ],
    );
    for package in packages {
        let version = match (&package.version, &package.requirement) {
            (Some(version), _) => Cell::new(version),
            (None, requirement) => {
                let text = format!("{} (unresolved)", requirement.as_deref().unwrap_or("*"));
                if color {
                    Cell::new(text).fg(Color::Yellow)
                } else {
                    Cell::new(text)
                }
            }
        };
        table.add_row(vec![
            Cell::new(&package.name),
            version,
            Cell::new(package.ecosystem.as_str()),
            Cell::new(format!("{:?}", package.relationship).to_lowercase()),
            Cell::new(
                package
                    .scope
                    .map_or("-".to_string(), |s| format!("{s:?}").to_lowercase()),
            ),
            Cell::new(place(package.location())),
        ]);
    }
    table
}

/// Worst first, so the rows that stop a build are the first a reader sees. A transitive
/// dependency's place says which direct dependency pulls it in.
fn findings_table(result: &ScanResult, color: bool) -> Table {
    let names = PathNames::new(result);
    let mut table = table(
        color,
        &[
            "Package",
            "Installed",
            "Vulnerability",
            "Severity",
            "Fixed in",
            "Title",
            "Declared at",
        ],
    );
    for finding in worst_first(&result.findings) {
        let mut severity = finding.severity.as_str().to_string();
        if finding.kev.is_some() {
            severity.push_str(" (KEV)");
        }
        let severity = if color {
            Cell::new(severity).fg(severity_color(finding.severity))
        } else {
            Cell::new(severity)
        };
        let fixed = match finding.fixed_versions.as_slice() {
            [] => "-".to_string(),
            [first, rest @ ..] if rest.len() > 2 => format!("{first}, {} more", rest.len()),
            fixes => fixes.join(", "),
        };
        table.add_row(vec![
            Cell::new(&finding.package.name),
            Cell::new(&finding.package.version),
            Cell::new(&finding.id),
            severity,
            Cell::new(fixed),
            Cell::new(title(finding.summary.as_deref().unwrap_or(""))),
            Cell::new(match names.via(finding) {
                Some(via) => format!("{}\n{via}", place(&finding.package.locations[0])),
                None => place(&finding.package.locations[0]),
            }),
        ]);
    }
    table
}

/// `path:line`, and in an image the layer that brought the package in and its instruction.
fn place(location: &Location) -> String {
    match &location.layer {
        Some(layer) => format!("{location}\n{}", layer_label(layer)),
        None => location.to_string(),
    }
}

fn severity_color(severity: Severity) -> Color {
    match severity {
        Severity::Critical => Color::Red,
        Severity::High => Color::DarkRed,
        Severity::Medium => Color::Yellow,
        Severity::Low => Color::Blue,
        Severity::Unknown => Color::Grey,
    }
}

/// Titles longer than a table cell should hold are cut at a word.
fn title(summary: &str) -> String {
    const MAX: usize = 60;
    if summary.chars().count() <= MAX {
        return summary.to_string();
    }
    let cut: String = summary.chars().take(MAX).collect();
    format!(
        "{}…",
        cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head)
    )
}

fn summary(result: &ScanResult) -> String {
    let count = |severity| {
        result
            .findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    };
    let affected: BTreeSet<(&str, &str)> = result
        .findings
        .iter()
        .map(|f| {
            (
                f.package.purl.as_str(),
                f.package.locations[0].path.as_str(),
            )
        })
        .collect();
    format!(
        "{} vulnerabilities (CRITICAL: {}, HIGH: {}, MEDIUM: {}, LOW: {}, UNKNOWN: {}) in {} of {} packages, {} files.",
        result.findings.len(),
        count(Severity::Critical),
        count(Severity::High),
        count(Severity::Medium),
        count(Severity::Low),
        count(Severity::Unknown),
        affected.len(),
        result.inventory.packages.len(),
        result.inventory.files.len(),
    )
}

/// The gate's verdict, every violation behind it, and the ignores that applied or expired.
fn gate(outcome: &PolicyOutcome, out: &mut dyn Write) -> io::Result<()> {
    let why = match outcome.violations.len() {
        0 => "no rule broken".to_string(),
        1 => "1 violation".to_string(),
        n => format!("{n} violations"),
    };
    writeln!(out, "Policy: {} ({why}).", outcome.verdict.as_str())?;
    for violation in &outcome.violations {
        writeln!(out, "  {violation}")?;
    }
    // One line per ignore reason: a package-wide ignore may set aside dozens of findings.
    let mut groups: Vec<(&Ignored, usize)> = Vec::new();
    for ignored in &outcome.ignored {
        let group = groups
            .iter_mut()
            .find(|(first, _)| first.reason == ignored.reason && first.expires == ignored.expires);
        match group {
            Some((_, count)) => *count += 1,
            None => groups.push((ignored, 1)),
        }
    }
    for (ignored, count) in groups {
        let what = match count {
            1 => ignored.finding.clone(),
            n => format!("{n} findings"),
        };
        let until = ignored
            .expires
            .as_ref()
            .map_or(String::new(), |day| format!(" (until {day})"));
        writeln!(out, "  ignored {what}{until}: {}", ignored.reason)?;
    }
    for expired in &outcome.expired_ignores {
        writeln!(
            out,
            "  expired ignore {} (last day {}): {}",
            expired.target, expired.expired, expired.reason
        )?;
    }
    Ok(())
}

fn issues(result: &ScanResult, out: &mut dyn Write) -> io::Result<()> {
    let inventory = &result.inventory;
    let errors = inventory
        .issues
        .iter()
        .filter(|i| i.level == IssueLevel::Error)
        .count();
    if result.database.is_none() {
        writeln!(
            out,
            "{} packages in {} files; {} files could not be read, {} warnings.",
            inventory.packages.len(),
            inventory.files.len(),
            errors,
            inventory.issues.len() - errors
        )?;
    } else if !inventory.issues.is_empty() {
        writeln!(
            out,
            "{} files could not be read, {} warnings.",
            errors,
            inventory.issues.len() - errors
        )?;
    }
    for issue in &inventory.issues {
        let level = match issue.level {
            IssueLevel::Error => "error",
            IssueLevel::Warning => "warning",
        };
        writeln!(out, "  {level}: {issue}")?;
    }
    Ok(())
}
