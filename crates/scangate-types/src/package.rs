use crate::{Ecosystem, purl_for};
use serde::{Deserialize, Serialize};

/// One package declared or locked by a file in the scanned target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Package {
    pub ecosystem: Ecosystem,
    /// The name as the ecosystem spells it (`@scope/name`, `group:artifact`, module path, ...).
    pub name: String,
    /// The exact resolved version; `None` when the file only declares a requirement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// The declared requirement when no exact version is known (`^1.2.0`, `>=2,<3`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requirement: Option<String>,
    pub purl: String,
    /// Where the package is declared; the first entry is the primary location.
    pub locations: Vec<Location>,
    pub relationship: Relationship,
    /// `None` where the format does not record a scope.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<Scope>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub licenses: Vec<String>,
    pub origin: Origin,
    /// purls of the packages this one depends on, within the same file.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub depends_on: Vec<String>,
    /// For an operating-system package: the distribution release its advisories are filed
    /// under, as OSV spells the suffix (`12` for `Debian:12`, `v3.18` for `Alpine:v3.18`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub release: Option<String>,
    /// For an operating-system package: the source package it was built from, which is what
    /// Debian, Ubuntu and Alpine advisories name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<SourcePackage>,
}

/// The source package an operating-system package was built from.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SourcePackage {
    pub name: String,
    /// Set when it differs from the binary package's version (a binary-only rebuild, `+b1`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

impl Package {
    /// A package found at `path:line`, with defaults (no scope, registry origin, relationship unknown).
    pub fn new(
        ecosystem: Ecosystem,
        name: impl Into<String>,
        version: Option<String>,
        location: Location,
    ) -> Package {
        let name = name.into();
        let purl = purl_for(ecosystem, &name, version.as_deref());
        Package {
            ecosystem,
            name,
            version,
            requirement: None,
            purl,
            locations: vec![location],
            relationship: Relationship::Unknown,
            scope: None,
            licenses: Vec::new(),
            origin: Origin::Registry,
            depends_on: Vec::new(),
            release: None,
            source: None,
        }
    }

    /// The ecosystem as OSV files this package's advisories: `Debian:12` for an OS package with a
    /// known release, the bare name otherwise.
    pub fn osv_ecosystem(&self) -> std::borrow::Cow<'static, str> {
        match &self.release {
            Some(release) => format!("{}:{release}", self.ecosystem.as_str()).into(),
            None => self.ecosystem.as_str().into(),
        }
    }

    /// The name and version advisories use for this package: the source package for
    /// distributions whose advisories are filed by source (Debian, Ubuntu, Alpine and its kin).
    pub fn advisory_coordinates(&self) -> (&str, Option<&str>) {
        let by_source = matches!(
            self.ecosystem,
            Ecosystem::Debian
                | Ecosystem::Ubuntu
                | Ecosystem::Alpine
                | Ecosystem::Wolfi
                | Ecosystem::Chainguard
        );
        match &self.source {
            Some(source) if by_source => (
                &source.name,
                source.version.as_deref().or(self.version.as_deref()),
            ),
            _ => (&self.name, self.version.as_deref()),
        }
    }

    pub fn with_relationship(mut self, relationship: Relationship) -> Package {
        self.relationship = relationship;
        self
    }

    pub fn with_scope(mut self, scope: Scope) -> Package {
        self.scope = Some(scope);
        self
    }

    pub fn with_requirement(mut self, requirement: impl Into<String>) -> Package {
        self.requirement = Some(requirement.into());
        self
    }

    pub fn with_origin(mut self, origin: Origin) -> Package {
        self.origin = origin;
        self
    }

    pub fn with_licenses(mut self, licenses: Vec<String>) -> Package {
        self.licenses = licenses;
        self
    }

    /// Records a dependency edge to `name@version` of the same ecosystem.
    pub fn depends_on(&mut self, name: &str, version: Option<&str>) {
        let purl = purl_for(self.ecosystem, name, version);
        if !self.depends_on.contains(&purl) {
            self.depends_on.push(purl);
        }
    }

    /// The primary location.
    pub fn location(&self) -> &Location {
        &self.locations[0]
    }
}

/// A file and, where known, the 1-based line of the declaration.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Location {
    /// Path relative to the scan root, `/`-separated.
    pub path: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// In an image: the layer that brought the package in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub layer: Option<LayerRef>,
}

