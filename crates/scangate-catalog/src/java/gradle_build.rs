//! `build.gradle` and `build.gradle.kts`: the dependencies a Gradle project declares.
//!
//! Read: `dependencies { }` at the top level, in `allprojects`/`subprojects` (reported once,
//! at their line in this script) and in `buildscript` (its `classpath`, build scope). Notations:
//! `'g:a:v'` (with `:classifier` and `@extension`), the `group:/name:/version:` map (Groovy) and
//! named arguments (Kotlin), `platform(...)`/`enforcedPlatform(...)` (the BOM is a package),
//! `kotlin("x")`, variables holding a notation, and `libs.x` version catalog references (which
//! add no package here: see the `java` module doc). `project(...)`, `files(...)` and
//! `fileTree(...)` are not packages. `constraints { }`, `version { strictly ... }` closures,
//! conditionals and Kotlin multiplatform source sets are not read.
//!
//! `$x` and `${x}` are resolved from, in order: this script's variables, `gradle.properties`
//! in its folder, the variables of the build's root script (the folder with `settings.gradle`)
//! and the root's `gradle.properties`, then `libs.versions.x`. What cannot be resolved is a
//! warning and leaves the version as a requirement. A script in a folder with a Gradle
//! lockfile is skipped: the lockfile is the truth.

use super::gradle_dsl::{
    Declaration, Notation, Part, configuration_scope, declarations, is_build_script, reference_key,
    tokenize, variables,
};
use super::version_catalog::{Catalog, nearest_catalog};
use super::{Coordinates, Declared, placed};
use crate::{CatalogError, Cataloger, Catalogued, Context, Diagnostic, SourceFile};
use scangate_fsview::{join, parent};
use scangate_types::Relationship;
use std::cell::Cell;
use std::collections::HashMap;
use std::fmt;

pub struct GradleBuild;

/// How deep variables may refer to variables.
const MAX_DEPTH: usize = 16;
/// Longest value a variable may expand to.
const MAX_VALUE_LEN: usize = 4096;
/// Lookups allowed per declaration: keeps self-multiplying variables cheap.
const LOOKUP_BUDGET: usize = 10_000;

const LOCKFILES: &[&str] = &[
    "gradle.lockfile",
    "gradle/dependency-locks/compileClasspath.lockfile",
    "gradle/dependency-locks/runtimeClasspath.lockfile",
];

impl Cataloger for GradleBuild {
    fn name(&self) -> &'static str {
        "gradle-build"
    }

    fn matches(&self, path: &str) -> bool {
        is_build_script(path)
    }

    fn catalog(
        &self,
        file: &SourceFile<'_>,
        ctx: &Context<'_>,
    ) -> Result<Catalogued, CatalogError> {
        let dir = parent(file.path);
        if has_any(ctx, dir, LOCKFILES) {
            return Ok(Catalogued::default());
        }
        let text = file.text()?;
        let kotlin = file.path.ends_with(".kts");
        let tokens = tokenize(text, kotlin)?;
        // The catalog is read only for scripts that may refer to it.
        let values = Values::new(ctx, dir, variables(&tokens), kotlin, text.contains("libs."));
        let mut out = Catalogued::default();
        for declaration in declarations(&tokens) {
            values.declare(file, &declaration, &mut out);
        }
        Ok(out)
    }
}

fn has_any(ctx: &Context<'_>, dir: &str, names: &[&str]) -> bool {
    names
        .iter()
        .any(|name| join(dir, name).is_some_and(|path| ctx.view.is_file(&path)))
}

/// The folder of the build's root project: the nearest one with a settings script, else the
/// scan root.
fn build_root(ctx: &Context<'_>, dir: &str) -> String {
    let mut dir = dir;
    while !dir.is_empty() && !has_any(ctx, dir, &["settings.gradle", "settings.gradle.kts"]) {
        dir = parent(dir);
    }
    dir.to_string()
}

/// Where `${...}` finds values, nearest first.
enum Layer {
    Script(HashMap<String, Vec<Part>>),
    Properties(HashMap<String, String>),
}

/// Why `${...}` has no value.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Problem {
    Missing(String),
    Loop(String),
    TooLong(String),
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Missing(name) => write!(f, "cannot resolve ${{{name}}}"),
            Problem::Loop(name) => write!(f, "${{{name}}} refers to itself or nests too deep"),
            Problem::TooLong(name) => write!(f, "${{{name}}} expands too far"),
        }
    }
}

/// A value with the expressions that have no value left as `${...}`.
#[derive(Debug, Default)]
struct Rendered {
    text: String,
    problems: Vec<Problem>,
}

