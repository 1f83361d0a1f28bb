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
//! 4. [`operation`] and here: operations, parameters, bodies, responses and examples in the IR.
//! 5. [`overlay`]: `overlay.yaml` beside the notes, applied to the OpenAPI document the notes
//!    produce, for what notes never say (servers, authentication, operation names,
//!    idempotency headers, sensitive fields).
//!
//! Naming rules, so a reader can predict the generated API:
//! - The method name is the endpoint's `Summary:` in snake case ("Create preauthorization" →
//!   `create_preauthorization`); without a summary it is derived from method and path like an
//!   OpenAPI operation without `operationId` (`get_things_by_id`).
//! - Type names are derived from the method name and the JSON keys; see [`infer`].
//! - `Added Fields` are documented as added in the version that lists them, `Deprecated
//!   Fields` stay in the type with `#[deprecated]` carrying the note, and `Removed Fields` leave
//!   it. Deprecated endpoints keep their method, with `#[deprecated]`; removed ones are gone. A field name may
//!   be a dotted path into the body (`controlPersons.taxIdNumber`); the changes apply to the
//!   request body, or to the success response when the endpoint takes no body.
//!
//! Placeholder strings in examples (`"<boolean>"`) are types, not values, so each recorded
//! example has them replaced by a fixed value of the inferred type (`false`, `0`, `0.0`) before
//! the generated `example_checks()` round-trips it; `tests/examples.rs` checks independently that
//! the checked examples equal the notes' JSON everywhere except at placeholders.

pub mod infer;
mod operation;
pub mod overlay;
pub mod parse;
pub mod versions;

use crate::diagnostics::Diagnostics;
use crate::ir::*;
use crate::load::SourceFile;
use crate::naming::{self, Namespace};
use crate::passes::names::CLIENT_METHODS;
use infer::{Inference, Origin, Root, RootKind};
use serde_json::Value;
use versions::{Current, CurrentEndpoint};

/// The overlay's file name inside a release-notes directory.
pub const OVERLAY_FILE: &str = "overlay.yaml";

