//! What the npm catalogers share: package.json's dependency sections, specifiers, licences and
//! workspace patterns, and where a lockfile's `resolved` says a package came from.

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use scangate_fsview::parent;
use scangate_types::{Origin, Scope};
use serde_json::Value;

/// The dependency sections of a package.json, with the scope each gives.
pub(super) const SECTIONS: [(&str, Scope); 4] = [
    ("dependencies", Scope::Prod),
    ("devDependencies", Scope::Dev),
    ("optionalDependencies", Scope::Optional),
    ("peerDependencies", Scope::Peer),
];

/// A dependency specifier of package.json, classified the way npm reads it.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Spec<'a> {
    /// A version, range or tag of `name` in the registry; `name` is the real package for an
    /// `npm:` alias.
    Registry { name: &'a str, range: &'a str },
    /// The `workspace:` protocol: one of the project's own packages.
    Workspace,
    /// A git repository, a local folder or tarball, or an archive URL.
    Source(Origin),
}

pub(super) fn parse_spec<'a>(name: &'a str, spec: &'a str) -> Spec<'a> {
    let spec = spec.trim();
    if spec.starts_with("workspace:") {
        Spec::Workspace
    } else if let Some(aliased) = spec.strip_prefix("npm:") {
        let (name, range) = split_name_version(aliased);
        Spec::Registry { name, range }
    } else if let Some(path) = spec
        .strip_prefix("file:")
        .or_else(|| spec.strip_prefix("link:"))
    {
        Spec::Source(Origin::Path {
            path: path.to_string(),
        })
    } else if is_git(spec) || is_hosted_shorthand(spec) {
        Spec::Source(git(spec))
    } else if spec.starts_with("http://") || spec.starts_with("https://") {
        Spec::Source(Origin::Url {
            url: spec.to_string(),
        })
    } else if spec.starts_with('.') || spec.starts_with('/') || spec.starts_with("~/") {
        Spec::Source(Origin::Path {
            path: spec.to_string(),
        })
    } else {
        Spec::Registry { name, range: spec }
    }
}

/// `name@version` split at the `@` that follows the name (a scope's `@` is part of the name).
pub(super) fn split_name_version(text: &str) -> (&str, &str) {
    let from = usize::from(text.starts_with('@'));
    match text[from..].find('@') {
        Some(at) => (&text[..from + at], &text[from + at + 1..]),
        None => (text, ""),
    }
}

/// The version a range pins exactly (`1.2.3`, `=1.2.3`, `v1.2.3-rc.1`), if it is one version.
pub(super) fn exact_version(range: &str) -> Option<&str> {
    let version = range.trim();
    let version = version.strip_prefix('=').unwrap_or(version).trim_start();
    let version = version.strip_prefix('v').unwrap_or(version);
    let (core, tail) = version.split_at(version.find(['-', '+']).unwrap_or(version.len()));
    let numbers = core.split('.').collect::<Vec<_>>();
    let core_ok = numbers.len() == 3
        && numbers
            .iter()
            .all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
    let tail_ok = tail.is_empty()
        || (tail.len() > 1
            && tail
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'+')));
    (core_ok && tail_ok).then_some(version)
}

/// Where a lockfile's `resolved` (or a v1 `version` that is not a version) says `name` came
/// from. Registry tarballs are recognised by their shape, `<base>/<name>/-/<file>.tgz`.
pub(super) fn resolved_origin(name: &str, resolved: &str) -> Origin {
    if is_git(resolved) {
        git(resolved)
    } else if let Some(path) = resolved.strip_prefix("file:") {
        Origin::Path {
            path: path.to_string(),
        }
    } else if !resolved.contains("://") {
        Origin::Path {
            path: resolved.to_string(),
        }
    } else if is_registry_tarball(name, resolved) {
        Origin::Registry
    } else {
        Origin::Url {
            url: resolved.to_string(),
        }
    }
}

