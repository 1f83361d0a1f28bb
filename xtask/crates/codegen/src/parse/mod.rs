//! Stage 2: text to values. YAML or JSON text becomes a `serde_json::Value`, an overlay is applied
//! to it, OpenAPI 3.1 idioms are rewritten to their 3.0 equivalents, and the result is read as an
//! `openapiv3::OpenAPI`. Every failure becomes a located diagnostic; nothing here panics on input.

mod direct;
pub mod overlay;
pub mod source_map;
pub mod syntax;

use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::load::SourceFile;
use overlay::apply_overlay;
use serde_json::{Map, Value};
pub use syntax::parse_document;

/// Rewrites OpenAPI 3.1 schema idioms that `openapiv3` (a 3.0 model) cannot read: type arrays
/// with `null` become `nullable`, `const` becomes a one-value `enum`, numeric
/// `exclusiveMinimum`/`exclusiveMaximum` become bounds, and array `examples` become `example`.
/// Returns how many nodes it rewrote. `names` is true for maps whose keys are names (the
/// children of `properties`, `schemas`, ...), where a key such as `const` is a property name.
fn downgrade_31(value: &mut Value, names: bool) -> usize {
    let mut rewrites = 0;
    match value {
        Value::Object(map) if !names => {
            if let Some(Value::Array(types)) = map.get("type").cloned() {
                rewrites += 1;
                let non_null: Vec<Value> = types
                    .iter()
                    .filter(|t| t.as_str() != Some("null"))
                    .cloned()
                    .collect();
                if non_null.len() < types.len() {
                    map.insert("nullable".into(), Value::Bool(true));
                }
                match non_null.len() {
                    0 => {
                        map.remove("type");
                    }
                    1 => {
                        map.insert("type".into(), non_null[0].clone());
                    }
                    _ => {
                        map.remove("type");
                        let alternatives = non_null
                            .into_iter()
                            .map(|t| Value::Object(Map::from_iter([("type".to_owned(), t)])))
                            .collect();
                        map.insert("anyOf".into(), Value::Array(alternatives));
                    }
                }
            }
            if let Some(constant) = map.remove("const") {
                rewrites += 1;
                map.insert("enum".into(), Value::Array(vec![constant]));
            }
            for (key, bound, lower) in [
                ("exclusiveMinimum", "minimum", true),
                ("exclusiveMaximum", "maximum", false),
            ] {
                if let Some(Value::Number(n)) = map.get(key).cloned() {
                    rewrites += 1;
                    // 3.1 allows both keywords at once (`minimum: 10, exclusiveMinimum: 5`); the
                    // 3.0 form holds one bound, so the tighter one is kept.
                    let inclusive = map.get(bound).and_then(Value::as_f64);
                    let exclusive = n.as_f64().unwrap_or(0.0);
                    let inclusive_tighter = inclusive
                        .is_some_and(|i| if lower { i > exclusive } else { i < exclusive });
                    if inclusive_tighter {
                        map.remove(key);
                    } else {
                        map.insert(bound.into(), Value::Number(n));
                        map.insert(key.into(), Value::Bool(true));
                    }
                }
            }
            if map.contains_key("type") || map.contains_key("properties") {
                if let Some(Value::Array(examples)) = map.get("examples").cloned() {
                    rewrites += 1;
                    map.remove("examples");
                    if let Some(first) = examples.into_iter().next() {
                        map.entry("example").or_insert(first);
                    }
                }
            }
            for (key, child) in map.iter_mut() {
                // Examples are data, not schemas: a `type` array inside one is a value.
                if key == "example" || key == "examples" || key == "default" || key == "enum" {
                    continue;
                }
                let child_names = matches!(
                    key.as_str(),
                    "properties" | "schemas" | "patternProperties" | "$defs" | "definitions"
                );
                rewrites += downgrade_31(child, child_names);
            }
        }
        Value::Object(map) => {
            for child in map.values_mut() {
                rewrites += downgrade_31(child, false);
            }
        }
        Value::Array(items) => {
            for item in items {
                rewrites += downgrade_31(item, false);
            }
        }
        _ => {}
    }
    rewrites
}

