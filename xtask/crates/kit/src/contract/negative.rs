//! Negative cases (`--negative`): requests whose JSON body breaks the schema, one per kind of
//! breach, each of which the server must refuse with a documented 4xx.
//!
//! Each case starts from the operation's first conforming body and breaks it in one place: a
//! required property left out, a property of the wrong JSON type, an enum value the spec does
//! not list, a length or numeric bound crossed. The first place found for each kind is used
//! (properties in document order, nested objects after their parents), so the cases are the same
//! on every run. A mutation the validator still accepts (a property typed as any JSON) is not
//! sent: every negative case is invalid by the same rules the mock and the proxy apply.

use super::{Check, Run, cases};
use crate::validate::{Direction, Validator, escape_token};
use serde_json::Value;
use specgen_ir::ir::{BodyContent, Field, Operation, TypeKind, TypeRef};

/// One way to break a body, found at one place in it.
#[derive(Debug, Clone)]
pub struct Mutation {
    /// What was broken, for the case name (`missing required /clientName`).
    pub label: String,
    /// The broken body.
    pub body: Value,
}

/// How deep the search for a place to break goes.
const MAX_DEPTH: usize = 3;

/// The type behind aliases, nullability and boxes.
fn resolve<'a>(validator: &'a Validator, ty: &'a TypeRef) -> Option<&'a TypeKind> {
    match ty {
        TypeRef::Nullable(t) | TypeRef::Boxed(t) => resolve(validator, t),
        TypeRef::Named(n) => match &validator.type_def(n)?.kind {
            TypeKind::Alias(t) => resolve(validator, t),
            kind => Some(kind),
        },
        _ => None,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    MissingRequired,
    WrongType,
    BadEnum,
    Bound,
}

/// The broken value for `kind` at a property of type `ty` holding `value`, if that kind of
/// breach applies there.
fn broken(
    validator: &Validator,
    kind: Kind,
    ty: &TypeRef,
    value: &Value,
) -> Option<(String, Value)> {
    match kind {
        Kind::MissingRequired => None,
        Kind::WrongType => Some(match value {
            Value::String(_) => (
                "wrong type (number for a string)".into(),
                Value::from(12345),
            ),
            Value::Number(_) | Value::Bool(_) => (
                "wrong type (string for a scalar)".into(),
                Value::String("not-a-number".into()),
            ),
            Value::Object(_) | Value::Array(_) => (
                "wrong type (string for a structure)".into(),
                Value::String("not-an-object".into()),
            ),
            Value::Null => return None,
        }),
        Kind::BadEnum => match resolve(validator, ty)? {
            TypeKind::Enum(_) => Some((
                "bad enum value".into(),
                Value::String("NOT_A_DOCUMENTED_VALUE".into()),
            )),
            _ => None,
        },
        Kind::Bound => match resolve(validator, ty)? {
            TypeKind::Newtype(n) => {
                if let Some(max) = n.max_length {
                    Some((
                        format!("longer than maxLength {max}"),
                        Value::String("x".repeat(max + 1)),
                    ))
                } else if let Some(min) = n.min_length.filter(|m| *m > 0) {
                    Some((
                        format!("shorter than minLength {min}"),
                        Value::String("x".repeat(min - 1)),
                    ))
                } else {
                    n.bounds
                        .and_then(|b| b.outside())
                        .map(|(label, x)| (label, Value::from(x)))
                }
            }
            _ => None,
        },
    }
}

/// A number just outside a number field's own bounds (`pageSize: 0` for `minimum: 1`).
fn field_bound(kind: Kind, field: &Field, current: &Value) -> Option<(String, Value)> {
    if kind != Kind::Bound || !current.is_number() {
        return None;
    }
    let (label, x) = field.bounds.as_ref()?.outside()?;
    Some((label, Value::from(x)))
}

/// The first place in `value` (of type `ty`) to apply `kind`, and the body broken there.
fn find(
    validator: &Validator,
    kind: Kind,
    ty: &TypeRef,
    value: &Value,
    pointer: &str,
    depth: usize,
) -> Option<Mutation> {
    if depth > MAX_DEPTH {
        return None;
    }
    let Some(TypeKind::Struct(s)) = resolve(validator, ty) else {
        return None;
    };
    let map = value.as_object()?;
    for field in s.fields.iter().filter(|f| !f.read_only) {
        let Some(current) = map.get(&field.wire_name) else {
            continue;
        };
        let at = format!("{pointer}/{}", escape_token(&field.wire_name));
        let change = if kind == Kind::MissingRequired {
            field
                .required
                .then(|| ("missing required".to_owned(), None))
        } else {
            broken(validator, kind, &field.ty, current)
                .or_else(|| field_bound(kind, field, current))
                .map(|(l, v)| (l, Some(v)))
        };
        if let Some((label, replacement)) = change {
            let mut body = value.clone();
            if let Some(obj) = body.as_object_mut() {
                match replacement {
                    Some(v) => obj.insert(field.wire_name.clone(), v),
                    None => obj.remove(&field.wire_name),
                };
            }
            return Some(Mutation {
                label: format!("{label} {at}"),
                body,
            });
        }
    }
    // Nothing at this level: look inside the nested objects, in document order.
    for field in s.fields.iter().filter(|f| !f.read_only) {
        let Some(current) = map.get(&field.wire_name) else {
            continue;
        };
        let at = format!("{pointer}/{}", escape_token(&field.wire_name));
        if let Some(inner) = find(validator, kind, &field.ty, current, &at, depth + 1) {
            let mut body = value.clone();
            if let Some(obj) = body.as_object_mut() {
                obj.insert(field.wire_name.clone(), inner.body);
            }
            return Some(Mutation {
                label: inner.label,
                body,
            });
        }
    }
    None
}

/// The negative bodies of `op`: one per kind of breach that applies, each invalid.
pub fn mutations(validator: &Validator, op: &Operation, base: &Value) -> Vec<Mutation> {
    let Some(BodyContent::Json { ty, .. }) = op.body.as_ref().map(|b| &b.content) else {
        return Vec::new();
    };
    [
        Kind::MissingRequired,
        Kind::WrongType,
        Kind::BadEnum,
        Kind::Bound,
    ]
    .into_iter()
    .filter_map(|kind| find(validator, kind, ty, base, "", 0))
    .filter(|m| !validator.is_valid(ty, &m.body, Direction::Request))
    .collect()
}

/// Sends every negative case of `op` and checks each is refused with a documented 4xx.
pub(crate) async fn run(state: &mut Run<'_>, op: &Operation, name: &str) {
    let Some(base) = cases::cases(&state.synth, op)
        .into_iter()
        .find_map(|c| c.body)
    else {
        return;
    };
    for m in mutations(state.synth.validator(), op, &base) {
        let case = cases::Case {
            name: format!("negative: {}", m.label),
            body: Some(m.body),
            negative: true,
            ..cases::Case::default()
        };
        let key = uuid::Uuid::new_v4().to_string();
        let (exchange, answer) = state.send(op, &case, &key).await;
        let mut check = match &answer {
            Err(e) => Check::new(
                name,
                &case.name,
                "negative",
                "the request failed".into(),
                vec![e.clone()],
                exchange,
            ),
            Ok(a) => verdict(op, name, &case.name, a.status, exchange),
        };
        if let Ok(a) = &answer {
            if matches!(a.status, 401 | 403) {
                check.skipped = true;
                check.failures.clear();
                check.detail = format!(
                    "skipped: refused with {} for its credentials before its body was judged",
                    a.status
                );
            }
        }
        state.report.checks.push(check);
    }
}

fn verdict(op: &Operation, name: &str, case: &str, status: u16, exchange: Option<usize>) -> Check {
    let documented = super::checks::documented(op, status).is_some();
    let failures = if (200..300).contains(&status) {
        vec![format!(
            "a body that breaks the schema was accepted with {status}"
        )]
    } else if !(400..500).contains(&status) {
        vec![format!(
            "a body that breaks the schema answered {status}, not a 4xx"
        )]
    } else if !documented {
        vec![format!(
            "refused with {status}, which is not documented (documented: {})",
            super::checks::documented_statuses(op)
        )]
    } else {
        Vec::new()
    };
    Check::new(
        name,
        case,
        "negative",
        format!("answered {status}"),
        failures,
        exchange,
    )
}
