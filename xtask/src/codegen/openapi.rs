//! Stage 3: lower a parsed OpenAPI document into the IR, assigning final Rust names on the way.
//!
//! Lowering walks components first (so `$ref`s resolve to names claimed in document order), then
//! every operation in document order; inline schemas that need a Rust type get a name derived from
//! where they sit (`CreatePartnerClientResponseData`). Whatever cannot be typed degrades to
//! `serde_json::Value` with a warning, and problems are collected rather than returned at the
//! first one: a `$ref` to nowhere in one operation does not hide a second one elsewhere.
//! The result is sorted (types by name, operations by method name) so output is deterministic.

use super::ir::*;
use super::load::SourceFile;
use super::naming::{self, Namespace};
use super::parse::ParsedOpenApi;
use super::source_map::escape_token;
use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use openapiv3::{
    AdditionalProperties, IntegerFormat, NumberFormat, OpenAPI, Parameter as OaParameter,
    ParameterSchemaOrContent, ReferenceOr, Schema, SchemaKind, StringFormat, Type,
    VariantOrUnknownOrEmpty,
};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Method names the generated `Client` defines itself; operations must not take them.
pub const CLIENT_RESERVED: &[&str] = &[
    "new",
    "base_url",
    "with_bearer_token",
    "with_basic_auth",
    "with_api_key",
    "with_http_client",
    "with_signer",
    "with_signing_secret",
    "with_retry_policy",
    "with_timeouts",
    "with_options",
    "http_client",
    "credentials",
];

/// Lowers one parsed document into an [`Api`] named `module`.
pub fn lower_openapi(
    module: &str,
    file: &SourceFile,
    parsed: &ParsedOpenApi,
    diagnostics: &mut Diagnostics,
) -> Api {
    let mut lowerer = Lowerer {
        spec: &parsed.spec,
        raw: &parsed.raw,
        pointer_types: HashMap::new(),
        spec_named: BTreeSet::new(),
        file: &file.path,
        diagnostics,
        types: Namespace::new(),
        defs: Vec::new(),
        component_names: HashMap::new(),
        response_cache: HashMap::new(),
        examples: Vec::new(),
        depth: 0,
    };
    lowerer.lower(module, file)
}

/// A component response lowered once: body, headers and the headers struct's name.
type LoweredResponse = (Option<ResponseBody>, Vec<ResponseHeader>, Option<String>);

struct Lowerer<'a> {
    spec: &'a OpenAPI,
    /// The document as a value, for `$ref`s that point outside `components`.
    raw: &'a Value,
    /// Types named after a response component (beside `component_names`), kept by dedupe.
    spec_named: BTreeSet<String>,
    /// Types of schemas reached by such pointers, so each is lowered once.
    pointer_types: HashMap<String, TypeRef>,
    file: &'a str,
    diagnostics: &'a mut Diagnostics,
    types: Namespace,
    defs: Vec<TypeDef>,
    /// `#/components/schemas/X` → Rust name.
    component_names: HashMap<String, String>,
    /// `#/components/responses/X` → (body, headers, headers type), so shared responses share types.
    response_cache: HashMap<String, LoweredResponse>,
    examples: Vec<Example>,
    /// How deeply `type_of` is nested, to stop runaway recursion through merged allOfs.
    depth: usize,
}

