//! JSON documents read straight into the typed model, without the `serde_json::Value` between.
//!
//! The general path builds a value, rewrites 3.1 idioms in it and then reads the typed document
//! from it; on GitHub's 13 MB description, building and reading the value were most of parsing.
//! Most documents need no rewrite, and for those the typed document read from the text is the
//! one read from the value. This module proves that first: a probe walks the text once, without
//! building anything, and stops at every node `downgrade_31` would rewrite, at every duplicate
//! key (a value keeps the last of two, a typed field may refuse both) and at nesting deep enough
//! for the general path's recursion limit to matter. Whenever it stops, or anything fails to
//! read, the caller takes the general path, which reports the problem as it always has.
//!
//! The document is probed and read on two threads, as the general path reads its value: `paths`
//! and `components.examples` on one, the rest on the other.

use rustc_hash::FxHashSet;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use std::borrow::Cow;

/// Nesting past which the probe gives up. serde_json refuses documents nested 128 levels deep;
/// the halves are read separately, so the limit no longer counts from the root, and the probe
/// hands deep documents to the general path, which counts as it always did.
const MAX_NESTING: usize = 100;

/// Maps with more keys than this check for duplicates with a set instead of a scan.
const SCAN_KEYS: usize = 16;

/// How `downgrade_31` treats a node, which decides what the probe looks for in it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// A node that may be a schema (`names == false`): its keys are checked.
    Schema,
    /// A map whose keys are names (`properties`, `schemas`, ...): its values are schemas.
    Names,
    /// Data (`example`, `default`, `enum`, ...), which is never rewritten.
    Data,
}

impl Mode {
    /// The mode of the value under `key` in a map of this mode, as `downgrade_31` recurses.
    fn child(self, key: &str) -> Mode {
        match self {
            Mode::Data => Mode::Data,
            Mode::Names => Mode::Schema,
            Mode::Schema => match key {
                "example" | "examples" | "default" | "enum" => Mode::Data,
                "properties" | "schemas" | "patternProperties" | "$defs" | "definitions" => {
                    Mode::Names
                }
                _ => Mode::Schema,
            },
        }
    }

    /// The mode of an array's items: `downgrade_31` reads them as possible schemas.
    fn items(self) -> Mode {
        match self {
            Mode::Data => Mode::Data,
            Mode::Schema | Mode::Names => Mode::Schema,
        }
    }
}

/// What kind of JSON value the probe walked, for the checks its parent makes.
#[derive(PartialEq, Eq)]
enum Kind {
    Number,
    Array,
    Other,
}

/// Walks one value, failing where the typed read might differ from the general path's.
#[derive(Clone, Copy)]
struct Probe {
    mode: Mode,
    /// How many containers are around this value, the document's root included.
    depth: usize,
}

impl Probe {
    fn nested<E: de::Error>(self) -> Result<usize, E> {
        if self.depth >= MAX_NESTING {
            return Err(E::custom("nested too deeply for the direct read"));
        }
        Ok(self.depth + 1)
    }
}

impl<'de> DeserializeSeed<'de> for Probe {
    type Value = Kind;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Kind, D::Error> {
        deserializer.deserialize_any(self)
    }
}

/// A map key, borrowed from the text unless it holds escapes.
struct Key;

impl<'de> DeserializeSeed<'de> for Key {
    type Value = Cow<'de, str>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Key {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a key")
    }

    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_owned()))
    }
}

/// The keys of one map seen so far, to find a duplicate.
#[derive(Default)]
struct Seen<'de> {
    keys: Vec<Cow<'de, str>>,
    set: FxHashSet<Cow<'de, str>>,
}

impl<'de> Seen<'de> {
    /// Records `key`; false when the map already had it.
    fn insert(&mut self, key: Cow<'de, str>) -> bool {
        if self.keys.len() < SCAN_KEYS {
            if self.keys.contains(&key) {
                return false;
            }
            self.keys.push(key);
            return true;
        }
        if self.set.is_empty() {
            self.set.extend(self.keys.drain(..));
        }
        self.set.insert(key)
    }
}

/// The checks `downgrade_31` makes on one map's own keys, gathered while walking it.
#[derive(Default)]
struct SchemaKeys {
    type_or_properties: bool,
    examples_array: bool,
}

impl SchemaKeys {
    /// Notes one key of a schema-mode map and the kind of its value; an error for any key
    /// `downgrade_31` would rewrite.
    fn check<E: de::Error>(&mut self, key: &str, kind: &Kind) -> Result<(), E> {
        let rewritten = match key {
            "type" => {
                self.type_or_properties = true;
                *kind == Kind::Array
            }
            "properties" => {
                self.type_or_properties = true;
                false
            }
            "const" => true,
            "exclusiveMinimum" | "exclusiveMaximum" => *kind == Kind::Number,
            "examples" => {
                self.examples_array |= *kind == Kind::Array;
                false
            }
            _ => false,
        };
        if rewritten || (self.type_or_properties && self.examples_array) {
            return Err(E::custom("an OpenAPI 3.1 idiom needs rewriting"));
        }
        Ok(())
    }
}

