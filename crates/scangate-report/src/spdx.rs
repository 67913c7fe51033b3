//! SPDX 2.3 JSON: the scanned target as the described package, every inventory package with its
//! purl and licences, and the dependency graph as relationships.

use crate::cyclonedx::bom_ref;
use crate::{Context, sha256_hex, timestamp};
use scangate_types::{Package, Relationship, ScanResult};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::io::{self, Write};

const ROOT: &str = "SPDXRef-Target";
const NOASSERTION: &str = "NOASSERTION";

pub fn write(result: &ScanResult, context: &Context, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &document(result, context))?;
    writeln!(out)
}

/// An SPDX id stable across runs: a hash of the package's purl and file (the same purl may be
/// declared by several files, and a purl holds characters SPDX ids may not).
pub fn spdx_id(package: &Package) -> String {
    format!("SPDXRef-Package-{}", &sha256_hex(&bom_ref(package))[..16])
}

fn document(result: &ScanResult, context: &Context) -> Value {
    let packages = &result.inventory.packages;
    let mut spdx_packages = vec![json!({
        "SPDXID": ROOT,
        "name": result.target.name,
        "downloadLocation": NOASSERTION,
        "filesAnalyzed": false,
        "licenseConcluded": NOASSERTION,
        "licenseDeclared": NOASSERTION,
        "copyrightText": NOASSERTION,
        "primaryPackagePurpose": if result.target.kind == "image" { "CONTAINER" } else { "APPLICATION" },
    })];
    spdx_packages.extend(packages.iter().map(package));
    json!({
        "spdxVersion": "SPDX-2.3",
        "dataLicense": "CC0-1.0",
        "SPDXID": "SPDXRef-DOCUMENT",
        "name": result.target.name,
        "documentNamespace": namespace(&result.target.name),
        "creationInfo": {
            "created": timestamp(context.finished),
            "creators": [format!("Tool: {}-{}", result.tool.name, result.tool.version)],
        },
        "packages": spdx_packages,
        "relationships": relationships(packages),
    })
}

/// A URI unique to this document: the project's address, the target's name and a random UUID.
fn namespace(target: &str) -> String {
    let name: String = target
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-._".contains(c) {
                c
            } else {
                '-'
            }
        })
        .collect();
    format!(
        "{}/spdx/{}-{}",
        env!("CARGO_PKG_REPOSITORY"),
        name.trim_matches('-'),
        uuid::Uuid::new_v4()
    )
}

fn package(package: &Package) -> Value {
    let license = license_expression(&package.licenses);
    let mut spdx = json!({
        "SPDXID": spdx_id(package),
        "name": package.name,
        "downloadLocation": NOASSERTION,
        "filesAnalyzed": false,
        "licenseConcluded": license,
        "licenseDeclared": license,
        "copyrightText": NOASSERTION,
        "primaryPackagePurpose": "LIBRARY",
        "externalRefs": [{
            "referenceCategory": "PACKAGE-MANAGER",
            "referenceType": "purl",
            "referenceLocator": package.purl,
        }],
        "comment": comment(package),
    });
    if let Some(version) = &package.version {
        spdx["versionInfo"] = json!(version);
    }
    spdx
}

/// Where the package is declared and how it relates to the project, for a person reading the SBOM.
fn comment(package: &Package) -> String {
    let places: Vec<String> = package.locations.iter().map(|l| l.to_string()).collect();
    let mut comment = format!(
        "Declared at {} ({}",
        places.join(", "),
        format!("{:?}", package.relationship).to_lowercase()
    );
    if let Some(scope) = package.scope {
        comment.push_str(&format!(", {}", format!("{scope:?}").to_lowercase()));
    }
    if let Some(requirement) = &package.requirement {
        comment.push_str(&format!(", requires {requirement}"));
    }
    comment.push(')');
    comment
}

/// The package's licences as one SPDX expression (several are all required: AND), when every
/// one is a valid expression of SPDX-listed licences; otherwise NOASSERTION. `LicenseRef-`s are
/// left out: SPDX wants each one defined in the document, and the files do not define them.
fn license_expression(licenses: &[String]) -> String {
    let expression = match licenses {
        [] => return NOASSERTION.to_string(),
        [only] => only.clone(),
        several => several
            .iter()
            .map(|l| {
                if l.contains(' ') {
                    format!("({l})")
                } else {
                    l.clone()
                }
            })
            .collect::<Vec<_>>()
            .join(" AND "),
    };
    let listed = spdx::Expression::parse(&expression).is_ok_and(|parsed| {
        parsed.requirements().all(|r| {
            r.req.license.id().is_some() && r.req.addition.as_ref().is_none_or(|a| a.id().is_some())
        })
    });
    if listed {
        expression
    } else {
        NOASSERTION.to_string()
    }
}

