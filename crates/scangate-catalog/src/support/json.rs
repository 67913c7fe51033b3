//! JSON with bounded nesting (serde_json refuses more than 128 levels) and key lines.

use crate::CatalogError;
use serde::de::DeserializeOwned;
use std::collections::HashMap;

/// Parses `text`; the error names the line and column.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, CatalogError> {
    serde_json::from_str(text).map_err(|err| {
        let message = err.to_string();
        // serde_json appends " at line L column C"; the line is reported separately.
        let message = message
            .split(" at line ")
            .next()
            .unwrap_or(&message)
            .to_string();
        CatalogError::at(
            err.line() as u32,
            format!("invalid JSON: {message} (column {})", err.column()),
        )
    })
}

/// The line of every key of the object found at `parent` (a path of object keys from the
/// document root). The first occurrence of a key wins. Meant to run after a successful parse.
pub fn key_lines(text: &str, parent: &[&str]) -> HashMap<String, u32> {
    struct Frame {
        key: Option<String>,
        is_object: bool,
    }
    let bytes = text.as_bytes();
    let mut lines = HashMap::new();
    let mut stack: Vec<Frame> = Vec::new();
    let mut pending_key: Option<String> = None;
    let mut expecting_key = false;
    let mut line = 1u32;
    let mut i = 0;
    let at_parent = |stack: &[Frame]| {
        stack.len() == parent.len() + 1
            && stack[1..]
                .iter()
                .zip(parent)
                .all(|(frame, want)| frame.key.as_deref() == Some(*want))
    };
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => line += 1,
            b'"' => {
                let start = i + 1;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                let raw = &text[start..i.min(bytes.len())];
                if expecting_key && stack.last().is_some_and(|f| f.is_object) {
                    let key = unescape(raw);
                    if at_parent(&stack) {
                        lines.entry(key.clone()).or_insert(line);
                    }
                    pending_key = Some(key);
                    expecting_key = false;
                }
            }
            open @ (b'{' | b'[') => {
                stack.push(Frame {
                    key: pending_key.take(),
                    is_object: open == b'{',
                });
                expecting_key = open == b'{';
            }
            b'}' | b']' => {
                stack.pop();
                pending_key = None;
            }
            b',' => {
                pending_key = None;
                expecting_key = stack.last().is_some_and(|f| f.is_object);
            }
            _ => {}
        }
        i += 1;
    }
    lines
}

fn unescape(raw: &str) -> String {
    if raw.contains('\\') {
        serde_json::from_str(&format!("\"{raw}\"")).unwrap_or_else(|_| raw.to_string())
    } else {
        raw.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_lines_of_an_objects_keys() {
        let text = "{\n  \"name\": \"x\",\n  \"packages\": {\n    \"\": {\"a\": 1},\n    \"node_modules/a\": {\n      \"packages\": {\"no\": 1}\n    },\n    \"node_modules/\\u0062\" : {}\n  }\n}";
        let lines = key_lines(text, &["packages"]);
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[""], 4);
        assert_eq!(lines["node_modules/a"], 5);
        assert_eq!(lines["node_modules/b"], 8);
        assert_eq!(key_lines(text, &[])["packages"], 3);
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let text = format!("{}{}", "[".repeat(1000), "]".repeat(1000));
        let err = from_str::<serde_json::Value>(&text).unwrap_err();
        assert_eq!(err.line, Some(1));
        assert_eq!(
            err.message,
            "invalid JSON: recursion limit exceeded (column 128)"
        );
    }
}
