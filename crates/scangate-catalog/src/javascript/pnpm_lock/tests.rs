use super::{Style, last_document, peerless};
use crate::javascript::test_support::package;
use crate::testing::{issues, rows, scan_fixture};
use scangate_types::{Inventory, Origin, Scope};

/// The origins of the non-registry dependencies of the `*-project` fixtures, by name.
fn assert_project_origins(inventory: &Inventory, case: &str, local_thing: Option<&str>) {
    let origin =
        |name: &str, version: Option<&str>| package(inventory, name, version).origin.clone();
    assert_eq!(
        origin("tiny-git-dep", Some("0.3.0")),
        Origin::Git {
            url: "git://git.example.invalid/acme/tiny-git-dep.git".into(),
            rev: Some("b8f2af8b7d16d25ae606342cc2b27f1920ffca6e".into()),
        },
        "{case}"
    );
    assert_eq!(
        origin("is-odd", Some("3.0.1")),
        Origin::Url {
            url: "https://files.example.invalid/is-odd-3.0.1.tgz".into()
        },
        "{case}"
    );
    assert_eq!(
        origin("local-thing", local_thing),
        Origin::Path {
            path: "local-thing".into()
        },
        "{case}"
    );
    // The `my-lodash: npm:lodash@4.17.21` alias is lodash itself, from the registry.
    assert_eq!(
        origin("lodash", Some("4.17.21")),
        Origin::Registry,
        "{case}"
    );
    assert_eq!(
        package(inventory, "is-odd", Some("3.0.1")).depends_on,
        ["pkg:npm/is-number@6.0.0"],
        "{case}"
    );
    assert_eq!(
        package(inventory, "use-sync-external-store", Some("1.2.0")).depends_on,
        ["pkg:npm/react@18.2.0"],
        "{case}"
    );
    assert_eq!(
        package(inventory, "@types/debug", Some("4.1.7")).depends_on,
        ["pkg:npm/%40types/ms@2.1.0"],
        "{case}"
    );
}

#[test]
fn v5_single_project() {
    let inventory = scan_fixture("javascript/pnpm-lock/v5-project");
    assert_eq!(
        rows(&inventory),
        [
            "@types/debug 4.1.7 direct prod pnpm-lock.yaml:39",
            "@types/ms 2.1.0 transitive prod pnpm-lock.yaml:45",
            "debug 2.6.8 direct prod pnpm-lock.yaml:49",
            "is-number 6.0.0 transitive prod pnpm-lock.yaml:60",
            "is-number 7.0.0 direct optional pnpm-lock.yaml:65",
            "js-tokens 4.0.0 transitive prod pnpm-lock.yaml:72",
            "lodash 4.17.20 direct prod pnpm-lock.yaml:76",
            "lodash 4.17.21 direct prod pnpm-lock.yaml:80",
            "loose-envify 1.4.0 transitive prod pnpm-lock.yaml:84",
            "minimist 1.2.5 direct dev pnpm-lock.yaml:91",
            "mkdirp 0.5.5 direct dev pnpm-lock.yaml:95",
            "ms 2.0.0 transitive prod pnpm-lock.yaml:102",
            "ms 2.1.3 direct prod pnpm-lock.yaml:106",
            "react 18.2.0 direct prod pnpm-lock.yaml:110",
            "use-sync-external-store 1.2.0 direct prod pnpm-lock.yaml:117",
            "tiny-git-dep 0.3.0 direct prod pnpm-lock.yaml:125",
            "is-odd 3.0.1 direct prod pnpm-lock.yaml:133",
            "local-thing 1.0.0 direct prod pnpm-lock.yaml:142",
        ]
    );
    assert!(issues(&inventory).is_empty());
    assert_project_origins(&inventory, "v5", Some("1.0.0"));
}

