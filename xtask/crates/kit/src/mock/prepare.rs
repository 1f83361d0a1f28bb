//! What the mock prepares once per operation: every documented response with its default body
//! (the first valid documented example, else one synthesised), its headers and its examples, so
//! a request costs a lookup rather than a synthesis.

use super::router::Router;
use super::sandbox;
use super::{FaultKind, MockOptions};
use crate::synth::Synth;
use crate::validate::{Direction, Validator};
use axum::http::{HeaderName, HeaderValue};
use bytes::Bytes;
use serde_json::{Map, Value};
use specgen_ir::ir::TypeRef;
use specgen_ir::ir::{Api, Operation, Primitive, Response, ResponseBody, Status, TypeKind};
use std::sync::Mutex;

/// One documented response, prepared once.
#[derive(Debug, Clone)]
pub(super) struct Canned {
    pub(super) status: Status,
    pub(super) content_type: Option<String>,
    /// The body's type, when it is JSON.
    pub(super) ty: Option<TypeRef>,
    /// The default body (first valid documented example, else synthesised).
    pub(super) body: Option<Value>,
    /// `body`, serialised once.
    pub(super) bytes: Bytes,
    /// Every documented example that is valid, for `Prefer: example=N`.
    pub(super) examples: Vec<Value>,
    pub(super) headers: Vec<(HeaderName, HeaderSource)>,
}

#[derive(Debug, Clone)]
pub(super) enum HeaderSource {
    /// A fresh UUID v4 per response (request ids).
    FreshUuid,
    Fixed(HeaderValue),
}

#[derive(Debug)]
pub(super) struct OpEntry {
    pub(super) canned: Vec<Canned>,
    /// Index into `canned` of the answer when nothing else is asked for.
    pub(super) default: Option<usize>,
    pub(super) faults: Vec<FaultKind>,
}

#[derive(Debug)]
pub(super) struct ApiEntry {
    pub(super) api: Api,
    pub(super) synth: Synth,
    pub(super) ops: Vec<OpEntry>,
}

pub(super) struct Shared {
    pub(super) apis: Vec<ApiEntry>,
    pub(super) router: Router,
    pub(super) options: MockOptions,
    pub(super) state: Mutex<sandbox::State>,
}

pub(super) fn status_code(status: Status) -> u16 {
    match status {
        Status::Code(c) => c,
        Status::Range(d) => d * 100,
        Status::Default => 200,
    }
}

impl Shared {
    pub(super) fn new(apis: Vec<Api>, options: MockOptions) -> std::io::Result<Self> {
        let mut router = Router::default();
        let mut entries = Vec::new();
        for (ai, api) in apis.into_iter().enumerate() {
            let synth = Synth::new(&api);
            let mut ops = Vec::new();
            for (oi, op) in api.operations.iter().enumerate() {
                router.add((ai, oi), op.method, &op.path);
                let canned: Vec<Canned> = op.responses.iter().map(|r| prepare(&synth, r)).collect();
                let default = default_response(&canned);
                let faults = options
                    .faults
                    .iter()
                    .filter(|f| names(op, &f.operation))
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
                e.api
                    .operations
                    .iter()
                    .any(|op| names(op, &fault.operation))
            });
            if !known {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidInput,
                    format!("fault names no operation: `{}`", fault.operation),
                ));
            }
        }
        let limits = sandbox::Limits {
            cap: options.store_cap.max(1),
            max_age: options.store_max_age,
        };
        Ok(Shared {
            apis: entries,
            router,
            options,
            state: Mutex::new(sandbox::State::new(limits)),
        })
    }

    /// How many records the sandbox holds.
    pub(super) fn records(&self) -> usize {
        self.state
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .records()
    }
}

/// Whether `name` is the operation's `operationId` or generated method name.
fn names(op: &Operation, name: &str) -> bool {
    op.fn_name == name || op.operation_id.as_deref() == Some(name)
}

/// One documented response, prepared: its default body, valid examples and headers.
fn prepare(synth: &Synth, r: &Response) -> Canned {
    let (content_type, ty, body, examples) = match &r.body {
        Some(ResponseBody::Json {
            media_type,
            ty,
            examples,
        }) => {
            let valid: Vec<Value> = examples
                .iter()
                .filter(|e| synth.validator().is_valid(ty, e, Direction::Response))
                .cloned()
                .collect();
            let mut body = align_code(
                synth.pick(ty, &valid, Direction::Response),
                r.status,
                ty,
                synth.validator(),
            );
            if valid.is_empty() && !r.status.is_success() {
                body = describe_error(body, r.docs.as_deref(), ty, synth.validator());
            }
            let media = if media_type.contains('*') {
                "application/json".to_owned()
            } else {
                media_type.clone()
            };
            (Some(media), Some(ty.clone()), Some(body), valid)
        }
        Some(ResponseBody::Text { media_type }) | Some(ResponseBody::Binary { media_type }) => {
            (Some(media_type.clone()), None, None, Vec::new())
        }
        None => (None, None, None, Vec::new()),
    };
    let bytes = match (&body, &r.body) {
        (Some(b), _) => Bytes::from(serde_json::to_vec(b).unwrap_or_default()),
        (None, Some(ResponseBody::Text { .. })) => Bytes::from_static(b"example"),
        (None, Some(ResponseBody::Binary { .. })) => Bytes::from_static(b"\x00example"),
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
                let text = match synth.value_within(&h.ty, h.bounds.as_ref(), Direction::Response) {
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
pub(super) fn find_canned(op: &OpEntry, code: u16) -> Option<&Canned> {
    specgen_ir::protocol::status::find_for(&op.canned, code, |c| c.status)
}

/// Whether `code` is documented (by code, range or `default`).
pub(super) fn documents(op: &Operation, code: u16) -> bool {
    op.responses.iter().any(|r| r.status.covers(code))
}
