//! pip requirements files: `requirements*.txt`, `*-requirements.txt`, and `.txt` files in a
//! `requirements/` folder.
//!
//! Follows pip's requirements-file format: `\` joins lines, `#` at a line start or after
//! whitespace starts a comment, `-r`/`-c` include files relative to the including one, `-e`
//! and URL, VCS and path lines name packages outside the registry. Packages of an included
//! file are located in that file. A constraint file (`-c`) adds no packages; its exact pins
//! resolve unpinned requirements. Relationships are direct, except in pip-compile output
//! (its header says so), whose `# via` annotations tell direct from transitive and give the
//! edges. No scope: the format records none.

use super::{archive_name_version, archive_version, has_scheme, key, pep508, url_origin};
use crate::{CatalogError, Cataloger, Catalogued, Context, Diagnostic, SourceFile};
use scangate_fsview::{file_name, join, parent};
use scangate_types::{Ecosystem, Location, Origin, Package, Relationship};
use std::collections::{HashMap, HashSet};

pub struct Requirements;

impl Cataloger for Requirements {
    fn name(&self) -> &'static str {
        "python-requirements"
    }

    fn matches(&self, path: &str) -> bool {
        let name = file_name(path);
        name.ends_with(".txt")
            && (name.starts_with("requirements")
                || name.ends_with("-requirements.txt")
                || file_name(parent(path)) == "requirements")
    }

    fn catalog(
        &self,
        file: &SourceFile<'_>,
        ctx: &Context<'_>,
    ) -> Result<Catalogued, CatalogError> {
        let text = file.text()?;
        let mut reader = Reader {
            ctx,
            top: file.path,
            stack: Vec::new(),
            done: HashSet::from([(file.path.to_string(), Mode::Requirements)]),
            entries: Vec::new(),
            pins: HashMap::new(),
            warnings: Vec::new(),
        };
        reader.read_file(file.path, text, Mode::Requirements, None);
        Ok(reader.finish())
    }
}

/// How deep `-r`/`-c` includes may nest.
const MAX_INCLUDE_DEPTH: usize = 32;

/// Options pip accepts on a line of their own.
const GLOBAL_OPTIONS_WITH_VALUE: [&str; 10] = [
    "-i",
    "--index-url",
    "--extra-index-url",
    "-f",
    "--find-links",
    "--no-binary",
    "--only-binary",
    "--trusted-host",
    "--use-feature",
    "--config-settings",
];
const GLOBAL_FLAGS: [&str; 4] = ["--no-index", "--prefer-binary", "--require-hashes", "--pre"];
/// Options pip accepts after a requirement on its line.
const REQUIREMENT_OPTIONS: [&str; 4] = [
    "--hash",
    "--global-option",
    "--config-settings",
    "--install-option",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Mode {
    Requirements,
    /// A `-c` file: only pins, no packages.
    Constraints,
}

/// Where a line is: its file and line, and the `-r`/`-c` line of the scanned file that led
/// there (`None` in the scanned file itself).
#[derive(Clone, Copy)]
struct At<'p> {
    path: &'p str,
    line: u32,
    origin: Option<u32>,
}

/// A requirement found in one of the files read.
struct Entry {
    name: String,
    version: Option<String>,
    requirement: Option<String>,
    origin: Origin,
    path: String,
    line: u32,
    /// pip-compile's `# via` annotation, when the file has one for this line.
    via: Option<Vec<String>>,
}

struct Reader<'c, 'v> {
    ctx: &'c Context<'v>,
    top: &'c str,
    /// Files being read, innermost last: an include of one of them is a cycle.
    stack: Vec<String>,
    /// Files read already, per mode: a file included twice is read once.
    done: HashSet<(String, Mode)>,
    entries: Vec<Entry>,
    /// Exact versions constraint files pin, by [`key`].
    pins: HashMap<String, HashSet<String>>,
    warnings: Vec<Diagnostic>,
}

impl Reader<'_, '_> {
    fn read_file(&mut self, path: &str, text: &str, mode: Mode, origin: Option<u32>) {
        self.stack.push(path.to_string());
        let mut via = is_compiled(text).then(ViaTracker::default);
        for logical in logical_lines(text) {
            let at = At {
                path,
                line: logical.line,
                origin,
            };
            let added = if logical.content.is_empty() {
                None
            } else {
                self.read_line(&logical.content, mode, at)
            };
            if let Some(via) = &mut via {
                via.line(&mut self.entries, added, &logical);
            }
        }
        self.stack.pop();
    }