#[test]
fn v6_single_project() {
    let inventory = scan_fixture("javascript/pnpm-lock/v6-project");
    assert_eq!(
        rows(&inventory),
        [
            "@types/debug 4.1.7 direct prod pnpm-lock.yaml:54",
            "@types/ms 2.1.0 transitive prod pnpm-lock.yaml:60",
            "debug 2.6.8 direct prod pnpm-lock.yaml:64",
            "is-number 6.0.0 transitive prod pnpm-lock.yaml:75",
            "is-number 7.0.0 direct optional pnpm-lock.yaml:80",
            "js-tokens 4.0.0 transitive prod pnpm-lock.yaml:87",
            "lodash 4.17.20 direct prod pnpm-lock.yaml:91",
            "lodash 4.17.21 direct prod pnpm-lock.yaml:95",
            "loose-envify 1.4.0 transitive prod pnpm-lock.yaml:99",
            "minimist 1.2.5 direct dev pnpm-lock.yaml:106",
            "mkdirp 0.5.5 direct dev pnpm-lock.yaml:110",
            "ms 2.0.0 transitive prod pnpm-lock.yaml:117",
            "ms 2.1.3 direct prod pnpm-lock.yaml:121",
            "react 18.2.0 direct prod pnpm-lock.yaml:125",
            "use-sync-external-store 1.2.0 direct prod pnpm-lock.yaml:132",
            "tiny-git-dep 0.3.0 direct prod pnpm-lock.yaml:140",
            "is-odd 3.0.1 direct prod pnpm-lock.yaml:148",
            // pnpm 8 records no version for a directory dependency.
            "local-thing req:file:local-thing direct prod pnpm-lock.yaml:157",
        ]
    );
    assert!(issues(&inventory).is_empty());
    assert_project_origins(&inventory, "v6", None);
}

#[test]
fn v9_single_project() {
    let inventory = scan_fixture("javascript/pnpm-lock/v9-project");
    assert_eq!(
        rows(&inventory),
        [
            "@types/debug 4.1.7 direct prod pnpm-lock.yaml:55",
            "@types/ms 2.1.0 transitive prod pnpm-lock.yaml:58",
            "debug 2.6.8 direct prod pnpm-lock.yaml:61",
            "is-number 6.0.0 transitive prod pnpm-lock.yaml:69",
            "is-number 7.0.0 direct optional pnpm-lock.yaml:73",
            "is-odd 3.0.1 direct prod pnpm-lock.yaml:77",
            "js-tokens 4.0.0 transitive prod pnpm-lock.yaml:82",
            "local-thing req:file:local-thing direct prod pnpm-lock.yaml:85",
            "lodash 4.17.20 direct prod pnpm-lock.yaml:88",
            "lodash 4.17.21 direct prod pnpm-lock.yaml:91",
            "loose-envify 1.4.0 transitive prod pnpm-lock.yaml:94",
            "minimist 1.2.5 direct dev pnpm-lock.yaml:98",
            "mkdirp 0.5.5 direct dev pnpm-lock.yaml:101",
            "ms 2.0.0 transitive prod pnpm-lock.yaml:105",
            "ms 2.1.3 direct prod pnpm-lock.yaml:108",
            "react 18.2.0 direct prod pnpm-lock.yaml:111",
            "tiny-git-dep 0.3.0 direct prod pnpm-lock.yaml:115",
            "use-sync-external-store 1.2.0 direct prod pnpm-lock.yaml:119",
        ]
    );
    assert!(issues(&inventory).is_empty());
    assert_project_origins(&inventory, "v9", None);
}