/// A declared module, resolved as far as possible.
struct Module {
    name: Rendered,
    version: Option<Rendered>,
    /// The version as written, kept as the requirement when it cannot be resolved.
    written_version: Option<String>,
}

/// What one script's declarations are resolved with.
struct Values {
    layers: Vec<Layer>,
    catalog: Option<(String, Catalog)>,
    kotlin: bool,
    budget: Cell<usize>,
}

impl Values {
    fn new(
        ctx: &Context<'_>,
        dir: &str,
        own: HashMap<String, Vec<Part>>,
        kotlin: bool,
        uses_catalog: bool,
    ) -> Values {
        let properties = |dir: &str| {
            let text = join(dir, "gradle.properties").and_then(|p| ctx.read_text(&p).ok());
            Layer::Properties(text.as_deref().map(parse_properties).unwrap_or_default())
        };
        let mut layers = vec![Layer::Script(own), properties(dir)];
        let root = build_root(ctx, dir);
        if root != dir {
            layers.push(Layer::Script(root_variables(ctx, &root)));
            layers.push(properties(&root));
        }
        let catalog = uses_catalog
            .then(|| nearest_catalog(ctx, dir))
            .flatten()
            .and_then(|path| {
                let catalog = Catalog::parse(&ctx.read_text(&path).ok()?).ok()?;
                Some((path, catalog))
            });
        Values {
            layers,
            catalog,
            kotlin,
            budget: Cell::new(LOOKUP_BUDGET),
        }
    }

    fn declare(&self, file: &SourceFile<'_>, declaration: &Declaration, out: &mut Catalogued) {
        self.budget.set(LOOKUP_BUDGET);
        let line = declaration.line;
        let mut warn = |message: String| out.warnings.push(Diagnostic::new(Some(line), message));
        let Some(module) = self.module(declaration, &mut warn) else {
            return;
        };
        if let Some(problem) = problem_in(&module.name) {
            return warn(format!("{problem} in the name of a dependency; skipped"));
        }
        let name = module.name.text;
        let version = match module.version {
            None => Declared::Unknown,
            Some(version) => match problem_in(&version) {
                Some(problem) => {
                    warn(format!("{problem} in the version of {name}"));
                    Declared::Requirement(module.written_version.unwrap_or(version.text))
                }
                None => Declared::gradle(&version.text),
            },
        };
        let scope = configuration_scope(&declaration.configuration);
        out.packages.push(placed(
            version.package(file, &name, line),
            Relationship::Direct,
            scope,
        ));
    }

    fn module(&self, declaration: &Declaration, warn: &mut impl FnMut(String)) -> Option<Module> {
        match &declaration.notation {
            Notation::Text(parts) => {
                let mut module = parse_notation(&self.render(parts, 0), warn)?;
                module.written_version =
                    Coordinates::parse(&written(parts)).and_then(|c| c.version);
                Some(module)
            }
            Notation::Reference(key) => match self.lookup(key, 0) {
                Ok(value) => parse_notation(&value, warn),
                Err(problem) => {
                    warn(format!("{problem}; skipped"));
                    None
                }
            },
            Notation::Module {
                group,
                name,
                version,
            } => Some(Module {
                name: join_name(self.render(group, 0), self.render(name, 0)),
                version: version.as_ref().map(|v| self.render(v, 0)),
                written_version: version.as_deref().map(written),
            }),
            Notation::Catalog(accessor) => {
                self.check_catalog(accessor, warn);
                None
            }
            Notation::Unsupported => {
                if configuration_scope(&declaration.configuration).is_some() {
                    warn(format!(
                        "`{}` dependency in a notation this reader does not follow; skipped",
                        declaration.configuration
                    ));
                }
                None
            }
        }
    }

    fn check_catalog(&self, accessor: &str, warn: &mut impl FnMut(String)) {
        if accessor.starts_with("plugins.") || accessor.starts_with("versions.") {
            return;
        }
        match &self.catalog {
            None => warn(format!(
                "libs.{accessor}: no readable gradle/libs.versions.toml here or above"
            )),
            Some((path, catalog)) if catalog.resolve(accessor).is_none() => {
                warn(format!("libs.{accessor}: not in {path}"))
            }
            Some(_) => {}
        }
    }

    fn render(&self, parts: &[Part], depth: usize) -> Rendered {
        let mut out = Rendered::default();
        for part in parts {
            match part {
                Part::Text(text) => out.text.push_str(text),
                Part::Expr(expr) => match self.expression(expr, depth) {
                    Ok(value) => {
                        out.text.push_str(&value.text);
                        out.problems.extend(value.problems);
                    }
                    Err(problem) => {
                        out.text.push_str(&format!("${{{expr}}}"));
                        out.problems.push(problem);
                    }
                },
            }
        }
        out
    }

