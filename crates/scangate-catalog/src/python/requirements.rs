//! pip requirements files: `requirements*.txt`, `*-requirements.txt`, and `.txt` files in a
//! `requirements/` folder.
//!
//! Follows pip's requirements-file format: `\` joins lines, `#` at a line start or after
//! whitespace starts a comment, `-r`/`-c` include files relative to the including one, `-e`
//! and URL, VCS and path lines name packages outside the registry. Packages of an included
//! file are located in that file. A constraint file (`-c`) adds no packages; its exact pins
//! resolve unpinned requirements. Relationships are direct, except in pip-compile output,
//! whose `# via` annotations tell direct from transitive and give the edges. No scope: the
//! format records none.

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
        let mut via = ViaTracker::default();
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
            via.line(&mut self.entries, added, &logical);
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
        } else if editable || archive_file_name(spec).is_some() {
            if looks_like_path(spec) {
                self.path_requirement(spec, at)
            } else {
                self.warn(at, format!("-e needs a path or URL, not `{spec}`; skipped"));
                None
            }
        } else {
            match pep508::parse(spec) {
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
