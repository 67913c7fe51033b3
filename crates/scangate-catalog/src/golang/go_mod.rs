//! `go.mod`, read line by line as the go.mod reference describes it.
//!
//! Every `require` is a package: `// indirect` ones are transitive, the rest direct. Since Go
//! 1.17 a go.mod lists every module the build needs; older files may leave indirect ones out.
//! The `module` itself is the root, not a package. A `replace` swaps a required module for
//! another module version, reported under the new name and version with the replace line as a
//! second location, or for a local directory, reported under the required name with a path
//! origin and no version (the code is whatever the directory holds). A `replace` naming a
//! version applies to that version only and wins over one naming none; of two for the same
//! module the last wins. A requirement on an `exclude`d version is ignored, as Go ignores it. A
//! version that is not canonical (`master`, `latest`) is kept as a requirement. `go`,
//! `toolchain`, `godebug`, `retract`, `tool` and `ignore` say nothing about dependencies; any
//! other directive is a warning. go.mod records no scope.

use crate::{CatalogError, Cataloger, Catalogued, Context, Diagnostic, SourceFile};
use scangate_fsview::file_name;
use scangate_types::{Ecosystem, Origin, Package, Relationship};
use std::collections::{HashMap, HashSet};

pub struct GoMod;

impl Cataloger for GoMod {
    fn name(&self) -> &'static str {
        "go-mod"
    }

    fn matches(&self, path: &str) -> bool {
        file_name(path) == "go.mod"
    }

    fn catalog(
        &self,
        file: &SourceFile<'_>,
        _ctx: &Context<'_>,
    ) -> Result<Catalogued, CatalogError> {
        let go_mod = parse(file.text()?)?;
        Ok(Catalogued {
            packages: go_mod.packages(file),
            warnings: go_mod.warnings,
        })
    }
}

/// Directives that say nothing about dependencies.
const IGNORED: [&str; 7] = [
    "module",
    "go",
    "toolchain",
    "godebug",
    "retract",
    "tool",
    "ignore",
];

struct Require {
    path: String,
    version: String,
    line: u32,
    indirect: bool,
}

enum Target {
    Module { path: String, version: String },
    Dir(String),
}

struct Replace {
    target: Target,
    line: u32,
}

#[derive(Default)]
struct GoModFile {
    requires: Vec<Require>,
    excludes: HashSet<(String, String)>,
    /// By replaced path and, for a version-specific replace, version.
    replaces: HashMap<(String, Option<String>), Replace>,
    warnings: Vec<Diagnostic>,
}

fn parse(text: &str) -> Result<GoModFile, CatalogError> {
    let mut go_mod = GoModFile::default();
    // The verb of the open `verb (` block.
    let mut block: Option<(String, u32)> = None;
    for (index, raw) in text.lines().enumerate() {
        let number = index as u32 + 1;
        let (tokens, comment) = lex(raw, number)?;
        let Some(first) = tokens.first() else {
            continue;
        };
        if first == ")" {
            if block.take().is_none() {
                return Err(CatalogError::at(number, "unexpected `)`"));
            }
            continue;
        }
        if let Some((verb, _)) = &block {
            go_mod.directive(verb, &tokens, comment, number)?;
            continue;
        }
        go_mod.check_known(first, number);
        match &tokens[1..] {
            [open] if open == "(" => block = Some((first.clone(), number)),
            [open, close] if open == "(" && close == ")" => {}
            args => go_mod.directive(first, args, comment, number)?,
        }
    }
    match block {
        Some((verb, line)) => Err(CatalogError::at(
            line,
            format!("`{verb} (` block is not closed"),
        )),
        None => Ok(go_mod),
    }
}

impl GoModFile {
    fn check_known(&mut self, verb: &str, line: u32) {
        if !matches!(verb, "require" | "replace" | "exclude") && !IGNORED.contains(&verb) {
            self.warnings.push(Diagnostic::new(
                Some(line),
                format!("unknown directive `{verb}` ignored"),
            ));
        }
    }

