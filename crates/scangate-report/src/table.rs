//! The readable table: packages, then the files that could not be read.

use comfy_table::{Cell, Color, ContentArrangement, Table, presets::UTF8_FULL_CONDENSED};
use scangate_types::{IssueLevel, Package, ScanResult};
use std::io::{self, Write};

pub fn write(result: &ScanResult, color: bool, out: &mut dyn Write) -> io::Result<()> {
    let inventory = &result.inventory;
    let mut table = Table::new();
    table
        .load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic);
    if !color {
        table.force_no_tty();
    } else {
        table.enforce_styling();
    }
    table.set_header([
        "Package",
        "Version",
        "Ecosystem",
        "Dependency",
        "Scope",
        "Declared at",
    ]);
    for package in &inventory.packages {
        table.add_row(vec![
            Cell::new(&package.name),
            version_cell(package, color),
            Cell::new(package.ecosystem.as_str()),
            Cell::new(format!("{:?}", package.relationship).to_lowercase()),
            Cell::new(
                package
                    .scope
                    .map_or("-".to_string(), |s| format!("{s:?}").to_lowercase()),
            ),
            Cell::new(package.location().to_string()),
        ]);
    }
    writeln!(out, "{} ({})", result.target.name, result.target.kind)?;
    if inventory.packages.is_empty() {
        writeln!(out, "No packages found.")?;
    } else {
        writeln!(out, "{table}")?;
    }
    let errors = inventory
        .issues
        .iter()
        .filter(|i| i.level == IssueLevel::Error)
        .count();
    writeln!(
        out,
        "{} packages in {} files; {} files could not be read, {} warnings.",
        inventory.packages.len(),
        inventory.files.len(),
        errors,
        inventory.issues.len() - errors
    )?;
    for issue in &inventory.issues {
        let level = match issue.level {
            IssueLevel::Error => "error",
            IssueLevel::Warning => "warning",
        };
        writeln!(out, "  {level}: {issue}")?;
    }
    Ok(())
}

fn version_cell(package: &Package, color: bool) -> Cell {
    match (&package.version, &package.requirement) {
        (Some(version), _) => Cell::new(version),
        (None, requirement) => {
            let text = format!("{} (unresolved)", requirement.as_deref().unwrap_or("*"));
            if color {
                Cell::new(text).fg(Color::Yellow)
            } else {
                Cell::new(text)
            }
        }
    }
}