fn is_registry_tarball(name: &str, url: &str) -> bool {
    let Some((base, file)) = url.rsplit_once("/-/") else {
        return false;
    };
    let encoded = name.replace('/', "%2f");
    let base = base.to_ascii_lowercase();
    (url.starts_with("https://") || url.starts_with("http://"))
        && !file.contains('/')
        && file.ends_with(".tgz")
        && (base.ends_with(&format!("/{}", name.to_ascii_lowercase()))
            || base.ends_with(&format!("/{}", encoded.to_ascii_lowercase())))
}

fn is_git(spec: &str) -> bool {
    [
        "git+",
        "git://",
        "github:",
        "gitlab:",
        "bitbucket:",
        "gist:",
    ]
    .iter()
    .any(|prefix| spec.starts_with(prefix))
}

/// `user/repo` or `user/repo#ref`: npm's shorthand for a GitHub repository.
fn is_hosted_shorthand(spec: &str) -> bool {
    let body = spec.split_once('#').map_or(spec, |(body, _)| body);
    let Some((user, repo)) = body.split_once('/') else {
        return false;
    };
    let bad = |c: char| c.is_whitespace() || matches!(c, '@' | '%' | '/');
    !user.is_empty()
        && !repo.is_empty()
        && !user.starts_with(['.', '-'])
        && !user.chars().any(|c| bad(c) || c == ':')
        && !repo.chars().any(bad)
}

/// A git origin: the URL without its `#fragment`, which names the revision.
fn git(spec: &str) -> Origin {
    let (url, rev) = match spec.split_once('#') {
        Some((url, rev)) => (url, Some(rev).filter(|r| !r.is_empty())),
        None => (spec, None),
    };
    Origin::Git {
        url: url.to_string(),
        rev: rev.map(str::to_owned),
    }
}

/// The licences a package.json's `license` and `licenses` fields name: an SPDX string, or the
/// old `{"type": ...}` objects, alone or in arrays.
pub(super) fn licenses<'a>(fields: impl IntoIterator<Item = Option<&'a Value>>) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    for field in fields.into_iter().flatten() {
        let items = match field {
            Value::Array(items) => items.as_slice(),
            single => std::slice::from_ref(single),
        };
        for item in items {
            let text = match item {
                Value::String(text) => Some(text.as_str()),
                Value::Object(object) => object.get("type").and_then(Value::as_str),
                _ => None,
            };
            if let Some(text) = text.map(str::trim).filter(|t| !t.is_empty())
                && !found.iter().any(|known| known == text)
            {
                found.push(text.to_string());
            }
        }
    }
    found
}

/// The member folders a package.json's `workspaces` field names (`["packages/*"]`, or
/// `{"packages": [...]}`), relative to its folder; `!pattern` excludes. Invalid patterns are
/// left out.
pub(super) struct Workspaces {
    include: GlobSet,
    exclude: GlobSet,
}

impl Workspaces {
    pub(super) fn from_field(field: &Value) -> Option<Workspaces> {
        let patterns = match field {
            Value::Object(object) => object.get("packages")?.as_array()?,
            Value::Array(patterns) => patterns,
            _ => return None,
        };
        let (mut include, mut exclude) = (GlobSetBuilder::new(), GlobSetBuilder::new());
        for pattern in patterns.iter().filter_map(Value::as_str) {
            let (set, pattern) = match pattern.strip_prefix('!') {
                Some(negated) => (&mut exclude, negated),
                None => (&mut include, pattern),
            };
            let pattern = pattern.trim_start_matches("./").trim_end_matches('/');
            if let Ok(glob) = GlobBuilder::new(pattern).literal_separator(true).build() {
                set.add(glob);
            }
        }
        Some(Workspaces {
            include: include.build().ok()?,
            exclude: exclude.build().ok()?,
        })
    }

    /// Whether the folder `dir` (relative to the workspace root) is a member.
    pub(super) fn contains(&self, dir: &str) -> bool {
        !dir.is_empty() && self.include.is_match(dir) && !self.exclude.is_match(dir)
    }
}

