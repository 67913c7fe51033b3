//! Python: requirements files, Pipfile.lock, poetry.lock, uv.lock, pdm.lock and the metadata of
//! installed packages.

mod installed;
mod lock_graph;
mod manifest;
mod pdm_lock;
mod pep508;
mod pipfile_lock;
mod poetry_lock;
mod requirements;
mod uv_lock;

pub use installed::InstalledMetadata;
pub use pdm_lock::PdmLock;
pub use pipfile_lock::PipfileLock;
pub use poetry_lock::PoetryLock;
pub use requirements::Requirements;
pub use uv_lock::UvLock;

use scangate_types::{Ecosystem, Origin, purl_for};

/// The key under which Python tools compare names (PEP 503 normalisation, via the purl).
pub(crate) fn key(name: &str) -> String {
    purl_for(Ecosystem::PyPI, name, None)
}

const SDIST_SUFFIXES: [&str; 6] = [".tar.gz", ".zip", ".tar.bz2", ".tar.xz", ".tgz", ".tar"];

/// Name and version spelled in a wheel (`name-1.0(-build)-py3-none-any.whl`) or source
/// archive (`name-1.0.tar.gz`) file name.
pub(crate) fn archive_name_version(file_name: &str) -> Option<(&str, &str)> {
    if let Some(stem) = file_name.strip_suffix(".whl") {
        let parts: Vec<&str> = stem.split('-').collect();
        return (matches!(parts.len(), 5 | 6) && !parts[0].is_empty() && !parts[1].is_empty())
            .then(|| (parts[0], parts[1]));
    }
    let stem = SDIST_SUFFIXES
        .iter()
        .find_map(|suffix| file_name.strip_suffix(suffix))?;
    // The version starts after the last `-` that is followed by a digit.
    let at = stem
        .match_indices('-')
        .map(|(at, _)| at)
        .rfind(|&at| stem[at + 1..].starts_with(|c: char| c.is_ascii_digit()))?;
    (at > 0).then(|| (&stem[..at], &stem[at + 1..]))
}

/// The version spelled in the archive file a URL or path points at, when that archive is
/// one of `name`.
pub(crate) fn archive_version(name: &str, location: &str) -> Option<String> {
    let location = location.split(['#', '?']).next().unwrap_or(location);
    let file_name = location.rsplit(['/', '\\']).next().unwrap_or(location);
    let (archive_name, version) = archive_name_version(file_name)?;
    (key(archive_name) == key(name)).then(|| version.to_string())
}

/// The line of each `[[table]]` header, in order; `None` for every entry when their count is
/// not `entries` (a header hidden in a multi-line string), rather than a wrong line.
pub(crate) fn array_table_lines(text: &str, header: &str, entries: usize) -> Vec<Option<u32>> {
    let lines: Vec<Option<u32>> = text
        .lines()
        .enumerate()
        .filter(|(_, line)| line.trim() == header)
        .map(|(i, _)| Some(i as u32 + 1))
        .collect();
    if lines.len() == entries {
        lines
    } else {
        vec![None; entries]
    }
}

/// Whether `text` starts with a URL scheme (`https://`, `git+ssh://`, `file:`).
pub(crate) fn has_scheme(text: &str) -> bool {
    let Some((scheme, _)) = text.split_once(':') else {
        return false;
    };
    scheme.len() > 1
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// The origin a URL names: VCS URLs (`git+https://host/repo@rev`) are git, `file:` URLs and
/// paths are paths.
pub(crate) fn url_origin(url: &str) -> Origin {
    let plain = url.split('#').next().unwrap_or(url);
    if let Some(repo) = plain.strip_prefix("git+") {
        let (url, rev) = split_vcs_rev(repo);
        return Origin::Git {
            url: url.to_string(),
            rev: rev.map(str::to_string),
        };
    }
    if let Some(path) = plain.strip_prefix("file://") {
        Origin::Path {
            path: path.to_string(),
        }
    } else if has_scheme(plain) {
        Origin::Url {
            url: plain.to_string(),
        }
    } else {
        Origin::Path {
            path: plain.to_string(),
        }
    }
}

/// `https://host/repo.git@v1` -> (`https://host/repo.git`, `v1`); an `@` before the path is
/// the user (`ssh://git@host/repo`), not a revision.
fn split_vcs_rev(url: &str) -> (&str, Option<&str>) {
    let path_start = url
        .find("://")
        .map(|at| at + 3)
        .and_then(|host| url[host..].find('/').map(|at| host + at))
        .unwrap_or(0);
    match url[path_start..].rfind('@') {
        Some(at) => (&url[..path_start + at], Some(&url[path_start + at + 1..])),
        None => (url, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn archive_file_names_spell_name_and_version() {
        assert_eq!(
            archive_name_version("six-1.15.0-py2.py3-none-any.whl"),
            Some(("six", "1.15.0"))
        );
        assert_eq!(
            archive_name_version("python-dateutil-2.8.2.tar.gz"),
            Some(("python-dateutil", "2.8.2"))
        );
        assert_eq!(archive_name_version("helper"), None);
        assert_eq!(archive_name_version("x-py3-none-any.whl"), None);
        assert_eq!(
            archive_version(
                "Six",
                "https://e.invalid/p/six-1.15.0-py2.py3-none-any.whl#sha256=0"
            ),
            Some("1.15.0".to_string())
        );
        assert_eq!(archive_version("idna", "./dist/six-1.15.0.tar.gz"), None);
    }
}