    /// Reads one logical line; the index of the entry it added, if any.
    fn read_line(&mut self, line: &str, mode: Mode, at: At<'_>) -> Option<usize> {
        if !line.starts_with('-') {
            let (spec, options) = split_options(line);
            for option in options {
                let name = option.split('=').next().unwrap_or(option);
                if !REQUIREMENT_OPTIONS.contains(&name) {
                    self.warn(at, format!("unknown option {name} ignored"));
                }
            }
            return self.requirement(spec, false, mode, at);
        }
        let (option, value) = split_option(line);
        let include_mode = match option {
            "-r" | "--requirement" => Some(mode),
            "-c" | "--constraint" => Some(Mode::Constraints),
            _ => None,
        };
        if (include_mode.is_some() || matches!(option, "-e" | "--editable")) && value.is_none() {
            self.warn(at, format!("option {option} needs a value"));
            return None;
        }
        match (include_mode, value) {
            (Some(include_mode), Some(target)) => {
                self.include(option, target, include_mode, at);
                None
            }
            (None, Some(target)) if matches!(option, "-e" | "--editable") => {
                self.requirement(target, true, mode, at)
            }
            _ if GLOBAL_OPTIONS_WITH_VALUE.contains(&option) || GLOBAL_FLAGS.contains(&option) => {
                None
            }
            _ => {
                self.warn(at, format!("unknown option {option} ignored"));
                None
            }
        }
    }

    fn include(&mut self, option: &str, target: &str, mode: Mode, at: At<'_>) {
        let not_read = |why: String| format!("{option} {target} not read: {why}");
        if has_scheme(target) {
            return self.warn(at, not_read("remote files are not fetched".into()));
        }
        let Some(path) = join(parent(at.path), target) else {
            return self.warn(at, not_read("outside the scanned tree".into()));
        };
        if self.stack.contains(&path) {
            let why = format!("include cycle ({path} is already being read)");
            return self.warn(at, not_read(why));
        }
        if self.stack.len() >= MAX_INCLUDE_DEPTH {
            let why = format!("includes nested more than {MAX_INCLUDE_DEPTH} deep");
            return self.warn(at, not_read(why));
        }
        if !self.done.insert((path.clone(), mode)) {
            return;
        }
        match self.ctx.read_text(&path) {
            Ok(text) => self.read_file(&path, &text, mode, at.origin.or(Some(at.line))),
            Err(err) => self.warn(at, not_read(err.message)),
        }
    }

    /// A requirement line or `-e` value; the index of the entry it added, if any.
    fn requirement(&mut self, spec: &str, editable: bool, mode: Mode, at: At<'_>) -> Option<usize> {
        let found = if has_scheme(spec) {
            self.url_requirement(spec, at)
        } else if editable {
            if looks_like_path(spec) {
                self.path_requirement(spec, at)
            } else {
                self.warn(at, format!("-e needs a path or URL, not `{spec}`; skipped"));
                None
            }
        } else {
            match pep508::parse(spec) {
                // A bare archive file name is a file, as pip takes it.
                Ok(requirement) if requirement.name == spec && looks_like_path(spec) => {
                    self.path_requirement(spec, at)
                }
                Ok(requirement) => Some(named(&requirement)),
                Err(_) if looks_like_path(spec) => self.path_requirement(spec, at),
                Err(why) => {
                    self.warn(
                        at,
                        format!("cannot parse requirement `{spec}`: {why}; skipped"),
                    );
                    None
                }
            }
        };
        let (name, version, requirement, origin) = found?;
        if mode == Mode::Constraints {
            if let (Some(version), Origin::Registry) = (version, &origin) {
                self.pins.entry(key(&name)).or_default().insert(version);
            }
            return None;
        }
        self.entries.push(Entry {
            name,
            version,
            requirement,
            origin,
            path: at.path.to_string(),
            line: at.line,
            via: None,
        });
        Some(self.entries.len() - 1)
    }

