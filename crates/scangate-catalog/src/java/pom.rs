//! `pom.xml`: the dependencies a Maven project declares.
//!
//! Only the project's own `<dependencies>` are packages, all direct: those under `<build>`
//! plugins, `<reporting>` and `<profiles>` are not read (profile activation depends on the
//! machine and command line, so even active-by-default profiles are left out). A parent's
//! dependencies are reported at the parent pom only, so a multi-module tree counts each once;
//! sibling modules a pom depends on are reported like any other package.
//!
//! Versions come from the dependency itself or from `<dependencyManagement>` of the pom, its
//! parents (found through `<relativePath>`, default `../pom.xml`, inside the scanned tree, with
//! matching coordinates) and BOMs it imports (looked up by coordinates among the tree's poms).
//! `${...}` is resolved from `<properties>` (a child's override its parents'), the project's and
//! its parent's coordinates (`project.*`, `pom.*`), in the context of the pom that declares the
//! value: a parent's `${project.version}` means the child's version, a BOM's its own. What
//! cannot be resolved is a warning and leaves the version as a requirement: nothing is guessed.
//! Custom XML entities are not expanded: a pom using one is an error, as it is for Maven.

use super::{Declared, placed};
use crate::support::LineIndex;
use crate::{CatalogError, Cataloger, Catalogued, Context, Diagnostic, SourceFile};
use quick_xml::Reader;
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesRef, BytesStart, Event};
use scangate_fsview::{file_name, join, parent};
use scangate_types::{Package, Relationship, Scope};
use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;
use std::rc::Rc;

/// Longest parent chain followed; real ones have a handful of links.
const MAX_PARENTS: usize = 16;
/// Deepest chain of BOMs importing BOMs followed.
const MAX_IMPORT_DEPTH: usize = 8;
/// Longest value a property may expand to: keeps self-multiplying properties bounded.
const MAX_VALUE_LEN: usize = 4096;
/// Deepest chain of properties naming properties followed.
const MAX_PROPERTY_DEPTH: usize = 64;

pub struct PomXml;

impl Cataloger for PomXml {
    fn name(&self) -> &'static str {
        "maven-pom"
    }

    fn matches(&self, path: &str) -> bool {
        file_name(path) == "pom.xml"
    }

    fn catalog(
        &self,
        file: &SourceFile<'_>,
        ctx: &Context<'_>,
    ) -> Result<Catalogued, CatalogError> {
        let pom = Rc::new(parse(file.text()?)?);
        let mut session = Session::new(ctx);
        let model = session.model(file.path, Rc::clone(&pom), &mut vec![file.path.to_string()]);
        let mut warnings = Vec::new();
        if let (Some(problem), Some(parent)) = (&model.chain_problem, &pom.parent) {
            warnings.push(Diagnostic::new(Some(parent.line), problem.clone()));
        }
        let packages = pom
            .dependencies
            .iter()
            .filter_map(|dep| model.package(file, dep, &mut warnings))
            .collect();
        Ok(Catalogued { packages, warnings })
    }
}

// ---------------------------------------------------------------------------------------------
// The parts of a pom this cataloger reads, as written (uninterpolated).

#[derive(Debug, Default)]
struct Pom {
    group_id: Option<String>,
    artifact_id: Option<String>,
    version: Option<String>,
    parent: Option<ParentRef>,
    properties: HashMap<String, String>,
    dependencies: Vec<Dependency>,
    /// `<dependencyManagement>` entries, BOM imports included.
    managed: Vec<Dependency>,
}

#[derive(Debug, Default, Clone)]
struct ParentRef {
    group_id: Option<String>,
    artifact_id: Option<String>,
    version: Option<String>,
    /// `Some("")` (an empty element) means: not in the tree, look in the repository.
    relative_path: Option<String>,
    line: u32,
}

#[derive(Debug, Default, Clone)]
struct Dependency {
    group_id: Option<String>,
    artifact_id: Option<String>,
    version: Option<String>,
    scope: Option<String>,
    optional: Option<String>,
    kind: Option<String>,
    classifier: Option<String>,
    line: u32,
}

/// The deepest element path the pom model reads (`project/dependencyManagement/dependencies/
/// dependency/version`); deeper elements are only walked past, so hostile nesting stays cheap.
const DEEPEST_READ: usize = 5;

