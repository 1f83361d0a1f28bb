//! Checking one request: routing, the body limit and read timeout, credentials, signatures,
//! parameters and body against the spec; what passes goes to [`super::respond`] for its answer.

use super::multipart;
use super::prepare::{ApiEntry, OpEntry, Shared, find_canned};
use super::respond::{self, MockResponse, error_response};
use super::router::Found;
use crate::validate::{Direction, Violation, integer_out_of_range, parameter_value};
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::Response;
use bytes::Bytes;
use http_body_util::{BodyExt, LengthLimitError, Limited};
use serde_json::{Value, json};
use specgen_ir::ir::Parameter;
use specgen_ir::ir::{Api, AuthKind, BodyContent, Operation, ParamLocation, Status};
use specgen_ir::ir::{TypeKind, TypeRef};
use std::sync::Arc;

/// How long the mock waits for a request body to arrive.
const BODY_READ_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(2);

/// A request violation as the error body lists it.
#[derive(Debug, Clone, serde::Serialize)]
pub(super) struct RequestViolation {
    /// `body`, `path`, `query`, `header` or `auth`.
    #[serde(rename = "in")]
    pub(super) location: &'static str,
    /// The parameter name, for parameters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) name: Option<String>,
    /// A JSON pointer into the body (or into the parameter's value).
    pub(super) pointer: String,
    pub(super) message: String,
}

impl RequestViolation {
    pub(super) fn from_violation(location: &'static str, name: Option<&str>, v: Violation) -> Self {
        RequestViolation {
            location,
            name: name.map(str::to_owned),
            pointer: v.pointer,
            message: v.message,
        }
    }

    pub(super) fn new(location: &'static str, name: Option<&str>, message: String) -> Self {
        RequestViolation {
            location,
            name: name.map(str::to_owned),
            pointer: String::new(),
            message,
        }
    }
}

/// Everything the handler learned about a request.
pub(super) struct Incoming<'a> {
    pub(super) entry: &'a ApiEntry,
    pub(super) op: &'a Operation,
    pub(super) op_entry: &'a OpEntry,
    pub(super) path_params: Vec<(String, String)>,
    pub(super) query: Vec<(String, String)>,
    pub(super) headers: HeaderMap,
    pub(super) body: Option<Value>,
}

fn plain(status: u16, message: String) -> Response {
    MockResponse::json(status, &json!({ "message": message })).into_response()
}

/// The answer to one request; never panics on what the request holds.
pub(super) async fn handle(shared: Arc<Shared>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let path = parts.uri.path();
    let ((ai, oi), path_params) = match shared.router.find(parts.method.as_str(), path) {
        Found::Operation(target, params) => (target, params),
        Found::NotFound => return plain(404, format!("no operation at {path}")),
        Found::BadPath(reason) => {
            return plain(400, format!("the request path is not valid: {reason}"));
        }
        Found::MethodNotAllowed(allowed) => {
            let allow: Vec<&str> = allowed.iter().map(|m| m.as_str()).collect();
            let mut r = MockResponse::json(
                405,
                &json!({"message": format!("{} is not allowed on {path}; allowed: {}", parts.method, allow.join(", "))}),
            );
            if let Ok(v) = HeaderValue::from_str(&allow.join(", ")) {
                r.headers.push((header::ALLOW, v));
            }
            return r.into_response();
        }
    };
    let entry = &shared.apis[ai];
    let op = &entry.api.operations[oi];
    let op_entry = &entry.ops[oi];
    // Credentials first, before the body is read: an unauthenticated request learns nothing
    // about its body's validity and cannot hold the server waiting for a body.
    if let Some(r) = check_credentials(&shared, entry, op, op_entry, &parts) {
        return r.into_response();
    }
    let bytes = match read_body(&parts.headers, body, shared.options.body_limit).await {
        Ok(bytes) => bytes,
        Err(response) => return response,
    };
    if let Some(r) = check_signature(&shared, entry, op, op_entry, &parts, &bytes) {
        return r.into_response();
    }

    let query = query_pairs(parts.uri.query());
    let mut violations = Vec::new();
    check_parameters(
        entry,
        op,
        &path_params,
        &query,
        &parts.headers,
        &mut violations,
    );
    let body = match check_body(entry, op, &parts.headers, &bytes, &mut violations).await {
        Ok(body) => body,
        Err(message) => {
            // Malformed JSON is the documented 400, or the documented 422 where a vendor (Jiko)
            // answers every unreadable request with 422.
            let code = client_error(op, &[400, 422]);
            let v = [RequestViolation::new("body", None, message.clone())];
            return error_response(entry, op, op_entry, code, &message, &v).into_response();
        }
    };
    if !violations.is_empty() {
        // A path that names no resource (a malformed id) is 404 where the operation documents
        // 404 but neither 400 nor 422: no resource has that id, which is what 404 says.
        let only_path = violations.iter().all(|v| v.location == "path");
        let code = if only_path && !documents_any(op, &[400, 422]) && documents_any(op, &[404]) {
            404
        } else {
            client_error(op, &[400, 422])
        };
        let summary = summarise(&violations);
        return error_response(entry, op, op_entry, code, &summary, &violations).into_response();
    }

    let incoming = Incoming {
        entry,
        op,
        op_entry,
        path_params,
        query,
        headers: parts.headers,
        body,
    };
    let response = respond::answer(&shared, &incoming);
    let response = respond::inject_faults(entry, op, op_entry, response);
    if shared.options.check_answers {
        check_answer(entry, op_entry, response).into_response()
    } else {
        response.into_response()
    }
}

