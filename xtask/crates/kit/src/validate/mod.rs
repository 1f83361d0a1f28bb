//! JSON values checked against the IR: every violation, each with its JSON pointer.
//!
//! The mock server checks requests with it and the contract runner checks responses with it, so
//! both sides of a contract test agree on what "valid" means. It reads only the IR (`ir::Api`),
//! never the raw document: a constraint the generated client enforces is a constraint checked
//! here, and nothing else. Validation never stops at the first problem: a request with a wrong
//! enum and a missing field gets both reported, each at its own pointer (RFC 6901, `""` being
//! the whole document).

use regex::Regex;
use serde_json::Value;
use specgen_ir::ir::{
    Api, JsonShape, Newtype, NumberBounds, Primitive, TypeDef, TypeKind, TypeRef,
};
use std::collections::HashMap;
use std::fmt;

/// Which way a value travels, for `readOnly` and `writeOnly` properties.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Client to server: `readOnly` properties are not required.
    Request,
    /// Server to client: `writeOnly` properties are not required.
    Response,
}

/// One way a value breaks its schema.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Violation {
    /// Where, as a JSON pointer into the checked value (`/businessDetails/institutionType`).
    pub pointer: String,
    /// What is wrong, in one sentence.
    pub message: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pointer = if self.pointer.is_empty() {
            "(root)"
        } else {
            &self.pointer
        };
        write!(f, "{pointer}: {}", self.message)
    }
}

/// JSON-pointer escaping is the shared vocabulary's, so every pointer is spelled one way.
pub use specgen_ir::protocol::pointer::escape_token;

/// Checks JSON values against the types of one API.
///
/// It owns a copy of the API's type definitions, so a long-running server can keep one without
/// borrowing the IR.
#[derive(Debug, Clone)]
pub struct Validator {
    types: HashMap<String, TypeDef>,
    patterns: HashMap<String, Regex>,
}

/// How deep nested values are followed before giving up, so a hostile document cannot overflow
/// the stack of a server that validates it.
const MAX_DEPTH: usize = 64;

impl Validator {
    /// A validator for the types of `api`. Patterns are compiled once, here; a pattern the regex
    /// engine cannot compile (an ECMA-only construct) is not checked rather than failing
    /// everything.
    pub fn new(api: &Api) -> Self {
        let types = api
            .types
            .iter()
            .map(|t| (t.name.clone(), t.clone()))
            .collect();
        let patterns = api
            .types
            .iter()
            .filter_map(|t| match &t.kind {
                TypeKind::Newtype(Newtype {
                    pattern: Some(p), ..
                }) => Regex::new(p).ok().map(|r| (t.name.clone(), r)),
                _ => None,
            })
            .collect();
        Validator { types, patterns }
    }

    /// The definition of a named type, if the API has it.
    pub fn type_def(&self, name: &str) -> Option<&TypeDef> {
        self.types.get(name)
    }

    /// Every violation of `value` against `ty`; empty when the value is valid.
    pub fn validate(&self, ty: &TypeRef, value: &Value, direction: Direction) -> Vec<Violation> {
        let mut out = Vec::new();
        self.check(ty, value, direction, &mut String::new(), 0, &mut out);
        out
    }

    /// Every violation of `value` against `ty` and the `bounds` of the site that holds it (a
    /// parameter or a response header; struct fields carry their own bounds).
    pub fn validate_bounded(
        &self,
        ty: &TypeRef,
        bounds: Option<&NumberBounds>,
        value: &Value,
        direction: Direction,
    ) -> Vec<Violation> {
        let mut out = Vec::new();
        let mut pointer = String::new();
        self.check(ty, value, direction, &mut pointer, 0, &mut out);
        if let Some(bounds) = bounds {
            self.check_bounds(bounds, ty, value, &mut pointer, 0, &mut out);
        }
        out
    }

    /// Whether `value` is valid against `ty`.
    pub fn is_valid(&self, ty: &TypeRef, value: &Value, direction: Direction) -> bool {
        self.validate(ty, value, direction).is_empty()
    }

