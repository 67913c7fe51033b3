//! Debian control-file syntax (deb822, the RFC 822-like format of `var/lib/dpkg/status`):
//! stanzas of `Field: value` lines separated by blank lines, a line starting with a space or tab
//! continuing the previous field. Lines may end in CRLF.

use crate::Diagnostic;

/// One stanza: its fields in order, and the line it starts on.
#[derive(Debug, Default)]
pub(crate) struct Stanza<'a> {
    pub line: u32,
    fields: Vec<(&'a str, String)>,
}

impl Stanza<'_> {
    /// The value of `name` (field names are case-insensitive), continuation lines joined with `\n`.
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(field, _)| field.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

/// The stanzas of `text`, with a warning for each line that is neither a field nor a
/// continuation (the rest of its stanza is kept).
pub(crate) fn parse(text: &str) -> (Vec<Stanza<'_>>, Vec<Diagnostic>) {
    let mut stanzas = Vec::new();
    let mut warnings = Vec::new();
    let mut current: Option<Stanza<'_>> = None;
    for (index, line) in text.split('\n').enumerate() {
        let line_no = index as u32 + 1;
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.trim().is_empty() {
            stanzas.extend(current.take());
            continue;
        }
        let stanza = current.get_or_insert_with(|| Stanza {
            line: line_no,
            fields: Vec::new(),
        });
        if line.starts_with([' ', '\t']) {
            match stanza.fields.last_mut() {
                Some((_, value)) => {
                    value.push('\n');
                    value.push_str(line.trim());
                }
                None => warnings.push(Diagnostic::new(
                    Some(line_no),
                    "continuation line without a field before it",
                )),
            }
            continue;
        }
        match line.split_once(':') {
            Some((name, value)) if !name.is_empty() && !name.contains(char::is_whitespace) => {
                stanza.fields.push((name, value.trim().to_string()));
            }
            _ => warnings.push(Diagnostic::new(
                Some(line_no),
                format!("not a `Field: value` line: {}", excerpt(line)),
            )),
        }
    }
    stanzas.extend(current);
    (stanzas, warnings)
}

/// The start of a line for a message; hostile files may hold one enormous line.
fn excerpt(line: &str) -> String {
    const MAX: usize = 60;
    match line.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}...", &line[..cut]),
        None => line.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stanzas_fields_and_continuations() {
        let text = "Package: a\r\nDescription: short\r\n long line\r\n .\r\n\r\n\r\nPackage: b\nversion: 1\n";
        let (stanzas, warnings) = parse(text);
        assert!(warnings.is_empty());
        assert_eq!(stanzas.len(), 2);
        assert_eq!(stanzas[0].line, 1);
        assert_eq!(stanzas[0].get("package"), Some("a"));
        assert_eq!(stanzas[0].get("Description"), Some("short\nlong line\n."));
        assert_eq!(stanzas[1].line, 7);
        assert_eq!(stanzas[1].get("Version"), Some("1"));
        assert_eq!(stanzas[1].get("Status"), None);
    }

    #[test]
    fn stray_lines_are_reported() {
        let (stanzas, warnings) = parse(" orphan\nPackage: a\nno colon here\n: empty name\n");
        assert_eq!(stanzas.len(), 1);
        assert_eq!(stanzas[0].get("Package"), Some("a"));
        assert_eq!(
            warnings,
            [
                Diagnostic::new(Some(1), "continuation line without a field before it"),
                Diagnostic::new(Some(3), "not a `Field: value` line: no colon here"),
                Diagnostic::new(Some(4), "not a `Field: value` line: : empty name"),
            ]
        );
    }
}
