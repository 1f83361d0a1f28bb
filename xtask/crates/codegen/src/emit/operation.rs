//! One `Client` method per operation: arguments, path, credentials, parameters, body, then the
//! call through `runtime` (signing, retries, timeouts) and the match from status to typed result.
//!
//! Methods are the most numerous large items of a big API, and their shape is fixed, so they are
//! written as text (`emit::text`), with calls in rustfmt's style.

use super::text::{self, Writer, lit};
use crate::ir::*;
use std::collections::BTreeMap;

pub(super) fn arg_type_text(p: &Parameter) -> String {
    if p.idempotency_key {
        return match &p.ty {
            TypeRef::Primitive(Primitive::Uuid) => "::std::option::Option<::uuid::Uuid>".into(),
            _ => "::std::option::Option<&str>".into(),
        };
    }
    let inner = match &p.ty {
        TypeRef::Primitive(Primitive::String | Primitive::Email) => "&str".to_owned(),
        TypeRef::Array(item) => format!("&[{}]", text::ty(item, true)),
        other => format!("&{}", text::ty(other, true)),
    };
    text::optional(inner, p.required)
}

/// The body argument's type.
fn body_arg_type(body: &RequestBody) -> String {
    let t = match &body.content {
        BodyContent::Json { ty: t, .. } | BodyContent::Form { ty: t } => {
            format!("&{}", text::ty(t, true))
        }
        BodyContent::Multipart { ty: t, .. } => format!("&types::{t}"),
        BodyContent::Binary { .. } => "crate::runtime::BinaryBody".into(),
        BodyContent::Text { .. } => "::std::string::String".into(),
    };
    text::optional(t, body.required)
}

/// The method's arguments (path parameters, idempotency keys, params struct, body) and the
/// lines of its "Arguments" doc.
fn args_and_docs(op: &Operation) -> (Vec<String>, Vec<String>) {
    let mut args = vec!["&self".to_owned()];
    let mut param_docs = Vec::new();
    for p in op.params.iter().filter(|p| !p.signature) {
        if !p.grouped() {
            args.push(format!("{}: {}", p.name, arg_type_text(p)));
        }
        let prefix = if p.grouped() { "params." } else { "" };
        let mut line = format!(
            "- `{prefix}{}`: {} `{}`",
            p.name.trim_start_matches("r#"),
            format!("{:?}", p.location).to_lowercase(),
            p.wire_name
        );
        if p.idempotency_key {
            line.push_str(
                " (idempotency key; a fresh UUID v4 when `None`, the same on every retry)",
            );
        }
        if let Some(d) = &p.docs {
            line.push_str(": ");
            line.push_str(d.lines().next().unwrap_or_default().trim());
        }
        param_docs.push(line);
    }
    if let Some(params) = &op.params_type {
        args.push(format!("params: &types::{params}"));
    }
    if let Some(body) = &op.body {
        args.push(format!("body: {}", body_arg_type(body)));
    }
    (args, param_docs)
}

/// `let path = ...;` with encoded path parameters.
fn path_statement(w: &mut Writer, op: &Operation) {
    let path_params: BTreeMap<&str, &Parameter> = op
        .params
        .iter()
        .filter(|p| p.location == ParamLocation::Path)
        .map(|p| (p.wire_name.as_str(), p))
        .collect();
    let escape = |s: &str| s.replace('{', "{{").replace('}', "}}");
    let mut fmt = String::new();
    let mut fmt_args = Vec::new();
    let mut rest = op.path.as_str();
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        fmt.push_str(&escape(&rest[..start]));
        let wire = &rest[start + 1..start + len];
        if let Some(p) = path_params.get(wire) {
            fmt.push_str("{}");
            fmt_args.push(format!(
                "crate::runtime::encode_path(&crate::runtime::ParamValue::param_string(&{}))",
                p.name
            ));
        } else {
            fmt.push_str(&escape(&rest[start..start + len + 1]));
        }
        rest = &rest[start + len + 1..];
    }
    fmt.push_str(&escape(rest));
    if fmt_args.is_empty() {
        w.line(&format!("let path = {};", lit(&op.path)));
    } else {
        let mut items = vec![lit(&fmt)];
        items.extend(fmt_args);
        w.list("let path = &format!(", &items, ");", true);
    }
}

fn auth_schemes(op: &Operation, schemes: &[SecurityScheme]) -> Vec<String> {
    op.security
        .iter()
        .filter_map(|key| schemes.iter().find(|s| &s.key == key))
        .map(|s| match &s.kind {
            AuthKind::Bearer => "crate::runtime::Auth::Bearer".to_owned(),
            AuthKind::Basic => "crate::runtime::Auth::Basic".to_owned(),
            AuthKind::ApiKey {
                location: ParamLocation::Query,
                name,
            } => format!("crate::runtime::Auth::ApiKeyQuery({})", lit(name)),
            AuthKind::ApiKey {
                location: ParamLocation::Cookie,
                name,
            } => format!("crate::runtime::Auth::ApiKeyCookie({})", lit(name)),
            AuthKind::ApiKey { name, .. } => {
                format!("crate::runtime::Auth::ApiKeyHeader({})", lit(name))
            }
        })
        .collect()
}

