//! The checks of one answer, one per concern: the status is documented, the content type is the
//! documented one, the body is valid against the schema (every violation listed with its
//! pointer), and the documented headers are present when required and well-formed when present.
//!
//! The runner and the validating proxy both call [`check_answer`], so a fault is named the same
//! way whichever of them saw it.

use super::Check;
use super::send::Answer;
use crate::synth::Synth;
use crate::validate::{Direction, parameter_value};
use serde_json::Value;
use specgen_ir::ir::{Operation, Response, ResponseBody, TypeRef};

/// The documented response for `status`: exact, then its range, then `default`.
pub fn documented(op: &Operation, status: u16) -> Option<&Response> {
    specgen_ir::protocol::status::response_for(&op.responses, status)
}

/// The documented statuses, as the report lists them (`201, 400, 4XX, default`).
pub fn documented_statuses(op: &Operation) -> String {
    op.responses
        .iter()
        .map(|r| r.status.key())
        .collect::<Vec<_>>()
        .join(", ")
}

fn essence(media: &str) -> String {
    media
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// Whether an answer's content type is the documented one (wildcards allowed in the spec).
pub fn media_matches(documented: &str, actual: &str) -> bool {
    let (d, a) = (essence(documented), essence(actual));
    d == a
        || d == "*/*"
        || d.strip_suffix("/*")
            .is_some_and(|prefix| a.starts_with(&format!("{prefix}/")))
}

/// Every check of one answer, appended to `out`. A transport error is one failing `transport`
/// check; an undocumented status is one failing `status` check and nothing else (there is no
/// schema to check the rest against).
pub fn check_answer(
    synth: &Synth,
    op: &Operation,
    operation: &str,
    case: &str,
    answer: &Result<Answer, String>,
    exchange: Option<usize>,
    out: &mut Vec<Check>,
) {
    let check = |name: &str, detail: String, failures: Vec<String>| {
        Check::new(operation, case, name, detail, failures, exchange)
    };
    let answer = match answer {
        Ok(a) => a,
        Err(e) => {
            out.push(check(
                "transport",
                "the request failed".into(),
                vec![e.clone()],
            ));
            return;
        }
    };
    let route = format!("{} {}", op.method.as_str(), op.path);
    let Some(response) = documented(op, answer.status) else {
        out.push(check(
            "status",
            format!("{route} answered {}", answer.status),
            vec![format!(
                "status {} is not documented (documented: {})",
                answer.status,
                documented_statuses(op)
            )],
        ));
        return;
    };
    out.push(check(
        "status",
        format!("{route} answered {}, which is documented", answer.status),
        Vec::new(),
    ));
    if let Some(c) = content_type_check(response, answer) {
        out.push(check("content-type", c.0, c.1));
    }
    if let Some(ResponseBody::Json { ty, .. }) = &response.body {
        let (detail, failures) = body_check(synth, ty, &answer.body);
        out.push(check("body", detail, failures));
    }
    if !response.headers.is_empty() {
        let (detail, failures) = headers_check(synth, response, answer);
        out.push(check("headers", detail, failures));
    }
}

fn content_type_check(response: &Response, answer: &Answer) -> Option<(String, Vec<String>)> {
    let media = match &response.body {
        Some(ResponseBody::Json { media_type, .. })
        | Some(ResponseBody::Text { media_type })
        | Some(ResponseBody::Binary { media_type }) => media_type.as_str(),
        None => return None,
    };
    let content_type = answer
        .headers
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let failures = if media_matches(media, &content_type) {
        Vec::new()
    } else if content_type.is_empty() {
        vec![format!(
            "the answer has no content type; `{media}` is documented"
        )]
    } else {
        vec![format!(
            "content type `{content_type}` is not the documented `{media}`"
        )]
    };
    Some((format!("`{content_type}`"), failures))
}

/// The body check: a parse failure, else every violation with its pointer.
pub fn body_check(synth: &Synth, ty: &TypeRef, body: &[u8]) -> (String, Vec<String>) {
    match serde_json::from_slice::<Value>(body) {
        Err(e) => (
            "the body is not JSON".to_owned(),
            vec![format!("cannot parse the body as JSON: {e}")],
        ),
        Ok(value) => {
            let violations = synth.validator().validate(ty, &value, Direction::Response);
            let detail = if violations.is_empty() {
                format!("valid {}", type_label(ty))
            } else {
                format!(
                    "{} violation{} of {}",
                    violations.len(),
                    if violations.len() == 1 { "" } else { "s" },
                    type_label(ty)
                )
            };
            (detail, violations.iter().map(|v| v.to_string()).collect())
        }
    }
}

/// The headers check. Its detail says of each documented header whether it was present, so a
/// pass never claims a header the answer did not carry.
fn headers_check(synth: &Synth, response: &Response, answer: &Answer) -> (String, Vec<String>) {
    let mut failures = Vec::new();
    let mut seen = Vec::new();
    for h in &response.headers {
        match answer.headers.get(h.wire_name.as_str()) {
            None if h.required => {
                seen.push(format!("{} missing", h.wire_name));
                failures.push(format!("required header `{}` is missing", h.wire_name));
            }
            None => seen.push(format!("{} absent (optional)", h.wire_name)),
            Some(v) => {
                let text = String::from_utf8_lossy(v.as_bytes());
                let value = parameter_value(synth.validator(), &h.ty, &text);
                let problems = synth.validator().validate_bounded(
                    &h.ty,
                    h.bounds.as_ref(),
                    &value,
                    Direction::Response,
                );
                if problems.is_empty() {
                    seen.push(format!("{} present and valid", h.wire_name));
                } else {
                    seen.push(format!("{} present but invalid", h.wire_name));
                }
                for p in problems {
                    failures.push(format!("header `{}`: {}", h.wire_name, p.message));
                }
            }
        }
    }
    (format!("documented: {}", seen.join(", ")), failures)
}

/// A type as the report names it (`Preauth`, `array of Account`).
pub fn type_label(ty: &TypeRef) -> String {
    match ty {
        TypeRef::Named(n) => n.clone(),
        TypeRef::Nullable(t) | TypeRef::Boxed(t) => type_label(t),
        TypeRef::Array(t) => format!("array of {}", type_label(t)),
        TypeRef::Map(t) => format!("map of {}", type_label(t)),
        TypeRef::Primitive(p) => format!("{p:?}"),
        TypeRef::Json => "JSON".into(),
        TypeRef::FreeForm { shape, .. } => format!("free-form {shape:?}").to_lowercase(),
    }
}
