//! GitLab's dependency scanning report (security report schema 15.0.7): the findings as
//! vulnerabilities of the dependency files that declare them, and every dependency file with its
//! packages, so that GitLab shows both in merge requests and its vulnerability report.

use crate::{Context, sha256};
use scangate_types::{
    Finding, IssueLevel, Package, Relationship, ScanResult, ScannedFile, Severity,
};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::io::{self, Write};

/// The schema version the report follows.
pub const SCHEMA_VERSION: &str = "15.0.7";

pub fn write(result: &ScanResult, context: &Context, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &document(result, context))?;
    writeln!(out)
}

fn document(result: &ScanResult, context: &Context) -> Value {
    let files = DependencyFiles::new(result);
    let tool = json!({
        "id": result.tool.name,
        "name": result.tool.name,
        "version": result.tool.version,
        "vendor": { "name": result.tool.name },
        "url": env!("CARGO_PKG_REPOSITORY"),
    });
    let messages: Vec<Value> = result
        .inventory
        .issues
        .iter()
        .map(|issue| {
            json!({
                "level": match issue.level {
                    IssueLevel::Error => "warn",
                    IssueLevel::Warning => "info",
                },
                "value": issue.to_string(),
            })
        })
        .collect();
    json!({
        "version": SCHEMA_VERSION,
        "scan": {
            "analyzer": tool,
            "scanner": tool,
            "type": "dependency_scanning",
            "start_time": gitlab_time(context.started),
            "end_time": gitlab_time(context.finished),
            "status": "success",
            "messages": messages,
        },
        "vulnerabilities": result.findings.iter().map(|f| vulnerability(f, &files)).collect::<Vec<_>>(),
        "dependency_files": files.listing(result),
    })
}

/// `yyyy-mm-ddThh:mm:ss` in UTC, as the schema wants it.
fn gitlab_time(time: std::time::SystemTime) -> String {
    crate::timestamp(time).trim_end_matches('Z').to_string()
}

/// The packages of each scanned file, numbered from 1 in inventory order (GitLab's `iid`).
/// Packages without an exact version are left out: GitLab needs a version.
struct DependencyFiles<'a> {
    by_file: HashMap<&'a str, Vec<&'a Package>>,
    /// (file, purl) to the package and its iid.
    index: HashMap<(&'a str, &'a str), (&'a Package, usize)>,
}

