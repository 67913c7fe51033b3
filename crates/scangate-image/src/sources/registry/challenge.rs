//! The `WWW-Authenticate` header of a registry's 401 (RFC 7235): which scheme it wants and,
//! for bearer tokens, where to get one.

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Challenge {
    Basic,
    Bearer {
        realm: String,
        service: Option<String>,
        scope: Option<String>,
    },
}

/// The first challenge in the header; `None` for a scheme we do not speak or a bearer
/// challenge without a realm.
pub(super) fn parse(header: &str) -> Option<Challenge> {
    let header = header.trim_start();
    let (scheme, rest) = header.split_once(' ').unwrap_or((header, ""));
    if scheme.eq_ignore_ascii_case("basic") {
        return Some(Challenge::Basic);
    }
    if !scheme.eq_ignore_ascii_case("bearer") {
        return None;
    }
    let params = parameters(rest);
    let find = |name: &str| {
        params
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.clone())
    };
    Some(Challenge::Bearer {
        realm: find("realm")?,
        service: find("service"),
        scope: find("scope"),
    })
}

/// `key=value` and `key="quoted, \"value\""` pairs separated by commas, up to the next
/// challenge's scheme or the end.
fn parameters(text: &str) -> Vec<(String, String)> {
    let mut params = Vec::new();
    let mut chars = text.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| *c == ',' || c.is_whitespace()) {
            chars.next();
        }
        let key: String =
            std::iter::from_fn(|| chars.next_if(|c| *c != '=' && *c != ',' && !c.is_whitespace()))
                .collect();
        if key.is_empty() || chars.next_if_eq(&'=').is_none() {
            // The end, or a new challenge's scheme (a token without `=`).
            return params;
        }
        let mut value = String::new();
        if chars.next_if_eq(&'"').is_some() {
            while let Some(c) = chars.next() {
                match c {
                    '"' => break,
                    '\\' => value.extend(chars.next()),
                    c => value.push(c),
                }
            }
        } else {
            value.extend(std::iter::from_fn(|| chars.next_if(|c| *c != ',')));
            value.truncate(value.trim_end().len());
        }
        params.push((key, value));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_challenge_with_quoted_parameters() {
        let header = r#"Bearer realm="https://auth.example.invalid/token",service="registry.example.invalid",scope="repository:library/debian:pull""#;
        assert_eq!(
            parse(header),
            Some(Challenge::Bearer {
                realm: "https://auth.example.invalid/token".to_string(),
                service: Some("registry.example.invalid".to_string()),
                scope: Some("repository:library/debian:pull".to_string()),
            })
        );
    }

    #[test]
    fn unquoted_values_escapes_and_spaces() {
        let header = r#"bearer  realm=http://127.0.0.1:5000/token , service="a \"b\", c""#;
        assert_eq!(
            parse(header),
            Some(Challenge::Bearer {
                realm: "http://127.0.0.1:5000/token".to_string(),
                service: Some(r#"a "b", c"#.to_string()),
                scope: None,
            })
        );
    }

    #[test]
    fn basic_other_schemes_and_bearer_without_realm() {
        assert_eq!(
            parse(r#"Basic realm="Registry Realm""#),
            Some(Challenge::Basic)
        );
        assert_eq!(parse("Negotiate"), None);
        assert_eq!(parse(r#"Bearer service="x""#), None);
        assert_eq!(parse(""), None);
    }
}
