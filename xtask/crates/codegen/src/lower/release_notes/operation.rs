//! One endpoint as the notes describe it now → an operation waiting for its types.
//!
//! Parameters come from the path template and the parameter tables; the request body and each
//! response status get a slot in the inference arena, fed by every example shown for them; then
//! the field lifecycle lines (added, deprecated, removed) and what the prose says about fields
//! (conditional wording, value lists) are applied to those slots.

use super::infer::{self, Annotation, Inference, Origin, SlotId, text};
use super::versions::{CurrentEndpoint, Lifecycle, Sourced};
use super::{PendingBody, PendingOperation, parse};
use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::ir::*;
use crate::lower::openapi::derive_operation_name;
use crate::naming::{self, Namespace};

fn origin_of<T>(s: &Sourced<T>, line: usize) -> Origin {
    Origin {
        file: s.file.clone(),
        line,
    }
}

fn at(line: usize) -> Location {
    Location::at(line, 1)
}

fn param_type(row: &Sourced<parse::FieldRow>, diagnostics: &mut Diagnostics) -> TypeRef {
    match row.item.ty.value.as_str() {
        "string" => TypeRef::Primitive(Primitive::String),
        "integer" => TypeRef::Primitive(Primitive::I64),
        "number" => TypeRef::Primitive(Primitive::F64),
        "boolean" => TypeRef::Primitive(Primitive::Bool),
        other => {
            diagnostics.push(
                Diagnostic::warning(
                    &row.file,
                    Location::at(row.item.line, row.item.ty.col),
                    format!("a parameter of type `{other}` is sent as its JSON text"),
                )
                .with_hint("parameters are usually strings, numbers or booleans"),
            );
            TypeRef::Json
        }
    }
}

/// The operation for `e`, with its bodies sampled into `inference`; `rename` is the method name
/// an overlay gives it.
pub(super) fn operation<'a>(
    e: &'a CurrentEndpoint,
    rename: Option<&str>,
    inference: &mut Inference,
    fn_names: &mut Namespace,
    diagnostics: &mut Diagnostics,
) -> PendingOperation<'a> {
    let raw = match (rename, &e.summary) {
        (Some(name), _) => name.to_owned(),
        (None, Some(summary)) => naming::value_name(summary.trim_end_matches('.')),
        (None, None) => derive_operation_name(e.method, &e.path),
    };
    let fn_name = fn_names.claim(&raw);
    let base = naming::type_name(fn_name.trim_start_matches("r#"));
    let params = params(e, diagnostics);
    let body = request_body(e, inference);
    let responses = responses(e, inference);
    let successes: Vec<SlotId> = responses
        .iter()
        .filter(|r| (200..300).contains(&r.0))
        .filter_map(|r| r.2.as_ref().map(|b| b.slot))
        .collect();
    field_changes(
        e,
        body.as_ref().map(|b| b.slot),
        &successes,
        inference,
        diagnostics,
    );
    prose_facts(e, body.as_ref().map(|b| b.slot), &successes, inference);
    PendingOperation {
        endpoint: e,
        fn_name,
        base,
        params,
        body,
        responses,
        error_type: None,
        success_type: None,
        params_type: None,
    }
}