impl Location {
    pub fn new(path: impl Into<String>, line: Option<u32>) -> Location {
        Location {
            path: path.into(),
            line,
            layer: None,
        }
    }
}

/// One layer of an image.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LayerRef {
    /// 0-based position, the base layer first.
    pub index: usize,
    /// The digest of the uncompressed layer (the config's diff id), `sha256:...`.
    pub diff_id: String,
    /// The history entry's `created_by`: the Dockerfile instruction that made the layer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_by: Option<String>,
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}", self.path),
            None => f.write_str(&self.path),
        }
    }
}

/// How the package relates to the project that declares it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Relationship {
    /// Named by the project's own manifest.
    Direct,
    /// Pulled in by another dependency.
    Transitive,
    /// The file does not say.
    Unknown,
}

/// The dependency scope, where the format records one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// Needed at run time (npm `dependencies`, Maven `compile`, Pipfile `default`, ...).
    Prod,
    /// Maven/Gradle `runtime`: not needed to compile, needed to run.
    Runtime,
    /// Supplied by the environment (Maven `provided`/`system`, Gradle `compileOnly`).
    Provided,
    /// npm `optionalDependencies`, Python extras, Cargo optional features.
    Optional,
    /// npm `peerDependencies`.
    Peer,
    /// Development only (npm `devDependencies`, Pipfile `develop`, Composer `packages-dev`).
    Dev,
    /// Tests only (Maven/Gradle `test`).
    Test,
    /// Build tooling only (Cargo build-dependencies, Gradle plugins).
    Build,
}

impl Scope {
    /// Whether a package in this scope ends up in what the project ships.
    pub fn is_shipped(self) -> bool {
        matches!(self, Scope::Prod | Scope::Runtime | Scope::Optional)
    }
}

impl Origin {
    /// The origin without credentials: lockfiles may record `https://user:token@host/...`, and
    /// reports are CI artifacts. A bare `git@` user (SSH) is kept: it is not a secret.
    pub fn without_credentials(self) -> Origin {
        match self {
            Origin::Git { url, rev } => Origin::Git {
                url: strip_userinfo(url),
                rev,
            },
            Origin::Url { url } => Origin::Url {
                url: strip_userinfo(url),
            },
            other => other,
        }
    }
}

fn strip_userinfo(url: String) -> String {
    let Some(scheme_end) = url.find("://").map(|i| i + 3) else {
        return url;
    };
    let authority_end = url[scheme_end..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |i| scheme_end + i);
    match url[scheme_end..authority_end].rfind('@') {
        Some(at) if &url[scheme_end..scheme_end + at] != "git" => {
            format!("{}{}", &url[..scheme_end], &url[scheme_end + at + 1..])
        }
        _ => url,
    }
}

/// Where the package's code comes from.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Origin {
    /// The ecosystem's package registry (or a mirror of it).
    Registry,
    /// A git repository at a revision.
    Git {
        url: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        rev: Option<String>,
    },
    /// A local path outside the registry.
    Path { path: String },
    /// A direct archive URL.
    Url { url: String },
}

#[cfg(test)]
mod tests {
    use super::Origin;

    #[test]
    fn credentials_never_leave_a_lockfile() {
        let git = |url: &str| {
            Origin::Git {
                url: url.into(),
                rev: None,
            }
            .without_credentials()
        };
        assert_eq!(
            git("https://oauth2:glpat-SECRET@gitlab.example.invalid/a/b.git"),
            Origin::Git {
                url: "https://gitlab.example.invalid/a/b.git".into(),
                rev: None
            }
        );
        assert_eq!(
            git("https://TOKEN@host.invalid/a"),
            Origin::Git {
                url: "https://host.invalid/a".into(),
                rev: None
            }
        );
        assert_eq!(
            git("ssh://git@host.invalid/a.git"),
            Origin::Git {
                url: "ssh://git@host.invalid/a.git".into(),
                rev: None
            }
        );
        assert_eq!(
            git("git@host.invalid:a/b.git"),
            Origin::Git {
                url: "git@host.invalid:a/b.git".into(),
                rev: None
            }
        );
        let url = Origin::Url {
            url: "https://u:p@files.invalid/x.tgz?sig=1".into(),
        }
        .without_credentials();
        assert_eq!(
            url,
            Origin::Url {
                url: "https://files.invalid/x.tgz?sig=1".into()
            }
        );
    }
}
