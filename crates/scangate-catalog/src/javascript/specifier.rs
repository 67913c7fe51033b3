//! Dependency specifiers, as package.json and the lockfiles write them, and the origins they
//! name: `npm:` aliases, `workspace:`, git repositories (URLs and hosted shorthands), local
//! folders and files (`file:`, `link:`, `portal:`, `exec:`, relative paths), archive URLs and
//! registry tarballs.

use scangate_types::Origin;

/// A dependency specifier, classified the way the package managers read it.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Spec<'a> {
    /// A version, range or tag of `name` in the registry; `name` is the real package for an
    /// `npm:` alias.
    Registry { name: &'a str, range: &'a str },
    /// The `workspace:` protocol: one of the project's own packages.
    Workspace,
    /// A git repository, a local folder or file, or an archive URL.
    Source(Origin),
}

/// The specifier `spec` of the dependency `name`.
pub(super) fn parse_spec<'a>(name: &'a str, spec: &'a str) -> Spec<'a> {
    let spec = spec.trim();
    if spec.starts_with("workspace:") {
        Spec::Workspace
    } else if let Some((name, range)) = npm_alias(name, spec) {
        Spec::Registry { name, range }
    } else if let Some(origin) = source_origin(spec) {
        Spec::Source(origin)
    } else {
        Spec::Registry { name, range: spec }
    }
}

/// `npm:real@range` installs `real` under the name `name`; `npm:range` (yarn, pnpm) is `name`
/// itself. `None` without the `npm:` protocol.
pub(super) fn npm_alias<'a>(name: &'a str, spec: &'a str) -> Option<(&'a str, &'a str)> {
    let target = spec.strip_prefix("npm:")?;
    let (real, range) = split_name_version(target);
    // A package name never starts with a digit or a range operator.
    let is_name = real
        .chars()
        .next()
        .is_some_and(|c| !c.is_ascii_digit() && !"^~<>=*".contains(c));
    Some(if is_name {
        (real, range)
    } else {
        (name, target)
    })
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

/// Where a specifier that is not a registry range points: a local folder or file (the path as
/// written, without its protocol), a git repository or an archive URL. `None` for ranges, tags
/// and the `npm:` and `workspace:` protocols.
pub(super) fn source_origin(spec: &str) -> Option<Origin> {
    if let Some(path) = local_path(spec) {
        Some(Origin::Path {
            path: path.to_string(),
        })
    } else if is_git(spec) {
        Some(git_origin(spec))
    } else if is_url(spec) {
        Some(Origin::Url {
            url: spec.to_string(),
        })
    } else {
        None
    }
}

/// Where a lockfile's `resolved` address (or a version 1 `version` that is not a version) says
/// `name` came from. Registry tarballs are recognised by their shape, `<base>/<name>/-/<file>.tgz`;
/// an address that is neither a URL nor a protocol is a path beside the lockfile.
pub(super) fn resolved_origin(name: &str, resolved: &str) -> Origin {
    match source_origin(resolved) {
        Some(Origin::Url { url }) if is_registry_tarball(name, &url) => Origin::Registry,
        Some(origin) => origin,
        None => Origin::Path {
            path: resolved.to_string(),
        },
    }
}

/// A git origin: the URL without its `#fragment`, which names the revision.
pub(super) fn git_origin(spec: &str) -> Origin {
    let (url, rev) = split_fragment(spec);
    Origin::Git {
        url: url.to_string(),
        rev: rev.map(str::to_owned),
    }
}

/// A URL without its `#fragment`, and the fragment (`None` when absent or empty).
pub(super) fn split_fragment(url: &str) -> (&str, Option<&str>) {
    match url.split_once('#') {
        Some((base, fragment)) => (base, Some(fragment).filter(|f| !f.is_empty())),
        None => (url, None),
    }
}

/// A path origin for `path`, written relative to the folder `dir`: made relative to the
/// lockfile's folder where it stays inside the scanned tree, otherwise kept as written.
pub(super) fn local_origin(dir: &str, path: &str) -> Origin {
    Origin::Path {
        path: scangate_fsview::join(dir, path).unwrap_or_else(|| path.to_string()),
    }
}

