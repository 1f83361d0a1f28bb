//! Stage 4: IR to laid-out text. One file per kind of item (models, enums, responses,
//! operations, the client, pagination, example checks), the layout progenitor-impl and
//! typify-impl use, each writing through `text::Writer`; no names are invented here beyond the
//! collision-free fallback variant of open enums.
//!
//! Generated code names everything by full path (`::std::option::Option`, `crate::runtime::…`)
//! so it does not depend on imports, and calls into `runtime` for everything that is the same
//! for every operation, which keeps each method a short, readable list of steps.

mod client;
mod enums;
mod examples;
mod gates;
mod layout;
mod operation;
mod pagination;
mod plan;
mod records;
mod responses;
mod text;
mod types;

pub use examples::examples_module_text;
pub use plan::module_text;

use crate::ir::*;
use std::collections::BTreeSet;

/// The runtime's parts: the core file and the submodules it declares with `mod NAME;`.
const RUNTIME_CORE: &str = include_str!("../runtime.rs.in");
const RUNTIME_PARTS: &[(&str, &str)] = &[
    ("examples", include_str!("../runtime/examples.rs.in")),
    ("paging", include_str!("../runtime/paging.rs.in")),
    ("record", include_str!("../runtime/record.rs.in")),
    ("retry", include_str!("../runtime/retry.rs.in")),
    ("signing", include_str!("../runtime/signing.rs.in")),
    ("values", include_str!("../runtime/values.rs.in")),
];

