//! A synthetic monorepo: `files` lockfiles and manifests spread evenly over every format scangate
//! reads, each declaring `per_file` packages (plus the transitive edges its format records).

use std::fmt::Write as _;
use std::path::Path;

/// One format: the file name(s) it writes and how to render `per_file` packages.
struct Format {
    name: &'static str,
    render: fn(&[Dep]) -> Vec<(&'static str, String)>,
}

/// A generated package: name and version; `next` is the package it depends on, if any.
struct Dep {
    name: String,
    version: String,
    next: Option<usize>,
}

const FORMATS: &[Format] = &[
    Format {
        name: "npm-package-lock",
        render: npm_package_lock,
    },
    Format {
        name: "yarn-v1",
        render: yarn_v1,
    },
    Format {
        name: "pnpm-v9",
        render: pnpm_v9,
    },
    Format {
        name: "package-json",
        render: package_json,
    },
    Format {
        name: "requirements",
        render: requirements,
    },
    Format {
        name: "pipfile-lock",
        render: pipfile_lock,
    },
    Format {
        name: "poetry-lock",
        render: poetry_lock,
    },
    Format {
        name: "uv-lock",
        render: uv_lock,
    },
    Format {
        name: "pdm-lock",
        render: pdm_lock,
    },
    Format {
        name: "pom",
        render: pom,
    },
    Format {
        name: "gradle-lockfile",
        render: gradle_lockfile,
    },
    Format {
        name: "build-gradle",
        render: build_gradle,
    },
    Format {
        name: "go-mod",
        render: go_mod,
    },
    Format {
        name: "go-sum",
        render: go_sum,
    },
    Format {
        name: "packages-config",
        render: packages_config,
    },
    Format {
        name: "csproj",
        render: csproj,
    },
    Format {
        name: "nuget-lock",
        render: nuget_lock,
    },
    Format {
        name: "deps-json",
        render: deps_json,
    },
    Format {
        name: "cargo-lock",
        render: cargo_lock,
    },
    Format {
        name: "gemfile-lock",
        render: gemfile_lock,
    },
    Format {
        name: "composer-lock",
        render: composer_lock,
    },
];

/// Writes the monorepo under `root` and returns how many package entries it declares.
pub fn monorepo(root: &Path, files: usize, per_file: usize) -> anyhow::Result<usize> {
    let mut entries = 0;
    for i in 0..files {
        let format = &FORMATS[i % FORMATS.len()];
        let deps = deps(i, per_file);
        let dir = root.join(format!("svc-{:04}-{}", i, format.name));
        std::fs::create_dir_all(&dir)?;
        for (file, text) in (format.render)(&deps) {
            std::fs::write(dir.join(file), text)?;
        }
        entries += deps.len();
    }
    Ok(entries)
}

/// Every fourth package depends on the next one, so formats with edges get transitive chains.
fn deps(seed: usize, count: usize) -> Vec<Dep> {
    (0..count)
        .map(|j| Dep {
            name: format!("lib{}-{}", seed % 97, j),
            version: format!("{}.{}.{}", 1 + j % 5, (seed + j) % 13, j % 7),
            next: (j % 4 == 0 && j + 1 < count).then_some(j + 1),
        })
        .collect()
}

fn direct(deps: &[Dep]) -> impl Iterator<Item = &Dep> {
    // A package someone else depends on is transitive; the rest are direct.
    deps.iter()
        .enumerate()
        .filter(|(j, _)| *j == 0 || deps[j - 1].next != Some(*j))
        .map(|(_, d)| d)
}

fn hash(d: &Dep) -> String {
    format!("{:064x}", d.name.len() * 7919 + d.version.len())
}

fn npm_package_lock(deps: &[Dep]) -> Vec<(&'static str, String)> {
    let mut root_deps = String::new();
    for d in direct(deps) {
        let _ = write!(
            root_deps,
            "{}\"{}\": \"^{}\"",
            if root_deps.is_empty() {
                ""
            } else {
                ",\n        "
            },
            d.name,
            d.version
        );
    }
    let mut out = format!(
        "{{\n  \"name\": \"svc\",\n  \"version\": \"1.0.0\",\n  \"lockfileVersion\": 3,\n  \"requires\": true,\n  \"packages\": {{\n    \"\": {{\n      \"name\": \"svc\",\n      \"version\": \"1.0.0\",\n      \"dependencies\": {{\n        {root_deps}\n      }}\n    }}"
    );
    for d in deps {
        let _ = write!(
            out,
            ",\n    \"node_modules/{n}\": {{\n      \"version\": \"{v}\",\n      \"resolved\": \"https://registry.example.invalid/{n}/-/{n}-{v}.tgz\",\n      \"integrity\": \"sha512-{h}\",\n      \"license\": \"MIT\"",
            n = d.name,
            v = d.version,
            h = hash(d)
        );
        if let Some(next) = d.next {
            let _ = write!(
                out,
                ",\n      \"dependencies\": {{\n        \"{}\": \"^{}\"\n      }}",
                deps[next].name, deps[next].version
            );
        }
        out.push_str("\n    }");
    }
    out.push_str("\n  }\n}\n");
    vec![("package-lock.json", out)]
}

/// A package.json naming `deps`, with caret ranges or exact versions.
fn manifest_json<'a>(deps: impl Iterator<Item = &'a Dep>, exact: bool) -> String {
    let entries: Vec<String> = deps
        .map(|d| {
            format!(
                "    \"{}\": \"{}{}\"",
                d.name,
                if exact { "" } else { "^" },
                d.version
            )
        })
        .collect();
    format!(
        "{{\n  \"name\": \"svc\",\n  \"version\": \"1.0.0\",\n  \"dependencies\": {{\n{}\n  }}\n}}\n",
        entries.join(",\n")
    )
}

