//! `KEY=VALUE` settings: the process environment or a file written by `.ci/test-images`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Settings and where they came from, for error messages.
pub(crate) struct Vars {
    origin: String,
    values: HashMap<String, String>,
}

impl Vars {
    /// The process's `SCANGATE_TEST_*` variables, when `SCANGATE_TEST_ROOTFS` is among them.
    pub(crate) fn from_process() -> Option<Vars> {
        std::env::var_os("SCANGATE_TEST_ROOTFS")?;
        let values = std::env::vars()
            .filter(|(key, _)| key.starts_with("SCANGATE_TEST_"))
            .collect();
        Some(Vars {
            origin: "the environment".into(),
            values,
        })
    }

    /// A file of `KEY=VALUE` lines; blank lines and `#` comments are skipped.
    pub(crate) fn read(path: &Path) -> Result<Vars, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let mut values = HashMap::new();
        for (number, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (key, value) = line.split_once('=').ok_or_else(|| {
                format!("{} line {}: expected KEY=VALUE", path.display(), number + 1)
            })?;
            values.insert(key.to_string(), value.to_string());
        }
        Ok(Vars {
            origin: path.display().to_string(),
            values,
        })
    }

    pub(crate) fn get(&self, key: &str) -> Result<String, String> {
        match self.values.get(key) {
            Some(value) if !value.is_empty() => Ok(value.clone()),
            _ => Err(format!("{key} is not set in {}", self.origin)),
        }
    }

    /// A path that must exist: a fixture deleted since the script ran is reported as missing.
    pub(crate) fn path(&self, key: &str) -> Result<PathBuf, String> {
        let path = PathBuf::from(self.get(key)?);
        if path.exists() {
            Ok(path)
        } else {
            Err(format!("{key}={} does not exist", path.display()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_at_the_first_equals_sign_and_skips_comments() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("env");
        std::fs::write(&file, "# made by .ci/test-images\n\nA=b=c\n  B=  \n").unwrap();
        let vars = Vars::read(&file).unwrap();
        assert_eq!(vars.get("A").unwrap(), "b=c");
        assert_eq!(
            vars.get("B").unwrap_err(),
            format!("B is not set in {}", file.display())
        );
    }

    #[test]
    fn rejects_a_line_without_equals_sign() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("env");
        std::fs::write(&file, "A=1\nexport\n").unwrap();
        let error = Vars::read(&file).err().unwrap();
        assert_eq!(
            error,
            format!("{} line 2: expected KEY=VALUE", file.display())
        );
    }
}
