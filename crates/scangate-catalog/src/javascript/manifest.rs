//! package.json, as every JavaScript cataloger reads it: its dependency sections with the scope
//! each gives, its licences, and the workspace members its `workspaces` field names.

use super::node_modules::in_node_modules;
use crate::support::json;
use crate::{CatalogError, Context, Diagnostic};
use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use scangate_fsview::{file_name, join, parent};
use scangate_types::Scope;
use serde_json::{Map, Value};
use std::fmt;

/// The dependency sections of a package.json, with the scope each gives.
pub(super) const SECTIONS: [(&str, Scope); 4] = [
    ("dependencies", Scope::Prod),
    ("devDependencies", Scope::Dev),
    ("optionalDependencies", Scope::Optional),
    ("peerDependencies", Scope::Peer),
];

/// The package.json of the folder `folder` under `dir`, as a path of the view.
pub(super) fn manifest_path(dir: &str, folder: &str) -> Option<String> {
    join(dir, &format!("{folder}/package.json"))
}

/// A parsed package.json.
pub(super) struct Manifest(Map<String, Value>);

/// One entry of a dependency section, as written.
pub(super) struct Dependency<'a> {
    pub section: &'static str,
    pub name: &'a str,
    pub spec: &'a str,
    pub scope: Scope,
}

/// A part of a dependency section that is not of the documented shape; it is left out.
pub(super) enum Odd<'a> {
    /// A section that is not an object.
    Section(&'static str),
    /// An entry whose specifier is not a string.
    Entry {
        section: &'static str,
        name: &'a str,
    },
}

impl fmt::Display for Odd<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Odd::Section(section) => write!(f, "`{section}` is not an object"),
            Odd::Entry { section, name } => write!(f, "`{section}.{name}` is not a string"),
        }
    }
}

impl Manifest {
    pub(super) fn parse(text: &str) -> Result<Manifest, CatalogError> {
        match json::from_str(text)? {
            Value::Object(fields) => Ok(Manifest(fields)),
            _ => Err(CatalogError::at(1, "package.json is not a JSON object")),
        }
    }

    /// The package.json at `path`, read beside a lockfile: `None` when there is none. An
    /// unreadable or invalid one is a warning and counts as absent; odd dependency entries are
    /// warnings and left out.
    pub(super) fn read(
        ctx: &Context<'_>,
        path: &str,
        warnings: &mut Vec<Diagnostic>,
    ) -> Option<Manifest> {
        if !ctx.view.is_file(path) {
            return None;
        }
        let parsed = ctx.read_text(path).and_then(|text| {
            Manifest::parse(&text).map_err(|err| {
                let at = err.line.map_or(String::new(), |line| format!(":{line}"));
                CatalogError::new(format!("{path}{at}: {}", err.message))
            })
        });
        match parsed {
            Ok(manifest) => {
                for odd in manifest.dependencies().into_iter().filter_map(Result::err) {
                    warnings.push(Diagnostic::new(None, format!("{path}: {odd}; ignored")));
                }
                Some(manifest)
            }
            Err(err) => {
                let message = format!("{}; file ignored", err.message);
                warnings.push(Diagnostic::new(None, message));
                None
            }
        }
    }

    /// A string field, trimmed; `None` when absent, empty or not a string.
    pub(super) fn field(&self, key: &str) -> Option<&str> {
        (self.0.get(key).and_then(Value::as_str))
            .map(str::trim)
            .filter(|value| !value.is_empty())
    }

    pub(super) fn licenses(&self) -> Vec<String> {
        licenses([self.0.get("license"), self.0.get("licenses")])
    }

    /// The workspace this manifest is the root of, when it has a `workspaces` field; `dir` is
    /// its folder.
    pub(super) fn workspaces(&self, dir: &str) -> Option<Workspaces> {
        Workspaces::from_field(dir, self.0.get("workspaces")?)
    }

