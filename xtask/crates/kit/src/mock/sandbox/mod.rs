//! The vendors' documented sandbox behaviour, layered on the generic mock in `--stateful` mode.
//!
//! Rules key on method and path template (parameter names ignored), never on a spec file or
//! module, so they apply unchanged to whichever spec declares the endpoint: the fixture under
//! `tests/fixtures/mock/` today, the vendor's own document later. What each rule does is written
//! down in the vendor's prose, one file per vendor:
//!
//! - [`circle`]: Circle's client creation and onboarding lifecycle (seed 000), keeping what the
//!   partner saved: section data, documents, timestamps, RFIs.
//! - [`jiko`]: Jiko's individual-application lifecycle and its sandbox prefix table (seed 004).
//! - [`partner`]: Partner API v4.3.0's preauthorisation rules (seed 003).
//!
//! Every record lives in a bounded [`store::Store`], as do the idempotency records, so state
//! stays within a cap and an age limit however long the server runs.
//!
//! Answers are either a whole body the rule built ([`Outcome::Body`]) or the documented body for
//! the status with the state's values put in place of the example's (see [`overlay`]); both are
//! checked against the spec before they are sent, so they keep conforming to it.

pub mod circle;
pub mod faults;
pub mod jiko;
pub mod partner;
pub mod store;

pub use circle::DEFAULT_SECTIONS;
pub use faults::{corrupt_enum, drop_required};
pub use partner::decimal;
pub use store::Limits;

use super::MockResponse;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use specgen_ir::ir::Method;
use store::Store;

/// What makes two requests "the same" for an idempotency key: method, concrete path and a
/// digest of the body (objects compared regardless of key order), so a record costs a few
/// dozen bytes beyond its answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprint {
    /// The method.
    pub method: Method,
    /// The concrete path.
    pub path: String,
    /// SHA-256 of the body in a canonical form; `None` for no body.
    pub body: Option<[u8; 32]>,
}

impl Fingerprint {
    /// The fingerprint of one request.
    pub fn new(method: Method, path: String, body: Option<&Value>) -> Self {
        let body = body.map(|b| {
            let mut hasher = Sha256::new();
            canonical(b, &mut hasher);
            hasher.finalize().into()
        });
        Fingerprint { method, path, body }
    }

    /// Why `other` is not a retry of the request this fingerprint was taken from.
    pub fn difference(&self, other: &Fingerprint) -> String {
        if self.method != other.method || self.path != other.path {
            format!(
                "this idempotency key was first used for {} {}; a retry must repeat the same method, path and body",
                self.method.as_str(),
                self.path
            )
        } else {
            format!(
                "this idempotency key was first used for {} {} with a different body; a retry must repeat the same body",
                self.method.as_str(),
                self.path
            )
        }
    }
}

/// Feeds a canonical form of `value` to `hasher`: object keys sorted, each value tagged with its
/// kind so `"1"` and `1` differ.
fn canonical(value: &Value, hasher: &mut Sha256) {
    match value {
        Value::Null => hasher.update(b"n"),
        Value::Bool(b) => hasher.update(if *b { b"t" } else { b"f" }),
        Value::Number(n) => {
            hasher.update(b"#");
            hasher.update(n.to_string().as_bytes());
            hasher.update(b";");
        }
        Value::String(s) => {
            hasher.update(b"s");
            hasher.update((s.len() as u64).to_le_bytes());
            hasher.update(s.as_bytes());
        }
        Value::Array(items) => {
            hasher.update(b"[");
            for item in items {
                canonical(item, hasher);
            }
            hasher.update(b"]");
        }
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            hasher.update(b"{");
            for key in keys {
                canonical(&Value::String(key.clone()), hasher);
                canonical(&map[key], hasher);
            }
            hasher.update(b"}");
        }
    }
}

/// One server's sandbox state.
#[derive(Debug)]
pub struct State {
    /// Idempotency key → the first request and its answer.
    pub idempotency: Store<String, (Fingerprint, MockResponse)>,
    circle: circle::Circle,
    jiko: jiko::Jiko,
    partner: partner::Partner,
}