/// What a JSON-ish media type looks like: `application/json`, `application/problem+json`, `*/*`.
fn is_json(media: &str) -> bool {
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

    fn lower(&mut self, module: &str, file: &SourceFile) -> Api {
        let spec = self.spec;
        let components = spec.components.clone().unwrap_or_default();

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

        let security_schemes = self.security_schemes(&components);
        let mut fn_names = Namespace::with_reserved(CLIENT_RESERVED.iter().copied());
        let mut operations = Vec::new();
        for (path, item) in spec.paths.paths.iter() {
            let item_pointer = format!("#/paths/{}", escape_token(path));
            let item = match item {
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

        let protected: std::collections::HashSet<String> = self
            .component_names
            .values()
            .chain(&self.spec_named)
            .cloned()
            .collect();
        super::dedupe::merge_identical_types(
            &mut self.defs,
            &mut operations,
            &mut self.examples,
            &protected,
        );
        self.share_header_structs(&mut operations);
        super::cycles::box_cycles(&mut self.defs);
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

    /// The request-signing convention declared by `x-specgen-request-signature` at the root.
    fn signature(&mut self, declared: &Option<Value>) -> Option<SignatureScheme> {
        let declared = declared.as_ref()?;
        let at = "#/x-specgen-request-signature";
        let header = declared.get("header").and_then(Value::as_str);
        let algorithm = declared.get("algorithm").and_then(Value::as_str);
        let encoding = declared.get("encoding").and_then(Value::as_str);
        let (Some(header), Some("hmac-sha256"), Some("base64")) = (header, algorithm, encoding)
        else {
            self.error(
                at,
                "request signature needs `header`, `algorithm: hmac-sha256` and `encoding: base64`".into(),
                "those are the supported values; describe other schemes with a custom RequestSigner",
            );
            return None;
        };
        let mut message = Vec::new();
        for (i, part) in declared
            .get("message")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            let part = part.as_str().unwrap_or_default();
            message.push(match part {
                "path" => SignaturePart::Path,
                "body" => SignaturePart::Body,
                "method" => SignaturePart::Method,
                other => match other.strip_prefix("header:") {
                    Some(name) => SignaturePart::Header(name.to_owned()),
                    None => {
                        self.error(
                            &format!("{at}/message/{i}"),
                            format!("unknown signature part `{other}`"),
                            "use `path`, `body`, `method` or `header:<name>`",
                        );
                        continue;
                    }
                },
            });
        }
        Some(SignatureScheme {
            header: header.to_owned(),
            message,
        })
    }

    fn servers(&mut self) -> Vec<Server> {
        let mut names = Namespace::with_reserved(CLIENT_RESERVED.iter().copied());
        let keywords = [
            "sandbox",
            "production",
            "staging",
            "test",
            "dev",
            "demo",
            "uat",
            "preview",
            "mock",
            "local",
        ];
        let mut out = Vec::new();
        for (i, server) in self.spec.servers.iter().enumerate() {
            let mut url = server.url.clone();
            for (var, value) in server.variables.iter().flatten() {
                url = url.replace(&format!("{{{var}}}"), &value.default);
            }
            // Placeholders without a declared default (Jiko's `{partner}`) become arguments.
            let mut arg_names = Namespace::new();
            let variables = url
                .split('{')
                .skip(1)
                .filter_map(|s| s.split_once('}').map(|(name, _)| name.to_owned()))
                .map(|wire_name| ServerVariable {
                    name: arg_names.claim(&naming::value_name(&wire_name)),
                    wire_name,
                })
                .collect();
            let description = server
                .description
                .as_deref()
                .map(str::trim)
                .filter(|d| !d.is_empty());
            // An environment word in the description or the URL names the constructor best.
            let haystack =
                format!("{} {url}", description.unwrap_or_default()).to_ascii_lowercase();
            let candidate = match keywords.iter().find(|k| haystack.contains(*k)) {
                Some(k) => (*k).to_owned(),
                None => match description {
                    Some(d) if d.split_whitespace().count() <= 3 => naming::value_name(d),
                    _ if !names.contains("production") => "production".to_owned(),
                    _ => format!("server_{}", i + 1),
                },
            };
            let fn_name = names.claim(candidate.trim_start_matches("r#"));
            out.push(Server {
                url,
                description: server.description.clone(),
                fn_name,
                variables,
            });
        }
        out
    }

    fn security_schemes(&mut self, components: &openapiv3::Components) -> Vec<SecurityScheme> {
        let mut out = Vec::new();
        for (key, scheme) in &components.security_schemes {
            let pointer = format!("#/components/securitySchemes/{}", escape_token(key));
            let ReferenceOr::Item(scheme) = scheme else {
                self.warn(
                    &pointer,
                    "security scheme by `$ref` is not supported; it is ignored".into(),
                    "inline the scheme",
                );
                continue;
            };
            let (kind, docs) = match scheme {
                openapiv3::SecurityScheme::HTTP {
                    scheme,
                    description,
                    ..
                } => match scheme.to_ascii_lowercase().as_str() {
                    "bearer" => (AuthKind::Bearer, description.clone()),
                    "basic" => (AuthKind::Basic, description.clone()),
                    other => {
                        self.warn(&pointer, format!("HTTP auth scheme `{other}` is not supported; requests will not carry it"), "supported: bearer, basic, apiKey, oauth2 and openIdConnect (as bearer tokens)");
                        continue;
                    }
                },
                openapiv3::SecurityScheme::APIKey {
                    location,
                    name,
                    description,
                    ..
                } => {
                    let location = match location {
                        openapiv3::APIKeyLocation::Query => ParamLocation::Query,
                        openapiv3::APIKeyLocation::Header => ParamLocation::Header,
                        openapiv3::APIKeyLocation::Cookie => ParamLocation::Cookie,
                    };
                    (
                        AuthKind::ApiKey {
                            location,
                            name: name.clone(),
                        },
                        description.clone(),
                    )
                }
                openapiv3::SecurityScheme::OAuth2 { description, .. }
                | openapiv3::SecurityScheme::OpenIDConnect { description, .. } => {
                    (AuthKind::Bearer, description.clone())
                }
            };
            out.push(SecurityScheme {
                key: key.clone(),
                kind,
                docs,
            });
        }
        out
    }

    // ----- schemas -------------------------------------------------------------------------

    /// Resolves a `$ref` to a schema; reports refs to nowhere at `pointer` (the referring site).
    fn schema_ref(&mut self, reference: &str, pointer: &str) -> TypeRef {
        if let Some(name) = self.component_names.get(reference) {
            return TypeRef::Named(name.clone());
        }
        if let Some(ty) = self.pointer_types.get(reference) {
            return ty.clone();
        }
        if let Some((schema, at)) = self.resolve_local::<Schema>(reference) {
            // A reference into a path or another schema: lower the target once, under its key.
            // The placeholder stops a target that refers back to itself from recursing forever.
            self.pointer_types
                .insert(reference.to_owned(), TypeRef::Json);
            let last = at
                .rsplit('/')
                .next()
                .unwrap_or("Schema")
                .replace("~1", "/")
                .replace("~0", "~");
            let ty = self.type_of(&ReferenceOr::Item(schema), &naming::type_name(&last), &at);
            self.pointer_types.insert(reference.to_owned(), ty.clone());
            return ty;
        }
        if !reference.starts_with('#') {
            self.error(pointer, format!("external reference `{reference}` is not supported"), "bundle the document into one file (for example with `redocly bundle`) and point specs/ at the result");
        } else {
            self.error(
                pointer,
                format!("`$ref: {reference}` points to nowhere"),
                "check the spelling against the keys under components.schemas",
            );
        }
        TypeRef::Json
    }

    /// Resolves a local `$ref` of any kind (`#/components/...`, `#/paths/...`) through the
    /// document, following chains of references; returns the target and its JSON pointer.
    fn resolve_local<T: serde::de::DeserializeOwned>(
        &self,
        reference: &str,
    ) -> Option<(T, String)> {
        let mut reference = reference.to_owned();
        for _ in 0..16 {
            let fragment = percent_decode(reference.strip_prefix('#')?);
            let node = self.raw.pointer(&fragment)?;
            match node.get("$ref").and_then(Value::as_str) {
                Some(next) => reference = next.to_owned(),
                None => {
                    return serde_json::from_value(node.clone())
                        .ok()
                        .map(|t| (t, format!("#{fragment}")));
                }
            }
        }
        None
    }

    /// The schema behind `$ref`s to components, following chains, for allOf merging.
    fn resolve_schema<'s>(&self, schema: &'s ReferenceOr<Schema>) -> Option<&'s Schema>
    where
        'a: 's,
    {
        let mut current = schema;
        for _ in 0..32 {
            match current {
                ReferenceOr::Item(s) => return Some(s),
                ReferenceOr::Reference { reference } => {
                    let key = reference.strip_prefix("#/components/schemas/")?;
                    current = self.spec.components.as_ref()?.schemas.get(key)?;
                }
            }
        }
        None
    }

    fn record_example(&mut self, schema: &Schema, ty: &TypeRef, pointer: &str) {
        if let Some(example) = &schema.schema_data.example {
            self.examples.push(Example {
                origin: format!("{pointer}/example"),
                ty: ty.clone(),
                value: example.clone(),
            });
        }
    }

    /// The type of a schema used in a position (`hint` names it if it needs a named type).
    fn type_of(&mut self, schema: &ReferenceOr<Schema>, hint: &str, pointer: &str) -> TypeRef {
        match schema {
            ReferenceOr::Reference { reference } => {
                self.schema_ref(reference, &format!("{pointer}/$ref"))
            }
            ReferenceOr::Item(schema) => {
                if self.depth > MAX_DEPTH {
                    self.warn(
                        pointer,
                        format!("schemas nest more than {MAX_DEPTH} levels deep here (a recursive allOf?); using serde_json::Value"),
                        "name the recursive part under components.schemas and refer to it with $ref",
                    );
                    return TypeRef::Json;
                }
                self.depth += 1;
                let ty = self.inline(schema, hint, pointer);
                self.depth -= 1;
                let ty = if schema.schema_data.nullable
                    && !matches!(ty, TypeRef::Nullable(_) | TypeRef::Json)
                {
                    TypeRef::Nullable(Box::new(ty))
                } else {
                    ty
                };
                self.record_example(schema, &ty, pointer);
                ty
            }
        }
    }

    fn boxed_type_of(
        &mut self,
        schema: &ReferenceOr<Box<Schema>>,
        hint: &str,
        pointer: &str,
    ) -> TypeRef {
        match schema {
            ReferenceOr::Reference { reference } => self.type_of(
                &ReferenceOr::Reference {
                    reference: reference.clone(),
                },
                hint,
                pointer,
            ),
            ReferenceOr::Item(schema) => {
                self.type_of(&ReferenceOr::Item((**schema).clone()), hint, pointer)
            }
        }
    }

    /// Defines a component schema under its pre-claimed name: a real type when the schema needs
    /// one, otherwise an alias, so `$ref`s to it always name something.
    fn define_component(&mut self, name: &str, schema: &ReferenceOr<Schema>, pointer: &str) {
        let (kind, docs, deprecated) = match schema {
            ReferenceOr::Reference { reference } => (
                TypeKind::Alias(self.schema_ref(reference, &format!("{pointer}/$ref"))),
                None,
                None,
            ),
            ReferenceOr::Item(schema) => {
                let docs = schema.schema_data.description.clone();
                let deprecated = schema
                    .schema_data
                    .deprecated
                    .then(|| "deprecated by the API".to_owned());
                let kind = match self.kind_of(name, schema, pointer) {
                    Some(kind) => kind,
                    None => {
                        let ty = self.inline(schema, name, pointer);
                        TypeKind::Alias(if schema.schema_data.nullable {
                            TypeRef::Nullable(Box::new(ty))
                        } else {
                            ty
                        })
                    }
                };
                let ty = TypeRef::Named(name.to_owned());
                self.record_example(schema, &ty, pointer);
                (kind, docs, deprecated)
            }
        };
        self.defs.push(TypeDef {
            name: name.to_owned(),
            origin: pointer.to_owned(),
            docs,
            deprecated,
            kind,
        });
    }

    /// A type for an inline schema: a primitive or collection directly, or a new named type.
    fn inline(&mut self, schema: &Schema, hint: &str, pointer: &str) -> TypeRef {
        if let Some(ty) = self.unnamed(schema, hint, pointer) {
            return ty;
        }
        let name = self.types.claim(hint);
        let kind = self
            .kind_of(&name, schema, pointer)
            .expect("unnamed() returned None, so the schema needs a named type");
        let deprecated = schema
            .schema_data
            .deprecated
            .then(|| "deprecated by the API".to_owned());
        self.defs.push(TypeDef {
            name: name.clone(),
            origin: pointer.to_owned(),
            docs: schema.schema_data.description.clone(),
            deprecated,
            kind,
        });
        TypeRef::Named(name)
    }

    /// The type of a schema that needs no name of its own, or `None` when it does.
    fn unnamed(&mut self, schema: &Schema, hint: &str, pointer: &str) -> Option<TypeRef> {
        if self.kind_is_named(schema) {
            return None;
        }
        Some(match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => TypeRef::Primitive(match &s.format {
                VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => Primitive::DateTime,
                VariantOrUnknownOrEmpty::Item(StringFormat::Date) => Primitive::Date,
                VariantOrUnknownOrEmpty::Unknown(f) if f == "uuid" => Primitive::Uuid,
                _ => Primitive::String,
            }),
            SchemaKind::Type(Type::Integer(i)) => TypeRef::Primitive(match &i.format {
                VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => Primitive::I32,
                VariantOrUnknownOrEmpty::Unknown(f) if f == "uint64" || f == "uint32" => {
                    Primitive::U64
                }
                _ => Primitive::I64,
            }),
            SchemaKind::Type(Type::Number(n)) => TypeRef::Primitive(match &n.format {
                VariantOrUnknownOrEmpty::Item(NumberFormat::Float) => Primitive::F32,
                _ => Primitive::F64,
            }),
            SchemaKind::Type(Type::Boolean(_)) => TypeRef::Primitive(Primitive::Bool),
            SchemaKind::Type(Type::Array(a)) => match &a.items {
                Some(items) => TypeRef::Array(Box::new(self.boxed_type_of(
                    items,
                    &format!("{hint}Item"),
                    &format!("{pointer}/items"),
                ))),
                None => TypeRef::Array(Box::new(TypeRef::Json)),
            },
            SchemaKind::Type(Type::Object(o)) => match &o.additional_properties {
                Some(AdditionalProperties::Schema(value)) => TypeRef::Map(Box::new(self.type_of(
                    value,
                    &format!("{hint}Value"),
                    &format!("{pointer}/additionalProperties"),
                ))),
                _ => TypeRef::Json,
            },
            SchemaKind::AllOf { all_of } if structural_parts(all_of).len() == 1 => {
                let i = structural_parts(all_of)[0];
                self.type_of(&all_of[i], hint, &format!("{pointer}/allOf/{i}"))
            }
            SchemaKind::OneOf { one_of: alts } | SchemaKind::AnyOf { any_of: alts } => {
                // Only reached for a single non-null alternative (see kind_is_named).
                let key = if matches!(schema.schema_kind, SchemaKind::OneOf { .. }) {
                    "oneOf"
                } else {
                    "anyOf"
                };
                let (i, alt) = alts
                    .iter()
                    .enumerate()
                    .find(|(_, a)| !self.is_null_schema(a))
                    .expect("kind_is_named checked one alternative");
                let ty = self.type_of(alt, hint, &format!("{pointer}/{key}/{i}"));
                if alts.len() > 1 {
                    TypeRef::Nullable(Box::new(ty))
                } else {
                    ty
                }
            }
            SchemaKind::Any(any) => {
                if let Some(items) = &any.items {
                    TypeRef::Array(Box::new(self.boxed_type_of(
                        items,
                        &format!("{hint}Item"),
                        &format!("{pointer}/items"),
                    )))
                } else if let Some(AdditionalProperties::Schema(value)) = &any.additional_properties
                {
                    TypeRef::Map(Box::new(self.type_of(
                        value,
                        &format!("{hint}Value"),
                        &format!("{pointer}/additionalProperties"),
                    )))
                } else {
                    match any.typ.as_deref() {
                        Some("string") => TypeRef::Primitive(match any.format.as_deref() {
                            Some("uuid") => Primitive::Uuid,
                            Some("date-time") => Primitive::DateTime,
                            Some("date") => Primitive::Date,
                            _ => Primitive::String,
                        }),
                        Some("integer") => {
                            TypeRef::Primitive(if any.format.as_deref() == Some("int32") {
                                Primitive::I32
                            } else {
                                Primitive::I64
                            })
                        }
                        Some("number") => TypeRef::Primitive(Primitive::F64),
                        Some("boolean") => TypeRef::Primitive(Primitive::Bool),
                        _ => TypeRef::Json,
                    }
                }
            }
            SchemaKind::Not { .. } => {
                self.warn(
                    pointer,
                    "`not` schemas cannot be expressed as a Rust type; using serde_json::Value"
                        .into(),
                    "nothing to do unless you need a typed value here",
                );
                TypeRef::Json
            }
            _ => TypeRef::Json,
        })
    }

    fn is_null_schema(&self, schema: &ReferenceOr<Schema>) -> bool {
        match schema {
            ReferenceOr::Item(s) => match &s.schema_kind {
                SchemaKind::Any(any) => {
                    any.typ.as_deref() == Some("null")
                        || (s.schema_data.nullable
                            && any.typ.is_none()
                            && any.properties.is_empty()
                            && any.enumeration.is_empty()
                            && any.items.is_none())
                }
                SchemaKind::Type(Type::String(st)) => {
                    st.enumeration.len() == 1 && st.enumeration[0].is_none()
                }
                _ => false,
            },
            ReferenceOr::Reference { .. } => false,
        }
    }

    /// True when the schema becomes a named type of its own.
    fn kind_is_named(&self, schema: &Schema) -> bool {
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => {
                let is_special = matches!(
                    &s.format,
                    VariantOrUnknownOrEmpty::Item(StringFormat::DateTime | StringFormat::Date)
                ) || matches!(&s.format, VariantOrUnknownOrEmpty::Unknown(f) if f == "uuid");
                s.enumeration.iter().any(Option::is_some)
                    || (!is_special
                        && (s.min_length.is_some()
                            || s.max_length.is_some()
                            || s.pattern.is_some()))
            }
            SchemaKind::Type(Type::Object(o)) => !o.properties.is_empty(),
            SchemaKind::AllOf { all_of } => structural_parts(all_of).len() != 1,
            SchemaKind::OneOf { one_of: alts } | SchemaKind::AnyOf { any_of: alts } => {
                alts.iter().filter(|a| !self.is_null_schema(a)).count() != 1
            }
            SchemaKind::Any(any) => {
                !any.properties.is_empty()
                    || !any.all_of.is_empty()
                    || !any.one_of.is_empty()
                    || !any.any_of.is_empty()
                    // A string enum without `type`, as OpenAPI 3.1 `const: X` becomes.
                    || (matches!(any.typ.as_deref(), None | Some("string"))
                        && !any.enumeration.is_empty()
                        && any.enumeration.iter().all(Value::is_string))
            }
            _ => false,
        }
    }

    /// The definition of a schema that needs a named type; `None` when it needs none.
    fn kind_of(&mut self, name: &str, schema: &Schema, pointer: &str) -> Option<TypeKind> {
        if !self.kind_is_named(schema) {
            return None;
        }
        Some(match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) if s.enumeration.iter().any(Option::is_some) => {
                let values: Vec<String> = s.enumeration.iter().flatten().cloned().collect();
                TypeKind::Enum(string_enum(&values))
            }
            SchemaKind::Type(Type::String(s)) => TypeKind::Newtype(Newtype {
                inner: Primitive::String,
                min_length: s.min_length,
                max_length: s.max_length,
                pattern: s.pattern.clone(),
                minimum: None,
                maximum: None,
            }),
            SchemaKind::Type(Type::Object(o)) => {
                let props: Vec<(String, ReferenceOr<Schema>, String)> = o
                    .properties
                    .iter()
                    .map(|(k, v)| {
                        (
                            k.clone(),
                            unbox(v),
                            format!("{pointer}/properties/{}", escape_token(k)),
                        )
                    })
                    .collect();
                let required: BTreeSet<String> = o.required.iter().cloned().collect();
                let additional = self.additional(&o.additional_properties, name, pointer);
                TypeKind::Struct(self.build_struct(name, &props, &required, additional))
            }
            SchemaKind::AllOf { all_of } => self.merge_all_of(name, all_of, pointer),
            SchemaKind::OneOf { one_of: alts } => self.union(name, schema, alts, "oneOf", pointer),
            SchemaKind::AnyOf { any_of: alts } => self.union(name, schema, alts, "anyOf", pointer),
            SchemaKind::Any(any) => {
                if !any.all_of.is_empty() || !any.properties.is_empty() {
                    // Properties beside allOf are one more part of the merge.
                    let mut parts = any.all_of.clone();
                    if !any.properties.is_empty() {
                        let own = openapiv3::ObjectType {
                            properties: any.properties.clone(),
                            required: any.required.clone(),
                            additional_properties: any.additional_properties.clone(),
                            ..Default::default()
                        };
                        parts.push(ReferenceOr::Item(Schema {
                            schema_data: Default::default(),
                            schema_kind: SchemaKind::Type(Type::Object(own)),
                        }));
                    }
                    self.merge_all_of(name, &parts, pointer)
                } else if !any.one_of.is_empty() {
                    self.union(name, schema, &any.one_of, "oneOf", pointer)
                } else if !any.any_of.is_empty() {
                    self.union(name, schema, &any.any_of, "anyOf", pointer)
                } else {
                    let values: Vec<String> = any
                        .enumeration
                        .iter()
                        .filter_map(|v| v.as_str().map(str::to_owned))
                        .collect();
                    TypeKind::Enum(string_enum(&values))
                }
            }
            _ => unreachable!("kind_is_named covers every named kind"),
        })
    }

    fn additional(
        &mut self,
        additional: &Option<AdditionalProperties>,
        name: &str,
        pointer: &str,
    ) -> Option<TypeRef> {
        match additional {
            Some(AdditionalProperties::Schema(value)) => Some(self.type_of(
                value,
                &format!("{name}Value"),
                &format!("{pointer}/additionalProperties"),
            )),
            Some(AdditionalProperties::Any(true)) => Some(TypeRef::Json),
            _ => None,
        }
    }

    fn build_struct(
        &mut self,
        name: &str,
        props: &[(String, ReferenceOr<Schema>, String)],
        required: &BTreeSet<String>,
        additional: Option<TypeRef>,
    ) -> Struct {
        let mut field_names = Namespace::new();
        let mut fields = Vec::new();
        for (wire, schema, pointer) in props {
            let hint = format!("{name}{}", naming::type_name(wire));
            let ty = self.type_of(schema, &hint, pointer);
            let sensitive = sensitive_name(wire) || sensitive_schema(schema);
            let (docs, deprecated, read_only, write_only, default) = match schema {
                ReferenceOr::Item(s) => (
                    s.schema_data.description.clone(),
                    s.schema_data
                        .deprecated
                        .then(|| "deprecated by the API".to_owned()),
                    s.schema_data.read_only,
                    s.schema_data.write_only,
                    s.schema_data.default.clone(),
                ),
                ReferenceOr::Reference { .. } => (None, None, false, false, None),
            };
            fields.push(Field {
                name: field_names.claim(&naming::value_name(wire)),
                wire_name: wire.clone(),
                ty,
                required: required.contains(wire),
                docs,
                deprecated,
                added_in: None,
                read_only,
                write_only,
                default,
                sensitive,
            });
        }
        Struct { fields, additional }
    }

    /// Collects the properties of an allOf part (following refs and nested allOfs).
    fn collect_props(
        &self,
        schema: &ReferenceOr<Schema>,
        pointer: &str,
        props: &mut Vec<(String, ReferenceOr<Schema>, String)>,
        required: &mut BTreeSet<String>,
        additional: &mut Option<AdditionalProperties>,
        depth: usize,
    ) -> bool {
        if depth > 16 {
            return false;
        }
        let pointer = match schema {
            ReferenceOr::Reference { reference } => reference.clone(),
            ReferenceOr::Item(_) => pointer.to_owned(),
        };
        let Some(resolved) = self.resolve_schema(schema) else {
            return false;
        };
        let (properties, req, add, all_of) = match &resolved.schema_kind {
            SchemaKind::Type(Type::Object(o)) => {
                (&o.properties, &o.required, &o.additional_properties, None)
            }
            SchemaKind::AllOf { all_of } => {
                return all_of.iter().enumerate().all(|(i, p)| {
                    self.collect_props(
                        p,
                        &format!("{pointer}/allOf/{i}"),
                        props,
                        required,
                        additional,
                        depth + 1,
                    )
                });
            }
            SchemaKind::Any(any) if any.one_of.is_empty() && any.any_of.is_empty() => (
                &any.properties,
                &any.required,
                &any.additional_properties,
                Some(&any.all_of),
            ),
            _ => return false,
        };
        if let Some(all_of) = all_of {
            for (i, p) in all_of.iter().enumerate() {
                if !self.collect_props(
                    p,
                    &format!("{pointer}/allOf/{i}"),
                    props,
                    required,
                    additional,
                    depth + 1,
                ) {
                    return false;
                }
            }
        }
        for (key, value) in properties {
            let entry = (
                key.clone(),
                unbox(value),
                format!("{pointer}/properties/{}", escape_token(key)),
            );
            // A later part restating a property overrides the earlier definition.
            match props.iter_mut().find(|(k, ..)| k == key) {
                Some(existing) => *existing = entry,
                None => props.push(entry),
            }
        }
        required.extend(req.iter().cloned());
        if add.is_some() {
            *additional = add.clone();
        }
        true
    }

    fn merge_all_of(
        &mut self,
        name: &str,
        parts: &[ReferenceOr<Schema>],
        pointer: &str,
    ) -> TypeKind {
        let mut props = Vec::new();
        let mut required = BTreeSet::new();
        let mut additional = None;
        let mut mergeable = true;
        for (i, part) in parts.iter().enumerate() {
            mergeable &= self.collect_props(
                part,
                &format!("{pointer}/allOf/{i}"),
                &mut props,
                &mut required,
                &mut additional,
                0,
            );
        }
        if !mergeable {
            // Parts that are not objects (a oneOf, a scalar) cannot be merged field by field.
            self.warn(pointer, format!("allOf with {} parts that are not all objects cannot be merged into a struct; using serde_json::Value", parts.len()), "nothing to do unless you need a typed value here");
            return TypeKind::Alias(TypeRef::Json);
        }
        let additional = self.additional(&additional, name, pointer);
        TypeKind::Struct(self.build_struct(name, &props, &required, additional))
    }

    fn union(
        &mut self,
        name: &str,
        schema: &Schema,
        alts: &[ReferenceOr<Schema>],
        key: &str,
        pointer: &str,
    ) -> TypeKind {
        let nullable = alts.iter().any(|a| self.is_null_schema(a));
        let alts: Vec<(usize, &ReferenceOr<Schema>)> = alts
            .iter()
            .enumerate()
            .filter(|(_, a)| !self.is_null_schema(a))
            .collect();

        // A union of string enums or constants is one string enum.
        let mut values = Vec::new();
        let all_strings = alts.iter().all(|(_, a)| match self.resolve_schema(a) {
            Some(Schema {
                schema_kind: SchemaKind::Type(Type::String(s)),
                ..
            }) if !s.enumeration.is_empty() => {
                values.extend(s.enumeration.iter().flatten().cloned());
                true
            }
            _ => false,
        });
        if all_strings && !values.is_empty() {
            let mut seen = BTreeSet::new();
            values.retain(|v| seen.insert(v.clone()));
            return TypeKind::Enum(string_enum(&values));
        }

        let discriminator = schema.schema_data.discriminator.as_ref();
        let mut variant_names = Namespace::new();
        let mut variants = Vec::new();
        for (i, alt) in alts {
            let alt_pointer = format!("{pointer}/{key}/{i}");
            let (base, ty) = match alt {
                ReferenceOr::Reference { reference } => {
                    let ty = self.schema_ref(reference, &format!("{alt_pointer}/$ref"));
                    let base = ty
                        .direct_name()
                        .map(str::to_owned)
                        .unwrap_or_else(|| "Value".into());
                    (base, ty)
                }
                ReferenceOr::Item(s) => {
                    let ty = self.type_of(alt, &format!("{name}Variant{i}"), &alt_pointer);
                    let base = match &ty {
                        TypeRef::Named(_) => s
                            .schema_data
                            .title
                            .as_deref()
                            .map(naming::type_name)
                            .unwrap_or_else(|| format!("Variant{i}")),
                        other => primitive_variant_name(other),
                    };
                    (base, ty)
                }
            };
            let mut tags = Vec::new();
            if let (Some(d), ReferenceOr::Reference { reference }) = (discriminator, alt) {
                tags.extend(
                    d.mapping
                        .iter()
                        .filter(|(_, target)| {
                            *target == reference || reference.ends_with(&format!("/{target}"))
                        })
                        .map(|(value, _)| value.clone()),
                );
                if tags.is_empty() {
                    // Without a mapping, the tag is the component's key (OpenAPI 3.0 discriminator rules).
                    tags.push(reference.rsplit('/').next().unwrap_or(reference).to_owned());
                }
            }
            variants.push(UnionVariant {
                name: variant_names.claim(&base),
                ty,
                tags,
            });
        }
        let discriminator = discriminator
            .filter(|_| variants.iter().all(|v| !v.tags.is_empty()))
            .map(|d| d.property_name.clone());
        if nullable {
            self.warn(pointer, "a null alternative in a union is accepted as JSON null only where the field is optional".into(), "nothing to do; make the property optional if the API sends null for it");
        }
        TypeKind::Union(Union {
            discriminator,
            variants,
        })
    }

    // ----- operations ----------------------------------------------------------------------

    fn parameter(
        &mut self,
        param: &ReferenceOr<OaParameter>,
        pointer: &str,
    ) -> Option<(OaParameter, String)> {
        match param {
            ReferenceOr::Item(p) => Some((p.clone(), pointer.to_owned())),
            ReferenceOr::Reference { reference } => {
                match self.resolve_local::<OaParameter>(reference) {
                    Some(found) => Some(found),
                    None => {
                        self.error(
                            &format!("{pointer}/$ref"),
                            format!("`$ref: {reference}` points to nowhere"),
                            "check the spelling against the keys under components.parameters",
                        );
                        None
                    }
                }
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn operation(
        &mut self,
        path: &str,
        method: Method,
        item: &openapiv3::PathItem,
        op: &openapiv3::Operation,
        pointer: &str,
        fn_names: &mut Namespace,
        schemes: &[SecurityScheme],
    ) -> Option<Operation> {
        let raw_name = match &op.operation_id {
            Some(id) if !id.trim().is_empty() => naming::value_name(id),
            _ => derive_operation_name(method, path),
        };
        let fn_name = fn_names.claim(&raw_name);
        let base = naming::type_name(fn_name.trim_start_matches("r#"));

        // Parameters: path-item level, overridden by operation level with the same name and location.
        let mut merged: Vec<(OaParameter, String)> = Vec::new();
        let levels = [
            (
                &item.parameters,
                pointer
                    .rsplit_once('/')
                    .map(|(p, _)| p.to_owned())
                    .unwrap_or_default(),
            ),
            (&op.parameters, pointer.to_owned()),
        ];
        for (params, base_pointer) in levels {
            for (i, p) in params.iter().enumerate() {
                if let Some((p, at)) = self.parameter(p, &format!("{base_pointer}/parameters/{i}"))
                {
                    let key = |q: &OaParameter| {
                        (
                            q.parameter_data_ref().name.clone(),
                            std::mem::discriminant(q),
                        )
                    };
                    merged.retain(|(q, _)| key(q) != key(&p));
                    merged.push((p, at));
                }
            }
        }
        let mut arg_names = Namespace::with_reserved(["body", "params", "self_"]);
        let mut params = Vec::new();
        let template_names: Vec<String> = path
            .split('{')
            .skip(1)
            .filter_map(|s| s.split('}').next())
            .map(str::to_owned)
            .collect();
        for name in &template_names {
            let declared = merged.iter().any(|(p, _)| {
                matches!(p, OaParameter::Path { .. }) && p.parameter_data_ref().name == *name
            });
            if !declared {
                self.warn(
                    pointer,
                    format!("path parameter `{{{name}}}` is not declared; it is typed as a string"),
                    "declare it under `parameters` with `in: path`",
                );
                params.push(Parameter {
                    name: arg_names.claim(&naming::value_name(name)),
                    wire_name: name.clone(),
                    location: ParamLocation::Path,
                    ty: TypeRef::Primitive(Primitive::String),
                    required: true,
                    docs: None,
                    explode: false,
                    idempotency_key: false,
                    signature: false,
                    deprecated: None,
                });
            }
        }
        // Undeclared path parameters join the declared ones, which are sorted by path order below.
        let mut path_params = std::mem::take(&mut params);
        let mut other_params = Vec::new();
        for (p, at) in &merged {
            let (location, explode_default) = match p {
                OaParameter::Path { .. } => (ParamLocation::Path, false),
                OaParameter::Query { .. } => (ParamLocation::Query, true),
                OaParameter::Header { .. } => (ParamLocation::Header, false),
                OaParameter::Cookie { .. } => (ParamLocation::Cookie, true),
            };
            let data = p.parameter_data_ref();
            if location == ParamLocation::Header
                && ["accept", "content-type", "authorization", "content-length"]
                    .contains(&data.name.to_ascii_lowercase().as_str())
            {
                // OpenAPI says the first three are ignored; the HTTP client sets all four itself.
                continue;
            }
            if location == ParamLocation::Path && !template_names.contains(&data.name) {
                self.warn(
                    at,
                    format!(
                        "path parameter `{}` does not appear in the path `{path}`; it is ignored",
                        data.name
                    ),
                    "remove it, or add `{name}` to the path",
                );
                continue;
            }
            let hint = format!("{base}{}", naming::type_name(&data.name));
            let ty = match &data.format {
                ParameterSchemaOrContent::Schema(schema) => {
                    self.type_of(schema, &hint, &format!("{at}/schema"))
                }
                ParameterSchemaOrContent::Content(content) => match content.iter().next() {
                    Some((_, media)) => match &media.schema {
                        Some(schema) => self.type_of(schema, &hint, &format!("{at}/content")),
                        None => TypeRef::Primitive(Primitive::String),
                    },
                    None => TypeRef::Primitive(Primitive::String),
                },
            };
            if let Some(example) = &data.example {
                self.examples.push(Example {
                    origin: format!("{at}/example"),
                    ty: ty.clone(),
                    value: example.clone(),
                });
            }
            let flag = |name: &str| {
                data.extensions
                    .get(name)
                    .and_then(Value::as_bool)
                    .unwrap_or(false)
            };
            // A parameter is either sent or not; `null` has no encoding in a query or header.
            let ty = match ty {
                TypeRef::Nullable(inner) => *inner,
                other => other,
            };
            let idempotency_key = flag("x-specgen-idempotency-key");
            let signature = flag("x-specgen-signature");
            let param = Parameter {
                name: arg_names.claim(&naming::value_name(&data.name)),
                wire_name: data.name.clone(),
                location,
                ty,
                required: data.required || location == ParamLocation::Path,
                docs: data.description.clone(),
                explode: data.explode.unwrap_or(explode_default),
                idempotency_key,
                signature,
                deprecated: data
                    .deprecated
                    .unwrap_or(false)
                    .then(|| "deprecated by the API".to_owned()),
            };
            if location == ParamLocation::Path {
                path_params.push(param);
            } else {
                other_params.push(param);
            }
        }
        path_params.sort_by_key(|p| template_names.iter().position(|n| *n == p.wire_name));
        params.extend(path_params);
        params.extend(other_params);

        let body = match &op.request_body {
            Some(body) => self.request_body(body, &base, &format!("{pointer}/requestBody")),
            None => None,
        };

        let mut responses = Vec::new();
        let success_count = op
            .responses
            .responses
            .keys()
            .filter(|s| Status::from(*s).is_success())
            .count();
        for (status, response) in &op.responses.responses {
            let status = Status::from(status);
            let key = match status {
                Status::Code(c) => c.to_string(),
                Status::Range(d) => format!("{d}XX"),
                Status::Default => unreachable!(),
            };
            let variant = variant_for(status);
            let hint = if status.is_success() && success_count == 1 {
                format!("{base}Response")
            } else {
                format!("{base}{variant}Response")
            };
            if let Some(r) = self.response(
                status,
                &variant,
                response,
                &hint,
                &base,
                &format!("{pointer}/responses/{key}"),
            ) {
                responses.push(r);
            }
        }
        if let Some(default) = &op.responses.default {
            if let Some(r) = self.response(
                Status::Default,
                "Default",
                default,
                &format!("{base}DefaultResponse"),
                &base,
                &format!("{pointer}/responses/default"),
            ) {
                responses.push(r);
            }
        }
        responses.sort_by_key(|r| r.status);

        let security_keys: Vec<String> = {
            let requirements = op.security.as_ref().or(self.spec.security.as_ref());
            let mut keys = Vec::new();
            for requirement in requirements.into_iter().flatten() {
                for key in requirement.keys() {
                    if !keys.contains(key) {
                        if schemes.iter().any(|s| &s.key == key) {
                            keys.push(key.clone());
                        } else {
                            self.error(&format!("{pointer}/security"), format!("security requirement names `{key}`, which is not under components.securitySchemes"), "add the scheme under components.securitySchemes or fix the name");
                        }
                    }
                }
            }
            keys
        };

        let params_type = params
            .iter()
            .any(Parameter::grouped)
            .then(|| self.types.claim(&format!("{base}Params")));
        let has_errors = responses.iter().any(|r| !r.status.is_success());
        let error_type = has_errors.then(|| self.types.claim(&format!("{base}Error")));
        let success_type = (responses.iter().filter(|r| r.status.is_success()).count() > 1)
            .then(|| self.types.claim(&format!("{base}Success")));

        Some(Operation {
            fn_name,
            operation_id: op.operation_id.clone(),
            method,
            path: path.to_owned(),
            origin: pointer.to_owned(),
            summary: op.summary.clone(),
            description: op.description.clone(),
            tags: op.tags.clone(),
            deprecated: op.deprecated.then(|| "deprecated by the API".to_owned()),
            security: security_keys,
            params,
            body,
            responses,
            error_type,
            success_type,
            params_type,
            pagination: self.pagination(op, pointer),
        })
    }

    /// The paging convention an overlay declares with `x-specgen-pagination`
    /// (`{style: cursor|page|offset|none, param, items, next}`), or `None` when none is declared.
    fn pagination(&mut self, op: &openapiv3::Operation, pointer: &str) -> Option<Pagination> {
        let declared = op.extensions.get("x-specgen-pagination")?;
        let at = format!("{pointer}/x-specgen-pagination");
        let text = |key: &str| declared.get(key).and_then(Value::as_str).map(str::to_owned);
        let style = match text("style").as_deref() {
            Some("cursor") => PageStyle::Cursor,
            Some("page") => PageStyle::Page,
            Some("offset") => PageStyle::Offset,
            Some("none") => PageStyle::None,
            _ => {
                self.error(
                    &at,
                    "pagination needs `style: cursor`, `page`, `offset` or `none`".into(),
                    "declare e.g. `{style: cursor, param: cursor, items: items, next: next_page}`",
                );
                return None;
            }
        };
        let (param, items) = (
            text("param").unwrap_or_default(),
            text("items").unwrap_or_default(),
        );
        let next = text("next");
        if style != PageStyle::None
            && (param.is_empty()
                || items.is_empty()
                || (style == PageStyle::Cursor && next.is_none()))
        {
            self.error(
                &at,
                "pagination needs `param` and `items` (and `next` for cursors)".into(),
                "name the query parameter, the response property with the items and, for cursors, the one with the next cursor",
            );
            return None;
        }
        Some(Pagination {
            style,
            param,
            items,
            next,
        })
    }

    /// Records a media type's examples for round-trip checks and returns their values.
    fn record_media_examples(
        &mut self,
        media: &openapiv3::MediaType,
        ty: &TypeRef,
        pointer: &str,
    ) -> Vec<Value> {
        let before = self.examples.len();
        if let Some(example) = &media.example {
            self.examples.push(Example {
                origin: format!("{pointer}/example"),
                ty: ty.clone(),
                value: example.clone(),
            });
        }
        for (name, example) in &media.examples {
            let at = format!("{pointer}/examples/{}", escape_token(name));
            let value = match example {
                ReferenceOr::Item(e) => e.value.clone(),
                ReferenceOr::Reference { reference } => {
                    match self.resolve_local::<openapiv3::Example>(reference) {
                        Some((e, _)) => e.value,
                        None => {
                            self.error(
                                &format!("{at}/$ref"),
                                format!("`$ref: {reference}` points to nowhere"),
                                "check the spelling against the keys under components.examples",
                            );
                            None
                        }
                    }
                }
            };
            if let Some(value) = value {
                self.examples.push(Example {
                    origin: at,
                    ty: ty.clone(),
                    value,
                });
            }
        }
        self.examples[before..]
            .iter()
            .map(|e| e.value.clone())
            .collect()
    }

    fn request_body(
        &mut self,
        body: &ReferenceOr<openapiv3::RequestBody>,
        base: &str,
        pointer: &str,
    ) -> Option<RequestBody> {
        let (body, pointer) = match body {
            ReferenceOr::Item(b) => (b.clone(), pointer.to_owned()),
            ReferenceOr::Reference { reference } => {
                match self.resolve_local::<openapiv3::RequestBody>(reference) {
                    Some(found) => found,
                    None => {
                        self.error(
                            &format!("{pointer}/$ref"),
                            format!("`$ref: {reference}` points to nowhere"),
                            "check the spelling against the keys under components.requestBodies",
                        );
                        return None;
                    }
                }
            }
        };
        let hint = format!("{base}Request");
        let pick = |pred: &dyn Fn(&str) -> bool| body.content.iter().find(|(m, _)| pred(m));
        let content = if let Some((media_type, media)) = pick(&|m| is_json(m)) {
            let at = format!("{pointer}/content/{}", escape_token(media_type));
            let ty = match &media.schema {
                Some(schema) => self.type_of(schema, &hint, &format!("{at}/schema")),
                None => TypeRef::Json,
            };
            let examples = self.record_media_examples(media, &ty, &at);
            BodyContent::Json {
                media_type: media_type.clone(),
                ty,
                examples,
            }
        } else if let Some((media_type, media)) = pick(&|m| m.starts_with("multipart/form-data")) {
            let at = format!("{pointer}/content/{}", escape_token(media_type));
            self.multipart(media, &hint, &at)?
        } else if let Some((media_type, media)) =
            pick(&|m| m.starts_with("application/x-www-form-urlencoded"))
        {
            let at = format!("{pointer}/content/{}", escape_token(media_type));
            let ty = match &media.schema {
                Some(schema) => self.type_of(schema, &hint, &format!("{at}/schema")),
                None => TypeRef::Json,
            };
            BodyContent::Form { ty }
        } else if let Some((media_type, _)) = pick(&|m| is_text(m)) {
            BodyContent::Text {
                media_type: media_type.clone(),
            }
        } else if let Some((media_type, _)) = body.content.iter().next() {
            BodyContent::Binary {
                media_type: media_type.clone(),
            }
        } else {
            self.warn(
                &pointer,
                "request body has no content; it is not sent".into(),
                "add a `content` entry with a media type",
            );
            return None;
        };
        Some(RequestBody {
            required: body.required,
            docs: body.description.clone(),
            content,
        })
    }

    fn multipart(
        &mut self,
        media: &openapiv3::MediaType,
        hint: &str,
        pointer: &str,
    ) -> Option<BodyContent> {
        let schema_pointer = format!("{pointer}/schema");
        let resolved = media
            .schema
            .as_ref()
            .and_then(|s| self.resolve_schema(s))
            .cloned();
        let object = match resolved.as_ref().map(|s| &s.schema_kind) {
            Some(SchemaKind::Type(Type::Object(o))) if !o.properties.is_empty() => o.clone(),
            _ => {
                self.warn(
                    &schema_pointer,
                    "multipart body without an object schema; it is sent as raw bytes".into(),
                    "describe each part as a property of an object schema",
                );
                return Some(BodyContent::Binary {
                    media_type: "multipart/form-data".into(),
                });
            }
        };
        let name = match &media.schema {
            Some(ReferenceOr::Reference { reference })
                if self.component_names.contains_key(reference) =>
            {
                // The component struct is reused; file parts are typed by the component already.
                self.component_names[reference].clone()
            }
            _ => self.types.claim(hint),
        };
        let required: BTreeSet<String> = object.required.iter().cloned().collect();
        let mut field_names = Namespace::new();
        let mut parts = Vec::new();
        let mut fields = Vec::new();
        for (wire, prop) in &object.properties {
            let at = format!("{schema_pointer}/properties/{}", escape_token(wire));
            let prop = unbox(prop);
            let is_file = matches!(self.resolve_schema(&prop), Some(Schema { schema_kind: SchemaKind::Type(Type::String(s)), .. }) if matches!(s.format, VariantOrUnknownOrEmpty::Item(StringFormat::Binary | StringFormat::Byte)));
            let (ty, kind) = if is_file {
                (TypeRef::Primitive(Primitive::File), PartKind::File)
            } else {
                let ty = self.type_of(&prop, &format!("{name}{}", naming::type_name(wire)), &at);
                let kind = match &ty {
                    TypeRef::Primitive(_) => PartKind::Text,
                    TypeRef::Named(n)
                        if self.defs.iter().any(|d| {
                            &d.name == n
                                && matches!(d.kind, TypeKind::Enum(_) | TypeKind::Newtype(_))
                        }) =>
                    {
                        PartKind::Text
                    }
                    _ => PartKind::Json,
                };
                (ty, kind)
            };
            let field = field_names.claim(&naming::value_name(wire));
            let docs = prop
                .as_item()
                .and_then(|s| s.schema_data.description.clone());
            parts.push(MultipartPart {
                field: field.clone(),
                wire_name: wire.clone(),
                required: required.contains(wire),
                kind,
            });
            fields.push(Field {
                name: field,
                wire_name: wire.clone(),
                ty,
                required: required.contains(wire),
                docs,
                deprecated: None,
                added_in: None,
                read_only: false,
                write_only: false,
                default: None,
                sensitive: sensitive_name(wire) || sensitive_schema(&prop),
            });
        }
        // A multipart struct is its own definition even when the schema is a component, because
        // file parts are typed differently from the component's JSON shape.
        let name = if self.defs.iter().any(|d| d.name == name) {
            self.types.claim(hint)
        } else {
            name
        };
        self.defs.retain(|d| d.name != name);
        self.defs.push(TypeDef {
            name: name.clone(),
            origin: schema_pointer,
            docs: resolved.and_then(|s| s.schema_data.description),
            deprecated: None,
            kind: TypeKind::Struct(Struct {
                fields,
                additional: None,
            }),
        });
        Some(BodyContent::Multipart { ty: name, parts })
    }

    fn response(
        &mut self,
        status: Status,
        variant: &str,
        response: &ReferenceOr<openapiv3::Response>,
        hint: &str,
        base: &str,
        pointer: &str,
    ) -> Option<Response> {
        let (response, at, cache_key, hint, headers_hint) = match response {
            ReferenceOr::Item(r) => (
                r.clone(),
                pointer.to_owned(),
                None,
                hint.to_owned(),
                format!("{base}{variant}Headers"),
            ),
            ReferenceOr::Reference { reference } => {
                match self.resolve_local::<openapiv3::Response>(reference) {
                    Some((r, at)) => {
                        let key = at
                            .rsplit('/')
                            .next()
                            .unwrap_or_default()
                            .replace("~1", "/")
                            .replace("~0", "~");
                        let name = naming::type_name(&key);
                        (
                            r,
                            at,
                            Some(reference.clone()),
                            name.clone(),
                            format!("{name}Headers"),
                        )
                    }
                    _ => {
                        self.error(
                            &format!("{pointer}/$ref"),
                            format!("`$ref: {reference}` points to nowhere"),
                            "check the spelling against the keys under components.responses",
                        );
                        return None;
                    }
                }
            }
        };
        let (body, headers, headers_type) =
            match cache_key.as_ref().and_then(|k| self.response_cache.get(k)) {
                Some(cached) => cached.clone(),
                None => {
                    let body = self.response_body(&response, &hint, &at);
                    let headers = self.response_headers(&response, &headers_hint, &at);
                    let headers_type =
                        (!headers.is_empty()).then(|| self.types.claim(&headers_hint));
                    if let Some(key) = cache_key {
                        // A body named after a response component is named by the spec's author
                        // (`Conflict`): it must not be merged into a same-shaped `NotAuthorized`.
                        if let Some(ResponseBody::Json {
                            ty: TypeRef::Named(name),
                            ..
                        }) = &body
                        {
                            self.spec_named.insert(name.clone());
                        }
                        self.response_cache
                            .insert(key, (body.clone(), headers.clone(), headers_type.clone()));
                    }
                    (body, headers, headers_type)
                }
            };
        Some(Response {
            status,
            variant: variant.to_owned(),
            docs: Some(response.description.clone()).filter(|d| !d.trim().is_empty()),
            body,
            headers,
            headers_type,
        })
    }

    fn response_body(
        &mut self,
        response: &openapiv3::Response,
        hint: &str,
        pointer: &str,
    ) -> Option<ResponseBody> {
        let pick = |pred: &dyn Fn(&str) -> bool| response.content.iter().find(|(m, _)| pred(m));
        if let Some((media_type, media)) = pick(&|m| is_json(m)) {
            let at = format!("{pointer}/content/{}", escape_token(media_type));
            let ty = match &media.schema {
                Some(schema) => self.type_of(schema, hint, &format!("{at}/schema")),
                None => TypeRef::Json,
            };
            let examples = self.record_media_examples(media, &ty, &at);
            Some(ResponseBody::Json {
                media_type: media_type.clone(),
                ty,
                examples,
            })
        } else if let Some((media_type, _)) = pick(&|m| is_text(m)) {
            Some(ResponseBody::Text {
                media_type: media_type.clone(),
            })
        } else {
            response
                .content
                .keys()
                .next()
                .map(|media_type| ResponseBody::Binary {
                    media_type: media_type.clone(),
                })
        }
    }

    fn response_headers(
        &mut self,
        response: &openapiv3::Response,
        hint: &str,
        pointer: &str,
    ) -> Vec<ResponseHeader> {
        let mut names = Namespace::new();
        let mut out = Vec::new();
        for (wire, header) in &response.headers {
            let at = format!("{pointer}/headers/{}", escape_token(wire));
            let (header, at) = match header {
                ReferenceOr::Item(h) => (h.clone(), at),
                ReferenceOr::Reference { reference } => {
                    match self.resolve_local::<openapiv3::Header>(reference) {
                        Some(found) => found,
                        None => {
                            self.error(
                                &format!("{at}/$ref"),
                                format!("`$ref: {reference}` points to nowhere"),
                                "check the spelling against the keys under components.headers",
                            );
                            continue;
                        }
                    }
                }
            };
            if wire.eq_ignore_ascii_case("content-type") {
                continue;
            }
            let ty = match &header.format {
                ParameterSchemaOrContent::Schema(schema) => self.type_of(
                    schema,
                    &format!("{hint}{}", naming::type_name(wire)),
                    &format!("{at}/schema"),
                ),
                ParameterSchemaOrContent::Content(_) => TypeRef::Primitive(Primitive::String),
            };
            // Header values are scalars; anything structured is kept as the raw string.
            let ty = match ty {
                TypeRef::Primitive(_) => ty,
                TypeRef::Nullable(inner) if matches!(*inner, TypeRef::Primitive(_)) => *inner,
                _ => TypeRef::Primitive(Primitive::String),
            };
            out.push(ResponseHeader {
                name: names.claim(&naming::value_name(wire)),
                wire_name: wire.clone(),
                ty,
                required: header.required,
                docs: header.description.clone(),
            });
        }
        out
    }
}

/// Decodes `%XX` escapes in a URI fragment (`#/paths/~1pets~1%7Bid%7D`).
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            // Bytes, not a str slice: a multi-byte character after `%` must not split.
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
            if let Some(b) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_owned())
}

