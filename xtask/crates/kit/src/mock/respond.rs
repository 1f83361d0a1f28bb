//! Building answers: the documented default, the one `Prefer` asks for, error bodies that list
//! the request's own violations, the stateful sandbox's answers with idempotent replays, and
//! injected faults.

use super::FaultKind;
use super::handler::{Incoming, RequestViolation};
use super::prepare::status_code;
use super::prepare::{ApiEntry, Canned, HeaderSource, OpEntry, Shared, documents, find_canned};
use super::sandbox;
use crate::validate::Direction;
use axum::body::Body;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::Response;
use bytes::Bytes;
use serde_json::{Map, Value, json};
use specgen_ir::ir::{Operation, ParamLocation, Status};

/// An answer, kept whole so idempotent replays repeat it byte for byte.
#[derive(Debug, Clone)]
pub struct MockResponse {
    pub(super) status: u16,
    pub(super) content_type: Option<String>,
    pub(super) headers: Vec<(HeaderName, HeaderValue)>,
    pub(super) body: Bytes,
}

impl MockResponse {
    pub(super) fn into_response(self) -> Response {
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

    pub(super) fn json(status: u16, body: &Value) -> Self {
        MockResponse {
            status,
            content_type: Some("application/json".into()),
            headers: Vec::new(),
            body: Bytes::from(serde_json::to_vec(body).unwrap_or_default()),
        }
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

/// The answer to a request that passed every check.
pub(super) fn answer(shared: &Shared, incoming: &Incoming<'_>) -> MockResponse {
    match prefer(&incoming.headers) {
        Some(preference) => preferred_response(incoming, &preference),
        None if shared.options.stateful => stateful_response(shared, incoming),
        None => default_answer(incoming.op_entry),
    }
}

fn default_answer(op_entry: &OpEntry) -> MockResponse {
    match op_entry.default {
        Some(i) => canned_response(&op_entry.canned[i], None, None),
        None => MockResponse::json(200, &json!({})),
    }
}

/// An error answer: the documented body for `code` with `message` put where its schema allows,
/// and every list of error details (Circle's `errors`, Jiko's `detail`) rebuilt from
/// `violations`, so no example text (a location the request never named) survives. A plain
/// JSON body when `code` is not documented.
pub(super) fn error_response(
    entry: &ApiEntry,
    op: &Operation,
    op_entry: &OpEntry,
    code: u16,
    message: &str,
    violations: &[RequestViolation],
) -> MockResponse {
    let canned = documents(op, code)
        .then(|| find_canned(op_entry, code))
        .flatten();
    let Some(canned) = canned else {
        let mut body = json!({"message": message});
        if !violations.is_empty() {
            body["violations"] = serde_json::to_value(violations).unwrap_or(Value::Null);
        }
        return MockResponse::json(code, &body);
    };
    let body = match (&canned.body, &canned.ty) {
        (Some(base), Some(ty)) => {
            let validator = entry.synth.validator();
            let valid = |v: &Value| validator.is_valid(ty, v, Direction::Response);
            let mut body = base.clone();
            let mut fields = Map::new();
            fields.insert("message".into(), Value::String(message.to_owned()));
            let mut candidate = body.clone();
            sandbox::overlay(&mut candidate, &fields);
            if valid(&candidate) {
                body = candidate;
            }
            replace_details(&mut body, message, violations, &valid);
            Some(body)
        }
        _ => None,
    };
    canned_response(canned, Some(code), body)
}

/// Replaces each top-level array of objects in an error body with one item per violation, each
/// item's properties filled by what their names mean (`message`/`msg`, `location`/`loc`,
/// `error`/`type`/`code`), or with no items when that is the only valid choice.
fn replace_details(
    body: &mut Value,
    message: &str,
    violations: &[RequestViolation],
    valid: &dyn Fn(&Value) -> bool,
) {
    let Value::Object(map) = body else {
        return;
    };
    let keys: Vec<String> = map
        .iter()
        .filter(|(_, v)| v.as_array().is_some_and(|a| a.iter().all(Value::is_object)))
        .map(|(k, _)| k.clone())
        .collect();
    let fallback = [RequestViolation::new("request", None, message.to_owned())];
    let violations = if violations.is_empty() {
        &fallback[..]
    } else {
        violations
    };
    for key in keys {
        let template = map[&key]
            .as_array()
            .and_then(|a| a.first())
            .cloned()
            .unwrap_or_else(|| json!({}));
        let items: Vec<Value> = violations.iter().map(|v| detail(&template, v)).collect();
        let before = map.insert(key.clone(), Value::Array(items));
        if !valid(&Value::Object(map.clone())) {
            map.insert(key.clone(), Value::Array(Vec::new()));
            if !valid(&Value::Object(map.clone())) {
                if let Some(before) = before {
                    map.insert(key, before);
                }
            }
        }
    }
}

/// One error-detail item for `v`, with the template's property names.
fn detail(template: &Value, v: &RequestViolation) -> Value {
    let location: Vec<String> = std::iter::once(v.location.to_owned())
        .chain(v.name.clone())
        .chain(
            v.pointer
                .split('/')
                .filter(|s| !s.is_empty())
                .map(str::to_owned),
        )
        .collect();
    let mut item = Map::new();
    let keys: Vec<String> = match template {
        Value::Object(t) if !t.is_empty() => t.keys().cloned().collect(),
        _ => vec!["error".into(), "location".into(), "message".into()],
    };
    for key in keys {
        let value = match key.as_str() {
            "message" | "msg" | "detail" | "description" => json!(v.message),
            "loc" => json!(location),
            "location" | "field" | "path" | "pointer" | "parameter" => {
                json!(location.join("."))
            }
            "error" | "type" | "code" | "reason" => json!(format!("invalid_{}", v.location)),
            _ => continue,
        };
        item.insert(key, value);
    }
    Value::Object(item)
}

/// The idempotency key a request carries, when its operation declares one.
fn idempotency_key(incoming: &Incoming<'_>) -> Option<(String, String)> {
    let param = incoming.op.params.iter().find(|p| {
        p.location == ParamLocation::Header
            && (p.idempotency_key
                || p.wire_name.eq_ignore_ascii_case("x-idempotency-key")
                || p.wire_name.eq_ignore_ascii_case("idempotency-key"))
    })?;
    let value = incoming.headers.get(param.wire_name.as_str())?;
    Some((
        param.wire_name.clone(),
        String::from_utf8_lossy(value.as_bytes()).into_owned(),
    ))
}

fn stateful_response(shared: &Shared, incoming: &Incoming<'_>) -> MockResponse {
    let op = incoming.op;
    let key = idempotency_key(incoming);
    let path = incoming
        .path_params
        .iter()
        .fold(op.path.clone(), |p, (n, v)| {
            p.replace(&format!("{{{n}}}"), v)
        });
    let fingerprint = sandbox::Fingerprint::new(op.method, path, incoming.body.as_ref());
    // The lock is held from the idempotency check to the stored answer, so two concurrent
    // requests with one key cannot both take effect.
    let mut state = shared.state.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((header_name, key)) = &key {
        if let Some((earlier, response)) = state.idempotency.get(key) {
            if *earlier == fingerprint {
                let mut replay = response.clone();
                replay.headers.push((
                    HeaderName::from_static("idempotent-replayed"),
                    HeaderValue::from_static("true"),
                ));
                return replay;
            }
            let why = earlier.difference(&fingerprint);
            let code = [422, 409, 400]
                .into_iter()
                .find(|c| op.responses.iter().any(|r| r.status == Status::Code(*c)))
                .unwrap_or(422);
            let v = [RequestViolation::new(
                "header",
                Some(header_name),
                why.clone(),
            )];
            return error_response(incoming.entry, op, incoming.op_entry, code, &why, &v);
        }
    }
    let call = sandbox::Call {
        method: op.method,
        template: &op.path,
        path_params: &incoming.path_params,
        query: &incoming.query,
        body: incoming.body.as_ref(),
    };
    let response = match sandbox::apply(&mut state, &call) {
        sandbox::Outcome::NotHandled => default_answer(incoming.op_entry),
        sandbox::Outcome::Success(fields) => success_with(incoming, Err(&fields)),
        sandbox::Outcome::Body(body) => success_with(incoming, Ok(body)),
        sandbox::Outcome::Error(code, message) => {
            // The rule's preferred status, else a documented client error, so the answer still
            // conforms. When the operation documents no client error at all (Circle's `…/rfis`
            // lists only 200 and 401), it answers as the stateless mock does: a status the spec
            // does not document is never sent, whatever the state says.
            let documented = if documents(op, code) {
                Some(code)
            } else {
                [409, 400, 422, 404]
                    .into_iter()
                    .find(|c| op.responses.iter().any(|r| r.status == Status::Code(*c)))
            };
            match documented {
                Some(code) => {
                    let v = [RequestViolation::new("request", None, message.clone())];
                    error_response(incoming.entry, op, incoming.op_entry, code, &message, &v)
                }
                None => default_answer(incoming.op_entry),
            }
        }
    };
    // Only answers that took effect are kept for replay: an error costs nothing to repeat, and
    // keeping it would let a flood of failing requests fill the store.
    if let Some((_, key)) = key {
        if (200..300).contains(&response.status) {
            state
                .idempotency
                .insert(key, (fingerprint, response.clone()));
        }
    }
    response
}

/// The operation's default success answer carrying the sandbox's state: its whole body when
/// the rule built one that conforms here, else the documented body with the state's values put
/// in place of the example's, property by property, keeping only those that conform.
fn success_with(
    incoming: &Incoming<'_>,
    state: Result<Value, &Map<String, Value>>,
) -> MockResponse {
    let op_entry = incoming.op_entry;
    let Some(i) = op_entry.default else {
        let body = match state {
            Ok(body) => body,
            Err(fields) => Value::Object(fields.clone()),
        };
        return MockResponse::json(200, &body);
    };
    let canned = &op_entry.canned[i];
    let (Some(base), Some(ty)) = (&canned.body, &canned.ty) else {
        return canned_response(canned, None, None);
    };
    let validator = incoming.entry.synth.validator();
    let valid = |v: &Value| validator.is_valid(ty, v, Direction::Response);
    let fields = match state {
        Ok(body) if valid(&body) => return canned_response(canned, None, Some(body)),
        Ok(Value::Object(map)) => map,
        Ok(_) => Map::new(),
        Err(fields) => fields.clone(),
    };
    let mut body = base.clone();
    sandbox::overlay(&mut body, &fields);
    if !valid(&body) {
        // A body shaped for another version of the spec: merge it into the documented one
        // property by property, at every depth.
        body = base.clone();
        sandbox::deep_merge(&mut body, &Value::Object(fields.clone()));
    }
    if !valid(&body) {
        body = base.clone();
        for (k, v) in fields {
            let mut candidate = body.clone();
            sandbox::overlay(&mut candidate, &Map::from_iter([(k, v)]));
            if valid(&candidate) {
                body = candidate;
            }
        }
    }
    canned_response(canned, None, Some(body))
}

pub(super) fn inject_faults(
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
