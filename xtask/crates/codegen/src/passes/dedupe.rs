//! Merging structurally identical types, an IR-to-IR pass run at the end of lowering.
//!
//! Real specs repeat inline shapes: GitHub declares `direction: [asc, desc]` inline in about a
//! hundred operations, and an inline object often restates a component exactly. Each occurrence
//! gets its own position-derived name during lowering; this pass keeps one type per shape, so the
//! generated crate has fewer, leaner items and compiles faster. Merging runs to a fixpoint because
//! merging two enums can make the structs that hold them identical in turn. A class of identical
//! types is represented by its first protected member (a named component) if it has one, or else by
//! the first one created, so results depend only on the document.

use crate::ir::*;
use rustc_hash::{FxHashMap, FxHashSet, FxHasher};
use serde_json::Value;
use std::hash::{Hash, Hasher};

/// A hash of a type's shape: the type without its name, origin or prose. Types that
/// [`same_shape`] calls identical always hash alike, and every hash hit is confirmed by it, so a
/// collision can never merge two different types. The hash only groups candidates: nothing is
/// ordered by it.
fn shape_key(kind: &TypeKind) -> u64 {
    let mut h = FxHasher::default();
    match kind {
        TypeKind::Struct(s) => {
            0u8.hash(&mut h);
            for f in &s.fields {
                // Destructured so that a new field cannot be left out of the shape unnoticed.
                let Field {
                    name,
                    wire_name,
                    ty,
                    required,
                    docs: _,
                    deprecated,
                    added_in,
                    read_only,
                    write_only,
                    default,
                    sensitive,
                    bounds,
                } = f;
                (name, wire_name, ty, required, deprecated, added_in).hash(&mut h);
                (read_only, write_only, sensitive).hash(&mut h);
                hash_value(default.as_ref(), &mut h);
                hash_bounds(bounds.as_ref(), &mut h);
            }
            s.additional.hash(&mut h);
        }
        TypeKind::Enum(e) => {
            1u8.hash(&mut h);
            for v in &e.variants {
                (&v.name, &v.wire_name).hash(&mut h);
            }
        }
        TypeKind::Union(u) => {
            2u8.hash(&mut h);
            u.discriminator.hash(&mut h);
            for v in &u.variants {
                (&v.name, &v.ty, &v.tags).hash(&mut h);
            }
        }
        TypeKind::Newtype(n) => {
            3u8.hash(&mut h);
            (n.inner, n.min_length, n.max_length, &n.pattern).hash(&mut h);
            hash_bounds(n.bounds.as_ref(), &mut h);
        }
        TypeKind::Alias(t) => {
            4u8.hash(&mut h);
            t.hash(&mut h);
        }
    }
    h.finish()
}

/// Hashes numeric bounds by their bits, which equal bounds share.
fn hash_bounds(bounds: Option<&NumberBounds>, h: &mut FxHasher) {
    if let Some(b) = bounds {
        let bits = |v: Option<f64>| v.map(f64::to_bits);
        (bits(b.minimum), bits(b.maximum), bits(b.multiple_of)).hash(h);
        (b.exclusive_minimum, b.exclusive_maximum).hash(h);
    }
}

/// Hashes a JSON value in its written order, numbers by their bits.
fn hash_value(value: Option<&Value>, h: &mut FxHasher) {
    match value {
        None => 0u8.hash(h),
        Some(Value::Null) => 1u8.hash(h),
        Some(Value::Bool(b)) => (2u8, b).hash(h),
        Some(Value::Number(n)) => {
            (3u8, n.as_u64(), n.as_i64(), n.as_f64().map(f64::to_bits)).hash(h)
        }
        Some(Value::String(s)) => (4u8, s).hash(h),
        Some(Value::Array(items)) => {
            (5u8, items.len()).hash(h);
            items.iter().for_each(|v| hash_value(Some(v), h));
        }
        Some(Value::Object(map)) => {
            (6u8, map.len()).hash(h);
            for (k, v) in map {
                k.hash(h);
                hash_value(Some(v), h);
            }
        }
    }
}

/// Whether two types have the same shape: equal apart from their fields' docs, and written
/// alike. Equal values can be written differently (`0.0` and `-0.0`; a JSON default with its
/// keys in another order), and such types were never merged, because shapes used to be compared
/// by their debug text; [`written_alike`] keeps that.
fn same_shape(a: &TypeKind, b: &TypeKind) -> bool {
    let equal = match (a, b) {
        (TypeKind::Struct(x), TypeKind::Struct(y)) => {
            x.additional == y.additional
                && x.fields.len() == y.fields.len()
                && x.fields
                    .iter()
                    .zip(&y.fields)
                    .all(|(f, g)| same_field(f, g))
        }
        _ => a == b,
    };
    equal && written_alike(a, b)
}

