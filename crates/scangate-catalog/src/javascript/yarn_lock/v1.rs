//! The yarn 1 lockfile: not YAML but yarn's own indented format.
//!
//! ```text
//! "@scope/a@^1.0.0", "@scope/a@^1.1.0":
//!   version "1.2.0"
//!   resolved "https://host/@scope/a/-/a-1.2.0.tgz#sha1"
//!   dependencies:
//!     b "~2.0.0"
//! ```
//!
//! Each entry is keyed by the `name@range` specifiers it resolves; indentation is two spaces a
//! level; keys and values are bare words or JSON-style quoted strings; `#` starts a comment line.

use super::project_roots;
use crate::javascript::graph::{Graph, Node};
use crate::javascript::specifier::{
    git_origin, local_origin, npm_alias, source_origin, split_fragment, split_name_version,
};
use crate::{CatalogError, Catalogued, Context, SourceFile};
use scangate_types::Origin;
use std::collections::HashMap;

/// One entry, as written.
#[derive(Debug, Default, PartialEq)]
struct Entry {
    line: u32,
    specifiers: Vec<String>,
    version: Option<String>,
    resolved: Option<String>,
    /// `dependencies` and `optionalDependencies`, as `(name, range)`.
    dependencies: Vec<(String, String)>,
}

pub fn catalog(
    file: &SourceFile<'_>,
    text: &str,
    ctx: &Context<'_>,
) -> Result<Catalogued, CatalogError> {
    let entries = parse(text)?;
    let mut graph = Graph::default();
    let mut by_specifier: HashMap<&str, usize> = HashMap::new();
    let mut nodes = Vec::with_capacity(entries.len());
    for entry in &entries {
        let node = graph.add(node(entry)?);
        for specifier in &entry.specifiers {
            by_specifier.entry(specifier).or_insert(node);
        }
        nodes.push(node);
    }
    let resolve = |name: &str, range: &str| {
        by_specifier
            .get(format!("{name}@{range}").as_str())
            .copied()
    };
    for (entry, &node) in entries.iter().zip(&nodes) {
        for (name, range) in &entry.dependencies {
            if let Some(dep) = resolve(name, range) {
                graph.add_edge(node, dep);
            }
        }
    }
    let mut warnings = Vec::new();
    let roots = project_roots(file, ctx, &mut warnings, resolve);
    Ok(Catalogued {
        packages: graph.into_packages(file, roots.as_deref()),
        warnings,
    })
}

fn node(entry: &Entry) -> Result<Node, CatalogError> {
    let (alias, range) = split_name_version(&entry.specifiers[0]);
    let (name, range) = npm_alias(alias, range).unwrap_or((alias, range));
    let version = entry.version.clone().ok_or_else(|| {
        CatalogError::at(
            entry.line,
            format!(
                "invalid yarn.lock: entry `{}` has no version",
                entry.specifiers[0]
            ),
        )
    })?;
    Ok(Node::new(
        name,
        Some(entry.line),
        origin(range, entry.resolved.as_deref()),
    )
    .versioned(Some(version), range))
}

/// Where the code comes from, told by the shape of the range the project asked for; for git
/// and URL ranges, `resolved` gives the commit and the address (without yarn's `#hash`).
fn origin(range: &str, resolved: Option<&str>) -> Origin {
    match source_origin(range) {
        Some(Origin::Path { path }) => local_origin("", &path),
        Some(Origin::Git { .. }) => git_origin(resolved.unwrap_or(range)),
        Some(Origin::Url { url }) => Origin::Url {
            url: split_fragment(resolved.unwrap_or(&url)).0.to_string(),
        },
        Some(Origin::Registry) | None => Origin::Registry,
    }
}

fn invalid(line: u32, message: &str) -> CatalogError {
    CatalogError::at(line, format!("invalid yarn.lock: {message}"))
}

