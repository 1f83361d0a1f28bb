//! How two type references compare, on the wire and in Rust, and where each named type is used.
//!
//! Named types are matched by their final Rust name, and a change inside a type is reported once,
//! on the type. A reference therefore only needs to say whether it still points at the same
//! thing: the same Rust type, a different Rust type of the same wire shape (boxing, a renamed but
//! identical type), a nullability change, or a real change. Aliases are looked through on both
//! counts, because `pub type X = T` is `T` to the compiler and to serde.

use specgen_ir::ir::{Api, BodyContent, ResponseBody, TypeDef, TypeKind, TypeRef};
use std::collections::{BTreeSet, HashMap, HashSet};

/// How deep alias and shape comparisons go before assuming "changed"; specs nest far less.
const MAX_DEPTH: usize = 32;

/// The result of comparing one reference in the base with its counterpart in the revision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefDiff {
    /// The same Rust type and wire shape.
    Same,
    /// The same wire shape, another Rust type.
    RustOnly,
    /// The value may now be `null`.
    BecameNullable,
    /// The value may no longer be `null`.
    BecameNotNullable,
    /// Another wire type or format.
    Changed,
}

/// Named types of one API by name.
pub struct Types<'a> {
    by_name: HashMap<&'a str, &'a TypeDef>,
}

impl<'a> Types<'a> {
    /// Indexes `api`'s types.
    pub fn new(api: &'a Api) -> Self {
        Types {
            by_name: api.types.iter().map(|t| (t.name.as_str(), t)).collect(),
        }
    }

    /// The type named `name`.
    pub fn get(&self, name: &str) -> Option<&'a TypeDef> {
        self.by_name.get(name).copied()
    }

    /// `t` with aliases resolved, for the wire (boxes dropped too).
    fn resolve(&self, t: &'a TypeRef) -> &'a TypeRef {
        let mut t = t;
        for _ in 0..MAX_DEPTH {
            t = match t {
                TypeRef::Boxed(inner) => inner,
                TypeRef::Named(n) => match self.get(n).map(|d| &d.kind) {
                    Some(TypeKind::Alias(target)) => target,
                    _ => return t,
                },
                _ => return t,
            };
        }
        t
    }
}

/// Compares a reference of the base (`old`) with one of the revision (`new`).
pub fn ref_diff(old: &Types, o: &TypeRef, new: &Types, n: &TypeRef) -> RefDiff {
    let mut seen = HashSet::new();
    diff(old, o, new, n, 0, &mut seen)
}

fn rust_equal(old: &Types, o: &TypeRef, new: &Types, n: &TypeRef) -> bool {
    // Aliases are transparent to the compiler; boxes are not.
    fn strip<'a>(types: &Types<'a>, t: &'a TypeRef) -> &'a TypeRef {
        let mut t = t;
        for _ in 0..MAX_DEPTH {
            match t {
                TypeRef::Named(name) => match types.get(name).map(|d| &d.kind) {
                    Some(TypeKind::Alias(target)) => t = target,
                    _ => return t,
                },
                _ => return t,
            }
        }
        t
    }
    match (strip(old, o), strip(new, n)) {
        (TypeRef::Array(a), TypeRef::Array(b))
        | (TypeRef::Map(a), TypeRef::Map(b))
        | (TypeRef::Nullable(a), TypeRef::Nullable(b))
        | (TypeRef::Boxed(a), TypeRef::Boxed(b)) => rust_equal(old, a, new, b),
        // Free-form JSON of any declared shape is one Rust type, `serde_json::Value`.
        (a, b) if a.is_json() && b.is_json() => true,
        (a, b) => a == b,
    }
}