/// `{ let value = &owner.field; … }` for a required value, `if let Some(value) = … { … }`
/// for an optional one.
fn with_value(w: &mut Writer, required: bool, place: &str, body: impl FnOnce(&mut Writer)) {
    if required {
        w.line("{");
        w.nested(|w| {
            w.line(&format!("let value = &{place};"));
            body(w);
        });
    } else {
        w.line(&format!(
            "if let ::std::option::Option::Some(value) = &{place} {{"
        ));
        w.nested(body);
    }
    w.line("}");
}

fn query_step(w: &mut Writer, op: &Operation) {
    let query: Vec<&Parameter> = op
        .params
        .iter()
        .filter(|p| p.location == ParamLocation::Query)
        .collect();
    if query.is_empty() {
        return;
    }
    w.line("let mut query: ::std::vec::Vec<(::std::string::String, ::std::string::String)> = ::std::vec::Vec::new();");
    for p in query {
        let wire = lit(&p.wire_name);
        let (function, explode) = match p.ty {
            TypeRef::Array(_) => ("push_query_array", Some(p.explode)),
            TypeRef::Map(_) => ("push_query_map", Some(p.explode)),
            _ => ("push_query", None),
        };
        let mut args = vec!["&mut query".to_owned(), wire];
        args.extend(explode.map(|e| e.to_string()));
        args.push("value".into());
        with_value(w, p.required, &format!("params.{}", p.name), |w| {
            w.list(&format!("crate::runtime::{function}("), &args, ");", true);
        });
    }
    w.line("request = request.query(&query);");
}

fn header_steps(w: &mut Writer, op: &Operation) {
    for p in op
        .params
        .iter()
        .filter(|p| p.location == ParamLocation::Header)
    {
        let wire = lit(&p.wire_name);
        if p.signature {
            // The signer sets this header after the request is built; without one, fail early.
            w.line(&format!(
                "if let ::std::result::Result::Err(e) = self.core.require_signer({wire}) {{"
            ));
            w.nested(|w| w.line("return crate::runtime::failed(e);"));
            w.line("}");
        } else if p.idempotency_key {
            // Set once, before the first attempt, so every retry carries the same key.
            let given = match &p.ty {
                TypeRef::Primitive(Primitive::Uuid) => {
                    format!("{}.map(|key| key.to_string())", p.name)
                }
                _ => format!("{}.map(str::to_owned)", p.name),
            };
            let value = format!("self.core.idempotency_key({given})");
            w.list("request = request.header(", &[wire, value], ");", true);
        } else if p.required {
            let value = format!(
                "crate::runtime::ParamValue::param_string(&params.{})",
                p.name
            );
            w.list("request = request.header(", &[wire, value], ");", true);
        } else {
            w.line(&format!(
                "if let ::std::option::Option::Some(value) = &params.{} {{",
                p.name
            ));
            w.nested(|w| {
                let value = "crate::runtime::ParamValue::param_string(value)".to_owned();
                w.list("request = request.header(", &[wire, value], ");", true);
            });
            w.line("}");
        }
    }
}