/// Nesting depth past which a schema is typed as `serde_json::Value`.
const MAX_DEPTH: usize = 64;

/// The indices of allOf parts that add structure: `$ref`s and schemas with a type, properties,
/// items, an enum or compositions. `allOf: [{$ref: X}, {description: ...}]`, the way many
/// generators attach a description to a reference, has one structural part and means just `X`.
fn structural_parts(parts: &[ReferenceOr<Schema>]) -> Vec<usize> {
    let adds_structure = |part: &ReferenceOr<Schema>| match part {
        ReferenceOr::Reference { .. } => true,
        ReferenceOr::Item(s) => match &s.schema_kind {
            SchemaKind::Any(any) => {
                any.typ.is_some()
                    || !any.properties.is_empty()
                    || any.items.is_some()
                    || !any.enumeration.is_empty()
                    || !any.all_of.is_empty()
                    || !any.one_of.is_empty()
                    || !any.any_of.is_empty()
                    || any.additional_properties.is_some()
            }
            SchemaKind::Type(Type::Object(o)) => {
                !o.properties.is_empty() || o.additional_properties.is_some()
            }
            _ => true,
        },
    };
    (0..parts.len())
        .filter(|&i| adds_structure(&parts[i]))
        .collect()
}

fn unbox(schema: &ReferenceOr<Box<Schema>>) -> ReferenceOr<Schema> {
    match schema {
        ReferenceOr::Reference { reference } => ReferenceOr::Reference {
            reference: reference.clone(),
        },
        ReferenceOr::Item(s) => ReferenceOr::Item((**s).clone()),
    }
}