    fn push(out: &mut Vec<Violation>, pointer: &str, message: String) {
        out.push(Violation {
            pointer: pointer.to_owned(),
            message,
        });
    }

    fn check(
        &self,
        ty: &TypeRef,
        value: &Value,
        direction: Direction,
        pointer: &mut String,
        depth: usize,
        out: &mut Vec<Violation>,
    ) {
        if depth > MAX_DEPTH {
            Self::push(out, pointer, "nested too deeply to check".into());
            return;
        }
        match ty {
            TypeRef::Json => {}
            TypeRef::FreeForm { shape, nullable } => {
                let fits = match shape {
                    JsonShape::Object => value.is_object(),
                    JsonShape::Array => value.is_array(),
                } || (*nullable && value.is_null());
                if !fits {
                    let want = match shape {
                        JsonShape::Object => "an object",
                        JsonShape::Array => "an array",
                    };
                    Self::push(
                        out,
                        pointer,
                        format!("expected {want} (free-form), found {}", kind(value)),
                    );
                }
            }
            TypeRef::Nullable(inner) => {
                if !value.is_null() {
                    self.check(inner, value, direction, pointer, depth + 1, out);
                }
            }
            TypeRef::Boxed(inner) => self.check(inner, value, direction, pointer, depth + 1, out),
            TypeRef::Primitive(p) => check_primitive(*p, value, pointer, out),
            TypeRef::Array(item) => match value {
                Value::Array(items) => {
                    for (i, v) in items.iter().enumerate() {
                        let len = pointer.len();
                        pointer.push('/');
                        pointer.push_str(&i.to_string());
                        self.check(item, v, direction, pointer, depth + 1, out);
                        pointer.truncate(len);
                    }
                }
                other => Self::push(
                    out,
                    pointer,
                    format!("expected an array, found {}", kind(other)),
                ),
            },
            TypeRef::Map(item) => match value {
                Value::Object(map) => {
                    for (k, v) in map {
                        let len = pointer.len();
                        pointer.push('/');
                        pointer.push_str(&escape_token(k));
                        self.check(item, v, direction, pointer, depth + 1, out);
                        pointer.truncate(len);
                    }
                }
                other => Self::push(
                    out,
                    pointer,
                    format!("expected an object, found {}", kind(other)),
                ),
            },
            // A name the IR does not define cannot be checked; the generator would not have
            // produced it, so this only happens with hand-built IR.
            TypeRef::Named(name) => {
                if let Some(def) = self.types.get(name) {
                    self.check_def(def, value, direction, pointer, depth, out);
                }
            }
        }
    }

