//! IR → OpenAPI: a 3.0 document that says what the IR says, for tools that read OpenAPI
//! (schemathesis, Prism) when the spec is release notes and has no document of its own. It is
//! the generator's second emitter, beside the Rust one.

use crate::ir::{Api, TypeRef};
use serde_json::Value;

/// An OpenAPI 3.0 document that says what the IR says, for tools that read OpenAPI (schemathesis,
/// Prism) when the spec is release notes and has no document of its own. It describes exactly
/// what the mock validates and answers, no more.
pub fn document_from_ir(api: &Api) -> Value {
    use crate::ir::{AuthKind, BodyContent, ParamLocation, ResponseBody, Status};
    use serde_json::{Map, json};

    let mut schemas = Map::new();
    for def in &api.types {
        schemas.insert(def.name.clone(), type_def_schema(def));
    }
    let mut paths: Map<String, Value> = Map::new();
    for op in &api.operations {
        let mut operation = Map::new();
        operation.insert(
            "operationId".into(),
            json!(
                op.operation_id
                    .clone()
                    .unwrap_or_else(|| op.fn_name.clone())
            ),
        );
        if let Some(s) = &op.summary {
            operation.insert("summary".into(), json!(s));
        }
        let params: Vec<Value> = op
            .params
            .iter()
            .map(|p| {
                let location = match p.location {
                    ParamLocation::Path => "path",
                    ParamLocation::Query => "query",
                    ParamLocation::Header => "header",
                    ParamLocation::Cookie => "cookie",
                };
                json!({"name": p.wire_name, "in": location, "required": p.required, "schema": type_schema(&p.ty)})
            })
            .collect();
        if !params.is_empty() {
            operation.insert("parameters".into(), Value::Array(params));
        }
        if let Some(body) = &op.body {
            let (media, schema) = match &body.content {
                BodyContent::Json { media_type, ty, .. } => (media_type.clone(), type_schema(ty)),
                BodyContent::Form { ty } => (
                    "application/x-www-form-urlencoded".to_owned(),
                    type_schema(ty),
                ),
                BodyContent::Multipart { ty, .. } => (
                    "multipart/form-data".to_owned(),
                    type_schema(&TypeRef::Named(ty.clone())),
                ),
                BodyContent::Binary { media_type } | BodyContent::Text { media_type } => {
                    (media_type.clone(), json!({"type": "string"}))
                }
            };
            operation.insert(
                "requestBody".into(),
                json!({"required": body.required, "content": {media: {"schema": schema}}}),
            );
        }
        let mut responses = Map::new();
        for r in &op.responses {
            let key = match r.status {
                Status::Code(c) => c.to_string(),
                Status::Range(d) => format!("{d}XX"),
                Status::Default => "default".into(),
            };
            let mut response = Map::new();
            response.insert(
                "description".into(),
                json!(r.docs.clone().unwrap_or_else(|| "response".into())),
            );
            match &r.body {
                Some(ResponseBody::Json { media_type, ty, .. }) => {
                    response.insert(
                        "content".into(),
                        json!({media_type.clone(): {"schema": type_schema(ty)}}),
                    );
                }
                Some(ResponseBody::Text { media_type } | ResponseBody::Binary { media_type }) => {
                    response.insert(
                        "content".into(),
                        json!({media_type.clone(): {"schema": {"type": "string"}}}),
                    );
                }
                None => {}
            }
            if !r.headers.is_empty() {
                let headers: Map<String, Value> = r
                    .headers
                    .iter()
                    .map(|h| {
                        (
                            h.wire_name.clone(),
                            json!({"required": h.required, "schema": type_schema(&h.ty)}),
                        )
                    })
                    .collect();
                response.insert("headers".into(), Value::Object(headers));
            }
            responses.insert(key, Value::Object(response));
        }
        operation.insert("responses".into(), Value::Object(responses));
        let security: Vec<Value> = op.security.iter().map(|k| json!({k.clone(): []})).collect();
        operation.insert("security".into(), Value::Array(security));
        let item = paths
            .entry(op.path.clone())
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(item) = item {
            item.insert(
                op.method.as_str().to_ascii_lowercase(),
                Value::Object(operation),
            );
        }
    }
    let schemes: Map<String, Value> = api
        .security_schemes
        .iter()
        .map(|s| {
            let scheme = match &s.kind {
                AuthKind::Bearer => json!({"type": "http", "scheme": "bearer"}),
                AuthKind::Basic => json!({"type": "http", "scheme": "basic"}),
                AuthKind::ApiKey { location, name } => {
                    let location = match location {
                        ParamLocation::Query => "query",
                        ParamLocation::Cookie => "cookie",
                        _ => "header",
                    };
                    json!({"type": "apiKey", "in": location, "name": name})
                }
            };
            (s.key.clone(), scheme)
        })
        .collect();
    json!({
        "openapi": "3.0.3",
        "info": {"title": api.title, "version": api.version.clone().unwrap_or_else(|| "unknown".into())},
        "servers": api.servers.iter().map(|s| json!({"url": s.url})).collect::<Vec<_>>(),
        "paths": paths,
        "components": {"schemas": schemas, "securitySchemes": schemes},
    })
}

