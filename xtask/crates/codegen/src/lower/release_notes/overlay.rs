//! `overlay.yaml` beside release notes: what the notes never say, stated once.
//!
//! Notes name no servers, no authentication, no idempotency headers and no sensitive fields, and
//! their summaries make long method names. An OpenAPI Overlay 1.0 file in the notes directory
//! adds them, through the same mechanism OpenAPI specs use:
//!
//! 1. The notes are lowered into the IR as usual, and the IR is written out as the OpenAPI
//!    document it describes ([`crate::document::document_from_ir`]), without per-operation
//!    `security` (the notes never state any), so a root `security` in the overlay applies.
//! 2. That document goes through the OpenAPI pipeline with the overlay: `parse_openapi` applies
//!    the overlay's actions (JSONPath targets, `update`/`remove`) and `lower_openapi` lowers it,
//!    so every OpenAPI convention (`securitySchemes`, `servers`, `x-specgen-idempotency-key`,
//!    `x-specgen-sensitive`, `operationId`, `deprecated`) means what it means for any spec.
//! 3. The result is merged back into the notes' IR by operation (method and path) and by type
//!    and field name. The notes keep what the document cannot carry (docs, examples, release
//!    history, inferred types, deprecation notes); the overlaid document supplies servers,
//!    security schemes and requirements, request signing, added parameters, parameter flags and
//!    every field flag. A changed `operationId` renames the method, and the notes are lowered
//!    again with that name so the operation's type names follow it.
//!
//! Applying the overlay to the produced document and lowering it again, rather than
//! interpreting overlay actions against the IR, keeps one meaning for every overlay: an action
//! that works on an OpenAPI spec works here, and a field flag the OpenAPI lowering learns later
//! reaches notes-built APIs without a change here.

use super::OVERLAY_FILE;
use crate::diagnostics::{Diagnostic, Diagnostics, Location, Severity};
use crate::ir::{Api, Field, Method, TypeKind};
use crate::load::SourceFile;
use crate::lower::openapi;
use crate::parse;
use std::collections::BTreeMap;

/// True for the overlay file of a notes directory.
pub fn is_overlay(file: &SourceFile) -> bool {
    file.path.rsplit('/').next() == Some(OVERLAY_FILE)
}

/// Method names the overlay assigns, by method and path.
pub type Renames = BTreeMap<(Method, String), String>;

/// The API `api` becomes under `overlay`, lowered from the overlaid document; `None` after
/// reporting errors (overlay problems are reported against the overlay file).
pub fn overlaid(api: &Api, overlay: &SourceFile, diagnostics: &mut Diagnostics) -> Option<Api> {
    let mut document = crate::document::document_from_ir(api);
    if let Some(paths) = document.get_mut("paths").and_then(|p| p.as_object_mut()) {
        for item in paths.values_mut().filter_map(|i| i.as_object_mut()) {
            for op in item.values_mut().filter_map(|o| o.as_object_mut()) {
                op.remove("security");
            }
        }
    }
    let text = serde_json::to_string_pretty(&document).expect("a JSON value serialises");
    let synthetic = SourceFile {
        path: format!("{}.document.json", overlay.path),
        text,
    };
    let errors = diagnostics.error_count();
    let mut parsed = parse::parse_openapi(&synthetic, Some(overlay), diagnostics, false)?;
    let mut scratch = Diagnostics::new();
    let lowered = openapi::lower_openapi(&api.module, &synthetic, &mut parsed, &mut scratch);
    // Problems of the overlaid document are the overlay's: it is the only input that changed.
    for d in scratch.iter().filter(|d| d.severity == Severity::Error) {
        let pointer = d.location.pointer.clone().unwrap_or_default();
        diagnostics.push(
            Diagnostic::error(
                &overlay.path,
                Location::at(1, 1),
                format!(
                    "after the overlay, the document is invalid at `{pointer}`: {}",
                    d.message
                ),
            )
            .with_hint("check the overlay's `update` values against OpenAPI 3.0"),
        );
    }
    (diagnostics.error_count() == errors).then_some(lowered)
}

/// The method names the overlaid API uses where they differ from the notes' names.
pub fn renames(api: &Api, overlaid: &Api) -> Renames {
    let mut out = Renames::new();
    for op in &api.operations {
        if let Some(o) = overlaid
            .operations
            .iter()
            .find(|o| o.method == op.method && o.path == op.path)
        {
            if o.fn_name != op.fn_name {
                out.insert((op.method, op.path.clone()), o.fn_name.clone());
            }
        }
    }
    out
}

/// Merges what the overlay added into the notes' API.
pub fn merge(api: &mut Api, overlaid: &Api) {
    api.servers = overlaid.servers.clone();
    api.security_schemes = overlaid.security_schemes.clone();
    api.signature = overlaid.signature.clone();
    for op in &mut api.operations {
        let Some(o) = overlaid
            .operations
            .iter()
            .find(|o| o.method == op.method && o.path == op.path)
        else {
            continue;
        };
        op.security = o.security.clone();
        if op.deprecated.is_none() {
            op.deprecated = o.deprecated.clone();
        }
        for p in &o.params {
            match op
                .params
                .iter_mut()
                .find(|q| q.wire_name == p.wire_name && q.location == p.location)
            {
                Some(q) => {
                    q.idempotency_key = p.idempotency_key;
                    q.signature = p.signature;
                    q.required = p.required;
                }
                None => op.params.push(p.clone()),
            }
        }
        if op.params_type.is_none() && op.params.iter().any(|p| p.grouped()) {
            op.params_type = o.params_type.clone();
        }
    }
    for def in &mut api.types {
        let (TypeKind::Struct(s), Some(other)) = (
            &mut def.kind,
            overlaid.types.iter().find(|t| t.name == def.name),
        ) else {
            continue;
        };
        let TypeKind::Struct(o) = &other.kind else {
            continue;
        };
        for f in &mut s.fields {
            if let Some(g) = o.fields.iter().find(|g| g.wire_name == f.wire_name) {
                *f = merged_field(f, g);
            }
        }
    }
}

/// The overlaid field's flags with the notes' name, type, docs and history.
fn merged_field(notes: &Field, overlaid: &Field) -> Field {
    Field {
        name: notes.name.clone(),
        wire_name: notes.wire_name.clone(),
        ty: notes.ty.clone(),
        docs: notes.docs.clone(),
        deprecated: notes
            .deprecated
            .clone()
            .or_else(|| overlaid.deprecated.clone()),
        added_in: notes.added_in.clone(),
        default: notes.default.clone().or_else(|| overlaid.default.clone()),
        ..overlaid.clone()
    }
}