/// Two fields equal apart from their docs.
fn same_field(f: &Field, g: &Field) -> bool {
    let Field {
        name,
        wire_name,
        ty,
        required,
        docs: _,
        deprecated,
        added_in,
        read_only,
        write_only,
        default,
        sensitive,
        bounds,
    } = f;
    *name == g.name
        && *wire_name == g.wire_name
        && *ty == g.ty
        && *required == g.required
        && *deprecated == g.deprecated
        && *added_in == g.added_in
        && *read_only == g.read_only
        && *write_only == g.write_only
        && *default == g.default
        && *sensitive == g.sensitive
        && *bounds == g.bounds
}

/// For two equal types, whether their numbers and JSON maps are also written alike.
fn written_alike(a: &TypeKind, b: &TypeKind) -> bool {
    match (a, b) {
        (TypeKind::Struct(x), TypeKind::Struct(y)) => {
            x.fields.iter().zip(&y.fields).all(|(f, g)| {
                bounds_alike(f.bounds.as_ref(), g.bounds.as_ref())
                    && match (&f.default, &g.default) {
                        (Some(v), Some(w)) => values_alike(v, w),
                        _ => true,
                    }
            })
        }
        (TypeKind::Newtype(x), TypeKind::Newtype(y)) => {
            bounds_alike(x.bounds.as_ref(), y.bounds.as_ref())
        }
        _ => true,
    }
}

fn bounds_alike(a: Option<&NumberBounds>, b: Option<&NumberBounds>) -> bool {
    let bits = |b: Option<&NumberBounds>| {
        b.map(|b| [b.minimum, b.maximum, b.multiple_of].map(|v| v.map(f64::to_bits)))
    };
    bits(a) == bits(b)
}

/// For two equal JSON values, whether their floats have the same bits and their maps the same
/// key order.
fn values_alike(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            x.as_f64().map(f64::to_bits) == y.as_f64().map(f64::to_bits)
        }
        (Value::Array(x), Value::Array(y)) => x.iter().zip(y).all(|(v, w)| values_alike(v, w)),
        (Value::Object(x), Value::Object(y)) => x
            .iter()
            .zip(y)
            .all(|((k, v), (l, w))| k == l && values_alike(v, w)),
        _ => true,
    }
}

/// Renames the references in `ty` that `map` lists; true when one was renamed.
fn rename(ty: &mut TypeRef, map: &FxHashMap<String, String>) -> bool {
    match ty {
        TypeRef::Named(name) => match map.get(name) {
            Some(new) => {
                *name = new.clone();
                true
            }
            None => false,
        },
        TypeRef::Array(inner)
        | TypeRef::Map(inner)
        | TypeRef::Nullable(inner)
        | TypeRef::Boxed(inner) => rename(inner, map),
        TypeRef::Primitive(_) | TypeRef::Json | TypeRef::FreeForm { .. } => false,
    }
}

/// Renames the references inside one type; true when its shape changed.
fn rename_in_type(def: &mut TypeDef, map: &FxHashMap<String, String>) -> bool {
    let mut changed = false;
    match &mut def.kind {
        TypeKind::Struct(s) => {
            for f in &mut s.fields {
                changed |= rename(&mut f.ty, map);
            }
            if let Some(a) = &mut s.additional {
                changed |= rename(a, map);
            }
        }
        TypeKind::Union(u) => {
            for v in &mut u.variants {
                changed |= rename(&mut v.ty, map);
            }
        }
        TypeKind::Alias(t) => changed |= rename(t, map),
        TypeKind::Enum(_) | TypeKind::Newtype(_) => {}
    }
    changed
}

fn rename_in_operation(op: &mut Operation, map: &FxHashMap<String, String>) {
    for p in &mut op.params {
        rename(&mut p.ty, map);
    }
    if let Some(body) = &mut op.body {
        match &mut body.content {
            BodyContent::Json { ty, .. } | BodyContent::Form { ty } => {
                rename(ty, map);
            }
            BodyContent::Multipart { ty, .. } => {
                if let Some(new) = map.get(ty) {
                    *ty = new.clone();
                }
            }
            BodyContent::Binary { .. } | BodyContent::Text { .. } => {}
        }
    }
    for r in &mut op.responses {
        if let Some(ResponseBody::Json { ty, .. }) = &mut r.body {
            rename(ty, map);
        }
        for h in &mut r.headers {
            rename(&mut h.ty, map);
        }
    }
}

