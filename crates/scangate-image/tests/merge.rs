//! Three layers (add, overwrite, delete, opaque directory) merged into one view, and packages
//! credited to the layers that brought them in.

mod support;

use scangate_catalog::{CatalogError, Cataloger, Catalogued, Context, SourceFile, scan};
use scangate_fsview::{FileView, Select, ViewError};
use scangate_image::{ImageView, attribute};
use scangate_types::{Ecosystem, Package};
use support::{Compress, MARKER, Tar, extract_all};

fn wanted(path: &str) -> bool {
    path.ends_with(".json")
        || path.ends_with(".conf")
        || path == "var/lib/db"
        || path == "etc/os-release"
}

/// An ELF file with the marker placed across the 64 KiB read boundary.
fn go_binary() -> Vec<u8> {
    let mut bytes = b"\x7fELF".to_vec();
    bytes.resize(64 * 1024 - 3, 0);
    bytes.extend_from_slice(MARKER);
    bytes.extend_from_slice(&[1; 100]);
    bytes
}

fn layers() -> [(Vec<u8>, Compress, &'static str); 3] {
    let base = Tar::new()
        .dir("etc/")
        .file("etc/os-release", b"ID=test\nVERSION_ID=1\n")
        .file("etc/old.conf", b"old")
        .file("var/lib/db", b"a 1\nb 1\nc 1\n")
        .dir("opt/app/conf/")
        .file("opt/app/conf/a.json", b"{}")
        .file("opt/app/conf/b.json", b"{}")
        .exe("usr/bin/tool", &go_binary())
        .exe(
            "usr/bin/plain",
            &[b"\x7fELF".as_slice(), &[0; 5000]].concat(),
        )
        .exe("usr/bin/script", b"#!/bin/sh\n")
        .file("usr/share/doc/readme", b"unwanted")
        .finish();
    let install = Tar::new()
        .file("etc/.wh.old.conf", b"")
        .file("./etc/os-release", b"ID=test\nVERSION_ID=2\n")
        .file("var/lib/db", b"a 1\nb 1\nc 1\nd 1\n")
        .file("/app/new.json", b"{\"new\":1}")
        .hardlink("app/same.json", "app/new.json")
        .finish();
    let upgrade = Tar::new()
        .file("opt/app/conf/.wh..wh..opq", b"")
        .file("opt/app/conf/c.json", b"cj 9\n")
        .file("var/lib/db", b"a 1\nb 2\nd 1\n")
        .symlink("etc/alias.json", "../app/new.json")
        .symlink("etc/abs.json", "/app/new.json")
        .finish();
    [
        (base, Compress::Gzip, "ADD rootfs.tar /"),
        (install, Compress::Zstd, "RUN install d"),
        (upgrade, Compress::None, "RUN upgrade b, remove c"),
    ]
}

fn view(root: &std::path::Path) -> ImageView {
    ImageView::new(extract_all(&layers(), &wanted, root), 1024 * 1024)
}

#[test]
fn the_view_is_the_final_tree() {
    let dir = tempfile::tempdir().unwrap();
    let view = view(dir.path());
    let walk = view.walk(&Select {
        path: &wanted,
        executables: true,
    });
    assert_eq!(
        walk.files,
        [
            "app/new.json",
            "app/same.json",
            "etc/os-release",
            "opt/app/conf/c.json",
            "var/lib/db"
        ]
    );
    assert_eq!(walk.executables, ["usr/bin/tool"]);
    assert!(walk.issues.is_empty(), "{:?}", walk.issues);
    assert!(view.issues().is_empty(), "{:?}", view.issues());

    let read = |path| String::from_utf8(view.read(path).unwrap()).unwrap();
    assert_eq!(read("etc/os-release"), "ID=test\nVERSION_ID=2\n");
    assert_eq!(read("var/lib/db"), "a 1\nb 2\nd 1\n");
    assert_eq!(read("etc/alias.json"), "{\"new\":1}");
    assert_eq!(read("etc/abs.json"), "{\"new\":1}");
    assert_eq!(read("app/same.json"), "{\"new\":1}");
    assert_eq!(read("opt/app/conf/c.json"), "cj 9\n");
    assert_eq!(view.read("usr/bin/tool").unwrap(), go_binary());
    assert!(matches!(
        view.read("etc/old.conf"),
        Err(ViewError::NotFound)
    ));
    assert!(matches!(
        view.read("opt/app/conf/a.json"),
        Err(ViewError::NotFound)
    ));
    assert!(matches!(view.read("etc"), Err(ViewError::NotRegular)));
    assert_eq!(
        view.read("usr/share/doc/readme").unwrap_err().to_string(),
        "cannot read: not kept from its layer (no cataloger asked for it)"
    );
    assert!(view.is_file("usr/share/doc/readme"));
    assert!(view.is_file("etc/alias.json"));
    assert!(!view.is_file("etc/old.conf"));
    assert!(!view.is_file("etc"));

    let origin = |path| view.origin(path).map(|layer| layer.index);
    assert_eq!(origin("var/lib/db"), Some(2));
    assert_eq!(origin("etc/os-release"), Some(1));
    assert_eq!(origin("app/new.json"), Some(1));
    assert_eq!(origin("etc/alias.json"), Some(1));
    assert_eq!(origin("opt/app/conf/c.json"), Some(2));
    assert_eq!(origin("usr/bin/tool"), Some(0));
    assert_eq!(origin("etc/old.conf"), None);
    assert_eq!(origin("opt/app/conf/a.json"), None);
}

#[test]
fn each_layer_records_its_whiteouts_and_opaque_directories() {
    let dir = tempfile::tempdir().unwrap();
    let layers = extract_all(&layers(), &wanted, dir.path());
    let whiteouts: Vec<Vec<&str>> = layers
        .iter()
        .map(|(_, _, index)| index.whiteouts.iter().map(String::as_str).collect())
        .collect();
    assert_eq!(whiteouts, [vec![], vec!["etc/old.conf"], vec![]]);
    let opaque: Vec<Vec<&str>> = layers
        .iter()
        .map(|(_, _, index)| index.opaque_dirs.iter().map(String::as_str).collect())
        .collect();
    assert_eq!(opaque, [vec![], vec![], vec!["opt/app/conf"]]);
    // Kept: os-release, old.conf, db, a.json, b.json and the marked binary; nothing else.
    assert_eq!(
        support::listing(&dir.path().join("0")),
        [
            "files/0",
            "files/1",
            "files/2",
            "files/3",
            "files/4",
            "files/5",
            "index.json"
        ]
    );
    // The hard link shares the file it links to.
    assert_eq!(
        support::listing(&dir.path().join("1")),
        ["files/0", "files/1", "files/2", "index.json"]
    );
}

/// Reads `name version` lines: a stand-in for a package database several layers rewrite. The
/// JSON file stands in for an archive: its packages are inside it (`file!/inner`), as a jar's
/// nested jars are.
struct Db;

impl Cataloger for Db {
    fn name(&self) -> &'static str {
        "test-db"
    }

    fn matches(&self, path: &str) -> bool {
        path == "var/lib/db" || path == "opt/app/conf/c.json"
    }

    fn catalog(&self, file: &SourceFile<'_>, _: &Context<'_>) -> Result<Catalogued, CatalogError> {
        let packages = file
            .text()?
            .lines()
            .zip(1..)
            .filter_map(|(line, number)| {
                let (name, version) = line.split_once(' ')?;
                let mut at = file.at(Some(number));
                if at.path.ends_with(".json") {
                    at.path.push_str("!/lib/nested.jar");
                }
                Some(Package::new(
                    Ecosystem::Debian,
                    name,
                    Some(version.into()),
                    at,
                ))
            })
            .collect::<Vec<_>>();
        Ok(packages.into())
    }
}

