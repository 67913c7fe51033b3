//! Rust executables built with `cargo auditable`: the `.dep-v0` section (ELF, Mach-O, PE) holds
//! the crate graph as zlib-compressed JSON (`packages` with `name`, `version`, `source`,
//! `kind`, `dependencies` as indices, `root`).
//!
//! Read here with the `object` crate the Go cataloger uses too, rather than the
//! `auditable-info` crate, which would bring a second object-file parser for the same files.
//!
//! Only crates from crates.io are reported: `local` ones are the workspace itself (the root and
//! its path dependencies, like the source-less packages of a Cargo.lock), and a same-named
//! crate from git or another registry is not the one advisories name. What a local crate
//! depends on is direct, the rest transitive. `kind: build` (build scripts and proc macros) is
//! the build scope, the default `runtime` the production one. Dependency edges are kept
//! between reported crates.

use crate::{CatalogError, Cataloger, Catalogued, Context, SourceFile};
use flate2::read::ZlibDecoder;
use object::{Object, ObjectSection};
use scangate_types::{Ecosystem, Origin, Package, Relationship, Scope, purl_for};
use serde::Deserialize;
use std::collections::HashSet;
use std::io::Read;

/// The name of the section cargo-auditable writes.
pub(crate) const SECTION: &str = ".dep-v0";
/// The JSON of a large program is a few hundred kilobytes; past this it is not audit data.
const MAX_JSON: u64 = 8 * 1024 * 1024;

pub struct RustAuditable;

impl Cataloger for RustAuditable {
    fn name(&self) -> &'static str {
        "rust-auditable"
    }

    fn matches(&self, _path: &str) -> bool {
        false
    }

    fn reads_executables(&self) -> bool {
        true
    }

    fn catalog(
        &self,
        file: &SourceFile<'_>,
        _ctx: &Context<'_>,
    ) -> Result<Catalogued, CatalogError> {
        let Ok(object) = object::File::parse(file.bytes) else {
            return Ok(Catalogued::default());
        };
        let Some(section) = object.section_by_name(SECTION) else {
            return Ok(Catalogued::default());
        };
        let compressed = section
            .data()
            .map_err(|err| CatalogError::new(format!("{SECTION} section: {err}")))?;
        let audit = parse(&inflate(compressed)?)?;
        Ok(audit.packages(file).into())
    }
}

fn inflate(compressed: &[u8]) -> Result<Vec<u8>, CatalogError> {
    let mut json = Vec::new();
    ZlibDecoder::new(compressed)
        .take(MAX_JSON + 1)
        .read_to_end(&mut json)
        .map_err(|err| CatalogError::new(format!("{SECTION} section: not zlib data: {err}")))?;
    if json.len() as u64 > MAX_JSON {
        return Err(CatalogError::new(format!(
            "{SECTION} section: decompresses to more than {} MiB",
            MAX_JSON / 1024 / 1024
        )));
    }
    Ok(json)
}

#[derive(Deserialize)]
struct Audit {
    packages: Vec<AuditPackage>,
}

#[derive(Deserialize)]
struct AuditPackage {
    name: String,
    version: String,
    source: String,
    #[serde(default)]
    kind: Kind,
    #[serde(default)]
    dependencies: Vec<usize>,
}

#[derive(Deserialize, Default, Clone, Copy)]
#[serde(rename_all = "lowercase")]
enum Kind {
    #[default]
    Runtime,
    Build,
}

fn parse(json: &[u8]) -> Result<Audit, CatalogError> {
    let audit: Audit = serde_json::from_slice(json)
        .map_err(|err| CatalogError::new(format!("{SECTION} section: {err}")))?;
    let count = audit.packages.len();
    let out_of_range = audit
        .packages
        .iter()
        .flat_map(|p| p.dependencies.iter().map(move |&d| (p, d)))
        .find(|&(_, d)| d >= count);
    match out_of_range {
        Some((p, d)) => Err(CatalogError::new(format!(
            "{SECTION} section: {} {} depends on package {d}, of {count}",
            p.name, p.version
        ))),
        None => Ok(audit),
    }
}

