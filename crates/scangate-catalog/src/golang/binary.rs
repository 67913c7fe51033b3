//! Go executables (ELF, Mach-O, PE): the build information the Go linker embeds since Go 1.13,
//! read as `go version -m` reads it.
//!
//! The blob starts with `\xff Go buildinf:` at a 16-byte boundary near the start of the data
//! (the `.go.buildinfo` / `__go_buildinfo` section, else the first writable data section). Go
//! 1.18 and later write the toolchain version and the module list right after the header as
//! length-prefixed strings; older toolchains write two pointers to Go string headers, resolved
//! here through the file's segments.
//!
//! What is reported, all at the executable's path:
//! - every `dep` line: the build list, with no record of which ones the main module names, so
//!   the relationship is unknown. A dependency replaced (`=>`) by another module is reported as
//!   the replacement, since that is the code linked in; one replaced by a local directory keeps
//!   its own name, with a path origin and no version (the code is whatever the folder held).
//! - the main module (`mod`), as a direct package: it is the program itself, and a program
//!   installed from a released module has a version advisories name. `(devel)` means no version.
//! - the Go standard library, as package `stdlib` with the toolchain's version in SemVer
//!   (`go1.21.5` -> `1.21.5`, `go1.21rc2` -> `1.21.0-rc.2`), the way the Go vulnerability
//!   database files it; direct, for it is linked in by the toolchain, not through a module.
//!
//! `build` lines (compiler flags, VCS stamps) carry no package and are not reported. A program
//! built in GOPATH mode (as Debian builds its Go packages) has no module lines: only `stdlib`.
//! Not read: files without section headers (`sstrip`, packers) and universal (fat) Mach-O files.

use crate::{CatalogError, Cataloger, Catalogued, Context, Diagnostic, SourceFile};
use object::{Object, ObjectSection, ObjectSegment, SectionKind};
use scangate_types::{Ecosystem, Origin, Package, Relationship};

/// The first bytes of the build information blob.
pub(crate) const BUILDINFO_MAGIC: &[u8] = b"\xff Go buildinf:";
const HEADER_SIZE: usize = 32;
const ALIGNMENT: usize = 16;
/// How far into the data Go itself looks for the blob.
const SEARCH_WINDOW: usize = 64 * 1024;
const FLAG_BIG_ENDIAN: u8 = 0x1;
const FLAG_INLINE_STRINGS: u8 = 0x2;
/// Longest string accepted from the blob (a large program's module list is tens of kilobytes).
const MAX_STRING: u64 = 16 * 1024 * 1024;
/// Markers the linker puts around the module list since Go 1.13, to find it in memory.
const MODINFO_MARKER_SIZE: usize = 16;

pub struct GoBinary;

impl Cataloger for GoBinary {
    fn name(&self) -> &'static str {
        "go-binary"
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
        // Neither an object file nor one with the blob: not a Go program, nothing to say.
        let Ok(object) = object::File::parse(file.bytes) else {
            return Ok(Catalogued::default());
        };
        let Some(blob) = find_blob(&object) else {
            return Ok(Catalogued::default());
        };
        let info = read_blob(blob, &|address, size| read_at(&object, address, size))?;
        Ok(info.catalogued(file))
    }
}

/// The bytes from the magic to the end of the section that holds it.
fn find_blob<'data>(object: &object::File<'data>) -> Option<&'data [u8]> {
    let named = object
        .sections()
        .find(|s| matches!(s.name(), Ok(".go.buildinfo" | "__go_buildinfo")));
    let section = named.or_else(|| object.sections().find(|s| s.kind() == SectionKind::Data))?;
    let data = section.data().ok()?;
    let window = &data[..data.len().min(SEARCH_WINDOW)];
    let start = (0..window.len())
        .step_by(ALIGNMENT)
        .find(|&i| window[i..].starts_with(BUILDINFO_MAGIC))?;
    Some(&data[start..])
}

/// `size` bytes at virtual address `address`, from whichever segment maps it.
fn read_at<'data>(object: &object::File<'data>, address: u64, size: u64) -> Option<&'data [u8]> {
    object
        .segments()
        .find_map(|segment| segment.data_range(address, size).ok().flatten())
}

/// What the blob holds.
#[derive(Debug, PartialEq, Eq)]
struct BuildInfo {
    go_version: String,
    modinfo: String,
}

