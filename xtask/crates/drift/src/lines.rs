//! JSON pointers to line numbers for the report, in one pass over a JSON document.
//!
//! `codegen::source_map` builds a full map from YAML parser events, which is right for the few
//! diagnostics of a failed generation but takes seconds on a 13 MB JSON document (GitHub's), and
//! drift needs lines for every change on both sides. A JSON document's structure is simple
//! enough to follow with a byte scanner that keeps the current pointer and stops looking once
//! every wanted pointer is found. YAML documents still go through `source_map`.

use specgen_codegen::parse::source_map::escape_token;
use std::collections::{HashMap, HashSet};

enum Frame {
    /// Inside an object; the pointer length of the object itself.
    Object { base: usize },
    /// Inside an array; the pointer length of the array and the index of the next element.
    Array { base: usize, next: usize },
}

/// The one-based line of each of `wanted` (pointers without the leading `#`, as `/a/b`) that
/// occurs in `text`. Object members are located at their key, array elements where they begin.
pub fn json_lines(text: &str, wanted: &HashSet<String>) -> HashMap<String, usize> {
    let bytes = text.as_bytes();
    let mut found = HashMap::new();
    let mut path = String::new();
    let mut stack: Vec<Frame> = Vec::new();
    let mut expect_key = false;
    let (mut i, mut line) = (0, 1);
    // Called where a value begins: an array element gets its index on the pointer.
    let element = |stack: &mut Vec<Frame>,
                   path: &mut String,
                   found: &mut HashMap<String, usize>,
                   line: usize| {
        if let Some(Frame::Array { base, next }) = stack.last_mut() {
            path.truncate(*base);
            path.push('/');
            path.push_str(&next.to_string());
            *next += 1;
            if wanted.contains(path.as_str()) {
                found.entry(path.clone()).or_insert(line);
            }
        }
    };
    while i < bytes.len() && found.len() < wanted.len() {
        match bytes[i] {
            b'\n' => line += 1,
            b' ' | b'\t' | b'\r' | b':' => {}
            b',' => expect_key = matches!(stack.last(), Some(Frame::Object { .. })),
            b'{' => {
                element(&mut stack, &mut path, &mut found, line);
                stack.push(Frame::Object { base: path.len() });
                expect_key = true;
            }
            b'[' => {
                element(&mut stack, &mut path, &mut found, line);
                stack.push(Frame::Array {
                    base: path.len(),
                    next: 0,
                });
            }
            b'}' | b']' => {
                if let Some(Frame::Object { base } | Frame::Array { base, .. }) = stack.pop() {
                    path.truncate(base);
                }
                expect_key = false;
            }
            b'"' => {
                let (text, end, newlines) = string_at(bytes, i);
                if expect_key {
                    if let Some(Frame::Object { base }) = stack.last() {
                        path.truncate(*base);
                        path.push('/');
                        path.push_str(&escape_token(&text));
                        if wanted.contains(path.as_str()) {
                            found.entry(path.clone()).or_insert(line);
                        }
                    }
                    expect_key = false;
                } else {
                    element(&mut stack, &mut path, &mut found, line);
                }
                line += newlines;
                i = end;
                continue;
            }
            _ => {
                // A number, `true`, `false` or `null`: skip to the next delimiter.
                element(&mut stack, &mut path, &mut found, line);
                while i < bytes.len() && !matches!(bytes[i], b',' | b'}' | b']' | b'\n' | b' ') {
                    i += 1;
                }
                continue;
            }
        }
        i += 1;
    }
    found
}

/// The string starting at the quote at `start`: its decoded text (simple escapes; `\u` kept as
/// written, which only matters for keys nobody points at), the index after the closing quote,
/// and how many raw newlines it held (none in valid JSON, but the count keeps lines honest).
fn string_at(bytes: &[u8], start: usize) -> (String, usize, usize) {
    let mut out = Vec::new();
    let mut i = start + 1;
    let mut newlines = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => return (String::from_utf8_lossy(&out).into_owned(), i + 1, newlines),
            b'\\' if i + 1 < bytes.len() => {
                let escaped = match bytes[i + 1] {
                    b'n' => b'\n',
                    b't' => b'\t',
                    b'r' => b'\r',
                    b'b' => 8,
                    b'f' => 12,
                    b'u' => {
                        out.extend_from_slice(b"\\u");
                        i += 2;
                        continue;
                    }
                    other => other,
                };
                out.push(escaped);
                i += 2;
            }
            b'\n' => {
                newlines += 1;
                out.push(b'\n');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    (String::from_utf8_lossy(&out).into_owned(), i, newlines)
}

#[cfg(test)]
mod tests {
    use super::json_lines;
    use specgen_codegen::parse::source_map::SourceMap;
    use std::collections::HashSet;

    const DOC: &str = r#"{
  "openapi": "3.0.3",
  "paths": {
    "/a/{id}": {
      "get": {
        "parameters": [
          {"name": "id", "in": "path"},
          {
            "name": "q"
          }
        ],
        "tags": ["x", "y\"z"]
      }
    }
  },
  "components": {"schemas": {"A~B": {"type": "object", "properties": {"n": {"type": "integer"}}}}}
}"#;

    #[test]
    fn agrees_with_the_source_map() {
        let pointers = [
            "/openapi",
            "/paths/~1a~1{id}/get",
            "/paths/~1a~1{id}/get/parameters/1",
            "/paths/~1a~1{id}/get/parameters/1/name",
            "/paths/~1a~1{id}/get/tags/1",
            "/components/schemas/A~0B/properties/n",
        ];
        let wanted: HashSet<String> = pointers.iter().map(|p| p.to_string()).collect();
        let found = json_lines(DOC, &wanted);
        let map = SourceMap::new(DOC);
        for p in pointers {
            let expected = map.locate(&format!("#{p}")).map(|(line, _)| line);
            assert_eq!(found.get(p).copied(), expected, "{p}");
        }
        let missing: HashSet<String> = ["/paths/~1b".to_string()].into();
        assert!(json_lines(DOC, &missing).is_empty());
    }
}