/// A parsed OpenAPI document. Lowering reads the typed document; the JSON value it came from
/// (after the overlay and the 3.1 rewrite) is needed only for `$ref`s that point outside
/// `components` and by tools that serve the document. Keeping both at once doubled peak memory
/// on large specs, so unless asked to keep it the value is consumed into the typed document and
/// rebuilt from the source text, deterministically, on first use.
pub struct ParsedOpenApi<'a> {
    /// The typed document.
    pub spec: openapiv3::OpenAPI,
    raw: std::cell::OnceCell<Value>,
    document: &'a SourceFile,
    overlay: Option<&'a SourceFile>,
}

impl ParsedOpenApi<'_> {
    /// The value after overlay and 3.1 rewriting.
    pub fn raw(&self) -> &Value {
        self.raw.get_or_init(|| {
            // The same inputs normalised the same way a moment ago, so this cannot fail; the
            // warnings were reported then.
            normalized_value(self.document, self.overlay, &mut Diagnostics::new())
                .unwrap_or(Value::Null)
        })
    }

    /// [`Self::raw`], by value.
    pub fn into_raw(self) -> Value {
        self.raw();
        self.raw.into_inner().unwrap_or(Value::Null)
    }
}

/// The document as a JSON value after its version check, the overlay and the 3.1 rewrite.
fn normalized_value(
    document: &SourceFile,
    overlay: Option<&SourceFile>,
    diagnostics: &mut Diagnostics,
) -> Option<Value> {
    let mut value = parse_document(document, diagnostics)?;
    let version = match value.get("openapi") {
        Some(Value::String(v)) => v.clone(),
        _ => {
            let hint = if value.get("swagger").is_some() {
                "this is a Swagger 2.0 document; convert it to OpenAPI 3 first (for example with swagger2openapi)"
            } else {
                "an OpenAPI document starts with `openapi: 3.0.3` (or another 3.x version), then `info` and `paths`"
            };
            let at = if value.get("swagger").is_some() {
                "#/swagger"
            } else {
                "#"
            };
            diagnostics.push(
                Diagnostic::error(
                    &document.path,
                    Location::pointer(at),
                    "not an OpenAPI 3.x document: no `openapi` version field",
                )
                .with_hint(hint),
            );
            return None;
        }
    };
    if !version.starts_with("3.") {
        diagnostics.push(
            Diagnostic::error(
                &document.path,
                Location::pointer("#/openapi"),
                format!("unsupported OpenAPI version `{version}`"),
            )
            .with_hint("specgen reads OpenAPI 3.0 and 3.1 documents"),
        );
        return None;
    }
    if let Some(overlay) = overlay {
        let before = diagnostics.error_count();
        apply_overlay(&mut value, overlay, diagnostics);
        if diagnostics.error_count() > before {
            return None;
        }
    }
    // Generators such as FastAPI emit 3.1 idioms (numeric `exclusiveMinimum`) in documents that
    // declare 3.0; reading them the 3.1 way is what the vendor meant, so every document is
    // normalised, and a 3.0 document that needed it gets one warning.
    let rewrites = downgrade_31(&mut value, false);
    if rewrites > 0 && !version.starts_with("3.1") {
        diagnostics.push(
            Diagnostic::warning(
                &document.path,
                Location::pointer("#/openapi"),
                format!("the document declares OpenAPI {version} but uses OpenAPI 3.1 schema idioms in {rewrites} places (numeric exclusiveMinimum, type arrays, const); they are read as 3.1"),
            )
            .with_hint("nothing to do; ask the vendor to declare `openapi: 3.1.0` or to emit 3.0 schemas"),
        );
    }
    Some(value)
}

