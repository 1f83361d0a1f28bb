//! Release notes as a spec source: a directory of vendor release notes → one [`Api`].
//!
//! Some vendors publish no OpenAPI document, only release notes. `specs/NAME/` holds one notes
//! file per version; this module turns them into the same IR the OpenAPI lowering produces, so
//! emission, snapshots, example round-trips and `--check` work unchanged. The stages:
//!
//! 1. [`parse`]: each file's text → records (endpoints, tables, JSON examples), every record
//!    with its line; problems are located diagnostics, all collected.
//! 2. [`versions`]: the files in version order, each applied on top of the previous ones.
//! 3. [`infer`]: JSON examples and field tables → named types.
//! 4. Here: operations, parameters, bodies, responses and examples in the IR.
//!
//! Naming rules, so a reader can predict the generated API:
//! - The method name is the endpoint's `Summary:` in snake case ("Create preauthorization" →
//!   `create_preauthorization`); without a summary it is derived from method and path like an
//!   OpenAPI operation without `operationId` (`get_things_by_id`).
//! - Type names are derived from the method name and the JSON keys; see [`infer`].
//! - `Added Fields` are documented as added in the version that lists them, and `Deprecated
//!   Fields` stay in the type, optional, with `#[deprecated]` carrying the note. A field name may
//!   be a dotted path into the body (`controlPersons.taxIdNumber`); the changes apply to the
//!   request body, or to the success response when the endpoint takes no body.
//!
//! Placeholder strings in examples (`"<boolean>"`) are types, not values, so each recorded
//! example has them replaced by a fixed value of the inferred type (`false`, `0`, `0.0`) before
//! the generated `example_checks()` round-trips it; `tests/examples.rs` checks independently that
//! the checked examples equal the notes' JSON everywhere except at placeholders.

pub mod infer;
pub mod parse;
pub mod versions;

use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::ir::*;
use crate::load::SourceFile;
use crate::lower::openapi::derive_operation_name;
use crate::naming::{self, Namespace};
use crate::passes::names::CLIENT_METHODS;
use infer::{Inference, Origin, Root, RootKind};
use serde_json::Value;
use versions::{Current, CurrentEndpoint, Sourced};

/// Lowers a directory of release notes into one API named `module`; `None` when any file has
/// errors (all of them reported in `diagnostics`).
pub fn lower_release_notes(
    module: &str,
    notes: &[SourceFile],
    diagnostics: &mut Diagnostics,
) -> Option<Api> {
    let errors_before = diagnostics.error_count();
    let parsed: Vec<parse::Notes> = notes
        .iter()
        .filter_map(|n| parse::parse_notes(&n.path, &n.text, diagnostics))
        .collect();
    let current = versions::apply_in_order(parsed, diagnostics);
    if diagnostics.error_count() > errors_before || current.versions.is_empty() {
        return None;
    }
    let api = lower(module, &current, diagnostics);
    (diagnostics.error_count() == errors_before).then_some(api)
}

/// One body position waiting for its type.
struct PendingBody {
    slot: infer::SlotId,
    /// Each example with the line of its opening bracket.
    examples: Vec<(Origin, Value)>,
}

/// One operation before the types are known.
struct PendingOperation<'a> {
    endpoint: &'a CurrentEndpoint,
    fn_name: String,
    base: String,
    params: Vec<Parameter>,
    body: Option<PendingBody>,
    /// (status, docs, body) in status order.
    responses: Vec<(u16, Option<String>, Option<PendingBody>)>,
    error_type: Option<String>,
    success_type: Option<String>,
    params_type: Option<String>,
}

fn origin_of<T>(s: &Sourced<T>, line: usize) -> Origin {
    Origin {
        file: s.file.clone(),
        line,
    }
}

