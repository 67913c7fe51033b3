//! PEP 508 dependency specifiers: `name[extras] (specifiers | @ url) ; marker`.
//!
//! Names and versions keep their spelling (a lockfile name is shown as written); markers are
//! kept as text, since scangate does not evaluate them.

/// One parsed requirement, borrowing from the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requirement<'a> {
    pub name: &'a str,
    pub extras: Vec<&'a str>,
    pub target: Target<'a>,
    pub marker: Option<&'a str>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target<'a> {
    /// Version clauses with spaces removed, joined by `,`; empty when there are none.
    Specifiers(String),
    /// A direct reference (`name @ url`).
    Url(&'a str),
}

impl Requirement<'_> {
    /// The exact version when the specifiers pin one (`==1.2.3` or `===x`).
    pub fn pinned_version(&self) -> Option<&str> {
        let Target::Specifiers(spec) = &self.target else {
            return None;
        };
        if spec.contains(',') {
            return None;
        }
        if let Some(version) = spec.strip_prefix("===") {
            return Some(version);
        }
        spec.strip_prefix("==").filter(|v| !v.contains('*'))
    }

    /// The specifiers, or `*` when the requirement takes any version.
    pub fn specifiers(&self) -> &str {
        match &self.target {
            Target::Specifiers(spec) if !spec.is_empty() => spec,
            _ => "*",
        }
    }
}

const OPERATORS: [&str; 8] = ["===", "~=", "==", "!=", "<=", ">=", "<", ">"];

/// Parses one requirement; the error says what is wrong.
pub fn parse(text: &str) -> Result<Requirement<'_>, String> {
    let mut rest = text.trim();
    let name_len = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')))
        .unwrap_or(rest.len());
    let name = &rest[..name_len];
    if !is_valid_name(name) {
        return Err(if name.is_empty() {
            "expected a package name".to_string()
        } else {
            format!("`{name}` is not a valid package name")
        });
    }
    rest = rest[name_len..].trim_start();

    let mut extras = Vec::new();
    if let Some(after) = rest.strip_prefix('[') {
        let (list, after) = after
            .split_once(']')
            .ok_or("an extras list `[` is not closed")?;
        for extra in list.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            if !is_valid_name(extra) {
                return Err(format!("`{extra}` is not a valid extra name"));
            }
            extras.push(extra);
        }
        rest = after.trim_start();
    }

    let (target, rest) = if let Some(after) = rest.strip_prefix('@') {
        let after = after.trim_start();
        let end = after.find(char::is_whitespace).unwrap_or(after.len());
        if end == 0 {
            return Err("expected a URL after `@`".to_string());
        }
        (Target::Url(&after[..end]), after[end..].trim_start())
    } else if let Some(after) = rest.strip_prefix('(') {
        let (spec, after) = after
            .split_once(')')
            .ok_or("a version list `(` is not closed")?;
        (Target::Specifiers(specifiers(spec)?), after.trim_start())
    } else {
        let end = rest.find(';').unwrap_or(rest.len());
        (Target::Specifiers(specifiers(&rest[..end])?), &rest[end..])
    };

    let marker = match rest.strip_prefix(';') {
        Some(marker) if !marker.trim().is_empty() => Some(marker.trim()),
        Some(_) => return Err("expected an environment marker after `;`".to_string()),
        None if rest.is_empty() => None,
        None => return Err(format!("unexpected `{rest}`")),
    };
    Ok(Requirement {
        name,
        extras,
        target,
        marker,
    })
}

/// Validates comma-separated version clauses and returns them without spaces.
fn specifiers(text: &str) -> Result<String, String> {
    if text.trim().is_empty() {
        return Ok(String::new());
    }
    let mut clauses = Vec::new();
    for clause in text.split(',') {
        let clause = clause.trim();
        let op = OPERATORS
            .iter()
            .find(|op| clause.starts_with(**op))
            .ok_or_else(|| format!("`{clause}` does not start with a version operator"))?;
        let version = clause[op.len()..].trim();
        let allowed = |c: char| {
            if *op == "===" {
                !c.is_whitespace() && !matches!(c, ',' | ';')
            } else {
                c.is_ascii_alphanumeric() || matches!(c, '.' | '*' | '+' | '!' | '-' | '_')
            }
        };
        if version.is_empty() || !version.chars().all(allowed) {
            return Err(format!("`{clause}` has no valid version"));
        }
        clauses.push(format!("{op}{version}"));
    }
    Ok(clauses.join(","))
}

/// PEP 508 names: ASCII letters and digits, with `.`, `_`, `-` inside.
pub fn is_valid_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    !bytes.is_empty()
        && bytes[0].is_ascii_alphanumeric()
        && bytes[bytes.len() - 1].is_ascii_alphanumeric()
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_forms_of_pep_508() {
        let r =
            parse("Foo_Bar[ security , socks ] >= 1.0 , < 2 ; python_version < \"3.8\"").unwrap();
        assert_eq!(r.name, "Foo_Bar");
        assert_eq!(r.extras, ["security", "socks"]);
        assert_eq!(r.specifiers(), ">=1.0,<2");
        assert_eq!(r.marker, Some("python_version < \"3.8\""));
        assert_eq!(r.pinned_version(), None);

        assert_eq!(
            parse("Django == 3.2.0").unwrap().pinned_version(),
            Some("3.2.0")
        );
        assert_eq!(
            parse("a===1.0-SNAPSHOT").unwrap().pinned_version(),
            Some("1.0-SNAPSHOT")
        );
        assert_eq!(parse("a==1.0.*").unwrap().pinned_version(), None);
        assert_eq!(parse("b (>=1.0)").unwrap().specifiers(), ">=1.0");
        assert_eq!(parse("requests").unwrap().specifiers(), "*");

        let url = parse("six @ https://e.invalid/six-1.15.0.whl ; os_name == 'nt'").unwrap();
        assert_eq!(url.target, Target::Url("https://e.invalid/six-1.15.0.whl"));
        assert_eq!(url.marker, Some("os_name == 'nt'"));
    }

    #[test]
    fn rejects_what_pip_rejects() {
        assert_eq!(parse("django==").unwrap_err(), "`==` has no valid version");
        assert_eq!(
            parse("django 3.2").unwrap_err(),
            "`3.2` does not start with a version operator"
        );
        assert_eq!(
            parse("-foo").unwrap_err(),
            "`-foo` is not a valid package name"
        );
        assert_eq!(parse("").unwrap_err(), "expected a package name");
        assert_eq!(
            parse("foo[bar").unwrap_err(),
            "an extras list `[` is not closed"
        );
        assert_eq!(
            parse("foo;").unwrap_err(),
            "expected an environment marker after `;`"
        );
        assert_eq!(parse("foo @ ").unwrap_err(), "expected a URL after `@`");
        assert_eq!(parse("foo (>=1) x").unwrap_err(), "unexpected `x`");
    }
}