/// Path parameters in path order, then query parameters in table order.
fn params(e: &CurrentEndpoint, diagnostics: &mut Diagnostics) -> Vec<Parameter> {
    let template: Vec<&str> = e
        .path
        .split('{')
        .skip(1)
        .filter_map(|s| s.split('}').next())
        .collect();
    let mut arg_names = Namespace::with_reserved(["body", "self_"]);
    let mut params = Vec::new();
    let param = |name: String, wire: &str, location, ty, required, docs, explode| Parameter {
        name,
        wire_name: wire.to_owned(),
        location,
        ty,
        required,
        docs,
        explode,
        idempotency_key: false,
        signature: false,
        deprecated: None,
        bounds: None,
    };
    for name in &template {
        let row = e.path_params.iter().find(|r| r.item.name == *name);
        if row.is_none() {
            diagnostics.push(
                Diagnostic::warning(
                    &e.origin.file,
                    at(e.origin.item),
                    format!("path parameter `{{{name}}}` is not in a `Path Parameters` table; it is typed as a string"),
                )
                .with_hint("add a `Path Parameters` table with a row for it"),
            );
        }
        let ty = row.map_or(TypeRef::Primitive(Primitive::String), |r| {
            param_type(r, diagnostics)
        });
        let docs = row.and_then(|r| {
            infer::row_docs(r.item.description.as_deref(), r.item.example.as_deref())
        });
        let rust = arg_names.claim(&naming::value_name(name));
        params.push(param(
            rust,
            name,
            ParamLocation::Path,
            ty,
            true,
            docs,
            false,
        ));
    }
    for row in &e.path_params {
        if !template.contains(&row.item.name.as_str()) {
            diagnostics.push(
                Diagnostic::warning(
                    &row.file,
                    at(row.item.line),
                    format!(
                        "path parameter `{}` does not appear in the path `{}`; it is ignored",
                        row.item.name, e.path
                    ),
                )
                .with_hint("fix the name, or add `{name}` to the path"),
            );
        }
    }
    for row in &e.query_params {
        let ty = param_type(row, diagnostics);
        let docs = infer::row_docs(row.item.description.as_deref(), row.item.example.as_deref());
        let description = row.item.description.as_deref().unwrap_or_default();
        let required = row.item.required && !text::says_optional(description);
        let rust = arg_names.claim(&naming::value_name(&row.item.name));
        params.push(param(
            rust,
            &row.item.name,
            ParamLocation::Query,
            ty,
            required,
            docs,
            true,
        ));
    }
    params
}

/// The request body: the table and every example, merged into one slot.
fn request_body(e: &CurrentEndpoint, inference: &mut Inference) -> Option<PendingBody> {
    (!e.body_fields.is_empty() || !e.request_examples.is_empty()).then(|| {
        let slot = inference.root();
        let mut examples = Vec::new();
        for x in &e.request_examples {
            let origin = origin_of(x, x.item.line);
            inference.sample(slot, &x.item.value, &origin);
            examples.push((origin, x.item.value.clone()));
        }
        if let Some(first) = e.body_fields.first() {
            let rows: Vec<parse::FieldRow> = e.body_fields.iter().map(|r| r.item.clone()).collect();
            inference.declare_fields(slot, &rows, &first.file);
        }
        PendingBody { slot, examples }
    })
}

type PendingResponse = (u16, Option<String>, Option<PendingBody>);

/// Every declared status, each with the examples shown for it.
fn responses(e: &CurrentEndpoint, inference: &mut Inference) -> Vec<PendingResponse> {
    let mut statuses: Vec<u16> = e.responses.iter().map(|r| r.item.status).collect();
    for r in &e.response_examples {
        if !statuses.contains(&r.item.status) {
            statuses.push(r.item.status);
        }
    }
    statuses.sort_unstable();
    let mut responses = Vec::new();
    for status in statuses {
        let shown: Vec<&Sourced<parse::ResponseExample>> = e
            .response_examples
            .iter()
            .filter(|r| r.item.status == status)
            .collect();
        let row = e.responses.iter().find(|r| r.item.status == status);
        let mut docs: Vec<String> = Vec::new();
        if let Some(d) = row
            .and_then(|r| r.item.description.clone())
            .or_else(|| shown.iter().find_map(|r| r.item.description.clone()))
        {
            docs.push(d);
        }
        let reasons: Vec<String> = shown
            .iter()
            .flat_map(|r| r.item.reasons.iter().map(|x| format!("- {x}")))
            .collect();
        if !reasons.is_empty() {
            docs.push(reasons.join("\n"));
        }
        let jsons: Vec<(&Sourced<parse::ResponseExample>, &parse::JsonBlock)> = shown
            .iter()
            .filter_map(|r| r.item.json.as_ref().map(|j| (*r, j)))
            .collect();
        let body = (!jsons.is_empty()).then(|| {
            let slot = inference.root();
            let mut examples = Vec::new();
            for (r, j) in jsons {
                let origin = origin_of(r, j.line);
                inference.sample(slot, &j.value, &origin);
                examples.push((origin, j.value.clone()));
            }
            PendingBody { slot, examples }
        });
        responses.push((status, (!docs.is_empty()).then(|| docs.join("\n\n")), body));
    }
    responses
}