fn type_def_schema(def: &crate::ir::TypeDef) -> Value {
    use crate::ir::{Primitive, TypeKind};
    use serde_json::{Map, json};
    match &def.kind {
        TypeKind::Alias(ty) => type_schema(ty),
        TypeKind::Enum(e) => {
            json!({"type": "string", "enum": e.variants.iter().map(|v| v.wire_name.clone()).collect::<Vec<_>>()})
        }
        TypeKind::Newtype(n) => {
            let mut s = match type_schema(&TypeRef::Primitive(n.inner)) {
                Value::Object(m) => m,
                _ => Map::new(),
            };
            if let Some(v) = n.min_length {
                s.insert("minLength".into(), json!(v));
            }
            if let Some(v) = n.max_length {
                s.insert("maxLength".into(), json!(v));
            }
            if let Some(v) = &n.pattern {
                s.insert("pattern".into(), json!(v));
            }
            if let Some(b) = n.bounds.filter(|_| !matches!(n.inner, Primitive::String)) {
                bounds_schema(&b, &mut s);
            }
            Value::Object(s)
        }
        TypeKind::Struct(st) => {
            let mut properties = Map::new();
            for f in &st.fields {
                let mut schema = type_schema(&f.ty);
                if f.read_only || f.write_only {
                    // Flags sit beside a `$ref` only through allOf in OpenAPI 3.0.
                    if schema.get("$ref").is_some() {
                        schema = json!({"allOf": [schema]});
                    }
                    if let Value::Object(m) = &mut schema {
                        if f.read_only {
                            m.insert("readOnly".into(), json!(true));
                        }
                        if f.write_only {
                            m.insert("writeOnly".into(), json!(true));
                        }
                    }
                }
                properties.insert(f.wire_name.clone(), schema);
            }
            let required: Vec<&str> = st
                .fields
                .iter()
                .filter(|f| f.required)
                .map(|f| f.wire_name.as_str())
                .collect();
            let mut s = json!({"type": "object", "properties": properties});
            if !required.is_empty() {
                s["required"] = json!(required);
            }
            if let Some(extra) = &st.additional {
                s["additionalProperties"] = type_schema(extra);
            }
            s
        }
        TypeKind::Union(u) => {
            let variants: Vec<Value> = u.variants.iter().map(|v| type_schema(&v.ty)).collect();
            match &u.discriminator {
                Some(property) => {
                    let mapping: Map<String, Value> = u
                        .variants
                        .iter()
                        .flat_map(|v| {
                            let target = type_schema(&v.ty)
                                .get("$ref")
                                .cloned()
                                .unwrap_or(Value::Null);
                            v.tags.iter().map(move |t| (t.clone(), target.clone()))
                        })
                        .collect();
                    json!({"oneOf": variants, "discriminator": {"propertyName": property, "mapping": mapping}})
                }
                None => json!({"anyOf": variants}),
            }
        }
    }
}

fn type_schema(ty: &TypeRef) -> Value {
    use crate::ir::Primitive;
    use serde_json::json;
    match ty {
        TypeRef::Named(n) => json!({"$ref": format!("#/components/schemas/{n}")}),
        TypeRef::Primitive(p) => match p {
            Primitive::String => json!({"type": "string"}),
            Primitive::Email => json!({"type": "string", "format": "email"}),
            Primitive::Bool => json!({"type": "boolean"}),
            Primitive::I32 => json!({"type": "integer", "format": "int32"}),
            Primitive::I64 => json!({"type": "integer", "format": "int64"}),
            Primitive::U64 => json!({"type": "integer", "minimum": 0}),
            Primitive::F32 => json!({"type": "number", "format": "float"}),
            Primitive::F64 => json!({"type": "number"}),
            Primitive::Uuid => json!({"type": "string", "format": "uuid"}),
            Primitive::DateTime => json!({"type": "string", "format": "date-time"}),
            Primitive::Date => json!({"type": "string", "format": "date"}),
            Primitive::Bytes | Primitive::File => json!({"type": "string", "format": "binary"}),
        },
        TypeRef::Array(item) => json!({"type": "array", "items": type_schema(item)}),
        TypeRef::Map(item) => json!({"type": "object", "additionalProperties": type_schema(item)}),
        TypeRef::Nullable(inner) => {
            let inner = type_schema(inner);
            if inner.get("$ref").is_some() {
                json!({"allOf": [inner], "nullable": true})
            } else {
                let mut inner = inner;
                inner["nullable"] = json!(true);
                inner
            }
        }
        TypeRef::Boxed(inner) => type_schema(inner),
        TypeRef::Json => json!({}),
        TypeRef::FreeForm { shape, nullable } => {
            let mut s = match shape {
                crate::ir::JsonShape::Object => json!({"type": "object"}),
                crate::ir::JsonShape::Array => json!({"type": "array", "items": {}}),
            };
            if *nullable {
                s["nullable"] = json!(true);
            }
            s
        }
    }
}

/// Numeric bounds in OpenAPI 3.0 spelling (boolean `exclusiveMinimum` beside `minimum`).
fn bounds_schema(b: &crate::ir::NumberBounds, s: &mut serde_json::Map<String, Value>) {
    use serde_json::json;
    if let Some(v) = b.minimum {
        s.insert("minimum".into(), json!(v));
        if b.exclusive_minimum {
            s.insert("exclusiveMinimum".into(), json!(true));
        }
    }
    if let Some(v) = b.maximum {
        s.insert("maximum".into(), json!(v));
        if b.exclusive_maximum {
            s.insert("exclusiveMaximum".into(), json!(true));
        }
    }
    if let Some(v) = b.multiple_of {
        s.insert("multipleOf".into(), json!(v));
    }
}
