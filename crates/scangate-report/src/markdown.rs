//! A Markdown summary for CI summary pages (GitHub's job summary, a merge request note): the
//! verdict, counts by severity, the worst findings and the files that could not be read.

use crate::paths::PathNames;
use crate::worst_first;
use scangate_types::{IssueLevel, PolicyOutcome, ScanResult, Severity};
use std::collections::BTreeSet;
use std::io::{self, Write};

/// Findings listed in the table; the rest are counted.
pub const TOP: usize = 20;

pub fn write(result: &ScanResult, out: &mut dyn Write) -> io::Result<()> {
    out.write_all(render(result).as_bytes())
}

/// The whole summary as one string.
pub fn render(result: &ScanResult) -> String {
    let mut md = format!("## scangate: {}\n\n", code(&result.target.name));
    if let Some(policy) = &result.policy {
        verdict(&mut md, policy);
    }
    if result.database.is_some() {
        counts(&mut md, result);
        top_findings(&mut md, result);
    } else {
        md.push_str(&format!(
            "{} packages in {} files; not matched against an advisory database.\n\n",
            result.inventory.packages.len(),
            result.inventory.files.len()
        ));
    }
    unreadable(&mut md, result);
    md
}

fn verdict(md: &mut String, policy: &PolicyOutcome) {
    let broken = match policy.violations.len() {
        0 => "no rule broken".to_string(),
        1 => "1 rule broken".to_string(),
        n => format!("{n} rules broken"),
    };
    let verdict = format!("{:?}", policy.verdict).to_uppercase();
    md.push_str(&format!("**Verdict: {verdict}** ({broken})\n\n"));
    for violation in &policy.violations {
        md.push_str(&format!(
            "- **{}** {}: {}\n",
            format!("{:?}", violation.action).to_lowercase(),
            code(&violation.rule),
            cell(&violation.message)
        ));
    }
    for ignored in &policy.ignored {
        md.push_str(&format!(
            "- ignored {}: {}{}\n",
            code(&ignored.finding),
            cell(&ignored.reason),
            ignored
                .expires
                .as_ref()
                .map_or(String::new(), |date| format!(" (until {date})"))
        ));
    }
    for expired in &policy.expired_ignores {
        md.push_str(&format!(
            "- expired ignore {}: {} (expired {}, no longer applies)\n",
            code(&expired.target),
            cell(&expired.reason),
            expired.expired
        ));
    }
    if !(policy.violations.is_empty()
        && policy.ignored.is_empty()
        && policy.expired_ignores.is_empty())
    {
        md.push('\n');
    }
}

fn counts(md: &mut String, result: &ScanResult) {
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
    md.push_str(&format!(
        "**{} vulnerabilities** in {} of {} packages ({} files).\n\n",
        result.findings.len(),
        affected.len(),
        result.inventory.packages.len(),
        result.inventory.files.len()
    ));
    md.push_str("| Severity | Findings |\n|---|---:|\n");
    for severity in [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Unknown,
    ] {
        let count = result
            .findings
            .iter()
            .filter(|f| f.severity == severity)
            .count();
        md.push_str(&format!("| {} | {count} |\n", severity.as_str()));
    }
    md.push('\n');
}

fn top_findings(md: &mut String, result: &ScanResult) {
    if result.findings.is_empty() {
        return;
    }
    let names = PathNames::new(result);
    md.push_str("### Top findings\n\n");
    md.push_str("| Severity | Vulnerability | Package | Installed | Fixed in | Declared at | Introduced via |\n");
    md.push_str("|---|---|---|---|---|---|---|\n");
    let sorted = worst_first(&result.findings);
    for finding in sorted.iter().take(TOP) {
        let mut severity = finding.severity.as_str().to_string();
        if finding.kev.is_some() {
            severity.push_str(" (KEV)");
        }
        md.push_str(&format!(
            "| {severity} | {} | {} | {} | {} | {} | {} |\n",
            cell(&finding.id),
            code(&finding.package.name),
            cell(&finding.package.version),
            cell(
                &finding
                    .fixed_versions
                    .first()
                    .cloned()
                    .unwrap_or_else(|| "-".into())
            ),
            code(&finding.package.locations[0].to_string()),
            cell(
                &names
                    .shortest(finding)
                    .unwrap_or_else(|| names.without_path(finding).to_string())
            ),
        ));
    }
    if sorted.len() > TOP {
        md.push_str(&format!("\n_and {} more_\n", sorted.len() - TOP));
    }
    md.push('\n');
}