    /// `git+https://...@rev#egg=name`, `https://.../name-1.0.tar.gz`, `file:///...`.
    fn url_requirement(&mut self, spec: &str, at: At<'_>) -> Option<Found> {
        let url = strip_url_marker(spec);
        let name = egg_name(url)
            .map(str::to_string)
            .or_else(|| archive_file_name(url).map(|(name, _)| name.to_string()));
        let Some(name) = name else {
            self.warn(
                at,
                format!("cannot tell the package name of `{url}`; skipped"),
            );
            return None;
        };
        let version = archive_version(&name, url);
        Some((name, version, None, url_origin(url)))
    }

    /// A local directory or archive. The project's own folder (`-e .`) is not a package.
    fn path_requirement(&mut self, spec: &str, at: At<'_>) -> Option<Found> {
        let path = strip_url_marker(spec);
        let plain = path.split('#').next().unwrap_or(path);
        let dir = parent(at.path);
        let resolved = join(dir, plain);
        if resolved
            .as_deref()
            .is_some_and(|r| is_same_or_ancestor(r, dir))
        {
            return None;
        }
        let name = egg_name(path)
            .map(str::to_string)
            .or_else(|| archive_file_name(plain).map(|(name, _)| name.to_string()))
            .or_else(|| resolved.and_then(|dir| self.project_name(&dir)));
        let Some(name) = name else {
            self.warn(
                at,
                format!("cannot tell the package name of `{path}`; skipped"),
            );
            return None;
        };
        let version = archive_version(&name, plain);
        let origin = Origin::Path {
            path: plain.to_string(),
        };
        Some((name, version, None, origin))
    }

    /// The `[project]` or `[tool.poetry]` name in `dir/pyproject.toml`.
    fn project_name(&self, dir: &str) -> Option<String> {
        let text = self.ctx.read_text(&join(dir, "pyproject.toml")?).ok()?;
        let doc: toml::Table = toml::from_str(&text).ok()?;
        let name_in =
            |table: Option<&toml::Value>| table?.get("name")?.as_str().map(str::to_string);
        let tool_poetry = doc.get("tool").and_then(|tool| tool.get("poetry"));
        name_in(doc.get("project")).or_else(|| name_in(tool_poetry))
    }

    fn warn(&mut self, at: At<'_>, message: String) {
        let diagnostic = if at.path == self.top {
            Diagnostic::new(Some(at.line), message)
        } else {
            Diagnostic::new(at.origin, format!("{}:{}: {message}", at.path, at.line))
        };
        self.warnings.push(diagnostic);
    }

    fn finish(self) -> Catalogued {
        let pinned = |entry: &Entry| match (&entry.version, &entry.origin) {
            (None, Origin::Registry) => {
                let versions = self.pins.get(&key(&entry.name))?;
                let mut versions = versions.iter();
                versions
                    .next()
                    .filter(|_| versions.next().is_none())
                    .cloned()
            }
            _ => None,
        };
        let mut packages: Vec<Package> = self
            .entries
            .iter()
            .map(|entry| {
                let version = entry.version.clone().or_else(|| pinned(entry));
                let mut package = Package::new(
                    Ecosystem::PyPI,
                    &entry.name,
                    version,
                    Location::new(&entry.path, Some(entry.line)),
                )
                .with_relationship(relationship(entry))
                .with_origin(entry.origin.clone());
                package.requirement = entry.requirement.clone();
                package
            })
            .collect();
        add_via_edges(&self.entries, &mut packages);
        Catalogued {
            packages,
            warnings: self.warnings,
        }
    }
}

/// Name, version, requirement and origin of a requirement.
type Found = (String, Option<String>, Option<String>, Origin);

fn named(requirement: &pep508::Requirement<'_>) -> Found {
    let name = requirement.name.to_string();
    match &requirement.target {
        pep508::Target::Url(url) => {
            let version = archive_version(&name, url);
            (name, version, None, url_origin(url))
        }
        pep508::Target::Specifiers(_) => match requirement.pinned_version() {
            Some(version) => (name, Some(version.to_string()), None, Origin::Registry),
            None => {
                let range = requirement.specifiers().to_string();
                (name, None, Some(range), Origin::Registry)
            }
        },
    }
}

fn relationship(entry: &Entry) -> Relationship {
    match &entry.via {
        Some(parents) if !parents.iter().any(|p| is_project_source(p)) => Relationship::Transitive,
        _ => Relationship::Direct,
    }
}

/// A `# via` entry naming the project's own input (`-r requirements.in`,
/// `demo (pyproject.toml)`) rather than a package.
fn is_project_source(parent: &str) -> bool {
    parent.starts_with("-r ") || parent.contains(" (")
}