fn yarn_v1(deps: &[Dep]) -> Vec<(&'static str, String)> {
    let mut out = String::from(
        "# THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY.\n# yarn lockfile v1\n\n",
    );
    for d in deps {
        let _ = write!(
            out,
            "\n{n}@^{v}:\n  version \"{v}\"\n  resolved \"https://registry.example.invalid/{n}/-/{n}-{v}.tgz#{h}\"\n  integrity sha512-{h}\n",
            n = d.name,
            v = d.version,
            h = hash(d)
        );
        if let Some(next) = d.next {
            let _ = write!(
                out,
                "  dependencies:\n    {} \"^{}\"\n",
                deps[next].name, deps[next].version
            );
        }
    }
    vec![
        ("yarn.lock", out),
        ("package.json", manifest_json(direct(deps), false)),
    ]
}

fn pnpm_v9(deps: &[Dep]) -> Vec<(&'static str, String)> {
    let mut out = String::from(
        "lockfileVersion: '9.0'\n\nsettings:\n  autoInstallPeers: true\n  excludeLinksFromLockfile: false\n\nimporters:\n\n  .:\n    dependencies:\n",
    );
    for d in direct(deps) {
        let _ = write!(
            out,
            "      {}:\n        specifier: ^{}\n        version: {}\n",
            d.name, d.version, d.version
        );
    }
    out.push_str("\npackages:\n");
    for d in deps {
        let _ = write!(
            out,
            "\n  {}@{}:\n    resolution: {{integrity: sha512-{}}}\n",
            d.name,
            d.version,
            hash(d)
        );
    }
    out.push_str("\nsnapshots:\n");
    for d in deps {
        match d.next {
            Some(next) => {
                let _ = write!(
                    out,
                    "\n  {}@{}:\n    dependencies:\n      {}: {}\n",
                    d.name, d.version, deps[next].name, deps[next].version
                );
            }
            None => {
                let _ = write!(out, "\n  {}@{}: {{}}\n", d.name, d.version);
            }
        }
    }
    vec![("pnpm-lock.yaml", out)]
}

fn package_json(deps: &[Dep]) -> Vec<(&'static str, String)> {
    vec![("package.json", manifest_json(deps.iter(), true))]
}

fn requirements(deps: &[Dep]) -> Vec<(&'static str, String)> {
    let mut out = String::from("# pinned\n");
    for d in deps {
        let _ = writeln!(
            out,
            "{}=={} \\\n    --hash=sha256:{}",
            d.name,
            d.version,
            hash(d)
        );
    }
    vec![("requirements.txt", out)]
}

fn pipfile_lock(deps: &[Dep]) -> Vec<(&'static str, String)> {
    let entries: Vec<String> = deps
        .iter()
        .map(|d| format!("        \"{}\": {{\n            \"hashes\": [\n                \"sha256:{}\"\n            ],\n            \"version\": \"=={}\"\n        }}", d.name, hash(d), d.version))
        .collect();
    let out = format!(
        "{{\n    \"_meta\": {{\n        \"hash\": {{\n            \"sha256\": \"{}\"\n        }},\n        \"pipfile-spec\": 6,\n        \"requires\": {{}},\n        \"sources\": []\n    }},\n    \"default\": {{\n{}\n    }},\n    \"develop\": {{}}\n}}\n",
        hash(&deps[0]),
        entries.join(",\n")
    );
    vec![("Pipfile.lock", out)]
}