/// Reads the entries; every structural mistake is an error naming its line.
fn parse(text: &str) -> Result<Vec<Entry>, CatalogError> {
    let mut entries: Vec<Entry> = Vec::new();
    // The keys of the blocks open above the current line: an entry, then nested `key:` blocks.
    let mut open: Vec<String> = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let line = index as u32 + 1;
        let content = raw.trim_end();
        let body = content.trim_start_matches(' ');
        if body.is_empty() || body.starts_with('#') {
            continue;
        }
        if body.starts_with('\t') {
            return Err(invalid(line, "indentation must use spaces"));
        }
        let indent = content.len() - body.len();
        if indent % 2 != 0 {
            return Err(invalid(
                line,
                &format!("indentation of {indent} spaces is not a multiple of two"),
            ));
        }
        let level = indent / 2;
        if level > open.len() {
            return Err(invalid(line, "unexpected indentation"));
        }
        open.truncate(level);
        if level == 0 {
            let header = body
                .strip_suffix(':')
                .ok_or_else(|| invalid(line, "expected an entry `name@range:`"))?;
            entries.push(Entry {
                line,
                specifiers: specifiers(header, line)?,
                ..Entry::default()
            });
            open.push(String::new());
            continue;
        }
        let (key, value) = pair(body, line)?;
        let Some(entry) = entries.last_mut() else {
            return Err(invalid(line, "unexpected indentation"));
        };
        match (value, open.as_slice()) {
            (None, _) => open.push(key),
            (Some(value), [_]) if key == "version" => entry.version = Some(value),
            (Some(value), [_]) if key == "resolved" => entry.resolved = Some(value),
            (Some(value), [_, block])
                if block == "dependencies" || block == "optionalDependencies" =>
            {
                entry.dependencies.push((key, value));
            }
            _ => {}
        }
    }
    Ok(entries)
}

/// The comma-separated specifiers of an entry header.
fn specifiers(header: &str, line: u32) -> Result<Vec<String>, CatalogError> {
    let mut specifiers = Vec::new();
    let mut rest = header.trim();
    loop {
        let (specifier, after) = if rest.starts_with('"') {
            quoted(rest, line)?
        } else {
            let end = rest.find(',').unwrap_or(rest.len());
            (rest[..end].trim_end().to_string(), &rest[end..])
        };
        if specifier.is_empty() {
            return Err(invalid(line, "empty specifier in entry header"));
        }
        specifiers.push(specifier);
        let after = after.trim_start();
        if after.is_empty() {
            return Ok(specifiers);
        }
        rest = after
            .strip_prefix(',')
            .ok_or_else(|| invalid(line, "expected `,` between specifiers"))?
            .trim_start();
    }
}

/// `key value` (a value) or `key:` (a nested block opens).
fn pair(body: &str, line: u32) -> Result<(String, Option<String>), CatalogError> {
    let (key, rest) = if body.starts_with('"') {
        quoted(body, line)?
    } else {
        let end = body.find(char::is_whitespace).unwrap_or(body.len());
        (body[..end].to_string(), &body[end..])
    };
    let (key, rest) = match (key.strip_suffix(':'), rest.strip_prefix(':')) {
        (Some(bare), _) if !body.starts_with('"') => (bare.to_string(), rest),
        (_, Some(after)) => (key, after),
        _ => (key, rest),
    };
    let rest = rest.trim();
    if rest.is_empty() {
        return Ok((key, None));
    }
    let value = if rest.starts_with('"') {
        let (value, after) = quoted(rest, line)?;
        if !after.trim().is_empty() {
            return Err(invalid(line, "unexpected text after a string"));
        }
        value
    } else {
        rest.to_string()
    };
    Ok((key, Some(value)))
}