/// Each `# via parent` is an edge from `parent`, in the same file, to the annotated package.
fn add_via_edges(entries: &[Entry], packages: &mut [Package]) {
    let by_name: HashMap<(&str, String), usize> = entries
        .iter()
        .enumerate()
        .map(|(i, entry)| ((entry.path.as_str(), key(&entry.name)), i))
        .collect();
    for (i, entry) in entries.iter().enumerate() {
        let parents = entry.via.iter().flatten().filter(|p| !p.starts_with('-'));
        for parent in parents {
            if let Some(&p) = by_name.get(&(entry.path.as_str(), key(parent))) {
                let version = packages[i].version.clone();
                packages[p].depends_on(&entry.name, version.as_deref());
            }
        }
    }
}

/// Whether the file is the output of pip-compile (or `uv pip compile`), whose leading
/// comment says so: only then are `# via` comments annotations.
fn is_compiled(text: &str) -> bool {
    text.lines()
        .map(str::trim)
        .take_while(|line| line.is_empty() || line.starts_with('#'))
        .any(|line| line.contains("autogenerated by"))
}

/// Collects pip-compile's annotations: `# via parent` or `# via` followed by `#   parent`
/// lines, under the requirement they annotate (or after it on its line).
#[derive(Default)]
struct ViaTracker {
    target: Option<usize>,
    in_list: bool,
}

impl ViaTracker {
    fn line(&mut self, entries: &mut [Entry], added: Option<usize>, line: &LogicalLine) {
        if !line.content.is_empty() {
            self.target = added;
            self.in_list = false;
        }
        let Some(comment) = line.comment.as_deref().map(str::trim) else {
            if line.content.is_empty() {
                // A blank line ends an annotation.
                self.target = None;
            }
            return;
        };
        let Some(entry) = self.target.and_then(|i| entries.get_mut(i)) else {
            return;
        };
        let parents: Vec<String> = if comment == "via" {
            self.in_list = true;
            Vec::new()
        } else if let Some(list) = comment.strip_prefix("via ") {
            list.split(", ").map(|p| p.trim().to_string()).collect()
        } else if self.in_list && !comment.is_empty() {
            vec![comment.to_string()]
        } else {
            return;
        };
        entry.via.get_or_insert_with(Vec::new).extend(parents);
    }
}

/// One logical line: continuation lines joined, the comment split off.
struct LogicalLine {
    /// The line it starts on.
    line: u32,
    content: String,
    comment: Option<String>,
}

/// pip's logical lines: a line ending in `\` continues on the next (a comment line never
/// continues); `#` at the start or after whitespace starts a comment.
fn logical_lines(text: &str) -> Vec<LogicalLine> {
    let mut lines = Vec::new();
    let mut pending: Option<(u32, String)> = None;
    for (i, raw) in text.lines().enumerate() {
        let line_no = i as u32 + 1;
        let is_comment = raw.trim_start().starts_with('#');
        if !is_comment && let Some(part) = raw.strip_suffix('\\') {
            pending
                .get_or_insert_with(|| (line_no, String::new()))
                .1
                .push_str(part);
            continue;
        }
        // A comment line ends a continuation and stands as a line of its own.
        match pending.take() {
            Some((start, joined)) if !is_comment => {
                lines.push(split_comment(start, &(joined + raw)));
                continue;
            }
            Some((start, joined)) => lines.push(split_comment(start, &joined)),
            None => {}
        }
        lines.push(split_comment(line_no, raw));
    }
    if let Some((start, joined)) = pending {
        lines.push(split_comment(start, &joined));
    }
    lines
}

fn split_comment(line: u32, text: &str) -> LogicalLine {
    let bytes = text.as_bytes();
    let hash = (0..bytes.len())
        .find(|&i| bytes[i] == b'#' && (i == 0 || bytes[i - 1].is_ascii_whitespace()));
    let (content, comment) = match hash {
        Some(at) => (&text[..at], Some(text[at + 1..].to_string())),
        None => (text, None),
    };
    LogicalLine {
        line,
        content: content.trim().to_string(),
        comment,
    }
}