    fn check_def(
        &self,
        def: &TypeDef,
        value: &Value,
        direction: Direction,
        pointer: &mut String,
        depth: usize,
        out: &mut Vec<Violation>,
    ) {
        match &def.kind {
            TypeKind::Alias(ty) => self.check(ty, value, direction, pointer, depth + 1, out),
            TypeKind::Enum(e) => match value {
                Value::String(s) => {
                    if !e.variants.iter().any(|v| v.wire_name == *s) {
                        let allowed: Vec<&str> =
                            e.variants.iter().map(|v| v.wire_name.as_str()).collect();
                        Self::push(
                            out,
                            pointer,
                            format!(
                                "`{s}` is not one of the documented values of {}: {}",
                                def.name,
                                abbreviate(&allowed)
                            ),
                        );
                    }
                }
                other => Self::push(
                    out,
                    pointer,
                    format!(
                        "expected a string (enum {}), found {}",
                        def.name,
                        kind(other)
                    ),
                ),
            },
            TypeKind::Newtype(n) => self.check_newtype(&def.name, n, value, pointer, out),
            TypeKind::Struct(s) => {
                let Value::Object(map) = value else {
                    Self::push(
                        out,
                        pointer,
                        format!("expected an object ({}), found {}", def.name, kind(value)),
                    );
                    return;
                };
                for field in &s.fields {
                    let skipped = match direction {
                        Direction::Request => field.read_only,
                        Direction::Response => field.write_only,
                    };
                    match map.get(&field.wire_name) {
                        None => {
                            if field.required && !skipped {
                                // The pointer names where the property should be, which is
                                // more precise than its parent when several are missing.
                                Self::push(
                                    out,
                                    &format!("{pointer}/{}", escape_token(&field.wire_name)),
                                    format!(
                                        "required property `{}` of {} is missing",
                                        field.wire_name, def.name
                                    ),
                                );
                            }
                        }
                        Some(v) => {
                            let len = pointer.len();
                            pointer.push('/');
                            pointer.push_str(&escape_token(&field.wire_name));
                            if v.is_null() && !accepts_null(&field.ty) {
                                Self::push(out, pointer, "must not be null".into());
                            } else {
                                self.check(&field.ty, v, direction, pointer, depth + 1, out);
                                if let Some(bounds) = &field.bounds {
                                    self.check_bounds(bounds, &field.ty, v, pointer, depth, out);
                                }
                            }
                            pointer.truncate(len);
                        }
                    }
                }
                if let Some(extra) = &s.additional {
                    for (k, v) in map {
                        if s.fields.iter().any(|f| f.wire_name == *k) {
                            continue;
                        }
                        let len = pointer.len();
                        pointer.push('/');
                        pointer.push_str(&escape_token(k));
                        self.check(extra, v, direction, pointer, depth + 1, out);
                        pointer.truncate(len);
                    }
                }
            }
            TypeKind::Union(_) => self.check_union(def, value, direction, pointer, depth, out),
        }
    }

    /// A tagged union by its discriminator; an untagged one by its closest variant.
    fn check_union(
        &self,
        def: &TypeDef,
        value: &Value,
        direction: Direction,
        pointer: &mut String,
        depth: usize,
        out: &mut Vec<Violation>,
    ) {
        let TypeKind::Union(u) = &def.kind else {
            return;
        };
        if let Some(property) = &u.discriminator {
            let tag = value.get(property).and_then(Value::as_str);
            let Some(tag) = tag else {
                Self::push(
                    out,
                    pointer,
                    format!(
                        "discriminator property `{property}` of {} is missing or not a string",
                        def.name
                    ),
                );
                return;
            };
            match u.variants.iter().find(|v| v.tags.iter().any(|t| t == tag)) {
                Some(variant) => self.check(&variant.ty, value, direction, pointer, depth + 1, out),
                None => {
                    let tags: Vec<&str> = u
                        .variants
                        .iter()
                        .flat_map(|v| v.tags.iter().map(String::as_str))
                        .collect();
                    let len = pointer.len();
                    pointer.push('/');
                    pointer.push_str(&escape_token(property));
                    Self::push(
                        out,
                        pointer,
                        format!(
                            "`{tag}` selects no variant of {}: {}",
                            def.name,
                            abbreviate(&tags)
                        ),
                    );
                    pointer.truncate(len);
                }
            }
            return;
        }
        // Untagged: the value must match at least one variant. When none matches, the
        // closest one (fewest violations) explains why.
        let mut best: Option<(String, Vec<Violation>)> = None;
        for variant in &u.variants {
            let mut found = Vec::new();
            self.check(
                &variant.ty,
                value,
                direction,
                &mut pointer.clone(),
                depth + 1,
                &mut found,
            );
            if found.is_empty() {
                return;
            }
            if best.as_ref().is_none_or(|(_, b)| found.len() < b.len()) {
                best = Some((variant.name.clone(), found));
            }
        }
        let names: Vec<&str> = u.variants.iter().map(|v| v.name.as_str()).collect();
        Self::push(
            out,
            pointer,
            format!(
                "matches none of the variants of {} ({}){}",
                def.name,
                names.join(", "),
                best.as_ref()
                    .map(|(n, _)| format!("; closest is {n}:"))
                    .unwrap_or_default()
            ),
        );
        if let Some((_, found)) = best {
            out.extend(found);
        }
    }