    fn directive(
        &mut self,
        verb: &str,
        args: &[String],
        comment: Option<&str>,
        line: u32,
    ) -> Result<(), CatalogError> {
        match verb {
            "require" => {
                let [path, version] = args else {
                    return Err(malformed(line, "require", "a module path and a version"));
                };
                self.requires.push(Require {
                    path: path.clone(),
                    version: version.clone(),
                    line,
                    indirect: comment.is_some_and(is_indirect),
                });
            }
            "exclude" => {
                let [path, version] = args else {
                    return Err(malformed(line, "exclude", "a module path and a version"));
                };
                self.excludes.insert((path.clone(), version.clone()));
            }
            "replace" => self.replace(args, line)?,
            _ => {}
        }
        Ok(())
    }

    fn replace(&mut self, args: &[String], line: u32) -> Result<(), CatalogError> {
        let shape = "`module [version] => module version` or `module [version] => ./dir`";
        let arrow = args
            .iter()
            .position(|arg| arg == "=>")
            .ok_or_else(|| malformed(line, "replace", shape))?;
        let key = match &args[..arrow] {
            [path] => (path.clone(), None),
            [path, version] => (path.clone(), Some(version.clone())),
            _ => return Err(malformed(line, "replace", shape)),
        };
        let target = match &args[arrow + 1..] {
            [dir] if is_directory(dir) => Target::Dir(dir.clone()),
            [path, version] if !is_directory(path) => Target::Module {
                path: path.clone(),
                version: version.clone(),
            },
            _ => return Err(malformed(line, "replace", shape)),
        };
        self.replaces.insert(key, Replace { target, line });
        Ok(())
    }

    fn packages(&self, file: &SourceFile<'_>) -> Vec<Package> {
        self.requires
            .iter()
            .filter(|r| !self.excludes.contains(&(r.path.clone(), r.version.clone())))
            .map(|r| self.package(r, file))
            .collect()
    }

    fn package(&self, require: &Require, file: &SourceFile<'_>) -> Package {
        let replace = self
            .replaces
            .get(&(require.path.clone(), Some(require.version.clone())))
            .or_else(|| self.replaces.get(&(require.path.clone(), None)));
        let (name, version, origin) = match replace.map(|r| &r.target) {
            None => (&require.path, Some(&require.version), Origin::Registry),
            Some(Target::Module { path, version }) => (path, Some(version), Origin::Registry),
            Some(Target::Dir(dir)) => (&require.path, None, Origin::Path { path: dir.clone() }),
        };
        let exact = version.filter(|v| is_canonical(v)).cloned();
        let relationship = if require.indirect {
            Relationship::Transitive
        } else {
            Relationship::Direct
        };
        let mut package = Package::new(
            Ecosystem::Go,
            name.as_str(),
            exact.clone(),
            file.at(Some(require.line)),
        )
        .with_relationship(relationship)
        .with_origin(origin);
        if let (None, Some(query)) = (exact, version) {
            package = package.with_requirement(query.as_str());
        }
        if let Some(replace) = replace {
            package.locations.push(file.at(Some(replace.line)));
        }
        package
    }
}

fn malformed(line: u32, verb: &str, expected: &str) -> CatalogError {
    CatalogError::at(line, format!("malformed {verb}: expected {expected}"))
}

/// Go marks a requirement indirect with a trailing `// indirect` (possibly `// indirect; why`).
fn is_indirect(comment: &str) -> bool {
    comment == "indirect" || comment.starts_with("indirect;")
}

/// A replacement that is a directory rather than a module path, in Unix or Windows syntax.
fn is_directory(path: &str) -> bool {
    let bytes = path.as_bytes();
    let drive = bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':';
    matches!(path, "." | "..")
        || ["./", ".\\", "../", "..\\", "/", "\\"]
            .iter()
            .any(|prefix| path.starts_with(prefix))
        || drive
}