fn lower(module: &str, current: &Current, diagnostics: &mut Diagnostics) -> Api {
    let mut inference = Inference::new();
    let mut fn_names = Namespace::with_reserved(CLIENT_METHODS.iter().copied());
    let mut types = Namespace::new();
    let mut pending = Vec::new();
    for e in &current.endpoints {
        pending.push(operation(e, &mut inference, &mut fn_names, diagnostics));
    }
    // Per-operation enums are claimed before any body type, so their names never shift.
    for op in &mut pending {
        let statuses: Vec<u16> = op.responses.iter().map(|r| r.0).collect();
        if statuses.iter().any(|s| !(200..300).contains(s)) {
            op.error_type = Some(types.claim(&format!("{}Error", op.base)));
        }
        if statuses.iter().filter(|s| (200..300).contains(*s)).count() > 1 {
            op.success_type = Some(types.claim(&format!("{}Success", op.base)));
        }
        if op.params.iter().any(Parameter::grouped) {
            op.params_type = Some(types.claim(&format!("{}Params", op.base)));
        }
    }

    let mut roots = Vec::new();
    for op in &pending {
        if let Some(b) = &op.body {
            roots.push(Root {
                slot: b.slot,
                name: format!("{}Request", op.base),
                kind: RootKind::Request,
            });
        }
        let successes = op
            .responses
            .iter()
            .filter(|r| (200..300).contains(&r.0))
            .count();
        for (status, _, body) in &op.responses {
            let Some(b) = body else { continue };
            let success = (200..300).contains(status);
            let name = if success && successes == 1 {
                format!("{}Response", op.base)
            } else {
                format!("{}{}Response", op.base, naming::status_variant(*status))
            };
            roots.push(Root {
                slot: b.slot,
                name,
                kind: if success {
                    RootKind::Success
                } else {
                    RootKind::Error
                },
            });
        }
    }
    let (mut defs, refs) = inference.finish(&roots, &mut types, diagnostics);
    defs.sort_by(|a, b| a.name.cmp(&b.name));
    let mut refs = refs.into_iter();

    let mut examples = Vec::new();
    let mut record = |body: &PendingBody, ty: &TypeRef| -> Vec<Value> {
        body.examples
            .iter()
            .map(|(origin, raw)| {
                let value = infer::fill_placeholders(raw, ty, &defs);
                examples.push(Example {
                    origin: origin.to_string(),
                    ty: ty.clone(),
                    value: value.clone(),
                });
                value
            })
            .collect()
    };
    let mut operations = Vec::new();
    for op in pending {
        let body = op.body.as_ref().map(|b| {
            let ty = refs.next().expect("one type per root");
            let values = record(b, &ty);
            RequestBody {
                required: true,
                docs: None,
                content: BodyContent::Json {
                    media_type: "application/json".into(),
                    ty,
                    examples: values,
                },
            }
        });
        let responses = op
            .responses
            .iter()
            .map(|(status, docs, body)| Response {
                status: Status::Code(*status),
                variant: naming::status_variant(*status),
                docs: docs.clone(),
                body: body.as_ref().map(|b| {
                    let ty = refs.next().expect("one type per root");
                    let values = record(b, &ty);
                    ResponseBody::Json {
                        media_type: "application/json".into(),
                        ty,
                        examples: values,
                    }
                }),
                headers: Vec::new(),
                headers_type: None,
            })
            .collect();
        let e = op.endpoint;
        operations.push(Operation {
            fn_name: op.fn_name,
            operation_id: None,
            method: e.method,
            path: e.path.clone(),
            origin: format!("{}:{}", e.origin.file, e.origin.item),
            summary: e.summary.clone(),
            description: operation_docs(e),
            tags: e.tag.iter().cloned().collect(),
            deprecated: None,
            security: Vec::new(),
            params: op.params,
            body,
            responses,
            error_type: op.error_type,
            success_type: op.success_type,
            params_type: op.params_type,
            pagination: None,
        });
    }
    operations.sort_by(|a, b| a.fn_name.cmp(&b.fn_name));
    examples.sort_by_key(|x| example_order(&x.origin));

    let history: Vec<String> = current
        .versions
        .iter()
        .map(|(version, kind, previous, file)| {
            let mut line = format!("- {version}");
            match (kind, previous) {
                (Some(k), Some(p)) => line.push_str(&format!(" ({k}, after {p})")),
                (Some(k), None) => line.push_str(&format!(" ({k})")),
                (None, Some(p)) => line.push_str(&format!(" (after {p})")),
                (None, None) => {}
            }
            line.push_str(&format!(": `{file}`"));
            line
        })
        .collect();
    Api {
        module: module.to_owned(),
        sources: current.versions.iter().map(|v| v.3.clone()).collect(),
        title: current.title.clone(),
        version: current.versions.last().map(|v| v.0.clone()),
        description: Some(format!(
            "Built from the vendor's release notes, applied oldest first:\n\n{}\n\nThe notes name no servers or authentication: build the client with `Client::new(base_url)` and add credentials with `with_http_client` (default headers) or `with_signer`.",
            history.join("\n")
        )),
        servers: Vec::new(),
        signature: None,
        security_schemes: Vec::new(),
        types: defs,
        operations,
        examples,
    }
}

/// Examples sort by file, then numerically by line.
fn example_order(origin: &str) -> (String, usize) {
    match origin.rsplit_once(':') {
        Some((file, line)) => (file.to_owned(), line.parse().unwrap_or(0)),
        None => (origin.to_owned(), 0),
    }
}