    fn check_newtype(
        &self,
        name: &str,
        n: &Newtype,
        value: &Value,
        pointer: &str,
        out: &mut Vec<Violation>,
    ) {
        let before = out.len();
        check_primitive(n.inner, value, pointer, out);
        if out.len() > before {
            return;
        }
        if let Value::String(s) = value {
            let len = s.chars().count();
            if let Some(min) = n.min_length {
                if len < min {
                    Self::push(
                        out,
                        pointer,
                        format!("length {len} is below the minimum {min} ({name})"),
                    );
                }
            }
            if let Some(max) = n.max_length {
                if len > max {
                    Self::push(
                        out,
                        pointer,
                        format!("length {len} is above the maximum {max} ({name})"),
                    );
                }
            }
            if let (Some(pattern), Some(re)) = (&n.pattern, self.patterns.get(name)) {
                if !re.is_match(s) {
                    Self::push(
                        out,
                        pointer,
                        format!("`{s}` does not match the pattern `{pattern}` ({name})"),
                    );
                }
            }
        }
        if let (Some(bounds), Some(x)) = (&n.bounds, value.as_f64()) {
            for message in bounds.violations(x, &value.to_string()) {
                Self::push(out, pointer, format!("{message} ({name})"));
            }
        }
    }

    /// The bounds a field, parameter or header puts on the numbers its value holds: the value
    /// itself, or the items and map values of the arrays and maps its type is made of. Values
    /// of the wrong type were reported by `check` and are skipped here.
    fn check_bounds(
        &self,
        bounds: &NumberBounds,
        ty: &TypeRef,
        value: &Value,
        pointer: &mut String,
        depth: usize,
        out: &mut Vec<Violation>,
    ) {
        if depth > MAX_DEPTH {
            return;
        }
        match (ty, value) {
            (TypeRef::Nullable(inner) | TypeRef::Boxed(inner), _) => {
                self.check_bounds(bounds, inner, value, pointer, depth + 1, out)
            }
            (TypeRef::Array(item), Value::Array(items)) => {
                for (i, v) in items.iter().enumerate() {
                    let len = pointer.len();
                    pointer.push('/');
                    pointer.push_str(&i.to_string());
                    self.check_bounds(bounds, item, v, pointer, depth + 1, out);
                    pointer.truncate(len);
                }
            }
            (TypeRef::Map(item), Value::Object(map)) => {
                for (k, v) in map {
                    let len = pointer.len();
                    pointer.push('/');
                    pointer.push_str(&escape_token(k));
                    self.check_bounds(bounds, item, v, pointer, depth + 1, out);
                    pointer.truncate(len);
                }
            }
            (TypeRef::Named(name), _) => match self.types.get(name).map(|d| &d.kind) {
                Some(TypeKind::Alias(inner)) => {
                    self.check_bounds(bounds, inner, value, pointer, depth + 1, out)
                }
                Some(TypeKind::Newtype(n)) if n.inner != Primitive::String => self.check_bounds(
                    bounds,
                    &TypeRef::Primitive(n.inner),
                    value,
                    pointer,
                    depth + 1,
                    out,
                ),
                _ => {}
            },
            (TypeRef::Primitive(p), Value::Number(n)) => {
                // A number its type cannot hold (an integer beyond int64) was reported as such;
                // its bounds would only repeat the point.
                let mut wrong = Vec::new();
                check_primitive(*p, value, "", &mut wrong);
                if let (true, Some(x)) = (wrong.is_empty(), n.as_f64()) {
                    for message in bounds.violations(x, &n.to_string()) {
                        Self::push(out, pointer, message);
                    }
                }
            }
            _ => {}
        }
    }
}

