//! `Gemfile.lock` (or `gems.locked`), read line by line as Bundler writes it.
//!
//! Source sections (`GEM`, `GIT`, `PATH`) list their gems under `specs:` at four spaces, each
//! gem's own dependencies at six. A gem locked for several platforms (`nokogiri
//! (1.13.3-x86_64-linux)`) has one line per platform; each becomes the same package (the version
//! without the platform), and the scan folds them into one with every line as a location. `GIT`
//! gems have a git origin at the locked `revision`, `PATH` gems a path origin. A `PATH` source at
//! `.` is the project's own gemspec: the root, not a package, and what it depends on is direct.
//! Gems named in `DEPENDENCIES` are direct, the rest transitive; a name there with no spec (a gem
//! for another platform, like `tzinfo-data`) is not installed and not reported. `PLATFORMS`,
//! `CHECKSUMS`, `RUBY VERSION` and `BUNDLED WITH` say nothing about packages; `PLUGIN SOURCE`
//! gems are skipped with a warning. The lock records no groups, so no scope is given.

use crate::{CatalogError, Cataloger, Catalogued, Context, Diagnostic, SourceFile};
use scangate_fsview::file_name;
use scangate_types::{Ecosystem, Origin, Package, Relationship};
use std::collections::{HashMap, HashSet};

pub struct GemfileLock;

impl Cataloger for GemfileLock {
    fn name(&self) -> &'static str {
        "gemfile-lock"
    }

    fn matches(&self, path: &str) -> bool {
        matches!(file_name(path), "Gemfile.lock" | "gems.locked")
    }

    fn catalog(
        &self,
        file: &SourceFile<'_>,
        _ctx: &Context<'_>,
    ) -> Result<Catalogued, CatalogError> {
        let lock = parse(file.text()?)?;
        Ok(Catalogued {
            packages: lock.packages(file)?,
            warnings: lock.warnings,
        })
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Gem,
    Git,
    Path,
}

struct Source<'a> {
    kind: Kind,
    header_line: u32,
    remote: Option<&'a str>,
    revision: Option<&'a str>,
    in_specs: bool,
}

struct Spec<'a> {
    name: &'a str,
    version: &'a str,
    line: u32,
    source: usize,
    dependencies: Vec<&'a str>,
}

enum Section {
    Source(usize),
    Dependencies,
    Skipped,
}

#[derive(Default)]
struct Lock<'a> {
    sources: Vec<Source<'a>>,
    specs: Vec<Spec<'a>>,
    direct: HashSet<&'a str>,
    warnings: Vec<Diagnostic>,
}

fn parse(text: &str) -> Result<Lock<'_>, CatalogError> {
    let mut lock = Lock::default();
    let mut section = Section::Skipped;
    for (index, line) in text.lines().enumerate() {
        let number = index as u32 + 1;
        let line = line.trim_end();
        if ["<<<<<<<", "=======", ">>>>>>>"]
            .iter()
            .any(|marker| line.starts_with(marker))
        {
            return Err(CatalogError::at(
                number,
                "merge conflict marker: resolve the conflict and run `bundle lock` again",
            ));
        }
        let content = line.trim_start_matches(' ');
        let indent = line.len() - content.len();
        if content.is_empty() {
            continue;
        }
        if indent == 0 {
            section = lock.header(content, number);
            continue;
        }
        match section {
            Section::Source(source) => lock.source_line(source, indent, content, number)?,
            Section::Dependencies if indent == 2 => {
                let name = content.split([' ', '!']).next().unwrap_or(content);
                lock.direct.insert(name);
            }
            Section::Dependencies => return Err(bad_indent(indent, number)),
            Section::Skipped => {}
        }
    }
    Ok(lock)
}

fn bad_indent(indent: usize, number: u32) -> CatalogError {
    CatalogError::at(number, format!("unexpected indentation of {indent} spaces"))
}

impl<'a> Lock<'a> {
    fn header(&mut self, header: &str, number: u32) -> Section {
        let kind = match header {
            "GEM" => Kind::Gem,
            "GIT" => Kind::Git,
            "PATH" => Kind::Path,
            "DEPENDENCIES" => return Section::Dependencies,
            "PLUGIN SOURCE" => {
                self.warnings.push(Diagnostic::new(
                    Some(number),
                    "gems from a Bundler plugin source are not reported",
                ));
                return Section::Skipped;
            }
            // PLATFORMS, CHECKSUMS, RUBY VERSION, BUNDLED WITH; Bundler ignores unknown sections.
            _ => return Section::Skipped,
        };
        self.sources.push(Source {
            kind,
            header_line: number,
            remote: None,
            revision: None,
            in_specs: false,
        });
        Section::Source(self.sources.len() - 1)
    }