/// A string enum with unique variant names.
pub fn string_enum(values: &[String]) -> StringEnum {
    let mut names = Namespace::new();
    StringEnum {
        variants: values
            .iter()
            .map(|v| EnumVariant {
                name: names.claim(&naming::type_name(v)),
                wire_name: v.clone(),
            })
            .collect(),
    }
}

fn primitive_variant_name(ty: &TypeRef) -> String {
    match ty {
        TypeRef::Primitive(Primitive::String) => "String".into(),
        TypeRef::Primitive(Primitive::Bool) => "Boolean".into(),
        TypeRef::Primitive(Primitive::I32 | Primitive::I64 | Primitive::U64) => "Integer".into(),
        TypeRef::Primitive(Primitive::F32 | Primitive::F64) => "Number".into(),
        TypeRef::Primitive(p) => format!("{p:?}"),
        TypeRef::Array(_) => "Array".into(),
        TypeRef::Map(_) => "Map".into(),
        _ => "Value".into(),
    }
}

fn variant_for(status: Status) -> String {
    match status {
        Status::Code(code) => naming::status_variant(code),
        Status::Range(digit) => format!("Status{digit}xx"),
        Status::Default => "Default".into(),
    }
}

impl From<&openapiv3::StatusCode> for Status {
    fn from(code: &openapiv3::StatusCode) -> Self {
        match code {
            openapiv3::StatusCode::Code(c) => Status::Code(*c),
            openapiv3::StatusCode::Range(r) => Status::Range(*r),
        }
    }
}