/// The one-line message of a rejected request, listing its first violations, so an error body
/// with room for nothing but a `message` still says what was wrong and where.
fn summarise(violations: &[RequestViolation]) -> String {
    const LISTED: usize = 5;
    let mut listed: Vec<String> = violations
        .iter()
        .take(LISTED)
        .map(|v| match v.location {
            "body" if v.pointer.is_empty() => format!("body: {}", v.message),
            "body" => format!("body {}: {}", v.pointer, v.message),
            _ => v.message.clone(),
        })
        .collect();
    if violations.len() > LISTED {
        listed.push(format!("and {} more", violations.len() - LISTED));
    }
    format!(
        "the request breaks the spec in {} place{}: {}",
        violations.len(),
        if violations.len() == 1 { "" } else { "s" },
        listed.join("; ")
    )
}

/// Whether the operation documents any of `codes` by exact code.
fn documents_any(op: &Operation, codes: &[u16]) -> bool {
    codes
        .iter()
        .any(|c| op.responses.iter().any(|r| r.status == Status::Code(*c)))
}

/// The first of `codes` the operation documents by exact code, else the first of them.
pub(super) fn client_error(op: &Operation, codes: &[u16]) -> u16 {
    codes
        .iter()
        .copied()
        .find(|c| op.responses.iter().any(|r| r.status == Status::Code(*c)))
        .unwrap_or(codes[0])
}

/// Reads the body within the size limit and the read timeout.
async fn read_body(
    headers: &HeaderMap,
    body: axum::body::Body,
    limit: usize,
) -> Result<Bytes, Response> {
    let too_large = || plain(413, format!("request body is larger than {limit} bytes"));
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(too_large());
    }
    // A client that announces more body than it sends must not hold the connection forever.
    let read = tokio::time::timeout(BODY_READ_TIMEOUT, Limited::new(body, limit).collect()).await;
    let Ok(read) = read else {
        return Err(plain(
            408,
            format!("the request body did not arrive within {BODY_READ_TIMEOUT:?}"),
        ));
    };
    match read {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e) if e.is::<LengthLimitError>() => Err(too_large()),
        Err(e) => Err(plain(400, format!("cannot read the request body: {e}"))),
    }
}

/// The documented 401 when credentials are missing or not among `--token`s.
fn check_credentials(
    shared: &Shared,
    entry: &ApiEntry,
    op: &Operation,
    op_entry: &OpEntry,
    parts: &axum::http::request::Parts,
) -> Option<MockResponse> {
    if op.security.is_empty() {
        return None;
    }
    let tokens = &shared.options.tokens;
    let why = credentials(&entry.api, op, &parts.headers, parts.uri.query(), tokens).err()?;
    let v = [RequestViolation::new(
        "auth",
        Some("Authorization"),
        why.clone(),
    )];
    Some(error_response(entry, op, op_entry, 401, &why, &v))
}

/// The documented 401 when the request signature does not match (with a signing secret).
fn check_signature(
    shared: &Shared,
    entry: &ApiEntry,
    op: &Operation,
    op_entry: &OpEntry,
    parts: &axum::http::request::Parts,
    bytes: &Bytes,
) -> Option<MockResponse> {
    let (Some(scheme), Some(secret)) = (&entry.api.signature, &shared.options.signing_secret)
    else {
        return None;
    };
    let expected = crate::signature::sign(
        scheme,
        secret,
        parts.method.as_str(),
        parts.uri.path(),
        &|name| {
            parts
                .headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        },
        bytes,
    );
    let given = parts
        .headers
        .get(scheme.header.as_str())
        .and_then(|v| v.to_str().ok());
    if op.params.iter().any(|p| p.signature) && given != Some(expected.as_str()) {
        let message = format!(
            "the `{}` signature does not match the request",
            scheme.header
        );
        let v = [RequestViolation::new(
            "header",
            Some(&scheme.header),
            message.clone(),
        )];
        return Some(error_response(entry, op, op_entry, 401, &message, &v));
    }
    None
}

