//! A short, human-readable summary of an API's surface, for drift snapshots.
//!
//! The generated code is the exact truth, but a reviewer reading a spec update wants to see "a
//! new enum value", "a field became optional", "a new 422 response" at a glance. This renders
//! the IR as stable text, one fact per line — each enum value, union alternative, field, part,
//! status and response header on its own line — so an insta diff reads like a changelog and
//! shows exactly what was added or removed (a 50-value enum is not one long changed line).

use crate::ir::*;
use std::fmt::Write;

fn type_text(t: &TypeRef) -> String {
    match t {
        TypeRef::Named(n) => n.clone(),
        TypeRef::Primitive(p) => format!("{p:?}").to_lowercase(),
        TypeRef::Array(i) => format!("[{}]", type_text(i)),
        TypeRef::Map(i) => format!("{{string: {}}}", type_text(i)),
        TypeRef::Nullable(i) => format!("{}?", type_text(i)),
        TypeRef::Boxed(i) => type_text(i),
        TypeRef::Json | TypeRef::FreeForm { .. } => "any".into(),
    }
}

fn status_text(s: Status) -> String {
    match s {
        Status::Code(c) => c.to_string(),
        Status::Range(d) => format!("{d}XX"),
        Status::Default => "default".into(),
    }
}

/// Renders the surface of `api`.
pub fn render_surface(api: &Api) -> String {
    let mut out = String::new();
    let version = api
        .version
        .as_deref()
        .unwrap_or("unknown (placeholder in spec)");
    let _ = writeln!(
        out,
        "api {} — module `{}`, version {version}",
        api.title, api.module
    );
    let _ = writeln!(out, "sources: {}", api.sources.join(", "));
    for s in &api.servers {
        let _ = writeln!(out, "server {} = {}", s.fn_name, s.url);
    }
    for s in &api.security_schemes {
        let kind = match &s.kind {
            AuthKind::Bearer => "bearer".to_owned(),
            AuthKind::Basic => "basic".to_owned(),
            AuthKind::ApiKey { location, name } => format!(
                "api key in {} `{name}`",
                format!("{location:?}").to_lowercase()
            ),
        };
        let _ = writeln!(out, "auth {} = {kind}", s.key);
    }
    let _ = writeln!(out, "\noperations ({}):", api.operations.len());
    for op in &api.operations {
        render_operation(&mut out, op);
    }
    let _ = writeln!(out, "\ntypes ({}):", api.types.len());
    for t in &api.types {
        render_type(&mut out, t);
    }
    let _ = writeln!(out, "\nexamples: {}", api.examples.len());
    out
}

/// An operation: its line, auth, parameters, body and parts.
fn render_operation(out: &mut String, op: &Operation) {
    let _ = writeln!(
        out,
        "  {} {} -> {}",
        op.method.as_str(),
        op.path,
        op.fn_name
    );
    if !op.security.is_empty() {
        let _ = writeln!(out, "    auth: {}", op.security.join(", "));
    }
    if op.deprecated.is_some() {
        let _ = writeln!(out, "    deprecated");
    }
    for p in &op.params {
        let mut flags = vec![if p.required { "required" } else { "optional" }];
        if p.idempotency_key {
            flags.push("idempotency key, fresh UUID v4 by default");
        }
        let _ = writeln!(
            out,
            "    {} {}: {} ({})",
            format!("{:?}", p.location).to_lowercase(),
            p.wire_name,
            type_text(&p.ty),
            flags.join(", ")
        );
    }
    if let Some(b) = &op.body {
        let req = if b.required { "required" } else { "optional" };
        let what = match &b.content {
            BodyContent::Json { media_type, ty, .. } => {
                format!("{media_type} {}", type_text(ty))
            }
            BodyContent::Multipart { ty, .. } => format!("multipart/form-data {ty}"),
            BodyContent::Form { ty } => format!("form {}", type_text(ty)),
            BodyContent::Binary { media_type } => format!("{media_type} bytes"),
            BodyContent::Text { media_type } => format!("{media_type} text"),
        };
        let _ = writeln!(out, "    body: {what} ({req})");
        if let BodyContent::Multipart { parts, .. } = &b.content {
            for p in parts {
                let optional = if p.required { "" } else { "?" };
                let kind = format!("{:?}", p.kind).to_lowercase();
                let _ = writeln!(out, "      part {}{optional}: {kind}", p.wire_name);
            }
        }
    }
    render_responses(out, &op.responses);
    // A shared enum is the API's one type behind several per-operation names (aliases).
    for (alias, shared) in [
        (&op.error_type, &op.shared_error),
        (&op.success_type, &op.shared_success),
    ] {
        if let (Some(alias), Some(shared)) = (alias, shared) {
            let _ = writeln!(out, "    type {alias} = {shared}");
        }
    }
}