fn diff<'a>(
    old: &Types<'a>,
    o: &'a TypeRef,
    new: &Types<'a>,
    n: &'a TypeRef,
    depth: usize,
    seen: &mut HashSet<(String, String)>,
) -> RefDiff {
    if depth > MAX_DEPTH {
        return RefDiff::Changed;
    }
    let (ro, rn) = (old.resolve(o), new.resolve(n));
    let wire = match (ro, rn) {
        (TypeRef::Nullable(a), TypeRef::Nullable(b))
        | (TypeRef::Array(a), TypeRef::Array(b))
        | (TypeRef::Map(a), TypeRef::Map(b)) => match diff(old, a, new, b, depth + 1, seen) {
            RefDiff::Same | RefDiff::RustOnly => RefDiff::Same,
            _ => RefDiff::Changed,
        },
        (TypeRef::Nullable(a), b) => match diff_inner(old, a, new, b, depth, seen) {
            true => RefDiff::BecameNotNullable,
            false => RefDiff::Changed,
        },
        (a, TypeRef::Nullable(b)) => match diff_inner(old, a, new, b, depth, seen) {
            true => RefDiff::BecameNullable,
            false => RefDiff::Changed,
        },
        (TypeRef::Named(a), TypeRef::Named(b)) if a == b => RefDiff::Same,
        (TypeRef::Named(a), TypeRef::Named(b)) => {
            if same_shape(old, a, new, b, depth + 1, seen) {
                RefDiff::Same
            } else {
                RefDiff::Changed
            }
        }
        (
            TypeRef::FreeForm {
                shape: s,
                nullable: x,
            },
            TypeRef::FreeForm {
                shape: t,
                nullable: y,
            },
        ) if s == t => match (x, y) {
            (false, true) => RefDiff::BecameNullable,
            (true, false) => RefDiff::BecameNotNullable,
            _ => RefDiff::Same,
        },
        (a, b) if a == b => RefDiff::Same,
        _ => RefDiff::Changed,
    };
    match wire {
        RefDiff::Same if !rust_equal(old, o, new, n) => RefDiff::RustOnly,
        other => other,
    }
}

fn diff_inner<'a>(
    old: &Types<'a>,
    a: &'a TypeRef,
    new: &Types<'a>,
    b: &'a TypeRef,
    depth: usize,
    seen: &mut HashSet<(String, String)>,
) -> bool {
    matches!(
        diff(old, a, new, b, depth + 1, seen),
        RefDiff::Same | RefDiff::RustOnly
    )
}

/// Whether two differently named types have the same wire shape. A pair already being compared
/// counts as equal, so recursive types terminate.
fn same_shape(
    old: &Types,
    a: &str,
    new: &Types,
    b: &str,
    depth: usize,
    seen: &mut HashSet<(String, String)>,
) -> bool {
    if !seen.insert((a.to_owned(), b.to_owned())) {
        return true;
    }
    let (Some(da), Some(db)) = (old.get(a), new.get(b)) else {
        return false;
    };
    let same = |x: &TypeRef, y: &TypeRef, seen: &mut HashSet<(String, String)>| {
        matches!(
            diff(old, x, new, y, depth + 1, seen),
            RefDiff::Same | RefDiff::RustOnly
        )
    };
    match (&da.kind, &db.kind) {
        (TypeKind::Struct(x), TypeKind::Struct(y)) => {
            x.fields.len() == y.fields.len()
                && x.additional.is_some() == y.additional.is_some()
                && x.fields.iter().all(|f| {
                    y.fields.iter().any(|g| {
                        g.wire_name == f.wire_name
                            && g.required == f.required
                            && same(&f.ty, &g.ty, seen)
                    })
                })
        }
        (TypeKind::Enum(x), TypeKind::Enum(y)) => {
            let wx: BTreeSet<&str> = x.variants.iter().map(|v| v.wire_name.as_str()).collect();
            let wy: BTreeSet<&str> = y.variants.iter().map(|v| v.wire_name.as_str()).collect();
            wx == wy
        }
        (TypeKind::Union(x), TypeKind::Union(y)) => {
            x.discriminator == y.discriminator
                && x.variants.len() == y.variants.len()
                && x.variants
                    .iter()
                    .zip(&y.variants)
                    .all(|(v, w)| v.tags == w.tags && same(&v.ty, &w.ty, seen))
        }
        (TypeKind::Newtype(x), TypeKind::Newtype(y)) => x == y,
        (TypeKind::Alias(x), TypeKind::Alias(y)) => same(x, y, seen),
        _ => false,
    }
}

