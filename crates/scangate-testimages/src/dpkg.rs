//! The expected package lists: tab-separated `dpkg-query` output.

use std::path::Path;

/// One `${Package}\t${Version}\t${Architecture}` row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DpkgPackage {
    pub name: String,
    pub version: String,
    pub architecture: String,
}

/// One `${Package}\t${source:Package}\t${source:Version}` row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DpkgSource {
    pub package: String,
    pub source_name: String,
    pub source_version: String,
}

pub(crate) fn packages(path: &Path) -> Result<Vec<DpkgPackage>, String> {
    rows(path, |[name, version, architecture]| DpkgPackage {
        name,
        version,
        architecture,
    })
}

pub(crate) fn sources(path: &Path) -> Result<Vec<DpkgSource>, String> {
    rows(path, |[package, source_name, source_version]| DpkgSource {
        package,
        source_name,
        source_version,
    })
}

/// Each line of `path` as three non-empty tab-separated fields.
fn rows<T>(path: &Path, make: impl Fn([String; 3]) -> T) -> Result<Vec<T>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    text.lines()
        .enumerate()
        .map(|(number, line)| {
            let fields: Vec<&str> = line.split('\t').collect();
            match fields[..] {
                [a, b, c] if !a.is_empty() && !b.is_empty() && !c.is_empty() => {
                    Ok(make([a.into(), b.into(), c.into()]))
                }
                _ => Err(format!(
                    "{} line {}: expected three tab-separated fields",
                    path.display(),
                    number + 1
                )),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_a_row_with_a_missing_field() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("dpkg-query.txt");
        std::fs::write(&file, "bash\t5.2.15-2+b13\tamd64\nhello\t\tamd64\n").unwrap();
        assert_eq!(
            packages(&file).unwrap_err(),
            format!(
                "{} line 2: expected three tab-separated fields",
                file.display()
            )
        );
    }
}
