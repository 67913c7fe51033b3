use crate::javascript::test_support::{lock_issues, lock_rows, package};
use crate::testing::{issues, rows, scan_fixture};
use scangate_types::{Origin, Scope};

const LOCK: &str = "yarn.lock";

#[test]
fn v1_with_its_package_json() {
    let inventory = scan_fixture("javascript/yarn-lock/v1");
    assert_eq!(
        lock_rows(&inventory, LOCK),
        [
            "@types/debug 4.1.7 direct prod yarn.lock:5",
            "@types/ms 2.1.0 transitive prod yarn.lock:12",
            "debug 2.6.8 direct prod yarn.lock:17",
            "is-number 7.0.0 direct optional yarn.lock:24",
            "is-number 6.0.0 transitive prod yarn.lock:29",
            "is-odd 3.0.1 direct prod yarn.lock:34",
            "local-thing 1.0.0 direct prod yarn.lock:40",
            "lodash 4.17.20 direct prod yarn.lock:45",
            "minimist 1.2.5 direct dev yarn.lock:50",
            "minimist 1.2.8 transitive dev yarn.lock:55",
            "mkdirp 0.5.5 direct dev yarn.lock:60",
            "ms 2.0.0 transitive prod yarn.lock:67",
            "ms 2.1.3 direct prod yarn.lock:72",
            "lodash 4.17.21 direct prod yarn.lock:77",
            "tiny-git-dep 0.3.0 direct prod yarn.lock:82",
        ]
    );
    assert!(lock_issues(&inventory, LOCK).is_empty());
    assert_eq!(
        package(&inventory, "is-odd", Some("3.0.1")).origin,
        Origin::Url {
            url: "https://files.example.invalid/is-odd-3.0.1.tgz".into()
        }
    );
    assert_eq!(
        package(&inventory, "local-thing", Some("1.0.0")).origin,
        Origin::Path {
            path: "local-thing".into()
        }
    );
    assert_eq!(
        package(&inventory, "tiny-git-dep", Some("0.3.0")).origin,
        Origin::Git {
            url: "git://git.example.invalid/acme/tiny-git-dep.git".into(),
            rev: Some("b8f2af8b7d16d25ae606342cc2b27f1920ffca6e".into()),
        }
    );
    // The `my-lodash@npm:lodash@4.17.21` alias is lodash itself.
    let alias = package(&inventory, "lodash", Some("4.17.21"));
    assert_eq!(alias.purl, "pkg:npm/lodash@4.17.21");
    assert_eq!(alias.origin, Origin::Registry);
    assert_eq!(
        package(&inventory, "@types/debug", Some("4.1.7")).depends_on,
        ["pkg:npm/%40types/ms@2.1.0"]
    );
    assert_eq!(
        package(&inventory, "mkdirp", Some("0.5.5")).depends_on,
        ["pkg:npm/minimist@1.2.8"]
    );
    assert_eq!(
        package(&inventory, "is-odd", Some("3.0.1")).depends_on,
        ["pkg:npm/is-number@6.0.0"]
    );
}

#[test]
fn v1_workspace_members_name_direct_dependencies() {
    let inventory = scan_fixture("javascript/yarn-lock/v1-workspace");
    assert_eq!(
        lock_rows(&inventory, LOCK),
        [
            "debug 2.6.8 direct prod yarn.lock:5",
            "lodash 4.17.20 direct prod yarn.lock:12",
            "minimist 1.2.5 direct dev yarn.lock:17",
            "minimist 1.2.8 transitive dev yarn.lock:22",
            "mkdirp 0.5.5 direct dev yarn.lock:27",
            "ms 2.0.0 transitive prod yarn.lock:34",
        ]
    );
    assert!(lock_issues(&inventory, LOCK).is_empty());
    assert_eq!(
        package(&inventory, "debug", Some("2.6.8")).depends_on,
        ["pkg:npm/ms@2.0.0"]
    );
}

