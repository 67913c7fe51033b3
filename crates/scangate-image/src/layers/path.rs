//! Entry names as layers write them, made into image-root-relative paths.

/// The longest entry name or link target recorded (Linux's PATH_MAX): real layers never come
/// near it, and longer ones would only cost memory and time.
pub(crate) const MAX_PATH: usize = 4096;

/// Why an entry name was refused.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum BadPath {
    /// The name is the root itself (`./`, `/`): nothing to record.
    Root,
    /// A `..` component: such an entry could land outside the image root.
    ClimbsOut,
}

/// `name` with `./`, a leading `/` and repeated slashes removed. A name with a `..` component
/// is refused rather than resolved: no layer tool writes one.
pub(crate) fn normalise(name: &str) -> Result<String, BadPath> {
    let mut parts = Vec::new();
    for part in name.split('/') {
        match part {
            "" | "." => {}
            ".." => return Err(BadPath::ClimbsOut),
            _ => parts.push(part),
        }
    }
    if parts.is_empty() {
        return Err(BadPath::Root);
    }
    Ok(parts.join("/"))
}

/// The parent of a normalised path (`""` for a top-level entry) and its last component.
pub(crate) fn split(path: &str) -> (&str, &str) {
    path.rsplit_once('/').unwrap_or(("", path))
}

/// `name` under the directory `dir` (`""` being the root).
pub(crate) fn child(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    }
}

/// The strict ancestors of a normalised path, nearest last (`a`, `a/b` for `a/b/c`).
pub(crate) fn ancestors(path: &str) -> impl Iterator<Item = &str> {
    path.match_indices('/').map(move |(at, _)| &path[..at])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_normalised_and_climbs_refused() {
        assert_eq!(normalise("./etc//os-release").unwrap(), "etc/os-release");
        assert_eq!(normalise("/abs/path/").unwrap(), "abs/path");
        assert_eq!(normalise("./"), Err(BadPath::Root));
        assert_eq!(normalise("../../etc/passwd"), Err(BadPath::ClimbsOut));
        assert_eq!(normalise("a/../../b"), Err(BadPath::ClimbsOut));
        assert_eq!(split("a/b/c"), ("a/b", "c"));
        assert_eq!(split("c"), ("", "c"));
        assert_eq!(child("", "c"), "c");
        assert_eq!(ancestors("a/b/c").collect::<Vec<_>>(), ["a", "a/b"]);
        assert_eq!(ancestors("a").count(), 0);
    }
}
