//! Fault injection for tests of the contract runner: break an answer in the ways a real server
//! breaks its spec, so the runner can be shown to catch each.

use crate::validate::{Direction, Validator};
use serde_json::Value;
use specgen_ir::ir::{TypeKind, TypeRef};

/// Removes the first required property (depth first) that `value` holds. Fault injection.
pub fn drop_required(validator: &Validator, ty: &TypeRef, value: &mut Value) -> bool {
    match ty {
        TypeRef::Nullable(t) | TypeRef::Boxed(t) => drop_required(validator, t, value),
        TypeRef::Array(t) => match value {
            Value::Array(items) => items.iter_mut().any(|i| drop_required(validator, t, i)),
            _ => false,
        },
        TypeRef::Named(name) => match validator.type_def(name).map(|d| d.kind.clone()) {
            Some(TypeKind::Alias(t)) => drop_required(validator, &t, value),
            Some(TypeKind::Struct(s)) => {
                let Value::Object(map) = value else {
                    return false;
                };
                if let Some(field) = s
                    .fields
                    .iter()
                    .find(|f| f.required && map.contains_key(&f.wire_name))
                {
                    map.remove(&field.wire_name);
                    return true;
                }
                s.fields.iter().any(|field| {
                    map.get_mut(&field.wire_name)
                        .is_some_and(|v| drop_required(validator, &field.ty, v))
                })
            }
            _ => false,
        },
        _ => false,
    }
}

/// Replaces the first enum value (depth first) with one the enum does not have. Fault injection.
pub fn corrupt_enum(validator: &Validator, ty: &TypeRef, value: &mut Value) -> bool {
    match ty {
        TypeRef::Nullable(t) | TypeRef::Boxed(t) => corrupt_enum(validator, t, value),
        TypeRef::Array(t) => match value {
            Value::Array(items) => items.iter_mut().any(|i| corrupt_enum(validator, t, i)),
            _ => false,
        },
        TypeRef::Map(t) => match value {
            Value::Object(map) => map.values_mut().any(|i| corrupt_enum(validator, t, i)),
            _ => false,
        },
        TypeRef::Named(name) => match validator.type_def(name).map(|d| d.kind.clone()) {
            Some(TypeKind::Enum(_)) if value.is_string() => {
                *value = Value::String("NOT_A_DOCUMENTED_VALUE".into());
                true
            }
            Some(TypeKind::Alias(t)) => corrupt_enum(validator, &t, value),
            Some(TypeKind::Struct(s)) => match value {
                Value::Object(map) => s.fields.iter().any(|f| {
                    map.get_mut(&f.wire_name)
                        .is_some_and(|v| corrupt_enum(validator, &f.ty, v))
                }),
                _ => false,
            },
            Some(TypeKind::Union(u)) => u.variants.iter().any(|v| {
                validator.is_valid(&v.ty, value, Direction::Response)
                    && corrupt_enum(validator, &v.ty, value)
            }),
            _ => false,
        },
        _ => false,
    }
}