    /// The entries of the dependency sections, in section order, and the odd parts among them.
    pub(super) fn dependencies(&self) -> Vec<Result<Dependency<'_>, Odd<'_>>> {
        let mut entries = Vec::new();
        for (section, scope) in SECTIONS {
            let Some(declared) = self.0.get(section) else {
                continue;
            };
            let Some(declared) = declared.as_object() else {
                entries.push(Err(Odd::Section(section)));
                continue;
            };
            entries.extend(declared.iter().map(|(name, spec)| match spec.as_str() {
                Some(spec) => Ok(Dependency {
                    section,
                    name,
                    spec,
                    scope,
                }),
                None => Err(Odd::Entry { section, name }),
            }));
        }
        entries
    }

    /// The strongest scope under which the manifest lists `name`.
    pub(super) fn scope_of(&self, name: &str) -> Option<Scope> {
        SECTIONS
            .iter()
            .filter(|(section, _)| {
                (self.0.get(*section).and_then(Value::as_object))
                    .and_then(|declared| declared.get(name))
                    .is_some_and(Value::is_string)
            })
            .map(|(_, scope)| *scope)
            .min()
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

/// The members of a workspace: the folders its root's `workspaces` patterns name, globbed the
/// way npm and yarn glob them, as folders holding a package.json: `*`, `?`, `[...]` and `{a,b}`
/// within a folder name, `**` across folders (the folder itself included), and `!pattern`
/// excluding. The root itself and folders inside `node_modules` are never members.
pub(super) struct Workspaces {
    /// The root's folder; patterns are relative to it.
    root: String,
    include: GlobSet,
    exclude: GlobSet,
    /// Patterns that are not valid globs; they name no member.
    invalid: Vec<String>,
}

impl Workspaces {
    /// From the `workspaces` field, `["packages/*"]` or `{"packages": [...]}`, of the
    /// package.json in `root`; `None` when the field is neither.
    pub(super) fn from_field(root: &str, field: &Value) -> Option<Workspaces> {
        let patterns = match field {
            Value::Object(object) => object.get("packages")?.as_array()?,
            Value::Array(patterns) => patterns,
            _ => return None,
        };
        Workspaces::new(root, patterns.iter().filter_map(Value::as_str))
    }

    fn new<'a>(root: &str, patterns: impl IntoIterator<Item = &'a str>) -> Option<Workspaces> {
        let (mut include, mut exclude) = (GlobSetBuilder::new(), GlobSetBuilder::new());
        let mut invalid = Vec::new();
        for pattern in patterns {
            let (negated, folder) = match pattern.strip_prefix('!') {
                Some(negated) => (true, negated),
                None => (false, pattern),
            };
            let folder = folder.trim_start_matches("./").trim_end_matches('/');
            // Matching the member's package.json lets `a/**` match `a` too.
            let glob = GlobBuilder::new(&format!("{folder}/package.json"))
                .literal_separator(true)
                .build();
            match glob {
                Err(_) => invalid.push(pattern.to_string()),
                Ok(glob) if negated => {
                    exclude.add(glob);
                }
                Ok(glob) => {
                    include.add(glob);
                }
            }
        }
        Some(Workspaces {
            root: root.to_string(),
            include: include.build().ok()?,
            exclude: exclude.build().ok()?,
            invalid,
        })
    }

    /// The patterns that are not valid globs.
    pub(super) fn invalid(&self) -> &[String] {
        &self.invalid
    }

    /// Whether the folder `dir` (a path of the view) is a member.
    pub(super) fn contains(&self, dir: &str) -> bool {
        let Some(folder) = relative(&self.root, dir) else {
            return false;
        };
        let manifest = format!("{folder}/package.json");
        !folder.is_empty()
            && !in_node_modules(folder)
            && self.include.is_match(&manifest)
            && !self.exclude.is_match(&manifest)
    }

    /// The package.json files of the members, sorted: one walk of the view.
    pub(super) fn member_manifests(&self, ctx: &Context<'_>) -> Vec<String> {
        let is_member =
            |path: &str| file_name(path) == "package.json" && self.contains(parent(path));
        ctx.view.files(&is_member).files
    }
}

/// `dir` relative to `root`, if it lies inside it.
fn relative<'a>(root: &str, dir: &'a str) -> Option<&'a str> {
    if root.is_empty() {
        Some(dir)
    } else {
        dir.strip_prefix(root)?.strip_prefix('/')
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(pattern: &str, folder: &str) -> bool {
        Workspaces::new("", [pattern]).unwrap().contains(folder)
    }

    #[test]
    fn wildcards_match_one_segment() {
        assert!(matches("*", "app"));
        assert!(matches("pkg-*", "pkg-a"));
        assert!(matches("a?c", "abc"));
        assert!(!matches("pkg-*", "lib"));
        assert!(!matches("a?c", "ac"));
    }

    #[test]
    fn workspace_patterns_match_member_folders() {
        let field: Value =
            serde_json::from_str(r#"{"packages": ["./packages/*", "!packages/old", "tools/"]}"#)
                .unwrap();
        let workspaces = Workspaces::from_field("", &field).unwrap();
        assert!(workspaces.contains("packages/a"));
        assert!(workspaces.contains("tools"));
        assert!(!workspaces.contains("packages/old"));
        assert!(!workspaces.contains("packages/a/b"));
        assert!(!workspaces.contains(""));
    }

    #[test]
    fn globstars_classes_and_invalid_patterns() {
        let workspaces =
            Workspaces::new("web", ["libs/**", "app-[ab]", "!libs/old/**", "x/["]).unwrap();
        assert!(workspaces.contains("web/libs"));
        assert!(workspaces.contains("web/libs/a/b"));
        assert!(workspaces.contains("web/app-a"));
        assert!(!workspaces.contains("web/app-c"));
        assert!(!workspaces.contains("web/libs/old/a"));
        assert!(!workspaces.contains("web/libs/node_modules/a"));
        assert!(!workspaces.contains("libs/a"));
        assert!(!workspaces.contains("web"));
        assert_eq!(workspaces.invalid(), ["x/["]);
    }

    fn fixture_view(rel: &str) -> scangate_fsview::DirView {
        let root = crate::testing::fixture(rel);
        scangate_fsview::DirView::new(&root, 1 << 20, Default::default()).unwrap()
    }

    #[test]
    fn manifests_beside_a_lockfile_warn_and_go_on() {
        let view = fixture_view("javascript/package-json/malformed");
        let ctx = Context { view: &view };
        let mut warnings = Vec::new();
        let odd = Manifest::read(&ctx, "odd/package.json", &mut warnings).unwrap();
        assert_eq!(odd.scope_of("mocha"), Some(Scope::Dev));
        assert!(Manifest::read(&ctx, "bad/package.json", &mut warnings).is_none());
        assert!(Manifest::read(&ctx, "none/package.json", &mut warnings).is_none());
        let messages: Vec<&str> = warnings.iter().map(|w| w.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "odd/package.json: `dependencies` is not an object; ignored",
                "odd/package.json: `devDependencies.chai` is not a string; ignored",
                "bad/package.json:5: invalid JSON: trailing comma (column 3); file ignored",
            ]
        );
    }

    #[test]
    fn members_are_found_in_one_walk() {
        let view = fixture_view("javascript/yarn-lock/v1-workspace-patterns");
        let ctx = Context { view: &view };
        let workspaces = Workspaces::new("", ["packages/*", "!packages/app2", "tools/**"]).unwrap();
        assert_eq!(
            workspaces.member_manifests(&ctx),
            [
                "packages/app/package.json",
                "packages/lib/package.json",
                "tools/cli/package.json",
            ]
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
    fn odd_dependency_entries_are_left_out() {
        let manifest = Manifest::parse(
            r#"{"dependencies": {"a": "^1", "b": 2}, "devDependencies": [], "peerDependencies": {"a": "*"}}"#,
        )
        .unwrap();
        let entries: Vec<String> = (manifest.dependencies().iter())
            .map(|entry| match entry {
                Ok(dep) => format!("{} {} {} {:?}", dep.section, dep.name, dep.spec, dep.scope),
                Err(odd) => odd.to_string(),
            })
            .collect();
        assert_eq!(
            entries,
            [
                "dependencies a ^1 Prod",
                "`dependencies.b` is not a string",
                "`devDependencies` is not an object",
                "peerDependencies a * Peer",
            ]
        );
        assert_eq!(manifest.scope_of("a"), Some(Scope::Prod));
        assert_eq!(manifest.scope_of("b"), None);
    }
}