/// The workspace fixtures of every version hold the same packages.
fn assert_workspace(case: &str, lines: [u32; 12]) {
    let inventory = scan_fixture(&format!("javascript/pnpm-lock/{case}"));
    let names = [
        "debug 2.6.8 direct prod",
        "is-number 7.0.0 direct optional",
        "js-tokens 4.0.0 transitive prod",
        "lodash 4.17.20 direct prod",
        "loose-envify 1.4.0 transitive prod",
        "minimist 1.2.5 direct dev",
        "mkdirp 0.5.5 direct dev",
        "ms 2.0.0 transitive prod",
        "object-assign 4.1.1 transitive prod",
        "react 17.0.2 direct prod",
        "react 18.2.0 direct prod",
        "use-sync-external-store 1.2.0 direct prod",
    ];
    let expected: Vec<String> = names
        .iter()
        .zip(lines)
        .map(|(name, line)| format!("{name} pnpm-lock.yaml:{line}"))
        .collect();
    assert_eq!(rows(&inventory), expected, "{case}");
    assert!(issues(&inventory).is_empty(), "{case}");
    // One package for the two peer-dependency contexts, with the edges of both.
    let store = package(&inventory, "use-sync-external-store", Some("1.2.0"));
    assert_eq!(store.locations.len(), 1, "{case}");
    assert_eq!(
        store.depends_on,
        ["pkg:npm/react@17.0.2", "pkg:npm/react@18.2.0"],
        "{case}"
    );
    assert_eq!(
        package(&inventory, "react", Some("17.0.2")).depends_on,
        ["pkg:npm/loose-envify@1.4.0", "pkg:npm/object-assign@4.1.1"],
        "{case}"
    );
}

#[test]
fn workspaces_of_every_version() {
    assert_workspace(
        "v5-workspace",
        [41, 52, 59, 63, 67, 74, 78, 85, 89, 94, 102, 109],
    );
    assert_workspace(
        "v6-workspace",
        [52, 63, 70, 74, 78, 85, 89, 96, 100, 105, 113, 120],
    );
    assert_workspace(
        "v9-workspace",
        [52, 60, 64, 67, 70, 74, 77, 81, 84, 88, 92, 96],
    );
}

#[test]
fn environment_document_before_the_lockfile() {
    let inventory = scan_fixture("javascript/pnpm-lock/v9-env-document");
    assert_eq!(
        rows(&inventory),
        [
            "debug 2.6.8 direct prod pnpm-lock.yaml:73",
            "is-number 7.0.0 direct optional pnpm-lock.yaml:81",
            "js-tokens 4.0.0 transitive prod pnpm-lock.yaml:85",
            "lodash 4.17.20 direct prod pnpm-lock.yaml:88",
            "loose-envify 1.4.0 transitive prod pnpm-lock.yaml:91",
            "minimist 1.2.5 direct dev pnpm-lock.yaml:95",
            "minimist 1.2.8 transitive dev pnpm-lock.yaml:98",
            "mkdirp 0.5.5 direct dev pnpm-lock.yaml:101",
            "ms 2.0.0 transitive prod pnpm-lock.yaml:105",
            "object-assign 4.1.1 transitive prod pnpm-lock.yaml:108",
            "react 17.0.2 direct prod pnpm-lock.yaml:112",
            "react 18.2.0 direct prod pnpm-lock.yaml:116",
            "use-sync-external-store 1.2.0 direct prod pnpm-lock.yaml:120",
        ]
    );
    assert!(issues(&inventory).is_empty());
}

#[test]
fn without_importers_the_flags_give_the_scope() {
    let inventory = scan_fixture("javascript/pnpm-lock/v5-no-importers");
    assert_eq!(
        rows(&inventory),
        [
            "@types/debug 4.1.7 unknown prod pnpm-lock.yaml:5",
            "@types/ms 2.1.0 unknown prod pnpm-lock.yaml:11",
            "debug 2.6.8 unknown prod pnpm-lock.yaml:15",
            "is-number 6.0.0 unknown prod pnpm-lock.yaml:26",
            "is-number 7.0.0 unknown optional pnpm-lock.yaml:31",
            "js-tokens 4.0.0 unknown prod pnpm-lock.yaml:38",
            "lodash 4.17.20 unknown prod pnpm-lock.yaml:42",
            "lodash 4.17.21 unknown prod pnpm-lock.yaml:46",
            "loose-envify 1.4.0 unknown prod pnpm-lock.yaml:50",
            "minimist 1.2.5 unknown dev pnpm-lock.yaml:57",
            "mkdirp 0.5.5 unknown dev pnpm-lock.yaml:61",
            "ms 2.0.0 unknown prod pnpm-lock.yaml:68",
            "ms 2.1.3 unknown prod pnpm-lock.yaml:72",
            "react 18.2.0 unknown prod pnpm-lock.yaml:76",
            "use-sync-external-store 1.2.0 unknown prod pnpm-lock.yaml:83",
            "tiny-git-dep 0.3.0 unknown prod pnpm-lock.yaml:91",
            "is-odd 3.0.1 unknown prod pnpm-lock.yaml:99",
            "local-thing 1.0.0 unknown prod pnpm-lock.yaml:108",
        ]
    );
    assert_eq!(
        package(&inventory, "mkdirp", Some("0.5.5")).scope,
        Some(Scope::Dev)
    );
}

