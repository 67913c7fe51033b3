//! Java `.properties` files as `java.util.Properties.load` reads them: ISO-8859-1 text with
//! `\uXXXX` escapes, `#`/`!` comments, `key=value`, `key: value` or `key value`, and lines
//! continued by a trailing backslash.

/// The key-value pairs in file order (a later repeat of a key wins, as in Java).
pub(crate) fn parse(bytes: &[u8]) -> Vec<(String, String)> {
    let text: String = bytes.iter().map(|&b| char::from(b)).collect();
    logical_lines(&text)
        .iter()
        .map(|line| split_pair(line))
        .collect()
}

/// Physical lines joined where one ends in an odd number of backslashes (the continuation's
/// leading blanks dropped); blank and comment lines left out.
fn logical_lines(text: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut current: Option<String> = None;
    for raw in text.replace("\r\n", "\n").split(['\n', '\r']) {
        let part = raw.trim_start_matches([' ', '\t', '\x0c']);
        if current.is_none() && (part.is_empty() || part.starts_with(['#', '!'])) {
            continue;
        }
        // Only this physical line's backslashes count (the joined line may end in more).
        let continued = part.bytes().rev().take_while(|&b| b == b'\\').count() % 2 == 1;
        let mut line = current.take().unwrap_or_default();
        line.push_str(part);
        if continued {
            line.pop();
            current = Some(line);
        } else {
            lines.push(line);
        }
    }
    lines.extend(current);
    lines
}

/// The key ends at the first unescaped `=`, `:` or blank; blanks and one `=`/`:` separate it
/// from the value.
fn split_pair(line: &str) -> (String, String) {
    let mut key_end = line.len();
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if matches!(c, '=' | ':' | ' ' | '\t' | '\x0c') {
            key_end = i;
            break;
        }
    }
    let rest = line[key_end..].trim_start_matches([' ', '\t', '\x0c']);
    let rest = rest
        .strip_prefix(['=', ':'])
        .unwrap_or(rest)
        .trim_start_matches([' ', '\t', '\x0c']);
    (unescape(&line[..key_end]), unescape(rest))
}

fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('f') => out.push('\x0c'),
            Some('u') => {
                let hex: String = chars.by_ref().take(4).collect();
                let decoded = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32);
                out.push(decoded.unwrap_or(char::REPLACEMENT_CHARACTER));
            }
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn long_continuations_join_in_linear_time() {
        let mut text = "key = ".to_string();
        text.push_str(&"x\\\n    ".repeat(400_000));
        text.push_str("end\n");
        let pairs = parse(text.as_bytes());
        assert_eq!(pairs.len(), 1);
        assert_eq!(pairs[0].0, "key");
        assert_eq!(pairs[0].1, format!("{}end", "x".repeat(400_000)));
    }

    #[test]
    fn continuations_are_told_by_the_physical_line_s_backslashes() {
        // Each `\\\` line keeps an escaped backslash and continues; `\\` alone would not.
        let mut text = "key = ".to_string();
        text.push_str(&"\\\\\\\n".repeat(200_000));
        text.push_str("end\\\\\nnext\n");
        let pairs = parse(text.as_bytes());
        let value = format!("{}end\\", "\\".repeat(200_000));
        assert_eq!(
            pairs,
            [
                ("key".to_string(), value),
                ("next".to_string(), String::new())
            ]
        );
    }

    #[test]
    fn the_forms_java_reads() {
        let text = b"# comment\n! also\n  groupId = org.example\r\nartifactId:core\nversion 1.0\\\r\n    .2\nname=caf\\u00e9 \\\\ x\\=y\nlatin=\xe9\nempty\n\\ key\\:=v\n";
        let owned = parse(text);
        let pairs: Vec<(&str, &str)> = owned
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(
            pairs,
            [
                ("groupId", "org.example"),
                ("artifactId", "core"),
                ("version", "1.0.2"),
                ("name", "café \\ x=y"),
                ("latin", "é"),
                ("empty", ""),
                (" key:", "v"),
            ]
        );
    }
}