/// A requirement and the options after it: the requirement ends at the first
/// whitespace-separated token that starts with `-`.
fn split_options(line: &str) -> (&str, Vec<&str>) {
    let mut offset = 0;
    for token in line.split_whitespace() {
        let at = offset + line[offset..].find(token).unwrap_or(0);
        if token.starts_with('-') {
            let options = line[at..]
                .split_whitespace()
                .filter(|t| t.starts_with('-'))
                .collect();
            return (line[..at].trim(), options);
        }
        offset = at + token.len();
    }
    (line, Vec::new())
}

/// An option line: the option and its value (`--opt=value`, `--opt value`, `-rvalue`), the
/// value without surrounding quotes.
fn split_option(line: &str) -> (&str, Option<&str>) {
    let head = line
        .find(|c: char| c.is_whitespace() || c == '=')
        .unwrap_or(line.len());
    let at = if !line.starts_with("--") && head > 2 {
        2
    } else {
        head
    };
    let (option, rest) = line.split_at_checked(at).unwrap_or((line, ""));
    let rest = rest.trim_start();
    let value = rest
        .strip_prefix('=')
        .unwrap_or(rest)
        .split_whitespace()
        .next();
    let value = value.map(|value| {
        ['"', '\'']
            .iter()
            .find_map(|q| value.strip_prefix(*q).and_then(|v| v.strip_suffix(*q)))
            .unwrap_or(value)
    });
    (option, value.filter(|value| !value.is_empty()))
}

fn looks_like_path(text: &str) -> bool {
    text.contains(['/', '\\']) || text.starts_with('.') || archive_file_name(text).is_some()
}

/// A URL line's markers follow `; ` (a URL may hold a bare `;`).
fn strip_url_marker(spec: &str) -> &str {
    spec.split_once("; ")
        .or_else(|| spec.split_once(" ;"))
        .map_or(spec, |(url, _)| url)
        .trim()
}

/// The `#egg=name` fragment of a URL or path.
fn egg_name(url: &str) -> Option<&str> {
    let (_, fragment) = url.split_once('#')?;
    fragment
        .split('&')
        .find_map(|part| part.strip_prefix("egg="))
        .filter(|name| pep508::is_valid_name(name))
}

fn archive_file_name(location: &str) -> Option<(&str, &str)> {
    let location = location.split(['#', '?']).next().unwrap_or(location);
    archive_name_version(location.rsplit(['/', '\\']).next().unwrap_or(location))
}

