use crate::{CatalogError, Cataloger, Catalogued, Context, SourceFile, merge};
use rayon::prelude::*;
use scangate_fsview::{FileView, Select};
use scangate_types::{FileIssue, Inventory, IssueLevel, Package, ScannedFile};
use std::panic::{AssertUnwindSafe, catch_unwind};

/// Runs `catalogers` over every file of `view` they match, in parallel, and merges what they
/// find. A file that cannot be read or parsed becomes an issue; the rest of the scan goes on.
pub fn scan(view: &dyn FileView, catalogers: &[&dyn Cataloger]) -> Inventory {
    let walk = view.walk(&Select {
        path: &|path| catalogers.iter().any(|c| c.matches(path)),
        executables: catalogers.iter().any(|c| c.reads_executables()),
    });
    let by_path = walk.files.par_iter().map(|path| {
        let wanted: Vec<_> = catalogers.iter().filter(|c| c.matches(path)).collect();
        catalog_file(view, &wanted, path)
    });
    let binary: Vec<_> = catalogers
        .iter()
        .filter(|c| c.reads_executables())
        .collect();
    let executables = walk
        .executables
        .par_iter()
        .map(|path| catalog_file(view, &binary, path))
        // Most executables carry no dependency list: not worth a line in the report.
        .filter(|outcome| !outcome.packages.is_empty() || !outcome.issues.is_empty());
    let per_file: Vec<FileOutcome> = by_path.chain(executables).collect();

    let mut inventory = Inventory {
        issues: walk.issues,
        ..Inventory::default()
    };
    let mut packages = Vec::new();
    for outcome in per_file {
        inventory.files.extend(outcome.files);
        inventory.issues.extend(outcome.issues);
        packages.extend(outcome.packages);
    }
    inventory.packages = merge::merge(packages);
    inventory.issues.sort();
    inventory
}

#[derive(Default)]
struct FileOutcome {
    files: Vec<ScannedFile>,
    packages: Vec<Package>,
    issues: Vec<FileIssue>,
}

fn catalog_file(view: &dyn FileView, catalogers: &[&&dyn Cataloger], path: &str) -> FileOutcome {
    let mut outcome = FileOutcome::default();
    let issue = |level, line, message: String| FileIssue {
        path: path.to_string(),
        line,
        level,
        message,
    };
    let bytes = match view.read(path) {
        Ok(bytes) => crate::cataloger::from_utf16(bytes),
        Err(err) => {
            outcome
                .issues
                .push(issue(IssueLevel::Error, None, err.to_string()));
            return outcome;
        }
    };
    let file = SourceFile {
        path,
        bytes: &bytes,
    };
    let ctx = Context { view };
    for cataloger in catalogers {
        match run_guarded(**cataloger, &file, &ctx) {
            Ok(Catalogued { packages, warnings }) => {
                outcome.files.push(ScannedFile {
                    path: path.to_string(),
                    cataloger: cataloger.name().to_string(),
                    packages: packages.len(),
                });
                // Credentials in a recorded URL must never reach a report.
                outcome.packages.extend(packages.into_iter().map(|mut p| {
                    p.origin = p.origin.without_credentials();
                    p
                }));
                outcome.issues.extend(
                    warnings
                        .into_iter()
                        .map(|w| issue(IssueLevel::Warning, w.line, w.message)),
                );
            }
            Err(err) => outcome
                .issues
                .push(issue(IssueLevel::Error, err.line, err.message)),
        }
    }
    outcome
}

/// A cataloger bug must cost one file, not the scan.
fn run_guarded(
    cataloger: &dyn Cataloger,
    file: &SourceFile<'_>,
    ctx: &Context<'_>,
) -> Result<Catalogued, CatalogError> {
    catch_unwind(AssertUnwindSafe(|| cataloger.catalog(file, ctx))).unwrap_or_else(|panic| {
        let detail = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        Err(CatalogError::new(format!(
            "internal error in cataloger {}: {detail}",
            cataloger.name()
        )))
    })
}