/// Parses an OpenAPI document and applies its overlay. With `keep_raw`, the JSON value stays
/// in memory beside the typed document (for tools that serve it); without, it is rebuilt only if
/// lowering asks for it.
pub fn parse_openapi<'a>(
    document: &'a SourceFile,
    overlay: Option<&'a SourceFile>,
    diagnostics: &mut Diagnostics,
    keep_raw: bool,
) -> Option<ParsedOpenApi<'a>> {
    let parsed = |spec, raw: Option<Value>| ParsedOpenApi {
        spec,
        raw: raw.map(std::cell::OnceCell::from).unwrap_or_default(),
        document,
        overlay,
    };
    // A JSON document without an overlay is usually read straight from its text; the value
    // is then rebuilt only if lowering asks for it, as after the read below.
    if !keep_raw && overlay.is_none() && document.path.ends_with(".json") {
        if let Some(spec) = direct::read_json(&document.text) {
            return Some(parsed(spec, None));
        }
    }
    let value = normalized_value(document, overlay, diagnostics)?;
    // Path tracking costs time on every node; a valid document does not need it, so it is only
    // paid again, to locate the problem, when the plain read fails. Read by value, the typed
    // document takes over the value's strings instead of copying them.
    let value = if keep_raw {
        if let Ok(spec) = <openapiv3::OpenAPI as serde::Deserialize>::deserialize(&value) {
            return Some(parsed(spec, Some(value)));
        }
        value
    } else {
        if let Some(spec) = read_typed_in_parallel(value) {
            return Some(parsed(spec, None));
        }
        normalized_value(document, overlay, &mut Diagnostics::new())?
    };
    let mut track = serde_path_to_error::Track::new();
    let deserializer = serde_path_to_error::Deserializer::new(&value, &mut track);
    match <openapiv3::OpenAPI as serde::Deserialize>::deserialize(deserializer) {
        Ok(spec) => Some(parsed(spec, Some(value))),
        Err(err) => {
            let path = track.path();
            let pointer = refine_pointer(&value, path_to_pointer(&path));
            diagnostics.push(
                Diagnostic::error(&document.path, Location::pointer(pointer), format!("not a valid OpenAPI document: {err}"))
                    .with_hint("compare this node with the OpenAPI 3.0 specification's object of the same name"),
            );
            None
        }
    }
}

/// Reads the typed document from `value`, the paths on a second thread while the rest (mostly
/// `components`) is read on this one: on large documents the two halves are similar in size.
/// `None` when either part does not read; the caller then locates the error on the slow path.
fn read_typed_in_parallel(mut value: Value) -> Option<openapiv3::OpenAPI> {
    let paths = match value.get_mut("paths") {
        // `paths` is a required field: the rest is read with an empty one in its place.
        Some(paths) => std::mem::replace(paths, Value::Object(Map::new())),
        None => return None,
    };
    let (spec, paths) = std::thread::scope(|scope| {
        let paths =
            scope.spawn(move || <openapiv3::Paths as serde::Deserialize>::deserialize(paths));
        let spec = <openapiv3::OpenAPI as serde::Deserialize>::deserialize(value);
        (spec, paths.join())
    });
    let mut spec = spec.ok()?;
    spec.paths = paths.ok()?.ok()?;
    Some(spec)
}

/// Tries to deserialize `value` as `T`, returning the pointer (below `base`) of the first error.
fn first_error<T: serde::de::DeserializeOwned>(value: &Value, base: &str) -> Option<String> {
    let mut track = serde_path_to_error::Track::new();
    let deserializer = serde_path_to_error::Deserializer::new(value, &mut track);
    match <T as serde::Deserialize>::deserialize(deserializer) {
        Ok(_) => None,
        Err(_) => Some(format!("{base}{}", &path_to_pointer(&track.path())[1..])),
    }
}