impl<'a> DependencyFiles<'a> {
    fn new(result: &'a ScanResult) -> DependencyFiles<'a> {
        let mut by_file: HashMap<&str, Vec<&Package>> = HashMap::new();
        let mut index = HashMap::new();
        for package in result
            .inventory
            .packages
            .iter()
            .filter(|p| p.version.is_some())
        {
            let file = package.location().path.as_str();
            let packages = by_file.entry(file).or_default();
            packages.push(package);
            index.insert((file, package.purl.as_str()), (package, packages.len()));
        }
        DependencyFiles { by_file, index }
    }

    fn get(&self, file: &str, purl: &str) -> Option<(&'a Package, usize)> {
        self.index.get(&(file, purl)).copied()
    }

    fn listing(&self, result: &ScanResult) -> Vec<Value> {
        result
            .inventory
            .files
            .iter()
            .map(|file| {
                let dependencies: Vec<Value> = self
                    .by_file
                    .get(file.path.as_str())
                    .into_iter()
                    .flatten()
                    .enumerate()
                    .map(|(i, package)| {
                        json!({
                            "package": { "name": package.name },
                            "version": package.version,
                            "iid": i + 1,
                            "direct": package.relationship == Relationship::Direct,
                        })
                    })
                    .collect();
                json!({
                    "path": file.path,
                    "package_manager": package_manager(file),
                    "dependencies": dependencies,
                })
            })
            .collect()
    }
}

/// The package manager GitLab names for a file, from the cataloger that read it.
fn package_manager(file: &ScannedFile) -> &str {
    match file.cataloger.as_str() {
        "cargo-lock" => "cargo",
        "composer-lock" => "composer",
        "gemfile-lock" => "bundler",
        "go-mod" | "go-sum" => "go",
        "maven-pom" => "maven",
        "npm-package-json" | "npm-package-lock" => "npm",
        "pnpm-lock" => "pnpm",
        "yarn-lock" => "yarn",
        "python-pipfile-lock" => "pipenv",
        "python-poetry-lock" => "poetry",
        "python-requirements" => "pip",
        "python-pdm-lock" => "pdm",
        "python-uv-lock" => "uv",
        name if name.starts_with("gradle-") => "gradle",
        name if name.starts_with("nuget-")
            || name.starts_with("dotnet-")
            || name == "msbuild-project" =>
        {
            "nuget"
        }
        name => name,
    }
}

fn vulnerability(finding: &Finding, files: &DependencyFiles) -> Value {
    let file = finding.package.locations[0].path.as_str();
    let mut dependency = json!({
        "package": { "name": finding.package.name },
        "version": finding.package.version,
    });
    if let Some((package, iid)) = files.get(file, &finding.package.purl) {
        dependency["iid"] = json!(iid);
        dependency["direct"] = json!(package.relationship == Relationship::Direct);
    }
    // GitLab shows one path: the shortest, as the iids of the packages from the direct one down.
    if let Some(path) = finding.dependency_paths.first() {
        let iids: Option<Vec<Value>> = path
            .iter()
            .map(|purl| files.get(file, purl).map(|(_, iid)| json!({ "iid": iid })))
            .collect();
        if let Some(iids) = iids {
            dependency["dependency_path"] = json!(iids);
        }
    }
    let mut vulnerability = json!({
        "id": uuid(finding),
        "name": name(finding),
        "description": description(finding),
        "severity": severity(finding.severity),
        "identifiers": std::iter::once(&finding.id)
            .chain(&finding.aliases)
            .map(|id| identifier(id))
            .collect::<Vec<_>>(),
        "links": finding
            .references
            .iter()
            .filter(|url| is_link(url))
            .map(|url| json!({ "url": url }))
            .collect::<Vec<_>>(),
        "location": { "file": file, "dependency": dependency },
    });
    if let Some(fix) = finding.fixed_versions.first() {
        vulnerability["solution"] = json!(format!(
            "Upgrade {} to {fix} or later.",
            finding.package.name
        ));
    }
    let vectors = cvss_vectors(finding);
    if !vectors.is_empty() {
        vulnerability["cvss_vectors"] = json!(vectors);
    }
    vulnerability
}

/// A UUID derived from the finding key, so the same finding keeps its id across runs.
fn uuid(finding: &Finding) -> String {
    let digest = sha256(&finding.key());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_custom_bytes(bytes)
        .into_uuid()
        .to_string()
}

/// The vulnerability's title (its summary, else its id), within the schema's 255 characters.
fn name(finding: &Finding) -> String {
    let title = finding.summary.as_deref().unwrap_or(&finding.id);
    title.chars().take(255).collect()
}

fn description(finding: &Finding) -> String {
    let mut description = finding
        .summary
        .clone()
        .unwrap_or_else(|| format!("{} affects {}.", finding.id, finding.package.name));
    if !finding.aliases.is_empty() {
        description.push_str(&format!(
            "\n\nAlso known as {}.",
            finding.aliases.join(", ")
        ));
    }
    if let Some(kev) = &finding.kev {
        description.push_str(&format!(
            "\n\n{} is in CISA's Known Exploited Vulnerabilities catalogue.",
            kev.cve
        ));
    }
    description
}

fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "Critical",
        Severity::High => "High",
        Severity::Medium => "Medium",
        Severity::Low => "Low",
        Severity::Unknown => "Unknown",
    }
}

