//! Java archives: jar, war, ear and the other zip-based formats (`.jpi`/`.hpi` Jenkins plugins,
//! `.par`, `.sar`), with the archives nested in them (`WEB-INF/lib`, `BOOT-INF/lib`, ear
//! modules: any entry with one of these extensions).
//!
//! An archive's packages, in order of trust:
//! 1. every `META-INF/maven/<group>/<artifact>/pom.properties`: Maven's own record. A shaded
//!    (fat) jar holds one per bundled artifact, and each is a package.
//! 2. else the main section of `META-INF/MANIFEST.MF`: the version is `Implementation-Version`,
//!    else `Bundle-Version`; the group is `Implementation-Vendor-Id` (older Maven archivers
//!    wrote the groupId there; a project may set it otherwise). The artifact is the file name's (below): titles and OSGi
//!    symbolic names are not artifact ids, and no group is guessed from them.
//! 3. else the file name: `name-1.2.3.jar` splits at the last `-` before a digit.
//!
//! Without a known group the name is the artifact alone, which no Maven advisory names: listed,
//! never matched by mistake. Nothing says which archives the application uses directly, so the
//! relationship is unknown.
//!
//! A nested archive's location is `outer.war!/WEB-INF/lib/x.jar` (the `jar:` URL convention):
//! the part before the first `!/` is the file in the scanned tree. Nesting is read to
//! [`MAX_DEPTH`] levels and to [`MAX_BYTES`] uncompressed bytes per file (zip bombs); past
//! either, a warning, and the rest of the file is still reported. A nested archive that cannot
//! be read is a warning too; only the scanned file itself not being a zip is an error.

use super::properties;
use crate::cataloger::decode;
use crate::{CatalogError, Cataloger, Catalogued, Context, Diagnostic, SourceFile};
use scangate_fsview::file_name;
use scangate_types::{Ecosystem, Location, Package};
use std::io::{Cursor, Read};
use zip::ZipArchive;

const EXTENSIONS: &[&str] = &["jar", "war", "ear", "jpi", "hpi", "par", "sar"];
/// Archives inside archives read below the scanned file (ear > war > jar > jar is 3).
const MAX_DEPTH: usize = 4;
/// Uncompressed bytes read from one scanned file, nested archives and metadata together.
const MAX_BYTES: u64 = 256 * 1024 * 1024;

pub struct JavaArchive;

impl Cataloger for JavaArchive {
    fn name(&self) -> &'static str {
        "java-archive"
    }

    fn matches(&self, path: &str) -> bool {
        is_archive(path)
    }

    fn catalog(
        &self,
        file: &SourceFile<'_>,
        _ctx: &Context<'_>,
    ) -> Result<Catalogued, CatalogError> {
        let archive = open(file.bytes)?;
        let mut walk = Walk::new(file.path, MAX_DEPTH, MAX_BYTES);
        walk.archive(archive, "", 0);
        Ok(Catalogued {
            packages: walk.packages,
            warnings: walk.warnings,
        })
    }
}

fn is_archive(path: &str) -> bool {
    let extension = path.rsplit_once('.').map_or("", |(_, e)| e);
    EXTENSIONS
        .iter()
        .any(|known| known.eq_ignore_ascii_case(extension))
}

fn open(bytes: &[u8]) -> Result<ZipArchive<Cursor<&[u8]>>, CatalogError> {
    ZipArchive::new(Cursor::new(bytes))
        .map_err(|err| CatalogError::new(format!("not a readable zip archive: {err}")))
}

/// One scanned file's archives, read depth-first within the limits.
struct Walk<'a> {
    /// The scanned file's path.
    file: &'a str,
    max_depth: usize,
    max_bytes: u64,
    bytes_left: u64,
    out_of_bytes: bool,
    packages: Vec<Package>,
    warnings: Vec<Diagnostic>,
}