/// Reads the header at the start of `blob`; `read_at` resolves the pointers of the pre-1.18 form.
fn read_blob<'d>(
    blob: &'d [u8],
    read_at: &dyn Fn(u64, u64) -> Option<&'d [u8]>,
) -> Result<BuildInfo, CatalogError> {
    let bad = |what: &str| CatalogError::new(format!("Go build information: {what}"));
    if blob.len() < HEADER_SIZE {
        return Err(bad("header cut short"));
    }
    let (pointer_size, flags) = (blob[14] as usize, blob[15]);
    let (version, modinfo) = if flags & FLAG_INLINE_STRINGS != 0 {
        let mut rest = &blob[HEADER_SIZE..];
        let version = inline_string(&mut rest).ok_or_else(|| bad("version string cut short"))?;
        let modinfo = inline_string(&mut rest).ok_or_else(|| bad("module list cut short"))?;
        (version, modinfo)
    } else {
        if pointer_size != 4 && pointer_size != 8 {
            return Err(bad(&format!("pointer size {pointer_size}")));
        }
        let pointers = Pointers {
            size: pointer_size,
            big_endian: flags & FLAG_BIG_ENDIAN != 0,
            read_at,
        };
        let version = pointers
            .string_at(pointers.value(&blob[16..]))
            .ok_or_else(|| bad("version string outside the file"))?;
        let modinfo = pointers
            .string_at(pointers.value(&blob[16 + pointer_size..]))
            .ok_or_else(|| bad("module list outside the file"))?;
        (version, modinfo)
    };
    let text = |bytes: &[u8], what: &str| {
        String::from_utf8(bytes.to_vec()).map_err(|_| bad(&format!("{what} is not UTF-8")))
    };
    Ok(BuildInfo {
        go_version: text(version, "version")?,
        modinfo: text(without_markers(modinfo), "module list")?,
    })
}

/// A uvarint length, then that many bytes; `rest` moves past them.
fn inline_string<'a>(rest: &mut &'a [u8]) -> Option<&'a [u8]> {
    let mut length: u64 = 0;
    for (i, &byte) in rest.iter().enumerate().take(10) {
        length |= u64::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 == 0 {
            let start = i + 1;
            let end = start.checked_add(usize::try_from(length).ok()?)?;
            let string = rest.get(start..end)?;
            *rest = &rest[end..];
            return Some(string);
        }
    }
    None
}

/// Pointer-sized values of the pre-1.18 form.
struct Pointers<'f, 'd> {
    size: usize,
    big_endian: bool,
    read_at: &'f dyn Fn(u64, u64) -> Option<&'d [u8]>,
}

impl<'d> Pointers<'_, 'd> {
    fn value(&self, bytes: &[u8]) -> u64 {
        let bytes = &bytes[..self.size];
        let fold = |acc: u64, &b: &u8| (acc << 8) | u64::from(b);
        if self.big_endian {
            bytes.iter().fold(0, fold)
        } else {
            bytes.iter().rev().fold(0, fold)
        }
    }

    /// The Go string whose header (data pointer, length) sits at `address`.
    fn string_at(&self, address: u64) -> Option<&'d [u8]> {
        let header = (self.read_at)(address, 2 * self.size as u64)?;
        let data = self.value(header);
        let length = self.value(&header[self.size..]);
        if length > MAX_STRING {
            return None;
        }
        (self.read_at)(data, length)
    }
}

fn without_markers(modinfo: &[u8]) -> &[u8] {
    let n = modinfo.len();
    if n > 2 * MODINFO_MARKER_SIZE && modinfo[n - MODINFO_MARKER_SIZE - 1] == b'\n' {
        &modinfo[MODINFO_MARKER_SIZE..n - MODINFO_MARKER_SIZE]
    } else {
        modinfo
    }
}

/// One module line (`mod` or `dep`) with the replacement that may follow it.
#[derive(Debug, PartialEq, Eq)]
struct Module {
    main: bool,
    path: String,
    version: Option<String>,
    replaced_by: Option<(String, Option<String>)>,
}

impl BuildInfo {
    fn catalogued(&self, file: &SourceFile<'_>) -> Catalogued {
        let (modules, warnings) = parse_modinfo(&self.modinfo);
        let mut packages: Vec<Package> = modules.iter().map(|m| m.package(file)).collect();
        packages.push(
            Package::new(
                Ecosystem::Go,
                "stdlib",
                toolchain_semver(&self.go_version),
                file.at(None),
            )
            .with_relationship(Relationship::Direct),
        );
        Catalogued { packages, warnings }
    }
}