/// Whether a field of this type may hold JSON `null`.
fn accepts_null(ty: &TypeRef) -> bool {
    match ty {
        TypeRef::Nullable(_) | TypeRef::Json => true,
        TypeRef::FreeForm { nullable, .. } => *nullable,
        TypeRef::Boxed(inner) => accepts_null(inner),
        _ => false,
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_f64() => "a number",
        Value::Number(_) => "an integer",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A list of allowed values, shortened when it is long (enums of fifty values exist).
fn abbreviate(values: &[&str]) -> String {
    if values.len() <= 8 {
        values.join(", ")
    } else {
        format!("{}, ... ({} values)", values[..8].join(", "), values.len())
    }
}

/// An integer in JSON: `3`, or `3.0` (which JSON Schema also counts as an integer).
fn as_integer(value: &Value) -> Option<i128> {
    if let Some(i) = value.as_i64() {
        return Some(i.into());
    }
    if let Some(u) = value.as_u64() {
        return Some(u.into());
    }
    value
        .as_f64()
        .filter(|f| f.fract() == 0.0 && f.abs() < 1e38)
        .map(|f| f as i128)
}

fn check_primitive(p: Primitive, value: &Value, pointer: &str, out: &mut Vec<Violation>) {
    let mut fail = |message: String| {
        out.push(Violation {
            pointer: pointer.to_owned(),
            message,
        })
    };
    match p {
        Primitive::String | Primitive::Bytes | Primitive::File => {
            if !value.is_string() {
                fail(format!("expected a string, found {}", kind(value)));
            }
        }
        Primitive::Email => match value.as_str() {
            Some(text) if specgen_ir::protocol::formats::is_email(text) => {}
            Some(text) => fail(format!("`{text}` is not an email address")),
            None => fail(format!("expected an email address, found {}", kind(value))),
        },
        Primitive::Bool => {
            if !value.is_boolean() {
                fail(format!("expected a boolean, found {}", kind(value)));
            }
        }
        Primitive::I32 | Primitive::I64 | Primitive::U64 => match as_integer(value) {
            // An integral number too large even for i128 is an integer out of range, not a
            // fraction: say so, as for any other out-of-range integer.
            None if value.as_f64().is_some_and(|f| f.fract() == 0.0) => {
                fail(format!("{value} is out of range for {}", integer_name(p)))
            }
            None => fail(format!("expected an integer, found {}", kind(value))),
            Some(i) => {
                let (lo, hi, name) = match p {
                    Primitive::I32 => (i32::MIN as i128, i32::MAX as i128, "int32"),
                    Primitive::I64 => (i64::MIN as i128, i64::MAX as i128, "int64"),
                    _ => (0, u64::MAX as i128, "uint64"),
                };
                if i < lo || i > hi {
                    // A JSON integer beyond 64 bits arrives as a float: it is shown as the float
                    // it became (`1e+20`), where `i` would be a rounded stand-in that looks exact.
                    let shown = if value.is_i64() || value.is_u64() {
                        i.to_string()
                    } else {
                        value.to_string()
                    };
                    fail(format!("{shown} is out of range for {name}"));
                }
            }
        },
        Primitive::F32 | Primitive::F64 => {
            if !value.is_number() {
                fail(format!("expected a number, found {}", kind(value)));
            }
        }
        Primitive::Uuid => match value.as_str() {
            Some(s) if is_uuid(s) => {}
            Some(s) => fail(format!("`{s}` is not a UUID (format uuid)")),
            None => fail(format!("expected a UUID string, found {}", kind(value))),
        },
        Primitive::DateTime => match value.as_str() {
            Some(s) if chrono::DateTime::parse_from_rfc3339(s).is_ok() => {}
            Some(s) => fail(format!(
                "`{s}` is not an RFC 3339 date-time (format date-time)"
            )),
            None => fail(format!(
                "expected a date-time string, found {}",
                kind(value)
            )),
        },
        Primitive::Date => match value.as_str() {
            Some(s) if is_date(s) => {}
            Some(s) => fail(format!("`{s}` is not a full-date YYYY-MM-DD (format date)")),
            None => fail(format!("expected a date string, found {}", kind(value))),
        },
    }
}

fn integer_name(p: Primitive) -> &'static str {
    match p {
        Primitive::I32 => "int32",
        Primitive::I64 => "int64",
        _ => "uint64",
    }
}

mod params;
#[cfg(test)]
mod tests;

pub use params::{integer_out_of_range, is_date, is_uuid, parameter_value};
