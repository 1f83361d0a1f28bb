//! One `Client` method per operation: arguments, path, credentials, parameters, body, then the
//! call through `runtime` (signing, retries, timeouts) and the match from status to typed result.

use super::responses::response_value_type;
use super::{Scope, deprecated, docs, ident, ty};
use crate::ir::*;
use proc_macro2::{Literal, TokenStream};
use quote::quote;
use std::collections::BTreeMap;

pub(super) fn arg_type(p: &Parameter) -> TokenStream {
    if p.idempotency_key {
        return match &p.ty {
            TypeRef::Primitive(Primitive::Uuid) => quote!(::std::option::Option<::uuid::Uuid>),
            _ => quote!(::std::option::Option<&str>),
        };
    }
    let inner = match &p.ty {
        TypeRef::Primitive(Primitive::String | Primitive::Email) => quote!(&str),
        TypeRef::Array(item) => {
            let item = ty(item, Scope::Client);
            quote!(&[#item])
        }
        other => {
            let t = ty(other, Scope::Client);
            quote!(&#t)
        }
    };
    if p.required {
        inner
    } else {
        quote!(::std::option::Option<#inner>)
    }
}

/// The body argument's type.
pub(super) fn body_arg_type(body: &RequestBody) -> TokenStream {
    let t = match &body.content {
        BodyContent::Json { ty: t, .. } | BodyContent::Form { ty: t } => {
            let t = ty(t, Scope::Client);
            quote!(&#t)
        }
        BodyContent::Multipart { ty: t, .. } => {
            let t = ident(t);
            quote!(&types::#t)
        }
        BodyContent::Binary { .. } => quote!(crate::runtime::BinaryBody),
        BodyContent::Text { .. } => quote!(::std::string::String),
    };
    if body.required {
        t
    } else {
        quote!(::std::option::Option<#t>)
    }
}

/// The method's arguments (path parameters, idempotency keys, params struct, body) and the
/// lines of its "Arguments" doc.
fn args_and_docs(op: &Operation) -> (Vec<TokenStream>, Vec<String>) {
    let mut args = Vec::new();
    let mut param_docs = Vec::new();
    for p in op.params.iter().filter(|p| !p.signature) {
        if !p.grouped() {
            let name = ident(&p.name);
            let t = arg_type(p);
            args.push(quote!(#name: #t));
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
        let params = ident(params);
        args.push(quote!(params: &types::#params));
    }
    if let Some(body) = &op.body {
        let t = body_arg_type(body);
        args.push(quote!(body: #t));
    }
    (args, param_docs)
}

/// `let path = ...;` with encoded path parameters.
fn path_statement(op: &Operation) -> TokenStream {
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
            let name = ident(&p.name);
            fmt.push_str("{}");
            fmt_args.push(quote!(crate::runtime::encode_path(&crate::runtime::ParamValue::param_string(&#name))));
        } else {
            fmt.push_str(&escape(&rest[start..start + len + 1]));
        }
        rest = &rest[start + len + 1..];
    }
    fmt.push_str(&escape(rest));
    if fmt_args.is_empty() {
        let literal = op.path.clone();
        quote!(let path = #literal;)
    } else {
        quote!(let path = &format!(#fmt, #(#fmt_args),*);)
    }
}

fn auth_schemes(op: &Operation, schemes: &[SecurityScheme]) -> Vec<TokenStream> {
    op.security
        .iter()
        .filter_map(|key| schemes.iter().find(|s| &s.key == key))
        .map(|s| match &s.kind {
            AuthKind::Bearer => quote!(crate::runtime::Auth::Bearer),
            AuthKind::Basic => quote!(crate::runtime::Auth::Basic),
            AuthKind::ApiKey {
                location: ParamLocation::Query,
                name,
            } => quote!(crate::runtime::Auth::ApiKeyQuery(#name)),
            AuthKind::ApiKey {
                location: ParamLocation::Cookie,
                name,
            } => quote!(crate::runtime::Auth::ApiKeyCookie(#name)),
            AuthKind::ApiKey { name, .. } => quote!(crate::runtime::Auth::ApiKeyHeader(#name)),
        })
        .collect()
}

fn query_step(op: &Operation) -> Option<TokenStream> {
    let query: Vec<&Parameter> = op
        .params
        .iter()
        .filter(|p| p.location == ParamLocation::Query)
        .collect();
    if query.is_empty() {
        return None;
    }
    let pushes = query.iter().map(|p| {
        let name = ident(&p.name);
        let wire = &p.wire_name;
        let explode = p.explode;
        let push = if matches!(p.ty, TypeRef::Array(_)) {
            quote!(crate::runtime::push_query_array(&mut query, #wire, #explode, value);)
        } else if matches!(p.ty, TypeRef::Map(_)) {
            quote!(crate::runtime::push_query_map(&mut query, #wire, #explode, value);)
        } else {
            quote!(crate::runtime::push_query(&mut query, #wire, value);)
        };
        if p.required {
            quote!({ let value = &params.#name; #push })
        } else {
            quote!(if let ::std::option::Option::Some(value) = &params.#name { #push })
        }
    });
    Some(quote! {
        let mut query: ::std::vec::Vec<(::std::string::String, ::std::string::String)> = ::std::vec::Vec::new();
        #(#pushes)*
        request = request.query(&query);
    })
}

fn header_steps(op: &Operation) -> Vec<TokenStream> {
    let mut steps = Vec::new();
    for p in op
        .params
        .iter()
        .filter(|p| p.location == ParamLocation::Header)
    {
        let name = ident(&p.name);
        let wire = &p.wire_name;
        if p.signature {
            // The signer sets this header after the request is built; without one, fail early.
            steps.push(quote!(self.core.require_signer(#wire)?;));
        } else if p.idempotency_key {
            // Set once, before the first attempt, so every retry carries the same key.
            let given = match &p.ty {
                TypeRef::Primitive(Primitive::Uuid) => quote!(#name.map(|key| key.to_string())),
                _ => quote!(#name.map(str::to_owned)),
            };
            steps.push(quote!(request = request.header(#wire, self.core.idempotency_key(#given));));
        } else if p.required {
            steps.push(quote!(request = request.header(#wire, crate::runtime::ParamValue::param_string(&params.#name));));
        } else {
            steps.push(quote! {
                if let ::std::option::Option::Some(value) = &params.#name {
                    request = request.header(#wire, crate::runtime::ParamValue::param_string(value));
                }
            });
        }
    }
    steps
}

fn cookie_step(op: &Operation) -> Option<TokenStream> {
    let cookies: Vec<&Parameter> = op
        .params
        .iter()
        .filter(|p| p.location == ParamLocation::Cookie)
        .collect();
    if cookies.is_empty() {
        return None;
    }
    let pushes = cookies.iter().map(|p| {
        let name = ident(&p.name);
        let wire = &p.wire_name;
        if p.required {
            quote!(cookies.push(format!("{}={}", #wire, crate::runtime::ParamValue::param_string(&params.#name)));)
        } else {
            quote!(if let ::std::option::Option::Some(value) = &params.#name { cookies.push(format!("{}={}", #wire, crate::runtime::ParamValue::param_string(value))); })
        }
    });
    Some(quote! {
        let mut cookies: ::std::vec::Vec<::std::string::String> = ::std::vec::Vec::new();
        #(#pushes)*
        if !cookies.is_empty() {
            request = request.header(::reqwest::header::COOKIE, cookies.join("; "));
        }
    })
}

fn multipart_attach(parts: &[MultipartPart]) -> TokenStream {
    let parts = parts.iter().map(|part| {
        let field = ident(&part.field);
        let wire = &part.wire_name;
        let add = match part.kind {
            PartKind::File => quote!(form = form.part(#wire, value.to_part().map_err(crate::runtime::Error::InvalidRequest)?);),
            PartKind::Text => quote!(form = form.text(#wire, crate::runtime::ParamValue::param_string(value));),
            PartKind::Json => quote!(form = form.text(#wire, ::serde_json::to_string(value).map_err(|e| crate::runtime::Error::InvalidRequest(e.to_string()))?);),
        };
        if part.required {
            quote!({ let value = &body.#field; #add })
        } else {
            quote!(if let ::std::option::Option::Some(value) = &body.#field { #add })
        }
    });
    quote! {
        let mut form = ::reqwest::multipart::Form::new();
        #(#parts)*
        request = request.multipart(form);
    }
}

fn body_step(body: &RequestBody) -> TokenStream {
    let attach = match &body.content {
        BodyContent::Json { media_type, .. } => {
            if media_type == "application/json" || media_type == "*/*" {
                quote!(request = request.json(body);)
            } else {
                quote! {
                    request = request
                        .header(::reqwest::header::CONTENT_TYPE, #media_type)
                        .body(::serde_json::to_vec(body).map_err(|e| crate::runtime::Error::InvalidRequest(e.to_string()))?);
                }
            }
        }
        BodyContent::Form { .. } => quote!(request = request.form(body);),
        BodyContent::Binary { media_type } => quote! {
            request = request
                .header(::reqwest::header::CONTENT_TYPE, body.content_type.as_deref().unwrap_or(#media_type))
                .body(body.bytes);
        },
        BodyContent::Text { media_type } => quote! {
            request = request.header(::reqwest::header::CONTENT_TYPE, #media_type).body(body);
        },
        BodyContent::Multipart { parts, .. } => multipart_attach(parts),
    };
    if body.required {
        attach
    } else {
        quote!(if let ::std::option::Option::Some(body) = body { #attach })
    }
}

/// The method's `Ok` and `Err` payload types.
pub(super) fn result_types(op: &Operation) -> (TokenStream, TokenStream) {
    let successes: Vec<&Response> = op.success_responses().collect();
    let ok_type = match (&op.success_type, successes.as_slice()) {
        (Some(name), _) => {
            let name = ident(name);
            quote!(types::#name)
        }
        (None, [single]) => response_value_type(single, Scope::Client),
        (None, _) => quote!(crate::runtime::ResponseValue<::std::vec::Vec<u8>, ()>),
    };
    let err_type = match &op.error_type {
        Some(name) => {
            let name = ident(name);
            quote!(types::#name)
        }
        None => quote!(crate::runtime::NoDocumentedErrors),
    };
    (ok_type, err_type)
}

/// Response handling: exact codes, then ranges, then default or unexpected.
fn response_arms(op: &Operation) -> Vec<TokenStream> {
    let decode = |r: &Response| match &r.body {
        None => quote!(response.empty()?),
        Some(ResponseBody::Json { .. }) => quote!(response.json()?),
        Some(ResponseBody::Text { .. }) => quote!(response.text()?),
        Some(ResponseBody::Binary { .. }) => quote!(response.bytes()?),
    };
    let pattern = |r: &Response| match r.status {
        Status::Code(c) => {
            let c = Literal::u16_unsuffixed(c);
            quote!(#c)
        }
        Status::Range(d) => {
            let lo = Literal::u16_unsuffixed(d * 100);
            let hi = Literal::u16_unsuffixed(d * 100 + 99);
            quote!(#lo..=#hi)
        }
        Status::Default => quote!(_),
    };
    let mut arms = Vec::new();
    let mut ordered: Vec<&Response> = op.responses.iter().collect();
    ordered.sort_by_key(|r| match r.status {
        Status::Code(_) => 0,
        Status::Range(_) => 1,
        Status::Default => 2,
    });
    if op.success_responses().next().is_none() {
        arms.push(quote!(200..=299 => Ok(response.bytes()?),));
    }
    for r in &ordered {
        let pat = pattern(r);
        let value = decode(r);
        let v = ident(&r.variant);
        arms.push(
            match (&op.success_type, &op.error_type, r.status.is_success()) {
                (Some(name), _, true) => {
                    let name = ident(name);
                    quote!(#pat => Ok(types::#name::#v(#value)),)
                }
                (None, _, true) => quote!(#pat => Ok(#value),),
                (_, Some(name), false) => {
                    let name = ident(name);
                    quote!(#pat => Err(crate::runtime::Error::Api(types::#name::#v(#value))),)
                }
                (_, None, false) => unreachable!("error responses imply an error type"),
            },
        );
    }
    if !ordered.iter().any(|r| r.status == Status::Default) {
        arms.push(quote!(_ => Err(response.unexpected()),));
    }
    arms
}

/// The static description of the operation that the runtime's retry loop, errors and spans use.
fn operation_info(op: &Operation) -> TokenStream {
    let name = op.fn_name.trim_start_matches("r#");
    let method = op.method.as_str();
    let path = &op.path;
    let idempotency = match op.params.iter().find(|p| p.idempotency_key) {
        Some(p) => {
            let wire = &p.wire_name;
            quote!(::std::option::Option::Some(#wire))
        }
        None => quote!(::std::option::Option::None),
    };
    let documented = op.responses.iter().filter_map(|r| match r.status {
        Status::Code(c) => Some(Literal::u16_unsuffixed(c)),
        _ => None,
    });
    quote! {
        const OPERATION: crate::runtime::OperationInfo = crate::runtime::OperationInfo {
            name: #name,
            method: #method,
            path: #path,
            idempotency_header: #idempotency,
            documented: &[#(#documented),*],
        };
    }
}

pub(super) fn emit_operation(op: &Operation, schemes: &[SecurityScheme]) -> TokenStream {
    let fname = ident(&op.fn_name);
    let method = ident(op.method.as_str());
    let (args, param_docs) = args_and_docs(op);
    let path = path_statement(op);
    let auth = auth_schemes(op, schemes);
    let mut steps: Vec<TokenStream> = Vec::new();
    steps.extend(query_step(op));
    steps.extend(header_steps(op));
    steps.extend(cookie_step(op));
    steps.extend(op.body.as_ref().map(body_step));
    let (ok_type, err_type) = result_types(op);
    let arms = response_arms(op);
    let info = operation_info(op);

    let signature_line = format!("`{} {}`", op.method.as_str(), op.path);
    let args_doc =
        (!param_docs.is_empty()).then(|| format!("Arguments:\n{}", param_docs.join("\n")));
    let doc = docs(&[
        op.summary.as_deref(),
        op.description.as_deref(),
        Some(&signature_line),
        args_doc.as_deref(),
    ]);
    let deprecated = deprecated(&op.deprecated);
    let mutable = (!steps.is_empty()).then(|| quote!(mut));
    quote! {
        #doc
        #deprecated
        pub async fn #fname(&self, #(#args),*) -> ::std::result::Result<#ok_type, crate::runtime::Error<#err_type>> {
            #info
            #path
            let #mutable request = self.core.request(::reqwest::Method::#method, path, &[#(#auth),*]);
            #(#steps)*
            let response = self.core.send_operation(&OPERATION, request).await?;
            match response.status {
                #(#arms)*
            }
        }
    }
}
