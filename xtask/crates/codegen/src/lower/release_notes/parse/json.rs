//! JSON examples inside release notes: where a block ends, and reading it strictly.
//!
//! A block runs from its opening `{` or `[` to the line where its brackets balance. serde_json
//! quietly keeps the last of two equal keys, which would hide a duplicated line of an example,
//! so blocks are read through [`Strict`], which rejects duplicate keys at their position.

use super::{JsonBlock, Parser};
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

/// A JSON value read with duplicate object keys rejected.
struct Strict(Value);

impl<'de> Deserialize<'de> for Strict {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(StrictVisitor).map(Strict)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(Strict(v)) = seq.next_element()? {
            items.push(v);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if out.contains_key(&key) {
                return Err(de::Error::custom(format!(
                    "duplicate key `{key}` (a line repeated?)"
                )));
            }
            let Strict(v) = map.next_value()?;
            out.insert(key, v);
        }
        Ok(Value::Object(out))
    }
}

impl Parser<'_, '_> {
    /// Reads the JSON block that starts at line index `start`: up to the line where its brackets
    /// balance, or, when they never do, up to the first line at column 1 that cannot continue
    /// it. Returns the parsed block (`None` after reporting a syntax error) and the next index.
    pub(super) fn json_block(&mut self, start: usize, end: usize) -> (Option<JsonBlock>, usize) {
        let mut depth: i64 = 0;
        let mut in_string = false;
        let mut escaped = false;
        let mut j = start;
        while j < end {
            let line = &self.lines[j];
            if j > start
                && line.indent == 0
                && !line.trimmed.is_empty()
                && !line.trimmed.starts_with(['}', ']'])
            {
                break;
            }
            for c in line.text.chars() {
                if in_string {
                    match (escaped, c) {
                        (true, _) => escaped = false,
                        (false, '\\') => escaped = true,
                        (false, '"') => in_string = false,
                        _ => {}
                    }
                    continue;
                }
                match c {
                    '"' => in_string = true,
                    '{' | '[' => depth += 1,
                    '}' | ']' => depth -= 1,
                    _ => {}
                }
            }
            j += 1;
            if depth <= 0 && !in_string {
                break;
            }
        }
        for k in start..j {
            self.consume(k);
        }
        let first = self.lines[start].number;
        let last = self.lines[j - 1].number;
        let text: String = self.lines[start..j]
            .iter()
            .map(|l| format!("{}\n", l.text))
            .collect();
        match serde_json::from_str::<Strict>(&text) {
            Ok(Strict(value)) => (
                Some(JsonBlock {
                    line: first,
                    end_line: last,
                    value,
                }),
                j,
            ),
            Err(err) => {
                let (line, col) = if err.line() == 0 {
                    (first, 1)
                } else {
                    (first + err.line() - 1, err.column().max(1))
                };
                let message = err.to_string();
                let message = message
                    .rsplit_once(" at line ")
                    .map_or(message.as_str(), |(m, _)| m);
                self.error(
                    line,
                    col,
                    format!("invalid JSON example: {message}"),
                    "fix the JSON at this position; every example must be one complete JSON value",
                );
                (None, j)
            }
        }
    }
}
