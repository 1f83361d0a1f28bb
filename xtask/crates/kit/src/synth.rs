//! Example values for any type of an API: documented examples first, synthesised ones otherwise.
//!
//! The mock server answers with these and the contract runner sends them, so both prefer what
//! the vendor documented (media-type `example`/`examples`, then a schema's or a property's own
//! `example`, found in `Api.examples` by origin) and fall back to a value built from the type.
//! A documented example that breaks its own schema is skipped for a synthesised one: the mock
//! must never answer with a body its spec forbids, even when the vendor's example does.

use crate::validate::{Direction, Validator, escape_token};
use serde_json::{Map, Value};
use specgen_ir::ir::{Api, NumberBounds, Primitive, TypeKind, TypeRef};
use std::collections::HashMap;

/// Builds example values for the types of one API.
///
/// It owns what it needs (a [`Validator`] and the documented examples), so a server can keep one
/// for its whole life without borrowing the IR.
#[derive(Debug, Clone)]
pub struct Synth {
    validator: Validator,
    /// `Api.examples` by origin pointer.
    examples: HashMap<String, Value>,
    /// Type name → the origin of its definition.
    origins: HashMap<String, String>,
}

/// How deep synthesis follows nested types; below it optional fields are left out and arrays
/// are empty, so recursive types end.
const MAX_DEPTH: usize = 8;

impl Synth {
    /// A synthesiser for `api`.
    pub fn new(api: &Api) -> Self {
        Synth {
            validator: Validator::new(api),
            examples: api
                .examples
                .iter()
                .map(|e| (e.origin.clone(), e.value.clone()))
                .collect(),
            origins: api
                .types
                .iter()
                .map(|t| (t.name.clone(), t.origin.clone()))
                .collect(),
        }
    }

    /// The validator this synthesiser checks documented examples with.
    pub fn validator(&self) -> &Validator {
        &self.validator
    }

    /// The first of `documented` that is valid against `ty`, else a value for `ty`.
    pub fn pick(&self, ty: &TypeRef, documented: &[Value], direction: Direction) -> Value {
        documented
            .iter()
            .find(|v| self.validator.is_valid(ty, v, direction))
            .cloned()
            .unwrap_or_else(|| self.value(ty, direction))
    }

    /// A value for `ty`: the type's documented example when it has a valid one, else one built
    /// from its shape.
    pub fn value(&self, ty: &TypeRef, direction: Direction) -> Value {
        self.build(ty, direction, 0)
    }

    /// A value for `ty` whose numbers keep `bounds` (a parameter's or a header's).
    pub fn value_within(
        &self,
        ty: &TypeRef,
        bounds: Option<&NumberBounds>,
        direction: Direction,
    ) -> Value {
        let value = self.value(ty, direction);
        match bounds {
            Some(bounds) => self.conform(bounds, ty, value, 0),
            None => value,
        }
    }

    /// `value` (of type `ty`) with every number that breaks `bounds` replaced by the closest
    /// one that keeps them, looking through arrays, maps and aliases as the validator does.
    fn conform(&self, bounds: &NumberBounds, ty: &TypeRef, value: Value, depth: usize) -> Value {
        if depth > MAX_DEPTH {
            return value;
        }
        match (ty, value) {
            (TypeRef::Nullable(inner) | TypeRef::Boxed(inner), v) => {
                self.conform(bounds, inner, v, depth + 1)
            }
            (TypeRef::Array(item), Value::Array(items)) => Value::Array(
                items
                    .into_iter()
                    .map(|v| self.conform(bounds, item, v, depth + 1))
                    .collect(),
            ),
            (TypeRef::Map(item), Value::Object(map)) => Value::Object(
                map.into_iter()
                    .map(|(k, v)| (k, self.conform(bounds, item, v, depth + 1)))
                    .collect(),
            ),
            (TypeRef::Named(name), v) => match self.validator.type_def(name).map(|d| &d.kind) {
                Some(TypeKind::Alias(inner)) => self.conform(bounds, inner, v, depth + 1),
                Some(TypeKind::Newtype(n)) => {
                    self.conform(bounds, &TypeRef::Primitive(n.inner), v, depth + 1)
                }
                _ => v,
            },
            (TypeRef::Primitive(p), Value::Number(n)) => {
                let x = n.as_f64().unwrap_or(1.0);
                if bounds.violations(x, "").is_empty() {
                    Value::Number(n)
                } else {
                    number(*p, bounds.sample(x, integer(*p)))
                }
            }
            (_, v) => v,
        }
    }

    fn documented(&self, origin: &str, ty: &TypeRef, direction: Direction) -> Option<Value> {
        let value = self.examples.get(&format!("{origin}/example"))?;
        self.validator
            .is_valid(ty, value, direction)
            .then(|| value.clone())
    }

    /// A value suggested by a string property's name, for the formats the IR does not carry
    /// (`email`, `uri`): `"string"` would break `format: email` in the vendor's document, which
    /// schemathesis checks. Used only when it is also valid against the field's type.
    fn by_name(&self, wire_name: &str, ty: &TypeRef, direction: Direction) -> Option<Value> {
        let name = wire_name.to_ascii_lowercase();
        let candidate = if name.ends_with("email") || name.ends_with("email_address") {
            "user@example.com"
        } else if name.ends_with("url") || name.ends_with("uri") || name.ends_with("website") {
            "https://example.com/"
        } else {
            return None;
        };
        let value = Value::String(candidate.to_owned());
        self.validator
            .is_valid(ty, &value, direction)
            .then_some(value)
    }