/// The JSON-style string `text` starts with, and what follows it.
fn quoted(text: &str, line: u32) -> Result<(String, &str), CatalogError> {
    let bytes = text.as_bytes();
    let mut i = 1;
    while i < bytes.len() && bytes[i] != b'"' {
        i += if bytes[i] == b'\\' { 2 } else { 1 };
    }
    if i >= bytes.len() {
        return Err(invalid(line, "unterminated string"));
    }
    let raw = &text[..=i];
    let value = if raw.contains('\\') {
        serde_json::from_str(raw).map_err(|_| invalid(line, "invalid escape in a string"))?
    } else {
        raw[1..i].to_string()
    };
    Ok((value, &text[i + 1..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_entries_with_several_specifiers_and_blocks() {
        let text = "# yarn lockfile v1\n\n\"@a/b@^1.0.0\", c@2:\n  version \"1.2.0\"\n  resolved \"https://h.invalid/b.tgz#ab\"\n  dependencies:\n    \"@d/e\" \"*\"\n    f ^1\n  optionalDependencies:\n    g \"1\"\n  peerDependencies:\n    h \"2\"\n";
        let entries = parse(text).unwrap();
        assert_eq!(
            entries,
            [Entry {
                line: 3,
                specifiers: vec!["@a/b@^1.0.0".into(), "c@2".into()],
                version: Some("1.2.0".into()),
                resolved: Some("https://h.invalid/b.tgz#ab".into()),
                dependencies: vec![
                    ("@d/e".into(), "*".into()),
                    ("f".into(), "^1".into()),
                    ("g".into(), "1".into()),
                ],
            }]
        );
    }

    #[test]
    fn structural_mistakes_name_their_line() {
        let cases = [
            (
                "a@1:\n   version \"1\"\n",
                "2: invalid yarn.lock: indentation of 3 spaces is not a multiple of two",
            ),
            (
                "a@1:\n    version \"1\"\n",
                "2: invalid yarn.lock: unexpected indentation",
            ),
            (
                "a@1\n  version \"1\"\n",
                "1: invalid yarn.lock: expected an entry `name@range:`",
            ),
            (
                "a@1:\n  version \"1\n",
                "2: invalid yarn.lock: unterminated string",
            ),
            (
                "\"a@1\" b@2:\n",
                "1: invalid yarn.lock: expected `,` between specifiers",
            ),
            (
                "a@1:\n\tversion \"1\"\n",
                "2: invalid yarn.lock: indentation must use spaces",
            ),
            (
                "a@1:\n  version \"1\" x\n",
                "2: invalid yarn.lock: unexpected text after a string",
            ),
        ];
        for (text, expected) in cases {
            let err = parse(text).unwrap_err();
            assert_eq!(
                format!("{}: {}", err.line.unwrap(), err.message),
                expected,
                "{text}"
            );
        }
    }

    #[test]
    fn an_entry_without_version_is_an_error() {
        let entries = parse("a@^1:\n  resolved \"https://h.invalid/a.tgz\"\n").unwrap();
        let err = node(&entries[0]).err().unwrap();
        assert_eq!(err.line, Some(1));
        assert_eq!(
            err.message,
            "invalid yarn.lock: entry `a@^1` has no version"
        );
    }

    #[test]
    fn aliases_are_the_package_they_name() {
        let entries = parse("\"b@npm:@s/a@^2\":\n  version \"2.0.0\"\n").unwrap();
        let node = node(&entries[0]).unwrap();
        assert_eq!(
            (node.name.as_str(), node.version.as_deref()),
            ("@s/a", Some("2.0.0"))
        );
    }

    #[test]
    fn origins_follow_the_range() {
        assert_eq!(
            origin("^1.0.0", Some("https://h.invalid/a/-/a-1.0.0.tgz#x")),
            Origin::Registry
        );
        assert_eq!(
            origin(
                "owner/repo#main",
                Some("https://h.invalid/owner/repo/tar.gz/abc")
            ),
            Origin::Git {
                url: "https://h.invalid/owner/repo/tar.gz/abc".into(),
                rev: None
            }
        );
        assert_eq!(
            origin("link:./x/../y", None),
            Origin::Path { path: "y".into() }
        );
    }
}