/// Each documented status and its headers.
fn render_responses(out: &mut String, responses: &[Response]) {
    for r in responses {
        let body = match &r.body {
            None => "no body".to_owned(),
            Some(ResponseBody::Json { ty, .. }) => type_text(ty),
            Some(ResponseBody::Text { media_type }) => format!("{media_type} text"),
            Some(ResponseBody::Binary { media_type }) => format!("{media_type} bytes"),
        };
        let _ = writeln!(out, "    {} {}: {body}", status_text(r.status), r.variant);
        for h in &r.headers {
            let optional = if h.required { "" } else { " (optional)" };
            let _ = writeln!(
                out,
                "      header {}: {}{optional}",
                h.wire_name,
                type_text(&h.ty)
            );
        }
    }
}

/// A type and its members, one per line.
fn render_type(out: &mut String, t: &TypeDef) {
    let deprecated = if t.deprecated.is_some() {
        " (deprecated)"
    } else {
        ""
    };
    match &t.kind {
        TypeKind::Struct(s) => {
            let _ = writeln!(out, "  struct {}{deprecated}", t.name);
            for f in &s.fields {
                let mut flags = Vec::new();
                if !f.required {
                    flags.push("optional".to_owned());
                }
                if f.deprecated.is_some() {
                    flags.push("deprecated".to_owned());
                }
                if let Some(v) = &f.added_in {
                    flags.push(format!("added in {v}"));
                }
                if f.read_only {
                    flags.push("read-only".to_owned());
                }
                if f.write_only {
                    flags.push("write-only".to_owned());
                }
                let flags = if flags.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", flags.join(", "))
                };
                let _ = writeln!(out, "    {}: {}{flags}", f.wire_name, type_text(&f.ty));
            }
            if let Some(a) = &s.additional {
                let _ = writeln!(out, "    *: {}", type_text(a));
            }
        }
        TypeKind::Enum(e) => {
            let _ = writeln!(out, "  enum {}{deprecated}", t.name);
            for v in &e.variants {
                let _ = writeln!(out, "    | {}", v.wire_name);
            }
        }
        TypeKind::Union(u) => {
            let by = u
                .discriminator
                .as_ref()
                .map(|d| format!(" by `{d}`"))
                .unwrap_or_default();
            let _ = writeln!(out, "  union {}{deprecated}{by}", t.name);
            for v in &u.variants {
                let tags = if v.tags.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", v.tags.join("|"))
                };
                let _ = writeln!(out, "    | {}{tags}", type_text(&v.ty));
            }
        }
        TypeKind::Newtype(n) => {
            let mut c = Vec::new();
            if let Some(v) = n.min_length {
                c.push(format!("minLength {v}"));
            }
            if let Some(v) = n.max_length {
                c.push(format!("maxLength {v}"));
            }
            if let Some(v) = &n.pattern {
                c.push(format!("pattern {v}"));
            }
            let _ = writeln!(
                out,
                "  newtype {}{deprecated} = {} ({})",
                t.name,
                type_text(&TypeRef::Primitive(n.inner)),
                c.join(", ")
            );
        }
        TypeKind::Alias(a) => {
            let _ = writeln!(out, "  alias {}{deprecated} = {}", t.name, type_text(a));
        }
    }
}