/// A stable method name for an operation without `operationId`: method plus path words, with
/// path parameters as `by_<name>` (`GET /pets/{petId}/toys` → `get_pets_by_pet_id_toys`).
pub fn derive_operation_name(method: Method, path: &str) -> String {
    let mut words = vec![method.as_str().to_ascii_lowercase()];
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(param) => words.push(format!(
                "by_{}",
                naming::value_name(param).trim_start_matches("r#")
            )),
            None => words.push(
                naming::value_name(segment)
                    .trim_start_matches("r#")
                    .to_owned(),
            ),
        }
    }
    naming::value_name(&words.join("_"))
}

/// True when an inline schema marks its value as secret: `x-specgen-sensitive: true` (from the
/// spec or an overlay) or `format: password`.
fn sensitive_schema(schema: &ReferenceOr<Schema>) -> bool {
    let ReferenceOr::Item(schema) = schema else {
        return false;
    };
    let flagged = schema
        .schema_data
        .extensions
        .get("x-specgen-sensitive")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let password = matches!(
        &schema.schema_kind,
        SchemaKind::Type(Type::String(s)) if s.format == VariantOrUnknownOrEmpty::Item(StringFormat::Password)
    );
    flagged || password
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_decoding_keeps_other_text() {
        assert_eq!(
            percent_decode("/paths/~1pets~1%7Bid%7D"),
            "/paths/~1pets~1{id}"
        );
        assert_eq!(percent_decode("/a%zz/é%"), "/a%zz/é%");
    }

    #[test]
    fn derived_operation_names_are_stable() {
        assert_eq!(
            derive_operation_name(Method::Get, "/pets/{petId}/toys"),
            "get_pets_by_pet_id_toys"
        );
        assert_eq!(derive_operation_name(Method::Post, "/"), "post");
        assert_eq!(
            derive_operation_name(Method::Delete, "/v1/{type}"),
            "delete_v1_by_type"
        );
    }
}
