//! The vendors' documented sandbox behaviour, layered on the generic mock in `--stateful` mode.
//!
//! Rules key on method and path template (parameter names ignored), never on a spec file or
//! module, so they apply unchanged to whichever spec declares the endpoint: the fixture under
//! `tests/fixtures/mock/` today, the vendor's own document later. What each rule does is written
//! down in the vendor's prose:
//!
//! - Circle (seed 000, Customer Orchestration): a `clientName` + `country` pair that exists → 409;
//!   a new client gets a `DRAFT` application whose sections are all `not_started`; saving a
//!   section makes it `complete`; submitting needs every section complete and a document, and
//!   moves `DRAFT` → `SUBMITTED`; each later read of the application advances the review one
//!   step, `SUBMITTED` → `IN_REVIEW` → a decision. The decision is chosen by the client name, the
//!   way sandboxes use magic values: a name containing `deny` is `DENIED`, one containing `rfi`
//!   is `PENDING_CUSTOMER_INFORMATION` (resubmitting then leads to `APPROVED`), any other is
//!   `APPROVED`. An application is mutable only in `DRAFT` and `PENDING_CUSTOMER_INFORMATION`
//!   (→ 409 otherwise); only a `DRAFT` can be cancelled.
//! - Partner API v4.3.0 (seed 003): `invoiceId` unique (409); `amount` > 0 and `sender` ≠
//!   `receiver` (400); only `AUTHORIZED` can be settled, a zero or negative amount and an amount
//!   above the authorised one are 409; a preauthorisation past `expiresAt` is `EXPIRED`.
//!
//! Answers reuse the documented body for the status, with the state's values put in place of
//! the example's (see [`overlay`]), so they keep conforming to the spec.

use super::MockResponse;
use crate::validate::{Direction, Validator};
use serde_json::{Map, Value};
use specgen_ir::ir::{Method, TypeKind, TypeRef};
use std::collections::HashMap;

/// What makes two requests "the same" for an idempotency key.
#[derive(Debug, Clone, PartialEq)]
pub struct Fingerprint {
    /// The method.
    pub method: Method,
    /// The concrete path.
    pub path: String,
    /// The parsed JSON body (key order does not matter).
    pub body: Option<Value>,
}

/// One server's sandbox state.
#[derive(Debug, Default)]
pub struct State {
    /// Idempotency key → the first request and its answer.
    pub idempotency: HashMap<String, (Fingerprint, MockResponse)>,
    clients: HashMap<(String, String), String>,
    applications: HashMap<String, Application>,
    preauths: HashMap<String, Preauth>,
}

#[derive(Debug, Clone)]
struct Application {
    client_entity_id: String,
    client_name: String,
    status: &'static str,
    sections: Vec<(String, &'static str)>,
    documents: Vec<String>,
    reviews: u32,
}

#[derive(Debug, Clone)]
struct Preauth {
    transaction_id: String,
    invoice_id: String,
    sender: String,
    receiver: String,
    amount: String,
    contract_address: Option<String>,
    status: &'static str,
    settled_amount: Option<String>,
    transaction_hash: Option<String>,
    expires_at: chrono::DateTime<chrono::FixedOffset>,
    created_at: String,
    updated_at: String,
}

/// The sections a new Circle application starts with (the names Circle's guides use).
pub const DEFAULT_SECTIONS: &[&str] = &["basicBusinessInfo", "beneficial_owners"];

/// How long a preauthorisation lives when the request names no `expiresAt`.
const DEFAULT_PREAUTH_TTL_HOURS: i64 = 24;

/// One request, as the rules see it.
#[derive(Debug)]
pub struct Call<'a> {
    /// The method.
    pub method: Method,
    /// The operation's path template.
    pub template: &'a str,
    /// Path parameters by name.
    pub path_params: &'a [(String, String)],
    /// The JSON body, when there is one.
    pub body: Option<&'a Value>,
}