/// The module lines of the module list; unknown lines become warnings, as Go's own parser
/// rejects them.
fn parse_modinfo(text: &str) -> (Vec<Module>, Vec<Diagnostic>) {
    let mut modules: Vec<Module> = Vec::new();
    let mut warnings = Vec::new();
    for line in text.lines().filter(|line| !line.is_empty()) {
        let fields: Vec<&str> = line.split('\t').collect();
        match fields.as_slice() {
            ["path", _] | ["build", _] => {}
            [kind @ ("mod" | "dep"), path, version, ..] => modules.push(Module {
                main: *kind == "mod",
                path: path.to_string(),
                version: module_version(version),
                replaced_by: None,
            }),
            ["=>", path, version, ..] => match modules.last_mut() {
                Some(last) if last.replaced_by.is_none() => {
                    last.replaced_by = Some((path.to_string(), module_version(version)));
                }
                _ => warnings.push(Diagnostic::new(
                    None,
                    format!("Go build information: replacement `{line}` follows no module"),
                )),
            },
            _ => warnings.push(Diagnostic::new(
                None,
                format!("Go build information: unexpected line `{line}`"),
            )),
        }
    }
    (modules, warnings)
}

fn module_version(version: &str) -> Option<String> {
    (!version.is_empty() && version != "(devel)").then(|| version.to_string())
}

impl Module {
    fn package(&self, file: &SourceFile<'_>) -> Package {
        let relationship = if self.main {
            Relationship::Direct
        } else {
            Relationship::Unknown
        };
        let (path, version, origin) = match &self.replaced_by {
            Some((dir, _)) if is_directory(dir) => {
                (&self.path, None, Origin::Path { path: dir.clone() })
            }
            Some((path, version)) => (path, version.clone(), Origin::Registry),
            None => (&self.path, self.version.clone(), Origin::Registry),
        };
        Package::new(Ecosystem::Go, path, version, file.at(None))
            .with_relationship(relationship)
            .with_origin(origin)
    }
}

/// Replacement targets that are folders, as go.mod tells them apart from module paths.
fn is_directory(target: &str) -> bool {
    target.starts_with("./")
        || target.starts_with("../")
        || target.starts_with('/')
        || target == "."
        || target == ".."
        || target.as_bytes().get(1) == Some(&b':')
}