fn poetry_lock(deps: &[Dep]) -> Vec<(&'static str, String)> {
    let mut out = String::new();
    for d in deps {
        let _ = write!(
            out,
            "[[package]]\nname = \"{n}\"\nversion = \"{v}\"\ndescription = \"\"\noptional = false\npython-versions = \">=3.8\"\ngroups = [\"main\"]\nfiles = [\n    {{file = \"{n}-{v}.tar.gz\", hash = \"sha256:{h}\"}},\n]\n\n",
            n = d.name,
            v = d.version,
            h = hash(d)
        );
        if let Some(next) = d.next {
            let _ = write!(
                out,
                "[package.dependencies]\n{} = \">={}\"\n\n",
                deps[next].name, deps[next].version
            );
        }
    }
    out.push_str(
        "[metadata]\nlock-version = \"2.1\"\npython-versions = \"^3.8\"\ncontent-hash = \"0\"\n",
    );
    vec![("poetry.lock", out)]
}

fn uv_lock(deps: &[Dep]) -> Vec<(&'static str, String)> {
    let mut out = String::from(
        "version = 1\nrequires-python = \">=3.8\"\n\n[[package]]\nname = \"svc\"\nversion = \"0.1.0\"\nsource = { virtual = \".\" }\ndependencies = [\n",
    );
    for d in direct(deps) {
        let _ = writeln!(out, "    {{ name = \"{}\" }},", d.name);
    }
    out.push_str("]\n");
    for d in deps {
        let _ = write!(
            out,
            "\n[[package]]\nname = \"{n}\"\nversion = \"{v}\"\nsource = {{ registry = \"https://registry.example.invalid/simple\" }}\n",
            n = d.name,
            v = d.version
        );
        if let Some(next) = d.next {
            let _ = write!(
                out,
                "dependencies = [\n    {{ name = \"{}\" }},\n]\n",
                deps[next].name
            );
        }
        let _ = writeln!(
            out,
            "sdist = {{ url = \"https://registry.example.invalid/{n}-{v}.tar.gz\", hash = \"sha256:{h}\", size = 1000 }}",
            n = d.name,
            v = d.version,
            h = hash(d)
        );
    }
    vec![("uv.lock", out)]
}

fn pdm_lock(deps: &[Dep]) -> Vec<(&'static str, String)> {
    let mut out = String::from(
        "[metadata]\ngroups = [\"default\"]\nstrategy = [\"cross_platform\"]\nlock_version = \"4.4\"\ncontent_hash = \"sha256:0\"\n",
    );
    for d in deps {
        let _ = write!(
            out,
            "\n[[package]]\nname = \"{}\"\nversion = \"{}\"\nrequires_python = \">=3.8\"\nsummary = \"\"\ngroups = [\"default\"]\n",
            d.name, d.version
        );
        if let Some(next) = d.next {
            let _ = write!(
                out,
                "dependencies = [\n    \"{}>={}\",\n]\n",
                deps[next].name, deps[next].version
            );
        }
    }
    vec![("pdm.lock", out)]
}

fn maven_coordinates(d: &Dep) -> (String, String) {
    (
        format!("org.example.{}", d.name.replace('-', ".")),
        d.name.clone(),
    )
}

fn pom(deps: &[Dep]) -> Vec<(&'static str, String)> {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<project xmlns=\"http://maven.apache.org/POM/4.0.0\">\n  <modelVersion>4.0.0</modelVersion>\n  <groupId>org.example</groupId>\n  <artifactId>svc</artifactId>\n  <version>1.0.0</version>\n  <properties>\n    <shared.version>2.0.1</shared.version>\n  </properties>\n  <dependencies>\n",
    );
    for (j, d) in deps.iter().enumerate() {
        let (group, artifact) = maven_coordinates(d);
        let version = if j % 10 == 0 {
            "${shared.version}".to_string()
        } else {
            d.version.clone()
        };
        let _ = write!(
            out,
            "    <dependency>\n      <groupId>{group}</groupId>\n      <artifactId>{artifact}</artifactId>\n      <version>{version}</version>\n    </dependency>\n"
        );
    }
    out.push_str("  </dependencies>\n</project>\n");
    vec![("pom.xml", out)]
}

fn gradle_lockfile(deps: &[Dep]) -> Vec<(&'static str, String)> {
    let mut out = String::from(
        "# This is a Gradle generated file for dependency locking.\n# Manual edits can break the build and are not advised.\n# This file is expected to be part of source control.\n",
    );
    for d in deps {
        let (group, artifact) = maven_coordinates(d);
        let _ = writeln!(
            out,
            "{group}:{artifact}:{}=compileClasspath,runtimeClasspath",
            d.version
        );
    }
    out.push_str("empty=annotationProcessor\n");
    vec![("gradle.lockfile", out)]
}

