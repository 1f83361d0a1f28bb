//! A mock server generated from the IR: every operation routed, every request validated, every
//! answer a documented status with a body that conforms to the spec.
//!
//! [`serve`] starts it in-process (the tests do) and `cargo xtask mock` starts it from the command
//! line. Per request it: routes by method and path template (unknown path → 404, known path with
//! another method → 405); reads the body up to a limit (→ 413); checks credentials (→ the
//! documented 401), parameters and the JSON body with [`crate::validate`] (→ malformed JSON 400,
//! violations the documented 400 or 422 listing every violation with its pointer); then answers
//! with the documented example for the chosen status, or one synthesised by [`crate::synth`].
//! `Prefer: code=409` (and `example=N`) choose another documented answer, as in Prism.
//!
//! With `stateful` on, [`sandbox`] layers the vendors' documented behaviour on top (duplicate
//! clients, the onboarding lifecycle, preauthorisation rules, idempotency keys), keyed by method
//! and path template so the same rules apply to whichever spec declares those endpoints.
//!
//! The server listens on loopback unless `allow_non_loopback` says otherwise: it is a test
//! double, and a test double reachable from the network is a hole.

pub mod bench;
pub mod router;
pub mod sandbox;

use crate::synth::Synth;
use crate::validate::{Direction, Validator, Violation, parameter_value};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::Response;
use bytes::Bytes;
use http_body_util::{BodyExt, LengthLimitError, Limited};
use router::{Found, Router};
use serde_json::{Map, Value, json};
use specgen_ir::ir::{Api, AuthKind, BodyContent, ParamLocation, Primitive};
use specgen_ir::ir::{Operation, ResponseBody, Status, TypeKind, TypeRef};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// How long the mock waits for a request body to arrive.
const BODY_READ_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(2);

/// A deliberate breach of the spec, for proving that the contract runner catches one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultKind {
    /// Remove the first required property found in the response body.
    DropRequiredField,
    /// Replace the first enum value found in the response body with an undocumented one.
    CorruptEnum,
    /// Answer with a status the operation does not document (418).
    UndocumentedStatus,
}

/// A fault injected into every answer of one operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    /// The operation, by `operationId` or generated method name.
    pub operation: String,
    /// What to break.
    pub kind: FaultKind,
}

/// How to run the mock.
#[derive(Debug, Clone)]
pub struct MockOptions {
    /// Where to listen; port 0 picks a free port.
    pub addr: SocketAddr,
    /// Layer the documented sandbox behaviour (state, idempotency) over the generic mock.
    pub stateful: bool,
    /// The largest request body accepted, in bytes; larger ones get 413.
    pub body_limit: usize,
    /// Allow listening on an address other than loopback.
    pub allow_non_loopback: bool,
    /// Faults to inject (tests of the contract runner only).
    pub faults: Vec<Fault>,
    /// Check every answer against its documented schema before sending it, and answer 500 with
    /// the violations instead when it breaks the spec (for tests of the sandbox rules, whose
    /// answers put state into documented bodies).
    pub check_answers: bool,
    /// The shared secret to verify request signatures with, for specs that require them; without
    /// it only the signature header's presence is checked.
    pub signing_secret: Option<Vec<u8>>,
}

impl Default for MockOptions {
    fn default() -> Self {
        MockOptions {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            stateful: false,
            body_limit: 1024 * 1024,
            allow_non_loopback: false,
            faults: Vec::new(),
            check_answers: false,
            signing_secret: None,
        }
    }
}

/// A running mock server.
#[derive(Debug)]
pub struct MockServer {
    addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    task: JoinHandle<std::io::Result<()>>,
}

impl MockServer {
    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://ADDR`, for a client's base URL.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting requests, lets the ones in flight finish, and waits for the server.
    pub async fn shutdown(mut self) -> std::io::Result<()> {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        (&mut self.task)
            .await
            .map_err(|e| std::io::Error::other(e.to_string()))?
    }

    /// Waits until the server stops by itself (it does not, short of an I/O error). Dropping
    /// this future leaves the server running, so it can be raced against a signal and then
    /// [`MockServer::shutdown`].
    pub async fn wait(&mut self) -> std::io::Result<()> {
        (&mut self.task)
            .await
            .map_err(|e| std::io::Error::other(e.to_string()))?
    }
}