    fn source_line(
        &mut self,
        source: usize,
        indent: usize,
        content: &'a str,
        number: u32,
    ) -> Result<(), CatalogError> {
        let current = &mut self.sources[source];
        match indent {
            2 => match content.split_once(':') {
                Some(("specs", _)) => current.in_specs = true,
                // Old lockfiles list several remotes for one GEM source; the first names it.
                Some(("remote", value)) => {
                    current.remote = current.remote.or(Some(value.trim()));
                }
                Some(("revision", value)) => current.revision = Some(value.trim()),
                // ref, branch, tag, glob, submodules: the revision is what was locked.
                _ => {}
            },
            4 if current.in_specs => {
                let (name, version) = parse_spec(content, number)?;
                self.specs.push(Spec {
                    name,
                    version,
                    line: number,
                    source,
                    dependencies: Vec::new(),
                });
            }
            4 => {
                return Err(CatalogError::at(
                    number,
                    format!("gem `{content}` is listed before `specs:`"),
                ));
            }
            6 => match self.specs.last_mut().filter(|spec| spec.source == source) {
                Some(spec) => spec
                    .dependencies
                    .push(content.split(' ').next().unwrap_or(content)),
                None => {
                    return Err(CatalogError::at(
                        number,
                        format!("dependency `{content}` does not follow a gem"),
                    ));
                }
            },
            _ => return Err(bad_indent(indent, number)),
        }
        Ok(())
    }

    fn packages(&self, file: &SourceFile<'_>) -> Result<Vec<Package>, CatalogError> {
        let origins = self
            .sources
            .iter()
            .map(origin)
            .collect::<Result<Vec<_>, _>>()?;
        let versions: HashMap<&str, &str> = self
            .specs
            .iter()
            .map(|spec| (spec.name, spec.version))
            .collect();
        // What the project's own gemspec depends on is direct, like what the Gemfile names.
        let mut direct = self.direct.clone();
        let is_root = |spec: &Spec<'_>| origins[spec.source].is_none();
        for spec in self.specs.iter().filter(|spec| is_root(spec)) {
            direct.extend(&spec.dependencies);
        }
        let packages = self.specs.iter().filter(|spec| !is_root(spec)).map(|spec| {
            let relationship = if direct.contains(spec.name) {
                Relationship::Direct
            } else {
                Relationship::Transitive
            };
            let origin = origins[spec.source].clone().unwrap_or(Origin::Registry);
            let mut package = Package::new(
                Ecosystem::RubyGems,
                spec.name,
                Some(spec.version.to_string()),
                file.at(Some(spec.line)),
            )
            .with_relationship(relationship)
            .with_origin(origin);
            // A dependency with no spec is for another platform (or is Bundler itself).
            for dependency in &spec.dependencies {
                if let Some(version) = versions.get(dependency) {
                    package.depends_on(dependency, Some(version));
                }
            }
            package
        });
        Ok(packages.collect())
    }
}

/// Where a source's gems come from; `None` for the project's own gemspec (`PATH` at `.`).
fn origin(source: &Source<'_>) -> Result<Option<Origin>, CatalogError> {
    let remote = || {
        source
            .remote
            .ok_or_else(|| CatalogError::at(source.header_line, "source without a `remote:`"))
    };
    Ok(match source.kind {
        Kind::Gem => Some(Origin::Registry),
        Kind::Git => Some(Origin::Git {
            url: remote()?.to_string(),
            rev: source.revision.map(str::to_owned),
        }),
        Kind::Path => match remote()?.trim_end_matches('/') {
            "." => None,
            path => Some(Origin::Path {
                path: path.to_string(),
            }),
        },
    })
}

/// `name (version)` or `name (version-platform)`: the name and the version without platform.
/// Ruby prerelease versions use dots (`7.1.0.beta1`), so the first `-` starts the platform.
fn parse_spec(content: &str, number: u32) -> Result<(&str, &str), CatalogError> {
    let malformed = || {
        CatalogError::at(
            number,
            format!("malformed gem `{content}`: expected `name (version)`"),
        )
    };
    let (name, rest) = content.split_once(" (").ok_or_else(malformed)?;
    let locked = rest.strip_suffix(')').ok_or_else(malformed)?;
    let version = locked
        .split_once('-')
        .map_or(locked, |(version, _)| version);
    if name.is_empty() || name.contains(' ') || version.is_empty() || version.contains(' ') {
        return Err(malformed());
    }
    Ok((name, version))
}

#[cfg(test)]
mod tests {
    use super::parse;
    use crate::testing::{issues, package, rows, scan_fixture};
    use scangate_types::Origin;

