//! `go.sum`, read only where no go.mod sits beside it (the go.mod is the better source: it says
//! which modules are direct and holds no stale lines).
//!
//! Each line is `module version hash` or `module version/go.mod hash`. A module version with a
//! hash of its content was downloaded to build: it is reported once, at its first line, with an
//! unknown relationship. One listed only with `/go.mod` had just its go.mod read while resolving
//! the module graph; its code was never built, so it is not reported. go.sum records no scope.

use crate::{CatalogError, Cataloger, Catalogued, Context, SourceFile};
use scangate_fsview::{file_name, join, parent};
use scangate_types::{Ecosystem, Package};
use std::collections::HashMap;

pub struct GoSum;

impl Cataloger for GoSum {
    fn name(&self) -> &'static str {
        "go-sum"
    }

    fn matches(&self, path: &str) -> bool {
        file_name(path) == "go.sum"
    }

    fn catalog(
        &self,
        file: &SourceFile<'_>,
        ctx: &Context<'_>,
    ) -> Result<Catalogued, CatalogError> {
        let beside = join(parent(file.path), "go.mod");
        if beside.is_some_and(|go_mod| ctx.view.is_file(&go_mod)) {
            return Ok(Catalogued::default());
        }
        let mut packages: Vec<Package> = Vec::new();
        // Per module version: whether it is reported yet, and the line it first appeared on.
        let mut seen: HashMap<(&str, &str), (bool, u32)> = HashMap::new();
        for (index, line) in file.text()?.lines().enumerate() {
            let number = index as u32 + 1;
            let fields: Vec<&str> = line.split_whitespace().collect();
            let (module, version) = match fields[..] {
                [] => continue,
                [module, version, _hash] => (module, version),
                _ => {
                    return Err(CatalogError::at(
                        number,
                        format!(
                            "malformed go.sum line: expected `module version hash`, found {} fields",
                            fields.len()
                        ),
                    ));
                }
            };
            let (version, built) = match version.strip_suffix("/go.mod") {
                Some(version) => (version, false),
                None => (version, true),
            };
            let (reported, first_line) = seen.entry((module, version)).or_insert((false, number));
            if built && !*reported {
                *reported = true;
                packages.push(Package::new(
                    Ecosystem::Go,
                    module,
                    Some(version.to_string()),
                    file.at(Some(*first_line)),
                ));
            }
        }
        Ok(packages.into())
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::{issues, rows, scan_fixture};

    #[test]
    fn modules_with_a_content_hash_are_reported_once() {
        let inventory = scan_fixture("golang/go-sum/only");
        // Modules listed only with `/go.mod` (testify v1.3.0, golang.org/x/text v0.3.0,
        // gopkg.in/check.v1, ...) were never built.
        assert_eq!(
            rows(&inventory),
            [
                "github.com/davecgh/go-spew v1.1.1 unknown - go.sum:1",
                "github.com/gin-contrib/sse v0.1.0 unknown - go.sum:3",
                "github.com/gin-gonic/gin v1.6.3 unknown - go.sum:5",
                "github.com/go-playground/locales v0.13.0 unknown - go.sum:8",
                "github.com/go-playground/universal-translator v0.17.0 unknown - go.sum:10",
                "github.com/go-playground/validator/v10 v10.2.0 unknown - go.sum:12",
                "github.com/golang/protobuf v1.3.3 unknown - go.sum:14",
                "github.com/json-iterator/go v1.1.9 unknown - go.sum:17",
                "github.com/leodido/go-urn v1.2.0 unknown - go.sum:19",
                "github.com/mattn/go-isatty v0.0.12 unknown - go.sum:21",
                "github.com/modern-go/concurrent v0.0.0-20180306012644-bacd9c7ef1dd unknown - go.sum:24",
                "github.com/modern-go/reflect2 v0.0.0-20180701023420-4b7aa43c6742 unknown - go.sum:26",
                "github.com/pmezard/go-difflib v1.0.0 unknown - go.sum:28",
                "github.com/stretchr/testify v1.4.0 unknown - go.sum:32",
                "github.com/ugorji/go/codec v1.1.7 unknown - go.sum:35",
                "golang.org/x/net v0.0.0-20210226172049-e18ecbb05110 unknown - go.sum:37",
                "golang.org/x/sys v0.0.0-20201119102817-f84b799fce68 unknown - go.sum:40",
                "golang.org/x/text v0.3.5 unknown - go.sum:43",
                "gopkg.in/yaml.v2 v2.2.8 unknown - go.sum:46",
            ]
        );
        assert!(issues(&inventory).is_empty());
        assert_eq!(
            inventory.packages[2].purl,
            "pkg:golang/github.com/gin-gonic/gin@v1.6.3"
        );
    }

    #[test]
    fn a_malformed_go_sum_is_an_issue_and_its_neighbour_still_counts() {
        let inventory = scan_fixture("golang/go-sum/malformed");
        assert_eq!(
            issues(&inventory),
            ["go.sum:4: malformed go.sum line: expected `module version hash`, found 2 fields"]
        );
        assert_eq!(
            rows(&inventory),
            [
                "golang.org/x/net v0.0.0-20210226172049-e18ecbb05110 unknown - good/go.sum:1",
                "golang.org/x/text v0.3.5 unknown - good/go.sum:4",
            ]
        );
    }
}