/// Starts a mock of `apis` (one server for all of them, so state is shared across specs: a
/// client created through one spec has its application readable through another).
pub async fn serve(apis: Vec<Api>, options: MockOptions) -> std::io::Result<MockServer> {
    if !options.addr.ip().is_loopback() && !options.allow_non_loopback {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!(
                "refusing to listen on {}: the mock listens on loopback only unless told otherwise (--allow-non-loopback)",
                options.addr
            ),
        ));
    }
    let shared = Arc::new(Shared::new(apis, options.clone())?);
    let listener = tokio::net::TcpListener::bind(options.addr).await?;
    let addr = listener.local_addr()?;
    let app = axum::Router::new().fallback(handle).with_state(shared);
    let (tx, rx) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = rx.await;
            })
            .await
    });
    Ok(MockServer {
        addr,
        shutdown: Some(tx),
        task,
    })
}

/// One documented response, prepared once.
#[derive(Debug, Clone)]
struct Canned {
    status: Status,
    content_type: Option<String>,
    /// The body's type, when it is JSON.
    ty: Option<TypeRef>,
    /// The default body (first valid documented example, else synthesised).
    body: Option<Value>,
    /// `body`, serialised once.
    bytes: Bytes,
    /// Every documented example that is valid, for `Prefer: example=N`.
    examples: Vec<Value>,
    headers: Vec<(HeaderName, HeaderSource)>,
}

#[derive(Debug, Clone)]
enum HeaderSource {
    /// A fresh UUID v4 per response (request ids).
    FreshUuid,
    Fixed(HeaderValue),
}

#[derive(Debug)]
struct OpEntry {
    canned: Vec<Canned>,
    /// Index into `canned` of the answer when nothing else is asked for.
    default: Option<usize>,
    faults: Vec<FaultKind>,
}

#[derive(Debug)]
struct ApiEntry {
    api: Api,
    synth: Synth,
    ops: Vec<OpEntry>,
}

struct Shared {
    apis: Vec<ApiEntry>,
    router: Router,
    options: MockOptions,
    state: Mutex<sandbox::State>,
}

/// An answer, kept whole so idempotent replays repeat it byte for byte.
#[derive(Debug, Clone)]
pub struct MockResponse {
    status: u16,
    content_type: Option<String>,
    headers: Vec<(HeaderName, HeaderValue)>,
    body: Bytes,
}

impl MockResponse {
    fn into_response(self) -> Response {
        let mut response = Response::new(Body::from(self.body));
        *response.status_mut() =
            StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let headers = response.headers_mut();
        if let Some(ct) = self
            .content_type
            .and_then(|c| HeaderValue::from_str(&c).ok())
        {
            headers.insert(header::CONTENT_TYPE, ct);
        }
        for (name, value) in self.headers {
            headers.append(name, value);
        }
        response
    }

    fn json(status: u16, body: &Value) -> Self {
        MockResponse {
            status,
            content_type: Some("application/json".into()),
            headers: Vec::new(),
            body: Bytes::from(serde_json::to_vec(body).unwrap_or_default()),
        }
    }
}

fn status_code(status: Status) -> u16 {
    match status {
        Status::Code(c) => c,
        Status::Range(d) => d * 100,
        Status::Default => 200,
    }
}