/// `dir` and every folder above it, up to the root `""`.
pub(super) fn ancestors(dir: &str) -> impl Iterator<Item = &str> {
    std::iter::successors(Some(dir), |d| (!d.is_empty()).then(|| parent(d)))
}

/// Whether `path` lies inside a `node_modules` folder.
pub(super) fn in_node_modules(path: &str) -> bool {
    path.split('/').any(|part| part == "node_modules")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(spec: &str) -> Origin {
        match parse_spec("dep", spec) {
            Spec::Source(origin) => origin,
            other => panic!("{spec}: {other:?}"),
        }
    }

    #[test]
    fn specifiers_are_classified_like_npm() {
        assert_eq!(
            parse_spec("x", "^1.2.0"),
            Spec::Registry {
                name: "x",
                range: "^1.2.0"
            }
        );
        assert_eq!(
            parse_spec("alias", "npm:@scope/real@~2.0.1"),
            Spec::Registry {
                name: "@scope/real",
                range: "~2.0.1"
            }
        );
        assert_eq!(parse_spec("x", "workspace:*"), Spec::Workspace);
        assert_eq!(
            source("github:acme/lib#v1.0.0"),
            Origin::Git {
                url: "github:acme/lib".into(),
                rev: Some("v1.0.0".into())
            }
        );
        assert_eq!(
            source("acme/lib"),
            Origin::Git {
                url: "acme/lib".into(),
                rev: None
            }
        );
        assert_eq!(
            source("link:../lib"),
            Origin::Path {
                path: "../lib".into()
            }
        );
        assert_eq!(
            source("./lib"),
            Origin::Path {
                path: "./lib".into()
            }
        );
        assert_eq!(
            source("https://example.invalid/x.tgz"),
            Origin::Url {
                url: "https://example.invalid/x.tgz".into()
            }
        );
    }

    #[test]
    fn exact_versions_are_single_versions_only() {
        assert_eq!(exact_version("1.2.3"), Some("1.2.3"));
        assert_eq!(exact_version("= v1.2.3-rc.1+b5"), Some("1.2.3-rc.1+b5"));
        for range in [
            "^1.2.3",
            "1.2",
            "1.2.x",
            "1.2.3 - 2.0.0",
            "1.2.3-",
            "latest",
            "",
        ] {
            assert_eq!(exact_version(range), None, "{range}");
        }
    }

    #[test]
    fn registry_tarballs_are_known_by_shape() {
        let base = "https://registry.example.invalid";
        assert_eq!(
            resolved_origin("@types/ms", &format!("{base}/@types/ms/-/ms-0.7.31.tgz")),
            Origin::Registry
        );
        assert_eq!(
            resolved_origin("@types/ms", &format!("{base}/@types%2Fms/-/ms-0.7.31.tgz")),
            Origin::Registry
        );
        let elsewhere = format!("{base}/other/-/ms-0.7.31.tgz");
        assert_eq!(
            resolved_origin("ms", &elsewhere),
            Origin::Url { url: elsewhere }
        );
    }

    #[test]
    fn licences_come_in_three_shapes() {
        let value: Value = serde_json::from_str(
            r#"{"license": {"type": "MIT"}, "licenses": [{"type": "BSD"}, "MIT", 3]}"#,
        )
        .unwrap();
        assert_eq!(
            licenses([value.get("license"), value.get("licenses")]),
            ["MIT", "BSD"]
        );
    }

    #[test]
    fn workspace_patterns_match_member_folders() {
        let field: Value =
            serde_json::from_str(r#"{"packages": ["./packages/*", "!packages/old", "tools/"]}"#)
                .unwrap();
        let workspaces = Workspaces::from_field(&field).unwrap();
        assert!(workspaces.contains("packages/a"));
        assert!(workspaces.contains("tools"));
        assert!(!workspaces.contains("packages/old"));
        assert!(!workspaces.contains("packages/a/b"));
        assert!(!workspaces.contains(""));
    }
}
