//! Models: structs (with redacted `Debug` for sensitive fields), constrained newtypes, aliases,
//! and the `ParamValue` impls of types that travel as text. Enums and unions are in `enums`.

use super::contains_file;
use super::enums::{enum_text, union_text};
use super::records;
use super::text::{self, Writer};
use crate::ir::*;

/// One named type with its trait impls, each item gated by `cfg` (empty for APIs that are not
/// split into features).
pub(super) fn emit_type(w: &mut Writer, def: &TypeDef, cfg: &[String], param: bool) {
    match &def.kind {
        TypeKind::Struct(s) => struct_text(w, def, s, cfg),
        TypeKind::Enum(e) => enum_text(w, def, e, cfg),
        TypeKind::Alias(t) => {
            w.cfg(cfg);
            w.docs(&[def.docs.as_deref()]);
            let head = format!("pub type {} = ", def.name);
            w.field_line(&head, &text::ty(t, false), ";");
        }
        TypeKind::Newtype(n) => newtype_text(w, def, n, cfg),
        TypeKind::Union(u) => union_text(w, def, u, cfg),
    }
    if param {
        param_value_text(w, def, cfg);
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
        (t, false) => text::optional(text::ty(t, false), false),
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

fn struct_text(w: &mut Writer, def: &TypeDef, s: &Struct, cfg: &[String]) {
    let serde = !s.fields.iter().any(|f| contains_file(&f.ty));
    // Plain structs get their serde impls from `records`; only `flatten` needs the derives.
    let derived = serde && !records::compact(s);
    let redacted = s.fields.iter().any(|f| f.sensitive);
    let mut derives: Vec<String> = Vec::new();
    if !redacted {
        derives.push("Debug".into());
    }
    derives.extend(["Clone".into(), "PartialEq".into()]);
    if derived {
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
                let attrs = if derived { field_serde(f) } else { Vec::new() };
                if !attrs.is_empty() {
                    w.list("#[serde(", &attrs, ")]", false);
                }
                w.field_line(&format!("pub {}: ", f.name), &field_type(f), ",");
            }
            if let Some(value) = &s.additional {
                w.line("/// Properties not listed in the schema.");
                w.line("#[serde(flatten)]");
                let map = format!(
                    "::std::collections::BTreeMap<::std::string::String, {}>",
                    text::ty(value, false)
                );
                w.field_line(&format!("pub {}: ", additional_field(s)), &map, ",");
            }
        });
        w.line("}");
    }
    if redacted {
        w.cfg(cfg);
        redacted_debug_text(w, def, s);
    }
    if serde && !derived {
        records::record_text(w, def, s, cfg);
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
            w.chain(&calls, "");
        });
        w.line("}");
    });
    w.line("}");
}

/// The checks in a newtype's constructor, and the doc line that states them.
fn newtype_checks(w: &mut Writer, def: &TypeDef, n: &Newtype) {
    let name = text::lit(&def.name);
    let opt = |v: Option<usize>| match v {
        Some(v) => format!("::std::option::Option::Some({v})"),
        None => "::std::option::Option::None".to_owned(),
    };
    if n.min_length.is_some() || n.max_length.is_some() {
        let args = [
            name.clone(),
            "&value".to_owned(),
            opt(n.min_length),
            opt(n.max_length),
        ];
        w.list("crate::runtime::check_length(", &args, ")?;", true);
    }
    if let Some(p) = &n.pattern {
        w.line(
            "static PATTERN: ::std::sync::OnceLock<::regex::Regex> = ::std::sync::OnceLock::new();",
        );
        let args = [
            name,
            "&value".to_owned(),
            text::lit(p),
            "&PATTERN".to_owned(),
        ];
        w.list("crate::runtime::check_pattern(", &args, ")?;", true);
    }
}

fn constraint_doc(n: &Newtype) -> String {
    let mut parts = Vec::new();
    if let Some(min) = n.min_length {
        parts.push(format!("at least {min} characters"));
    }
    if let Some(max) = n.max_length {
        parts.push(format!("at most {max} characters"));
    }
    if let Some(p) = &n.pattern {
        parts.push(format!("matches `{p}`"));
    }
    format!("Checked when built or decoded: {}.", parts.join(", "))
}

/// A string newtype whose constructor checks the schema's length and pattern.
fn newtype_text(w: &mut Writer, def: &TypeDef, n: &Newtype, cfg: &[String]) {
    let name = &def.name;
    let inner = text::primitive(n.inner);
    w.cfg(cfg);
    w.docs(&[def.docs.as_deref(), Some(&constraint_doc(n))]);
    w.line("#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, ::serde::Serialize)]");
    w.line("#[serde(transparent)]");
    w.line(&format!("pub struct {name}({inner});"));
    w.cfg(cfg);
    w.line(&format!("impl {name} {{"));
    w.nested(|w| {
        w.line("/// Checks `value` against the schema's constraints.");
        w.signature(
            "pub fn new",
            &[format!("value: impl ::std::convert::Into<{inner}>")],
            "::std::result::Result<Self, crate::runtime::ConstraintError>",
        );
        w.nested(|w| {
            w.line("let value = value.into();");
            newtype_checks(w, def, n);
            w.line("Ok(Self(value))");
        });
        w.line("}");
        w.line("/// The value as a string slice.");
        w.line("pub fn as_str(&self) -> &str {");
        w.nested(|w| w.line("&self.0"));
        w.line("}");
        w.line("/// The wrapped value.");
        w.line(&format!("pub fn into_inner(self) -> {inner} {{"));
        w.nested(|w| w.line("self.0"));
        w.line("}");
    });
    w.line("}");
    w.cfg(cfg);
    w.impl_for("::std::fmt::Display", name);
    w.nested(|w| {
        w.line("fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {");
        w.nested(|w| w.line("f.write_str(&self.0)"));
        w.line("}");
    });
    w.line("}");
    for (trait_path, assoc, signature) in [
        (
            "::std::str::FromStr",
            "type Err",
            "fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {",
        ),
        (
            "::std::convert::TryFrom<&str>",
            "type Error",
            "fn try_from(value: &str) -> ::std::result::Result<Self, Self::Error> {",
        ),
    ] {
        w.cfg(cfg);
        w.impl_for(trait_path, name);
        w.nested(|w| {
            w.line(&format!("{assoc} = crate::runtime::ConstraintError;"));
            w.line(signature);
            w.nested(|w| w.line("Self::new(value)"));
            w.line("}");
        });
        w.line("}");
    }
    w.cfg(cfg);
    w.line(&format!(
        "impl<'de> ::serde::Deserialize<'de> for {name} {{"
    ));
    w.nested(|w| {
        super::enums::deserialize_signature(w);
        w.nested(|w| {
            super::enums::deserialize_value(w, inner);
            w.line("Self::new(value).map_err(<D::Error as ::serde::de::Error>::custom)");
        });
        w.line("}");
    });
    w.line("}");
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
