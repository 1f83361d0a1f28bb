//! The request side of the proxy's checks: parameters and the body of a request the client
//! sent, against the operation it routed to.
//!
//! The rules are the mock's (the same [`crate::validate`] calls on the same values), so the
//! proxy calls a request wrong exactly when the mock would refuse it. Each violation is one line
//! that names where (`body /amount`, `query limit`) and what.

use crate::mock::handler::{parameter_texts, query_pairs};
use crate::validate::{Direction, Validator, parameter_value};
use axum::http::{HeaderMap, header};
use serde_json::Value;
use specgen_ir::ir::{BodyContent, Operation, TypeRef};

/// Every way the request breaks its operation's spec, one line each; empty when it conforms.
pub fn violations(
    validator: &Validator,
    op: &Operation,
    path_params: &[(String, String)],
    query: Option<&str>,
    headers: &HeaderMap,
    body: &[u8],
) -> Vec<String> {
    let mut out = Vec::new();
    parameters(validator, op, path_params, query, headers, &mut out);
    body_violations(validator, op, headers, body, &mut out);
    out
}

fn parameters(
    validator: &Validator,
    op: &Operation,
    path_params: &[(String, String)],
    query: Option<&str>,
    headers: &HeaderMap,
    out: &mut Vec<String>,
) {
    let query = query_pairs(query);
    for param in &op.params {
        let Some((location, values)) = parameter_texts(param, path_params, &query, headers) else {
            // The mock does not check cookies either; the specs we serve never require one.
            continue;
        };
        if values.is_empty() {
            if param.required {
                out.push(format!(
                    "{location} `{}`: the required parameter is missing",
                    param.wire_name
                ));
            }
            continue;
        }
        let value = match (&param.ty, values.len()) {
            (TypeRef::Array(item), n) if n > 1 || param.explode => Value::Array(
                values
                    .iter()
                    .map(|v| parameter_value(validator, item, v))
                    .collect(),
            ),
            _ => parameter_value(validator, &param.ty, &values[0]),
        };
        for v in
            validator.validate_bounded(&param.ty, param.bounds.as_ref(), &value, Direction::Request)
        {
            out.push(format!("{location} `{}` {v}", param.wire_name));
        }
    }
}

fn body_violations(
    validator: &Validator,
    op: &Operation,
    headers: &HeaderMap,
    bytes: &[u8],
    out: &mut Vec<String>,
) {
    let Some(body) = &op.body else {
        return;
    };
    if bytes.is_empty() {
        if body.required {
            out.push("body: the request body is required".into());
        }
        return;
    }
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let expected = match &body.content {
        BodyContent::Json { ty, .. } => {
            if !(content_type == "application/json" || content_type.ends_with("+json")) {
                out.push(format!(
                    "header `Content-Type`: expected a JSON body, found `{content_type}`"
                ));
                return;
            }
            match serde_json::from_slice::<Value>(bytes) {
                Err(e) => out.push(format!("body: not valid JSON: {e}")),
                Ok(value) => {
                    for v in validator.validate(ty, &value, Direction::Request) {
                        out.push(format!("body {v}"));
                    }
                }
            }
            return;
        }
        BodyContent::Multipart { .. } => "multipart/form-data",
        BodyContent::Form { .. } => "application/x-www-form-urlencoded",
        BodyContent::Binary { .. } | BodyContent::Text { .. } => return,
    };
    if content_type != expected {
        out.push(format!(
            "header `Content-Type`: expected `{expected}`, found `{content_type}`"
        ));
    }
}