/// The document describes the target; the target depends on its direct dependencies; each
/// package on the packages its file says it depends on.
fn relationships(packages: &[Package]) -> Vec<Value> {
    let ids: HashMap<(&str, &str), String> = packages
        .iter()
        .map(|p| ((p.location().path.as_str(), p.purl.as_str()), spdx_id(p)))
        .collect();
    let relationship = |from: &str, kind: &str, to: &str| json!({ "spdxElementId": from, "relationshipType": kind, "relatedSpdxElement": to });
    let mut relationships = vec![relationship("SPDXRef-DOCUMENT", "DESCRIBES", ROOT)];
    for package in packages {
        let id = &ids[&(package.location().path.as_str(), package.purl.as_str())];
        if package.relationship == Relationship::Direct {
            relationships.push(relationship(ROOT, "DEPENDS_ON", id));
        }
        for dependency in &package.depends_on {
            if let Some(to) = ids.get(&(package.location().path.as_str(), dependency.as_str())) {
                relationships.push(relationship(id, "DEPENDS_ON", to));
            }
        }
    }
    relationships
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_target_describes_its_direct_dependencies_and_packages_their_edges() {
        let result = crate::sample::result();
        let names: HashMap<String, &str> = result
            .inventory
            .packages
            .iter()
            .map(|p| (spdx_id(p), p.name.as_str()))
            .collect();
        let name = |id: &str| names.get(id).copied().unwrap_or(id).to_string();
        let lines: Vec<String> = relationships(&result.inventory.packages)
            .iter()
            .map(|r| {
                format!(
                    "{} {} {}",
                    name(r["spdxElementId"].as_str().unwrap()),
                    r["relationshipType"].as_str().unwrap(),
                    name(r["relatedSpdxElement"].as_str().unwrap())
                )
            })
            .collect();
        assert_eq!(
            lines,
            [
                "SPDXRef-DOCUMENT DESCRIBES SPDXRef-Target",
                "SPDXRef-Target DEPENDS_ON app-server",
                "app-server DEPENDS_ON body-parser",
                "body-parser DEPENDS_ON qs",
                "SPDXRef-Target DEPENDS_ON debug",
            ]
        );
        let qs = package(&result.inventory.packages[3]);
        assert_eq!(qs["SPDXID"], spdx_id(&result.inventory.packages[3]));
        assert!(
            qs["SPDXID"]
                .as_str()
                .unwrap()
                .starts_with("SPDXRef-Package-")
        );
        assert_eq!(qs["versionInfo"], "6.7.0");
        assert_eq!(qs["licenseDeclared"], "NOASSERTION");
        assert_eq!(
            qs["externalRefs"][0]["referenceLocator"],
            "pkg:npm/qs@6.7.0"
        );
        assert_eq!(
            qs["comment"],
            "Declared at web/package-lock.json:40 (transitive)"
        );
    }

    fn expression(licenses: &[&str]) -> String {
        license_expression(&licenses.iter().map(|l| l.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn listed_licences_make_one_expression_and_anything_else_noassertion() {
        assert_eq!(expression(&["MIT"]), "MIT");
        assert_eq!(expression(&["MIT OR Apache-2.0"]), "MIT OR Apache-2.0");
        assert_eq!(expression(&["MIT", "ISC"]), "MIT AND ISC");
        assert_eq!(
            expression(&["MIT OR Apache-2.0", "ISC"]),
            "(MIT OR Apache-2.0) AND ISC"
        );
        assert_eq!(
            expression(&["Apache-2.0 WITH LLVM-exception"]),
            "Apache-2.0 WITH LLVM-exception"
        );
        for unusable in [
            &[][..],
            &["proprietary"],
            &["MIT", "see LICENSE"],
            &["LicenseRef-Company"],
            &["Apache 2.0"],
        ] {
            assert_eq!(expression(unusable), "NOASSERTION", "{unusable:?}");
        }
    }
}
