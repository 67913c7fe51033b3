//! A small MSBuild evaluator: properties (with `$(Name)` references), imports and the package
//! items of a project and the files it imports.
//!
//! MSBuild evaluates all properties first, in import order, then all items with the final
//! property values; this follows the same two passes. What it does not do:
//! - `Condition`s are not evaluated: every property, item and group counts, in document order
//!   (a later conditional definition overrides an earlier one).
//! - Property functions are not evaluated, except `[MSBuild]::GetPathOfFileAbove` and
//!   `[MSBuild]::GetDirectoryNameOfFileAbove`, the idioms that chain `Directory.Build.props`.
//! - SDK, toolset and wildcard imports are not followed; `Directory.Build.targets` is not read.
//! - Properties inside `<Target>`s (run time, not evaluation) are ignored.
//!
//! Paths that expressions produce are marked absolute within the scan with a leading `/`
//! (`$(MSBuildThisFileDirectory)` of `src/a.props` is `/src/`), so a later relative part
//! resolves against the scan root rather than the importing file.

use super::xml::{Element, Node, XmlReader};
use crate::{CatalogError, Context, Diagnostic};
use scangate_fsview::{join, parent};
use std::cell::Cell;
use std::collections::{HashMap, HashSet};
use std::fmt;

/// Imports nested deeper than this are not followed (MSBuild has no limit, a scan needs one).
const MAX_IMPORT_DEPTH: usize = 16;
/// At most this many files are read for one project.
const MAX_IMPORTED_FILES: usize = 64;
/// Longest property value kept: `<A>$(A)$(A)</A>` repeated must not double memory forever.
const MAX_VALUE_LEN: usize = 64 * 1024;
/// Most text substituted for `$(...)` in one evaluation: many copies of one long value must
/// not add up without bound either.
const MAX_SUBSTITUTED: usize = 16 * 1024 * 1024;
/// Deepest nesting of `$(...)` inside function arguments.
const MAX_EXPRESSION_DEPTH: usize = 8;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemKind {
    PackageReference,
    PackageVersion,
    GlobalPackageReference,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemOp {
    Include,
    Update,
    Remove,
}

/// A package item as written: spec and metadata unexpanded.
#[derive(Debug, Clone)]
pub struct Item {
    pub kind: ItemKind,
    pub op: ItemOp,
    pub spec: String,
    /// Attributes and child elements other than the item operations, in document order.
    pub metadata: Vec<(String, String)>,
    pub file: String,
    pub line: u32,
}

enum Statement {
    Property {
        name: String,
        value: String,
    },
    Import {
        project: String,
        conditioned: bool,
        line: u32,
    },
    Item(Item),
}

/// Why an expression has no value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unresolved {
    Property(String),
    Expression(String),
    NotFoundAbove(String),
    TooLong,
    OverBudget,
}

impl fmt::Display for Unresolved {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unresolved::Property(name) => write!(f, "property $({name}) is not defined"),
            Unresolved::Expression(expr) => write!(f, "$({expr}) cannot be evaluated"),
            Unresolved::NotFoundAbove(name) => write!(f, "no {name} found above it in the scan"),
            Unresolved::TooLong => write!(f, "a value grows past {} KiB", MAX_VALUE_LEN / 1024),
            Unresolved::OverBudget => write!(
                f,
                "property values add up past {} MiB",
                MAX_SUBSTITUTED / 1024 / 1024
            ),
        }
    }
}

pub type Value = Result<String, Unresolved>;

/// The properties and package items of one project and everything it imports.
pub struct Evaluation<'a> {
    ctx: &'a Context<'a>,
    project: &'a str,
    /// Keyed by lowercased name: MSBuild property names ignore case.
    properties: HashMap<String, Value>,
    pub items: Vec<Item>,
    pub warnings: Vec<Diagnostic>,
    read: HashSet<String>,
    /// Bytes substituted for `$(...)` so far, against [`MAX_SUBSTITUTED`].
    substituted: Cell<usize>,
}