/// The operation's docs: the prose, then the release history.
fn operation_docs(e: &CurrentEndpoint) -> Option<String> {
    let history = format!(
        "Release history:\n{}",
        e.history
            .iter()
            .map(|h| format!("- {h}"))
            .collect::<Vec<_>>()
            .join("\n")
    );
    Some(match &e.description {
        Some(d) => format!("{d}\n\n{history}"),
        None => history,
    })
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

fn operation<'a>(
    e: &'a CurrentEndpoint,
    inference: &mut Inference,
    fn_names: &mut Namespace,
    diagnostics: &mut Diagnostics,
) -> PendingOperation<'a> {
    let raw = match &e.summary {
        Some(summary) => naming::value_name(summary.trim_end_matches('.')),
        None => derive_operation_name(e.method, &e.path),
    };
    let fn_name = fn_names.claim(&raw);
    let base = naming::type_name(fn_name.trim_start_matches("r#"));
    let at = |line: usize| Location::at(line, 1);

    // Parameters: path parameters in path order, then query parameters in table order.
    let template: Vec<&str> = e
        .path
        .split('{')
        .skip(1)
        .filter_map(|s| s.split('}').next())
        .collect();
    let mut arg_names = Namespace::with_reserved(["body", "self_"]);
    let mut params = Vec::new();
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
        params.push(Parameter {
            name: arg_names.claim(&naming::value_name(name)),
            wire_name: (*name).to_owned(),
            location: ParamLocation::Path,
            ty: row.map_or(TypeRef::Primitive(Primitive::String), |r| {
                param_type(r, diagnostics)
            }),
            required: true,
            docs: row.and_then(|r| {
                infer::row_docs(r.item.description.as_deref(), r.item.example.as_deref())
            }),
            explode: false,
            idempotency_key: false,
            signature: false,
            deprecated: None,
        });
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
        params.push(Parameter {
            name: arg_names.claim(&naming::value_name(&row.item.name)),
            wire_name: row.item.name.clone(),
            location: ParamLocation::Query,
            ty: param_type(row, diagnostics),
            required: row.item.required,
            docs: infer::row_docs(row.item.description.as_deref(), row.item.example.as_deref()),
            explode: true,
            idempotency_key: false,
            signature: false,
            deprecated: None,
        });
    }

    // The request body: the table and every example, merged into one slot.
    let body = (!e.body_fields.is_empty() || !e.request_examples.is_empty()).then(|| {
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
    });

    // Responses: every declared status, each with the examples shown for it.
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

    // Field changes apply to the request body, or to the success body of a body-less call.
    let successes: Vec<&PendingBody> = responses
        .iter()
        .filter(|r| (200..300).contains(&r.0))
        .filter_map(|r| r.2.as_ref())
        .collect();
    let target = body
        .as_ref()
        .map(|b| b.slot)
        .or_else(|| (successes.len() == 1).then(|| successes[0].slot));
    let changes = e
        .added
        .iter()
        .map(|c| (c, true))
        .chain(e.deprecated.iter().map(|c| (c, false)));
    for (c, added) in changes {
        let origin = origin_of(c, c.item.line);
        let Some(slot) = target else {
            diagnostics.push(
                Diagnostic::error(
                    &c.file,
                    at(c.item.line),
                    format!(
                        "`{}` is {} but `{} {}` has no request body or single success body to hold it",
                        c.item.name,
                        if added { "added" } else { "deprecated" },
                        e.method.as_str(),
                        e.path
                    ),
                )
                .with_hint("add an `Example Request` or a `Request Body` table to the endpoint"),
            );
            continue;
        };
        let note = c.item.note.clone();
        let (added_in, deprecated) = if added {
            (Some(c.version.clone()), None)
        } else {
            let text = match &note {
                Some(n) => format!("deprecated in {}: {n}", c.version),
                None => format!("deprecated in {}", c.version),
            };
            (None, Some(text))
        };
        if let Err(missing) = inference.annotate(
            slot,
            &c.item.name,
            &c.item.ty.value,
            c.item.ty.col,
            &origin,
            added_in,
            deprecated,
            note,
        ) {
            diagnostics.push(
                Diagnostic::error(
                    &c.file,
                    at(c.item.line),
                    format!("`{missing}` is not an object field of the body, so `{}` cannot be found", c.item.name),
                )
                .with_hint("dotted names go through objects and arrays of objects; check the spelling against the example"),
            );
        }
    }

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