impl State {
    /// Empty state whose stores are bounded by `limits`.
    pub fn new(limits: Limits) -> Self {
        State {
            idempotency: Store::new(limits),
            circle: circle::Circle::new(limits),
            jiko: jiko::Jiko::new(limits),
            partner: partner::Partner::new(limits),
        }
    }

    /// How many records the stores hold in all.
    pub fn records(&self) -> usize {
        self.idempotency.len()
            + self.circle.records()
            + self.jiko.records()
            + self.partner.records()
    }
}

/// One request, as the rules see it.
#[derive(Debug)]
pub struct Call<'a> {
    /// The method.
    pub method: Method,
    /// The operation's path template.
    pub template: &'a str,
    /// Path parameters in template order.
    pub path_params: &'a [(String, String)],
    /// Query parameters, decoded.
    pub query: &'a [(String, String)],
    /// The body: parsed JSON, or for multipart bodies an object of the text parts with each
    /// file part as `{"fileName": ..., "size": ...}`.
    pub body: Option<&'a Value>,
}

impl Call<'_> {
    /// The `i`-th path parameter (rules use position, not the spec's names).
    pub fn param(&self, i: usize) -> String {
        self.path_params
            .get(i)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    /// A query parameter's first value.
    pub fn query(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The text of a top-level body property (a string, or a number written out).
    pub fn text(&self, key: &str) -> Option<String> {
        text(self.body, key)
    }
}

/// What a rule decided.
#[derive(Debug)]
pub enum Outcome {
    /// No rule covers this operation: the generic mock answers.
    NotHandled,
    /// The default success answer, with these values put in place of the example's.
    Success(Map<String, Value>),
    /// The default success status with this whole body, built from state.
    Body(Value),
    /// An error status and the message that explains it.
    Error(u16, String),
}

/// The path template with parameter names dropped: `/a/{id}` → `/a/{}`.
pub fn shape(template: &str) -> String {
    let mut out = String::with_capacity(template.len());
    let mut in_param = false;
    for c in template.trim_end_matches('/').chars() {
        match c {
            '{' => {
                in_param = true;
                out.push('{');
            }
            '}' => {
                in_param = false;
                out.push('}');
            }
            _ if in_param => {}
            _ => out.push(c),
        }
    }
    out
}

/// Applies the rule for `call`, if any vendor has one, to `state`.
pub fn apply(state: &mut State, call: &Call<'_>) -> Outcome {
    let shape = shape(call.template);
    if let Some(outcome) = circle::apply(&mut state.circle, call, &shape) {
        return outcome;
    }
    if let Some(outcome) = jiko::apply(&mut state.jiko, call, &shape) {
        return outcome;
    }
    if let Some(outcome) = partner::apply(&mut state.partner, call, &shape) {
        return outcome;
    }
    Outcome::NotHandled
}

/// The text of `body[key]`: a string, or a number written out.
pub fn text(body: Option<&Value>, key: &str) -> Option<String> {
    match body?.get(key)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Now, with the UTC offset.
pub fn now() -> chrono::DateTime<chrono::FixedOffset> {
    chrono::Utc::now().fixed_offset()
}

/// An RFC 3339 timestamp with milliseconds, as the vendors write them.
pub fn timestamp(t: chrono::DateTime<chrono::FixedOffset>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// A fresh UUID v4, as text.
pub fn fresh_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// Puts each value of `fields` in place of the property of the same name at the shallowest
/// depth where `body` has one (objects and arrays are searched breadth first). Properties the
/// body does not have are not added, so the answer keeps the documented shape. An array value
/// replacing an array of objects is rebuilt on the documented element: each new element is the
/// example's first element with the given properties put in.
pub fn overlay(body: &mut Value, fields: &Map<String, Value>) {
    for (key, value) in fields {
        let mut level: Vec<&mut Value> = vec![&mut *body];
        while !level.is_empty() {
            let mut next = Vec::new();
            let mut found = false;
            for node in level {
                match node {
                    Value::Object(map) => {
                        if let Some(slot) = map.get_mut(key) {
                            *slot = merge_like(slot, value);
                            found = true;
                        } else {
                            next.extend(map.values_mut());
                        }
                    }
                    Value::Array(items) => next.extend(items.iter_mut()),
                    _ => {}
                }
            }
            if found {
                break;
            }
            level = next;
        }
    }
}

/// Merges `patch` into `body`: objects key by key at every depth, anything else replaced (an
/// array of objects rebuilt on the documented element, as in [`overlay`]). Keys the body lacks
/// are added.
pub fn deep_merge(body: &mut Value, patch: &Value) {
    match (body, patch) {
        (Value::Object(target), Value::Object(fields)) => {
            for (key, value) in fields {
                match target.get_mut(key) {
                    Some(slot) if slot.is_object() && value.is_object() => deep_merge(slot, value),
                    Some(slot) => *slot = merge_like(slot, value),
                    None => {
                        target.insert(key.clone(), value.clone());
                    }
                }
            }
        }
        (slot, value) => *slot = merge_like(slot, value),
    }
}

fn merge_like(template: &Value, value: &Value) -> Value {
    match (template, value) {
        (Value::Array(t), Value::Array(items)) => match t.first() {
            Some(Value::Object(element)) => Value::Array(
                items
                    .iter()
                    .map(|item| match item {
                        Value::Object(fields) => {
                            let mut e = element.clone();
                            for (k, v) in fields {
                                e.insert(k.clone(), v.clone());
                            }
                            Value::Object(e)
                        }
                        other => other.clone(),
                    })
                    .collect(),
            ),
            _ => value.clone(),
        },
        _ => value.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn overlay_sets_the_shallowest_property_and_rebuilds_arrays() {
        let mut body = json!({"data": {"status": "X", "sections": [{"sectionName": "a", "status": "s", "extra": 1}]}});
        let mut fields = Map::new();
        fields.insert("status".into(), json!("DRAFT"));
        fields.insert(
            "sections".into(),
            json!([{"sectionName": "b", "status": "not_started"}, {"sectionName": "c", "status": "complete"}]),
        );
        fields.insert("absent".into(), json!(1));
        overlay(&mut body, &fields);
        assert_eq!(
            body,
            json!({"data": {"status": "DRAFT", "sections": [
                {"sectionName": "b", "status": "not_started", "extra": 1},
                {"sectionName": "c", "status": "complete", "extra": 1}
            ]}})
        );
    }

    #[test]
    fn fingerprints_ignore_key_order_but_not_kinds_and_say_what_differs() {
        let a = Fingerprint::new(Method::Post, "/x".into(), Some(&json!({"a": 1, "b": "2"})));
        let b = Fingerprint::new(Method::Post, "/x".into(), Some(&json!({"b": "2", "a": 1})));
        let c = Fingerprint::new(Method::Post, "/x".into(), Some(&json!({"b": 2, "a": 1})));
        let d = Fingerprint::new(Method::Get, "/y".into(), None);
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert!(a.difference(&c).contains("different body"));
        assert!(d.difference(&a).contains("GET /y"), "{}", d.difference(&a));
    }

    #[test]
    fn deep_merge_keeps_what_the_patch_does_not_name() {
        let mut body =
            json!({"data": {"id": "x", "status": "DRAFT", "sections": [{"n": 1, "extra": true}]}});
        deep_merge(
            &mut body,
            &json!({"data": {"status": "CANCELLED", "sections": [{"n": 2}], "new": 1}}),
        );
        assert_eq!(
            body,
            json!({"data": {"id": "x", "status": "CANCELLED", "sections": [{"n": 2, "extra": true}], "new": 1}})
        );
    }

    #[test]
    fn shapes_drop_parameter_names() {
        assert_eq!(shape("/a/{id}/b/{other}/"), "/a/{}/b/{}");
    }
}