impl<'de> Visitor<'de> for Probe {
    type Value = Kind;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<Kind, E> {
        Ok(Kind::Other)
    }

    fn visit_i64<E>(self, _: i64) -> Result<Kind, E> {
        Ok(Kind::Number)
    }

    fn visit_u64<E>(self, _: u64) -> Result<Kind, E> {
        Ok(Kind::Number)
    }

    fn visit_f64<E>(self, _: f64) -> Result<Kind, E> {
        Ok(Kind::Number)
    }

    fn visit_str<E>(self, _: &str) -> Result<Kind, E> {
        Ok(Kind::Other)
    }

    fn visit_unit<E>(self) -> Result<Kind, E> {
        Ok(Kind::Other)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Kind, A::Error> {
        let item = Probe {
            mode: self.mode.items(),
            depth: self.nested()?,
        };
        while seq.next_element_seed(item)?.is_some() {}
        Ok(Kind::Array)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Kind, A::Error> {
        let depth = self.nested()?;
        let mut seen = Seen::default();
        let mut schema = SchemaKeys::default();
        while let Some(key) = map.next_key_seed(Key)? {
            let child = Probe {
                mode: self.mode.child(&key),
                depth,
            };
            let kind = map.next_value_seed(child)?;
            if self.mode == Mode::Schema {
                schema.check(&key, &kind)?;
            }
            if !seen.insert(key) {
                return Err(de::Error::custom("a duplicate key"));
            }
        }
        Ok(Kind::Other)
    }
}

/// The document's top-level entries, each value kept as its text.
struct Top<'de>(Vec<(Cow<'de, str>, &'de RawValue)>);

impl<'de> de::Deserialize<'de> for Top<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Entries;
        impl<'de> Visitor<'de> for Entries {
            type Value = Top<'de>;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an OpenAPI document")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Top<'de>, A::Error> {
                let mut entries = Vec::new();
                let mut seen = Seen::default();
                while let Some(key) = map.next_key_seed(Key)? {
                    entries.push((key.clone(), map.next_value::<&'de RawValue>()?));
                    if !seen.insert(key) {
                        return Err(de::Error::custom("a duplicate key"));
                    }
                }
                Ok(Top(entries))
            }
        }
        deserializer.deserialize_map(Entries)
    }
}

/// True when every value among `entries` probes clean, as children of the root.
fn probe_entries<'e>(entries: impl IntoIterator<Item = &'e (Cow<'e, str>, &'e RawValue)>) -> bool {
    entries.into_iter().all(|(key, raw)| {
        let probe = Probe {
            mode: Mode::Schema.child(key),
            depth: 1,
        };
        let mut deserializer = serde_json::Deserializer::from_str(raw.get());
        probe.deserialize(&mut deserializer).is_ok()
    })
}

/// The typed document read straight from JSON `text`, or `None` when that read might differ
/// from the general path's (or fails): then the general path reads it, and reports any error.
pub(super) fn read_json(text: &str) -> Option<openapiv3::OpenAPI> {
    let Top(entries) = serde_json::from_str(text).ok()?;
    let mut paths = None;
    for (key, raw) in &entries {
        match key.as_ref() {
            // The root is a node `downgrade_31` checks too; documents never hold these keys
            // there, so rather than repeat its checks the general path gets the rare one.
            "type" | "const" | "exclusiveMinimum" | "exclusiveMaximum" | "examples" => {
                return None;
            }
            "openapi" => {
                // The general path checks the version the same way, and reports a bad one.
                let version: String = serde_json::from_str(raw.get()).ok()?;
                if !version.starts_with("3.") {
                    return None;
                }
            }
            "paths" => paths = Some(*raw),
            _ => {}
        }
    }
    let paths = paths?;
    if !entries.iter().any(|(key, _)| key == "openapi") {
        return None;
    }
    // `components.examples` (mostly data; a fifth of GitHub's document) is read beside `paths`,
    // which evens out the two threads' shares.
    let components = entries
        .iter()
        .find(|(key, _)| key == "components")
        .and_then(|(_, raw)| serde_json::from_str::<Top>(raw.get()).ok());
    let examples = components
        .as_ref()
        .and_then(|Top(c)| c.iter().find(|(key, _)| key == "examples"))
        .map(|(_, raw)| *raw);
    let components_rest = match (&components, examples) {
        (Some(Top(c)), Some(_)) => Some(object_with_holes(c, |key| {
            (key == "examples").then_some("{}")
        })?),
        _ => None,
    };
    // The rest is read as a document whose `paths` (and `components.examples`) are empty, in
    // the original key order.
    let rest = object_with_holes(&entries, |key| match key {
        "paths" => Some("{}"),
        "components" => components_rest.as_deref(),
        _ => None,
    })?;
    let (spec, second) = std::thread::scope(|scope| {
        let second = scope.spawn(move || {
            let key = (Cow::Borrowed("paths"), paths);
            if !probe_entries([&key]) {
                return None;
            }
            let paths = serde_json::from_str::<openapiv3::Paths>(paths.get()).ok()?;
            let examples = match examples {
                Some(raw) => {
                    let wrapped = format!("{{\"examples\":{}}}", raw.get());
                    Some(
                        serde_json::from_str::<openapiv3::Components>(&wrapped)
                            .ok()?
                            .examples,
                    )
                }
                None => None,
            };
            Some((paths, examples))
        });
        let first = entries.iter().filter(|(key, _)| key != "paths");
        let spec = probe_entries(first)
            .then(|| serde_json::from_str::<openapiv3::OpenAPI>(&rest).ok())
            .flatten();
        (spec, second.join().ok().flatten())
    });
    let mut spec = spec?;
    let (paths, examples) = second?;
    spec.paths = paths;
    if let Some(examples) = examples {
        spec.components.as_mut()?.examples = examples;
    }
    Some(spec)
}

/// `entries` written back as a JSON object, with the value of each key that `hole` names
/// replaced by the text it gives.
fn object_with_holes<'h>(
    entries: &[(Cow<'_, str>, &RawValue)],
    hole: impl Fn(&str) -> Option<&'h str>,
) -> Option<String> {
    let mut text = String::new();
    text.push('{');
    for (i, (key, raw)) in entries.iter().enumerate() {
        if i > 0 {
            text.push(',');
        }
        text.push_str(&serde_json::to_string(key).ok()?);
        text.push(':');
        text.push_str(hole(key).unwrap_or(raw.get()));
    }
    text.push('}');
    Some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn document(body: &str) -> String {
        format!(
            r#"{{"openapi": "3.0.3", "info": {{"title": "T", "version": "1"}}, "paths": {{"/a": {{"get": {{"responses": {{"200": {{"description": "ok", "content": {{"application/json": {{"schema": {body}}}}}}}}}}}}}}}}}"#
        )
    }

    #[test]
    fn a_plain_document_reads_as_through_a_value() {
        let plain = document(r#"{"type": "object", "properties": {"const": {"type": "string"}}}"#);
        let components = r#""components": {"schemas": {"A": {"type": "string"}}, "examples": {"e": {"value": {"b": 1, "a": [0.5]}}}, "x-y": 1}"#;
        let with_components = plain.replacen('{', &format!("{{{components}, "), 1);
        for text in [plain, with_components] {
            let value: serde_json::Value = serde_json::from_str(&text).unwrap();
            let through_value: openapiv3::OpenAPI = serde_json::from_value(value).unwrap();
            assert_eq!(read_json(&text), Some(through_value), "{text}");
        }
    }

    #[test]
    fn rewrites_duplicates_and_bad_versions_take_the_general_path() {
        for schema in [
            r#"{"type": ["string", "null"]}"#,
            r#"{"const": "x"}"#,
            r#"{"type": "integer", "exclusiveMinimum": 1}"#,
            r#"{"examples": ["x"], "type": "string"}"#,
            r#"{"type": "string", "type": "integer"}"#,
            r#"{"items": [{"type": ["string"]}]}"#,
        ] {
            assert_eq!(read_json(&document(schema)), None, "{schema}");
        }
        for schema in [
            r#"{"type": "integer", "exclusiveMinimum": true, "minimum": 1}"#,
            r#"{"type": "object", "example": {"const": 1, "type": ["a"]}}"#,
            r#"{"examples": {"a": {"value": 1}}, "type": "string"}"#,
        ] {
            assert!(read_json(&document(schema)).is_some(), "{schema}");
        }
        let swagger = document("{}").replace(r#""openapi": "3.0.3""#, r#""openapi": "2.0""#);
        assert_eq!(read_json(&swagger), None);
    }

    #[test]
    fn deep_nesting_takes_the_general_path() {
        // The schema is the ninth container from the root: 128 in all, one more than serde_json
        // reads, but 127 counted from `paths`, which the direct read parses on its own.
        let deep = format!("{}{}", "[".repeat(119), "]".repeat(119));
        let text = document(&format!(r#"{{"type": "object", "example": {deep}}}"#));
        assert!(serde_json::from_str::<serde_json::Value>(&text).is_err());
        assert_eq!(read_json(&text), None);
    }
}