/// The generated `src/runtime.rs`: the hand-written core with each `mod NAME;` replaced by the
/// part's text as an inline module, so the runtime stays one self-contained file (the corpus
/// and benchmark crates copy just that file) while its sources stay small.
pub fn runtime_file() -> String {
    let mut out = String::with_capacity(RUNTIME_CORE.len() * 3);
    for line in RUNTIME_CORE.lines() {
        // `pub mod NAME;` keeps its visibility: a part whose items are named by path.
        let (visibility, rest) = match line.strip_prefix("pub ") {
            Some(rest) => ("pub ", rest),
            None => ("", line),
        };
        let part = rest
            .strip_prefix("mod ")
            .and_then(|rest| rest.strip_suffix(';'))
            .and_then(|name| RUNTIME_PARTS.iter().find(|(n, _)| *n == name));
        match part {
            Some((name, text)) => {
                out.push_str(&format!("{visibility}mod {name} {{\n"));
                for inner in text.lines() {
                    if !inner.is_empty() {
                        out.push_str("    ");
                    }
                    out.push_str(inner);
                    out.push('\n');
                }
                out.push_str("}\n");
            }
            None => {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    out
}

fn contains_file(t: &TypeRef) -> bool {
    match t {
        TypeRef::Primitive(Primitive::File) => true,
        TypeRef::Array(i) | TypeRef::Map(i) | TypeRef::Nullable(i) | TypeRef::Boxed(i) => {
            contains_file(i)
        }
        _ => false,
    }
}

/// Named types that travel as text (parameters, multipart text parts): they need `ParamValue`.
fn param_types(api: &Api) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for op in &api.operations {
        for p in &op.params {
            let mut t = &p.ty;
            while let TypeRef::Array(inner)
            | TypeRef::Map(inner)
            | TypeRef::Nullable(inner)
            | TypeRef::Boxed(inner) = t
            {
                t = inner;
            }
            if let TypeRef::Named(n) = t {
                out.insert(n.clone());
            }
        }
        let Some(RequestBody {
            content: BodyContent::Multipart { ty: body, parts },
            ..
        }) = &op.body
        else {
            continue;
        };
        let Some(TypeKind::Struct(s)) = api.types.iter().find(|d| &d.name == body).map(|d| &d.kind)
        else {
            continue;
        };
        for part in parts.iter().filter(|p| p.kind == PartKind::Text) {
            if let Some(TypeRef::Named(n)) = s
                .fields
                .iter()
                .find(|f| f.name == part.field)
                .map(|f| &f.ty)
            {
                out.insert(n.clone());
            }
        }
    }
    out
}

/// One named model with its `ParamValue` impl when parameters use it.
fn model(cx: &plan::Context, def: &TypeDef, w: &mut text::Writer) {
    let param = cx.param_types.contains(&def.name);
    types::emit_type(w, def, cx.api.features.of_type(&def.name), param);
}

/// The per-operation items of `types` for operation `index`: header structs (declared by the
/// first operation that names them), response enums (a shared one declared by its first
/// operation, and an alias of it for each) and the params struct, each with its trait impls
/// next to it.
fn operation_types(cx: &plan::Context, index: usize, w: &mut text::Writer) {
    let api = cx.api;
    let op = &api.operations[index];
    for r in &op.responses {
        if let Some(h) = &r.headers_type {
            // Several responses of one operation may share a headers struct; the first declares it.
            let first = op
                .responses
                .iter()
                .position(|other| other.headers_type.as_ref() == Some(h));
            let here = op.responses.iter().position(|other| std::ptr::eq(other, r));
            if cx.headers_owner.get(h.as_str()) == Some(&index) && first == here {
                let cfg = api.features.of_type(h);
                responses::headers_struct_text(w, h, &r.headers, cfg);
            }
        }
    }
    let successes: Vec<&Response> = op.success_responses().collect();
    let errors: Vec<&Response> = op.error_responses().collect();
    let sides = [
        (&op.success_type, &op.shared_success, successes, false),
        (&op.error_type, &op.shared_error, errors, true),
    ];
    for (name, shared, responses, is_error) in sides {
        let Some(name) = name else { continue };
        match shared {
            Some(shared) => {
                // A shared enum is declared by the first operation that uses it, then aliased.
                let sharers = &cx.sharers[shared.as_str()];
                if std::ptr::eq(sharers[0], op) {
                    let owner = responses::Owner::Shared(sharers);
                    let cfg = api.features.of_type(shared);
                    responses::response_enum_text(w, shared, owner, &responses, is_error, api, cfg);
                }
                let cfg = api.features.of_type(name);
                responses::response_alias_text(w, op, shared, &responses, is_error, cfg);
            }
            None => {
                let owner = responses::Owner::Single(op);
                let cfg = api.features.of_type(name);
                responses::response_enum_text(w, name, owner, &responses, is_error, api, cfg);
            }
        }
    }
    if let Some(name) = &op.params_type {
        responses::params_struct_text(w, name, op, api.features.of_type(name));
    }
}

/// Module docs, inner attributes and `SPEC_VERSION`: the items before `types`.
fn head(api: &Api) -> String {
    let mut w = text::Writer::new(0);
    let heading = format!("{} (`{}`).", api.title, api.sources.join("`, `"));
    let mut lines = vec![heading];
    if let Some(d) = &api.description {
        lines.push(String::new());
        lines.extend(d.trim().lines().map(|l| l.trim_end().to_owned()));
    }
    for line in lines {
        // Vendor prose may carry bare `\r`, which rustc rejects in doc comments.
        for line in line.split('\r') {
            if line.trim().is_empty() {
                w.line("//!");
            } else {
                w.line(&format!("//! {}", line.trim_end()));
            }
        }
    }
    w.line("#![allow(deprecated)]");
    // Errors carry the typed body and headers of documented responses by value, by design.
    w.line("#![allow(clippy::result_large_err, clippy::large_enum_variant)]");
    w.line("/// The spec's version (`info.version`, or the newest release notes' version), or `None` when");
    w.line("/// the document holds a placeholder such as `${version}`.");
    let version = match &api.version {
        Some(v) => format!("::std::option::Option::Some({})", text::lit(v)),
        None => "::std::option::Option::None".to_owned(),
    };
    let constant = format!("pub const SPEC_VERSION: ::std::option::Option<&str> = {version}");
    w.call_line(&constant, ";");
    w.out
}
