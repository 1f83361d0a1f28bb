//! OpenAPI Overlay 1.0: conventions that live beside a vendor's document, not inside it.
//!
//! Vendor files stay byte-for-byte as published, yet some rules are only in the vendor's prose
//! (seed 000: "All POST requests require an X-Idempotency-Key header"). An overlay states such a
//! rule once, as `actions` whose `target` is a JSONPath (RFC 9535, via `serde_json_path`) and
//! whose `update` is merged into every selected node (objects merge recursively, arrays append,
//! anything else is replaced) or whose `remove: true` deletes them. Actions apply in order.

use super::syntax::parse_document;
use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::load::SourceFile;
use serde_json::Value;
use serde_json_path::JsonPath;

/// Merges `update` into `target` as Overlay 1.0 `update` does.
fn merge(target: &mut Value, update: &Value) {
    match (target, update) {
        (Value::Object(target), Value::Object(update)) => {
            for (key, value) in update {
                match target.get_mut(key) {
                    Some(existing) => merge(existing, value),
                    None => {
                        target.insert(key.clone(), value.clone());
                    }
                }
            }
        }
        (Value::Array(target), Value::Array(update)) => target.extend(update.iter().cloned()),
        (Value::Array(target), update) => target.push(update.clone()),
        (target, update) => *target = update.clone(),
    }
}

/// Removes the node at `pointer` from `document`.
fn remove(document: &mut Value, pointer: &str) {
    let Some(split) = pointer.rfind('/') else {
        return;
    };
    let (parent, token) = pointer.split_at(split);
    let token = token[1..].replace("~1", "/").replace("~0", "~");
    match document.pointer_mut(parent) {
        Some(Value::Object(map)) => {
            map.shift_remove(&token);
        }
        Some(Value::Array(items)) => {
            if let Ok(index) = token.parse::<usize>() {
                if index < items.len() {
                    items.remove(index);
                }
            }
        }
        _ => {}
    }
}

/// Parses `overlay` and applies its actions to `document`, reporting problems against the overlay.
pub fn apply_overlay(document: &mut Value, overlay: &SourceFile, diagnostics: &mut Diagnostics) {
    let Some(spec) = parse_document(overlay, diagnostics) else {
        return;
    };
    let error = |pointer: &str, message: String, hint: &str| {
        Diagnostic::error(&overlay.path, Location::pointer(pointer), message).with_hint(hint)
    };
    match spec.get("overlay").and_then(Value::as_str) {
        Some(version) if version.starts_with("1.") => {}
        other => diagnostics.push(error(
            "#/overlay",
            format!("not an OpenAPI Overlay 1.x document (overlay: {other:?})"),
            "start the file with `overlay: 1.0.0`, then `info` and `actions`",
        )),
    }
    let Some(actions) = spec.get("actions").and_then(Value::as_array) else {
        diagnostics.push(error(
            "#/actions",
            "the overlay has no `actions` list".into(),
            "add `actions:` with at least one `target`",
        ));
        return;
    };
    for (i, action) in actions.iter().enumerate() {
        let at = format!("#/actions/{i}");
        let Some(target) = action.get("target").and_then(Value::as_str) else {
            diagnostics.push(error(
                &at,
                "action has no `target`".into(),
                "give each action a JSONPath `target`, such as `$.paths.*.post`",
            ));
            continue;
        };
        let path = match JsonPath::parse(target) {
            Ok(path) => path,
            Err(err) => {
                diagnostics.push(error(
                    &format!("{at}/target"),
                    format!("invalid JSONPath `{target}`: {err}"),
                    "targets use RFC 9535 JSONPath, such as `$.paths['/v1/clients'].post`",
                ));
                continue;
            }
        };
        let pointers: Vec<String> = path
            .query_located(document)
            .locations()
            .map(|l| l.to_json_pointer())
            .collect();
        if pointers.is_empty() {
            diagnostics.push(
                Diagnostic::warning(
                    &overlay.path,
                    Location::pointer(format!("{at}/target")),
                    format!("target `{target}` selects nothing in the document"),
                )
                .with_hint("the document may have changed; check the path against it"),
            );
        }
        let remove_it = action
            .get("remove")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        match (action.get("update"), remove_it) {
            (Some(_), true) => diagnostics.push(error(
                &at,
                "action has both `update` and `remove: true`".into(),
                "split it into two actions",
            )),
            (None, false) => diagnostics.push(error(
                &at,
                "action has neither `update` nor `remove: true`".into(),
                "add `update:` with the values to merge",
            )),
            (Some(update), false) => {
                for pointer in &pointers {
                    if let Some(node) = document.pointer_mut(pointer) {
                        merge(node, update);
                    }
                }
            }
            (None, true) => {
                // Remove deepest-last so earlier removals do not shift later array indices.
                for pointer in pointers.iter().rev() {
                    remove(document, pointer);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn overlay(text: &str) -> SourceFile {
        SourceFile {
            path: "specs/x.overlay.yaml".into(),
            text: text.into(),
        }
    }

    #[test]
    fn update_merges_objects_and_appends_arrays() {
        let mut doc = json!({"paths": {"/a": {"post": {"parameters": [{"name": "p"}]}, "get": {}}, "/b": {"post": {}}}});
        let mut diagnostics = Diagnostics::new();
        let text = "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n  - target: $.paths.*.post\n    update:\n      parameters:\n        - name: X-Idempotency-Key\n";
        apply_overlay(&mut doc, &overlay(text), &mut diagnostics);
        assert!(diagnostics.is_empty(), "{diagnostics}");
        assert_eq!(
            doc["paths"]["/a"]["post"]["parameters"],
            json!([{"name": "p"}, {"name": "X-Idempotency-Key"}])
        );
        assert_eq!(
            doc["paths"]["/b"]["post"]["parameters"],
            json!([{"name": "X-Idempotency-Key"}])
        );
        assert_eq!(doc["paths"]["/a"]["get"], json!({}));
    }

    #[test]
    fn remove_deletes_every_selected_node() {
        let mut doc = json!({"tags": [{"name": "a"}, {"name": "b"}, {"name": "c"}]});
        let mut diagnostics = Diagnostics::new();
        let text = "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n  - target: $.tags[0,2]\n    remove: true\n";
        apply_overlay(&mut doc, &overlay(text), &mut diagnostics);
        assert_eq!(doc, json!({"tags": [{"name": "b"}]}));
    }

    #[test]
    fn bad_targets_are_reported_with_their_pointer() {
        let mut doc = json!({});
        let mut diagnostics = Diagnostics::new();
        let text = "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n  - target: $.paths[\n    update: {}\n  - update: {}\n";
        apply_overlay(&mut doc, &overlay(text), &mut diagnostics);
        let pointers: Vec<_> = diagnostics
            .iter()
            .map(|d| d.location.pointer.clone().unwrap())
            .collect();
        assert_eq!(pointers, ["#/actions/0/target", "#/actions/1"]);
        assert_eq!(diagnostics.error_count(), 2);
    }
}
