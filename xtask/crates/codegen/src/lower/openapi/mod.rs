//! Stage 3: lower a parsed OpenAPI document into the IR, assigning final Rust names on the way.
//!
//! Lowering walks components first (so `$ref`s resolve to names claimed in document order), then
//! every operation in document order; inline schemas that need a Rust type get a name derived from
//! where they sit (`CreatePartnerClientResponseData`). Whatever cannot be typed degrades to
//! `serde_json::Value` with a warning, and problems are collected rather than returned at the
//! first one: a `$ref` to nowhere in one operation does not hide a second one elsewhere.
//! The result is sorted (types by name, operations by method name) so output is deterministic.

mod bodies;
mod bounds;
mod client;
mod operation;
mod refs;
mod responses;
mod schema;
mod structs;

pub use operation::derive_operation_name;
pub use structs::string_enum;

use schema::SchemaAt;
use structs::{Property, sensitive_schema, structural_parts};

use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::ir::*;
use crate::load::SourceFile;
use crate::naming::{self, Namespace};
use crate::parse::ParsedOpenApi;
use crate::passes::names::CLIENT_METHODS;
use openapiv3::{
    AdditionalProperties, IntegerFormat, NumberFormat, OpenAPI, Parameter as OaParameter,
    ParameterSchemaOrContent, ReferenceOr, Schema, SchemaKind, StringFormat, Type,
    VariantOrUnknownOrEmpty,
};
use rustc_hash::FxHashMap;
use serde_json::Value;
use specgen_ir::protocol::pointer::escape_token;
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

/// Lowers one parsed document into an [`Api`] named `module`.
///
/// The document's paths are taken out of `parsed` and each path item is dropped once its
/// operations are lowered, so peak memory does not hold the whole typed document beside the
/// IR (pointers into paths resolve through the JSON value, which does not need them).
pub fn lower_openapi(
    module: &str,
    file: &SourceFile,
    parsed: &mut ParsedOpenApi<'_>,
    diagnostics: &mut Diagnostics,
) -> Api {
    let paths = std::mem::take(&mut parsed.spec.paths);
    let parsed = &*parsed;
    let mut lowerer = Lowerer {
        spec: &parsed.spec,
        parsed,
        pointer_types: FxHashMap::default(),
        spec_named: BTreeSet::new(),
        file: &file.path,
        diagnostics,
        types: Namespace::new(),
        defs: Vec::new(),
        component_names: FxHashMap::default(),
        response_cache: FxHashMap::default(),
        examples: Vec::new(),
        depth: 0,
        type_words: FxHashMap::default(),
        value_words: FxHashMap::default(),
    };
    lowerer.lower(module, file, paths)
}

/// A component response lowered once: body, headers and the headers struct's name.
type LoweredResponse = (Option<ResponseBody>, Vec<ResponseHeader>, Option<String>);

/// The state of one document's lowering. Its maps are only looked up, never iterated into
/// output, so they use the fast FxHash rather than SipHash, whose hashing showed in profiles.
struct Lowerer<'a> {
    spec: &'a OpenAPI,
    /// The parsed document, whose JSON value serves `$ref`s that point outside `components`.
    parsed: &'a ParsedOpenApi<'a>,
    /// Types named after a response component (beside `component_names`), kept by dedupe.
    spec_named: BTreeSet<String>,
    /// Types of schemas reached by such pointers, so each is lowered once.
    pointer_types: FxHashMap<String, TypeRef>,
    file: &'a str,
    diagnostics: &'a mut Diagnostics,
    types: Namespace,
    defs: Vec<TypeDef>,
    /// `#/components/schemas/X` → Rust name.
    component_names: FxHashMap<String, String>,
    /// `#/components/responses/X` → (body, headers, headers type), so shared responses share types.
    response_cache: FxHashMap<String, LoweredResponse>,
    examples: Vec<Example>,
    /// How deeply `type_of` is nested, to stop runaway recursion through merged allOfs.
    depth: usize,
    /// [`naming::type_name`] of property names, which repeat across a large document (`id`,
    /// `url`, `node_id`): case conversion was a visible share of lowering.
    type_words: FxHashMap<String, String>,
    /// [`naming::value_name`] of property names, for the same reason.
    value_words: FxHashMap<String, String>,
}

/// What a JSON-ish media type looks like: `application/json`, `application/problem+json`, `*/*`.
pub(super) fn is_json(media: &str) -> bool {
    let essence = media
        .split(';')
        .next()
        .unwrap_or(media)
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || essence.ends_with("+json")
        || essence == "*/*"
        || essence == "application/*"
}

fn is_text(media: &str) -> bool {
    media.to_ascii_lowercase().starts_with("text/")
}

/// The root-level signature declaration, if any.
fn parsed_raw_signature(spec: &OpenAPI) -> Option<Value> {
    spec.extensions.get("x-specgen-request-signature").cloned()
}

impl<'a> Lowerer<'a> {
    /// [`naming::type_name`] of a property name, computed once per distinct name.
    fn type_word(&mut self, wire: &str) -> &str {
        if !self.type_words.contains_key(wire) {
            self.type_words
                .insert(wire.to_owned(), naming::type_name(wire));
        }
        &self.type_words[wire]
    }

    /// [`naming::value_name`] of a property name, computed once per distinct name.
    fn value_word(&mut self, wire: &str) -> &str {
        if !self.value_words.contains_key(wire) {
            self.value_words
                .insert(wire.to_owned(), naming::value_name(wire));
        }
        &self.value_words[wire]
    }

