//! A lossy copy of a document that progenitor can read, so large real specs get a ratio at all.
//!
//! progenitor 0.15 asserts on shapes that real specs use everywhere: more than one media type
//! for a body or response ("more media types than expected"), more than one distinct success or
//! error response type per operation (`response_types.len() <= 1`), and enum values whose Rust
//! names collide (`+1` and `-1` both become `1`); and its output does not compile when two
//! schemas share a `title` (GitHub gives `simple-user` and `nullable-simple-user` one title, and
//! typify names both types after it), or when a `oneOf` is `nullable` (typify makes a struct of
//! it and then refers to enum variants it does not have). The copy drops what trips those limits, the
//! same way for every document, and both tools are then timed on the same copy, so the ratio
//! compares equal work. The rewrite is deliberately crude: it is benchmark input, not a spec.

use serde_json::Value;

/// Rewrites `document` in place; returns how many nodes it changed.
pub fn progenitor_compatible(document: &mut Value) -> usize {
    let mut changes = dedupe_enum_names(document);
    for section in ["paths", "components", "webhooks"] {
        if let Some(node) = document.get_mut(section) {
            changes += simplify_schemas(node, false);
        }
    }
    if let Some(Value::Object(paths)) = document.get_mut("paths") {
        for item in paths.values_mut() {
            let Some(item) = item.as_object_mut() else {
                continue;
            };
            for op in item.values_mut().filter_map(Value::as_object_mut) {
                if !op.contains_key("responses") {
                    continue;
                }
                if let Some(content) = op.get_mut("requestBody").and_then(|b| b.get_mut("content"))
                {
                    changes += keep_one_media_type(content);
                }
                if let Some(Value::Object(responses)) = op.get_mut("responses") {
                    changes += keep_one_response_per_class(responses);
                    for response in responses.values_mut() {
                        if let Some(content) = response.get_mut("content") {
                            changes += keep_one_media_type(content);
                        }
                    }
                }
            }
        }
    }
    if let Some(Value::Object(responses)) = document.pointer_mut("/components/responses") {
        for response in responses.values_mut() {
            if let Some(content) = response.get_mut("content") {
                changes += keep_one_media_type(content);
            }
        }
    }
    changes
}

/// Keeps `application/json` (or else the first media type in name order).
fn keep_one_media_type(content: &mut Value) -> usize {
    let Some(map) = content.as_object_mut() else {
        return 0;
    };
    if map.len() < 2 {
        return 0;
    }
    let keep = map
        .keys()
        .min_by_key(|k| (k.as_str() != "application/json", k.to_string()))
        .cloned()
        .expect("two or more keys");
    map.retain(|k, _| *k == keep);
    1
}

/// Keeps the lowest 2xx status and the lowest other status (or `default`), nothing else.
fn keep_one_response_per_class(responses: &mut serde_json::Map<String, Value>) -> usize {
    let first = |success: bool| {
        responses
            .keys()
            .filter(|k| k.starts_with('2') == success)
            .min()
            .cloned()
    };
    let keep = [first(true), first(false)];
    let before = responses.len();
    responses.retain(|k, _| keep.iter().flatten().any(|kept| kept == k));
    usize::from(responses.len() < before)
}

/// Drops every schema `title` (documentation only) so that types are named after their keys,
/// and `nullable` beside `oneOf`/`anyOf`. `names` is true for maps whose keys are names
/// (`properties`, `schemas`, ...), where `title` is a property, not the keyword.
fn simplify_schemas(node: &mut Value, names: bool) -> usize {
    match node {
        Value::Object(map) => {
            let mut changes = 0;
            if !names && map.get("title").is_some_and(Value::is_string) {
                map.remove("title");
                changes += 1;
            }
            let union = map.contains_key("oneOf") || map.contains_key("anyOf");
            if !names && union && map.get("nullable").is_some_and(Value::is_boolean) {
                map.remove("nullable");
                changes += 1;
            }
            for (key, child) in map.iter_mut() {
                let keyed = !names
                    && matches!(key.as_str(), "properties" | "schemas" | "patternProperties");
                changes += simplify_schemas(child, keyed);
            }
            changes
        }
        Value::Array(items) => items.iter_mut().map(|i| simplify_schemas(i, false)).sum(),
        _ => 0,
    }
}

/// Drops string enum values whose letters and digits repeat an earlier value's.
fn dedupe_enum_names(node: &mut Value) -> usize {
    match node {
        Value::Object(map) => {
            let mut changes = 0;
            if let Some(Value::Array(values)) = map.get_mut("enum") {
                let mut seen = std::collections::HashSet::new();
                let before = values.len();
                values.retain(|v| match v.as_str() {
                    Some(s) => seen.insert(
                        s.chars()
                            .filter(char::is_ascii_alphanumeric)
                            .collect::<String>()
                            .to_ascii_lowercase(),
                    ),
                    None => true,
                });
                changes += usize::from(values.len() < before);
            }
            changes + map.values_mut().map(dedupe_enum_names).sum::<usize>()
        }
        Value::Array(items) => items.iter_mut().map(dedupe_enum_names).sum(),
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn drops_what_progenitor_cannot_read_and_nothing_else() {
        let mut doc = json!({
            "paths": {"/a": {"get": {
                "requestBody": {"content": {"text/plain": {}, "application/json": {}}},
                "responses": {
                    "201": {"description": "x"},
                    "200": {"description": "x", "content": {"application/json": {}, "text/html": {}}},
                    "404": {"description": "x"},
                    "default": {"description": "x"}
                }
            }}},
            "components": {"schemas": {
                "R": {"enum": ["+1", "-1", "laugh", 3]},
                "title": {"title": "Twin", "properties": {"title": {"type": "string"}}},
                "U": {"nullable": true, "oneOf": [{"type": "string"}, {"type": "integer"}]}
            }}
        });
        assert_eq!(progenitor_compatible(&mut doc), 6);
        assert_eq!(
            doc,
            json!({
                "paths": {"/a": {"get": {
                    "requestBody": {"content": {"application/json": {}}},
                    "responses": {
                        "200": {"description": "x", "content": {"application/json": {}}},
                        "404": {"description": "x"}
                    }
                }}},
                "components": {"schemas": {
                    "R": {"enum": ["+1", "laugh", 3]},
                    "title": {"properties": {"title": {"type": "string"}}},
                    "U": {"oneOf": [{"type": "string"}, {"type": "integer"}]}
                }}
            })
        );
        assert_eq!(
            progenitor_compatible(&mut doc),
            0,
            "a second pass changes nothing"
        );
    }
}