impl<'a> Walk<'a> {
    fn new(file: &'a str, max_depth: usize, max_bytes: u64) -> Walk<'a> {
        Walk {
            file,
            max_depth,
            max_bytes,
            bytes_left: max_bytes,
            out_of_bytes: false,
            packages: Vec::new(),
            warnings: Vec::new(),
        }
    }

    fn warn(&mut self, message: String) {
        self.warnings.push(Diagnostic::new(None, message));
    }

    /// The packages of `archive`, then those of the archives inside it. `inside` is its path
    /// within the scanned file (`lib/x.war!/WEB-INF/lib/y.jar`), empty for the file itself;
    /// warnings name entries by such paths, as they are told under the file's path.
    fn archive(&mut self, mut archive: ZipArchive<Cursor<&[u8]>>, inside: &str, depth: usize) {
        let mut entries: Vec<(String, usize)> = (0..archive.len())
            .filter_map(|i| Some((archive.name_for_index(i)?.ok()?.into_owned(), i)))
            .collect();
        entries.sort();

        let location = join(self.file, inside);
        for (name, version) in self.identify(&mut archive, &entries, inside, &location) {
            let at = Location::new(location.as_str(), None);
            self.packages
                .push(Package::new(Ecosystem::Maven, name, version, at));
        }

        for (name, index) in entries.iter().filter(|(n, _)| is_archive(n)) {
            let inner = join(inside, name);
            if depth == self.max_depth {
                let max = self.max_depth;
                self.warn(format!(
                    "{inner}: not read: archives nested more than {max} deep"
                ));
                continue;
            }
            if let Some(bytes) = self.read(&mut archive, *index, &inner) {
                match open(&bytes) {
                    Ok(nested) => self.archive(nested, &inner, depth + 1),
                    Err(err) => self.warn(format!("{inner}: {}", err.message)),
                }
            }
        }
    }

    /// The `group:artifact` names and versions of one archive, by the rules of the module
    /// documentation.
    fn identify(
        &mut self,
        archive: &mut ZipArchive<Cursor<&[u8]>>,
        entries: &[(String, usize)],
        inside: &str,
        location: &str,
    ) -> Vec<(String, Option<String>)> {
        let mut found = Vec::new();
        for (name, index) in entries.iter().filter(|(n, _)| is_pom_properties(n)) {
            if let Some(bytes) = self.read(archive, *index, &join(inside, name)) {
                found.push(from_pom_properties(name, &bytes));
            }
        }
        if found.is_empty() {
            let manifest = entries
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case("META-INF/MANIFEST.MF"));
            let bytes =
                manifest.and_then(|(name, index)| self.read(archive, *index, &join(inside, name)));
            let attributes = bytes.map(|b| main_attributes(&b)).unwrap_or_default();
            found.extend(from_manifest_and_name(&attributes, file_name(location)));
        }
        found
    }

    /// The uncompressed bytes of entry `index` (called `label` in warnings), within what is left
    /// of the budget. Once the budget is spent, nothing more is read and that is told once.
    fn read(
        &mut self,
        archive: &mut ZipArchive<Cursor<&[u8]>>,
        index: usize,
        label: &str,
    ) -> Option<Vec<u8>> {
        if self.out_of_bytes {
            return None;
        }
        let mut bytes = Vec::new();
        let read = archive.by_index(index).and_then(|entry| {
            entry
                .take(self.bytes_left + 1)
                .read_to_end(&mut bytes)
                .map_err(Into::into)
        });
        if let Err(err) = read {
            self.warn(format!("{label}: {err}"));
            return None;
        }
        match self.bytes_left.checked_sub(bytes.len() as u64) {
            Some(left) => {
                self.bytes_left = left;
                Some(bytes)
            }
            None => {
                self.out_of_bytes = true;
                let max = match self.max_bytes {
                    bytes if bytes % (1024 * 1024) == 0 => format!("{} MiB", bytes / 1024 / 1024),
                    bytes => format!("{bytes} bytes"),
                };
                self.warn(format!(
                    "{label}: not read, nor anything after it: more than {max} uncompressed"
                ));
                None
            }
        }
    }
}

/// `outer!/inner`, or `inner` alone at the top.
fn join(outer: &str, inner: &str) -> String {
    match (outer, inner) {
        ("", path) | (path, "") => path.to_string(),
        (outer, inner) => format!("{outer}!/{inner}"),
    }
}

/// `META-INF/maven/<group>/<artifact>/pom.properties`.
fn is_pom_properties(name: &str) -> bool {
    let parts: Vec<&str> = name.split('/').collect();
    matches!(parts.as_slice(), ["META-INF", "maven", g, a, "pom.properties"] if !g.is_empty() && !a.is_empty())
}