/// An id with its type (`cve`, `ghsa`, `rustsec`, ...) and the page that describes it.
fn identifier(id: &str) -> Value {
    let kind = id.split('-').next().unwrap_or(id).to_ascii_lowercase();
    let url = match kind.as_str() {
        "cve" => format!("https://www.cve.org/CVERecord?id={id}"),
        "ghsa" => format!("https://github.com/advisories/{id}"),
        _ => format!("https://osv.dev/vulnerability/{id}"),
    };
    json!({ "type": kind, "name": id, "value": id, "url": url })
}

fn is_link(url: &str) -> bool {
    (url.starts_with("https://") || url.starts_with("http://"))
        && !url.contains(char::is_whitespace)
}

/// The CVSS v2 and v3 vectors (the schema has no v4), each with the database that gave it.
fn cvss_vectors(finding: &Finding) -> Vec<Value> {
    let mut vectors: Vec<Value> = Vec::new();
    for score in &finding.scores {
        let fits = match score.kind.as_str() {
            "CVSS_V3" => {
                score.value.starts_with("CVSS:3.0/") || score.value.starts_with("CVSS:3.1/")
            }
            "CVSS_V2" => !score.value.starts_with("CVSS:"),
            _ => false,
        };
        let vector = json!({
            "vendor": score.source.split('-').next().unwrap_or(&score.source),
            "vector": score.value,
        });
        if fits && !vectors.iter().any(|v| v["vector"] == vector["vector"]) && vectors.len() < 10 {
            vectors.push(vector);
        }
    }
    vectors
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, SystemTime};

    fn sample() -> Value {
        let started = SystemTime::UNIX_EPOCH + Duration::from_secs(1_767_225_600);
        let context = Context {
            color: false,
            started,
            finished: started + Duration::from_secs(3),
        };
        document(&crate::sample::result(), &context)
    }

    #[test]
    fn vulnerabilities_point_at_their_dependency_and_its_path() {
        let report = sample();
        assert_eq!(report["scan"]["start_time"], "2026-01-01T00:00:00");
        assert_eq!(report["scan"]["end_time"], "2026-01-01T00:00:03");
        let qs = &report["vulnerabilities"][1];
        assert_eq!(
            qs["location"],
            json!({
                "file": "web/package-lock.json",
                "dependency": {
                    "package": { "name": "qs" },
                    "version": "6.7.0",
                    "iid": 4,
                    "direct": false,
                    "dependency_path": [{ "iid": 1 }, { "iid": 2 }],
                }
            })
        );
        assert_eq!(qs["severity"], "High");
        assert_eq!(qs["solution"], "Upgrade qs to 6.7.3 or later.");
        assert_eq!(
            qs["identifiers"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["value"].as_str().unwrap())
                .collect::<Vec<_>>(),
            ["CVE-2022-24999", "GHSA-hrpp-h998-j3pp"]
        );
        assert_eq!(
            qs["cvss_vectors"],
            json!([{ "vendor": "GHSA", "vector": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H" }])
        );
        // A v8 UUID from the SHA-256 of the finding key (02e3569baab3...).
        assert_eq!(qs["id"], "02e3569b-aab3-8b07-987e-5240a9bfca4a");
        assert_eq!(
            report["vulnerabilities"][0]["location"]["dependency"]["direct"],
            true
        );
        assert_eq!(
            report["dependency_files"][0]["dependencies"][3],
            json!({ "package": { "name": "qs" }, "version": "6.7.0", "iid": 4, "direct": false })
        );
        assert_eq!(report["dependency_files"][0]["package_manager"], "npm");
    }

    #[test]
    fn identifiers_name_their_database() {
        assert_eq!(identifier("CVE-2021-44228")["type"], "cve");
        assert_eq!(
            identifier("GHSA-jfh8-c2jp-5v3q")["url"],
            "https://github.com/advisories/GHSA-jfh8-c2jp-5v3q"
        );
        assert_eq!(
            identifier("RUSTSEC-2021-0003")["url"],
            "https://osv.dev/vulnerability/RUSTSEC-2021-0003"
        );
    }
}
