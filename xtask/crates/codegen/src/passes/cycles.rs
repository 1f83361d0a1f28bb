//! Boxing recursive references, an IR-to-IR pass shared by every spec source.
//!
//! A struct that holds itself by value (directly or through other structs, unions or aliases)
//! has no finite size. Collections already allocate, so only by-value references (optionally
//! nullable) that close a cycle are wrapped in `Box`; `Option<Box<T>>` keeps the optional shape.

use crate::ir::{TypeDef, TypeKind, TypeRef};
use std::collections::{BTreeMap, BTreeSet};

fn box_ref(ty: TypeRef) -> TypeRef {
    match ty {
        TypeRef::Nullable(inner) => TypeRef::Nullable(Box::new(box_ref(*inner))),
        other => TypeRef::Boxed(Box::new(other)),
    }
}

/// Boxes every by-value reference in `defs` that closes a cycle.
pub fn box_cycles(defs: &mut [TypeDef]) {
    let edges: BTreeMap<String, Vec<String>> = defs
        .iter()
        .map(|d| {
            let targets = match &d.kind {
                TypeKind::Struct(s) => s
                    .fields
                    .iter()
                    .filter_map(|f| f.ty.direct_name().map(str::to_owned))
                    .collect(),
                TypeKind::Union(u) => u
                    .variants
                    .iter()
                    .filter_map(|v| v.ty.direct_name().map(str::to_owned))
                    .collect(),
                TypeKind::Alias(t) => t.direct_name().map(str::to_owned).into_iter().collect(),
                TypeKind::Enum(_) | TypeKind::Newtype(_) => Vec::new(),
            };
            (d.name.clone(), targets)
        })
        .collect();
    let reaches = |from: &str, to: &str| -> bool {
        let mut stack = vec![from.to_owned()];
        let mut seen = BTreeSet::new();
        while let Some(n) = stack.pop() {
            if n == to {
                return true;
            }
            if seen.insert(n.clone()) {
                stack.extend(edges.get(&n).into_iter().flatten().cloned());
            }
        }
        false
    };
    for def in defs.iter_mut() {
        let name = def.name.clone();
        let cyclic = |ty: &TypeRef| {
            ty.direct_name()
                .is_some_and(|target| reaches(target, &name))
        };
        match &mut def.kind {
            TypeKind::Struct(s) => {
                for f in s.fields.iter_mut().filter(|f| cyclic(&f.ty)) {
                    f.ty = box_ref(std::mem::replace(&mut f.ty, TypeRef::Json));
                }
            }
            TypeKind::Union(u) => {
                for v in u.variants.iter_mut().filter(|v| cyclic(&v.ty)) {
                    v.ty = box_ref(std::mem::replace(&mut v.ty, TypeRef::Json));
                }
            }
            TypeKind::Alias(_) | TypeKind::Enum(_) | TypeKind::Newtype(_) => {}
        }
    }
}