/// `group:artifact` and version from a pom.properties; its folder names stand in for missing keys.
fn from_pom_properties(path: &str, bytes: &[u8]) -> (String, Option<String>) {
    let properties = properties::parse(bytes);
    let get = |key: &str| {
        properties
            .iter()
            .rfind(|(k, v)| k == key && !v.is_empty())
            .map(|(_, v)| v.clone())
    };
    let folders: Vec<&str> = path.split('/').collect();
    let group = get("groupId").unwrap_or_else(|| folders[2].to_string());
    let artifact = get("artifactId").unwrap_or_else(|| folders[3].to_string());
    (format!("{group}:{artifact}"), get("version"))
}

/// The rules of steps 2 and 3 of the module documentation.
fn from_manifest_and_name(
    attributes: &[(String, String)],
    file: &str,
) -> Option<(String, Option<String>)> {
    let get = |key: &str| {
        attributes
            .iter()
            .find(|(k, v)| k.eq_ignore_ascii_case(key) && !v.is_empty())
            .map(|(_, v)| v.clone())
    };
    let (artifact, file_version) = split_file_name(file)?;
    let name = match get("Implementation-Vendor-Id") {
        Some(group) => format!("{group}:{artifact}"),
        None => artifact.to_string(),
    };
    let version = get("Implementation-Version")
        .or_else(|| get("Bundle-Version"))
        .or_else(|| file_version.map(str::to_owned));
    Some((name, version))
}

/// `log4j-1.2-api-2.17.0.jar` -> (`log4j-1.2-api`, `2.17.0`); `app.jar` -> (`app`, none).
fn split_file_name(file: &str) -> Option<(&str, Option<&str>)> {
    let stem = file.rsplit_once('.').map_or(file, |(stem, _)| stem);
    let version_at = stem
        .match_indices('-')
        .map(|(i, _)| i)
        .rfind(|&i| stem[i + 1..].starts_with(|c: char| c.is_ascii_digit()));
    let split = match version_at {
        Some(i) if i > 0 => (&stem[..i], Some(&stem[i + 1..])),
        _ => (stem, None),
    };
    (!split.0.is_empty()).then_some(split)
}