    fn expression(&self, expr: &str, depth: usize) -> Result<Rendered, Problem> {
        let key = tokenize(expr, self.kotlin)
            .ok()
            .and_then(|tokens| reference_key(&tokens));
        match key {
            Some(key) => self
                .lookup(&key, depth)
                .map_err(|problem| problem.written_as(expr)),
            None => Err(Problem::Missing(expr.to_string())),
        }
    }

    fn lookup(&self, key: &str, depth: usize) -> Result<Rendered, Problem> {
        if depth >= MAX_DEPTH {
            return Err(Problem::Loop(key.to_string()));
        }
        if self.budget.get() == 0 {
            return Err(Problem::TooLong(key.to_string()));
        }
        self.budget.set(self.budget.get() - 1);
        for layer in &self.layers {
            match layer {
                Layer::Script(vars) => {
                    if let Some(parts) = vars.get(key) {
                        let value = self.render(parts, depth + 1);
                        return if value.text.len() > MAX_VALUE_LEN {
                            Err(Problem::TooLong(key.to_string()))
                        } else {
                            Ok(value)
                        };
                    }
                }
                Layer::Properties(properties) => {
                    if let Some(value) = properties.get(key) {
                        return Ok(plain(value));
                    }
                }
            }
        }
        self.catalog
            .as_ref()
            .and_then(|(_, catalog)| catalog.version(key.strip_prefix("libs.versions.")?))
            .map(plain)
            .ok_or_else(|| Problem::Missing(key.to_string()))
    }
}

/// The problem that left a `${...}` in this value, if any: one whose expression shows, else
/// the first, else (a `${` from a string that does not interpolate) the text itself.
fn problem_in(value: &Rendered) -> Option<Problem> {
    let start = value.text.find("${")?;
    let shows = |p: &&Problem| value.text.contains(&format!("${{{}}}", p.expression()));
    let unnamed = || {
        let inner = &value.text[start + 2..];
        Problem::Missing(inner.split('}').next().unwrap_or(inner).to_string())
    };
    let problem = value.problems.iter().find(shows).or(value.problems.first());
    Some(problem.cloned().unwrap_or_else(unnamed))
}

impl Problem {
    fn expression(&self) -> &str {
        match self {
            Problem::Missing(e) | Problem::Loop(e) | Problem::TooLong(e) => e,
        }
    }

    /// The problem named by the expression as the script writes it (`extra["x"]`, not `x`),
    /// when it is the expression's own name that failed.
    fn written_as(self, expr: &str) -> Problem {
        match self {
            Problem::Missing(_) => Problem::Missing(expr.to_string()),
            other => other,
        }
    }
}

/// `group:artifact[:version]` read from a rendered notation.
fn parse_notation(notation: &Rendered, warn: &mut impl FnMut(String)) -> Option<Module> {
    let Some(coordinates) = Coordinates::parse(&notation.text) else {
        warn(format!(
            "`{}` is not a `group:artifact:version` notation; skipped",
            notation.text
        ));
        return None;
    };
    let part = |text: &str| Rendered {
        text: text.to_string(),
        problems: notation.problems.clone(),
    };
    Some(Module {
        name: part(&coordinates.name),
        version: coordinates.version.as_deref().map(part),
        written_version: None,
    })
}

fn plain(text: &str) -> Rendered {
    Rendered {
        text: text.to_string(),
        problems: Vec::new(),
    }
}

/// A string as written, expressions included.
fn written(parts: &[Part]) -> String {
    parts
        .iter()
        .map(|part| match part {
            Part::Text(text) => text.clone(),
            Part::Expr(expr) => format!("${{{expr}}}"),
        })
        .collect()
}

fn join_name(group: Rendered, name: Rendered) -> Rendered {
    Rendered {
        text: format!("{}:{}", group.text, name.text),
        problems: group.problems.into_iter().chain(name.problems).collect(),
    }
}

/// The variables of the root project's build script, which subprojects see too.
fn root_variables(ctx: &Context<'_>, root: &str) -> HashMap<String, Vec<Part>> {
    ["build.gradle", "build.gradle.kts"]
        .iter()
        .filter_map(|name| join(root, name))
        .find_map(|path| {
            let text = ctx.read_text(&path).ok()?;
            Some(variables(&tokenize(&text, path.ends_with(".kts")).ok()?))
        })
        .unwrap_or_default()
}

