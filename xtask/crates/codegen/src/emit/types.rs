//! Models: structs (with redacted `Debug` for sensitive fields), constrained newtypes, aliases,
//! and the `ParamValue` impls of types that travel as text. Enums and unions are in `enums`.

use super::enums::{emit_union, enum_text};
use super::plan::Part;
use super::text::{self, Writer};
use super::{contains_file, docs, gates, ident, primitive};
use crate::ir::*;
use proc_macro2::{Literal, TokenStream};
use quote::quote;

/// One named type with its trait impls, each item gated by `cfg` (empty for APIs that are not
/// split into features): regular shapes as text, the rest as tokens for prettyplease.
pub(super) fn emit_type(def: &TypeDef, cfg: &[String], param: bool, parts: &mut Vec<Part>) {
    let mut w = Writer::new(1);
    match &def.kind {
        TypeKind::Struct(s) => struct_text(&mut w, def, s, cfg),
        TypeKind::Enum(e) => enum_text(&mut w, def, e, cfg),
        TypeKind::Alias(t) => {
            w.cfg(cfg);
            w.docs(&[def.docs.as_deref()]);
            let head = format!("pub type {} = ", def.name);
            field_line(&mut w, &head, &text::ty(t, false), ";");
        }
        TypeKind::Newtype(n) => {
            parts.push(Part::Tokens(gates::items(
                &gates::cfg(cfg),
                emit_newtype(def, n),
            )));
        }
        TypeKind::Union(u) => {
            parts.push(Part::Tokens(gates::items(
                &gates::cfg(cfg),
                emit_union(def, u),
            )));
        }
    }
    if param {
        param_value_text(&mut w, def, cfg);
    }
    if !w.out.is_empty() {
        parts.push(Part::Text(w.out));
    }
}