/// A semantic version as Go writes it (`v1.2.3`, a pseudo-version, `+incompatible`), not a query.
fn is_canonical(version: &str) -> bool {
    version
        .strip_prefix('v')
        .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit()))
}

/// The tokens of one line and the text of its `//` comment, if any.
fn lex(line: &str, number: u32) -> Result<(Vec<String>, Option<&str>), CatalogError> {
    let mut tokens = Vec::new();
    let mut rest = line.trim_start();
    while !rest.is_empty() {
        if let Some(comment) = rest.strip_prefix("//") {
            return Ok((tokens, Some(comment.trim())));
        }
        let (token, after) = match rest.as_bytes()[0] {
            b'(' | b')' | b'[' | b']' | b'{' | b'}' | b',' => (rest[..1].to_string(), &rest[1..]),
            b'"' | b'`' => quoted(rest, number)?,
            _ => {
                let end = rest
                    .find(|c: char| c.is_whitespace() || "()[]{},".contains(c))
                    .unwrap_or(rest.len());
                let end = rest[..end].find("//").unwrap_or(end);
                (rest[..end].to_string(), &rest[end..])
            }
        };
        tokens.push(token);
        rest = after.trim_start();
    }
    Ok((tokens, None))
}

/// A `"interpreted"` or `` `raw` `` string at the start of `text`, and what follows it.
fn quoted(text: &str, number: u32) -> Result<(String, &str), CatalogError> {
    let unterminated = || CatalogError::at(number, "unterminated quoted string");
    if let Some(raw) = text.strip_prefix('`') {
        let end = raw.find('`').ok_or_else(unterminated)?;
        return Ok((raw[..end].to_string(), &raw[end + 1..]));
    }
    let bytes = text.as_bytes();
    let mut i = 1;
    while i < bytes.len() && bytes[i] != b'"' {
        i += if bytes[i] == b'\\' { 2 } else { 1 };
    }
    if i >= bytes.len() {
        return Err(unterminated());
    }
    // Go's escapes that can appear in a module path or version are JSON's too.
    let value = serde_json::from_str(&text[..=i])
        .map_err(|_| CatalogError::at(number, format!("invalid quoted string {}", &text[..=i])))?;
    Ok((value, &text[i + 1..]))
}

#[cfg(test)]
mod tests {
    use super::lex;
    use crate::testing::{issues, package, rows, scan_fixture};
    use scangate_types::{Origin, Package};