#[test]
fn v1_workspace_patterns_and_broken_members() {
    let inventory = scan_fixture("javascript/yarn-lock/v1-workspace-patterns");
    // packages/lib does not match `packages/app*`; packages/app2 is invalid; the root lists
    // nothing: only lodash (packages/app) and minimist 1.2.5 (tools/cli) are direct.
    assert_eq!(
        lock_rows(&inventory, LOCK),
        [
            "debug 2.6.8 transitive - yarn.lock:5",
            "lodash 4.17.20 direct prod yarn.lock:12",
            "minimist 1.2.5 direct dev yarn.lock:17",
            "minimist 1.2.8 transitive - yarn.lock:22",
            "mkdirp 0.5.5 transitive - yarn.lock:27",
            "ms 2.0.0 transitive - yarn.lock:34",
        ]
    );
    assert_eq!(
        lock_issues(&inventory, LOCK),
        [
            "yarn.lock: packages/app2/package.json:5: invalid JSON: trailing comma (column 3); file ignored",
            "yarn.lock: workspace pattern `libs/[` is not a valid glob; its members were not read",
        ]
    );
}

#[test]
fn v1_without_package_json_leaves_relationships_unknown() {
    let inventory = scan_fixture("javascript/yarn-lock/v1-no-manifest");
    assert_eq!(
        rows(&inventory),
        [
            "debug 2.6.8 unknown - yarn.lock:5",
            "lodash 4.17.20 unknown - yarn.lock:12",
            "minimist 1.2.5 unknown - yarn.lock:17",
            "minimist 1.2.8 unknown - yarn.lock:22",
            "mkdirp 0.5.5 unknown - yarn.lock:27",
            "ms 2.0.0 unknown - yarn.lock:34",
        ]
    );
    assert!(issues(&inventory).is_empty());
    assert_eq!(
        package(&inventory, "mkdirp", Some("0.5.5")).depends_on,
        ["pkg:npm/minimist@1.2.8"]
    );
}

/// yarn 2 and 3 resolve the same project to entries at the same lines.
const BERRY_V2_V3_ROWS: &[&str] = &[
    "@types/debug 4.1.7 direct prod yarn.lock:41",
    "@types/ms 2.1.0 transitive prod yarn.lock:50",
    "debug 2.6.8 direct prod yarn.lock:57",
    "function-bind 1.1.2 transitive prod yarn.lock:74",
    "hasown 2.0.4 transitive prod yarn.lock:81",
    "is-core-module 2.18.0 transitive prod yarn.lock:90",
    "is-number 7.0.0 direct optional yarn.lock:99",
    "is-number 6.0.0 transitive prod yarn.lock:106",
    "is-odd 3.0.1 direct prod yarn.lock:113",
    "local-link req:link:../../local-thing direct prod yarn.lock:122",
    "local-portal req:portal:../../local-thing direct prod yarn.lock:128",
    "local-thing 1.0.0 direct prod yarn.lock:136",
    "lodash 4.17.20 direct prod yarn.lock:145",
    "minimist 1.2.5 direct dev yarn.lock:152",
    "minimist 1.2.8 transitive dev yarn.lock:159",
    "mkdirp 0.5.5 direct dev yarn.lock:166",
    "ms 2.0.0 transitive prod yarn.lock:177",
    "ms 2.1.3 direct prod yarn.lock:184",
    "lodash 4.17.21 direct prod yarn.lock:191",
    "path-parse 1.0.7 transitive prod yarn.lock:198",
    "resolve 1.22.1 direct prod yarn.lock:205",
    "supports-preserve-symlinks-flag 1.0.0 transitive prod yarn.lock:231",
    "tiny-git-dep 0.3.0 direct prod yarn.lock:238",
];

#[test]
fn berry_v2_and_v3_workspaces() {
    for case in ["berry-v2", "berry-v3"] {
        let inventory = scan_fixture(&format!("javascript/yarn-lock/{case}"));
        assert_eq!(lock_rows(&inventory, LOCK), BERRY_V2_V3_ROWS, "{case}");
        assert!(lock_issues(&inventory, LOCK).is_empty(), "{case}");
        // The builtin `patch:` entry (line 218) folds into the package it patches.
        let resolve = package(&inventory, "resolve", Some("1.22.1"));
        assert_eq!(resolve.locations.len(), 1, "{case}");
        assert_eq!(resolve.origin, Origin::Registry, "{case}");
        assert_eq!(
            resolve.depends_on,
            [
                "pkg:npm/is-core-module@2.18.0",
                "pkg:npm/path-parse@1.0.7",
                "pkg:npm/supports-preserve-symlinks-flag@1.0.0",
            ],
            "{case}"
        );
    }
}