/// What a rule decided.
#[derive(Debug)]
pub enum Outcome {
    /// No rule covers this operation: the generic mock answers.
    NotHandled,
    /// The default success answer, with these values put in place of the example's.
    Success(Map<String, Value>),
    /// An error status and the message that explains it.
    Error(u16, String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rule {
    CreateClient,
    GetApplication,
    CancelApplication,
    ListSections,
    GetSection,
    SaveSection,
    UploadDocument,
    Submit,
    CreatePreauth,
    GetPreauth,
    SettlePreauth,
}

/// The path template with parameter names dropped: `/a/{id}` → `/a/{}`.
fn shape(template: &str) -> String {
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

fn rule_for(method: Method, template: &str) -> Option<Rule> {
    const APP: &str = "/v1/onboarding/partner/applications/{}";
    let shape = shape(template);
    let rest = shape.strip_prefix(APP);
    Some(match (method, shape.as_str(), rest) {
        (Method::Post, "/v1/partner/clients", _) => Rule::CreateClient,
        (Method::Get, _, Some("")) => Rule::GetApplication,
        (Method::Delete, _, Some("")) => Rule::CancelApplication,
        (Method::Get, _, Some("/sections")) => Rule::ListSections,
        (Method::Get, _, Some("/sections/{}")) => Rule::GetSection,
        (Method::Put, _, Some("/sections/{}")) => Rule::SaveSection,
        (Method::Post, _, Some("/documents")) => Rule::UploadDocument,
        (Method::Post, _, Some("/submit")) => Rule::Submit,
        (Method::Post, "/onchain-preauth", _) => Rule::CreatePreauth,
        (Method::Get, "/onchain-preauth/{}", _) => Rule::GetPreauth,
        (Method::Post, "/onchain-preauth/{}/settle", _) => Rule::SettlePreauth,
        _ => return None,
    })
}

fn text(body: Option<&Value>, key: &str) -> Option<String> {
    match body?.get(key)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn now() -> chrono::DateTime<chrono::FixedOffset> {
    chrono::Utc::now().fixed_offset()
}

fn timestamp(t: chrono::DateTime<chrono::FixedOffset>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// Applies the rule for `call`, if there is one, to `state`.
pub fn apply(state: &mut State, call: &Call<'_>) -> Outcome {
    let Some(rule) = rule_for(call.method, call.template) else {
        return Outcome::NotHandled;
    };
    // Path parameters in template order; the rules use position, not the spec's names.
    let param = |i: usize| call.path_params.get(i).map(|(_, v)| v.clone());
    let mut out = Map::new();
    let mut set = |k: &str, v: Value| {
        out.insert(k.to_owned(), v);
    };
    match rule {
        Rule::CreateClient => {
            let name = text(call.body, "clientName").unwrap_or_default();
            let country = text(call.body, "country").unwrap_or_default();
            if state.clients.contains_key(&(name.clone(), country.clone())) {
                return Outcome::Error(
                    409,
                    format!("A client named `{name}` already exists in `{country}`."),
                );
            }
            let client_id = uuid::Uuid::new_v4().to_string();
            let application_id = uuid::Uuid::new_v4().to_string();
            state
                .clients
                .insert((name.clone(), country), client_id.clone());
            state.applications.insert(
                application_id.clone(),
                Application {
                    client_entity_id: client_id.clone(),
                    client_name: name,
                    status: "DRAFT",
                    sections: DEFAULT_SECTIONS
                        .iter()
                        .map(|s| (s.to_string(), "not_started"))
                        .collect(),
                    documents: Vec::new(),
                    reviews: 0,
                },
            );
            set("clientEntityId", Value::String(client_id));
            set("applicationId", Value::String(application_id));
        }
        Rule::GetApplication
        | Rule::CancelApplication
        | Rule::ListSections
        | Rule::GetSection
        | Rule::SaveSection
        | Rule::UploadDocument
        | Rule::Submit => {
            let id = param(0).unwrap_or_default();
            let Some(app) = state.applications.get_mut(&id) else {
                return Outcome::Error(404, format!("No application with id `{id}`."));
            };
            let mutable = matches!(app.status, "DRAFT" | "PENDING_CUSTOMER_INFORMATION");
            match rule {
                Rule::GetApplication => {
                    // Each read after submission advances the review one step.
                    app.status = match app.status {
                        "SUBMITTED" => "IN_REVIEW",
                        "IN_REVIEW" => {
                            let name = app.client_name.to_ascii_lowercase();
                            if name.contains("deny") {
                                "DENIED"
                            } else if name.contains("rfi") && app.reviews == 1 {
                                "PENDING_CUSTOMER_INFORMATION"
                            } else {
                                "APPROVED"
                            }
                        }
                        other => other,
                    };
                }
                Rule::CancelApplication => {
                    if app.status != "DRAFT" {
                        return Outcome::Error(
                            409,
                            format!(
                                "Only a DRAFT application can be cancelled; this one is {}.",
                                app.status
                            ),
                        );
                    }
                    app.status = "CANCELLED";
                }
                Rule::GetSection | Rule::SaveSection => {
                    let section = param(1).unwrap_or_default();
                    let Some(entry) = app.sections.iter_mut().find(|(n, _)| *n == section) else {
                        return Outcome::Error(
                            404,
                            format!("The application has no section `{section}`."),
                        );
                    };
                    if rule == Rule::SaveSection {
                        if !mutable {
                            return Outcome::Error(
                                409,
                                format!(
                                    "The application is {} and cannot be modified.",
                                    app.status
                                ),
                            );
                        }
                        entry.1 = "complete";
                    }
                    set("sectionName", Value::String(entry.0.clone()));
                    let status = entry.1;
                    set("status", Value::String(status.into()));
                    if rule == Rule::SaveSection {
                        set("fieldsChanged", Value::Bool(false));
                        set("sectionsChanged", Value::Bool(false));
                    }
                }
                Rule::UploadDocument => {
                    if !mutable {
                        return Outcome::Error(
                            409,
                            format!("The application is {} and cannot be modified.", app.status),
                        );
                    }
                    let document = uuid::Uuid::new_v4().to_string();
                    app.documents.push(document.clone());
                    set("documentId", Value::String(document));
                }
                Rule::Submit => {
                    if !mutable {
                        return Outcome::Error(
                            409,
                            format!("The application is {} and cannot be submitted.", app.status),
                        );
                    }
                    let incomplete: Vec<&str> = app
                        .sections
                        .iter()
                        .filter(|(_, s)| *s != "complete")
                        .map(|(n, _)| n.as_str())
                        .collect();
                    if !incomplete.is_empty() {
                        return Outcome::Error(
                            409,
                            format!("Sections not complete: {}.", incomplete.join(", ")),
                        );
                    }
                    if app.documents.is_empty() {
                        return Outcome::Error(409, "No document has been uploaded.".into());
                    }
                    app.status = "SUBMITTED";
                    app.reviews += 1;
                }
                _ => unreachable!("handled above"),
            }
            set("applicationId", Value::String(id.clone()));
            set(
                "clientEntityId",
                Value::String(app.client_entity_id.clone()),
            );
            if !matches!(rule, Rule::GetSection | Rule::SaveSection) {
                set("status", Value::String(app.status.into()));
            }
            set(
                "sections",
                Value::Array(
                    app.sections
                        .iter()
                        .map(|(n, s)| {
                            let mut m = Map::new();
                            m.insert("sectionName".into(), Value::String(n.clone()));
                            m.insert("status".into(), Value::String((*s).into()));
                            Value::Object(m)
                        })
                        .collect(),
                ),
            );
        }
        Rule::CreatePreauth => {
            let invoice = text(call.body, "invoiceId").unwrap_or_default();
            let amount = text(call.body, "amount").unwrap_or_default();
            let sender = text(call.body, "sender").unwrap_or_default();
            let receiver = text(call.body, "receiver").unwrap_or_default();
            if decimal(&amount).is_none_or(|a| a <= 0) {
                return Outcome::Error(400, "Amount must be greater than zero".into());
            }
            if sender.eq_ignore_ascii_case(&receiver) {
                return Outcome::Error(400, "Sender and receiver cannot match".into());
            }
            if state.preauths.contains_key(&invoice) {
                return Outcome::Error(409, "Invoice already exists".into());
            }
            let created = now();
            let expires_at = match text(call.body, "expiresAt") {
                Some(t) => match chrono::DateTime::parse_from_rfc3339(&t) {
                    Ok(t) => t,
                    Err(_) => return Outcome::Error(400, "Invalid expires_at format".into()),
                },
                None => created + chrono::Duration::hours(DEFAULT_PREAUTH_TTL_HOURS),
            };
            let p = Preauth {
                transaction_id: uuid::Uuid::new_v4().to_string(),
                invoice_id: invoice.clone(),
                sender,
                receiver,
                amount,
                contract_address: text(call.body, "contractAddress"),
                status: "AUTHORIZED",
                settled_amount: None,
                transaction_hash: None,
                expires_at,
                created_at: timestamp(created),
                updated_at: timestamp(created),
            };
            preauth_fields(&p, &mut set);
            state.preauths.insert(invoice, p);
        }
        Rule::GetPreauth | Rule::SettlePreauth => {
            let invoice = param(0).unwrap_or_default();
            let Some(p) = state.preauths.get_mut(&invoice) else {
                return Outcome::Error(404, "Preauthorization not found".into());
            };
            if p.status == "AUTHORIZED" && now() > p.expires_at {
                p.status = "EXPIRED";
                p.updated_at = timestamp(now());
            }
            if rule == Rule::SettlePreauth {
                if p.status == "EXPIRED" {
                    return Outcome::Error(409, "Pre-authorization expired".into());
                }
                if p.status != "AUTHORIZED" {
                    return Outcome::Error(409, format!("Invalid settlement state: {}", p.status));
                }
                let amount = text(call.body, "amount").unwrap_or_default();
                let Some(units) = decimal(&amount).filter(|a| *a > 0) else {
                    return Outcome::Error(409, "Amount must be greater than zero".into());
                };
                if decimal(&p.amount).is_some_and(|authorized| units > authorized) {
                    return Outcome::Error(
                        409,
                        "Settlement exceeds authorized amount with allowed tip".into(),
                    );
                }
                p.status = "SETTLED";
                p.settled_amount = Some(amount);
                p.transaction_hash = Some(format!("0x{}", uuid::Uuid::new_v4().simple()));
                p.updated_at = timestamp(now());
            }
            preauth_fields(p, &mut set);
        }
    }
    Outcome::Success(out)
}

fn preauth_fields(p: &Preauth, set: &mut impl FnMut(&str, Value)) {
    let s = |v: &str| Value::String(v.to_owned());
    set("transactionId", s(&p.transaction_id));
    set("invoiceId", s(&p.invoice_id));
    set("sender", s(&p.sender));
    set("receiver", s(&p.receiver));
    set("amount", s(&p.amount));
    set("authorizedAmount", s(&p.amount));
    set(
        "settledAmount",
        s(p.settled_amount.as_deref().unwrap_or("0")),
    );
    if let Some(c) = &p.contract_address {
        set("contractAddress", s(c));
    }
    if let Some(h) = &p.transaction_hash {
        set("transactionHash", s(h));
    }
    set("status", s(p.status));
    set("expiresAt", s(&timestamp(p.expires_at)));
    set("createdAt", s(&p.created_at));
    set("updatedAt", s(&p.updated_at));
}

/// A decimal amount as an integer number of 10^-18 units, so comparisons are exact.
pub fn decimal(text: &str) -> Option<i128> {
    let text = text.trim();
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    if whole.is_empty() && fraction.is_empty()
        || !whole.chars().all(|c| c.is_ascii_digit())
        || !fraction.chars().all(|c| c.is_ascii_digit())
        || fraction.len() > 18
        || whole.len() > 20
    {
        return None;
    }
    let whole: i128 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let fraction: i128 = format!("{fraction:0<18}").parse().ok()?;
    let units = whole * 10i128.pow(18) + fraction;
    Some(if negative { -units } else { units })
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

/// Removes the first required property (depth first) that `value` holds. Fault injection.
pub fn drop_required(validator: &Validator, ty: &TypeRef, value: &mut Value) -> bool {
    match ty {
        TypeRef::Nullable(t) | TypeRef::Boxed(t) => drop_required(validator, t, value),
        TypeRef::Array(t) => match value {
            Value::Array(items) => items.iter_mut().any(|i| drop_required(validator, t, i)),
            _ => false,
        },
        TypeRef::Named(name) => match validator.type_def(name).map(|d| d.kind.clone()) {
            Some(TypeKind::Alias(t)) => drop_required(validator, &t, value),
            Some(TypeKind::Struct(s)) => {
                let Value::Object(map) = value else {
                    return false;
                };
                if let Some(field) = s
                    .fields
                    .iter()
                    .find(|f| f.required && map.contains_key(&f.wire_name))
                {
                    map.remove(&field.wire_name);
                    return true;
                }
                s.fields.iter().any(|field| {
                    map.get_mut(&field.wire_name)
                        .is_some_and(|v| drop_required(validator, &field.ty, v))
                })
            }
            _ => false,
        },
        _ => false,
    }
}

/// Replaces the first enum value (depth first) with one the enum does not have. Fault injection.
pub fn corrupt_enum(validator: &Validator, ty: &TypeRef, value: &mut Value) -> bool {
    match ty {
        TypeRef::Nullable(t) | TypeRef::Boxed(t) => corrupt_enum(validator, t, value),
        TypeRef::Array(t) => match value {
            Value::Array(items) => items.iter_mut().any(|i| corrupt_enum(validator, t, i)),
            _ => false,
        },
        TypeRef::Map(t) => match value {
            Value::Object(map) => map.values_mut().any(|i| corrupt_enum(validator, t, i)),
            _ => false,
        },
        TypeRef::Named(name) => match validator.type_def(name).map(|d| d.kind.clone()) {
            Some(TypeKind::Enum(_)) if value.is_string() => {
                *value = Value::String("NOT_A_DOCUMENTED_VALUE".into());
                true
            }
            Some(TypeKind::Alias(t)) => corrupt_enum(validator, &t, value),
            Some(TypeKind::Struct(s)) => match value {
                Value::Object(map) => s.fields.iter().any(|f| {
                    map.get_mut(&f.wire_name)
                        .is_some_and(|v| corrupt_enum(validator, &f.ty, v))
                }),
                _ => false,
            },
            Some(TypeKind::Union(u)) => u.variants.iter().any(|v| {
                validator.is_valid(&v.ty, value, Direction::Response)
                    && corrupt_enum(validator, &v.ty, value)
            }),
            _ => false,
        },
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn decimals_compare_exactly() {
        assert_eq!(decimal("150.75"), Some(150_750_000_000_000_000_000));
        assert!(decimal("0.1").unwrap() + decimal("0.2").unwrap() == decimal("0.3").unwrap());
        assert_eq!(decimal("-1"), Some(-1_000_000_000_000_000_000));
        assert_eq!(decimal("abc"), None);
        assert_eq!(decimal(""), None);
    }

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
    fn rules_key_on_method_and_path_shape() {
        assert_eq!(
            rule_for(Method::Post, "/onchain-preauth/{id}/settle"),
            Some(Rule::SettlePreauth)
        );
        assert_eq!(
            rule_for(
                Method::Put,
                "/v1/onboarding/partner/applications/{applicationId}/sections/{sectionName}"
            ),
            Some(Rule::SaveSection)
        );
        assert_eq!(rule_for(Method::Get, "/onchain-preauth"), None);
    }
}
