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

/// The shape of a type, without its name, origin or prose.
fn shape(kind: &TypeKind) -> String {
    let mut kind = kind.clone();
    if let TypeKind::Struct(s) = &mut kind {
        for f in &mut s.fields {
            f.docs = None;
        }
    }
    format!("{kind:?}")
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
    let mut shapes: HashMap<String, String> = HashMap::new();
    loop {
        let mut first: HashMap<&str, &str> = HashMap::new();
        let mut map = HashMap::new();
        for def in types.iter() {
            if !shapes.contains_key(&def.name) && !matches!(def.kind, TypeKind::Alias(_)) {
                shapes.insert(def.name.clone(), shape(&def.kind));
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
            let key = shapes[&def.name].as_str();
            match first.get(key) {
                Some(representative) if !protected.contains(&def.name) => {
                    map.insert(def.name.clone(), (*representative).to_owned());
                }
                Some(_) => {}
                None => {
                    first.insert(key, &def.name);
                }
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
