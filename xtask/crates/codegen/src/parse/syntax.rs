//! Text to a JSON value: YAML, or JSON by file extension, with syntax errors located at
//! line:column. Both the document and its overlay are read here, so the overlay stage depends on
//! this one and not on the OpenAPI reader that applies it.

use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::load::SourceFile;
use serde_json::Value;

/// A parser's message without the " at line X column Y" both serde_json and serde_yaml_ng
/// append: the location is shown separately, with the source line.
fn without_position(error: &impl std::fmt::Display) -> String {
    let message = error.to_string();
    message
        .split(" at line ")
        .next()
        .unwrap_or(&message)
        .to_owned()
}

/// Parses YAML (or JSON, by file extension) into a value, reporting syntax errors with line:column.
pub fn parse_document(file: &SourceFile, diagnostics: &mut Diagnostics) -> Option<Value> {
    let (result, kind, hint) = if file.path.ends_with(".json") {
        let result = serde_json::from_str::<Value>(&file.text)
            .map_err(|e| (Location::at(e.line(), e.column()), without_position(&e)));
        (
            result,
            "JSON",
            "fix the syntax at this position; a JSON validator shows the same error",
        )
    } else {
        let result = serde_yaml_ng::from_str::<Value>(&file.text).map_err(|e| {
            let location = e
                .location()
                .map(|l| Location::at(l.line(), l.column()))
                .unwrap_or_default();
            (location, without_position(&e))
        });
        (
            result,
            "YAML",
            "check indentation and quoting near this position; strings with `: ` or a leading `{`, `[`, `*` or `&` need quotes",
        )
    };
    match result {
        Ok(value) => Some(value),
        Err((location, message)) => {
            diagnostics.push(
                Diagnostic::error(&file.path, location, format!("invalid {kind}: {message}"))
                    .with_hint(hint),
            );
            None
        }
    }
}