/// Field lifecycle lines apply to the request body, or to the success body of a body-less call.
fn field_changes(
    e: &CurrentEndpoint,
    request: Option<SlotId>,
    successes: &[SlotId],
    inference: &mut Inference,
    diagnostics: &mut Diagnostics,
) {
    let target = request.or_else(|| (successes.len() == 1).then(|| successes[0]));
    for (kind, c) in &e.field_changes {
        let origin = origin_of(c, c.item.line);
        let word = match kind {
            Lifecycle::Added => "added",
            Lifecycle::Deprecated => "deprecated",
            Lifecycle::Removed => "removed",
        };
        let Some(slot) = target else {
            diagnostics.push(
                Diagnostic::error(
                    &c.file,
                    at(c.item.line),
                    format!(
                        "`{}` is {word} but `{} {}` has no request body or single success body to hold it",
                        c.item.name,
                        e.method.as_str(),
                        e.path
                    ),
                )
                .with_hint("add an `Example Request` or a `Request Body` table to the endpoint"),
            );
            continue;
        };
        let note = c.item.note.clone();
        let with_note = |what: &str| match &note {
            Some(n) => format!("{what} in {}: {n}", c.version),
            None => format!("{what} in {}", c.version),
        };
        let annotation = Annotation {
            kind: c.item.ty.value.clone(),
            col: c.item.ty.col,
            added_in: (*kind == Lifecycle::Added).then(|| c.version.clone()),
            deprecated: (*kind == Lifecycle::Deprecated).then(|| with_note("deprecated")),
            removed: (*kind == Lifecycle::Removed).then(|| with_note("removed")),
            optional: note.as_deref().is_some_and(text::says_optional),
            docs: note.clone(),
        };
        if let Err(missing) = inference.annotate(slot, &c.item.name, &origin, annotation) {
            let message = if *kind == Lifecycle::Removed {
                format!(
                    "`{}` is removed, but the body has no field `{missing}`",
                    c.item.name
                )
            } else {
                format!(
                    "`{missing}` is not an object field of the body, so `{}` cannot be found",
                    c.item.name
                )
            };
            diagnostics.push(
                Diagnostic::error(&c.file, at(c.item.line), message)
                    .with_hint("dotted names go through objects and arrays of objects; check the spelling against the example"),
            );
        }
    }
}

/// What the endpoint's prose says about top-level body fields: conditional presence and value
/// lists (see [`text`]), for the request body when there is one, else for the success bodies.
fn prose_facts(
    e: &CurrentEndpoint,
    request: Option<SlotId>,
    successes: &[SlotId],
    inference: &mut Inference,
) {
    // Prose describes what the caller sends when the endpoint takes a body ("If expiresAt is not
    // provided …"), and what comes back when it does not ("Associated transaction hash (if
    // settled)").
    let mut bodies: Vec<SlotId> = match request {
        Some(slot) => vec![slot],
        None => successes.to_vec(),
    };
    // The items of a list body (`data: [...]`) are described the same way.
    let items: Vec<SlotId> = bodies
        .iter()
        .flat_map(|&b| inference.list_item_slots(b))
        .collect();
    bodies.extend(items);
    for line in &e.prose_lines {
        let (number, words) = &line.item;
        let origin = origin_of(line, *number);
        for &slot in &bodies {
            let fields = inference.field_names(slot);
            for (wire, optional, values) in text::prose_facts(words, &fields) {
                inference.describe_field(slot, &wire, optional, values, &origin);
            }
        }
    }
}