/// The path of a local specifier: after `file:`, `link:` (npm, yarn, pnpm), `portal:` or
/// `exec:` (yarn), or a path starting with `.`, `/` or `~/`.
fn local_path(spec: &str) -> Option<&str> {
    const PROTOCOLS: [&str; 4] = ["file:", "link:", "portal:", "exec:"];
    let relative = spec.starts_with('.') || spec.starts_with('/') || spec.starts_with("~/");
    PROTOCOLS
        .iter()
        .find_map(|protocol| spec.strip_prefix(protocol))
        .or(relative.then_some(spec))
}

fn is_url(spec: &str) -> bool {
    spec.starts_with("http://") || spec.starts_with("https://")
}

/// Whether `spec` names a git repository: a git URL (`git:`, `git+<protocol>:`, `ssh:`), a
/// hosted repository (`github:a/b`, or the shorthand `a/b`), or any address of a `.git`
/// repository (`https://host/a/b.git`, `git@host:a/b.git`).
fn is_git(spec: &str) -> bool {
    const PREFIXES: [&str; 7] = [
        "git:",
        "git+",
        "ssh:",
        "github:",
        "gitlab:",
        "bitbucket:",
        "gist:",
    ];
    PREFIXES.iter().any(|prefix| spec.starts_with(prefix))
        || split_fragment(spec).0.ends_with(".git")
        || is_hosted_shorthand(spec)
}

/// `user/repo` or `user/repo#ref`: the shorthand npm and yarn read as a GitHub repository.
fn is_hosted_shorthand(spec: &str) -> bool {
    let (body, _) = split_fragment(spec);
    let Some((user, repo)) = body.split_once('/') else {
        return false;
    };
    let bad = |c: char| c.is_whitespace() || matches!(c, '@' | '%' | '/' | ':');
    !user.is_empty()
        && !repo.is_empty()
        && !user.starts_with(['.', '-'])
        && !user.chars().any(bad)
        && !repo.chars().any(bad)
}

fn is_registry_tarball(name: &str, url: &str) -> bool {
    let Some((base, file)) = url.rsplit_once("/-/") else {
        return false;
    };
    let encoded = name.replace('/', "%2f");
    let base = base.to_ascii_lowercase();
    is_url(url)
        && !file.contains('/')
        && file.ends_with(".tgz")
        && (base.ends_with(&format!("/{}", name.to_ascii_lowercase()))
            || base.ends_with(&format!("/{}", encoded.to_ascii_lowercase())))
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

    /// The two implementations this module replaced disagreed on these.
    #[test]
    fn specifiers_the_package_managers_agree_on() {
        // `npm:<range>` (yarn, pnpm) keeps the dependency's own name.
        assert_eq!(
            parse_spec("x", "npm:^1.0.0"),
            Spec::Registry {
                name: "x",
                range: "^1.0.0"
            }
        );
        // A home-relative path, not the GitHub repository of a user `~`.
        assert_eq!(
            source("~/lib"),
            Origin::Path {
                path: "~/lib".into()
            }
        );
        for spec in [
            "ssh://git@git.example.invalid/acme/lib",
            "https://git.example.invalid/acme/lib.git#v1",
            "git@git.example.invalid:acme/lib.git",
        ] {
            assert!(matches!(source(spec), Origin::Git { .. }), "{spec}");
        }
        assert_eq!(
            source("portal:../lib"),
            Origin::Path {
                path: "../lib".into()
            }
        );
    }

    #[test]
    fn references_are_classified_by_shape() {
        assert_eq!(
            split_name_version("@types/ms@npm:*"),
            ("@types/ms", "npm:*")
        );
        assert_eq!(split_name_version("lodash"), ("lodash", ""));
        assert!(is_git("git://host.invalid/a/b.git#v1"));
        assert!(is_git("owner/repo#main"));
        assert!(is_git("https://host.invalid/a/b.git"));
        assert!(!is_git("https://host.invalid/a/b-1.0.0.tgz"));
        assert!(!is_git("^1.2.3"));
        assert!(!is_git("file:../x"));
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
}