impl AuditPackage {
    fn is_on_crates_io(&self) -> bool {
        self.source == "crates.io"
    }
}

impl Audit {
    /// The purls of `package`'s dependencies from crates.io, each once (a set keeps a long
    /// list linear).
    fn edges(&self, package: &AuditPackage) -> Vec<String> {
        let mut seen = HashSet::new();
        package
            .dependencies
            .iter()
            .map(|&d| &self.packages[d])
            .filter(|dep| dep.is_on_crates_io())
            .map(|dep| purl_for(Ecosystem::Cargo, &dep.name, Some(&dep.version)))
            .filter(|purl| seen.insert(purl.clone()))
            .collect()
    }

    fn packages(&self, file: &SourceFile<'_>) -> Vec<Package> {
        let direct: HashSet<usize> = self
            .packages
            .iter()
            .filter(|p| p.source == "local")
            .flat_map(|p| p.dependencies.iter().copied())
            .collect();
        let packages = self
            .packages
            .iter()
            .enumerate()
            .filter(|(_, p)| p.is_on_crates_io());
        packages
            .map(|(index, p)| {
                let relationship = if direct.contains(&index) {
                    Relationship::Direct
                } else {
                    Relationship::Transitive
                };
                let scope = match p.kind {
                    Kind::Runtime => Scope::Prod,
                    Kind::Build => Scope::Build,
                };
                let mut package = Package::new(
                    Ecosystem::Cargo,
                    &p.name,
                    Some(p.version.clone()),
                    file.at(None),
                )
                .with_relationship(relationship)
                .with_scope(scope)
                .with_origin(Origin::Registry);
                package.depends_on = self.edges(p);
                package
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{
        catalog_bytes, catalog_fixture, file_counts, issues, row, scan_fixture_using,
    };
    use flate2::{Compression, write::ZlibEncoder};
    use scangate_fsview::SkipRules;
    use std::io::Write;

    fn rows(catalogued: &Catalogued) -> Vec<String> {
        let rows = catalogued.packages.iter();
        rows.map(|p| format!("{} {:?}", row(p), p.depends_on))
            .collect()
    }

    #[test]
    fn binary_built_by_cargo_auditable() {
        let catalogued = catalog_fixture(&RustAuditable, "rust/auditable/tiny").unwrap();
        assert_eq!(
            rows(&catalogued),
            [
                "cfg-if 1.0.5 transitive prod tiny []",
                "getrandom 0.2.15 direct prod tiny [\"pkg:cargo/cfg-if@1.0.5\", \"pkg:cargo/libc@0.2.191\"]",
                "itoa 1.0.11 direct prod tiny []",
                "libc 0.2.191 transitive prod tiny []",
            ]
        );
        assert!(catalogued.warnings.is_empty());
        let go = catalog_fixture(&RustAuditable, "golang/binary/hello-default").unwrap();
        assert!(go.packages.is_empty());
    }

    #[test]
    fn a_full_scan_finds_the_executable() {
        let binaries = crate::registry::binaries();
        let inventory = scan_fixture_using("rust/auditable", SkipRules::default(), binaries);
        assert_eq!(
            file_counts(&inventory),
            [("tiny", 0), ("tiny", 4)],
            "go-binary then rust-auditable"
        );
        let names: Vec<_> = inventory.packages.iter().map(|p| p.purl.as_str()).collect();
        assert_eq!(
            names,
            [
                "pkg:cargo/cfg-if@1.0.5",
                "pkg:cargo/getrandom@0.2.15",
                "pkg:cargo/itoa@1.0.11",
                "pkg:cargo/libc@0.2.191",
            ]
        );
        assert!(issues(&inventory).is_empty());
    }

    /// An ELF file whose only section is `.dep-v0` holding `content`.
    fn elf_with_section(content: &[u8]) -> Vec<u8> {
        let mut object = object::write::Object::new(
            object::BinaryFormat::Elf,
            object::Architecture::X86_64,
            object::Endianness::Little,
        );
        let id = object.add_section(Vec::new(), SECTION.into(), object::SectionKind::Other);
        object.append_section_data(id, content, 1);
        object.write().unwrap()
    }

    fn zlib(data: &[u8]) -> Vec<u8> {
        let mut encoder = ZlibEncoder::new(Vec::new(), Compression::default());
        encoder.write_all(data).unwrap();
        encoder.finish().unwrap()
    }

    #[test]
    fn build_dependencies_other_sources_and_several_roots() {
        let json = r#"{"packages":[
            {"name":"app","version":"0.1.0","source":"local","dependencies":[1,2,4],"root":true},
            {"name":"helper","version":"0.2.0","source":"local","dependencies":[3]},
            {"name":"cc","version":"1.0.83","source":"crates.io","kind":"build"},
            {"name":"serde","version":"1.0.200","source":"crates.io","kind":"runtime"},
            {"name":"forked","version":"0.1.0","source":"git","dependencies":[3]}
        ],"format":1}"#;
        let catalogued = catalog_bytes(
            &RustAuditable,
            "bin/app",
            &elf_with_section(&zlib(json.as_bytes())),
        );
        assert_eq!(
            rows(&catalogued.unwrap()),
            [
                "cc 1.0.83 direct build bin/app []",
                "serde 1.0.200 direct prod bin/app []",
            ]
        );
    }

    #[test]
    fn long_dependency_lists_are_deduplicated_in_linear_time() {
        const CRATES: usize = 20_000;
        let all: Vec<String> = (2..CRATES + 2).map(|i| i.to_string()).collect();
        let twice = [all.as_slice(), all.as_slice()].concat().join(",");
        let mut json = format!(
            r#"{{"packages":[{{"name":"app","version":"0.1.0","source":"local","dependencies":[1,{twice}],"root":true}},
            {{"name":"hub","version":"1.0.0","source":"crates.io","dependencies":[{twice}]}}"#
        );
        for i in 0..CRATES {
            json.push_str(&format!(
                r#",{{"name":"c{i}","version":"1.0.0","source":"crates.io"}}"#
            ));
        }
        json.push_str(r#"],"format":1}"#);
        let catalogued = catalog_bytes(
            &RustAuditable,
            "bin/app",
            &elf_with_section(&zlib(json.as_bytes())),
        )
        .unwrap();
        let hub = &catalogued.packages[0];
        assert_eq!(hub.name, "hub");
        let expected: Vec<String> = (0..CRATES)
            .map(|i| format!("pkg:cargo/c{i}@1.0.0"))
            .collect();
        assert_eq!(hub.depends_on, expected);
        assert_eq!(catalogued.packages.len(), CRATES + 1);
        assert!(
            catalogued
                .packages
                .iter()
                .all(|p| p.relationship == Relationship::Direct)
        );
    }

    #[test]
    fn damaged_audit_data_is_an_error() {
        let error = |section: &[u8]| {
            catalog_bytes(&RustAuditable, "app", &elf_with_section(section))
                .unwrap_err()
                .message
        };
        assert_eq!(
            error(b"plain"),
            ".dep-v0 section: not zlib data: corrupt deflate stream"
        );
        assert_eq!(
            error(&zlib(br#"{"packages":[{"name":"a"}]}"#)),
            ".dep-v0 section: missing field `version` at line 1 column 25"
        );
        assert_eq!(
            error(&zlib(
                br#"{"packages":[{"name":"a","version":"1","source":"local","dependencies":[1]}]}"#
            )),
            ".dep-v0 section: a 1 depends on package 1, of 1"
        );
        // A bomb: a small section that inflates past the limit.
        let bomb = zlib(&vec![b' '; MAX_JSON as usize + 1]);
        assert!(bomb.len() < 64 * 1024);
        assert_eq!(
            error(&bomb),
            ".dep-v0 section: decompresses to more than 8 MiB"
        );
    }
}