/// The arguments of a field's `#[serde(...)]`: `rename` only where the wire name differs from
/// the Rust name, and the optional-field handling.
fn field_serde(f: &Field) -> Vec<String> {
    let wire = &f.wire_name;
    let mut args = Vec::new();
    if f.name.trim_start_matches("r#") != wire {
        args.push(format!("rename = {}", text::lit(wire)));
    }
    if !f.required {
        args.push("default".to_owned());
        args.push(r#"skip_serializing_if = "::std::option::Option::is_none""#.to_owned());
        if matches!(f.ty, TypeRef::Nullable(_)) {
            args.push(r#"with = "crate::runtime::double_option""#.to_owned());
        }
    }
    args
}

fn field_type(f: &Field) -> String {
    match (&f.ty, f.required) {
        (t, true) => text::ty(t, false),
        (TypeRef::Nullable(inner), false) => format!(
            "::std::option::Option<::std::option::Option<{}>>",
            text::ty(inner, false)
        ),
        (t, false) => format!("::std::option::Option<{}>", text::ty(t, false)),
    }
}

fn field_docs(w: &mut Writer, f: &Field) {
    let default_doc = f.default.as_ref().map(|d| format!("Defaults to `{d}`."));
    let added_doc = f.added_in.as_ref().map(|v| format!("Added in {v}."));
    let access_doc = match (f.read_only, f.write_only) {
        (true, _) => Some("Read-only: sent by the server, ignored in requests."),
        (_, true) => Some("Write-only: sent in requests, never returned."),
        _ => None,
    };
    let sensitive_doc = f
        .sensitive
        .then_some("Sensitive: `Debug` prints `<redacted>` instead of the value.");
    w.docs(&[
        f.docs.as_deref(),
        added_doc.as_deref(),
        access_doc,
        default_doc.as_deref(),
        sensitive_doc,
    ]);
}

/// The name of the field that collects undeclared properties, clear of the declared ones.
fn additional_field(s: &Struct) -> String {
    let mut field = "additional_properties".to_owned();
    while s.fields.iter().any(|f| f.name == field) {
        field.push('_');
    }
    field
}

/// `pub name: Type,` with the type's outer generics broken over lines when it does not fit,
/// as prettyplease breaks them.
pub(super) fn field_line(w: &mut Writer, head: &str, ty: &str, tail: &str) {
    if text::fits(w.indent(), head.len() + ty.len() + tail.len()) {
        w.line(&format!("{head}{ty}{tail}"));
        return;
    }
    match split_generics(ty) {
        Some((outer, args)) => {
            w.line(&format!("{head}{outer}<"));
            w.nested(|w| {
                for arg in &args {
                    field_line(w, "", arg, ",");
                }
            });
            w.line(&format!(">{tail}"));
        }
        None => w.line(&format!("{head}{ty}{tail}")),
    }
}

/// A method chain: on one line when it fits, else the receiver and one call per line below it.
pub(super) fn chain(w: &mut Writer, calls: &[String], tail: &str) {
    let whole: String = calls.concat();
    if text::fits(w.indent(), whole.len() + tail.len()) {
        w.line(&format!("{whole}{tail}"));
        return;
    }
    w.line(&calls[0]);
    w.nested(|w| {
        for (i, call) in calls.iter().enumerate().skip(1) {
            let end = if i + 1 == calls.len() { tail } else { "" };
            call_line(w, call, end);
        }
    });
}

/// A call `name(a, b)` followed by `tail`: on one line when it fits, else one argument per line.
pub(super) fn call_line(w: &mut Writer, call: &str, tail: &str) {
    let split = call
        .find('(')
        .filter(|_| call.ends_with(')'))
        .map(|open| (&call[..=open], &call[open + 1..call.len() - 1]));
    match split {
        Some((open, args)) if !text::fits(w.indent(), call.len() + tail.len()) => {
            let args: Vec<String> = text::split_top_level(args)
                .into_iter()
                .map(str::to_owned)
                .collect();
            w.list(open, &args, &format!("){tail}"), true);
        }
        _ => w.line(&format!("{call}{tail}")),
    }
}

/// `Outer<A, B>` as `("Outer", ["A", "B"])`.
fn split_generics(ty: &str) -> Option<(&str, Vec<&str>)> {
    let open = ty.find('<')?;
    let inner = ty.strip_suffix('>')?.get(open + 1..)?;
    Some((&ty[..open], text::split_top_level(inner)))
}

fn struct_text(w: &mut Writer, def: &TypeDef, s: &Struct, cfg: &[String]) {
    let serde = !s.fields.iter().any(|f| contains_file(&f.ty));
    let redacted = s.fields.iter().any(|f| f.sensitive);
    let mut derives: Vec<String> = Vec::new();
    if !redacted {
        derives.push("Debug".into());
    }
    derives.extend(["Clone".into(), "PartialEq".into()]);
    if serde {
        derives.extend(["::serde::Serialize".into(), "::serde::Deserialize".into()]);
    }
    w.cfg(cfg);
    w.docs(&[def.docs.as_deref()]);
    w.deprecated(&def.deprecated);
    w.list("#[derive(", &derives, ")]", false);
    if s.fields.is_empty() && s.additional.is_none() {
        w.line(&format!("pub struct {} {{}}", def.name));
    } else {
        w.line(&format!("pub struct {} {{", def.name));
        w.nested(|w| {
            for f in &s.fields {
                field_docs(w, f);
                w.deprecated(&f.deprecated);
                let attrs = if serde { field_serde(f) } else { Vec::new() };
                if !attrs.is_empty() {
                    w.list("#[serde(", &attrs, ")]", false);
                }
                field_line(w, &format!("pub {}: ", f.name), &field_type(f), ",");
            }
            if let Some(value) = &s.additional {
                w.line("/// Properties not listed in the schema.");
                w.line("#[serde(flatten)]");
                let map = format!(
                    "::std::collections::BTreeMap<::std::string::String, {}>",
                    text::ty(value, false)
                );
                field_line(w, &format!("pub {}: ", additional_field(s)), &map, ",");
            }
        });
        w.line("}");
    }
    if redacted {
        w.cfg(cfg);
        redacted_debug_text(w, def, s);
    }
}

/// `Debug` that prints `<redacted>` for sensitive fields, so secrets and personal data never
/// reach logs, while their values are still sent and decoded unchanged.
fn redacted_debug_text(w: &mut Writer, def: &TypeDef, s: &Struct) {
    w.impl_for("::std::fmt::Debug", &def.name);
    w.nested(|w| {
        w.line("fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {");
        w.nested(|w| {
            let mut calls = vec![format!("f.debug_struct({})", text::lit(&def.name))];
            for f in &s.fields {
                let label = text::lit(f.name.trim_start_matches("r#"));
                calls.push(if f.sensitive {
                    format!(".field({label}, &crate::runtime::Redacted)")
                } else {
                    format!(".field({label}, &self.{})", f.name)
                });
            }
            if s.additional.is_some() {
                let field = additional_field(s);
                calls.push(format!(".field({}, &self.{field})", text::lit(&field)));
            }
            calls.push(".finish()".into());
            chain(w, &calls, "");
        });
        w.line("}");
    });
    w.line("}");
}

fn newtype_checks(def: &TypeDef, n: &Newtype) -> (TokenStream, String) {
    let type_name = &def.name;
    let opt = |v: Option<usize>| match v {
        Some(v) => {
            let v = Literal::usize_unsuffixed(v);
            quote!(::std::option::Option::Some(#v))
        }
        None => quote!(::std::option::Option::None),
    };
    let length = (n.min_length.is_some() || n.max_length.is_some()).then(|| {
        let (min, max) = (opt(n.min_length), opt(n.max_length));
        quote!(crate::runtime::check_length(#type_name, &value, #min, #max)?;)
    });
    let pattern = n.pattern.as_ref().map(|p| {
        quote! {
            static PATTERN: ::std::sync::OnceLock<::regex::Regex> = ::std::sync::OnceLock::new();
            crate::runtime::check_pattern(#type_name, &value, #p, &PATTERN)?;
        }
    });
    let mut constraint_doc = Vec::new();
    if let Some(min) = n.min_length {
        constraint_doc.push(format!("at least {min} characters"));
    }
    if let Some(max) = n.max_length {
        constraint_doc.push(format!("at most {max} characters"));
    }
    if let Some(p) = &n.pattern {
        constraint_doc.push(format!("matches `{p}`"));
    }
    let doc = format!(
        "Checked when built or decoded: {}.",
        constraint_doc.join(", ")
    );
    (quote!(#length #pattern), doc)
}

fn emit_newtype(def: &TypeDef, n: &Newtype) -> TokenStream {
    let name = ident(&def.name);
    let inner = primitive(n.inner);
    let (checks, constraint_doc) = newtype_checks(def, n);
    let doc = docs(&[def.docs.as_deref(), Some(&constraint_doc)]);
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, ::serde::Serialize)]
        #[serde(transparent)]
        pub struct #name(#inner);

        impl #name {
            /// Checks `value` against the schema's constraints.
            pub fn new(value: impl ::std::convert::Into<#inner>) -> ::std::result::Result<Self, crate::runtime::ConstraintError> {
                let value = value.into();
                #checks
                Ok(Self(value))
            }

            /// The value as a string slice.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The wrapped value.
            pub fn into_inner(self) -> #inner {
                self.0
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl ::std::str::FromStr for #name {
            type Err = crate::runtime::ConstraintError;

            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                Self::new(value)
            }
        }

        impl ::std::convert::TryFrom<&str> for #name {
            type Error = crate::runtime::ConstraintError;

            fn try_from(value: &str) -> ::std::result::Result<Self, Self::Error> {
                Self::new(value)
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let value = <#inner as ::serde::Deserialize>::deserialize(deserializer)?;
                Self::new(value).map_err(<D::Error as ::serde::de::Error>::custom)
            }
        }
    }
}

/// `impl ParamValue` for named types used as parameters or multipart text parts.
fn param_value_text(w: &mut Writer, def: &TypeDef, cfg: &[String]) {
    let body = match &def.kind {
        TypeKind::Enum(_) | TypeKind::Newtype(_) => "self.to_string()",
        TypeKind::Alias(_) => return,
        _ => "::serde_json::to_string(self).unwrap_or_default()",
    };
    w.cfg(cfg);
    w.impl_for("crate::runtime::ParamValue", &def.name);
    w.nested(|w| {
        w.line("fn param_string(&self) -> ::std::string::String {");
        w.nested(|w| w.line(body));
        w.line("}");
    });
    w.line("}");
}