fn build_gradle(deps: &[Dep]) -> Vec<(&'static str, String)> {
    let mut out = String::from("plugins {\n    id 'java'\n}\n\ndependencies {\n");
    for d in deps {
        let (group, artifact) = maven_coordinates(d);
        let _ = writeln!(out, "    implementation '{group}:{artifact}:{}'", d.version);
    }
    out.push_str("}\n");
    vec![("build.gradle", out)]
}

fn go_module(d: &Dep) -> String {
    format!("github.com/example/{}", d.name)
}

fn go_mod(deps: &[Dep]) -> Vec<(&'static str, String)> {
    let mut out = String::from("module github.com/example/svc\n\ngo 1.22\n\nrequire (\n");
    for (j, d) in deps.iter().enumerate() {
        let _ = writeln!(
            out,
            "\t{} v{}{}",
            go_module(d),
            d.version,
            if j % 3 == 0 { " // indirect" } else { "" }
        );
    }
    out.push_str(")\n");
    vec![("go.mod", out)]
}

fn go_sum(deps: &[Dep]) -> Vec<(&'static str, String)> {
    let mut out = String::new();
    for d in deps {
        let _ = writeln!(
            out,
            "{} v{} h1:{}=",
            go_module(d),
            d.version,
            &hash(d)[..43]
        );
        let _ = writeln!(
            out,
            "{} v{}/go.mod h1:{}=",
            go_module(d),
            d.version,
            &hash(d)[..43]
        );
    }
    vec![("go.sum", out)]
}

fn nuget_name(d: &Dep) -> String {
    format!("Example.{}", d.name.replace('-', "."))
}

fn packages_config(deps: &[Dep]) -> Vec<(&'static str, String)> {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<packages>\n");
    for d in deps {
        let _ = writeln!(
            out,
            "  <package id=\"{}\" version=\"{}\" targetFramework=\"net48\" />",
            nuget_name(d),
            d.version
        );
    }
    out.push_str("</packages>\n");
    vec![("packages.config", out)]
}

fn csproj(deps: &[Dep]) -> Vec<(&'static str, String)> {
    let mut out = String::from(
        "<Project Sdk=\"Microsoft.NET.Sdk\">\n  <PropertyGroup>\n    <TargetFramework>net8.0</TargetFramework>\n  </PropertyGroup>\n  <ItemGroup>\n",
    );
    for d in deps {
        let _ = writeln!(
            out,
            "    <PackageReference Include=\"{}\" Version=\"{}\" />",
            nuget_name(d),
            d.version
        );
    }
    out.push_str("  </ItemGroup>\n</Project>\n");
    vec![("Svc.csproj", out)]
}

fn nuget_lock(deps: &[Dep]) -> Vec<(&'static str, String)> {
    let transitive: Vec<bool> = deps.iter().map(|_| false).collect();
    let mut is_transitive = transitive;
    for d in deps {
        if let Some(next) = d.next {
            is_transitive[next] = true;
        }
    }
    let entries: Vec<String> = deps
        .iter()
        .zip(&is_transitive)
        .map(|(d, transitive)| {
            let kind = if *transitive { "Transitive" } else { "Direct" };
            let requested = if *transitive { String::new() } else { format!("\n        \"requested\": \"[{}, )\",", d.version) };
            let edges = d.next.map_or(String::new(), |n| format!(",\n        \"dependencies\": {{\n          \"{}\": \"{}\"\n        }}", nuget_name(&deps[n]), deps[n].version));
            format!("      \"{}\": {{\n        \"type\": \"{kind}\",{requested}\n        \"resolved\": \"{}\",\n        \"contentHash\": \"{}\"{edges}\n      }}", nuget_name(d), d.version, hash(d))
        })
        .collect();
    let out = format!(
        "{{\n  \"version\": 1,\n  \"dependencies\": {{\n    \"net8.0\": {{\n{}\n    }}\n  }}\n}}\n",
        entries.join(",\n")
    );
    vec![("packages.lock.json", out)]
}

