//! Parameter text read as the JSON value its type stands for, and integer text beyond its type.
//!
//! Query, path and header parameters arrive as text; the validator checks JSON. These functions
//! bridge the two for the mock, the proxy and the contract runner alike, so a parameter is read
//! one way everywhere.

use super::{Validator, integer_name};
use serde_json::Value;
use specgen_ir::ir::{Primitive, TypeKind, TypeRef};

/// For parameter text that is an integer literal (`-?[0-9]+`) but beyond what the parameter's
/// integer type holds, the message that says so; `None` for anything else. Text is checked as
/// text because no JSON number holds such a value exactly.
pub fn integer_out_of_range(validator: &Validator, ty: &TypeRef, text: &str) -> Option<String> {
    let p = match ty {
        TypeRef::Primitive(p) => *p,
        TypeRef::Nullable(inner) | TypeRef::Boxed(inner) => {
            return integer_out_of_range(validator, inner, text);
        }
        TypeRef::Named(name) => match validator.type_def(name).map(|d| &d.kind) {
            Some(TypeKind::Newtype(n)) => n.inner,
            Some(TypeKind::Alias(inner)) => return integer_out_of_range(validator, inner, text),
            _ => return None,
        },
        // An array parameter's text is its items joined by commas (or one item, exploded).
        TypeRef::Array(item) => {
            return text
                .split(',')
                .find_map(|part| integer_out_of_range(validator, item, part));
        }
        _ => return None,
    };
    if !matches!(p, Primitive::I32 | Primitive::I64 | Primitive::U64) {
        return None;
    }
    let digits = text.strip_prefix('-').unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (lo, hi) = match p {
        Primitive::I32 => (i32::MIN as i128, i32::MAX as i128),
        Primitive::I64 => (i64::MIN as i128, i64::MAX as i128),
        _ => (0, u64::MAX as i128),
    };
    match text.parse::<i128>() {
        Ok(i) if (lo..=hi).contains(&i) => None,
        _ => Some(format!("{text} is out of range for {}", integer_name(p))),
    }
}

/// A UUID in its hyphenated text form (the form the `uuid` format means).
pub fn is_uuid(s: &str) -> bool {
    s.len() == 36 && uuid::Uuid::parse_str(s).is_ok()
}

/// An RFC 3339 full-date.
pub fn is_date(s: &str) -> bool {
    s.len() == 10 && chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok()
}

/// The JSON value a parameter's text stands for, given the parameter's type: `"42"` is the
/// integer 42 for an integer parameter and the string "42" for a string one. Text that cannot be
/// the type stays a string, so validation then reports it with the type's own message.
pub fn parameter_value(validator: &Validator, ty: &TypeRef, text: &str) -> Value {
    let scalar = |p: Primitive| -> Value {
        match p {
            Primitive::I32 | Primitive::I64 | Primitive::U64 => text
                .parse::<i64>()
                .map(Value::from)
                .or_else(|_| text.parse::<u64>().map(Value::from))
                .unwrap_or_else(|_| Value::String(text.to_owned())),
            // Whole numbers stay integers, so a message shows `1` as it was sent, not `1.0`.
            Primitive::F32 | Primitive::F64 => text
                .parse::<i64>()
                .map(Value::from)
                .ok()
                .or_else(|| {
                    text.parse::<f64>()
                        .ok()
                        .and_then(serde_json::Number::from_f64)
                        .map(Value::Number)
                })
                .unwrap_or_else(|| Value::String(text.to_owned())),
            Primitive::Bool => match text {
                "true" => Value::Bool(true),
                "false" => Value::Bool(false),
                _ => Value::String(text.to_owned()),
            },
            _ => Value::String(text.to_owned()),
        }
    };
    match ty {
        TypeRef::Primitive(p) => scalar(*p),
        TypeRef::Nullable(inner) | TypeRef::Boxed(inner) => parameter_value(validator, inner, text),
        TypeRef::Array(item) => Value::Array(
            text.split(',')
                .map(|part| parameter_value(validator, item, part))
                .collect(),
        ),
        TypeRef::Named(name) => match validator.type_def(name).map(|d| &d.kind) {
            Some(TypeKind::Newtype(n)) => scalar(n.inner),
            Some(TypeKind::Alias(inner)) => parameter_value(validator, inner, text),
            _ => Value::String(text.to_owned()),
        },
        _ => Value::String(text.to_owned()),
    }
}