    fn error(&mut self, pointer: &str, message: String, hint: &str) {
        self.diagnostics.push(
            Diagnostic::error(self.file, Location::pointer(pointer), message).with_hint(hint),
        );
    }

    fn warn(&mut self, pointer: &str, message: String, hint: &str) {
        self.diagnostics.push(
            Diagnostic::warning(self.file, Location::pointer(pointer), message).with_hint(hint),
        );
    }

    fn lower(&mut self, module: &str, file: &SourceFile, paths: openapiv3::Paths) -> Api {
        let spec = self.spec;
        let no_components = openapiv3::Components::default();
        let components = spec.components.as_ref().unwrap_or(&no_components);

        // Claim component names first, in document order, so references resolve before lowering.
        for key in components.schemas.keys() {
            let name = self.types.claim(&naming::type_name(key));
            self.component_names
                .insert(format!("#/components/schemas/{key}"), name);
        }
        for (key, schema) in &components.schemas {
            let pointer = format!("#/components/schemas/{}", escape_token(key));
            let name = self.component_names[&format!("#/components/schemas/{key}")].clone();
            self.define_component(&name, schema, &pointer);
        }

        let security_schemes = self.security_schemes(components);
        let mut fn_names = Namespace::with_reserved(CLIENT_METHODS.iter().copied());
        let mut operations = Vec::new();
        for (path, item) in paths.paths {
            let path = &path;
            let item_pointer = format!("#/paths/{}", escape_token(path));
            let item = match &item {
                ReferenceOr::Item(item) => item,
                ReferenceOr::Reference { reference } => {
                    self.error(
                        &item_pointer,
                        format!("path item `$ref: {reference}` is not supported"),
                        "inline the path item; specgen resolves $ref only under components",
                    );
                    continue;
                }
            };
            for (method, op) in item.iter() {
                let pointer = format!("{item_pointer}/{method}");
                let Some(method) = Method::parse(method) else {
                    continue;
                };
                if let Some(op) = self.operation(
                    path,
                    method,
                    item,
                    op,
                    &pointer,
                    &mut fn_names,
                    &security_schemes,
                ) {
                    operations.push(op);
                }
            }
        }

        let protected: rustc_hash::FxHashSet<String> = self
            .component_names
            .values()
            .chain(&self.spec_named)
            .cloned()
            .collect();
        crate::passes::dedupe::merge_identical_types(
            &mut self.defs,
            &mut operations,
            &mut self.examples,
            &protected,
        );
        self.share_header_structs(&mut operations);
        crate::passes::cycles::box_cycles(&mut self.defs);
        let mut types = std::mem::take(&mut self.defs);
        types.sort_by(|a, b| a.name.cmp(&b.name));
        operations.sort_by(|a: &Operation, b: &Operation| a.fn_name.cmp(&b.fn_name));
        // A component reached from several places records its examples once per place.
        let mut examples = std::mem::take(&mut self.examples);
        examples.sort_by(|a, b| a.origin.cmp(&b.origin));
        examples.dedup_by(|a, b| a.origin == b.origin);

        let version = Some(spec.info.version.trim().to_owned())
            .filter(|v| !(v.is_empty() || v.starts_with("${") && v.ends_with('}')));
        if version.is_none() {
            self.warn(
                "#/info/version",
                format!("info.version `{}` is an unexpanded template placeholder; the API version is recorded as unknown", spec.info.version),
                "the vendor publishes the document with a placeholder; nothing to fix unless you know the real version",
            );
        }
        Api {
            module: module.to_owned(),
            sources: vec![file.path.clone()],
            title: spec.info.title.clone(),
            version,
            description: spec.info.description.clone(),
            servers: self.servers(),
            security_schemes,
            types,
            operations,
            examples,
            signature: self.signature(&parsed_raw_signature(self.spec)),
            features: Default::default(),
        }
    }

    /// Responses with identical documented headers share one struct; a struct shared by
    /// responses that named it differently is named after its headers (`XRequestIdHeaders`).
    fn share_header_structs(&mut self, operations: &mut [Operation]) {
        let mut groups: BTreeMap<String, Vec<(usize, usize)>> = BTreeMap::new();
        for (o, op) in operations.iter().enumerate() {
            for (r, response) in op.responses.iter().enumerate() {
                if response.headers_type.is_some() {
                    let key = format!(
                        "{:?}",
                        response
                            .headers
                            .iter()
                            .map(|h| (&h.name, &h.wire_name, &h.ty, h.required))
                            .collect::<Vec<_>>()
                    );
                    groups.entry(key).or_default().push((o, r));
                }
            }
        }
        for members in groups.values() {
            let names: BTreeSet<&String> = members
                .iter()
                .filter_map(|&(o, r)| operations[o].responses[r].headers_type.as_ref())
                .collect();
            let name = if names.len() == 1 {
                names.into_iter().next().cloned().expect("one name")
            } else {
                let (o, r) = members[0];
                let words: String = operations[o].responses[r]
                    .headers
                    .iter()
                    .map(|h| naming::type_name(&h.wire_name))
                    .collect();
                self.types.claim(&format!("{words}Headers"))
            };
            for &(o, r) in members {
                operations[o].responses[r].headers_type = Some(name.clone());
            }
        }
    }
}

/// Nesting depth past which a schema is typed as `serde_json::Value`.
const MAX_DEPTH: usize = 64;