/// Lowers a directory of release notes into one API named `module`; `None` when any file has
/// errors (all of them reported in `diagnostics`). A file named `overlay.yaml` among `notes`
/// is the directory's overlay (see [`overlay`]), not a version.
pub fn lower_release_notes(
    module: &str,
    notes: &[SourceFile],
    diagnostics: &mut Diagnostics,
) -> Option<Api> {
    let errors_before = diagnostics.error_count();
    let overlay_file = notes.iter().find(|n| overlay::is_overlay(n));
    let parsed: Vec<parse::Notes> = notes
        .iter()
        .filter(|n| !overlay::is_overlay(n))
        .filter_map(|n| parse::parse_notes(&n.path, &n.text, diagnostics))
        .collect();
    let current = versions::apply_in_order(parsed, diagnostics);
    if diagnostics.error_count() > errors_before || current.versions.is_empty() {
        return None;
    }
    let mut api = lower(module, &current, &overlay::Renames::new(), diagnostics);
    if let Some(file) = overlay_file {
        let overlaid = overlay::overlaid(&api, file, diagnostics)?;
        let renames = overlay::renames(&api, &overlaid);
        if !renames.is_empty() {
            // Lowered again so the renamed operations' types are named after the new names; the
            // notes' warnings were reported by the first pass.
            api = lower(module, &current, &renames, &mut Diagnostics::new());
        }
        overlay::merge(&mut api, &overlaid);
    }
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

fn is_success(status: u16) -> bool {
    (200..300).contains(&status)
}

fn lower(
    module: &str,
    current: &Current,
    renames: &overlay::Renames,
    diagnostics: &mut Diagnostics,
) -> Api {
    let mut inference = Inference::new();
    let mut fn_names = Namespace::with_reserved(CLIENT_METHODS.iter().copied());
    let mut types = Namespace::new();
    let mut pending: Vec<PendingOperation> = current
        .endpoints
        .iter()
        .map(|e| {
            let rename = renames.get(&(e.method, e.path.clone())).map(String::as_str);
            operation::operation(e, rename, &mut inference, &mut fn_names, diagnostics)
        })
        .collect();
    claim_operation_types(&mut pending, &mut types);
    let roots = roots(&pending);
    let (mut defs, refs) = inference.finish(&roots, &mut types, diagnostics);
    defs.sort_by(|a, b| a.name.cmp(&b.name));
    let mut examples = Vec::new();
    let mut operations = build_operations(pending, refs, &defs, &mut examples);
    operations.sort_by(|a, b| a.fn_name.cmp(&b.fn_name));
    examples.sort_by_key(|x| example_order(&x.origin));
    Api {
        module: module.to_owned(),
        sources: current.versions.iter().map(|v| v.3.clone()).collect(),
        title: current.title.clone(),
        version: current.versions.last().map(|v| v.0.clone()),
        description: Some(api_description(current)),
        servers: Vec::new(),
        signature: None,
        features: Default::default(),
        security_schemes: Vec::new(),
        types: defs,
        operations,
        examples,
    }
}

/// Per-operation enums are claimed before any body type, so their names never shift.
fn claim_operation_types(pending: &mut [PendingOperation], types: &mut Namespace) {
    for op in pending {
        let statuses: Vec<u16> = op.responses.iter().map(|r| r.0).collect();
        if statuses.iter().any(|s| !is_success(*s)) {
            op.error_type = Some(types.claim(&format!("{}Error", op.base)));
        }
        if statuses.iter().filter(|s| is_success(**s)).count() > 1 {
            op.success_type = Some(types.claim(&format!("{}Success", op.base)));
        }
        if op.params.iter().any(Parameter::grouped) {
            op.params_type = Some(types.claim(&format!("{}Params", op.base)));
        }
    }
}

/// Every body slot with the name its type gets, in operation order.
fn roots(pending: &[PendingOperation]) -> Vec<Root> {
    let mut roots = Vec::new();
    for op in pending {
        if let Some(b) = &op.body {
            roots.push(Root {
                slot: b.slot,
                name: format!("{}Request", op.base),
                kind: RootKind::Request,
            });
        }
        let successes = op.responses.iter().filter(|r| is_success(r.0)).count();
        for (status, _, body) in &op.responses {
            let Some(b) = body else { continue };
            let success = is_success(*status);
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
    roots
}

/// The IR operations, taking the root types in the order [`roots`] listed them, and the
/// examples each body records.
fn build_operations(
    pending: Vec<PendingOperation>,
    refs: Vec<TypeRef>,
    defs: &[TypeDef],
    examples: &mut Vec<Example>,
) -> Vec<Operation> {
    let mut refs = refs.into_iter();
    let mut record = |body: &PendingBody, ty: &TypeRef| -> Vec<Value> {
        body.examples
            .iter()
            .map(|(origin, raw)| {
                let value = infer::fill_placeholders(raw, ty, defs);
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
            deprecated: e.deprecated.clone(),
            security: Vec::new(),
            params: op.params,
            body,
            responses,
            error_type: op.error_type,
            success_type: op.success_type,
            shared_error: None,
            shared_success: None,
            params_type: op.params_type,
            pagination: None,
            stream_fn: None,
        });
    }
    operations
}

/// The API's docs: the versions applied, the endpoints removed on the way, and how to
/// authenticate.
fn api_description(current: &Current) -> String {
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
    let mut text = format!(
        "Built from the vendor's release notes, applied oldest first:\n\n{}",
        history.join("\n")
    );
    if !current.removed.is_empty() {
        let removed: Vec<String> = current.removed.iter().map(|r| format!("- {r}")).collect();
        text.push_str(&format!("\n\nRemoved endpoints:\n\n{}", removed.join("\n")));
    }
    text.push_str("\n\nThe notes name no servers or authentication; `overlay.yaml` beside them adds what the vendor states elsewhere. Without one, build the client with `Client::new(base_url)` and add credentials with `with_http_client` (default headers) or `with_signer`.");
    text
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