fn is_same_or_ancestor(candidate: &str, dir: &str) -> bool {
    candidate.is_empty()
        || candidate == dir
        || dir
            .strip_prefix(candidate)
            .is_some_and(|rest| rest.starts_with('/'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{issues, package, rows, scan_fixture};

    #[test]
    fn pip_compile_output_with_hashes_and_via_annotations() {
        let inventory = scan_fixture("python/requirements/pip-compile");
        assert_eq!(
            rows(&inventory),
            [
                "attrs 26.1.0 transitive - requirements-dev.txt:7",
                "iniconfig 2.3.1 transitive - requirements-dev.txt:9",
                "packaging 26.3 transitive - requirements-dev.txt:11",
                "pluggy 1.7.0 transitive - requirements-dev.txt:13",
                "py 1.11.0 transitive - requirements-dev.txt:15",
                "pytest 7.0.0 direct - requirements-dev.txt:17",
                "tomli 2.5.0 transitive - requirements-dev.txt:19",
                "asgiref 3.13.0 transitive - requirements.txt:7",
                "certifi 2026.10.18 transitive - requirements.txt:11",
                "chardet 3.0.4 transitive - requirements.txt:15",
                "django 3.2 direct - requirements.txt:19",
                "idna 2.10 transitive - requirements.txt:23",
                "jinja2 2.11.2 direct - requirements.txt:27",
                "markupsafe 3.0.4 transitive - requirements.txt:31",
                "pysocks 1.7.1 transitive - requirements.txt:184",
                "pytz 2026.6 transitive - requirements.txt:189",
                "pyyaml 5.3.1 direct - requirements.txt:193",
                "requests 2.25.0 direct - requirements.txt:208",
                "sqlparse 0.6.1 transitive - requirements.txt:212",
                "urllib3 1.26.20 transitive - requirements.txt:216",
            ]
        );
        assert!(issues(&inventory).is_empty());
        assert_eq!(
            package(&inventory, "requests").depends_on,
            [
                "pkg:pypi/certifi@2026.10.18",
                "pkg:pypi/chardet@3.0.4",
                "pkg:pypi/idna@2.10",
                "pkg:pypi/pysocks@1.7.1",
                "pkg:pypi/urllib3@1.26.20",
            ]
        );
        assert_eq!(
            package(&inventory, "django").depends_on,
            [
                "pkg:pypi/asgiref@3.13.0",
                "pkg:pypi/pytz@2026.6",
                "pkg:pypi/sqlparse@0.6.1",
            ]
        );
        assert!(package(&inventory, "urllib3").depends_on.is_empty());
    }

    #[test]
    fn pip_compile_line_annotations_with_several_parents() {
        let inventory = scan_fixture("python/requirements/pip-compile-line");
        assert_eq!(
            rows(&inventory),
            [
                "certifi 2026.10.18 transitive - requirements.txt:7",
                "chardet 3.0.4 transitive - requirements.txt:8",
                "idna 2.10 direct - requirements.txt:9",
                "requests 2.25.0 direct - requirements.txt:10",
                "urllib3 1.26.20 transitive - requirements.txt:11",
            ]
        );
        assert_eq!(
            package(&inventory, "requests").depends_on,
            [
                "pkg:pypi/certifi@2026.10.18",
                "pkg:pypi/chardet@3.0.4",
                "pkg:pypi/idna@2.10",
                "pkg:pypi/urllib3@1.26.20",
            ]
        );
    }

    #[test]
    fn every_line_form_with_includes_and_constraints() {
        let inventory = scan_fixture("python/requirements/forms");
        assert_eq!(
            rows(&inventory),
            [
                "Django 3.2.0 direct - requirements.txt:10",
                "requests 2.25.0 direct - requirements.txt:11",
                "flask 2.0.0 direct - requirements.txt:12",
                "urllib3 1.26.4 direct - requirements.txt:13",
                "PyYAML 5.3.1 direct - requirements.txt:14",
                "jinja2 2.11.2 direct - requirements.txt:15",
                "pytest req:* direct - requirements.txt:18",
                "importlib-metadata 1.7.0 direct - requirements.txt:19",
                "mylib - direct - requirements.txt:20",
                "tool - direct - requirements.txt:21",
                "six 1.15.0 direct - requirements.txt:22",
                "idna 2.10 direct - requirements.txt:23",
                "helper - direct - requirements.txt:24",
                "chardet 3.0.4 direct - requirements.txt:26",
                "pyjwt 1.7.1 direct - requirements/base.txt:2",
            ]
        );
        assert!(issues(&inventory).is_empty());

        // A constraint pins a range or a bare name; the requirement is kept.
        let flask = package(&inventory, "flask");
        assert_eq!(flask.purl, "pkg:pypi/flask@2.0.0");
        assert_eq!(flask.requirement.as_deref(), Some(">=2,<3"));
        assert_eq!(
            package(&inventory, "urllib3").requirement.as_deref(),
            Some("*")
        );
        assert_eq!(package(&inventory, "Django").requirement, None);
        assert_eq!(package(&inventory, "PyYAML").purl, "pkg:pypi/pyyaml@5.3.1");

        let origin = |name| package(&inventory, name).origin.clone();
        assert_eq!(
            origin("mylib"),
            Origin::Git {
                url: "https://git.example.invalid/example/mylib.git".into(),
                rev: Some("v0.1.0".into()),
            }
        );
        assert_eq!(
            origin("tool"),
            Origin::Git {
                url: "ssh://git@git.example.invalid/example/tool.git".into(),
                rev: Some("4db9ec8b011cfab1f1cead11e77ee018b31836e0".into()),
            }
        );
        assert_eq!(
            origin("six"),
            Origin::Url {
                url: "https://registry.example.invalid/packages/ee/ff/48bde5c0f013094d729fe4b0316ba2a24774b3ff1c52d924a8a4cb04078a/six-1.15.0-py2.py3-none-any.whl".into(),
            }
        );
        assert!(
            matches!(origin("idna"), Origin::Url { url } if url.ends_with("/idna-2.10.tar.gz"))
        );
        assert_eq!(
            origin("helper"),
            Origin::Path {
                path: "./libs/helper".into()
            }
        );
        assert_eq!(
            origin("chardet"),
            Origin::Path {
                path: "./dist/chardet-3.0.4-py2.py3-none-any.whl".into()
            }
        );
        assert_eq!(origin("Django"), Origin::Registry);
        // The included file, also scanned on its own, is one package at one location.
        assert_eq!(package(&inventory, "pyjwt").locations.len(), 1);
    }

    #[test]
    fn include_cycles_are_warnings_naming_file_and_line() {
        let inventory = scan_fixture("python/requirements/cycle");
        assert_eq!(
            rows(&inventory),
            [
                "pytest 7.0.0 direct - requirements-dev.txt:2",
                "django 3.2.0 direct - requirements.txt:1",
                "six 1.15.0 direct - self/requirements.txt:2",
            ]
        );
        assert_eq!(
            issues(&inventory),
            [
                "requirements-dev.txt:1: requirements.txt:2: -r requirements-dev.txt not read: include cycle (requirements-dev.txt is already being read)",
                "requirements.txt:2: requirements-dev.txt:1: -r requirements.txt not read: include cycle (requirements.txt is already being read)",
                "self/requirements.txt:1: -r requirements.txt not read: include cycle (self/requirements.txt is already being read)",
            ]
        );
    }

    #[test]
    fn unreadable_includes_are_warnings() {
        let inventory = scan_fixture("python/requirements/missing");
        assert_eq!(
            rows(&inventory),
            ["requests 2.25.0 direct - requirements.txt:4"]
        );
        assert_eq!(
            issues(&inventory),
            [
                "requirements.txt:1: -r base.txt not read: base.txt: no such file",
                "requirements.txt:2: --constraint ../outside-constraints.txt not read: outside the scanned tree",
                "requirements.txt:3: -r https://registry.example.invalid/requirements.txt not read: remote files are not fetched",
            ]
        );
    }

    #[test]
    fn bad_lines_are_skipped_with_a_warning() {
        let inventory = scan_fixture("python/requirements/malformed");
        assert_eq!(
            rows(&inventory),
            [
                "urllib3 1.26.4 direct - requirements-bad.txt:1",
                "six 1.15.0 direct - requirements-bad.txt:8",
                "jinja2 2.11.2 direct - requirements-bad.txt:9",
                "django 3.2.0 direct - requirements.txt:1",
            ]
        );
        assert_eq!(
            issues(&inventory),
            [
                "requirements-bad.txt:2: cannot parse requirement `django==`: `==` has no valid version; skipped",
                "requirements-bad.txt:3: cannot parse requirement `flask 2.0`: `2.0` does not start with a version operator; skipped",
                "requirements-bad.txt:4: unknown option --frobnicate ignored",
                "requirements-bad.txt:5: -e needs a path or URL, not `flask`; skipped",
                "requirements-bad.txt:6: option -r needs a value",
                "requirements-bad.txt:7: cannot tell the package name of `https://registry.example.invalid/simple/`; skipped",
                "requirements-bad.txt:8: unknown option --no-deps ignored",
                "requirements-latin1.txt:1: not valid UTF-8",
            ]
        );
    }

    #[test]
    fn requirement_file_names() {
        let cataloger = Requirements;
        for path in [
            "requirements.txt",
            "a/requirements-dev.txt",
            "dev-requirements.txt",
            "requirements/prod.txt",
        ] {
            assert!(cataloger.matches(path), "{path}");
        }
        for path in ["requirements.in", "constraints.txt", "docs/notes.txt"] {
            assert!(!cataloger.matches(path), "{path}");
        }
    }

    #[test]
    fn continuations_and_comments_follow_pip() {
        let lines = logical_lines("a==1 \\\n  --hash=sha256:x \\\n# note\nb==2 # c\nurl#egg=x\n");
        let shown: Vec<(u32, &str, Option<&str>)> = lines
            .iter()
            .map(|l| (l.line, l.content.as_str(), l.comment.as_deref()))
            .collect();
        assert_eq!(
            shown,
            [
                (1, "a==1   --hash=sha256:x", None),
                (3, "", Some(" note")),
                (4, "b==2", Some(" c")),
                (5, "url#egg=x", None),
            ]
        );
        assert_eq!(split_option("-rbase.txt"), ("-r", Some("base.txt")));
        assert_eq!(
            split_option("--requirement='base.txt'"),
            ("--requirement", Some("base.txt"))
        );
        assert_eq!(split_option("-e  ./pkg"), ("-e", Some("./pkg")));
        assert_eq!(split_option("--pre"), ("--pre", None));
    }
}