impl Shared {
    fn new(apis: Vec<Api>, options: MockOptions) -> std::io::Result<Self> {
        let mut router = Router::default();
        let mut entries = Vec::new();
        for (ai, api) in apis.into_iter().enumerate() {
            let synth = Synth::new(&api);
            let mut ops = Vec::new();
            for (oi, op) in api.operations.iter().enumerate() {
                router.add((ai, oi), op.method, &op.path);
                let canned: Vec<Canned> = op
                    .responses
                    .iter()
                    .map(|r| {
                        let (content_type, ty, body, examples) = match &r.body {
                            Some(ResponseBody::Json {
                                media_type,
                                ty,
                                examples,
                            }) => {
                                let valid: Vec<Value> = examples
                                    .iter()
                                    .filter(|e| {
                                        synth.validator().is_valid(ty, e, Direction::Response)
                                    })
                                    .cloned()
                                    .collect();
                                let mut body = align_code(
                                    synth.pick(ty, &valid, Direction::Response),
                                    r.status,
                                    ty,
                                    synth.validator(),
                                );
                                if valid.is_empty() && !r.status.is_success() {
                                    body = describe_error(
                                        body,
                                        r.docs.as_deref(),
                                        ty,
                                        synth.validator(),
                                    );
                                }
                                let media = if media_type.contains('*') {
                                    "application/json".to_owned()
                                } else {
                                    media_type.clone()
                                };
                                (Some(media), Some(ty.clone()), Some(body), valid)
                            }
                            Some(ResponseBody::Text { media_type }) => {
                                (Some(media_type.clone()), None, None, Vec::new())
                            }
                            Some(ResponseBody::Binary { media_type }) => {
                                (Some(media_type.clone()), None, None, Vec::new())
                            }
                            None => (None, None, None, Vec::new()),
                        };
                        let bytes = match (&body, &r.body) {
                            (Some(b), _) => Bytes::from(serde_json::to_vec(b).unwrap_or_default()),
                            (None, Some(ResponseBody::Text { .. })) => {
                                Bytes::from_static(b"example")
                            }
                            (None, Some(ResponseBody::Binary { .. })) => {
                                Bytes::from_static(b"\x00example")
                            }
                            _ => Bytes::new(),
                        };
                        let headers = r
                            .headers
                            .iter()
                            .filter_map(|h| {
                                let name = HeaderName::from_bytes(h.wire_name.as_bytes()).ok()?;
                                let source = if is_uuid_type(synth.validator(), &h.ty) {
                                    HeaderSource::FreshUuid
                                } else {
                                    let value = synth.value(&h.ty, Direction::Response);
                                    let text = match value {
                                        Value::String(s) => s,
                                        other => other.to_string(),
                                    };
                                    HeaderSource::Fixed(HeaderValue::from_str(&text).ok()?)
                                };
                                Some((name, source))
                            })
                            .collect();
                        Canned {
                            status: r.status,
                            content_type,
                            ty,
                            body,
                            bytes,
                            examples,
                            headers,
                        }
                    })
                    .collect();
                let default = default_response(&canned);
                let faults = options
                    .faults
                    .iter()
                    .filter(|f| {
                        f.operation == op.fn_name
                            || op.operation_id.as_deref() == Some(f.operation.as_str())
                    })
                    .map(|f| f.kind)
                    .collect();
                ops.push(OpEntry {
                    canned,
                    default,
                    faults,
                });
            }
            entries.push(ApiEntry { api, synth, ops });
        }
        for fault in &options.faults {
            let known = entries.iter().any(|e| {
                e.api.operations.iter().any(|op| {
                    op.fn_name == fault.operation
                        || op.operation_id.as_deref() == Some(fault.operation.as_str())
                })
            });
            if !known {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidInput,
                    format!("fault names no operation: `{}`", fault.operation),
                ));
            }
        }
        Ok(Shared {
            apis: entries,
            router,
            options,
            state: Mutex::new(sandbox::State::default()),
        })
    }
}

/// A body whose top-level `code` looks like an HTTP status (100-599) gets the status it answers
/// with. Error shapes shared by several statuses (one `{code, message}` type after identical types
/// are merged) carry one status's example; a 409 must not say `"code": 401`.
fn align_code(mut body: Value, status: Status, ty: &TypeRef, validator: &Validator) -> Value {
    let Status::Code(code) = status else {
        return body;
    };
    let current = body.get("code").and_then(Value::as_u64);
    if let (Some(current), Value::Object(map)) = (current, &mut body) {
        if (100..600).contains(&current) && current != u64::from(code) {
            map.insert("code".into(), Value::from(code));
            if !validator.is_valid(ty, &body, Direction::Response) {
                if let Value::Object(map) = &mut body {
                    map.insert("code".into(), Value::from(current));
                }
            }
        }
    }
    body
}