/// `go1.21.5` -> `1.21.5`, `go1.19` -> `1.19.0`, `go1.21rc2` -> `1.21.0-rc.2`; `None` for a
/// development toolchain (`devel go1.22-abcdef`). Anything after a space (`X:boringcrypto`)
/// names build experiments, not the version.
fn toolchain_semver(go_version: &str) -> Option<String> {
    let tag = go_version.split(' ').next()?.strip_prefix("go")?;
    let (release, prerelease) = match tag.find(|c: char| c.is_ascii_alphabetic()) {
        Some(at) => {
            let (release, pre) = tag.split_at(at);
            let number_at = pre.find(|c: char| c.is_ascii_digit())?;
            let (label, number) = pre.split_at(number_at);
            (release, Some(format!("{label}.{number}")))
        }
        None => (tag, None),
    };
    let parts: Vec<&str> = release.split('.').collect();
    if parts.is_empty()
        || parts.len() > 3
        || parts
            .iter()
            .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let mut version = parts.join(".");
    for _ in parts.len()..3 {
        version.push_str(".0");
    }
    if let Some(prerelease) = prerelease {
        version = format!("{version}-{prerelease}");
    }
    Some(version)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{catalog_bytes, catalog_fixture, issues, row, rows, scan_fixture_using};
    use scangate_fsview::SkipRules;

    #[test]
    fn every_build_of_the_fixture_gives_the_same_packages() {
        for name in [
            "hello-default",
            "hello-trimpath",
            "hello-darwin-arm64",
            "hello-windows-amd64.exe",
        ] {
            let catalogued = catalog_fixture(&GoBinary, &format!("golang/binary/{name}")).unwrap();
            let rows: Vec<String> = catalogued
                .packages
                .iter()
                .map(|p| format!("{} {}", row(p), p.purl))
                .collect();
            let expected = [
                "example.com/hello - direct - NAME pkg:golang/example.com/hello",
                "example.com/greet - unknown - NAME pkg:golang/example.com/greet",
                "example.com/new v1.2.0 unknown - NAME pkg:golang/example.com/new@v1.2.0",
                "example.com/util v1.4.2 unknown - NAME pkg:golang/example.com/util@v1.4.2",
                "stdlib 1.19.8 direct - NAME pkg:golang/stdlib@1.19.8",
            ]
            .map(|r| r.replace("NAME", name));
            assert_eq!(rows, expected, "{name}");
            assert!(catalogued.warnings.is_empty(), "{name}");
            let greet = &catalogued.packages[1];
            let local = Origin::Path {
                path: "../greet".into(),
            };
            assert_eq!(greet.origin, local, "{name}");
        }
    }

    #[test]
    fn a_full_scan_reads_go_executables_whatever_their_name() {
        let binaries = crate::registry::binaries();
        let inventory = scan_fixture_using("golang/binary", SkipRules::default(), binaries);
        let scanned: Vec<_> = inventory
            .files
            .iter()
            .map(|f| (f.path.as_str(), f.cataloger.as_str(), f.packages))
            .collect();
        // The Rust cataloger reads them too and finds nothing: not worth a line.
        assert_eq!(
            scanned,
            [
                ("hello-darwin-arm64", "go-binary", 5),
                ("hello-darwin-arm64", "rust-auditable", 0),
                ("hello-default", "go-binary", 5),
                ("hello-default", "rust-auditable", 0),
                ("hello-trimpath", "go-binary", 5),
                ("hello-trimpath", "rust-auditable", 0),
                ("hello-windows-amd64.exe", "go-binary", 5),
                ("hello-windows-amd64.exe", "rust-auditable", 0),
            ]
        );
        assert_eq!(
            rows(&inventory)[..5],
            [
                "example.com/greet - unknown - hello-darwin-arm64",
                "example.com/hello - direct - hello-darwin-arm64",
                "example.com/new v1.2.0 unknown - hello-darwin-arm64",
                "example.com/util v1.4.2 unknown - hello-darwin-arm64",
                "stdlib 1.19.8 direct - hello-darwin-arm64",
            ]
        );
        assert_eq!(inventory.packages.len(), 20);
        assert!(issues(&inventory).is_empty());
    }

    #[test]
    fn executables_of_other_languages_give_nothing() {
        let rust = catalog_fixture(&GoBinary, "rust/auditable/tiny").unwrap();
        assert!(rust.packages.is_empty() && rust.warnings.is_empty());
        let script = catalog_bytes(
            &GoBinary,
            "run.sh",
            b"#!/bin/sh\necho '\xff Go buildinf:'\n",
        );
        assert!(script.unwrap().packages.is_empty());
    }

    /// An address space for the pre-1.18 form: big-endian 4-byte pointers at 0x1000 (version)
    /// and 0x1008 (module list) to Go string headers, the strings at 0x2000 and 0x2100.
    fn old_form(modinfo: &[u8], claimed_length: u32) -> (Vec<u8>, Vec<u8>) {
        let mut memory = vec![0u8; 0x3000];
        let mut put = |at: usize, bytes: &[u8]| memory[at..at + bytes.len()].copy_from_slice(bytes);
        put(0x1000, &0x2000u32.to_be_bytes());
        put(0x1004, &9u32.to_be_bytes());
        put(0x1008, &0x2100u32.to_be_bytes());
        put(0x100c, &claimed_length.to_be_bytes());
        put(0x2000, b"go1.16.15");
        put(0x2100, modinfo);
        let mut blob = BUILDINFO_MAGIC.to_vec();
        blob.extend([4, FLAG_BIG_ENDIAN]);
        blob.extend(0x1000u32.to_be_bytes());
        blob.extend(0x1008u32.to_be_bytes());
        blob.resize(HEADER_SIZE, 0);
        (blob, memory)
    }

    fn read_old_form(blob: &[u8], memory: &[u8]) -> Result<BuildInfo, CatalogError> {
        let read = |address: u64, size: u64| {
            let end = usize::try_from(address.checked_add(size)?).ok()?;
            memory.get(usize::try_from(address).ok()?..end)
        };
        read_blob(blob, &read)
    }

    #[test]
    fn pointer_form_resolves_strings_through_the_address_space() {
        let modinfo = "\
path\texample.com/cmd\n\
mod\texample.com/cmd\tv0.3.0\th1:abc=\n\
dep\tgolang.org/x/text\tv0.3.7\th1:def=\n\
=>\texample.com/fork/text\tv0.3.8-fix\th1:ghi=\n\
build\t-compiler=gc\n";
        let wrapped = [&[b'0'; 16][..], modinfo.as_bytes(), &[b'9'; 16][..]].concat();
        let (blob, memory) = old_form(&wrapped, wrapped.len() as u32);
        let info = read_old_form(&blob, &memory).unwrap();
        assert_eq!(info.go_version, "go1.16.15");
        assert_eq!(info.modinfo, modinfo);
        let file = SourceFile {
            path: "bin/cmd",
            bytes: &[],
        };
        let rows: Vec<String> = info.catalogued(&file).packages.iter().map(row).collect();
        assert_eq!(
            rows,
            [
                "example.com/cmd v0.3.0 direct - bin/cmd",
                "example.com/fork/text v0.3.8-fix unknown - bin/cmd",
                "stdlib 1.16.15 direct - bin/cmd",
            ]
        );

        let mut outside = blob.clone();
        outside[16..20].copy_from_slice(&0x9000u32.to_be_bytes());
        let error = |blob: &[u8], memory: &[u8]| read_old_form(blob, memory).unwrap_err().message;
        assert_eq!(
            error(&outside, &memory),
            "Go build information: version string outside the file"
        );
        let (blob, memory) = old_form(&wrapped, u32::MAX);
        assert_eq!(
            error(&blob, &memory),
            "Go build information: module list outside the file"
        );
    }

    #[test]
    fn damaged_blobs_are_errors_not_panics() {
        let header = |pointer_size: u8, flags: u8, strings: &[u8]| {
            let mut blob = BUILDINFO_MAGIC.to_vec();
            blob.extend([pointer_size, flags]);
            blob.resize(HEADER_SIZE, 0);
            blob.extend(strings);
            blob
        };
        let error = |blob: &[u8]| read_blob(blob, &|_, _| None).unwrap_err().message;
        let inline = FLAG_INLINE_STRINGS;
        assert_eq!(
            error(BUILDINFO_MAGIC),
            "Go build information: header cut short"
        );
        assert_eq!(
            error(&header(3, 0, b"")),
            "Go build information: pointer size 3"
        );
        assert_eq!(
            error(&header(8, inline, b"\x04go")),
            "Go build information: version string cut short"
        );
        assert_eq!(
            error(&header(8, inline, &[0xff; 12])),
            "Go build information: version string cut short"
        );
        assert_eq!(
            error(&header(8, inline, b"\x02go\x09x")),
            "Go build information: module list cut short"
        );
        assert_eq!(
            error(&header(8, inline, b"\x02go\x01\xe9")),
            "Go build information: module list is not UTF-8"
        );
    }

    #[test]
    fn odd_module_lists_warn_and_keep_the_rest() {
        let (modules, warnings) =
            parse_modinfo("=>\tx\tv1\t\ndep\ta\tv1.0.0\t\nsurprise\nmod\tm\t(devel)\t\n");
        let module = |main, path: &str, version: Option<&str>| Module {
            main,
            path: path.into(),
            version: version.map(Into::into),
            replaced_by: None,
        };
        assert_eq!(
            modules,
            [module(false, "a", Some("v1.0.0")), module(true, "m", None)]
        );
        let messages: Vec<_> = warnings.iter().map(|w| w.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "Go build information: replacement `=>\tx\tv1\t` follows no module",
                "Go build information: unexpected line `surprise`"
            ]
        );
    }

    #[test]
    fn toolchain_versions_in_semver() {
        let v = |s| toolchain_semver(s);
        assert_eq!(v("go1.21.5"), Some("1.21.5".into()));
        assert_eq!(v("go1.19"), Some("1.19.0".into()));
        assert_eq!(v("go1.21rc2"), Some("1.21.0-rc.2".into()));
        assert_eq!(v("go1.18beta1"), Some("1.18.0-beta.1".into()));
        assert_eq!(v("go1.22.0 X:boringcrypto"), Some("1.22.0".into()));
        assert_eq!(v("devel go1.22-abcdef Tue"), None);
        assert_eq!(v("go1.2.3.4"), None);
        assert_eq!(v("go1..2"), None);
        assert_eq!(v(""), None);
    }
}
