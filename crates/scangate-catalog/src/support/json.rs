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
    let mut lines = HashMap::new();
    visit_keys(text, |parents, key, line| {
        if parents.len() == parent.len() && parents.iter().zip(parent).all(|(a, b)| a == b) {
            lines.entry(key.to_string()).or_insert(line);
        }
    });
    lines
}

/// Calls `visit(parents, key, line)` for every key of every object outside arrays, in document
/// order; `parents` are the keys leading from the root to the object that holds `key`. One pass
/// over the text, for formats whose entries nest (npm's lockfile v1). Meant to run after a
/// successful parse.
pub fn visit_keys(text: &str, mut visit: impl FnMut(&[String], &str, u32)) {
    struct Frame {
        is_object: bool,
        /// Whether opening it pushed a key onto `parents`.
        named: bool,
    }
    let bytes = text.as_bytes();
    let mut stack: Vec<Frame> = Vec::new();
    let mut parents: Vec<String> = Vec::new();
    let mut arrays = 0usize;
    let mut pending_key: Option<String> = None;
    let mut expecting_key = false;
    let mut line = 1u32;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => line += 1,
            b'"' => {
                let start = i + 1;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                if expecting_key && arrays == 0 && stack.last().is_some_and(|f| f.is_object) {
                    let key = unescape(&text[start..i.min(bytes.len())]);
                    visit(&parents, &key, line);
                    pending_key = Some(key);
                }
                expecting_key = false;
            }
            open @ (b'{' | b'[') => {
                let key = pending_key.take();
                let named = arrays == 0 && key.is_some();
                parents.extend(key.filter(|_| named));
                arrays += usize::from(open == b'[');
                stack.push(Frame {
                    is_object: open == b'{',
                    named,
                });
                expecting_key = open == b'{';
            }
            b'}' | b']' => {
                if let Some(frame) = stack.pop() {
                    if frame.named {
                        parents.pop();
                    }
                    arrays -= usize::from(!frame.is_object);
                }
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
    fn visits_nested_keys_in_document_order_outside_arrays() {
        let text = "{\"a\": {\"b\": 1,\n \"c\": [{\"x\": 1}]},\n \"d\": {\"e\": {}}}";
        let mut seen = Vec::new();
        visit_keys(text, |parents, key, line| {
            seen.push(format!("{}/{key}:{line}", parents.join("/")));
        });
        assert_eq!(seen, ["/a:1", "a/b:1", "a/c:2", "/d:3", "d/e:3"]);
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
