//! The requests of an operation, the order operations run in, and why a request was refused.
//!
//! Operations run creators first, then readers and updaters from the shallowest path down, then
//! deleters from the deepest path up, so a read finds the resource an earlier create made and a
//! delete does not pull a resource from under a later read.

use super::Run;
use super::scenarios::Param;
use super::send::Answer;
use crate::synth::Synth;
use crate::validate::Direction;
use serde_json::Value;
use specgen_ir::ir::{BodyContent, Method, Operation, ParamLocation, TypeRef};
use std::collections::BTreeMap;

/// One request to send.
#[derive(Debug, Clone, Default)]
pub struct Case {
    /// How the report names it (`example 1`, `synthesised`, `negative: missing /name`).
    pub name: String,
    /// The body value, for JSON, form and multipart bodies; `None` sends no body for those and
    /// the raw placeholder for binary and text bodies.
    pub body: Option<Value>,
    /// Its answer is not evidence of coverage: the request breaks the schema on purpose, or it
    /// is a read expected to fail (of an id never issued, of a deleted resource).
    pub negative: bool,
    /// Path parameter values that win over what the scenario would choose (the read right
    /// after a create names the created id).
    pub path: BTreeMap<String, String>,
}

/// The request cases of an operation: each documented body example, else one synthesised body.
pub fn cases(synth: &Synth, op: &Operation) -> Vec<Case> {
    let synthesised = |body| {
        vec![Case {
            name: "synthesised".into(),
            body,
            ..Case::default()
        }]
    };
    match op.body.as_ref().map(|b| &b.content) {
        Some(BodyContent::Json { examples, .. }) if !examples.is_empty() => examples
            .iter()
            .enumerate()
            .map(|(i, e)| Case {
                name: format!("example {}", i + 1),
                body: Some(e.clone()),
                ..Case::default()
            })
            .collect(),
        Some(BodyContent::Json { ty, .. }) | Some(BodyContent::Form { ty }) => {
            synthesised(Some(synth.value(ty, Direction::Request)))
        }
        Some(BodyContent::Multipart { ty, .. }) => synthesised(Some(
            synth.value(&TypeRef::Named(ty.clone()), Direction::Request),
        )),
        _ => synthesised(None),
    }
}

/// How many path parameters an operation's path has.
pub fn path_params(op: &Operation) -> usize {
    op.params
        .iter()
        .filter(|p| p.location == ParamLocation::Path)
        .count()
}

/// The operations in the order they run: creators (`POST`) before other methods at the same
/// depth, shallow paths before deep ones, deletes last and deepest first. Ties keep document
/// order, so the order is deterministic.
pub fn order(ops: &[Operation]) -> Vec<&Operation> {
    let mut ordered: Vec<(usize, &Operation)> = ops.iter().enumerate().collect();
    ordered.sort_by_key(|(i, op)| {
        let depth = path_params(op);
        if op.method == Method::Delete {
            (1, usize::MAX - depth, 0, *i)
        } else {
            (0, depth, usize::from(op.method != Method::Post), *i)
        }
    });
    ordered.into_iter().map(|(_, op)| op).collect()
}

/// The message a refusal's body carries (`message`, `detail`, `error`, `title`, looked for at
/// the top, one level down, and in the first item of a list), shortened to one line.
pub fn message_of(body: &[u8]) -> Option<String> {
    let value: Value = serde_json::from_slice(body).ok()?;
    let pick = |v: &Value| {
        ["message", "detail", "error", "title", "error_description"]
            .iter()
            .find_map(|k| v.get(*k).and_then(Value::as_str).map(str::to_owned))
    };
    // One level down covers `{"error": {"message": …}}` and `{"errors": [{"message": …}]}`.
    let nested = |v: &Value| match v {
        Value::Object(_) => pick(v),
        Value::Array(items) => items.first().and_then(pick),
        _ => None,
    };
    let text = pick(&value).or_else(|| value.as_object()?.values().find_map(nested))?;
    let line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    Some(excerpt(&line, 160))
}

/// `text` cut to `max` characters, with an ellipsis when cut.
pub fn excerpt(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(max).collect();
    out.push('…');
    out
}

/// Why a conforming request got a non-2xx answer, in one line that says what to do about it:
/// `401: no credentials were sent; pass --token-env`, `404: applicationId=... (synthesised; no
/// operation of this spec returns one) names no resource`.
pub(crate) fn rejection_reason(
    run: &Run<'_>,
    op: &Operation,
    params: &[Param],
    answer: &Answer,
) -> String {
    let status = answer.status;
    let message = message_of(&answer.body);
    let said = message
        .as_deref()
        .map(|m| format!(" (the server said: {m})"))
        .unwrap_or_default();
    match status {
        401 | 403 if run.options.token.is_none() && !op.security.is_empty() => {
            format!("{status}: no credentials were sent; pass --token-env{said}")
        }
        401 | 403 => format!("{status}: the credential or signature was refused{said}"),
        404 | 410 if !params.is_empty() => {
            let named: Vec<String> = params
                .iter()
                .map(|p| {
                    let from = match &p.source {
                        Some(producer) => format!("from {producer}"),
                        None => "synthesised; no earlier answer of this spec carried one".into(),
                    };
                    format!("{}={} ({from})", p.name, p.value)
                })
                .collect();
            format!("{status}: {} names no resource{said}", named.join(", "))
        }
        _ => match &message {
            Some(m) => format!("{status}: {m}"),
            None => format!("{status}: the body gave no reason"),
        },
    }
}