    #[test]
    fn rails_app_with_git_path_and_platform_gems() {
        let inventory = scan_fixture("ruby/gemfile-lock/rails-app");
        // tzinfo-data is in DEPENDENCIES for Windows only: no spec, not installed, not reported.
        assert_eq!(
            rows(&inventory),
            [
                "devise 4.8.0 direct - Gemfile.lock:6",
                "billing 0.1.0 direct - Gemfile.lock:16",
                "actioncable 6.1.4 transitive - Gemfile.lock:22",
                "actionmailbox 6.1.4 transitive - Gemfile.lock:27",
                "actionmailer 6.1.4 transitive - Gemfile.lock:34",
                "actionpack 6.1.4 transitive - Gemfile.lock:41",
                "actiontext 6.1.4 transitive - Gemfile.lock:48",
                "actionview 6.1.4 transitive - Gemfile.lock:54",
                "activejob 6.1.4 transitive - Gemfile.lock:60",
                "activemodel 6.1.4 transitive - Gemfile.lock:63",
                "activerecord 6.1.4 transitive - Gemfile.lock:65",
                "activestorage 6.1.4 transitive - Gemfile.lock:68",
                "activesupport 6.1.4 transitive - Gemfile.lock:75",
                "bcrypt 3.1.16 transitive - Gemfile.lock:81",
                "bootsnap 1.7.5 direct - Gemfile.lock:82",
                "builder 3.2.4 transitive - Gemfile.lock:84",
                "concurrent-ruby 1.1.9 transitive - Gemfile.lock:85",
                "crass 1.0.6 transitive - Gemfile.lock:86",
                "erubi 1.10.0 transitive - Gemfile.lock:87",
                "globalid 0.5.2 transitive - Gemfile.lock:88",
                "i18n 1.8.10 transitive - Gemfile.lock:90",
                "loofah 2.12.0 transitive - Gemfile.lock:92",
                "mail 2.7.1 transitive - Gemfile.lock:95",
                "marcel 1.0.1 transitive - Gemfile.lock:97",
                "method_source 1.0.0 transitive - Gemfile.lock:98",
                "mini_mime 1.1.1 transitive - Gemfile.lock:99",
                "minitest 5.14.4 transitive - Gemfile.lock:100",
                "msgpack 1.4.2 transitive - Gemfile.lock:101",
                "nio4r 2.5.8 transitive - Gemfile.lock:102",
                "nokogiri 1.13.3 transitive - Gemfile.lock:103",
                "orm_adapter 0.5.0 transitive - Gemfile.lock:107",
                "pg 1.2.3 direct - Gemfile.lock:108",
                "puma 5.4.0 direct - Gemfile.lock:109",
                "racc 1.6.0 transitive - Gemfile.lock:111",
                "rack 2.2.3 transitive - Gemfile.lock:112",
                "rack-test 1.1.0 transitive - Gemfile.lock:113",
                "rails 6.1.4 direct - Gemfile.lock:115",
                "rails-dom-testing 2.0.3 transitive - Gemfile.lock:130",
                "rails-html-sanitizer 1.4.1 transitive - Gemfile.lock:133",
                "railties 6.1.4 transitive - Gemfile.lock:135",
                "rake 13.0.6 transitive - Gemfile.lock:141",
                "responders 3.0.1 transitive - Gemfile.lock:142",
                "sprockets 4.0.2 transitive - Gemfile.lock:145",
                "sprockets-rails 3.2.2 transitive - Gemfile.lock:148",
                "thor 1.1.0 transitive - Gemfile.lock:152",
                "tzinfo 2.0.4 transitive - Gemfile.lock:153",
                "warden 1.2.9 transitive - Gemfile.lock:155",
                "websocket-driver 0.7.5 transitive - Gemfile.lock:157",
                "websocket-extensions 0.1.5 transitive - Gemfile.lock:159",
                "zeitwerk 2.4.2 transitive - Gemfile.lock:160",
            ]
        );
        assert!(issues(&inventory).is_empty());
        let by_name = |name: &str| package(&inventory, name);
        assert_eq!(
            by_name("devise").origin,
            Origin::Git {
                url: "https://github.com/heartcombo/devise.git".into(),
                rev: Some("8593801130f2df94a50863b5db535c272b00efe1".into()),
            }
        );
        assert_eq!(
            by_name("billing").origin,
            Origin::Path {
                path: "engines/billing".into()
            }
        );
        // Locked for two platforms: one package, both lines.
        let nokogiri = by_name("nokogiri");
        assert_eq!(nokogiri.purl, "pkg:gem/nokogiri@1.13.3");
        let lines: Vec<_> = nokogiri.locations.iter().map(|l| l.line.unwrap()).collect();
        assert_eq!(lines, [103, 105]);
        assert_eq!(nokogiri.depends_on, ["pkg:gem/racc@1.6.0"]);
        // `bundler (>= 1.15.0)` has no spec and makes no edge.
        let rails = by_name("rails");
        assert_eq!(rails.depends_on.len(), 13);
        assert_eq!(rails.depends_on[12], "pkg:gem/sprockets-rails@3.2.2");
        assert_eq!(by_name("rack").origin, Origin::Registry);
    }