/// openapiv3 reads maps such as `paths` and `responses` through `flatten`, which hides the path
/// below them from serde_path_to_error. Deserializing their entries one by one finds the entry
/// (and the node inside it) that is wrong, so the user is pointed at the line, not the section.
fn refine_pointer(document: &Value, pointer: String) -> String {
    use source_map::escape_token;
    let mut pointer = pointer;
    for _ in 0..4 {
        let Some(node) = document.pointer(pointer.trim_start_matches('#')) else {
            return pointer;
        };
        let Some(map) = node.as_object() else {
            return pointer;
        };
        // ReferenceOr buffers its input, which hides the path again, so `$ref` entries are skipped
        // (they cannot hold a structural error) and the rest are read as the bare object.
        let entries = map
            .iter()
            .filter(|(_, v)| v.get("$ref").is_none())
            .map(|(k, v)| (format!("{pointer}/{}", escape_token(k)), v));
        let refined = if pointer == "#/paths" {
            entries
                .filter_map(|(at, v)| first_error::<openapiv3::PathItem>(v, &at))
                .next()
        } else if pointer.ends_with("/responses") && pointer.starts_with("#/paths/") {
            entries
                .filter_map(|(at, v)| first_error::<openapiv3::Response>(v, &at))
                .next()
        } else if pointer == "#/components/schemas" {
            entries
                .filter_map(|(at, v)| first_error::<openapiv3::Schema>(v, &at))
                .next()
        } else if pointer == "#/components/responses" {
            entries
                .filter_map(|(at, v)| first_error::<openapiv3::Response>(v, &at))
                .next()
        } else if pointer == "#/components/parameters" {
            entries
                .filter_map(|(at, v)| first_error::<openapiv3::Parameter>(v, &at))
                .next()
        } else {
            None
        };
        match refined {
            Some(deeper) if deeper != pointer => pointer = deeper,
            _ => return pointer,
        }
    }
    pointer
}

/// Turns serde_path_to_error's dotted path into a JSON pointer.
fn path_to_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut pointer = String::from("#");
    for segment in path.iter() {
        pointer.push('/');
        match segment {
            Segment::Seq { index } => pointer.push_str(&index.to_string()),
            Segment::Map { key } => pointer.push_str(&source_map::escape_token(key)),
            Segment::Enum { variant } => pointer.push_str(&source_map::escape_token(variant)),
            Segment::Unknown => pointer.push('?'),
        }
    }
    pointer
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn yaml_integer_keys_become_strings() {
        let file = SourceFile {
            path: "a.yaml".into(),
            text: "responses:\n  200:\n    description: ok\n".into(),
        };
        let value = parse_document(&file, &mut Diagnostics::new()).unwrap();
        assert_eq!(value, json!({"responses": {"200": {"description": "ok"}}}));
    }

    #[test]
    fn the_parallel_read_equals_the_whole_read() {
        let value = json!({
            "openapi": "3.0.3",
            "info": {"title": "T", "version": "1"},
            "paths": {"x-ext": 1, "/a": {"get": {"responses": {"200": {"description": "ok"}}}}},
            "components": {"schemas": {"A": {"type": "string"}}}
        });
        let whole: openapiv3::OpenAPI = serde_json::from_value(value.clone()).unwrap();
        assert_eq!(read_typed_in_parallel(value), Some(whole));
        let broken =
            json!({"openapi": "3.0.3", "info": {"title": "T", "version": "1"}, "paths": {"/a": 5}});
        assert_eq!(read_typed_in_parallel(broken), None);
    }

    #[test]
    fn property_names_are_not_rewritten() {
        let mut v =
            json!({"properties": {"const": {"type": "string"}, "type": {"type": "string"}}});
        let before = v.clone();
        assert_eq!(downgrade_31(&mut v, false), 0);
        assert_eq!(v, before);
    }

    #[test]
    fn openapi_31_type_arrays_become_nullable() {
        let mut v = json!({"type": ["string", "null"], "const": "x", "properties": {"a": {"type": ["integer", "string"]}}});
        assert_eq!(downgrade_31(&mut v, false), 3);
        assert_eq!(
            v,
            json!({"type": "string", "nullable": true, "enum": ["x"], "properties": {"a": {"anyOf": [{"type": "integer"}, {"type": "string"}]}}})
        );
    }
}
