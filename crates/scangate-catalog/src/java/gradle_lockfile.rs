//! `gradle.lockfile` (one per project since Gradle 6.8) and the older per-configuration
//! `gradle/dependency-locks/<configuration>.lockfile`.
//!
//! A line is `group:artifact:version=configuration,...` (`empty=...` lists configurations that
//! resolved to nothing); in the older files it is `group:artifact:version` and the file name is
//! the configuration. A lockfile lists everything resolved without saying what the build names
//! itself, so the relationship is unknown. The scope comes from the configurations: a compile or
//! runtime classpath ships (prod); test classpaths only give test; annotation processors only
//! give build; any other configuration (a plugin's own) leaves the scope unknown.

use super::{Coordinates, placed};
use crate::{CatalogError, Cataloger, Catalogued, Context, SourceFile};
use scangate_fsview::{file_name, parent};
use scangate_types::{Ecosystem, Package, Relationship, Scope};

pub struct GradleLockfile;

const LOCK_DIR: &str = "gradle/dependency-locks";

impl Cataloger for GradleLockfile {
    fn name(&self) -> &'static str {
        "gradle-lockfile"
    }

    fn matches(&self, path: &str) -> bool {
        let in_lock_dir = parent(path)
            .strip_suffix(LOCK_DIR)
            .is_some_and(|above| above.is_empty() || above.ends_with('/'));
        file_name(path) == "gradle.lockfile"
            || (in_lock_dir && file_name(path).ends_with(".lockfile"))
    }

    fn catalog(
        &self,
        file: &SourceFile<'_>,
        _ctx: &Context<'_>,
    ) -> Result<Catalogued, CatalogError> {
        // The older layout names the configuration in the file name.
        let configuration = file_name(file.path)
            .strip_suffix(".lockfile")
            .filter(|_| file_name(file.path) != "gradle.lockfile");
        let mut packages = Vec::new();
        for (index, line) in file.text()?.lines().enumerate() {
            let line_no = index as u32 + 1;
            let entry = line.trim();
            if entry.is_empty() || entry.starts_with('#') {
                continue;
            }
            let (module, configurations) = match configuration {
                Some(configuration) => (entry, configuration),
                None => entry.split_once('=').ok_or_else(|| {
                    CatalogError::at(
                        line_no,
                        format!(
                            "expected `group:artifact:version=configurations`, found `{entry}`"
                        ),
                    )
                })?,
            };
            if configuration.is_none() && module == "empty" {
                continue;
            }
            packages.push(locked(file, module, configurations, line_no)?);
        }
        Ok(packages.into())
    }
}

fn locked(
    file: &SourceFile<'_>,
    module: &str,
    configurations: &str,
    line: u32,
) -> Result<Package, CatalogError> {
    let Some(Coordinates {
        name,
        version: Some(version),
    }) = Coordinates::parse(module)
    else {
        return Err(CatalogError::at(
            line,
            format!("expected `group:artifact:version`, found `{module}`"),
        ));
    };
    let package = Package::new(Ecosystem::Maven, name, Some(version), file.at(Some(line)));
    Ok(placed(
        package,
        Relationship::Unknown,
        scope(configurations.split(',').map(str::trim)),
    ))
}

/// What one configuration says about the packages resolved in it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Use {
    Ships,
    Tests,
    Builds,
    Other,
}

fn classify(configuration: &str) -> Use {
    let lower = configuration.to_ascii_lowercase();
    let classpath = lower.ends_with("compileclasspath") || lower.ends_with("runtimeclasspath");
    if lower.contains("annotationprocessor")
        || lower.starts_with("kapt")
        || lower.starts_with("ksp")
    {
        Use::Builds
    } else if classpath && (configuration.starts_with("test") || configuration.contains("Test")) {
        Use::Tests
    } else if classpath {
        Use::Ships
    } else {
        Use::Other
    }
}