    #[test]
    fn the_projects_own_gemspec_is_the_root() {
        // Made by bundler: greeter (PATH `.`) is the project; its runtime dependencies
        // (nokogiri, sinatra) are direct like the Gemfile's.
        let inventory = scan_fixture("ruby/gemfile-lock/gemspec-project");
        assert_eq!(
            rows(&inventory),
            [
                "diff-lcs 1.5.0 transitive - Gemfile.lock:11",
                "mini_portile2 2.8.1 transitive - Gemfile.lock:12",
                "minitest 5.15.0 direct - Gemfile.lock:13",
                "mustermann 3.0.0 transitive - Gemfile.lock:14",
                "nokogiri 1.13.10 direct - Gemfile.lock:16",
                "racc 1.6.2 transitive - Gemfile.lock:19",
                "rack 2.2.22 transitive - Gemfile.lock:20",
                "rack-protection 3.0.5 transitive - Gemfile.lock:21",
                "rake 13.0.6 direct - Gemfile.lock:23",
                "rspec 3.12.0 direct - Gemfile.lock:24",
                "rspec-core 3.12.0 transitive - Gemfile.lock:28",
                "rspec-expectations 3.12.1 transitive - Gemfile.lock:30",
                "rspec-mocks 3.12.1 transitive - Gemfile.lock:33",
                "rspec-support 3.12.0 transitive - Gemfile.lock:36",
                "ruby2_keywords 0.0.5 transitive - Gemfile.lock:37",
                "sinatra 3.0.5 direct - Gemfile.lock:38",
                "tilt 2.0.11 transitive - Gemfile.lock:43",
            ]
        );
        assert!(issues(&inventory).is_empty());
    }

    #[test]
    fn a_conflicted_lock_is_an_issue_and_its_neighbour_still_counts() {
        let inventory = scan_fixture("ruby/gemfile-lock/malformed");
        assert_eq!(
            issues(&inventory),
            [
                "Gemfile.lock:6: merge conflict marker: resolve the conflict and run `bundle lock` again"
            ]
        );
        assert_eq!(
            rows(&inventory),
            [
                "mustermann 1.1.1 transitive - good/Gemfile.lock:4",
                "rack 2.2.3 direct - good/Gemfile.lock:6",
                "rack-protection 2.1.0 transitive - good/Gemfile.lock:7",
                "ruby2_keywords 0.0.5 transitive - good/Gemfile.lock:9",
                "sinatra 2.1.0 direct - good/Gemfile.lock:10",
                "tilt 2.0.10 transitive - good/Gemfile.lock:15",
            ]
        );
    }

    #[test]
    fn structural_errors_name_their_line() {
        let errors = [
            (
                "GEM\n  specs:\n    rack 2.2.3\n",
                "line 3: malformed gem `rack 2.2.3`: expected `name (version)`",
            ),
            (
                "GEM\n  specs:\n    rack (2.2.3\n",
                "line 3: malformed gem `rack (2.2.3`: expected `name (version)`",
            ),
            (
                "GEM\n  remote: x\n    rack (2.2.3)\n",
                "line 3: gem `rack (2.2.3)` is listed before `specs:`",
            ),
            (
                "GEM\n  specs:\n      rack\n",
                "line 3: dependency `rack` does not follow a gem",
            ),
            (
                "GEM\n  specs:\n     rack (2.2.3)\n",
                "line 3: unexpected indentation of 5 spaces",
            ),
            (
                "DEPENDENCIES\n    rack\n",
                "line 2: unexpected indentation of 4 spaces",
            ),
        ];
        for (text, expected) in errors {
            let err = parse(text).err().unwrap();
            assert_eq!(
                format!("line {}: {}", err.line.unwrap(), err.message),
                expected
            );
        }
        let lock = parse("GIT\n  revision: abc\n  specs:\n    x (1.0)\n").unwrap();
        let file = crate::SourceFile {
            path: "Gemfile.lock",
            bytes: b"",
        };
        let err = lock.packages(&file).err().unwrap();
        assert_eq!(
            (err.line, err.message.as_str()),
            (Some(1), "source without a `remote:`")
        );
    }

    #[test]
    fn plugin_sources_are_skipped_with_a_warning() {
        let lock =
            parse("PLUGIN SOURCE\n  remote: x\n  type: custom\n  specs:\n    secret (1.0)\n")
                .unwrap();
        assert!(lock.specs.is_empty());
        assert_eq!(lock.warnings.len(), 1);
        assert_eq!(
            lock.warnings[0].message,
            "gems from a Bundler plugin source are not reported"
        );
    }
}