fn cookie_step(w: &mut Writer, op: &Operation) {
    let cookies: Vec<&Parameter> = op
        .params
        .iter()
        .filter(|p| p.location == ParamLocation::Cookie)
        .collect();
    if cookies.is_empty() {
        return;
    }
    w.line("let mut cookies: ::std::vec::Vec<::std::string::String> = ::std::vec::Vec::new();");
    for p in cookies {
        let wire = lit(&p.wire_name);
        with_value(w, p.required, &format!("params.{}", p.name), |w| {
            let args = [
                lit("{}={}"),
                wire,
                "crate::runtime::ParamValue::param_string(value)".to_owned(),
            ];
            w.list("cookies.push(format!(", &args, "));", true);
        });
    }
    w.line("if !cookies.is_empty() {");
    w.nested(|w| {
        w.line(r#"request = request.header(::reqwest::header::COOKIE, cookies.join("; "));"#)
    });
    w.line("}");
}

/// `let NAME = match EXPR { Ok(value) => value, Err(e) => return failed(ERROR) };`: a step that
/// can fail before anything is sent ends the call with `ERROR`, written in terms of `e`.
fn bind_or_fail(w: &mut Writer, name: &str, expr: &str, error: &str) {
    w.line(&format!("let {name} = match {expr} {{"));
    w.nested(|w| {
        w.line("::std::result::Result::Ok(value) => value,");
        w.line(&format!(
            "::std::result::Result::Err(e) => return crate::runtime::failed({error}),"
        ));
    });
    w.line("};");
}

fn multipart_attach(w: &mut Writer, parts: &[MultipartPart]) {
    w.line("let mut form = ::reqwest::multipart::Form::new();");
    for part in parts {
        let wire = lit(&part.wire_name);
        with_value(w, part.required, &format!("body.{}", part.field), |w| {
            let (method, value) = match part.kind {
                PartKind::File => {
                    let error = "crate::runtime::Error::InvalidRequest(e)";
                    bind_or_fail(w, "part", "value.to_part()", error);
                    ("part", "part".to_owned())
                }
                PartKind::Json => {
                    let error = "crate::runtime::Error::InvalidRequest(e.to_string())";
                    bind_or_fail(w, "text", "::serde_json::to_string(value)", error);
                    ("text", "text".to_owned())
                }
                PartKind::Text => (
                    "text",
                    "crate::runtime::ParamValue::param_string(value)".to_owned(),
                ),
            };
            w.list(
                &format!("form = form.{method}("),
                &[wire, value],
                ");",
                true,
            );
        });
    }
    w.line("request = request.multipart(form);");
}

fn body_attach(w: &mut Writer, body: &RequestBody) {
    let content_type = |media_type: &str| {
        format!(
            ".header(::reqwest::header::CONTENT_TYPE, {})",
            lit(media_type)
        )
    };
    match &body.content {
        BodyContent::Json { media_type, .. } => {
            if media_type == "application/json" || media_type == "*/*" {
                w.line("request = request.json(body);");
            } else {
                let error = "crate::runtime::Error::InvalidRequest(e.to_string())";
                bind_or_fail(w, "bytes", "::serde_json::to_vec(body)", error);
                let calls = [
                    "request = request".to_owned(),
                    content_type(media_type),
                    ".body(bytes)".to_owned(),
                ];
                w.chain(&calls, ";");
            }
        }
        BodyContent::Form { .. } => w.line("request = request.form(body);"),
        BodyContent::Binary { media_type } => {
            let calls = [
                "request = request".to_owned(),
                format!(
                    ".header(::reqwest::header::CONTENT_TYPE, body.content_type.as_deref().unwrap_or({}))",
                    lit(media_type)
                ),
                ".body(body.bytes)".to_owned(),
            ];
            w.chain(&calls, ";");
        }
        BodyContent::Text { media_type } => {
            let calls = [
                "request = request".to_owned(),
                content_type(media_type),
                ".body(body)".to_owned(),
            ];
            w.chain(&calls, ";");
        }
        BodyContent::Multipart { parts, .. } => multipart_attach(w, parts),
    }
}

fn body_step(w: &mut Writer, body: &RequestBody) {
    if body.required {
        body_attach(w, body);
    } else {
        w.line("if let ::std::option::Option::Some(body) = body {");
        w.nested(|w| body_attach(w, body));
        w.line("}");
    }
}

/// The type of a response as `ResponseValue<Body, Headers>`, from inside `types` or the client.
pub(super) fn response_value_text(r: &Response, client: bool) -> String {
    let body = match &r.body {
        None => "()".to_owned(),
        Some(ResponseBody::Json { ty: t, .. }) => text::ty(t, client),
        Some(ResponseBody::Text { .. }) => "::std::string::String".to_owned(),
        Some(ResponseBody::Binary { .. }) => "::std::vec::Vec<u8>".to_owned(),
    };
    let headers = match (&r.headers_type, client) {
        (Some(h), true) => format!("types::{h}"),
        (Some(h), false) => h.clone(),
        (None, _) => "()".to_owned(),
    };
    format!("crate::runtime::ResponseValue<{body}, {headers}>")
}

pub(super) fn result_types_text(op: &Operation) -> (String, String) {
    let successes: Vec<&Response> = op.success_responses().collect();
    let ok_type = match (&op.success_type, successes.as_slice()) {
        (Some(name), _) => format!("types::{name}"),
        (None, [single]) => response_value_text(single, true),
        (None, _) => "crate::runtime::ResponseValue<::std::vec::Vec<u8>, ()>".to_owned(),
    };
    let err_type = match &op.error_type {
        Some(name) => format!("types::{name}"),
        None => "crate::runtime::NoDocumentedErrors".to_owned(),
    };
    (ok_type, err_type)
}

/// Response handling: exact codes, then ranges, then default or unexpected.
fn response_arms(w: &mut Writer, op: &Operation) {
    let decode = |r: &Response| match &r.body {
        None => "response.empty()?",
        Some(ResponseBody::Json { .. }) => "response.json()?",
        Some(ResponseBody::Text { .. }) => "response.text()?",
        Some(ResponseBody::Binary { .. }) => "response.bytes()?",
    };
    let pattern = |r: &Response| match r.status {
        Status::Code(c) => c.to_string(),
        Status::Range(d) => format!("{}..={}", d * 100, d * 100 + 99),
        Status::Default => "_".to_owned(),
    };
    let mut ordered: Vec<&Response> = op.responses.iter().collect();
    ordered.sort_by_key(|r| match r.status {
        Status::Code(_) => 0,
        Status::Range(_) => 1,
        Status::Default => 2,
    });
    if op.success_responses().next().is_none() {
        w.line("200..=299 => Ok(response.bytes()?),");
    }
    for r in &ordered {
        let pat = pattern(r);
        let value = decode(r);
        let v = &r.variant;
        match (&op.success_type, &op.error_type, r.status.is_success()) {
            (Some(name), _, true) => w.list(
                &format!("{pat} => Ok("),
                &[format!("types::{name}::{v}({value})")],
                "),",
                true,
            ),
            (None, _, true) => w.line(&format!("{pat} => Ok({value}),")),
            (_, Some(name), false) => w.list(
                &format!("{pat} => Err(crate::runtime::Error::Api("),
                &[format!("types::{name}::{v}({value})")],
                ")),",
                true,
            ),
            (_, None, false) => unreachable!("error responses imply an error type"),
        }
    }
    if !ordered.iter().any(|r| r.status == Status::Default) {
        w.line("_ => Err(response.unexpected()),");
    }
}

/// The static description of the operation that the runtime's retry loop, errors and spans use.
fn operation_info(w: &mut Writer, op: &Operation) {
    let idempotency = match op.params.iter().find(|p| p.idempotency_key) {
        Some(p) => format!("::std::option::Option::Some({})", lit(&p.wire_name)),
        None => "::std::option::Option::None".to_owned(),
    };
    let documented: Vec<String> = op
        .responses
        .iter()
        .filter_map(|r| match r.status {
            Status::Code(c) => Some(c.to_string()),
            _ => None,
        })
        .collect();
    w.line("const OPERATION: crate::runtime::OperationInfo = crate::runtime::OperationInfo {");
    w.nested(|w| {
        w.line(&format!(
            "name: {},",
            lit(op.fn_name.trim_start_matches("r#"))
        ));
        w.line(&format!("method: {},", lit(op.method.as_str())));
        w.line(&format!("path: {},", lit(&op.path)));
        w.line(&format!("idempotency_header: {idempotency},"));
        w.list("documented: &[", &documented, "],", true);
    });
    w.line("};");
}

/// The method of `op`, gated by `cfg`, written at the indentation of `w`.
pub(super) fn operation_text(
    w: &mut Writer,
    op: &Operation,
    schemes: &[SecurityScheme],
    cfg: &[String],
) {
    let (args, param_docs) = args_and_docs(op);
    let (ok_type, err_type) = result_types_text(op);
    let signature_line = format!("`{} {}`", op.method.as_str(), op.path);
    let args_doc =
        (!param_docs.is_empty()).then(|| format!("Arguments:\n{}", param_docs.join("\n")));
    w.cfg(cfg);
    w.docs(&[
        op.summary.as_deref(),
        op.description.as_deref(),
        Some(&signature_line),
        args_doc.as_deref(),
    ]);
    w.deprecated(&op.deprecated);
    // A plain function returning the runtime's boxed future rather than an `async fn`: see
    // `runtime::Call` for why.
    let result = format!("crate::runtime::Call<'_, {ok_type}, {err_type}>");
    w.signature(&format!("pub fn {}", op.fn_name), &args, &result);
    w.nested(|w| method_body(w, op, schemes));
    w.line("}");
}

/// The statements of an operation method.
fn method_body(w: &mut Writer, op: &Operation, schemes: &[SecurityScheme]) {
    operation_info(w, op);
    path_statement(w, op);
    // Only path parameters leave the request as built; anything else is added to it.
    let has_steps =
        op.params.iter().any(|p| p.location != ParamLocation::Path) || op.body.is_some();
    let binding = if has_steps {
        "let mut request"
    } else {
        "let request"
    };
    let method = format!("::reqwest::Method::{}", op.method.as_str());
    let auth = format!("&[{}]", auth_schemes(op, schemes).join(", "));
    w.list(
        &format!("{binding} = self.core.request("),
        &[method, "path".to_owned(), auth],
        ");",
        true,
    );
    query_step(w, op);
    header_steps(w, op);
    cookie_step(w, op);
    if let Some(body) = &op.body {
        body_step(w, body);
    }
    // The match is a closure that captures nothing, so it is a plain `fn` for the runtime.
    w.line("self.core.call(&OPERATION, request, |response| match response.status {");
    w.nested(|w| response_arms(w, op));
    w.line("})");
}