fn deps_json(deps: &[Dep]) -> Vec<(&'static str, String)> {
    let root_deps: Vec<String> = direct(deps)
        .map(|d| format!("          \"{}\": \"{}\"", nuget_name(d), d.version))
        .collect();
    let mut targets = vec![format!(
        "      \"Svc/1.0.0\": {{\n        \"dependencies\": {{\n{}\n        }}\n      }}",
        root_deps.join(",\n")
    )];
    let mut libraries = vec!["    \"Svc/1.0.0\": {\n      \"type\": \"project\",\n      \"serviceable\": false,\n      \"sha512\": \"\"\n    }".to_string()];
    for d in deps {
        let edges = d.next.map_or(String::new(), |n| {
            format!(
                "\n        \"dependencies\": {{\n          \"{}\": \"{}\"\n        }}",
                nuget_name(&deps[n]),
                deps[n].version
            )
        });
        targets.push(format!(
            "      \"{}/{}\": {{{edges}\n      }}",
            nuget_name(d),
            d.version
        ));
        libraries.push(format!("    \"{}/{}\": {{\n      \"type\": \"package\",\n      \"serviceable\": true,\n      \"sha512\": \"sha512-{}\"\n    }}", nuget_name(d), d.version, hash(d)));
    }
    let out = format!(
        "{{\n  \"runtimeTarget\": {{\n    \"name\": \".NETCoreApp,Version=v8.0\",\n    \"signature\": \"\"\n  }},\n  \"compilationOptions\": {{}},\n  \"targets\": {{\n    \".NETCoreApp,Version=v8.0\": {{\n{}\n    }}\n  }},\n  \"libraries\": {{\n{}\n  }}\n}}\n",
        targets.join(",\n"),
        libraries.join(",\n")
    );
    vec![("Svc.deps.json", out)]
}

fn cargo_lock(deps: &[Dep]) -> Vec<(&'static str, String)> {
    let mut out = String::from(
        "# This file is automatically @generated by Cargo.\n# It is not intended for manual editing.\nversion = 4\n\n[[package]]\nname = \"svc\"\nversion = \"0.1.0\"\ndependencies = [\n",
    );
    for d in direct(deps) {
        let _ = writeln!(out, " \"{}\",", d.name);
    }
    out.push_str("]\n");
    for d in deps {
        let _ = write!(
            out,
            "\n[[package]]\nname = \"{}\"\nversion = \"{}\"\nsource = \"registry+https://registry.example.invalid/\"\nchecksum = \"{}\"\n",
            d.name,
            d.version,
            hash(d)
        );
        if let Some(next) = d.next {
            let _ = write!(out, "dependencies = [\n \"{}\",\n]\n", deps[next].name);
        }
    }
    vec![("Cargo.lock", out)]
}

fn gemfile_lock(deps: &[Dep]) -> Vec<(&'static str, String)> {
    let mut out = String::from("GEM\n  remote: https://registry.example.invalid/\n  specs:\n");
    for d in deps {
        let _ = writeln!(out, "    {} ({})", d.name, d.version);
        if let Some(next) = d.next {
            let _ = writeln!(out, "      {} (>= {})", deps[next].name, deps[next].version);
        }
    }
    out.push_str("\nPLATFORMS\n  ruby\n\nDEPENDENCIES\n");
    for d in direct(deps) {
        let _ = writeln!(out, "  {}", d.name);
    }
    out.push_str("\nBUNDLED WITH\n   2.5.6\n");
    vec![("Gemfile.lock", out)]
}

fn composer_lock(deps: &[Dep]) -> Vec<(&'static str, String)> {
    let entries: Vec<String> = deps
        .iter()
        .map(|d| {
            let require = d.next.map_or(String::new(), |n| format!(",\n            \"require\": {{\n                \"example/{}\": \"^{}\"\n            }}", deps[n].name, deps[n].version));
            format!(
                "        {{\n            \"name\": \"example/{n}\",\n            \"version\": \"{v}\",\n            \"dist\": {{\n                \"type\": \"zip\",\n                \"url\": \"https://registry.example.invalid/{n}.zip\",\n                \"reference\": \"{h}\"\n            }},\n            \"license\": [\n                \"MIT\"\n            ],\n            \"type\": \"library\"{require}\n        }}",
                n = d.name, v = d.version, h = &hash(d)[..40]
            )
        })
        .collect();
    let out = format!(
        "{{\n    \"_readme\": [\n        \"This file locks the dependencies of your project to a known state\"\n    ],\n    \"content-hash\": \"0\",\n    \"packages\": [\n{}\n    ],\n    \"packages-dev\": [],\n    \"aliases\": [],\n    \"minimum-stability\": \"stable\",\n    \"stability-flags\": {{}},\n    \"prefer-stable\": false,\n    \"prefer-lowest\": false,\n    \"platform\": {{}},\n    \"platform-dev\": {{}},\n    \"plugin-api-version\": \"2.6.0\"\n}}\n",
        entries.join(",\n")
    );
    vec![("composer.lock", out)]
}
