//! Example values prepared for the round-trip check against the inferred types.

use super::*;

/// The example with every placeholder string replaced by a fixed value of the type it was
/// inferred as (`"<boolean>"` → `false`, `"<integer>"` → `0`, `"<number>"` → `0.0`), so the
/// round-trip check decodes it as the generated type. Placeholders typed as strings, or in
/// positions typed as any JSON, stay as written; fields removed by later notes are left out.
pub fn fill_placeholders(value: &Value, ty: &TypeRef, defs: &[TypeDef]) -> Value {
    match (value, ty) {
        (_, TypeRef::Nullable(inner) | TypeRef::Boxed(inner)) => {
            fill_placeholders(value, inner, defs)
        }
        (Value::String(s), TypeRef::Primitive(p)) if placeholder(s).is_some() => match p {
            Primitive::Bool => Value::Bool(false),
            Primitive::I64 | Primitive::I32 | Primitive::U64 => Value::from(0),
            Primitive::F64 | Primitive::F32 => Value::from(0.0),
            _ => value.clone(),
        },
        (Value::Array(items), TypeRef::Array(inner)) => Value::Array(
            items
                .iter()
                .map(|v| fill_placeholders(v, inner, defs))
                .collect(),
        ),
        (Value::Object(map), TypeRef::Named(name)) => {
            let fields = defs
                .iter()
                .find(|d| &d.name == name)
                .and_then(|d| match &d.kind {
                    TypeKind::Struct(s) => Some(&s.fields),
                    _ => None,
                });
            let Some(fields) = fields else {
                return value.clone();
            };
            // Keys the type no longer has are fields that later notes removed: the example is
            // checked as the API stands now.
            Value::Object(
                map.iter()
                    .filter_map(|(k, v)| {
                        let f = fields.iter().find(|f| &f.wire_name == k)?;
                        Some((k.clone(), fill_placeholders(v, &f.ty, defs)))
                    })
                    .collect(),
            )
        }
        _ => value.clone(),
    }
}
