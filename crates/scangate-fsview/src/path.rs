//! Helpers for the `/`-separated relative paths a view uses.

/// The last component of `path`.
pub fn file_name(path: &str) -> &str {
    path.rsplit_once('/').map_or(path, |(_, name)| name)
}

/// The directory holding `path` (`""` for the root).
pub fn parent(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

/// `dir` joined with the relative path `rel`, with `.` and `..` resolved. `None` when `rel` is
/// absolute or climbs above the root: a file may not lead a cataloger out of the scanned tree.
pub fn join(dir: &str, rel: &str) -> Option<String> {
    let rel = rel.replace('\\', "/");
    if rel.starts_with('/') {
        return None;
    }
    let mut parts: Vec<&str> = dir.split('/').filter(|part| !part.is_empty()).collect();
    for part in rel.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            _ => parts.push(part),
        }
    }
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_stay_inside_the_root() {
        assert_eq!(join("a/b", "../c/pom.xml").as_deref(), Some("a/c/pom.xml"));
        assert_eq!(join("", "./x.txt").as_deref(), Some("x.txt"));
        assert_eq!(join("a", "..\\b\\req.txt").as_deref(), Some("b/req.txt"));
        assert_eq!(join("a", "../../etc/passwd"), None);
        assert_eq!(join("a", "/etc/passwd"), None);
    }

    #[test]
    fn names_and_parents() {
        assert_eq!(file_name("a/b/Cargo.lock"), "Cargo.lock");
        assert_eq!(file_name("Cargo.lock"), "Cargo.lock");
        assert_eq!(parent("a/b/Cargo.lock"), "a/b");
        assert_eq!(parent("Cargo.lock"), "");
    }
}