/// An error body built without a media-type example gets the response's own description as its
/// `message`: property examples belong to the type, and a type shared by several statuses (one
/// `{code, message}` shape after identical types are merged) would otherwise tell a 409 caller
/// "Malformed authorization.". Kept only when the body stays valid.
fn describe_error(body: Value, docs: Option<&str>, ty: &TypeRef, validator: &Validator) -> Value {
    let Some(docs) = docs.map(str::trim).filter(|d| !d.is_empty()) else {
        return body;
    };
    let sentence = match docs.find(". ") {
        Some(end) => &docs[..=end],
        None => docs,
    };
    let mut fields = Map::new();
    fields.insert("message".into(), Value::String(sentence.to_owned()));
    let mut candidate = body.clone();
    sandbox::overlay(&mut candidate, &fields);
    if validator.is_valid(ty, &candidate, Direction::Response) {
        candidate
    } else {
        body
    }
}

fn is_uuid_type(validator: &Validator, ty: &TypeRef) -> bool {
    match ty {
        TypeRef::Primitive(Primitive::Uuid) => true,
        TypeRef::Nullable(t) | TypeRef::Boxed(t) => is_uuid_type(validator, t),
        TypeRef::Named(n) => matches!(
            validator.type_def(n).map(|d| &d.kind),
            Some(TypeKind::Alias(t)) if is_uuid_type(validator, t)
        ),
        _ => false,
    }
}

/// The lowest documented 2xx, else the first documented status.
fn default_response(canned: &[Canned]) -> Option<usize> {
    let success = canned
        .iter()
        .enumerate()
        .filter(|(_, c)| c.status.is_success())
        .min_by_key(|(_, c)| status_code(c.status))
        .map(|(i, _)| i);
    success.or(if canned.is_empty() { None } else { Some(0) })
}

/// The documented response for `code`: exact, then its range, then `default`.
fn find_canned(op: &OpEntry, code: u16) -> Option<&Canned> {
    op.canned
        .iter()
        .find(|c| c.status == Status::Code(code))
        .or_else(|| {
            op.canned
                .iter()
                .find(|c| c.status == Status::Range(code / 100))
        })
        .or_else(|| op.canned.iter().find(|c| c.status == Status::Default))
}

/// Whether `code` is documented (by code, range or `default`).
fn documents(op: &Operation, code: u16) -> bool {
    op.responses.iter().any(|r| match r.status {
        Status::Code(c) => c == code,
        Status::Range(d) => d == code / 100,
        Status::Default => true,
    })
}

/// A request violation as the error body lists it.
#[derive(Debug, Clone, serde::Serialize)]
struct RequestViolation {
    /// `body`, `path`, `query`, `header` or `auth`.
    #[serde(rename = "in")]
    location: &'static str,
    /// The parameter name, for parameters.
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    /// A JSON pointer into the body (or into the parameter's value).
    pointer: String,
    message: String,
}

impl RequestViolation {
    fn from_violation(location: &'static str, name: Option<&str>, v: Violation) -> Self {
        RequestViolation {
            location,
            name: name.map(str::to_owned),
            pointer: v.pointer,
            message: v.message,
        }
    }
}

/// Everything the handler learned about a request.
struct Incoming<'a> {
    entry: &'a ApiEntry,
    op: &'a Operation,
    op_entry: &'a OpEntry,
    path_params: Vec<(String, String)>,
    headers: HeaderMap,
    body: Option<Value>,
}

