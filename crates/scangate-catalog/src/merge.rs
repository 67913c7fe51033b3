use rayon::prelude::*;
use scangate_types::Package;

/// Folds repeated declarations of one package in one file (nested copies, a file included twice)
/// into one package with every location, and sorts by location.
///
/// Sorting by (file, purl) brings duplicates together, so the fold is one linear pass; both sorts
/// run on every core (a monorepo gives hundreds of thousands of packages).
pub fn merge(mut packages: Vec<Package>) -> Vec<Package> {
    packages.par_sort_unstable_by(|a, b| {
        (&a.location().path, &a.purl).cmp(&(&b.location().path, &b.purl))
    });
    let mut merged: Vec<Package> = Vec::with_capacity(packages.len());
    for package in packages {
        match merged.last_mut() {
            Some(last)
                if last.location().path == package.location().path && last.purl == package.purl =>
            {
                fold(last, package)
            }
            _ => merged.push(package),
        }
    }
    merged
        .par_iter_mut()
        .filter(|p| p.locations.len() > 1)
        .for_each(|p| {
            p.locations.sort();
            p.locations.dedup();
        });
    merged.par_sort_by(|a, b| {
        (a.location(), &a.name, &a.version).cmp(&(b.location(), &b.name, &b.version))
    });
    merged
}

fn fold(into: &mut Package, other: Package) {
    into.locations.extend(other.locations);
    // The strongest claim wins: direct over transitive, a shipped scope over dev or test.
    into.relationship = into.relationship.min(other.relationship);
    into.scope = match (into.scope, other.scope) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    into.requirement = into.requirement.take().or(other.requirement);
    for license in other.licenses {
        if !into.licenses.contains(&license) {
            into.licenses.push(license);
        }
    }
    for dep in other.depends_on {
        if !into.depends_on.contains(&dep) {
            into.depends_on.push(dep);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use scangate_types::{Ecosystem, Location, Relationship, Scope};

    fn pkg(name: &str, line: u32, rel: Relationship, scope: Option<Scope>) -> Package {
        let mut p = Package::new(
            Ecosystem::Npm,
            name,
            Some("1.0.0".into()),
            Location::new("package-lock.json", Some(line)),
        )
        .with_relationship(rel);
        p.scope = scope;
        p
    }

    #[test]
    fn repeated_declarations_fold_into_one() {
        let merged = merge(vec![
            pkg("b", 30, Relationship::Transitive, Some(Scope::Dev)),
            pkg("a", 20, Relationship::Unknown, None),
            pkg("b", 10, Relationship::Direct, Some(Scope::Prod)),
        ]);
        assert_eq!(merged.len(), 2);
        assert_eq!(merged[0].name, "b");
        assert_eq!(
            merged[0]
                .locations
                .iter()
                .map(|l| l.line.unwrap())
                .collect::<Vec<_>>(),
            [10, 30]
        );
        assert_eq!(merged[0].relationship, Relationship::Direct);
        assert_eq!(merged[0].scope, Some(Scope::Prod));
        assert_eq!(merged[1].name, "a");
    }
}