impl Pom {
    /// The start of an element at `path` (element names from the root).
    fn open(&mut self, path: &[&str], line: u32) {
        let dependency = Dependency {
            line,
            ..Dependency::default()
        };
        match path {
            ["project", "parent"] => {
                self.parent = Some(ParentRef {
                    line,
                    ..ParentRef::default()
                })
            }
            ["project", "dependencies", "dependency"] => self.dependencies.push(dependency),
            [
                "project",
                "dependencyManagement",
                "dependencies",
                "dependency",
            ] => self.managed.push(dependency),
            _ => {}
        }
    }

    /// The end of an element at `path`, with its trimmed text.
    fn close(&mut self, path: &[&str], text: &str) {
        let value = (!text.is_empty()).then(|| text.to_string());
        match path {
            ["project", "groupId"] => self.group_id = value,
            ["project", "artifactId"] => self.artifact_id = value,
            ["project", "version"] => self.version = value,
            ["project", "parent", field] => {
                if let Some(parent) = &mut self.parent {
                    parent.set(field, text);
                }
            }
            ["project", "properties", name] => {
                self.properties.insert(name.to_string(), text.to_string());
            }
            ["project", "dependencies", "dependency", field] => {
                if let (Some(dep), Some(value)) = (self.dependencies.last_mut(), value) {
                    dep.set(field, value);
                }
            }
            [
                "project",
                "dependencyManagement",
                "dependencies",
                "dependency",
                field,
            ] => {
                if let (Some(dep), Some(value)) = (self.managed.last_mut(), value) {
                    dep.set(field, value);
                }
            }
            _ => {}
        }
    }

    /// Whether this pom is the one `wanted` names (the version is compared when both are literal).
    fn is(&self, wanted: &ParentRef) -> bool {
        let inherited = self.parent.as_ref();
        let group = self
            .group_id
            .as_ref()
            .or(inherited.and_then(|p| p.group_id.as_ref()));
        let version = self
            .version
            .as_ref()
            .or(inherited.and_then(|p| p.version.as_ref()));
        let literal = |v: &Option<&String>| v.is_some_and(|v| !v.contains("${"));
        let wanted_version = wanted.version.as_ref();
        group == wanted.group_id.as_ref()
            && self.artifact_id == wanted.artifact_id
            && (!literal(&version) || !literal(&wanted_version) || version == wanted_version)
    }
}

impl ParentRef {
    fn set(&mut self, field: &str, text: &str) {
        let value = Some(text.to_string());
        match field {
            "groupId" => self.group_id = value,
            "artifactId" => self.artifact_id = value,
            "version" => self.version = value,
            "relativePath" => self.relative_path = value,
            _ => {}
        }
    }

    fn coordinates(&self) -> String {
        let part = |v: &Option<String>| v.clone().unwrap_or_else(|| "?".to_string());
        format!(
            "{}:{}:{}",
            part(&self.group_id),
            part(&self.artifact_id),
            part(&self.version)
        )
    }
}

impl Dependency {
    fn set(&mut self, field: &str, value: String) {
        let slot = match field {
            "groupId" => &mut self.group_id,
            "artifactId" => &mut self.artifact_id,
            "version" => &mut self.version,
            "scope" => &mut self.scope,
            "optional" => &mut self.optional,
            "type" => &mut self.kind,
            "classifier" => &mut self.classifier,
            _ => return,
        };
        *slot = Some(value);
    }

    fn is_bom_import(&self) -> bool {
        self.scope.as_deref() == Some("import") && self.kind.as_deref() == Some("pom")
    }

