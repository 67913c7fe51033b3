//! Licence checks: a package's declared licences read as SPDX expressions and evaluated against
//! an allow list and a deny list.

use scangate_types::Package;
use spdx::{Expression, LicenseReq, Licensee};

/// Licences a rule accepts: an expression passes when it can be satisfied by choosing only
/// licences that are on `allow` (when there is an allow list) and not on `deny`.
#[derive(Debug, Clone)]
pub struct LicenceList {
    pub allow: Option<Vec<Licensee>>,
    pub deny: Vec<Licensee>,
}

impl LicenceList {
    fn permits(&self, req: &LicenseReq) -> bool {
        let listed = |list: &[Licensee]| list.iter().any(|licensee| licensee.satisfies(req));
        self.allow.as_deref().is_none_or(listed) && !listed(&self.deny)
    }

    /// Whether one of the package's expressions can be satisfied; `None` when it has none.
    pub(crate) fn accepts(&self, licences: &Licences) -> Option<bool> {
        if licences.spdx.is_empty() {
            return None;
        }
        Some(
            licences
                .spdx
                .iter()
                .any(|expression| expression.evaluate(|req| self.permits(req))),
        )
    }
}

/// A package's declared licence strings, split into those that read as SPDX expressions and
/// those that do not.
pub(crate) struct Licences<'a> {
    pub spdx: Vec<Expression>,
    pub other: Vec<&'a str>,
}

impl<'a> Licences<'a> {
    /// Several strings are alternatives: npm's `licenses` array, Composer's `license` list and
    /// Maven's `<licenses>` all mean the user may choose. Common spellings (`Apache 2.0`,
    /// `MIT/Apache-2.0`, a deprecated `GPL-2.0`) are read as the SPDX expression they mean.
    pub fn of(package: &'a Package) -> Licences<'a> {
        let mut licences = Licences {
            spdx: Vec::new(),
            other: Vec::new(),
        };
        for declared in &package.licenses {
            match parse(declared) {
                Some(expression) => licences.spdx.push(expression),
                None => licences.other.push(declared),
            }
        }
        licences
    }
}

fn parse(declared: &str) -> Option<Expression> {
    let canonical = Expression::canonicalize(declared).ok()?;
    Expression::parse(canonical.as_deref().unwrap_or(declared)).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(allow: Option<&[&str]>, deny: &[&str]) -> LicenceList {
        let parse = |ids: &[&str]| ids.iter().map(|id| Licensee::parse(id).unwrap()).collect();
        LicenceList {
            allow: allow.map(parse),
            deny: parse(deny),
        }
    }

    fn accepts(list: &LicenceList, declared: &[&str]) -> Option<bool> {
        let package = Package::new(
            scangate_types::Ecosystem::Npm,
            "p",
            Some("1.0.0".to_string()),
            scangate_types::Location::new("package-lock.json", Some(1)),
        )
        .with_licenses(declared.iter().map(|s| s.to_string()).collect());
        list.accepts(&Licences::of(&package))
    }

    #[test]
    fn an_allow_list_accepts_an_expression_it_can_satisfy() {
        let allow = list(Some(&["MIT", "Apache-2.0"]), &[]);
        assert_eq!(accepts(&allow, &["MIT OR GPL-3.0-only"]), Some(true));
        assert_eq!(accepts(&allow, &["GPL-3.0-only AND MIT"]), Some(false));
        assert_eq!(accepts(&allow, &["GPL-3.0-only OR MIT"]), Some(true));
        assert_eq!(
            accepts(&allow, &["(MIT OR ISC) AND Apache-2.0"]),
            Some(true)
        );
        assert_eq!(
            accepts(&allow, &["MIT AND (ISC OR BSD-3-Clause)"]),
            Some(false)
        );
        assert_eq!(accepts(&allow, &["GPL-3.0-only"]), Some(false));
    }

    #[test]
    fn a_deny_list_refuses_only_what_cannot_be_avoided() {
        let deny = list(None, &["GPL-3.0-only"]);
        assert_eq!(accepts(&deny, &["MIT OR GPL-3.0-only"]), Some(true));
        assert_eq!(accepts(&deny, &["GPL-3.0-only AND MIT"]), Some(false));
        assert_eq!(accepts(&deny, &["GPL-3.0-only"]), Some(false));
        assert_eq!(accepts(&deny, &["LGPL-3.0-only"]), Some(true));
        // Allow and deny together: on the allow list and not on the deny list.
        let both = list(Some(&["MIT", "GPL-3.0-only"]), &["GPL-3.0-only"]);
        assert_eq!(accepts(&both, &["GPL-3.0-only"]), Some(false));
        assert_eq!(accepts(&both, &["GPL-3.0-only OR MIT"]), Some(true));
    }

    #[test]
    fn several_declared_licences_are_alternatives() {
        let allow = list(Some(&["MIT"]), &[]);
        assert_eq!(accepts(&allow, &["GPL-3.0-only", "MIT"]), Some(true));
        assert_eq!(
            accepts(&allow, &["GPL-3.0-only", "AGPL-3.0-only"]),
            Some(false)
        );
    }

    #[test]
    fn common_spellings_read_as_spdx_and_the_rest_is_not_judged() {
        let allow = list(Some(&["Apache-2.0", "MIT", "GPL-2.0-only"]), &[]);
        assert_eq!(accepts(&allow, &["MIT/Apache-2.0"]), Some(true));
        assert_eq!(accepts(&allow, &["Apache 2.0"]), Some(true));
        assert_eq!(accepts(&allow, &["GPL-2.0"]), Some(true));
        assert_eq!(accepts(&allow, &["proprietary"]), None);
        assert_eq!(accepts(&allow, &[]), None);
        // A non-SPDX string beside an SPDX one: the SPDX one is judged.
        assert_eq!(accepts(&allow, &["see LICENSE", "MIT"]), Some(true));
    }

    #[test]
    fn custom_licences_match_by_licence_ref() {
        let allow = list(Some(&["MIT", "LicenseRef-Acme-Internal"]), &[]);
        assert_eq!(accepts(&allow, &["LicenseRef-Acme-Internal"]), Some(true));
        assert_eq!(accepts(&allow, &["LicenseRef-Other"]), Some(false));
    }

    #[test]
    fn or_later_is_satisfied_by_a_later_version() {
        let allow = list(Some(&["Apache-2.0"]), &[]);
        assert_eq!(accepts(&allow, &["Apache-1.1+"]), Some(true));
        assert_eq!(accepts(&allow, &["Apache-1.1"]), Some(false));
    }
}
