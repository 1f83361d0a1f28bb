//! The comparison of named types: struct fields, enum values, union alternatives, constraints.
//!
//! A named type is compared once, and its changes are labelled `type Name`. Whether a change is
//! judged as a request change or a response change depends on where the type is used (in either
//! version); a type used in both takes the worse of the two verdicts, so the report never
//! understates a risk.

use super::bounds::Travels;
use super::compare::{At, Comparer, text};
use super::model::Rust;
use super::rules::rule_for;
use super::shape::RefDiff;
use super::shape::ref_diff;
use specgen_codegen::parse::source_map::escape_token;
use specgen_ir::ir::{Field, Newtype, StringEnum, Struct, TypeDef, TypeKind, Union};
use std::collections::BTreeSet;

fn kind_name(k: &TypeKind) -> &'static str {
    match k {
        TypeKind::Struct(_) => "struct",
        TypeKind::Enum(_) => "enum",
        TypeKind::Union(_) => "union",
        TypeKind::Newtype(_) => "constrained scalar",
        TypeKind::Alias(_) => "alias",
    }
}

fn sub(origin: &str, tail: &str) -> String {
    if origin.starts_with('#') {
        format!("{origin}{tail}")
    } else {
        origin.to_owned()
    }
}

impl Comparer<'_> {
    /// Picks the request or the response rule for a change to type `name`: the one that applies,
    /// or the worse one when the type travels both ways.
    fn pick(&self, name: &str, request: &'static str, response: &'static str) -> &'static str {
        let u = self.usage_of(name);
        match (u.request, u.response) {
            (true, false) => request,
            (false, true) => response,
            _ if rule_for(response).wire < rule_for(request).wire => response,
            _ => request,
        }
    }

    /// Compares every named type present on either side.
    pub(super) fn types(&mut self) {
        for o in &self.old.types {
            match self.new_types.get(&o.name) {
                Some(n) => self.type_def(o, n),
                None => {
                    let at = At {
                        label: format!("type {}", o.name),
                        base: Some(o.origin.clone()),
                        revision: None,
                    };
                    self.push(
                        "type-removed",
                        &at,
                        None,
                        format!("{} `{}` removed", kind_name(&o.kind), o.name),
                    );
                }
            }
        }
        for n in &self.new.types {
            if self.old_types.get(&n.name).is_none() {
                let at = At {
                    label: format!("type {}", n.name),
                    base: None,
                    revision: Some(n.origin.clone()),
                };
                self.push(
                    "type-added",
                    &at,
                    None,
                    format!("{} `{}` added", kind_name(&n.kind), n.name),
                );
            }
        }
        self.shared_enums();
    }

    /// A shared response enum's name disappears when its set of responses changes or loses all
    /// but one operation. Each operation's own name (a type alias) stays, so only code that
    /// names the shared enum itself breaks; the response changes behind it are reported per
    /// operation.
    fn shared_enums(&mut self) {
        let shared = |api: &specgen_ir::ir::Api| -> BTreeSet<String> {
            let ops = api.operations.iter();
            ops.flat_map(|o| [o.shared_error.clone(), o.shared_success.clone()])
                .flatten()
                .collect()
        };
        let mut still_named = shared(self.new);
        for o in &self.new.operations {
            still_named.extend(o.error_type.iter().chain(&o.success_type).cloned());
        }
        still_named.extend(self.new.types.iter().map(|t| t.name.clone()));
        for name in shared(self.old).difference(&still_named) {
            let at = At {
                label: format!("type {name}"),
                base: None,
                revision: None,
            };
            let message =
                format!("shared response enum `{name}` removed (the operations' own names remain)");
            self.push("shared-response-enum-removed", &at, None, message);
        }
    }

    fn type_def(&mut self, o: &TypeDef, n: &TypeDef) {
        let at = At {
            label: format!("type {}", n.name),
            base: Some(o.origin.clone()),
            revision: Some(n.origin.clone()),
        };
        // An inline schema's deprecation is its property's, which `property-deprecated` reports.
        let inline = n.origin.contains("/properties/");
        if o.deprecated.is_none() && n.deprecated.is_some() && !inline {
            self.push(
                "type-deprecated",
                &at,
                None,
                format!("`{}` deprecated", n.name),
            );
        }
        match (&o.kind, &n.kind) {
            (TypeKind::Struct(a), TypeKind::Struct(b)) => self.structs(&n.name, o, n, a, b),
            (TypeKind::Enum(a), TypeKind::Enum(b)) => self.enums(&n.name, &at, a, b),
            (TypeKind::Union(a), TypeKind::Union(b)) => self.unions(&n.name, &at, a, b),
            (TypeKind::Newtype(a), TypeKind::Newtype(b)) => self.newtypes(&n.name, &at, a, b),
            (TypeKind::Alias(a), TypeKind::Alias(b)) => {
                let diff = ref_diff(&self.old_types, a, &self.new_types, b);
                self.reference(
                    &n.name,
                    &at,
                    diff,
                    format!("alias `{}`", n.name),
                    (text(a), text(b)),
                );
            }
            (a, b) => {
                let m = format!(
                    "`{}` changed from {} to {}",
                    n.name,
                    kind_name(a),
                    kind_name(b)
                );
                self.push("type-kind-changed", &at, None, m);
            }
        }
    }

    /// Reports a changed reference (a field's, an alias's) under the type's context.
    fn reference(
        &mut self,
        ty: &str,
        at: &At,
        diff: RefDiff,
        what: String,
        texts: (String, String),
    ) {
        let (id, m) = match diff {
            RefDiff::Same => return,
            RefDiff::RustOnly => (
                "rust-type-changed",
                format!(
                    "{what}: Rust type changed from {} to {}, wire shape did not",
                    texts.0, texts.1
                ),
            ),
            RefDiff::BecameNullable => (
                self.pick(
                    ty,
                    "request-property-became-nullable",
                    "response-property-became-nullable",
                ),
                format!("{what} may now be null"),
            ),
            RefDiff::BecameNotNullable => (
                self.pick(
                    ty,
                    "request-property-became-not-nullable",
                    "response-property-became-not-nullable",
                ),
                format!("{what} may no longer be null"),
            ),
            RefDiff::Changed => (
                self.pick(
                    ty,
                    "request-property-type-changed",
                    "response-property-type-changed",
                ),
                format!("{what} type changed from {} to {}", texts.0, texts.1),
            ),
        };
        self.push(id, at, None, m);
    }

    fn structs(&mut self, ty: &str, od: &TypeDef, nd: &TypeDef, a: &Struct, b: &Struct) {
        let at_field = |f: Option<&Field>, g: Option<&Field>| At {
            label: format!("type {ty}"),
            base: f.map(|f| {
                sub(
                    &od.origin,
                    &format!("/properties/{}", escape_token(&f.wire_name)),
                )
            }),
            revision: g.map(|g| {
                sub(
                    &nd.origin,
                    &format!("/properties/{}", escape_token(&g.wire_name)),
                )
            }),
        };
        for f in &a.fields {
            let Some(g) = b.fields.iter().find(|g| g.wire_name == f.wire_name) else {
                let at = at_field(Some(f), None);
                let id = match f.required {
                    true => self.pick(ty, "request-property-removed", "response-property-removed"),
                    false => self.pick(
                        ty,
                        "request-property-removed",
                        "response-optional-property-removed",
                    ),
                };
                let prior = if f.deprecated.is_some() {
                    "after deprecation"
                } else {
                    "without prior deprecation"
                };
                self.push(
                    id,
                    &at,
                    None,
                    format!("property `{}` removed {prior}", f.wire_name),
                );
                continue;
            };
            self.field(ty, &at_field(Some(f), Some(g)), f, g);
        }
        for g in &b.fields {
            if !a.fields.iter().any(|f| f.wire_name == g.wire_name) {
                let at = at_field(None, Some(g));
                let (id, what) = match g.required {
                    true => (
                        self.pick(
                            ty,
                            "new-required-request-property",
                            "response-required-property-added",
                        ),
                        "required",
                    ),
                    false => (
                        self.pick(
                            ty,
                            "new-optional-request-property",
                            "response-optional-property-added",
                        ),
                        "optional",
                    ),
                };
                self.push(
                    id,
                    &at,
                    None,
                    format!("new {what} property `{}`", g.wire_name),
                );
            }
        }
        let at = at_field(None, None);
        let at = At {
            base: Some(od.origin.clone()),
            revision: Some(nd.origin.clone()),
            ..at
        };
        match (&a.additional, &b.additional) {
            (None, None) => {}
            (Some(x), Some(y)) => match ref_diff(&self.old_types, x, &self.new_types, y) {
                RefDiff::Same => {}
                _ => self.push(
                    "additional-properties-changed",
                    &at,
                    None,
                    format!(
                        "additional properties changed from {} to {}",
                        text(x),
                        text(y)
                    ),
                ),
            },
            (None, Some(_)) => self.push(
                "additional-properties-changed",
                &at,
                None,
                "additional properties now allowed".into(),
            ),
            (Some(_), None) => self.push(
                "additional-properties-changed",
                &at,
                None,
                "additional properties no longer allowed".into(),
            ),
        }
    }

    fn field(&mut self, ty: &str, at: &At, f: &Field, g: &Field) {
        let name = format!("property `{}`", g.wire_name);
        if f.name != g.name {
            let m = format!(
                "{name}: Rust field renamed from `{}` to `{}`",
                f.name, g.name
            );
            self.push("rust-name-changed", at, None, m);
        }
        // Which side a property travels on is only looked up when its requiredness changed.
        if f.required != g.required {
            let ids = [
                self.pick(
                    ty,
                    "request-property-became-required",
                    "response-property-became-required",
                ),
                self.pick(
                    ty,
                    "request-property-became-optional",
                    "response-property-became-optional",
                ),
            ];
            self.requiredness((f.required, g.required), ids, at, None, &name);
        }
        let diff = ref_diff(&self.old_types, &f.ty, &self.new_types, &g.ty);
        self.reference(ty, at, diff, name.clone(), (text(&f.ty), text(&g.ty)));
        let u = self.usage_of(ty);
        let travels = Travels {
            request: u.request && !f.read_only,
            response: u.response && !f.write_only,
        };
        self.number_bounds(at, &name, f.bounds.as_ref(), g.bounds.as_ref(), travels);
        if f.deprecated.is_none() && g.deprecated.is_some() {
            self.push(
                "property-deprecated",
                at,
                None,
                format!("{name} deprecated"),
            );
        }
        if f.default != g.default {
            let show = |v: &Option<serde_json::Value>| {
                v.as_ref().map_or("none".to_owned(), |v| v.to_string())
            };
            let m = format!(
                "{name} default changed from {} to {}",
                show(&f.default),
                show(&g.default)
            );
            self.push("property-default-value-changed", at, None, m);
        }
    }

    fn enums(&mut self, ty: &str, at: &At, a: &StringEnum, b: &StringEnum) {
        // Values pair up by wire name; a name listed twice (`true` and `"true"` both become
        // `true`) pairs occurrence by occurrence, so a document never differs from itself.
        let nth = |e: &'_ StringEnum, wire: &str, k: usize| {
            e.variants
                .iter()
                .filter(|w| w.wire_name == wire)
                .nth(k)
                .map(|w| w.name.clone())
        };
        let occurrence = |e: &StringEnum, i: usize| {
            e.variants[..i]
                .iter()
                .filter(|w| w.wire_name == e.variants[i].wire_name)
                .count()
        };
        for (i, v) in a.variants.iter().enumerate() {
            match nth(b, &v.wire_name, occurrence(a, i)) {
                None => {
                    let id = self.pick(
                        ty,
                        "request-property-enum-value-removed",
                        "response-property-enum-value-removed",
                    );
                    self.push(
                        id,
                        at,
                        None,
                        format!("enum value `{}` removed", v.wire_name),
                    );
                }
                Some(name) if name != v.name => {
                    let m = format!(
                        "enum value `{}`: Rust variant renamed from `{}` to `{name}`",
                        v.wire_name, v.name
                    );
                    self.push("rust-name-changed", at, None, m);
                }
                Some(_) => {}
            }
        }
        for (i, w) in b.variants.iter().enumerate() {
            if nth(a, &w.wire_name, occurrence(b, i)).is_none() {
                let id = self.pick(
                    ty,
                    "request-property-enum-value-added",
                    "response-property-enum-value-added",
                );
                self.push(id, at, None, format!("enum value `{}` added", w.wire_name));
            }
        }
    }

    fn unions(&mut self, ty: &str, at: &At, a: &Union, b: &Union) {
        if a.discriminator != b.discriminator {
            let show = |d: &Option<String>| d.clone().unwrap_or_else(|| "none".into());
            let m = format!(
                "discriminator changed from {} to {}",
                show(&a.discriminator),
                show(&b.discriminator)
            );
            self.push("union-discriminator-changed", at, None, m);
        }
        for v in &a.variants {
            match b.variants.iter().find(|w| w.name == v.name) {
                None => {
                    let id = self.pick(
                        ty,
                        "request-union-variant-removed",
                        "response-union-variant-removed",
                    );
                    self.push(id, at, None, format!("alternative `{}` removed", v.name));
                }
                Some(w) => {
                    if v.tags != w.tags && a.discriminator == b.discriminator {
                        let m = format!(
                            "alternative `{}` now selected by {:?} instead of {:?}",
                            v.name, w.tags, v.tags
                        );
                        self.push("union-discriminator-changed", at, None, m);
                    }
                    let diff = ref_diff(&self.old_types, &v.ty, &self.new_types, &w.ty);
                    self.reference(
                        ty,
                        at,
                        diff,
                        format!("alternative `{}`", v.name),
                        (text(&v.ty), text(&w.ty)),
                    );
                }
            }
        }
        for w in &b.variants {
            if !a.variants.iter().any(|v| v.name == w.name) {
                let id = self.pick(
                    ty,
                    "request-union-variant-added",
                    "response-union-variant-added",
                );
                self.push(id, at, None, format!("alternative `{}` added", w.name));
            }
        }
    }

    fn newtypes(&mut self, ty: &str, at: &At, a: &Newtype, b: &Newtype) {
        if a.inner != b.inner {
            let id = self.pick(
                ty,
                "request-property-type-changed",
                "response-property-type-changed",
            );
            let m = format!("`{ty}` changed from {:?} to {:?}", a.inner, b.inner).to_lowercase();
            self.push(id, at, Some(Rust::Major), m);
        }
        // `tight` is true when the revision accepts fewer values than the base.
        let bound = |this: &mut Self,
                     what: &str,
                     tight: Option<bool>,
                     request_id: &'static str,
                     shown: String| {
            let Some(tight) = tight else { return };
            let u = this.usage_of(ty);
            if u.request {
                let id = if tight {
                    request_id
                } else {
                    "request-property-bounds-relaxed"
                };
                this.push(id, at, None, format!("{what} {shown}"));
            }
            if u.response {
                let id = if tight {
                    "response-property-bounds-tightened"
                } else {
                    "response-property-bounds-relaxed"
                };
                this.push(id, at, None, format!("{what} {shown}"));
            }
        };
        let show = |o: Option<String>, n: Option<String>| {
            format!(
                "changed from {} to {}",
                o.unwrap_or_else(|| "none".into()),
                n.unwrap_or_else(|| "none".into())
            )
        };
        let upper = |o: Option<f64>, n: Option<f64>| match (o, n) {
            (None, None) => None,
            (Some(x), Some(y)) if x == y => None,
            (None, Some(_)) => Some(true),
            (Some(_), None) => Some(false),
            (Some(x), Some(y)) => Some(y < x),
        };
        let lower = |o: Option<f64>, n: Option<f64>| upper(o.map(|v| -v), n.map(|v| -v));
        let f = |v: Option<usize>| v.map(|v| v as f64);
        let s = |v: Option<usize>| v.map(|v| v.to_string());
        bound(
            self,
            "maxLength",
            upper(f(a.max_length), f(b.max_length)),
            "request-property-max-length-decreased",
            show(s(a.max_length), s(b.max_length)),
        );
        bound(
            self,
            "minLength",
            lower(f(a.min_length), f(b.min_length)),
            "request-property-min-length-increased",
            show(s(a.min_length), s(b.min_length)),
        );
        let u = self.usage_of(ty);
        let travels = Travels {
            request: u.request,
            response: u.response,
        };
        self.number_bounds(at, "value", a.bounds.as_ref(), b.bounds.as_ref(), travels);
        if a.pattern != b.pattern {
            // A different pattern is neither tighter nor looser in general; oasdiff warns.
            let u = self.usage_of(ty);
            let m = format!("pattern {}", show(a.pattern.clone(), b.pattern.clone()));
            if u.request {
                self.push("request-property-pattern-changed", at, None, m.clone());
            }
            if u.response {
                self.push("response-property-bounds-relaxed", at, None, m);
            }
        }
    }
}