#[test]
fn malformed_lockfiles_are_errors_beside_a_good_one() {
    let inventory = scan_fixture("javascript/pnpm-lock/malformed");
    assert_eq!(
        issues(&inventory),
        [
            "pnpm-lock.yaml:72: invalid YAML: did not find expected key",
            "truncated/pnpm-lock.yaml:83: invalid YAML: did not find expected ',' or '}'",
        ]
    );
    assert_eq!(
        rows(&inventory),
        [
            "debug 2.6.8 direct prod good/pnpm-lock.yaml:52",
            "is-number 7.0.0 direct optional good/pnpm-lock.yaml:63",
            "js-tokens 4.0.0 transitive prod good/pnpm-lock.yaml:70",
            "lodash 4.17.20 direct prod good/pnpm-lock.yaml:74",
            "loose-envify 1.4.0 transitive prod good/pnpm-lock.yaml:78",
            "minimist 1.2.5 direct dev good/pnpm-lock.yaml:85",
            "mkdirp 0.5.5 direct dev good/pnpm-lock.yaml:89",
            "ms 2.0.0 transitive prod good/pnpm-lock.yaml:96",
            "object-assign 4.1.1 transitive prod good/pnpm-lock.yaml:100",
            "react 17.0.2 direct prod good/pnpm-lock.yaml:105",
            "react 18.2.0 direct prod good/pnpm-lock.yaml:113",
            "use-sync-external-store 1.2.0 direct prod good/pnpm-lock.yaml:120",
        ]
    );
}

#[test]
fn keys_of_every_version() {
    assert_eq!(
        Style::V5.split_key("/@types/debug/4.1.7_peer@1.0.0"),
        Some(("@types/debug", "4.1.7"))
    );
    assert_eq!(
        Style::V6.split_key("/@types/debug@4.1.7(@types/react@18.0.0)"),
        Some(("@types/debug", "4.1.7"))
    );
    assert_eq!(
        Style::V9.split_key("a@git+https://h.invalid/a.git#abc"),
        Some(("a", "git+https://h.invalid/a.git#abc"))
    );
    assert_eq!(Style::V6.split_key("file:local-thing"), None);
    assert_eq!(Style::V5.key("a", "1.0.0_b@2.0.0"), "/a/1.0.0_b@2.0.0");
    assert_eq!(peerless("@a/b@1.0.0(@c/d@2.0.0)(e@3.0.0)"), "@a/b@1.0.0");
    assert_eq!(Style::of(Some("5.4")).unwrap(), Style::V5);
    assert_eq!(Style::of(Some("9.0")).unwrap(), Style::V9);
    assert_eq!(
        Style::of(None).unwrap_err().message,
        "invalid pnpm-lock.yaml: no lockfileVersion"
    );
    assert_eq!(
        Style::of(Some("next")).unwrap_err().message,
        "invalid pnpm-lock.yaml: unknown lockfileVersion `next`"
    );
    assert_eq!(last_document("---\na: 1\n---\nb: 2\n"), (4, "b: 2\n"));
    assert_eq!(last_document("a: 1\n"), (1, "a: 1\n"));
}