/// The main section of a manifest (up to the first empty line), continuation lines joined.
fn main_attributes(bytes: &[u8]) -> Vec<(String, String)> {
    let text = decode(bytes).map_or_else(|_| String::from_utf8_lossy(bytes), Into::into);
    let mut attributes: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        if line.is_empty() {
            break;
        }
        if let Some(continued) = line.strip_prefix(' ') {
            if let Some((_, value)) = attributes.last_mut() {
                value.push_str(continued);
            }
        } else if let Some((key, value)) = line.split_once(':') {
            attributes.push((key.trim().to_string(), value.trim_start().to_string()));
        }
    }
    for (_, value) in &mut attributes {
        *value = value.trim_end().to_string();
    }
    attributes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{catalog_fixture, fixture, issues, row, rows, scan_fixture};

    #[test]
    fn archives_in_a_folder() {
        let inventory = scan_fixture("java/archive/app");
        let war = "deploy/shop.ear!/webapp.war";
        let deep = "deploy/nested.jar!/lib/level1.jar!/lib/level2.jar";
        let expected = [
            "com.example:boot-app 3.1.0 unknown - deploy/boot-app.jar".to_string(),
            "org.yaml:snakeyaml 1.33 unknown - deploy/boot-app.jar!/BOOT-INF/lib/snakeyaml-1.33.jar".into(),
            "com.example:level0 0.0 unknown - deploy/nested.jar".into(),
            "com.example:level1 1.0 unknown - deploy/nested.jar!/lib/level1.jar".into(),
            format!("com.example:level2 2.0 unknown - {deep}"),
            format!("com.example:level3 3.0 unknown - {deep}!/lib/level3.jar"),
            format!("com.example:level4 4.0 unknown - {deep}!/lib/level3.jar!/lib/level4.jar"),
            "shop - unknown - deploy/shop.ear".into(),
            "org.apache.logging.log4j:log4j-core 2.14.1 unknown - deploy/shop.ear!/lib/log4j-core-2.14.1.jar".into(),
            format!("com.example:webapp 1.0.0 unknown - {war}"),
            format!("helper 1.0 unknown - {war}!/WEB-INF/lib/helper-1.0.jar"),
            format!("org.apache.logging.log4j:log4j-core 2.14.1 unknown - {war}!/WEB-INF/lib/log4j-core-2.14.1.jar"),
            "org.apache.commons:commons-text 1.9 unknown - lib/commons-text-1.9.jar".into(),
            "com.example.legacy:legacy-tool 2.4.1 unknown - lib/legacy-tool.jar".into(),
            "plain-util 0.9.3 unknown - lib/plain-util-0.9.3.jar".into(),
            "com.example:service 2.0.0 unknown - lib/service-2.0.0.jar".into(),
            "com.google.guava:guava 31.1-jre unknown - lib/service-2.0.0.jar".into(),
            "org.slf4j:slf4j-api 1.7.36 unknown - lib/service-2.0.0.jar".into(),
        ];
        assert_eq!(rows(&inventory), expected);
        assert_eq!(
            issues(&inventory),
            [
                "deploy/nested.jar: lib/level1.jar!/lib/level2.jar!/lib/level3.jar!/lib/level4.jar!/lib/level5.jar: not read: archives nested more than 4 deep",
                "deploy/shop.ear: webapp.war!/WEB-INF/lib/damaged-1.0.jar: not a readable zip archive: invalid Zip archive: Could not find EOCD",
            ]
        );
        let guava = &inventory.packages[16];
        assert_eq!(guava.purl, "pkg:maven/com.google.guava/guava@31.1-jre");
    }

    #[test]
    fn the_byte_budget_stops_reading_and_says_so_once() {
        let bytes = std::fs::read(fixture("java/archive/app/deploy/shop.ear")).unwrap();
        let read_with = |max_bytes| {
            let mut walk = Walk::new("shop.ear", MAX_DEPTH, max_bytes);
            walk.archive(open(&bytes).unwrap(), "", 0);
            let packages: Vec<String> = walk.packages.iter().map(row).collect();
            let warnings: Vec<String> = walk.warnings.into_iter().map(|w| w.message).collect();
            (packages, warnings)
        };
        // The ear's manifest (55 bytes) and log4j jar fit; the war (3469 bytes) does not.
        let (packages, warnings) = read_with(2000);
        assert_eq!(
            packages,
            [
                "shop - unknown - shop.ear",
                "org.apache.logging.log4j:log4j-core 2.14.1 unknown - shop.ear!/lib/log4j-core-2.14.1.jar",
            ]
        );
        assert_eq!(
            warnings,
            ["webapp.war: not read, nor anything after it: more than 2000 bytes uncompressed"]
        );
        // All of it fits in the real budget.
        assert_eq!(read_with(MAX_BYTES).0.len(), 5);
    }

    #[test]
    fn a_damaged_archive_is_an_error() {
        let err = catalog_fixture(&JavaArchive, "java/archive/broken/truncated.jar").unwrap_err();
        assert_eq!(
            err.message,
            "not a readable zip archive: invalid Zip archive: Could not find EOCD"
        );
    }

    #[test]
    fn archive_extensions() {
        let matching = [
            "a.jar", "b/c.WAR", "x.ear", "p.jpi", "p.hpi", "q.par", "s.sar",
        ];
        assert!(matching.iter().all(|p| JavaArchive.matches(p)));
        let other = ["a.zip", "jar", "a.jar.sha1", "a.class"];
        assert!(!other.iter().any(|p| JavaArchive.matches(p)));
    }

    #[test]
    fn file_names() {
        let split = |f| split_file_name(f);
        assert_eq!(
            split("commons-lang3-3.12.0.jar"),
            Some(("commons-lang3", Some("3.12.0")))
        );
        assert_eq!(
            split("log4j-1.2-api-2.17.0.jar"),
            Some(("log4j-1.2-api", Some("2.17.0")))
        );
        assert_eq!(
            split("guava-31.1-jre.jar"),
            Some(("guava", Some("31.1-jre")))
        );
        assert_eq!(split("app.jar"), Some(("app", None)));
        assert_eq!(split("-1.0.jar"), Some(("-1.0", None)));
        assert_eq!(split(".jar"), None);
    }

    #[test]
    fn manifest_main_section() {
        let manifest = b"Manifest-Version: 1.0\r\nImplementation-Title: A very long title that\r\n  wraps\r\nImplementation-Version: 1.2 \r\n\r\nName: x/\r\nImplementation-Version: 9\r\n";
        assert_eq!(
            main_attributes(manifest),
            [
                ("Manifest-Version".to_string(), "1.0".to_string()),
                (
                    "Implementation-Title".to_string(),
                    "A very long title that wraps".to_string()
                ),
                ("Implementation-Version".to_string(), "1.2".to_string()),
            ]
        );
    }
}