impl<'a> Evaluation<'a> {
    pub fn new(ctx: &'a Context<'a>, project: &'a str) -> Evaluation<'a> {
        Evaluation {
            ctx,
            project,
            properties: HashMap::new(),
            items: Vec::new(),
            warnings: Vec::new(),
            read: HashSet::from([project.to_string()]),
            substituted: Cell::new(0),
        }
    }

    /// Evaluates the project file itself; its own syntax errors fail the catalogue.
    pub fn evaluate_project(&mut self, text: &str) -> Result<(), CatalogError> {
        let statements = parse(text, self.project)?;
        self.run(self.project, statements, 0);
        Ok(())
    }

    /// Imports the nearest `name` in the project's folder or above, as the SDK does for
    /// `Directory.Build.props` and `Directory.Packages.props`.
    pub fn import_nearest(&mut self, name: &str) {
        if let Some(path) = self.find_above(parent(self.project), name) {
            self.import(&path, self.project, None, 0);
        }
    }

    /// Whether property `name` evaluates to `true`.
    pub fn is_true(&self, name: &str) -> bool {
        let value = self.properties.get(&name.to_ascii_lowercase());
        matches!(value, Some(Ok(v)) if v.trim().eq_ignore_ascii_case("true"))
    }

    /// Reports a problem at `file:line`; places outside the project are named in the message.
    pub fn warn(&mut self, file: &str, line: Option<u32>, message: impl fmt::Display) {
        let diagnostic = if file == self.project {
            Diagnostic::new(line, message.to_string())
        } else {
            let at = line.map_or(file.to_string(), |line| format!("{file}:{line}"));
            Diagnostic::new(None, format!("{at}: {message}"))
        };
        self.warnings.push(diagnostic);
    }

    fn run(&mut self, file: &str, statements: Vec<Statement>, depth: usize) {
        for statement in statements {
            match statement {
                Statement::Property { name, value } => {
                    let value = self.expand(&value, file);
                    if !is_reserved(&name) {
                        self.properties.insert(name.to_ascii_lowercase(), value);
                    }
                }
                Statement::Import {
                    project,
                    conditioned,
                    line,
                } => self.run_import(file, &project, conditioned, line, depth),
                Statement::Item(item) => self.items.push(item),
            }
        }
    }

    fn run_import(
        &mut self,
        file: &str,
        project: &str,
        conditioned: bool,
        line: u32,
        depth: usize,
    ) {
        if project.contains('*') {
            return;
        }
        match self.expand(project, file).map(|p| scan_path(&p, file)) {
            Ok(Some(path)) if self.ctx.view.is_file(&path) => {
                self.import(&path, file, Some(line), depth + 1);
            }
            Ok(_) if !conditioned => {
                self.warn(
                    file,
                    Some(line),
                    format!("imported file {project} is not in the scan"),
                );
            }
            Err(err @ Unresolved::NotFoundAbove(_)) if !conditioned => {
                self.warn(file, Some(line), format!("import of {project}: {err}"));
            }
            // SDK and toolset imports name properties the SDK defines: not ours to follow.
            _ => {}
        }
    }

    fn import(&mut self, path: &str, from: &str, line: Option<u32>, depth: usize) {
        if self.read.contains(path) {
            return; // MSBuild, too, skips a file imported twice.
        }
        if depth > MAX_IMPORT_DEPTH || self.read.len() >= MAX_IMPORTED_FILES {
            self.warn(
                from,
                line,
                format!("{path} not read: imports nest too deep or too many"),
            );
            return;
        }
        self.read.insert(path.to_string());
        let parsed = self.ctx.read_text(path).and_then(|text| parse(&text, path));
        match parsed {
            Ok(statements) => self.run(path, statements, depth),
            Err(err) => {
                let at = err.line.map_or(path.to_string(), |l| format!("{path}:{l}"));
                self.warn(from, line, format!("{at} is ignored: {}", err.message));
            }
        }
    }

    /// `raw` with every `$(...)` replaced, as seen from `file`.
    pub fn expand(&self, raw: &str, file: &str) -> Value {
        self.expand_nested(raw, file, 0)
    }

    fn expand_nested(&self, raw: &str, file: &str, depth: usize) -> Value {
        let mut out = String::new();
        let mut rest = raw;
        while let Some(start) = rest.find("$(") {
            out.push_str(&rest[..start]);
            let inner = &rest[start + 2..];
            let end = closing_paren(inner).ok_or_else(|| Unresolved::Expression(shorten(inner)))?;
            let value = self.evaluate(&inner[..end], file, depth)?;
            self.charge(value.len())?;
            out.push_str(&value);
            if out.len() > MAX_VALUE_LEN {
                return Err(Unresolved::TooLong);
            }
            rest = &inner[end + 1..];
        }
        out.push_str(rest);
        Ok(out)
    }

    /// Counts `bytes` of substituted text against the evaluation's budget.
    fn charge(&self, bytes: usize) -> Result<(), Unresolved> {
        let spent = self.substituted.get() + bytes;
        self.substituted.set(spent);
        if spent > MAX_SUBSTITUTED {
            Err(Unresolved::OverBudget)
        } else {
            Ok(())
        }
    }

    /// The value of the expression inside `$(...)`.
    fn evaluate(&self, expr: &str, file: &str, depth: usize) -> Value {
        let expr = expr.trim();
        if is_identifier(expr) {
            return self.property(expr, file);
        }
        let unsupported = || Unresolved::Expression(shorten(expr));
        let call = expr
            .get(..11)
            .filter(|prefix| prefix.eq_ignore_ascii_case("[MSBuild]::"))
            .map(|_| &expr[11..])
            .ok_or_else(unsupported)?;
        let (function, args) = call
            .split_once('(')
            .and_then(|(f, rest)| Some((f.trim(), rest.strip_suffix(')')?)))
            .ok_or_else(unsupported)?;
        if depth >= MAX_EXPRESSION_DEPTH {
            return Err(unsupported());
        }
        let args = split_args(args)
            .into_iter()
            .map(|arg| self.expand_nested(unquote(arg), file, depth + 1))
            .collect::<Result<Vec<_>, _>>()?;
        let (start, name, directory_only) =
            match (function.to_ascii_lowercase().as_str(), &args[..]) {
                ("getpathoffileabove", [name]) => (format!("/{}", parent(file)), name, false),
                ("getpathoffileabove", [name, start]) => (start.clone(), name, false),
                ("getdirectorynameoffileabove", [start, name]) => (start.clone(), name, true),
                _ => return Err(unsupported()),
            };
        let found = scan_path(&start, file)
            .and_then(|dir| self.find_above(&dir, name))
            .ok_or_else(|| Unresolved::NotFoundAbove(name.clone()))?;
        Ok(if directory_only {
            format!("/{}", parent(&found))
        } else {
            format!("/{found}")
        })
    }

    fn property(&self, name: &str, file: &str) -> Value {
        let dir = parent(file);
        let with_slash = |dir: &str| {
            if dir.is_empty() {
                "/".to_string()
            } else {
                format!("/{dir}/")
            }
        };
        match name.to_ascii_lowercase().as_str() {
            "msbuildthisfiledirectory" => Ok(with_slash(dir)),
            "msbuildprojectdirectory" => Ok(format!("/{}", parent(self.project))),
            key => self
                .properties
                .get(key)
                .cloned()
                .unwrap_or_else(|| Err(Unresolved::Property(name.to_string()))),
        }
    }

    /// The path of the first `name` in `dir` or one of its ancestors within the scan.
    fn find_above(&self, dir: &str, name: &str) -> Option<String> {
        let mut dir = dir.trim_matches('/').to_string();
        loop {
            let candidate = join(&dir, name)?;
            if self.ctx.view.is_file(&candidate) {
                return Some(candidate);
            }
            if dir.is_empty() {
                return None;
            }
            dir = parent(&dir).to_string();
        }
    }
}

/// Properties MSBuild defines itself; a project cannot set them.
fn is_reserved(name: &str) -> bool {
    name.eq_ignore_ascii_case("MSBuildThisFileDirectory")
        || name.eq_ignore_ascii_case("MSBuildProjectDirectory")
}

/// A path an expression produced, as a path in the scan: `/`-led paths from the root, others
/// from the folder of `file`. `None` when it leaves the scan.
fn scan_path(path: &str, file: &str) -> Option<String> {
    let path = path.trim().replace('\\', "/");
    match path.strip_prefix('/') {
        Some(from_root) => join("", from_root.trim_start_matches('/')),
        None => join(parent(file), &path),
    }
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// The index of the `)` closing an expression whose `(` came just before `s`; quoted text is
/// skipped.
fn closing_paren(s: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut quote = None;
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"' | '`') => quote = Some(c),
            (None, '(') => depth += 1,
            (None, ')') if depth == 0 => return Some(i),
            (None, ')') => depth -= 1,
            _ => {}
        }
    }
    None
}