/// Whether a named type is sent, received, or both, and by which operations.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Usage {
    /// Reachable from a parameter or a request body.
    pub request: bool,
    /// Reachable from a response body or header.
    pub response: bool,
    /// The first operation (in the IR's order) that sends the type, and how many do.
    pub senders: Users,
    /// The first operation that receives the type, and how many do.
    pub receivers: Users,
}

/// Which operations use a type in one direction: the first (as `METHOD /path`) and a count.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Users {
    /// The first operation in the IR's order.
    pub first: Option<String>,
    /// How many operations.
    pub count: usize,
}

impl Users {
    /// `POST /v1/clients`, or `POST /v1/clients and 2 more`.
    pub fn describe(&self) -> Option<String> {
        let first = self.first.as_ref()?;
        Some(match self.count {
            0 | 1 => first.clone(),
            n => format!("{first} and {} more", n - 1),
        })
    }
}

/// The references an operation sends (`true`) and receives (`false`).
fn roots(op: &specgen_ir::ir::Operation) -> Vec<(TypeRef, bool)> {
    let mut out: Vec<(TypeRef, bool)> = op.params.iter().map(|p| (p.ty.clone(), true)).collect();
    match op.body.as_ref().map(|b| &b.content) {
        Some(BodyContent::Json { ty, .. }) | Some(BodyContent::Form { ty }) => {
            out.push((ty.clone(), true))
        }
        // A multipart body names its struct directly rather than through a reference.
        Some(BodyContent::Multipart { ty, .. }) => out.push((TypeRef::Named(ty.clone()), true)),
        _ => {}
    }
    for r in &op.responses {
        if let Some(ResponseBody::Json { ty, .. }) = &r.body {
            out.push((ty.clone(), false));
        }
        out.extend(r.headers.iter().map(|h| (h.ty.clone(), false)));
    }
    out
}

/// Where every named type of `api` is used, following references transitively from each
/// operation.
pub fn usages(api: &Api) -> HashMap<String, Usage> {
    let types = Types::new(api);
    let mut out: HashMap<String, Usage> = HashMap::new();
    for op in &api.operations {
        let label = format!("{} {}", op.method.as_str(), op.path);
        let mut seen: HashSet<(&str, bool)> = HashSet::new();
        let roots = roots(op);
        let mut stack: Vec<(&TypeRef, bool)> = roots.iter().map(|(t, r)| (t, *r)).collect();
        while let Some((t, request)) = stack.pop() {
            let Some(name) = named(t) else { continue };
            let Some(def) = types.get(name) else { continue };
            if !seen.insert((def.name.as_str(), request)) {
                continue;
            }
            let usage = out.entry(def.name.clone()).or_default();
            let users = if request {
                usage.request = true;
                &mut usage.senders
            } else {
                usage.response = true;
                &mut usage.receivers
            };
            users.count += 1;
            users.first.get_or_insert_with(|| label.clone());
            stack.extend(referenced(def).into_iter().map(|t| (t, request)));
        }
    }
    out
}

/// The named type a reference mentions, looking through wrappers and collections.
fn named(t: &TypeRef) -> Option<&str> {
    match t {
        TypeRef::Named(n) => Some(n),
        TypeRef::Array(i) | TypeRef::Map(i) | TypeRef::Nullable(i) | TypeRef::Boxed(i) => named(i),
        _ => None,
    }
}

/// Every reference a type definition holds.
fn referenced(def: &TypeDef) -> Vec<&TypeRef> {
    match &def.kind {
        TypeKind::Struct(s) => s
            .fields
            .iter()
            .map(|f| &f.ty)
            .chain(s.additional.as_ref())
            .collect(),
        TypeKind::Union(u) => u.variants.iter().map(|v| &v.ty).collect(),
        TypeKind::Alias(t) => vec![t],
        TypeKind::Enum(_) | TypeKind::Newtype(_) => Vec::new(),
    }
}