fn unreadable(md: &mut String, result: &ScanResult) {
    let errors: Vec<_> = result
        .inventory
        .issues
        .iter()
        .filter(|i| i.level == IssueLevel::Error)
        .collect();
    if errors.is_empty() {
        return;
    }
    md.push_str("### Files that could not be read\n\n");
    for issue in errors {
        let at = match issue.line {
            Some(line) => format!("{}:{line}", issue.path),
            None => issue.path.clone(),
        };
        md.push_str(&format!("- {}: {}\n", code(&at), cell(&issue.message)));
    }
    md.push('\n');
}

/// Text in a table cell or a list item: one line, pipes escaped, no HTML tags (a `<` opens none).
pub(crate) fn cell(text: &str) -> String {
    let mut cell = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '|' => cell.push_str("\\|"),
            '<' => cell.push_str("&lt;"),
            '\n' | '\r' | '\t' => cell.push(' '),
            c => cell.push(c),
        }
    }
    cell
}

/// A name or path as inline code; a backtick in it makes it plain text instead.
fn code(text: &str) -> String {
    let escaped = text.replace('|', "\\|").replace(['\n', '\r'], " ");
    if text.contains('`') {
        cell(text)
    } else {
        format!("`{escaped}`")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdict_counts_top_findings_and_unreadable_files() {
        assert_eq!(
            render(&crate::sample::result()),
            r#"## scangate: `demo`

**Verdict: DENY** (1 rule broken)

- **deny** `no-high`: 1 finding at HIGH or above (at most 0 allowed)
- ignored `GHSA-gxpj-cx7g-858c@pkg:npm/debug@2.6.8#web/package-lock.json`: not reachable (until 2027-01-01)
- expired ignore `CVE-2020-0001`: waiting for upstream (expired 2026-01-01, no longer applies)

**2 vulnerabilities** in 2 of 4 packages (1 files).

| Severity | Findings |
|---|---:|
| CRITICAL | 0 |
| HIGH | 1 |
| MEDIUM | 0 |
| LOW | 1 |
| UNKNOWN | 0 |

### Top findings

| Severity | Vulnerability | Package | Installed | Fixed in | Declared at | Introduced via |
|---|---|---|---|---|---|---|
| HIGH (KEV) | CVE-2022-24999 | `qs` | 6.7.0 | 6.7.3 | `web/package-lock.json:40` | app-server@1.0.0 > body-parser@1.19.0 |
| LOW | GHSA-gxpj-cx7g-858c | `debug` | 2.6.8 | - | `web/package-lock.json:30` | direct dependency |

### Files that could not be read

- `api/Cargo.lock:3`: invalid TOML: expected `]`

"#
        );
    }

    #[test]
    fn findings_past_the_top_are_counted() {
        let mut result = crate::sample::result();
        let extra = result.findings[0].clone();
        result.findings.extend(std::iter::repeat_n(extra, TOP));
        let md = render(&result);
        assert_eq!(md.matches("| LOW | GHSA-gxpj-cx7g-858c |").count(), TOP - 1);
        assert!(md.contains("\n_and 2 more_\n"), "{md}");
    }

    #[test]
    fn cells_stay_one_line_without_markup() {
        assert_eq!(cell("a | b\n<script>"), "a \\| b &lt;script>");
        assert_eq!(code("x|y"), "`x\\|y`");
        assert_eq!(code("a`b"), "a`b");
    }
}