/// The answer itself when it conforms to its documented schema, else a 500 naming why.
fn check_answer(entry: &ApiEntry, op_entry: &OpEntry, response: MockResponse) -> MockResponse {
    let Some(ty) = find_canned(op_entry, response.status).and_then(|c| c.ty.as_ref()) else {
        return response;
    };
    let violations = match serde_json::from_slice::<Value>(&response.body) {
        Ok(body) => entry
            .synth
            .validator()
            .validate(ty, &body, Direction::Response),
        Err(e) => vec![Violation {
            pointer: String::new(),
            message: format!("not JSON: {e}"),
        }],
    };
    if violations.is_empty() {
        return response;
    }
    MockResponse::json(
        500,
        &json!({"message": format!("the mock's {} answer breaks the spec", response.status), "violations": violations}),
    )
}

/// `Ok` when one of the operation's security schemes is satisfied. A credential must be present
/// and, when `tokens` is not empty, be one of them (the bearer token, the API key's value, or a
/// basic credential's `user:password` or user name); `Err` says what is wrong.
fn credentials(
    api: &Api,
    op: &Operation,
    headers: &HeaderMap,
    query: Option<&str>,
    tokens: &[String],
) -> Result<(), String> {
    let auth = headers
        .get(header::AUTHORIZATION)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        .unwrap_or_default();
    let after = |prefix: &str| -> Option<String> {
        let head = auth.get(..prefix.len())?;
        let rest = auth.get(prefix.len()..)?.trim();
        (head.eq_ignore_ascii_case(prefix) && !rest.is_empty()).then(|| rest.to_owned())
    };
    let mut presented = false;
    for key in &op.security {
        let Some(scheme) = api.security_schemes.iter().find(|s| &s.key == key) else {
            return Ok(());
        };
        let value = match &scheme.kind {
            AuthKind::Bearer => after("Bearer "),
            AuthKind::Basic => after("Basic "),
            AuthKind::ApiKey { location, name } => match location {
                ParamLocation::Header => headers
                    .get(name.as_str())
                    .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned()),
                ParamLocation::Query => query_pairs(query)
                    .into_iter()
                    .find(|(k, _)| k == name)
                    .map(|(_, v)| v),
                ParamLocation::Cookie => headers
                    .get_all(header::COOKIE)
                    .iter()
                    .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
                    .flat_map(|c| {
                        c.split(';')
                            .filter_map(|p| {
                                p.trim()
                                    .strip_prefix(&format!("{name}="))
                                    .map(str::to_owned)
                            })
                            .collect::<Vec<_>>()
                    })
                    .next(),
                ParamLocation::Path => return Ok(()),
            },
        };
        let Some(value) = value.filter(|v| !v.is_empty()) else {
            continue;
        };
        presented = true;
        // A basic credential matches a token as its decoded `user:password` or its user name.
        let decoded = matches!(scheme.kind, AuthKind::Basic)
            .then(|| {
                use base64::Engine as _;
                base64::engine::general_purpose::STANDARD
                    .decode(value.as_bytes())
                    .ok()
                    .map(|b| String::from_utf8_lossy(&b).into_owned())
            })
            .flatten();
        let user = decoded
            .as_deref()
            .map(|d| d.split(':').next().unwrap_or("").to_owned());
        let candidates = [Some(value), decoded, user];
        if tokens.is_empty() || candidates.iter().flatten().any(|c| tokens.contains(c)) {
            return Ok(());
        }
    }
    Err(if presented {
        "the credentials are not among the accepted tokens".into()
    } else {
        "credentials are required".into()
    })
}

/// Where a parameter's text comes from in a request, and every value sent for it: the
/// location's name (`"path"`, `"query"`, `"header"`) and the raw texts, or `None` for cookies,
/// which neither the mock nor the proxy checks. Shared by both, so they read a request alike.
pub(crate) fn parameter_texts(
    param: &Parameter,
    path_params: &[(String, String)],
    query: &[(String, String)],
    headers: &HeaderMap,
) -> Option<(&'static str, Vec<String>)> {
    let named = |pairs: &[(String, String)]| -> Vec<String> {
        pairs
            .iter()
            .filter(|(n, _)| *n == param.wire_name)
            .map(|(_, v)| v.clone())
            .collect()
    };
    Some(match param.location {
        ParamLocation::Path => ("path", named(path_params)),
        ParamLocation::Query => ("query", named(query)),
        ParamLocation::Header => (
            "header",
            headers
                .get_all(param.wire_name.as_str())
                .iter()
                .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
                .collect(),
        ),
        ParamLocation::Cookie => return None,
    })
}