    /// What `<dependencyManagement>` matches a dependency by; `None` when a part cannot be
    /// resolved.
    fn key(&self, env: &Env) -> Option<Key> {
        let resolve = |value: &Option<String>, default: &str| match value {
            Some(value) => env.interpolate(value).ok(),
            None => Some(default.to_string()),
        };
        Some(Key {
            group: env.interpolate(self.group_id.as_ref()?).ok()?,
            artifact: env.interpolate(self.artifact_id.as_ref()?).ok()?,
            kind: resolve(&self.kind, "jar")?,
            classifier: resolve(&self.classifier, "")?,
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Reading the XML.

fn parse(text: &str) -> Result<Pom, CatalogError> {
    let lines = LineIndex::new(text);
    let mut reader = Reader::from_str(text);
    let mut open: Vec<(String, u32)> = Vec::new();
    let mut value = String::new();
    let mut pom = Pom::default();
    let mut seen_root = false;
    loop {
        let line = lines.line(reader.buffer_position() as usize);
        let event = reader.read_event().map_err(|err| {
            let at = lines.line(reader.error_position() as usize);
            CatalogError::at(at, format!("invalid XML: {err}"))
        })?;
        match event {
            Event::Start(tag) => {
                seen_root = true;
                enter(&mut open, &tag, line)?;
                if open.len() <= DEEPEST_READ {
                    pom.open(&names(&open), line);
                }
                value.clear();
            }
            Event::Empty(tag) => {
                seen_root = true;
                enter(&mut open, &tag, line)?;
                if open.len() <= DEEPEST_READ {
                    pom.open(&names(&open), line);
                    pom.close(&names(&open), "");
                }
                open.pop();
            }
            Event::End(_) => {
                if open.len() <= DEEPEST_READ {
                    pom.close(&names(&open), value.trim());
                }
                open.pop();
                value.clear();
            }
            Event::Text(text) => {
                value.push_str(&text.decode().map_err(|err| xml_error(line, err))?)
            }
            Event::CData(data) => {
                value.push_str(&data.decode().map_err(|err| xml_error(line, err))?)
            }
            Event::GeneralRef(reference) => value.push_str(&expand_reference(&reference, line)?),
            Event::Eof => break,
            _ => {}
        }
    }
    match open.last() {
        Some((name, line)) => Err(CatalogError::at(
            *line,
            format!("invalid XML: <{name}> is not closed before the end of the file"),
        )),
        None if seen_root => Ok(pom),
        None => Err(CatalogError::new("not a Maven POM: no <project> element")),
    }
}

fn enter(
    open: &mut Vec<(String, u32)>,
    tag: &BytesStart<'_>,
    line: u32,
) -> Result<(), CatalogError> {
    let name = String::from_utf8_lossy(tag.local_name().as_ref()).into_owned();
    if open.is_empty() && name != "project" {
        return Err(CatalogError::at(
            line,
            format!("not a Maven POM: the root element is <{name}>, not <project>"),
        ));
    }
    open.push((name, line));
    Ok(())
}

fn names(open: &[(String, u32)]) -> Vec<&str> {
    open.iter().map(|(name, _)| name.as_str()).collect()
}

/// `&amp;`-style and character references; any other entity is refused, not expanded.
fn expand_reference(reference: &BytesRef<'_>, line: u32) -> Result<String, CatalogError> {
    if let Some(c) = reference
        .resolve_char_ref()
        .map_err(|err| xml_error(line, err))?
    {
        return Ok(c.to_string());
    }
    let name = reference.decode().map_err(|err| xml_error(line, err))?;
    resolve_predefined_entity(&name)
        .map(str::to_string)
        .ok_or_else(|| {
            CatalogError::at(
                line,
                format!(
                    "invalid XML: entity &{name}; is not defined (custom entities are not expanded)"
                ),
            )
        })
}

fn xml_error(line: u32, err: impl fmt::Display) -> CatalogError {
    CatalogError::at(line, format!("invalid XML: {err}"))
}

// ---------------------------------------------------------------------------------------------
// Property interpolation.

/// The values `${...}` may name in one pom's context.
struct Env {
    /// The pom's and its parents' properties, the child's winning.
    properties: HashMap<String, String>,
    /// `project.version` and friends, as written.
    project: HashMap<&'static str, String>,
    memo: RefCell<HashMap<String, Result<String, Unresolved>>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Unresolved {
    Missing(String),
    Cycle(Vec<String>),
    TooLong(String),
    TooDeep(String),
}

impl fmt::Display for Unresolved {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unresolved::Missing(name) => write!(f, "cannot resolve ${{{name}}}"),
            Unresolved::Cycle(names) => {
                let names: Vec<String> = names.iter().map(|n| format!("${{{n}}}")).collect();
                write!(f, "property cycle {}", names.join(" -> "))
            }
            Unresolved::TooLong(name) => {
                write!(f, "${{{name}}} expands past {MAX_VALUE_LEN} characters")
            }
            Unresolved::TooDeep(name) => write!(
                f,
                "${{{name}}} names properties more than {MAX_PROPERTY_DEPTH} deep"
            ),
        }
    }
}

impl Env {
    /// The environment of the first pom of `chain` (the pom, then its parents).
    fn new(chain: &[(String, Rc<Pom>)]) -> Env {
        let mut properties = HashMap::new();
        for (_, pom) in chain.iter().rev() {
            properties.extend(pom.properties.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
        let pom = &chain[0].1;
        let parent = pom.parent.clone().unwrap_or_default();
        let values = [
            (
                "project.groupId",
                pom.group_id.clone().or(parent.group_id.clone()),
            ),
            ("project.artifactId", pom.artifact_id.clone()),
            (
                "project.version",
                pom.version.clone().or(parent.version.clone()),
            ),
            ("project.parent.groupId", parent.group_id),
            ("project.parent.artifactId", parent.artifact_id),
            ("project.parent.version", parent.version),
        ];
        Env {
            properties,
            project: values
                .into_iter()
                .filter_map(|(name, value)| Some((name, value?)))
                .collect(),
            memo: RefCell::default(),
        }
    }

    /// `raw` with every `${name}` replaced.
    fn interpolate(&self, raw: &str) -> Result<String, Unresolved> {
        self.expand(raw, &mut Vec::new())
    }

    fn expand(&self, raw: &str, stack: &mut Vec<String>) -> Result<String, Unresolved> {
        let mut out = String::new();
        let mut rest = raw;
        while let Some(start) = rest.find("${") {
            let Some(len) = rest[start + 2..].find('}') else {
                break;
            };
            out.push_str(&rest[..start]);
            let name = &rest[start + 2..start + 2 + len];
            out.push_str(&self.property(name, stack)?);
            rest = &rest[start + 3 + len..];
            if out.len() > MAX_VALUE_LEN {
                return Err(Unresolved::TooLong(
                    stack.first().map_or(name, |n| n).to_string(),
                ));
            }
        }
        out.push_str(rest);
        Ok(out)
    }

    fn property(&self, name: &str, stack: &mut Vec<String>) -> Result<String, Unresolved> {
        let name = match name.strip_prefix("pom.") {
            Some(rest) => format!("project.{rest}"),
            None => name.to_string(),
        };
        if let Some(known) = self.memo.borrow().get(&name) {
            return known.clone();
        }
        if let Some(at) = stack.iter().position(|n| *n == name) {
            let mut cycle = stack[at..].to_vec();
            cycle.push(name);
            return Err(Unresolved::Cycle(cycle));
        }
        if stack.len() >= MAX_PROPERTY_DEPTH {
            return Err(Unresolved::TooDeep(stack[0].clone()));
        }
        let raw = self
            .project
            .get(name.as_str())
            .or_else(|| self.properties.get(&name))
            .ok_or_else(|| Unresolved::Missing(name.clone()))?;
        stack.push(name.clone());
        let result = self.expand(raw, stack);
        stack.pop();
        self.memo.borrow_mut().insert(name, result.clone());
        result
    }
}

// ---------------------------------------------------------------------------------------------
// The effective model: inheritance, management and imports.

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    group: String,
    artifact: String,
    kind: String,
    classifier: String,
}

/// A managed dependency with the context its values are interpolated in.
struct Managed {
    dependency: Dependency,
    env: Rc<Env>,
}

struct Model {
    env: Rc<Env>,
    managed: HashMap<Key, Managed>,
    /// Where the search for versions stopped short (a parent or BOM outside the tree).
    gaps: Vec<String>,
    /// A parent cycle or an over-long chain, reported at the `<parent>` line.
    chain_problem: Option<String>,
}

impl Model {
    fn package(
        &self,
        file: &SourceFile<'_>,
        dep: &Dependency,
        warnings: &mut Vec<Diagnostic>,
    ) -> Option<Package> {
        let mut warn = |message: String| warnings.push(Diagnostic::new(Some(dep.line), message));
        let group = self.coordinate(dep.group_id.as_deref(), "groupId", &mut warn)?;
        let artifact = self.coordinate(dep.artifact_id.as_deref(), "artifactId", &mut warn)?;
        let name = format!("{group}:{artifact}");
        let managed = dep.key(&self.env).and_then(|key| self.managed.get(&key));
        let version = self.version(dep, managed, &name, &mut warn);
        let scope = self.setting(dep.scope.as_ref(), managed, |d| d.scope.as_ref());
        let optional = self.setting(dep.optional.as_ref(), managed, |d| d.optional.as_ref());
        let scope = scope_of(scope.as_deref(), optional.as_deref() == Some("true"));
        Some(placed(
            version.package(file, &name, dep.line),
            Relationship::Direct,
            scope,
        ))
    }

    fn coordinate(
        &self,
        raw: Option<&str>,
        field: &str,
        warn: &mut impl FnMut(String),
    ) -> Option<String> {
        let Some(raw) = raw else {
            warn(format!("dependency without a {field}; skipped"));
            return None;
        };
        self.env
            .interpolate(raw)
            .map_err(|problem| {
                warn(format!(
                    "{problem} in the {field} of a dependency{}; skipped",
                    self.gaps_after(&problem)
                ))
            })
            .ok()
    }

    fn version(
        &self,
        dep: &Dependency,
        managed: Option<&Managed>,
        name: &str,
        warn: &mut impl FnMut(String),
    ) -> Declared {
        let (raw, env) = match (&dep.version, managed) {
            (Some(raw), _) => (raw, &self.env),
            (
                None,
                Some(Managed {
                    dependency:
                        Dependency {
                            version: Some(raw), ..
                        },
                    env,
                }),
            ) => (raw, env),
            (None, _) => {
                warn(format!(
                    "no version for {name}: no dependencyManagement entry{}",
                    self.gaps()
                ));
                return Declared::Unknown;
            }
        };
        match env.interpolate(raw) {
            Ok(version) => Declared::maven(&version),
            Err(problem) => {
                warn(format!(
                    "{problem} in the version of {name}{}",
                    self.gaps_after(&problem)
                ));
                Declared::Requirement(raw.clone())
            }
        }
    }

    /// A dependency's own setting, else the managed one, interpolated in its context.
    fn setting(
        &self,
        own: Option<&String>,
        managed: Option<&Managed>,
        field: impl Fn(&Dependency) -> Option<&String>,
    ) -> Option<String> {
        match (own, managed) {
            (Some(own), _) => self.env.interpolate(own).ok(),
            (None, Some(m)) => field(&m.dependency).and_then(|v| m.env.interpolate(v).ok()),
            (None, None) => None,
        }
    }

    /// Where a missing value might have come from, for the warning.
    fn gaps(&self) -> String {
        self.gaps.iter().map(|gap| format!("; {gap}")).collect()
    }

    /// The gaps, when they may explain `problem`.
    fn gaps_after(&self, problem: &Unresolved) -> String {
        match problem {
            Unresolved::Missing(_) => self.gaps(),
            _ => String::new(),
        }
    }
}

fn scope_of(scope: Option<&str>, optional: bool) -> Option<Scope> {
    let scope = match scope.unwrap_or("compile") {
        "compile" => Scope::Prod,
        "runtime" => Scope::Runtime,
        "provided" | "system" => Scope::Provided,
        "test" => Scope::Test,
        _ => return None,
    };
    Some(match scope {
        Scope::Prod | Scope::Runtime if optional => Scope::Optional,
        scope => scope,
    })
}

/// The pom chain of one model: the pom, then its parents found in the tree.
struct Chain {
    links: Vec<(String, Rc<Pom>)>,
    /// The first parent that is not in the tree.
    missing: Option<String>,
    problem: Option<String>,
}

/// The poms read during one cataloger call: nothing outlives it.
struct Session<'c> {
    ctx: &'c Context<'c>,
    parsed: HashMap<String, Option<Rc<Pom>>>,
    /// The tree's poms by artifactId as written, listed on the first BOM import.
    by_artifact: Option<HashMap<String, Vec<String>>>,
}

impl<'c> Session<'c> {
    fn new(ctx: &'c Context<'c>) -> Session<'c> {
        Session {
            ctx,
            parsed: HashMap::new(),
            by_artifact: None,
        }
    }

    /// `pom` (at `path`) with inheritance, management and imports applied. `importing` holds
    /// the poms whose imports are being resolved, to stop import cycles.
    fn model(&mut self, path: &str, pom: Rc<Pom>, importing: &mut Vec<String>) -> Model {
        let chain = self.chain(path, pom);
        let env = Rc::new(Env::new(&chain.links));
        let mut model = Model {
            env: Rc::clone(&env),
            managed: HashMap::new(),
            gaps: chain
                .missing
                .iter()
                .map(|parent| format!("its parent {parent} is not in the scanned tree"))
                .collect(),
            chain_problem: chain.problem,
        };
        let mut imports = Vec::new();
        for (_, link) in &chain.links {
            for dep in &link.managed {
                if dep.is_bom_import() {
                    imports.push(dep.clone());
                } else if let Some(key) = dep.key(&env) {
                    model.managed.entry(key).or_insert_with(|| Managed {
                        dependency: dep.clone(),
                        env: Rc::clone(&env),
                    });
                }
            }
        }
        for bom in imports {
            self.import(&mut model, &bom, importing);
        }
        model
    }

    /// Adds what the BOM `bom` manages to `model`, below what the model manages itself.
    fn import(&mut self, model: &mut Model, bom: &Dependency, importing: &mut Vec<String>) {
        let resolve = |raw: &Option<String>| model.env.interpolate(raw.as_deref()?).ok();
        let (Some(group), Some(artifact), Some(version)) = (
            resolve(&bom.group_id),
            resolve(&bom.artifact_id),
            resolve(&bom.version),
        ) else {
            model
                .gaps
                .push("an imported BOM has unresolved coordinates".to_string());
            return;
        };
        let coordinates = format!("{group}:{artifact}:{version}");
        let Some((path, pom)) = self.find_pom(&group, &artifact, &version) else {
            model.gaps.push(format!(
                "the imported BOM {coordinates} is not in the scanned tree"
            ));
            return;
        };
        if importing.contains(&path) || importing.len() > MAX_IMPORT_DEPTH {
            model.gaps.push(format!(
                "the BOM import of {coordinates} loops; not followed"
            ));
            return;
        }
        importing.push(path.clone());
        let imported = self.model(&path, pom, importing);
        importing.pop();
        for (key, managed) in imported.managed {
            model.managed.entry(key).or_insert(managed);
        }
        model.gaps.extend(imported.gaps);
    }

    fn chain(&mut self, path: &str, pom: Rc<Pom>) -> Chain {
        let mut chain = Chain {
            links: vec![(path.to_string(), pom)],
            missing: None,
            problem: None,
        };
        loop {
            let (child_path, child) = chain.links.last().expect("the chain starts with the pom");
            let Some(wanted) = child.parent.clone() else {
                break;
            };
            let found = self.locate_parent(child_path, &wanted);
            let parent = found
                .as_ref()
                .and_then(|p| self.load(p))
                .filter(|p| p.is(&wanted));
            let (Some(found), Some(parent)) = (found, parent) else {
                chain.missing = Some(wanted.coordinates());
                break;
            };
            if chain.links.iter().any(|(p, _)| *p == found) {
                let mut paths: Vec<&str> = chain.links.iter().map(|(p, _)| p.as_str()).collect();
                paths.push(&found);
                chain.problem = Some(format!(
                    "parent cycle: {}; the chain is cut there",
                    paths.join(" -> ")
                ));
                break;
            }
            if chain.links.len() > MAX_PARENTS {
                chain.problem = Some(format!(
                    "more than {MAX_PARENTS} parents; the chain is cut there"
                ));
                break;
            }
            chain.links.push((found, parent));
        }
        chain
    }

    fn locate_parent(&self, child_path: &str, wanted: &ParentRef) -> Option<String> {
        let relative = wanted.relative_path.as_deref().unwrap_or("../pom.xml");
        if relative.is_empty() {
            return None;
        }
        let candidate = join(parent(child_path), relative)?;
        if self.ctx.view.is_file(&candidate) {
            return Some(candidate);
        }
        // A relative path may name the parent's folder.
        join(&candidate, "pom.xml").filter(|p| self.ctx.view.is_file(p))
    }

    fn load(&mut self, path: &str) -> Option<Rc<Pom>> {
        if let Some(known) = self.parsed.get(path) {
            return known.clone();
        }
        let pom = self
            .ctx
            .read_text(path)
            .ok()
            .and_then(|text| parse(&text).ok())
            .map(Rc::new);
        self.parsed.insert(path.to_string(), pom.clone());
        pom
    }

    /// The pom of the tree with these coordinates. The first call of a cataloger call lists
    /// and reads the tree's poms.
    fn find_pom(
        &mut self,
        group: &str,
        artifact: &str,
        version: &str,
    ) -> Option<(String, Rc<Pom>)> {
        if self.by_artifact.is_none() {
            let mut index: HashMap<String, Vec<String>> = HashMap::new();
            for path in self.ctx.view.files(&|p| file_name(p) == "pom.xml").files {
                if let Some(artifact) = self.load(&path).and_then(|p| p.artifact_id.clone()) {
                    index.entry(artifact).or_default().push(path);
                }
            }
            self.by_artifact = Some(index);
        }
        let candidates = self.by_artifact.as_ref()?.get(artifact)?.clone();
        let wanted = format!("{group}:{artifact}:{version}");
        candidates.into_iter().find_map(|path| {
            let pom = self.load(&path)?;
            let env = Env::new(&self.chain(&path, Rc::clone(&pom)).links);
            let resolved = |name: &str| env.interpolate(&format!("${{project.{name}}}")).ok();
            let found = [
                resolved("groupId"),
                resolved("artifactId"),
                resolved("version"),
            ];
            (found
                .iter()
                .flatten()
                .cloned()
                .collect::<Vec<_>>()
                .join(":")
                == wanted)
                .then_some((path, pom))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{file_counts, issues, rows, scan_fixture};

    #[test]
    fn properties_resolve_through_chains_and_stop_at_cycles() {
        let pom = Pom {
            version: Some("${revision}".into()),
            properties: [
                ("revision", "1.2.${patch}"),
                ("patch", "3"),
                ("a", "${b}"),
                ("b", "x${a}"),
                ("l0", "lol"),
                ("l1", "${l0}${l0}${l0}${l0}${l0}${l0}${l0}${l0}${l0}${l0}"),
                ("l2", "${l1}${l1}${l1}${l1}${l1}${l1}${l1}${l1}${l1}${l1}"),
                ("l3", "${l2}${l2}${l2}${l2}${l2}${l2}${l2}${l2}${l2}${l2}"),
                ("l4", "${l3}${l3}${l3}${l3}${l3}${l3}${l3}${l3}${l3}${l3}"),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
            ..Pom::default()
        };
        let env = Env::new(&[("pom.xml".to_string(), Rc::new(pom))]);
        assert_eq!(env.interpolate("v${pom.version}"), Ok("v1.2.3".to_string()));
        assert_eq!(
            env.interpolate("${a}").unwrap_err().to_string(),
            "property cycle ${a} -> ${b} -> ${a}"
        );
        assert_eq!(
            env.interpolate("${l4}").unwrap_err().to_string(),
            "${l4} expands past 4096 characters"
        );
        assert_eq!(env.interpolate("${nope"), Ok("${nope".to_string()));
    }

    #[test]
    fn long_property_chains_stop_without_exhausting_the_stack() {
        let chain = (0..1_000).map(|i| (format!("p{i}"), format!("${{p{}}}", i + 1)));
        let pom = Pom {
            properties: chain.collect(),
            ..Pom::default()
        };
        let env = Env::new(&[("pom.xml".to_string(), Rc::new(pom))]);
        assert_eq!(
            env.interpolate("${p0}").unwrap_err().to_string(),
            "${p0} names properties more than 64 deep"
        );
    }

    #[test]
    fn multi_module_project_with_parent_bom_and_properties() {
        let inventory = scan_fixture("java/pom/multi-module");
        assert_eq!(
            rows(&inventory),
            [
                // Managed by the parent (a property chain of three hops for log4j), by the
                // BOM the parent imports (spring-core), and the parent's managed test scope.
                "com.fasterxml.jackson.core:jackson-databind 2.9.8 direct prod core/pom.xml:21",
                "org.apache.logging.log4j:log4j-core 2.14.1 direct prod core/pom.xml:25",
                "org.springframework:spring-core 5.3.17 direct prod core/pom.xml:29",
                "com.google.guava:guava 31.0.1-jre direct optional core/pom.xml:33",
                "javax.servlet:javax.servlet-api 4.0.1 direct provided core/pom.xml:39",
                "org.postgresql:postgresql 42.3.3 direct runtime core/pom.xml:45",
                "commons-io:commons-io req:${commons.io.version} direct prod core/pom.xml:51",
                "org.yaml:snakeyaml req:[1.26,2.0) direct prod core/pom.xml:56",
                "junit:junit 4.13.2 direct test core/pom.xml:61",
                // The parent's own dependency, reported there only.
                "org.slf4j:slf4j-api 1.7.36 direct prod pom.xml:63",
                "com.example.shop:shop-core 1.4.0 direct prod web/pom.xml:23",
                "com.example.shop:shop-web-api 1.4.0 direct prod web/pom.xml:28",
                "org.springframework:spring-web 5.3.17 direct prod web/pom.xml:34",
                // The parent manages ${jackson.version}; the child's property wins.
                "com.fasterxml.jackson.core:jackson-databind 2.12.6 direct runtime web/pom.xml:44",
                "com.example.legacy:legacy-tools 1.4.0 direct provided web/pom.xml:49",
                "org.mockito:mockito-core 4.3.1 direct test web/pom.xml:56",
            ]
        );
        assert_eq!(
            issues(&inventory),
            [
                "core/pom.xml:51: cannot resolve ${commons.io.version} in the version of commons-io:commons-io"
            ]
        );
        let log4j = &inventory.packages[1];
        assert_eq!(
            log4j.purl,
            "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"
        );
        let files = file_counts(&inventory);
        assert_eq!(
            files,
            [
                ("bom/pom.xml", 0),
                ("core/pom.xml", 9),
                ("pom.xml", 1),
                ("web/pom.xml", 6)
            ]
        );
    }

    #[test]
    fn parent_cycles_are_cut_with_a_warning() {
        let inventory = scan_fixture("java/pom/parent-cycle");
        assert_eq!(
            rows(&inventory),
            [
                // b's properties still apply to a: the cycle is cut after b.
                "com.fasterxml.jackson.core:jackson-databind 2.9.8 direct prod a/pom.xml:17",
                "org.example:nowhere req:${nowhere.version} direct prod a/pom.xml:22",
                "org.apache.logging.log4j:log4j-core 2.14.1 direct prod c/pom.xml:25",
                "org.example:cyclic req:${a.version} direct prod c/pom.xml:30",
            ]
        );
        assert_eq!(
            issues(&inventory),
            [
                "a/pom.xml:7: parent cycle: a/pom.xml -> b/pom.xml -> a/pom.xml; the chain is cut there",
                "a/pom.xml:22: cannot resolve ${nowhere.version} in the version of org.example:nowhere",
                "b/pom.xml:7: parent cycle: b/pom.xml -> a/pom.xml -> b/pom.xml; the chain is cut there",
                "c/pom.xml:8: parent cycle: c/pom.xml -> c/pom.xml; the chain is cut there",
                "c/pom.xml:30: property cycle ${a.version} -> ${b.version} -> ${a.version} in the version of org.example:cyclic",
            ]
        );
    }

    #[test]
    fn a_parent_outside_the_tree_is_named_when_something_is_missing() {
        let inventory = scan_fixture("java/pom/external-parent");
        assert_eq!(
            rows(&inventory),
            [
                "org.example:shared req:${shared.version} direct prod mismatch/pom.xml:17",
                "org.springframework.boot:spring-boot-starter-web - direct prod pom.xml:25",
                "org.apache.logging.log4j:log4j-core req:${log4j2.version} direct prod pom.xml:29",
                "com.fasterxml.jackson.core:jackson-databind 2.9.8 direct prod pom.xml:34",
            ]
        );
        assert_eq!(
            issues(&inventory),
            [
                "mismatch/pom.xml:17: cannot resolve ${shared.version} in the version of org.example:shared; its parent com.example:other-parent:1.0 is not in the scanned tree",
                "pom.xml:25: no version for org.springframework.boot:spring-boot-starter-web: no dependencyManagement entry; its parent org.springframework.boot:spring-boot-starter-parent:2.6.4 is not in the scanned tree",
                "pom.xml:29: cannot resolve ${log4j2.version} in the version of org.apache.logging.log4j:log4j-core; its parent org.springframework.boot:spring-boot-starter-parent:2.6.4 is not in the scanned tree",
            ]
        );
    }

    #[test]
    fn malformed_poms_are_errors_and_the_good_one_is_read() {
        let inventory = scan_fixture("java/pom/malformed");
        assert_eq!(
            rows(&inventory),
            ["org.springframework:spring-core 5.3.17 direct prod good/pom.xml:12"]
        );
        assert_eq!(
            issues(&inventory),
            [
                "broken/pom.xml:16: invalid XML: ill-formed document: expected `</dependency>`, but `</dependencies>` was found",
                "truncated/pom.xml:12: invalid XML: <dependency> is not closed before the end of the file",
            ]
        );
    }

    #[test]
    fn entities_and_self_multiplying_properties_are_not_expanded() {
        let inventory = scan_fixture("java/pom/entities");
        assert_eq!(
            rows(&inventory),
            [
                "com.fasterxml.jackson.core:jackson-databind 2.9.8 direct prod good/pom.xml:13",
                "org.example:laughing req:${lol9} direct prod properties/pom.xml:26",
            ]
        );
        assert_eq!(
            issues(&inventory),
            [
                "laughs/pom.xml:19: invalid XML: entity &lol9; is not defined (custom entities are not expanded)",
                "properties/pom.xml:26: ${lol9} expands past 4096 characters in the version of org.example:laughing",
                "xxe/pom.xml:13: invalid XML: entity &secret; is not defined (custom entities are not expanded)",
            ]
        );
    }

    #[test]
    fn a_file_that_is_not_a_pom_is_refused() {
        assert_eq!(
            parse("<settings/>").unwrap_err(),
            CatalogError::at(
                1,
                "not a Maven POM: the root element is <settings>, not <project>"
            )
        );
        assert_eq!(
            parse("").unwrap_err(),
            CatalogError::new("not a Maven POM: no <project> element")
        );
    }
}