/// Function arguments split at top-level commas.
fn split_args(args: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut rest = args;
    loop {
        let mut depth = 0usize;
        let mut quote = None;
        let comma = rest.char_indices().find_map(|(i, c)| {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '\'' | '"' | '`') => quote = Some(c),
                (None, '(') => depth += 1,
                (None, ')') => depth = depth.saturating_sub(1),
                (None, ',') if depth == 0 => return Some(i),
                _ => {}
            }
            None
        });
        match comma {
            Some(i) => {
                parts.push(rest[..i].trim());
                rest = &rest[i + 1..];
            }
            None => {
                parts.push(rest.trim());
                return parts;
            }
        }
    }
}

fn unquote(arg: &str) -> &str {
    for q in ['\'', '"', '`'] {
        if let Some(inner) = arg.strip_prefix(q).and_then(|a| a.strip_suffix(q)) {
            return inner;
        }
    }
    arg
}

fn shorten(expr: &str) -> String {
    match expr.char_indices().nth(60) {
        Some((i, _)) => format!("{}...", &expr[..i]),
        None => expr.to_string(),
    }
}

/// The properties, imports and package items of one MSBuild file, in document order.
fn parse(text: &str, file: &str) -> Result<Vec<Statement>, CatalogError> {
    #[derive(Clone, Copy, PartialEq)]
    enum Scope {
        Container,
        Properties,
        Items,
    }
    let mut xml = XmlReader::new(text);
    xml.root("Project")?;
    let mut scopes = vec![Scope::Container];
    let mut statements = Vec::new();
    while let Some(&scope) = scopes.last() {
        let (element, open) = match xml.next()? {
            Node::Open(element) => (element, true),
            Node::Empty(element) => (element, false),
            Node::Close => {
                scopes.pop();
                continue;
            }
            Node::Text(_) => continue,
            Node::End => break,
        };
        let inner = match scope {
            Scope::Container => container_child(&element, &mut statements),
            Scope::Properties => {
                let value = if open { xml.text()? } else { String::new() };
                statements.push(Statement::Property {
                    name: element.name,
                    value,
                });
                continue;
            }
            Scope::Items => {
                if let Some(item) = item(&mut xml, element, open, file)? {
                    statements.push(Statement::Item(item));
                }
                continue;
            }
        };
        match (inner, open) {
            (Some(scope), true) => scopes.push(scope),
            (None, true) => xml.skip()?,
            (_, false) => {}
        }
    }
    return Ok(statements);

    /// What a child of `<Project>`, `<Choose>`, `<When>`, `<Otherwise>` or `<ImportGroup>` holds.
    fn container_child(element: &Element, statements: &mut Vec<Statement>) -> Option<Scope> {
        if element.is("PropertyGroup") {
            Some(Scope::Properties)
        } else if element.is("ItemGroup") {
            Some(Scope::Items)
        } else if ["Choose", "When", "Otherwise", "ImportGroup"]
            .iter()
            .any(|name| element.is(name))
        {
            Some(Scope::Container)
        } else {
            // `Sdk="..."` imports come from the SDK, not the scan.
            if element.is("Import")
                && element.attr("Sdk").is_none()
                && let Some(project) = element.attr("Project")
            {
                statements.push(Statement::Import {
                    project: project.to_string(),
                    conditioned: element.attr("Condition").is_some(),
                    line: element.line,
                });
            }
            None // Targets and the rest: not evaluation-time declarations.
        }
    }
}

