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
use std::collections::{HashMap, HashSet};

/// A 128-bit hash of a type's shape: the type without its name, origin or prose. Hashing the
/// debug text as it is written, instead of building it as a string from a docs-less clone,
/// keeps this pass cheap on large specs; equal hashes are confirmed by [`same_shape`], so a
/// collision can never merge two different types.
fn shape_key(kind: &TypeKind) -> u128 {
    use std::fmt::Write as _;
    use std::hash::Hasher as _;
    /// Feeds written text to two differently seeded SipHashers, for 128 bits.
    struct Sink(std::hash::DefaultHasher, std::hash::DefaultHasher);
    impl std::fmt::Write for Sink {
        fn write_str(&mut self, s: &str) -> std::fmt::Result {
            self.0.write(s.as_bytes());
            self.1.write(s.as_bytes());
            Ok(())
        }
    }
    let mut sink = Sink(Default::default(), Default::default());
    sink.1.write_u8(0x5a);
    // Writing to a hasher cannot fail.
    let _ = match kind {
        TypeKind::Struct(s) => {
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
                let _ = write!(
                    sink,
                    "F{name:?}{wire_name:?}{ty:?}{required}{deprecated:?}{added_in:?}{read_only}{write_only}{default:?}{sensitive}{bounds:?}"
                );
            }
            write!(sink, "S{:?}", s.additional)
        }
        other => write!(sink, "{other:?}"),
    };
    (u128::from(sink.0.finish()) << 64) | u128::from(sink.1.finish())
}

/// Whether two types have the same shape: equal apart from their fields' docs.
fn same_shape(a: &TypeKind, b: &TypeKind) -> bool {
    match (a, b) {
        (TypeKind::Struct(x), TypeKind::Struct(y)) => {
            x.additional == y.additional
                && x.fields.len() == y.fields.len()
                && x.fields.iter().zip(&y.fields).all(|(f, g)| {
                    Field {
                        docs: None,
                        ..f.clone()
                    } == Field {
                        docs: None,
                        ..g.clone()
                    }
                })
        }
        _ => a == b,
    }
}

/// Renames the references in `ty` that `map` lists; true when one was renamed.
fn rename(ty: &mut TypeRef, map: &HashMap<String, String>) -> bool {
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
fn rename_in_type(def: &mut TypeDef, map: &HashMap<String, String>) -> bool {
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

fn rename_in_operation(op: &mut Operation, map: &HashMap<String, String>) {
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
    protected: &HashSet<String>,
) {
    // A type's shape only changes when a reference inside it is renamed, so shapes are computed
    // once and recomputed only for those types: on GitHub's spec this pass otherwise printed
    // every type again in every round.
    let mut shapes: HashMap<String, u128> = HashMap::new();
    loop {
        let mut first: HashMap<u128, Vec<&TypeDef>> = HashMap::new();
        let mut map = HashMap::new();
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
        let protected: HashSet<String> = ["Direction".to_owned()].into();
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