fn scope<'a>(configurations: impl Iterator<Item = &'a str>) -> Option<Scope> {
    let uses: Vec<Use> = configurations
        .filter(|c| !c.is_empty())
        .map(classify)
        .collect();
    if uses.contains(&Use::Ships) {
        Some(Scope::Prod)
    } else if uses.is_empty() || uses.contains(&Use::Other) {
        None
    } else if uses.contains(&Use::Tests) {
        Some(Scope::Test)
    } else {
        Some(Scope::Build)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{issues, rows, scan_fixture};

    #[test]
    fn file_names() {
        let matches = |path| GradleLockfile.matches(path);
        assert!(matches("gradle.lockfile"));
        assert!(matches(
            "app/gradle/dependency-locks/compileClasspath.lockfile"
        ));
        assert!(matches("gradle/dependency-locks/x.lockfile"));
        assert!(!matches("app/mygradle/dependency-locks/x.lockfile"));
        assert!(!matches("app/gradle.lockfile.bak"));
    }

    #[test]
    fn configurations_give_the_scope() {
        let of = |confs: &[&str]| scope(confs.iter().copied());
        assert_eq!(
            of(&["testCompileClasspath", "releaseRuntimeClasspath"]),
            Some(Scope::Prod)
        );
        assert_eq!(
            of(&["testRuntimeClasspath", "androidTestCompileClasspath"]),
            Some(Scope::Test)
        );
        assert_eq!(of(&["annotationProcessor", "kaptTest"]), Some(Scope::Build));
        assert_eq!(
            of(&["testAnnotationProcessor", "testCompileClasspath"]),
            Some(Scope::Test)
        );
        assert_eq!(of(&["detekt", "testRuntimeClasspath"]), None);
        assert_eq!(of(&[""]), None);
    }

    #[test]
    fn lockfile_per_project() {
        let inventory = scan_fixture("java/gradle-lockfile/per-project");
        assert_eq!(
            rows(&inventory),
            [
                "ch.qos.logback:logback-classic 1.2.10 unknown prod gradle.lockfile:4",
                "com.fasterxml.jackson.core:jackson-annotations 2.9.0 unknown prod gradle.lockfile:5",
                "com.fasterxml.jackson.core:jackson-core 2.9.8 unknown prod gradle.lockfile:6",
                "com.fasterxml.jackson.core:jackson-databind 2.9.8 unknown prod gradle.lockfile:7",
                "com.google.auto.value:auto-value 1.9 unknown build gradle.lockfile:8",
                "com.google.guava:guava 31.1-jre unknown prod gradle.lockfile:9",
                "com.puppycrawl.tools:checkstyle 9.3 unknown - gradle.lockfile:10",
                "junit:junit 4.13.2 unknown test gradle.lockfile:11",
                "org.apache.logging.log4j:log4j-api 2.14.1 unknown prod gradle.lockfile:12",
                "org.apache.logging.log4j:log4j-core 2.14.1 unknown prod gradle.lockfile:13",
                "org.hamcrest:hamcrest-core 1.3 unknown test gradle.lockfile:14",
                "org.springframework:spring-core 5.3.17 unknown prod gradle.lockfile:15",
                "org.springframework:spring-jcl 5.3.17 unknown prod gradle.lockfile:16",
            ]
        );
        assert!(issues(&inventory).is_empty());
        assert_eq!(
            inventory.packages[3].purl,
            "pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.9.8"
        );
    }

    #[test]
    fn older_lockfiles_per_configuration() {
        let inventory = scan_fixture("java/gradle-lockfile/per-configuration");
        assert_eq!(
            rows(&inventory),
            [
                "com.google.auto.value:auto-value 1.9 unknown build gradle/dependency-locks/annotationProcessor.lockfile:3",
                "com.google.guava:guava 28.2-jre unknown prod gradle/dependency-locks/compileClasspath.lockfile:3",
                "org.apache.logging.log4j:log4j-core 2.14.1 unknown prod gradle/dependency-locks/compileClasspath.lockfile:4",
                "junit:junit 4.12 unknown test gradle/dependency-locks/testRuntimeClasspath.lockfile:3",
                "org.hamcrest:hamcrest-core 1.3 unknown test gradle/dependency-locks/testRuntimeClasspath.lockfile:4",
            ]
        );
        assert!(issues(&inventory).is_empty());
    }

    #[test]
    fn malformed_lockfile_is_an_error_and_the_good_one_is_read() {
        let inventory = scan_fixture("java/gradle-lockfile/malformed");
        assert_eq!(
            rows(&inventory),
            ["org.springframework:spring-core 5.3.17 unknown prod good/gradle.lockfile:4"]
        );
        assert_eq!(
            issues(&inventory),
            [
                "bad/gradle.lockfile:5: expected `group:artifact:version=configurations`, found `org.springframework:spring-web:5.3.17`",
                "version-less/gradle.lockfile:4: expected `group:artifact:version`, found `org.springframework:spring-core`",
            ]
        );
    }
}