/// Merges identical types among `types` (in creation order), rewriting every reference in
/// `operations` and `examples`. Types named in `protected` are never merged away.
pub fn merge_identical_types(
    types: &mut Vec<TypeDef>,
    operations: &mut [Operation],
    examples: &mut [Example],
    protected: &FxHashSet<String>,
) {
    // A type's shape only changes when a reference inside it is renamed, so shapes are computed
    // once and recomputed only for those types: on GitHub's spec this pass otherwise printed
    // every type again in every round.
    let mut shapes: FxHashMap<String, u64> = FxHashMap::default();
    loop {
        let mut first: FxHashMap<u64, Vec<&TypeDef>> = FxHashMap::default();
        let mut map = FxHashMap::default();
        for def in types.iter() {
            if !shapes.contains_key(&def.name) && !matches!(def.kind, TypeKind::Alias(_)) {
                shapes.insert(def.name.clone(), shape_key(&def.kind));
            }
        }
        // Protected types claim their shape first, so inline copies fold into the component.
        let order = types
            .iter()
            .filter(|t| protected.contains(&t.name))
            .chain(types.iter().filter(|t| !protected.contains(&t.name)));
        for def in order {
            // Aliases are names for another type, not shapes of their own.
            if matches!(def.kind, TypeKind::Alias(_)) {
                continue;
            }
            let seen = first.entry(shapes[&def.name]).or_default();
            match seen.iter().find(|r| same_shape(&r.kind, &def.kind)) {
                Some(representative) if !protected.contains(&def.name) => {
                    map.insert(def.name.clone(), representative.name.clone());
                }
                Some(_) => {}
                None => seen.push(def),
            }
        }
        if map.is_empty() {
            break;
        }
        types.retain(|t| !map.contains_key(&t.name));
        for name in map.keys() {
            shapes.remove(name);
        }
        for def in types.iter_mut() {
            if rename_in_type(def, &map) {
                shapes.remove(&def.name);
            }
        }
        for op in operations.iter_mut() {
            rename_in_operation(op, &map);
        }
        for e in examples.iter_mut() {
            rename(&mut e.ty, &map);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enum_def(name: &str, values: &[&str]) -> TypeDef {
        TypeDef {
            name: name.into(),
            origin: String::new(),
            docs: None,
            deprecated: None,
            kind: TypeKind::Enum(StringEnum {
                variants: values
                    .iter()
                    .map(|v| EnumVariant {
                        name: v.to_uppercase(),
                        wire_name: (*v).into(),
                    })
                    .collect(),
            }),
        }
    }

    fn struct_def(name: &str, field_ty: &str) -> TypeDef {
        TypeDef {
            name: name.into(),
            origin: String::new(),
            docs: Some(format!("docs of {name}")),
            deprecated: None,
            kind: TypeKind::Struct(Struct {
                fields: vec![Field {
                    name: "direction".into(),
                    wire_name: "direction".into(),
                    ty: TypeRef::Named(field_ty.into()),
                    required: true,
                    docs: Some(format!("field of {name}")),
                    deprecated: None,
                    added_in: None,
                    read_only: false,
                    write_only: false,
                    default: None,
                    sensitive: false,
                    bounds: None,
                }],
                additional: None,
            }),
        }
    }

    #[test]
    fn merges_to_a_fixpoint_and_prefers_protected_types() {
        let mut types = vec![
            enum_def("ListADirection", &["asc", "desc"]),
            struct_def("ListAQuery", "ListADirection"),
            enum_def("ListBDirection", &["asc", "desc"]),
            struct_def("ListBQuery", "ListBDirection"),
            enum_def("Direction", &["asc", "desc"]),
            enum_def("Other", &["asc"]),
        ];
        let mut examples = vec![Example {
            origin: "#/x".into(),
            ty: TypeRef::Array(Box::new(TypeRef::Named("ListBQuery".into()))),
            value: serde_json::Value::Null,
        }];
        let protected: FxHashSet<String> = ["Direction".to_owned()].into_iter().collect();
        merge_identical_types(&mut types, &mut [], &mut examples, &protected);
        let names: Vec<&str> = types.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["ListAQuery", "Direction", "Other"]);
        let TypeKind::Struct(s) = &types[0].kind else {
            panic!()
        };
        assert_eq!(s.fields[0].ty, TypeRef::Named("Direction".into()));
        assert_eq!(
            examples[0].ty,
            TypeRef::Array(Box::new(TypeRef::Named("ListAQuery".into())))
        );
    }
}