/// A package item and its metadata (attributes, then child elements); `None` for other items.
fn item(
    xml: &mut XmlReader<'_>,
    element: Element,
    open: bool,
    file: &str,
) -> Result<Option<Item>, CatalogError> {
    const KINDS: [(&str, ItemKind); 3] = [
        ("PackageReference", ItemKind::PackageReference),
        ("PackageVersion", ItemKind::PackageVersion),
        ("GlobalPackageReference", ItemKind::GlobalPackageReference),
    ];
    const OPS: [(&str, ItemOp); 3] = [
        ("Include", ItemOp::Include),
        ("Update", ItemOp::Update),
        ("Remove", ItemOp::Remove),
    ];
    let kind = KINDS.iter().find(|(name, _)| element.is(name));
    let Some(&(_, kind)) = kind else {
        if open {
            xml.skip()?;
        }
        return Ok(None);
    };
    let mut metadata = Vec::new();
    if open {
        loop {
            match xml.next()? {
                Node::Open(child) => {
                    let value = xml.text()?;
                    metadata.push((child.name, value));
                }
                Node::Empty(child) => metadata.push((child.name, String::new())),
                Node::Text(_) => {}
                Node::Close | Node::End => break,
            }
        }
    }
    let mut op = None;
    let mut attributes = Vec::new();
    for (key, value) in element.attributes {
        let this_op = OPS.iter().find(|(name, _)| key.eq_ignore_ascii_case(name));
        match this_op {
            Some(&(_, this_op)) => op = op.or(Some((this_op, value))),
            None if is_item_attribute(&key) => {}
            None => attributes.push((key, value)),
        }
    }
    attributes.extend(metadata);
    Ok(op.map(|(op, spec)| Item {
        kind,
        op,
        spec,
        metadata: attributes,
        file: file.to_string(),
        line: element.line,
    }))
}

/// Attributes of an item that are not metadata.
fn is_item_attribute(key: &str) -> bool {
    [
        "Condition",
        "Exclude",
        "KeepMetadata",
        "RemoveMetadata",
        "KeepDuplicates",
        "MatchOnMetadata",
    ]
    .iter()
    .any(|name| key.eq_ignore_ascii_case(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expression_helpers() {
        assert_eq!(closing_paren("a(b)')')c)"), Some(7));
        assert_eq!(closing_paren("abc"), None);
        assert_eq!(split_args("'a,b', $(X.Y(1,2)) "), ["'a,b'", "$(X.Y(1,2))"]);
        assert_eq!(unquote("'x'"), "x");
        assert_eq!(
            scan_path("/src/../Directory.Build.props", "a/b.props").as_deref(),
            Some("Directory.Build.props")
        );
        assert_eq!(
            scan_path("..\\c.props", "a/b.props").as_deref(),
            Some("c.props")
        );
        assert_eq!(scan_path("//../x", "a.props"), None);
        assert!(is_identifier("Foo_Bar-1") && !is_identifier("Foo.Replace('a')"));
    }
}
