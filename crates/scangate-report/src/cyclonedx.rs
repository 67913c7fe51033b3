//! CycloneDX 1.6 JSON: components with purls, licences and the file:line of each declaration
//! (`evidence.occurrences`), and the dependency graph.

use packageurl::PackageUrl;
use scangate_types::{Finding, Package, Relationship, ScanResult, Scope, Severity};
use serde::Serialize;
use std::collections::HashMap;
use std::io::{self, Write};
use std::str::FromStr;

pub fn write(result: &ScanResult, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &document(result))?;
    writeln!(out)
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Bom {
    bom_format: &'static str,
    spec_version: &'static str,
    serial_number: String,
    version: u32,
    metadata: Metadata,
    components: Vec<Component>,
    dependencies: Vec<Dependency>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    vulnerabilities: Vec<Vulnerability>,
}

#[derive(Serialize)]
struct Metadata {
    timestamp: String,
    tools: Tools,
    component: Component,
}

#[derive(Serialize)]
struct Tools {
    components: Vec<Component>,
}

#[derive(Serialize, Default)]
struct Component {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(rename = "bom-ref", skip_serializing_if = "String::is_empty")]
    bom_ref: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    group: Option<String>,
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    scope: Option<&'static str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    licenses: Vec<serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    purl: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    properties: Vec<Property>,
    #[serde(skip_serializing_if = "Option::is_none")]
    evidence: Option<Evidence>,
}

#[derive(Serialize)]
struct Vulnerability {
    #[serde(rename = "bom-ref")]
    bom_ref: String,
    id: String,
    source: Source,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    references: Vec<VulnerabilityReference>,
    ratings: Vec<Rating>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    recommendation: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    advisories: Vec<Advisory>,
    #[serde(skip_serializing_if = "Option::is_none")]
    published: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    updated: Option<String>,
    affects: Vec<Affects>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    properties: Vec<Property>,
}

#[derive(Serialize)]
struct Source {
    name: String,
}

#[derive(Serialize)]
struct VulnerabilityReference {
    id: String,
    source: Source,
}

#[derive(Serialize)]
struct Rating {
    source: Source,
    #[serde(skip_serializing_if = "Option::is_none")]
    score: Option<f64>,
    severity: &'static str,
    method: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    vector: Option<String>,
}

#[derive(Serialize)]
struct Advisory {
    url: String,
}

#[derive(Serialize)]
struct Affects {
    #[serde(rename = "ref")]
    reference: String,
    versions: Vec<AffectedVersion>,
}

#[derive(Serialize)]
struct AffectedVersion {
    version: String,
    status: &'static str,
}

#[derive(Serialize)]
struct Property {
    name: &'static str,
    value: String,
}

#[derive(Serialize)]
struct Evidence {
    occurrences: Vec<Occurrence>,
}

#[derive(Serialize)]
struct Occurrence {
    location: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<u32>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Dependency {
    #[serde(rename = "ref")]
    reference: String,
    depends_on: Vec<String>,
}

/// A reference unique in the document: the same purl may be declared by several files.
pub fn bom_ref(package: &Package) -> String {
    format!("{}#{}", package.purl, package.location().path)
}

fn document(result: &ScanResult) -> Bom {
    let packages = &result.inventory.packages;
    let root_ref = format!("scangate-target:{}", result.target.name);
    let by_file_purl: HashMap<(&str, &str), String> = packages
        .iter()
        .map(|p| ((p.location().path.as_str(), p.purl.as_str()), bom_ref(p)))
        .collect();

    let mut dependencies = vec![Dependency {
        reference: root_ref.clone(),
        depends_on: packages
            .iter()
            .filter(|p| p.relationship == Relationship::Direct)
            .map(bom_ref)
            .collect(),
    }];
    dependencies.extend(packages.iter().map(|p| {
        Dependency {
            reference: bom_ref(p),
            depends_on: p
                .depends_on
                .iter()
                .filter_map(|purl| {
                    by_file_purl
                        .get(&(p.location().path.as_str(), purl.as_str()))
                        .cloned()
                })
                .collect(),
        }
    }));

    Bom {
        bom_format: "CycloneDX",
        spec_version: "1.6",
        serial_number: format!("urn:uuid:{}", uuid::Uuid::new_v4()),
        version: 1,
        metadata: Metadata {
            timestamp: humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string(),
            tools: Tools {
                components: vec![Component {
                    kind: "application",
                    name: result.tool.name.clone(),
                    version: Some(result.tool.version.clone()),
                    ..Component::default()
                }],
            },
            component: Component {
                kind: if result.target.kind == "image" {
                    "container"
                } else {
                    "application"
                },
                bom_ref: root_ref,
                name: result.target.name.clone(),
                ..Component::default()
            },
        },
        components: packages.iter().map(component).collect(),
        dependencies,
        vulnerabilities: result.findings.iter().map(vulnerability).collect(),
    }
}

fn component(package: &Package) -> Component {
    let (group, name) = match PackageUrl::from_str(&package.purl) {
        Ok(purl) => (purl.namespace().map(str::to_owned), purl.name().to_owned()),
        Err(_) => (None, package.name.clone()),
    };
    let mut properties = vec![
        Property {
            name: "scangate:ecosystem",
            value: package.ecosystem.as_str().to_string(),
        },
        Property {
            name: "scangate:relationship",
            value: format!("{:?}", package.relationship).to_lowercase(),
        },
    ];
    if let Some(scope) = package.scope {
        properties.push(Property {
            name: "scangate:scope",
            value: format!("{scope:?}").to_lowercase(),
        });
    }
    if let Some(requirement) = &package.requirement {
        properties.push(Property {
            name: "scangate:requirement",
            value: requirement.clone(),
        });
    }
    // In an image: the layer that brought the package in, and its instruction.
    if let Some(layer) = package.locations.first().and_then(|l| l.layer.as_ref()) {
        properties.push(Property {
            name: "scangate:layer:diffId",
            value: layer.diff_id.clone(),
        });
        if let Some(created_by) = &layer.created_by {
            properties.push(Property {
                name: "scangate:layer:createdBy",
                value: created_by.clone(),
            });
        }
    }
    Component {
        kind: "library",
        bom_ref: bom_ref(package),
        group,
        name,
        version: package.version.clone(),
        scope: package.scope.map(cyclonedx_scope),
        licenses: licenses(&package.licenses),
        purl: Some(package.purl.clone()),
        properties,
        evidence: Some(Evidence {
            occurrences: package
                .locations
                .iter()
                .map(|l| Occurrence {
                    location: l.path.clone(),
                    line: l.line,
                })
                .collect(),
        }),
    }
}

fn cyclonedx_scope(scope: Scope) -> &'static str {
    match scope {
        Scope::Prod | Scope::Runtime | Scope::Provided => "required",
        Scope::Optional | Scope::Peer => "optional",
        Scope::Dev | Scope::Test | Scope::Build => "excluded",
    }
}