pub(crate) fn query_pairs(query: Option<&str>) -> Vec<(String, String)> {
    form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn check_parameters(
    entry: &ApiEntry,
    op: &Operation,
    path_params: &[(String, String)],
    query: &[(String, String)],
    headers: &HeaderMap,
    out: &mut Vec<RequestViolation>,
) {
    let validator = entry.synth.validator();
    for param in &op.params {
        let Some((location, values)) = parameter_texts(param, path_params, query, headers) else {
            // Cookies are rare in the specs we serve and never required by them; not checked.
            continue;
        };
        if values.is_empty() {
            if param.required {
                out.push(RequestViolation::new(
                    location,
                    Some(&param.wire_name),
                    format!(
                        "required {location} parameter `{}` is missing",
                        param.wire_name
                    ),
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
        // Each message names the parameter, so it reads alone wherever a vendor's error body
        // puts it (`query parameter pageSize: 0 is less than the minimum 1`).
        let named = |message: &str| format!("{location} parameter {}: {message}", param.wire_name);
        if let Some(message) = values
            .iter()
            .find_map(|v| integer_out_of_range(validator, &param.ty, v))
        {
            out.push(RequestViolation::new(
                location,
                Some(&param.wire_name),
                named(&message),
            ));
            continue;
        }
        let found = validator.validate_bounded(
            &param.ty,
            param.bounds.as_ref(),
            &value,
            Direction::Request,
        );
        for mut v in found {
            v.message = named(&v.message);
            out.push(RequestViolation::from_violation(
                location,
                Some(&param.wire_name),
                v,
            ));
        }
    }
}

/// Reads the body as its documented media type. `Err` is a malformed body (400 at once);
/// schema violations go to `out`. The value returned is what the sandbox sees: the JSON body, or
/// the multipart or form fields as one object.
async fn check_body(
    entry: &ApiEntry,
    op: &Operation,
    headers: &HeaderMap,
    bytes: &Bytes,
    out: &mut Vec<RequestViolation>,
) -> Result<Option<Value>, String> {
    let Some(body) = &op.body else {
        return Ok(None);
    };
    let full_type = headers
        .get(header::CONTENT_TYPE)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        .unwrap_or_default();
    let content_type = full_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if bytes.is_empty() {
        if body.required {
            out.push(RequestViolation::new(
                "body",
                None,
                "the request body is required".into(),
            ));
        }
        return Ok(None);
    }
    let validator = entry.synth.validator();
    let wrong_type = |expected: &str| {
        RequestViolation::new(
            "header",
            Some("Content-Type"),
            format!("expected `{expected}`, found `{content_type}`"),
        )
    };
    match &body.content {
        BodyContent::Json { ty, .. } => {
            if !(content_type == "application/json" || content_type.ends_with("+json")) {
                out.push(wrong_type("application/json"));
                return Ok(None);
            }
            let value: Value = serde_json::from_slice(bytes)
                .map_err(|e| format!("the request body is not valid JSON: {e}"))?;
            for v in validator.validate(ty, &value, Direction::Request) {
                out.push(RequestViolation::from_violation("body", None, v));
            }
            Ok(Some(value))
        }
        BodyContent::Multipart { ty, parts } => {
            if content_type != "multipart/form-data" {
                out.push(wrong_type("multipart/form-data"));
                return Ok(None);
            }
            let received = multipart::parse(&full_type, bytes.clone()).await?;
            let (value, violations) = multipart::check(validator, ty, parts, &received);
            out.extend(
                violations
                    .into_iter()
                    .map(|v| RequestViolation::from_violation("body", None, v)),
            );
            Ok(Some(value))
        }
        BodyContent::Form { ty } => {
            if content_type != "application/x-www-form-urlencoded" {
                out.push(wrong_type("application/x-www-form-urlencoded"));
                return Ok(None);
            }
            let value = form_value(validator, ty, bytes);
            for v in validator.validate(ty, &value, Direction::Request) {
                out.push(RequestViolation::from_violation("body", None, v));
            }
            Ok(Some(value))
        }
        BodyContent::Binary { .. } | BodyContent::Text { .. } => Ok(None),
    }
}

/// A form body as an object, each field read as its type in the body's struct.
fn form_value(validator: &crate::validate::Validator, ty: &TypeRef, bytes: &Bytes) -> Value {
    let fields = match ty {
        TypeRef::Named(name) => match validator.type_def(name).map(|d| &d.kind) {
            Some(TypeKind::Struct(s)) => s.fields.clone(),
            _ => Vec::new(),
        },
        _ => Vec::new(),
    };
    let mut object = serde_json::Map::new();
    for (k, v) in form_urlencoded::parse(bytes) {
        let value = match fields.iter().find(|f| f.wire_name == k) {
            Some(f) => parameter_value(validator, &f.ty, &v),
            None => Value::String(v.into_owned()),
        };
        object.insert(k.into_owned(), value);
    }
    Value::Object(object)
}