    #[test]
    fn lexes_words_strings_and_comments() {
        let (tokens, comment) = lex(r#"  "a/b" `c d`=>x(y) // indirect; why"#, 1).unwrap();
        assert_eq!(tokens, ["a/b", "c d", "=>x", "(", "y", ")"]);
        assert_eq!(comment, Some("indirect; why"));
        assert_eq!(
            lex(r#"require "a/b v1"#, 7).unwrap_err().message,
            "unterminated quoted string"
        );
    }

    #[test]
    fn service_with_two_require_blocks_and_replaces() {
        let inventory = scan_fixture("golang/go-mod/service");
        assert_eq!(
            rows(&inventory),
            [
                "github.com/acme/platform-kit - direct - go.mod:6",
                "github.com/golang-jwt/jwt v3.2.1+incompatible direct - go.mod:7",
                "github.com/gin-gonic/gin v1.6.3 direct - go.mod:8",
                "github.com/go-redis/redis/v8 v8.11.4 direct - go.mod:9",
                "github.com/google/uuid v1.3.0 direct - go.mod:10",
                "github.com/jackc/pgx/v4 v4.13.0 direct - go.mod:11",
                "github.com/prometheus/client_golang v1.11.0 direct - go.mod:12",
                "github.com/sirupsen/logrus v1.8.1 direct - go.mod:13",
                "github.com/spf13/viper v1.9.0 direct - go.mod:14",
                "github.com/stretchr/testify v1.7.0 direct - go.mod:15",
                "go.opentelemetry.io/otel v1.2.0 direct - go.mod:16",
                "golang.org/x/sync v0.0.0-20210220032951-036812b2e83c direct - go.mod:17",
                "google.golang.org/grpc v1.40.1 direct - go.mod:18",
                "google.golang.org/protobuf v1.27.1 direct - go.mod:19",
                "github.com/beorn7/perks v1.0.1 transitive - go.mod:23",
                "github.com/cespare/xxhash/v2 v2.1.2 transitive - go.mod:24",
                "github.com/davecgh/go-spew v1.1.1 transitive - go.mod:25",
                "github.com/dgryski/go-rendezvous v0.0.0-20200823014737-9f7001d12a5f transitive - go.mod:26",
                "github.com/fsnotify/fsnotify v1.5.1 transitive - go.mod:27",
                "github.com/gin-contrib/sse v0.1.0 transitive - go.mod:28",
                "github.com/go-playground/locales v0.13.0 transitive - go.mod:29",
                "github.com/go-playground/universal-translator v0.17.0 transitive - go.mod:30",
                "github.com/go-playground/validator/v10 v10.2.0 transitive - go.mod:31",
                "github.com/golang/protobuf v1.5.2 transitive - go.mod:32",
                "github.com/jackc/pgconn v1.10.0 transitive - go.mod:33",
                "github.com/jackc/pgio v1.0.0 transitive - go.mod:34",
                "github.com/jackc/pgpassfile v1.0.0 transitive - go.mod:35",
                "github.com/jackc/pgproto3/v2 v2.1.1 transitive - go.mod:36",
                "github.com/jackc/pgservicefile v0.0.0-20200714003250-2b9c44734f2b transitive - go.mod:37",
                "github.com/jackc/pgtype v1.8.1 transitive - go.mod:38",
                "github.com/json-iterator/go v1.1.11 transitive - go.mod:39",
                "github.com/leodido/go-urn v1.2.0 transitive - go.mod:40",
                "github.com/mattn/go-isatty v0.0.12 transitive - go.mod:41",
                "github.com/modern-go/concurrent v0.0.0-20180306012644-bacd9c7ef1dd transitive - go.mod:42",
                "github.com/modern-go/reflect2 v1.0.1 transitive - go.mod:43",
                "github.com/pmezard/go-difflib v1.0.0 transitive - go.mod:44",
                "github.com/prometheus/client_model v0.2.0 transitive - go.mod:45",
                "github.com/prometheus/common v0.26.0 transitive - go.mod:46",
                "github.com/prometheus/procfs v0.6.0 transitive - go.mod:47",
                "github.com/ugorji/go/codec v1.1.7 transitive - go.mod:48",
                "go.opentelemetry.io/otel/trace v1.2.0 transitive - go.mod:49",
                "golang.org/x/crypto v0.0.0-20210921155107-089bfa567519 transitive - go.mod:50",
                "golang.org/x/net v0.0.0-20210405180319-a5a99cb37ef4 transitive - go.mod:51",
                "golang.org/x/sys v0.0.0-20210630005230-0f9fa26af87c transitive - go.mod:52",
                "golang.org/x/text v0.3.5 transitive - go.mod:53",
                "google.golang.org/genproto v0.0.0-20210602131652-f16073e35f0c transitive - go.mod:54",
                "gopkg.in/yaml.v2 v2.4.0 transitive - go.mod:55",
                "gopkg.in/yaml.v3 v3.0.0-20210107192922-496545a6307b transitive - go.mod:56",
            ]
        );
        assert!(issues(&inventory).is_empty());
        let by_name = |name: &str| package(&inventory, name);
        // Replaced by a local directory: the required name, no version, a path origin.
        let kit = by_name("github.com/acme/platform-kit");
        assert_eq!(kit.purl, "pkg:golang/github.com/acme/platform-kit");
        assert_eq!(
            kit.origin,
            Origin::Path {
                path: "../platform-kit".into()
            }
        );
        // Replaced by a fork: the fork's name and version, the replace line as a second location.
        let jwt = by_name("github.com/golang-jwt/jwt");
        assert_eq!(
            jwt.purl,
            "pkg:golang/github.com/golang-jwt/jwt@v3.2.1%2Bincompatible"
        );
        let lines = |p: &Package| {
            p.locations
                .iter()
                .map(|l| l.line.unwrap())
                .collect::<Vec<_>>()
        };
        assert_eq!(lines(jwt), [7, 63]);
        assert_eq!(lines(by_name("google.golang.org/grpc")), [18, 66]);
        assert_eq!(by_name("github.com/gin-gonic/gin").origin, Origin::Registry);
    }

    #[test]
    fn every_directive_and_both_string_forms() {
        let inventory = scan_fixture("golang/go-mod/directives");
        assert_eq!(
            rows(&inventory),
            [
                "github.com/pkg/errors v0.9.1 direct - go.mod:13",
                "golang.org/x/text v0.3.5 transitive - go.mod:15",
                "github.com/gorilla/mux v1.7.4 direct - go.mod:19",
                "github.com/BurntSushi/toml - transitive - go.mod:20",
                "github.com/mitchellh/mapstructure req:master direct - go.mod:21",
            ]
        );
        assert_eq!(
            issues(&inventory),
            ["go.mod:42: unknown directive `frobnicate` ignored"]
        );
        assert_eq!(
            inventory.packages[3].origin,
            Origin::Path {
                path: r"C:\src\toml".into()
            }
        );
    }

    #[test]
    fn a_go_sum_beside_a_go_mod_is_not_read() {
        let inventory = scan_fixture("golang/go-mod/with-go-sum");
        assert_eq!(
            rows(&inventory),
            [
                "github.com/gin-gonic/gin v1.6.3 direct - go.mod:6",
                "golang.org/x/net v0.0.0-20210226172049-e18ecbb05110 direct - go.mod:7",
            ]
        );
        let go_sum = inventory.files.iter().find(|f| f.path == "go.sum").unwrap();
        assert_eq!((go_sum.cataloger.as_str(), go_sum.packages), ("go-sum", 0));
    }

    #[test]
    fn a_malformed_go_mod_is_an_issue_and_its_neighbour_still_counts() {
        let inventory = scan_fixture("golang/go-mod/malformed");
        assert_eq!(
            issues(&inventory),
            ["go.mod:7: malformed require: expected a module path and a version"]
        );
        assert_eq!(
            rows(&inventory),
            [
                "github.com/gin-gonic/gin v1.6.3 direct - good/go.mod:5",
                "golang.org/x/text v0.3.5 transitive - good/go.mod:7",
            ]
        );
    }

    #[test]
    fn blocks_must_close_and_replaces_must_make_sense() {
        let errors = [
            (
                "require (\n\tgithub.com/a/b v1.0.0\n",
                "line 1: `require (` block is not closed",
            ),
            ("require a v1\n)\n", "line 2: unexpected `)`"),
            (
                "replace a => b\n",
                "line 1: malformed replace: expected `module [version] => module version` or `module [version] => ./dir`",
            ),
            (
                "replace a => ./b v1.0.0\n",
                "line 1: malformed replace: expected `module [version] => module version` or `module [version] => ./dir`",
            ),
            (
                "exclude a\n",
                "line 1: malformed exclude: expected a module path and a version",
            ),
        ];
        for (text, expected) in errors {
            let err = super::parse(text).err().unwrap();
            assert_eq!(
                format!("line {}: {}", err.line.unwrap(), err.message),
                expected,
                "{text}"
            );
        }
    }
}