/// SPDX ids as `license.id`, expressions as `expression`, anything else as `license.name`.
/// CycloneDX allows one expression or a list of licences, never both.
fn licenses(declared: &[String]) -> Vec<serde_json::Value> {
    use serde_json::json;
    let is_expression =
        |s: &str| spdx::license_id(s).is_none() && spdx::Expression::parse(s).is_ok();
    if let [only] = declared
        && is_expression(only)
    {
        return vec![json!({ "expression": only })];
    }
    declared
        .iter()
        .map(|license| match spdx::license_id(license) {
            Some(id) => json!({ "license": { "id": id.name } }),
            None => json!({ "license": { "name": license } }),
        })
        .collect()
}

/// One finding: the vulnerability as it affects one component.
fn vulnerability(finding: &Finding) -> Vulnerability {
    let component = format!(
        "{}#{}",
        finding.package.purl, finding.package.locations[0].path
    );
    let mut properties = Vec::new();
    if let Some(kev) = &finding.kev {
        properties.push(Property {
            name: "scangate:kev",
            value: kev.cve.clone(),
        });
    }
    if let Some(epss) = &finding.epss {
        properties.push(Property {
            name: "scangate:epss",
            value: epss.score.to_string(),
        });
        properties.push(Property {
            name: "scangate:epssPercentile",
            value: epss.percentile.to_string(),
        });
    }
    Vulnerability {
        bom_ref: format!("{}@{component}", finding.id),
        id: finding.id.clone(),
        source: Source {
            name: id_source(&finding.id),
        },
        references: finding
            .aliases
            .iter()
            .map(|alias| VulnerabilityReference {
                id: alias.clone(),
                source: Source {
                    name: id_source(alias),
                },
            })
            .collect(),
        ratings: finding.scores.iter().map(rating).collect(),
        description: finding.summary.clone(),
        recommendation: finding
            .fixed_versions
            .first()
            .map(|fix| format!("Upgrade {} to {fix} or later.", finding.package.name)),
        advisories: finding
            .references
            .iter()
            // Some databases put prose next to a link; CycloneDX wants a bare IRI.
            .filter(|url| url.starts_with("http") && !url.contains(char::is_whitespace))
            .map(|url| Advisory { url: url.clone() })
            .collect(),
        published: finding.published.clone(),
        updated: finding.modified.clone(),
        affects: vec![Affects {
            reference: component,
            versions: vec![AffectedVersion {
                version: finding.package.version.clone(),
                status: "affected",
            }],
        }],
        properties,
    }
}

/// The database an id belongs to, from its prefix (`CVE`, `GHSA`, `RUSTSEC`, `PYSEC`, `GO`, ...).
fn id_source(id: &str) -> String {
    id.split('-').next().unwrap_or(id).to_string()
}

fn rating(score: &scangate_types::Score) -> Rating {
    let method = match (score.kind.as_str(), score.value.starts_with("CVSS:3.1")) {
        ("CVSS_V2", _) => "CVSSv2",
        ("CVSS_V3", true) => "CVSSv31",
        ("CVSS_V3", false) => "CVSSv3",
        ("CVSS_V4", _) => "CVSSv4",
        _ => "other",
    };
    let severity = match score.base_score {
        Some(value) => Severity::from_cvss(&score.kind, value),
        None => Severity::from_label(&score.value).unwrap_or(Severity::Unknown),
    };
    Rating {
        source: Source {
            name: score.source.clone(),
        },
        score: score.base_score,
        severity: severity.as_str_lower(),
        method,
        vector: (method != "other").then(|| score.value.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use scangate_types::{Ecosystem, LayerRef, Location};

    #[test]
    fn a_package_from_an_image_names_its_layer() {
        let mut location = Location::new("var/lib/dpkg/status", Some(41));
        location.layer = Some(LayerRef {
            index: 1,
            diff_id: "sha256:eeb5".into(),
            created_by: Some("RUN apt-get install -y hello".into()),
        });
        let package = Package::new(Ecosystem::Debian, "hello", Some("2.10-3".into()), location);
        let component = component(&package);
        let properties: Vec<(&str, &str)> = component
            .properties
            .iter()
            .map(|p| (p.name, p.value.as_str()))
            .collect();
        assert_eq!(
            properties,
            [
                ("scangate:ecosystem", "Debian"),
                ("scangate:relationship", "unknown"),
                ("scangate:layer:diffId", "sha256:eeb5"),
                ("scangate:layer:createdBy", "RUN apt-get install -y hello"),
            ]
        );
    }
}
