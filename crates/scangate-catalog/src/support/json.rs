//! JSON with bounded nesting (serde_json refuses more than 128 levels) and key lines.

use super::without_position;
use crate::CatalogError;
use serde::de::DeserializeOwned;
use std::collections::HashMap;

/// Parses `text`; the error names the line and column.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, CatalogError> {
    serde_json::from_str(text).map_err(|err| {
        let message = err.to_string();
        let message = without_position(&message);
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
pub fn visit_keys(text: &str, visit: impl FnMut(&[String], &str, u32)) {
    walk_keys(text, visit);
}

/// One step on the path from the document root to an object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// The value of this key.
    Key(String),
    /// An element of an array, whichever.
    Element,
}

/// [`visit_keys`] for keys of objects inside arrays too: `parents` name array elements with
/// [`Step::Element`] (`[Key("packages"), Element]` holds the keys of each object in the root
/// array `packages`). The same single pass.
pub fn visit_all_keys(text: &str, visit: impl FnMut(&[Step], &str, u32)) {
    walk_keys(text, visit);
}

/// What a path of parents is made of. Plain keys cannot name array elements, so a walk with
/// them passes over the keys of every object inside an array.
trait PathStep: Sized {
    fn key(key: String) -> Self;
    fn element() -> Option<Self>;
}

impl PathStep for String {
    fn key(key: String) -> Self {
        key
    }

    fn element() -> Option<Self> {
        None
    }
}

impl PathStep for Step {
    fn key(key: String) -> Self {
        Step::Key(key)
    }

    fn element() -> Option<Self> {
        Some(Step::Element)
    }
}

fn walk_keys<S: PathStep>(text: &str, mut visit: impl FnMut(&[S], &str, u32)) {
    struct Frame {
        is_object: bool,
        /// Whether opening it pushed a step onto `parents`.
        named: bool,
        /// Whether opening it started `hidden`.
        hides: bool,
    }
    let bytes = text.as_bytes();
    let mut stack: Vec<Frame> = Vec::new();
    let mut parents: Vec<S> = Vec::new();
    // Non-zero inside an array element that `S` cannot name: its keys are not reported.
    let mut hidden = 0usize;
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
                if expecting_key && hidden == 0 && stack.last().is_some_and(|f| f.is_object) {
                    let key = unescape(&text[start..i.min(bytes.len())]);
                    visit(&parents, &key, line);
                    pending_key = Some(key);
                }
                expecting_key = false;
            }
            open @ (b'{' | b'[') => {
                let key = pending_key.take();
                let in_array = stack.last().is_some_and(|f| !f.is_object);
                let step = match (hidden, in_array) {
                    (0, true) => S::element(),
                    (0, false) => key.map(S::key),
                    _ => None,
                };
                let hides = hidden == 0 && in_array && step.is_none();
                hidden += usize::from(hides);
                stack.push(Frame {
                    is_object: open == b'{',
                    named: step.is_some(),
                    hides,
                });
                parents.extend(step);
                expecting_key = open == b'{';
            }
            b'}' | b']' => {
                if let Some(frame) = stack.pop() {
                    if frame.named {
                        parents.pop();
                    }
                    hidden -= usize::from(frame.hides);
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
    fn visits_keys_inside_arrays_with_element_steps() {
        let text = "{\"a\": {\"b\": 1,\n \"c\": [{\"x\": 1}, [{\"y\": {\"z\": 2}}]]},\n \"d\": [1, \"e\"]}";
        let mut seen = Vec::new();
        visit_all_keys(text, |parents, key, line| {
            let path: Vec<&str> = parents
                .iter()
                .map(|step| match step {
                    Step::Key(key) => key.as_str(),
                    Step::Element => "[]",
                })
                .collect();
            seen.push(format!("{}/{key}:{line}", path.join("/")));
        });
        assert_eq!(
            seen,
            [
                "/a:1",
                "a/b:1",
                "a/c:2",
                "a/c/[]/x:2",
                "a/c/[]/[]/y:2",
                "a/c/[]/[]/y/z:2",
                "/d:3"
            ]
        );
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
