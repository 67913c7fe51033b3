//! The lines of mapping keys in the block-style YAML that yarn berry and pnpm write; the
//! YAML parser reports no positions.

use std::collections::HashMap;

/// The line of every key at the top level (`section` `None`), or of every key indented by two
/// spaces under the top-level key `section`. One pass; the first occurrence of a key wins.
pub fn key_lines(text: &str, section: Option<&str>) -> HashMap<String, u32> {
    let mut lines = HashMap::new();
    let mut in_section = section.is_none();
    for (index, line) in text.lines().enumerate() {
        let line = line.trim_end();
        if line.is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        let indent = line.len() - line.trim_start_matches(' ').len();
        let key_indent = match section {
            None => 0,
            Some(wanted) => {
                if indent == 0 {
                    in_section = mapping_key(line).as_deref() == Some(wanted);
                    continue;
                }
                2
            }
        };
        if in_section
            && indent == key_indent
            && let Some(key) = mapping_key(&line[indent..])
        {
            lines.entry(key).or_insert(index as u32 + 1);
        }
    }
    lines
}

/// The key of a `key:` or `key: value` line, unquoted.
fn mapping_key(body: &str) -> Option<String> {
    match body.chars().next()? {
        '"' => {
            let end = closing_double_quote(body)?;
            let raw = &body[..=end];
            body[end + 1..]
                .starts_with(':')
                .then(|| serde_json::from_str(raw).unwrap_or_else(|_| raw[1..end].to_string()))
        }
        '\'' => {
            let mut key = String::new();
            let mut chars = body[1..].char_indices().peekable();
            while let Some((i, c)) = chars.next() {
                if c != '\'' {
                    key.push(c);
                } else if chars.peek().is_some_and(|&(_, next)| next == '\'') {
                    key.push('\'');
                    chars.next();
                } else {
                    return body[i + 2..].starts_with(':').then_some(key);
                }
            }
            None
        }
        _ => body
            .strip_suffix(':')
            .or_else(|| body.split_once(": ").map(|(key, _)| key))
            .map(|key| key.trim_end().to_string()),
    }
}

/// The byte index of the quote closing the double-quoted string that `text` starts with.
fn closing_double_quote(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return Some(i),
            _ => i += 1,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_keys_plain_and_quoted() {
        let text = "__metadata:\n  version: 8\n\n\"a@npm:1, a@npm:^1\":\n  version: 1.0.0\nb@npm:2:\n'c''d@1': {}\n";
        let lines = key_lines(text, None);
        assert_eq!(lines["__metadata"], 1);
        assert_eq!(lines["a@npm:1, a@npm:^1"], 4);
        assert_eq!(lines["b@npm:2"], 6);
        assert_eq!(lines["c'd@1"], 7);
        assert_eq!(lines.len(), 4);
    }

    #[test]
    fn finds_keys_of_one_section() {
        let text = "importers:\n  .:\n    x: 1\npackages:\n\n  /a/1.0.0:\n    dev: true\n  '@b/c@2.0.0': {}\n  d@git+https://h.invalid/d.git#abc: {}\nsnapshots:\n  e@1.0.0: {}\n";
        let lines = key_lines(text, Some("packages"));
        assert_eq!(lines["/a/1.0.0"], 6);
        assert_eq!(lines["@b/c@2.0.0"], 8);
        assert_eq!(lines["d@git+https://h.invalid/d.git#abc"], 9);
        assert_eq!(lines.len(), 3);
    }
}