#[test]
fn packages_are_credited_to_the_layer_that_brought_them_in() {
    let dir = tempfile::tempdir().unwrap();
    let view = view(dir.path());
    let catalogers: [&dyn Cataloger; 1] = [&Db];
    let mut inventory = scan(&view, &catalogers);
    assert!(inventory.issues.is_empty(), "{:?}", inventory.issues);
    attribute(&mut inventory, &view, &catalogers);
    let credited: Vec<String> = inventory
        .packages
        .iter()
        .map(|p| {
            let layer = p.locations[0].layer.as_ref().unwrap();
            format!(
                "{} {} {} layer {} {}",
                p.name,
                p.version.as_deref().unwrap(),
                p.locations[0],
                layer.index,
                layer.created_by.as_deref().unwrap()
            )
        })
        .collect();
    assert_eq!(
        credited,
        [
            "cj 9 opt/app/conf/c.json!/lib/nested.jar:1 layer 2 RUN upgrade b, remove c",
            "a 1 var/lib/db:1 layer 0 ADD rootfs.tar /",
            "b 2 var/lib/db:2 layer 2 RUN upgrade b, remove c",
            "d 1 var/lib/db:3 layer 1 RUN install d",
        ]
    );
    let diff_ids: Vec<&str> = inventory
        .packages
        .iter()
        .map(|p| p.locations[0].layer.as_ref().unwrap().diff_id.as_str())
        .collect();
    let tars = layers();
    let expected = |i: usize| support::sha256(&tars[i].0);
    assert_eq!(
        diff_ids,
        [expected(2), expected(0), expected(2), expected(1)]
    );
}