#[test]
fn berry_v4_workspaces_and_protocols() {
    let inventory = scan_fixture("javascript/yarn-lock/berry-v4");
    assert_eq!(
        lock_rows(&inventory, LOCK),
        [
            "@types/debug 4.1.7 direct prod yarn.lock:42",
            "@types/ms 2.1.0 transitive prod yarn.lock:51",
            "debug 2.6.8 direct prod yarn.lock:58",
            "function-bind 1.1.2 transitive prod yarn.lock:75",
            "gen-thing 2.0.0 direct prod yarn.lock:82",
            "hasown 2.0.4 transitive prod yarn.lock:89",
            "is-core-module 2.18.0 transitive prod yarn.lock:98",
            "is-number 7.0.0 direct optional yarn.lock:107",
            "is-number 6.0.0 transitive prod yarn.lock:114",
            "is-odd 3.0.1 direct prod yarn.lock:121",
            "local-link req:link:../../local-thing direct prod yarn.lock:130",
            "local-portal req:portal:../../local-thing direct prod yarn.lock:136",
            "local-thing 1.0.0 direct prod yarn.lock:144",
            "lodash 4.17.20 direct prod yarn.lock:153",
            "minimist 1.2.5 direct dev yarn.lock:160",
            "minimist 1.2.8 transitive dev yarn.lock:167",
            "mkdirp 0.5.5 direct dev yarn.lock:174",
            "ms 2.0.0 transitive prod yarn.lock:185",
            "ms 2.1.3 direct prod yarn.lock:192",
            "lodash 4.17.21 direct prod yarn.lock:199",
            "path-parse 1.0.7 transitive prod yarn.lock:206",
            "resolve 1.22.1 direct prod yarn.lock:213",
            "supports-preserve-symlinks-flag 1.0.0 transitive prod yarn.lock:239",
            "tiny-git-dep 0.3.0 direct prod yarn.lock:246",
        ]
    );
    assert!(lock_issues(&inventory, LOCK).is_empty());
    let origin =
        |name: &str, version: Option<&str>| package(&inventory, name, version).origin.clone();
    let path = |path: &str| Origin::Path { path: path.into() };
    assert_eq!(origin("gen-thing", Some("2.0.0")), path("gen-thing.js"));
    assert_eq!(origin("local-link", None), path("local-thing"));
    assert_eq!(origin("local-portal", None), path("local-thing"));
    assert_eq!(origin("local-thing", Some("1.0.0")), path("local-thing"));
    assert_eq!(
        origin("is-odd", Some("3.0.1")),
        Origin::Url {
            url: "https://files.example.invalid/is-odd-3.0.1.tgz".into()
        }
    );
    assert_eq!(
        origin("tiny-git-dep", Some("0.3.0")),
        Origin::Git {
            url: "git://git.example.invalid/acme/tiny-git-dep.git".into(),
            rev: Some("b8f2af8b7d16d25ae606342cc2b27f1920ffca6e".into()),
        }
    );
    assert_eq!(origin("lodash", Some("4.17.21")), Origin::Registry);
    assert_eq!(
        package(&inventory, "local-portal", None).depends_on,
        ["pkg:npm/ms@2.1.3"]
    );
    assert_eq!(
        package(&inventory, "hasown", Some("2.0.4")).depends_on,
        ["pkg:npm/function-bind@1.1.2"]
    );
    assert_eq!(
        package(&inventory, "minimist", Some("1.2.8")).scope,
        Some(Scope::Dev)
    );
}

#[test]
fn malformed_lockfiles_are_errors_beside_good_ones() {
    let inventory = scan_fixture("javascript/yarn-lock/malformed");
    assert_eq!(
        issues(&inventory),
        [
            "berry/yarn.lock:60: invalid YAML: did not find expected key",
            "yarn.lock:24: invalid yarn.lock: unterminated string",
        ]
    );
    assert_eq!(
        rows(&inventory),
        [
            "debug 2.6.8 unknown - good/yarn.lock:5",
            "lodash 4.17.20 unknown - good/yarn.lock:12",
            "minimist 1.2.5 unknown - good/yarn.lock:17",
            "minimist 1.2.8 unknown - good/yarn.lock:22",
            "mkdirp 0.5.5 unknown - good/yarn.lock:27",
            "ms 2.0.0 unknown - good/yarn.lock:34",
        ]
    );
}