/// gradle.properties, read as Java reads properties files; a later repeat of a key wins.
fn parse_properties(text: &str) -> HashMap<String, String> {
    super::properties::parse(text.as_bytes())
        .into_iter()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{file_counts, issues, rows, scan_fixture};

    #[test]
    fn groovy_multi_project_build() {
        let inventory = scan_fixture("java/gradle-build/groovy");
        assert_eq!(
            rows(&inventory),
            [
                "org.junit.jupiter:junit-jupiter 5.8.2 direct test build.gradle:25",
                "org.apache.logging.log4j:log4j-core 2.14.1 direct prod build.gradle:30",
                "org.springframework:spring-core 5.3.17 direct prod build.gradle:31",
                "com.google.guava:guava 31.1-jre direct prod build.gradle:32",
                "org.apache.commons:commons-lang3 3.12.0 direct prod build.gradle:33",
                "com.fasterxml.jackson.core:jackson-databind 2.9.8 direct prod build.gradle:36",
                "org.springframework.boot:spring-boot-dependencies 2.6.4 direct prod build.gradle:37",
                "org.springframework.boot:spring-boot-starter-web - direct prod build.gradle:38",
                "io.netty:netty-all 4.1.72.Final direct prod build.gradle:39",
                "org.lwjgl:lwjgl 3.3.0 direct prod build.gradle:40",
                "org.postgresql:postgresql 42.3.3 direct runtime build.gradle:41",
                "org.projectlombok:lombok 1.18.22 direct provided build.gradle:42",
                "junit:junit req:4.+ direct test build.gradle:44",
                "org.junit.platform:junit-platform-launcher req:[1.8,2.0) direct test build.gradle:45",
                "com.example:missing req:${undefinedVersion} direct prod build.gradle:54",
                "org.slf4j:slf4j-simple 1.7.36 direct prod build.gradle:56",
                "org.yaml:snakeyaml 1.29 direct prod build.gradle:56",
                "org.slf4j:slf4j-api - direct prod build.gradle:57",
                "org.jsoup:jsoup 1.14.3 direct prod build.gradle:63",
                // The root's extra properties and gradle.properties, and its own.
                "org.springframework:spring-web 5.3.17 direct prod core/build.gradle:3",
                "com.fasterxml.jackson.core:jackson-core 2.9.8 direct prod core/build.gradle:4",
                "io.micrometer:micrometer-core 1.8.3 direct prod core/build.gradle:5",
                // Catalog entries take the scope of the references (the bundle is test).
                "commons-io:commons-io 2.11.0 direct prod gradle/libs.versions.toml:8",
                "org.junit.jupiter:junit-jupiter 5.8.2 direct test gradle/libs.versions.toml:9",
                "org.mockito:mockito-core 4.3.1 direct test gradle/libs.versions.toml:10",
                "org.assertj:assertj-core 3.22.0 direct test gradle/libs.versions.toml:11",
                "org.springframework:spring-context req:strictly [5.3, 6.0[, prefer 5.3.17 direct prod gradle/libs.versions.toml:12",
                "com.example:unused 0.1 unknown - gradle/libs.versions.toml:13",
                // locked/build.gradle is left to its lockfile.
                "com.google.errorprone:error_prone_annotations 2.11.0 unknown prod locked/gradle.lockfile:4",
                "com.google.guava:guava 31.1-jre unknown prod locked/gradle.lockfile:5",
            ]
        );
        assert_eq!(
            issues(&inventory),
            [
                "build.gradle:54: cannot resolve ${undefinedVersion} in the version of com.example:missing",
                "build.gradle:55: libs.not.there: not in gradle/libs.versions.toml",
            ]
        );
        let lombok = &inventory.packages[11];
        let lines: Vec<_> = lombok.locations.iter().map(|l| l.line).collect();
        assert_eq!(lines, [Some(42), Some(43)]);
        let locked: Vec<_> = file_counts(&inventory)
            .into_iter()
            .filter(|(path, _)| path.starts_with("locked/"))
            .collect();
        assert_eq!(
            locked,
            [("locked/build.gradle", 0), ("locked/gradle.lockfile", 2)]
        );
    }

    #[test]
    fn kotlin_build_script() {
        let inventory = scan_fixture("java/gradle-build/kotlin");
        assert_eq!(
            rows(&inventory),
            [
                "com.android.tools.build:gradle 7.1.2 direct build build.gradle.kts:5",
                "org.junit.jupiter:junit-jupiter-params 5.8.2 direct test build.gradle.kts:24",
                "org.springframework:spring-core 5.3.17 direct prod build.gradle.kts:29",
                "com.fasterxml.jackson.core:jackson-databind 2.9.8 direct prod build.gradle.kts:30",
                "org.apache.logging.log4j:log4j-core 2.14.1 direct prod build.gradle.kts:31",
                "com.google.guava:guava 31.1-jre direct prod build.gradle.kts:32",
                "org.springframework.boot:spring-boot-dependencies 2.6.4 direct prod build.gradle.kts:33",
                "com.fasterxml.jackson:jackson-bom 2.13.1 direct prod build.gradle.kts:34",
                "org.springframework.boot:spring-boot-starter-web - direct prod build.gradle.kts:35",
                "org.jetbrains.kotlin:kotlin-stdlib - direct prod build.gradle.kts:36",
                "org.jetbrains.kotlin:kotlin-reflect 1.6.10 direct prod build.gradle.kts:37",
                "io.netty:netty-all 4.1.72.Final direct prod build.gradle.kts:38",
                "org.lwjgl:lwjgl 3.3.0 direct prod build.gradle.kts:39",
                "org.postgresql:postgresql 42.3.3 direct runtime build.gradle.kts:40",
                "org.projectlombok:lombok 1.18.22 direct provided build.gradle.kts:41",
                "com.google.dagger:dagger-compiler 2.40.5 direct build build.gradle.kts:42",
                "com.squareup.moshi:moshi-kotlin-codegen 1.13.0 direct build build.gradle.kts:43",
                "androidx.test.espresso:espresso-core 3.4.0 direct test build.gradle.kts:47",
                "commons-codec:commons-codec 1.15 direct prod build.gradle.kts:48",
                "junit:junit 4.13.2 direct test build.gradle.kts:51",
                "com.squareup.retrofit2:retrofit 2.9.0 direct prod build.gradle.kts:54",
                "org.example:undefined req:${undefinedVersion} direct prod build.gradle.kts:55",
                "com.squareup.okhttp3:okhttp 4.9.3 direct prod gradle/libs.versions.toml:8",
                "org.jetbrains.kotlinx:kotlinx-coroutines-core 1.6.0 direct prod gradle/libs.versions.toml:9",
                "org.junit.jupiter:junit-jupiter 5.8.2 direct test gradle/libs.versions.toml:10",
                "io.mockk:mockk 1.12.2 direct test gradle/libs.versions.toml:11",
            ]
        );
        assert_eq!(
            issues(&inventory),
            [
                "build.gradle.kts:55: cannot resolve ${undefinedVersion} in the version of org.example:undefined",
                "build.gradle.kts:56: `implementation` dependency in a notation this reader does not follow; skipped",
            ]
        );
        assert_eq!(
            inventory.packages[6].purl,
            "pkg:maven/org.springframework.boot/spring-boot-dependencies@2.6.4"
        );
    }

    #[test]
    fn broken_scripts_are_errors_and_expansion_is_bounded() {
        let inventory = scan_fixture("java/gradle-build/malformed");
        assert_eq!(
            rows(&inventory),
            [
                "org.apache.logging.log4j:log4j-core 2.14.1 direct prod good/build.gradle:2",
                "org.example:laughing req:${lol6} direct prod laughs/build.gradle:14",
                "org.example:looping req:${ping} direct prod laughs/build.gradle:15",
            ]
        );
        assert_eq!(
            issues(&inventory),
            [
                "bad-kts/build.gradle.kts:3: `}` does not close the `(` opened at line 2",
                "bad/build.gradle:3: unterminated string",
                "laughs/build.gradle:14: ${lol4} expands too far in the version of org.example:laughing",
                "laughs/build.gradle:15: ${ping} refers to itself or nests too deep in the version of org.example:looping",
            ]
        );
    }

    #[test]
    fn properties_files() {
        let text = "# c\n! c\na=1\nb : 2\nc 3\nlong = x\\\n    y\nesc\\:key=\\u0041\\tz\nempty\n";
        let properties = parse_properties(text);
        let get = |k: &str| properties.get(k).map(String::as_str);
        assert_eq!(get("a"), Some("1"));
        assert_eq!(get("b"), Some("2"));
        assert_eq!(get("c"), Some("3"));
        assert_eq!(get("long"), Some("xy"));
        assert_eq!(get("esc:key"), Some("A\tz"));
        assert_eq!(get("empty"), Some(""));
        assert_eq!(properties.len(), 6);
    }

    #[test]
    fn a_literal_dollar_brace_is_never_an_exact_version() {
        let value = Rendered {
            text: "${v}".to_string(),
            problems: Vec::new(),
        };
        assert_eq!(problem_in(&value), Some(Problem::Missing("v".to_string())));
        assert_eq!(problem_in(&plain("1.0")), None);
    }
}