async fn handle(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let found = shared.router.find(parts.method.as_str(), parts.uri.path());
    let ((ai, oi), path_params) = match found {
        Found::Operation(target, params) => (target, params),
        Found::NotFound => {
            return MockResponse::json(
                404,
                &json!({"message": format!("no operation at {}", parts.uri.path())}),
            )
            .into_response();
        }
        Found::MethodNotAllowed(allowed) => {
            let allow: Vec<&str> = allowed.iter().map(|m| m.as_str()).collect();
            let mut r = MockResponse::json(
                405,
                &json!({"message": format!("{} is not allowed on {}; allowed: {}", parts.method, parts.uri.path(), allow.join(", "))}),
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
    let limit = shared.options.body_limit;

    let too_large = || {
        MockResponse::json(
            413,
            &json!({"message": format!("request body is larger than {limit} bytes")}),
        )
        .into_response()
    };
    let declared = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return too_large();
    }
    // A client that announces more body than it sends must not hold the connection forever.
    let read = tokio::time::timeout(BODY_READ_TIMEOUT, Limited::new(body, limit).collect()).await;
    let Ok(read) = read else {
        return MockResponse::json(
            408,
            &json!({"message": format!("the request body did not arrive within {BODY_READ_TIMEOUT:?}")}),
        )
        .into_response();
    };
    let bytes = match read {
        Ok(collected) => collected.to_bytes(),
        Err(e) if e.is::<LengthLimitError>() => return too_large(),
        Err(e) => {
            return MockResponse::json(
                400,
                &json!({"message": format!("cannot read the request body: {e}")}),
            )
            .into_response();
        }
    };

    // Credentials first: an unauthenticated request learns nothing about its body's validity.
    if !op.security.is_empty()
        && !has_credentials(&entry.api, op, &parts.headers, parts.uri.query())
    {
        let r = error_response(
            entry,
            op,
            op_entry,
            401,
            "missing or malformed credentials",
            &[RequestViolation {
                location: "auth",
                name: Some("Authorization".into()),
                pointer: String::new(),
                message: "credentials are required".into(),
            }],
        );
        return r.into_response();
    }

    if let (Some(scheme), Some(secret)) = (&entry.api.signature, &shared.options.signing_secret) {
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
            &bytes,
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
            let r = error_response(entry, op, op_entry, 401, &message, &[]);
            return r.into_response();
        }
    }

    let mut violations = Vec::new();
    check_parameters(
        entry,
        op,
        &path_params,
        parts.uri.query(),
        &parts.headers,
        &mut violations,
    );
    let body = match check_body(entry, op, &parts.headers, &bytes, &mut violations) {
        Ok(body) => body,
        Err(message) => {
            return error_response(entry, op, op_entry, 400, &message, &[]).into_response();
        }
    };
    if !violations.is_empty() {
        let code = [400, 422]
            .into_iter()
            .find(|c| op.responses.iter().any(|r| r.status == Status::Code(*c)))
            .unwrap_or(400);
        let summary = format!(
            "the request breaks the spec in {} place{}",
            violations.len(),
            if violations.len() == 1 { "" } else { "s" }
        );
        return error_response(entry, op, op_entry, code, &summary, &violations).into_response();
    }

    let incoming = Incoming {
        entry,
        op,
        op_entry,
        path_params,
        headers: parts.headers,
        body,
    };
    let response = match prefer(&incoming.headers) {
        Some(preference) => preferred_response(&incoming, &preference),
        None if shared.options.stateful => stateful_response(&shared, &incoming),
        None => match op_entry.default {
            Some(i) => canned_response(&op_entry.canned[i], None, None),
            None => MockResponse::json(200, &json!({})),
        },
    };
    let response = inject_faults(entry, op, op_entry, response);
    if shared.options.check_answers {
        check_answer(entry, op_entry, response).into_response()
    } else {
        response.into_response()
    }
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

fn has_credentials(api: &Api, op: &Operation, headers: &HeaderMap, query: Option<&str>) -> bool {
    let auth = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let scheme_ok = |prefix: &str| {
        auth.len() > prefix.len()
            && auth[..prefix.len()].eq_ignore_ascii_case(prefix)
            && !auth[prefix.len()..].trim().is_empty()
    };
    op.security.iter().any(|key| {
        let Some(scheme) = api.security_schemes.iter().find(|s| &s.key == key) else {
            return true;
        };
        match &scheme.kind {
            AuthKind::Bearer => scheme_ok("Bearer "),
            AuthKind::Basic => scheme_ok("Basic "),
            AuthKind::ApiKey { location, name } => match location {
                ParamLocation::Header => headers.contains_key(name.as_str()),
                ParamLocation::Query => query_pairs(query).iter().any(|(k, _)| k == name),
                ParamLocation::Cookie => headers
                    .get_all(header::COOKIE)
                    .iter()
                    .filter_map(|v| v.to_str().ok())
                    .any(|c| {
                        c.split(';')
                            .any(|p| p.trim().starts_with(&format!("{name}=")))
                    }),
                ParamLocation::Path => true,
            },
        }
    })
}

fn query_pairs(query: Option<&str>) -> Vec<(String, String)> {
    form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn check_parameters(
    entry: &ApiEntry,
    op: &Operation,
    path_params: &[(String, String)],
    query: Option<&str>,
    headers: &HeaderMap,
    out: &mut Vec<RequestViolation>,
) {
    let validator = entry.synth.validator();
    let query = query_pairs(query);
    for param in &op.params {
        let (location, values): (&'static str, Vec<String>) = match param.location {
            ParamLocation::Path => (
                "path",
                path_params
                    .iter()
                    .filter(|(n, _)| *n == param.wire_name)
                    .map(|(_, v)| v.clone())
                    .collect(),
            ),
            ParamLocation::Query => (
                "query",
                query
                    .iter()
                    .filter(|(n, _)| *n == param.wire_name)
                    .map(|(_, v)| v.clone())
                    .collect(),
            ),
            ParamLocation::Header => (
                "header",
                headers
                    .get_all(param.wire_name.as_str())
                    .iter()
                    .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
                    .collect(),
            ),
            // Cookies are rare in the specs we serve and never required by them; not checked.
            ParamLocation::Cookie => continue,
        };
        if values.is_empty() {
            if param.required {
                out.push(RequestViolation {
                    location,
                    name: Some(param.wire_name.clone()),
                    pointer: String::new(),
                    message: format!(
                        "required {location} parameter `{}` is missing",
                        param.wire_name
                    ),
                });
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
        for v in validator.validate(&param.ty, &value, Direction::Request) {
            out.push(RequestViolation::from_violation(
                location,
                Some(&param.wire_name),
                v,
            ));
        }
    }
}

/// Reads the body as its documented media type. `Err` is a malformed body (400 at once);
/// schema violations go to `out`.
fn check_body(
    entry: &ApiEntry,
    op: &Operation,
    headers: &HeaderMap,
    bytes: &Bytes,
    out: &mut Vec<RequestViolation>,
) -> Result<Option<Value>, String> {
    let Some(body) = &op.body else {
        return Ok(None);
    };
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if bytes.is_empty() {
        if body.required {
            out.push(RequestViolation {
                location: "body",
                name: None,
                pointer: String::new(),
                message: "the request body is required".into(),
            });
        }
        return Ok(None);
    }
    match &body.content {
        BodyContent::Json { ty, .. } => {
            if !(content_type == "application/json" || content_type.ends_with("+json")) {
                out.push(RequestViolation {
                    location: "header",
                    name: Some("Content-Type".into()),
                    pointer: String::new(),
                    message: format!("expected a JSON body, found content type `{content_type}`"),
                });
                return Ok(None);
            }
            let value: Value = serde_json::from_slice(bytes)
                .map_err(|e| format!("the request body is not valid JSON: {e}"))?;
            for v in entry
                .synth
                .validator()
                .validate(ty, &value, Direction::Request)
            {
                out.push(RequestViolation::from_violation("body", None, v));
            }
            Ok(Some(value))
        }
        BodyContent::Multipart { .. } | BodyContent::Form { .. } => {
            let expected = if matches!(body.content, BodyContent::Multipart { .. }) {
                "multipart/form-data"
            } else {
                "application/x-www-form-urlencoded"
            };
            if content_type != expected {
                out.push(RequestViolation {
                    location: "header",
                    name: Some("Content-Type".into()),
                    pointer: String::new(),
                    message: format!("expected `{expected}`, found `{content_type}`"),
                });
            }
            Ok(None)
        }
        BodyContent::Binary { .. } | BodyContent::Text { .. } => Ok(None),
    }
}

/// A `Prefer` header: `code=409`, `example=1`.
#[derive(Debug, Default)]
struct Preference {
    code: Option<u16>,
    example: Option<usize>,
}

fn prefer(headers: &HeaderMap) -> Option<Preference> {
    let text = headers.get("prefer")?.to_str().ok()?;
    let mut p = Preference::default();
    for part in text.split([',', ';']) {
        let (k, v) = part.split_once('=')?;
        let v = v.trim().trim_matches('"');
        match k.trim() {
            "code" => p.code = v.parse().ok(),
            "example" => p.example = v.parse().ok(),
            _ => {}
        }
    }
    (p.code.is_some() || p.example.is_some()).then_some(p)
}

fn preferred_response(incoming: &Incoming<'_>, preference: &Preference) -> MockResponse {
    let op_entry = incoming.op_entry;
    let canned = match preference.code {
        Some(code) if !documents(incoming.op, code) => {
            return MockResponse::json(
                400,
                &json!({"message": format!("Prefer: code={code} names no documented response of {} {}", incoming.op.method.as_str(), incoming.op.path)}),
            );
        }
        Some(code) => find_canned(op_entry, code).map(|c| (c, code)),
        None => op_entry
            .default
            .map(|i| (&op_entry.canned[i], status_code(op_entry.canned[i].status))),
    };
    let Some((canned, code)) = canned else {
        return MockResponse::json(200, &json!({}));
    };
    if let Some(i) = preference.example {
        if i >= canned.examples.len() {
            return MockResponse::json(
                400,
                &json!({"message": format!("Prefer: example={i}, but status {code} documents {} valid example(s)", canned.examples.len())}),
            );
        }
    }
    let body = preference.example.map(|i| canned.examples[i].clone());
    canned_response(canned, Some(code), body)
}

/// The answer for a documented response, with an optional body in place of the default.
fn canned_response(canned: &Canned, code: Option<u16>, body: Option<Value>) -> MockResponse {
    let status = code.unwrap_or(status_code(canned.status));
    let headers = canned
        .headers
        .iter()
        .map(|(name, source)| {
            let value = match source {
                HeaderSource::FreshUuid => HeaderValue::from_str(&uuid::Uuid::new_v4().to_string())
                    .expect("a UUID is a valid header value"),
                HeaderSource::Fixed(v) => v.clone(),
            };
            (name.clone(), value)
        })
        .collect();
    let bytes = match body {
        Some(b) => Bytes::from(serde_json::to_vec(&b).unwrap_or_default()),
        None => canned.bytes.clone(),
    };
    MockResponse {
        status,
        content_type: canned.content_type.clone(),
        headers,
        body: bytes,
    }
}

/// An error answer: the documented body for `code` with `message` and `violations` put where
/// its schema allows them; a plain JSON body when `code` is not documented.
fn error_response(
    entry: &ApiEntry,
    op: &Operation,
    op_entry: &OpEntry,
    code: u16,
    message: &str,
    violations: &[RequestViolation],
) -> MockResponse {
    let violations_json = serde_json::to_value(violations).unwrap_or(Value::Null);
    let canned = documents(op, code)
        .then(|| find_canned(op_entry, code))
        .flatten();
    let Some(canned) = canned else {
        let mut body = json!({"message": message});
        if !violations.is_empty() {
            body["violations"] = violations_json;
        }
        return MockResponse::json(code, &body);
    };
    let body = match (&canned.body, &canned.ty) {
        (Some(base), Some(ty)) => {
            let validator = entry.synth.validator();
            let mut body = base.clone();
            let mut overlay = Map::new();
            overlay.insert("message".into(), Value::String(message.to_owned()));
            let mut candidate = body.clone();
            sandbox::overlay(&mut candidate, &overlay);
            if validator.is_valid(ty, &candidate, Direction::Response) {
                body = candidate;
            }
            if !violations.is_empty() {
                if let Value::Object(map) = &mut body.clone() {
                    map.insert("violations".into(), violations_json);
                    let candidate = Value::Object(map.clone());
                    if validator.is_valid(ty, &candidate, Direction::Response) {
                        body = candidate;
                    }
                }
            }
            Some(body)
        }
        _ => None,
    };
    canned_response(canned, Some(code), body)
}

fn stateful_response(shared: &Shared, incoming: &Incoming<'_>) -> MockResponse {
    let op = incoming.op;
    let key = op
        .params
        .iter()
        .find(|p| {
            p.location == ParamLocation::Header
                && (p.idempotency_key
                    || p.wire_name.eq_ignore_ascii_case("x-idempotency-key")
                    || p.wire_name.eq_ignore_ascii_case("idempotency-key"))
        })
        .and_then(|p| incoming.headers.get(p.wire_name.as_str()))
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    // The lock is held from the idempotency check to the stored answer, so two concurrent
    // requests with one key cannot both take effect.
    let mut state = shared.state.lock().unwrap_or_else(|e| e.into_inner());
    let fingerprint = sandbox::Fingerprint {
        method: op.method,
        path: incoming
            .path_params
            .iter()
            .fold(op.path.clone(), |p, (n, v)| {
                p.replace(&format!("{{{n}}}"), v)
            }),
        body: incoming.body.clone(),
    };
    if let Some(key) = &key {
        if let Some((earlier, response)) = state.idempotency.get(key) {
            if *earlier == fingerprint {
                let mut replay = response.clone();
                replay.headers.push((
                    HeaderName::from_static("idempotent-replayed"),
                    HeaderValue::from_static("true"),
                ));
                return replay;
            }
            let code = [422, 409, 400]
                .into_iter()
                .find(|c| op.responses.iter().any(|r| r.status == Status::Code(*c)))
                .unwrap_or(422);
            return error_response(
                incoming.entry,
                op,
                incoming.op_entry,
                code,
                "this idempotency key was already used with a different request",
                &[],
            );
        }
    }
    let call = sandbox::Call {
        method: op.method,
        template: &op.path,
        path_params: &incoming.path_params,
        body: incoming.body.as_ref(),
    };
    let response = match sandbox::apply(&mut state, &call) {
        sandbox::Outcome::NotHandled => match incoming.op_entry.default {
            Some(i) => canned_response(&incoming.op_entry.canned[i], None, None),
            None => MockResponse::json(200, &json!({})),
        },
        sandbox::Outcome::Success(overlay) => success_with(incoming.op_entry, &overlay),
        sandbox::Outcome::Error(code, message) => {
            let code = if documents(op, code) {
                code
            } else {
                // The rule's preferred status is not documented here; fall back to a documented
                // client error, so the answer still conforms.
                [409, 400, 422, 404]
                    .into_iter()
                    .find(|c| op.responses.iter().any(|r| r.status == Status::Code(*c)))
                    .unwrap_or(code)
            };
            error_response(incoming.entry, op, incoming.op_entry, code, &message, &[])
        }
    };
    if let Some(key) = key {
        state
            .idempotency
            .insert(key, (fingerprint, response.clone()));
    }
    response
}

/// The operation's default success answer with the sandbox's values put into its body.
fn success_with(op_entry: &OpEntry, overlay: &Map<String, Value>) -> MockResponse {
    let Some(i) = op_entry.default else {
        return MockResponse::json(200, &Value::Object(overlay.clone()));
    };
    let canned = &op_entry.canned[i];
    let body = canned.body.clone().map(|mut body| {
        sandbox::overlay(&mut body, overlay);
        body
    });
    canned_response(canned, None, body)
}

fn inject_faults(
    entry: &ApiEntry,
    op: &Operation,
    op_entry: &OpEntry,
    mut response: MockResponse,
) -> MockResponse {
    if op_entry.faults.is_empty() {
        return response;
    }
    let validator = entry.synth.validator();
    let ty = find_canned(op_entry, response.status).and_then(|c| c.ty.clone());
    for fault in &op_entry.faults {
        match fault {
            FaultKind::UndocumentedStatus => {
                response.status = (418..600).find(|c| !documents(op, *c)).unwrap_or(418);
            }
            FaultKind::DropRequiredField | FaultKind::CorruptEnum => {
                let (Some(ty), Ok(mut body)) =
                    (&ty, serde_json::from_slice::<Value>(&response.body))
                else {
                    continue;
                };
                let changed = if *fault == FaultKind::DropRequiredField {
                    sandbox::drop_required(validator, ty, &mut body)
                } else {
                    sandbox::corrupt_enum(validator, ty, &mut body)
                };
                if changed {
                    response.body = Bytes::from(serde_json::to_vec(&body).unwrap_or_default());
                }
            }
        }
    }
    response
}