    fn build(&self, ty: &TypeRef, direction: Direction, depth: usize) -> Value {
        match ty {
            TypeRef::Json => Value::Object(Map::new()),
            TypeRef::FreeForm { shape, .. } => match shape {
                specgen_ir::ir::JsonShape::Object => Value::Object(Map::new()),
                specgen_ir::ir::JsonShape::Array => Value::Array(Vec::new()),
            },
            TypeRef::Nullable(inner) | TypeRef::Boxed(inner) => {
                self.build(inner, direction, depth + 1)
            }
            TypeRef::Primitive(p) => primitive(*p),
            TypeRef::Array(item) => {
                if depth >= MAX_DEPTH {
                    Value::Array(Vec::new())
                } else {
                    Value::Array(vec![self.build(item, direction, depth + 1)])
                }
            }
            TypeRef::Map(item) => {
                let mut map = Map::new();
                if depth < MAX_DEPTH {
                    map.insert("key".into(), self.build(item, direction, depth + 1));
                }
                Value::Object(map)
            }
            TypeRef::Named(name) => {
                if let Some(origin) = self.origins.get(name.as_str()) {
                    if let Some(v) = self.documented(origin, ty, direction) {
                        return v;
                    }
                }
                self.build_named(name, direction, depth)
            }
        }
    }

    fn build_named(&self, name: &str, direction: Direction, depth: usize) -> Value {
        let Some(def) = self.validator.type_def(name) else {
            return Value::Object(Map::new());
        };
        match &def.kind {
            TypeKind::Alias(ty) => self.build(ty, direction, depth + 1),
            TypeKind::Enum(e) => e
                .variants
                .first()
                .map(|v| Value::String(v.wire_name.clone()))
                .unwrap_or(Value::Null),
            TypeKind::Newtype(n) => {
                let base = primitive(n.inner);
                match base {
                    Value::String(_) => {
                        let min = n.min_length.unwrap_or(0).max(1);
                        let max = n.max_length.unwrap_or(usize::MAX).max(min);
                        let text = "example";
                        let mut s: String = text.chars().take(max).collect();
                        while s.chars().count() < min {
                            s.push('x');
                        }
                        Value::String(s)
                    }
                    Value::Number(_) => {
                        let bounds = n.bounds.unwrap_or_default();
                        number(n.inner, bounds.sample(1.0, integer(n.inner)))
                    }
                    other => other,
                }
            }
            TypeKind::Struct(s) => {
                let mut map = Map::new();
                for field in &s.fields {
                    let skipped = match direction {
                        Direction::Request => field.read_only,
                        Direction::Response => field.write_only,
                    };
                    if skipped || (!field.required && depth >= MAX_DEPTH) {
                        continue;
                    }
                    let origin = format!(
                        "{}/properties/{}",
                        def.origin,
                        escape_token(&field.wire_name)
                    );
                    let value = self
                        .documented(&origin, &field.ty, direction)
                        .or_else(|| self.by_name(&field.wire_name, &field.ty, direction))
                        .unwrap_or_else(|| self.build(&field.ty, direction, depth + 1));
                    let value = match &field.bounds {
                        Some(bounds) => self.conform(bounds, &field.ty, value, depth + 1),
                        None => value,
                    };
                    map.insert(field.wire_name.clone(), value);
                }
                Value::Object(map)
            }
            TypeKind::Union(u) => {
                let Some(variant) = u.variants.first() else {
                    return Value::Null;
                };
                let mut value = self.build(&variant.ty, direction, depth + 1);
                if let (Some(property), Some(tag), Value::Object(map)) =
                    (&u.discriminator, variant.tags.first(), &mut value)
                {
                    map.insert(property.clone(), Value::String(tag.clone()));
                }
                value
            }
        }
    }
}

/// Whether a primitive holds only whole numbers.
fn integer(p: Primitive) -> bool {
    matches!(p, Primitive::I32 | Primitive::I64 | Primitive::U64)
}

/// `x` as a JSON number of the primitive's kind (whole for integers).
fn number(p: Primitive, x: f64) -> Value {
    if integer(p) {
        Value::from(x.round() as i64)
    } else {
        serde_json::Number::from_f64(x)
            .map(Value::Number)
            .unwrap_or(Value::from(1))
    }
}

/// A plain value of a primitive type that satisfies its format.
pub fn primitive(p: Primitive) -> Value {
    match p {
        Primitive::String | Primitive::Bytes | Primitive::File => Value::String("string".into()),
        Primitive::Email => Value::String("partner@example.com".into()),
        Primitive::Bool => Value::Bool(true),
        Primitive::I32 | Primitive::I64 | Primitive::U64 => Value::from(1),
        Primitive::F32 | Primitive::F64 => Value::from(1.5),
        Primitive::Uuid => Value::String("2adba88e-9d63-44bc-b975-9b6ae3440dde".into()),
        Primitive::DateTime => Value::String("2026-01-01T00:00:00Z".into()),
        Primitive::Date => Value::String("2026-01-01".into()),
    }
}
