//! Stateful scenarios: values learned from earlier answers feed later requests, and the two
//! stateful checks.
//!
//! The IR keeps no OpenAPI `links` (none of the seed specs declares one either), so chaining is
//! inferred, the way a reader of the spec would: a `POST` on a collection that answers with an
//! `id` created the resource its sibling `/{param}` paths address, and any property named like a
//! path parameter (`applicationId` for `{applicationId}` or `{application_id}`) in an earlier
//! request or answer is a value for it. A value is used only when it is valid for the
//! parameter's type.
//!
//! - `availability` (schemathesis' `ensure_resource_availability`): right after a create, the
//!   read of the created resource must answer 2xx.
//! - `use-after-free`: after a delete answered 2xx, the read of the same path must not. It is
//!   decided only when the server shows it keeps state: a read of an id it never issued must
//!   not answer 2xx either, else the check is skipped with that reason (a stub that answers 200
//!   for every id cannot be said to have freed anything).

use super::cases::Case;
use super::send::{Answer, param_text};
use super::{Check, Run, operation_name};
use crate::synth::Synth;
use crate::validate::{Direction, parameter_value};
use serde_json::Value;
use specgen_ir::ir::{Method, Operation, ParamLocation};
use std::collections::{BTreeMap, HashMap};

/// A path parameter's value and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param {
    /// The parameter's wire name.
    pub name: String,
    /// The value sent.
    pub value: String,
    /// The operation (or case) whose answer supplied it; `None` when synthesised.
    pub source: Option<String>,
}

/// What the run has learned so far.
#[derive(Debug, Default)]
pub struct Scenario {
    /// Normalised property name (`applicationid`) → the latest value and who supplied it.
    values: HashMap<String, (String, String)>,
    /// The shape of a collection path (`/v1/accounts`, `/a/{}/b`) → the id its create answered.
    created: HashMap<String, (String, String)>,
}

/// How deep learning walks an answer, so a huge body costs little.
const LEARN_DEPTH: usize = 4;

/// A property or parameter name with case and separators dropped: `application_id`,
/// `applicationId` and `Application-Id` are one name.
pub fn normalise(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// A path template with parameter names dropped: `/a/{id}/b` → `/a/{}/b`.
pub fn shape(template: &str) -> String {
    let mut out = String::with_capacity(template.len());
    let mut in_param = false;
    for c in template.trim_end_matches('/').chars() {
        match c {
            '{' => {
                in_param = true;
                out.push_str("{}");
            }
            '}' => in_param = false,
            _ if !in_param => out.push(c),
            _ => {}
        }
    }
    out
}

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The id of a created resource: a property named like the parameter its read takes
/// (`accountId` for `{accountId}`), else `id`; at the top, else under one wrapping object
/// (`data`).
fn created_id(body: &Value, param: Option<&str>) -> Option<String> {
    let wanted = param.map(normalise);
    let pick = |v: &Value| -> Option<String> {
        let map = v.as_object()?;
        wanted
            .as_ref()
            .and_then(|w| {
                map.iter()
                    .find(|(k, _)| normalise(k) == *w)
                    .and_then(|(_, v)| scalar(v))
            })
            .or_else(|| map.get("id").and_then(scalar))
    };
    pick(body).or_else(|| {
        body.as_object()?
            .values()
            .filter(|v| v.is_object())
            .find_map(pick)
    })
}

impl Scenario {
    /// Learns every scalar property of `value` (and `{key}id` for an `id` nested under `key`).
    pub fn learn(&mut self, value: &Value, producer: &str) {
        self.walk(value, None, producer, 0);
    }

    fn walk(&mut self, value: &Value, parent: Option<&str>, producer: &str, depth: usize) {
        if depth > LEARN_DEPTH {
            return;
        }
        match value {
            Value::Object(map) => {
                for (k, v) in map {
                    if let Some(text) = scalar(v) {
                        let key = match (k.as_str(), parent) {
                            ("id", Some(p)) => format!("{}id", normalise(p)),
                            _ => normalise(k),
                        };
                        self.values.insert(key, (text, producer.to_owned()));
                    } else {
                        self.walk(v, Some(k), producer, depth + 1);
                    }
                }
            }
            // The first item of a list stands for the list: a read of one of them is a read of
            // a resource that exists.
            Value::Array(items) => {
                if let Some(first) = items.first() {
                    self.walk(first, parent, producer, depth + 1);
                }
            }
            _ => {}
        }
    }

    /// Forgets a value everywhere, after the resource it names was deleted.
    pub fn forget(&mut self, value: &str) {
        self.values.retain(|_, (v, _)| v != value);
        self.created.retain(|_, (v, _)| v != value);
    }

    /// The path parameters of `op`: the created id of the enclosing collection, else a learned
    /// value with the parameter's name, else a synthesised one. With `chain` off, always
    /// synthesised.
    pub fn resolve(&self, synth: &Synth, op: &Operation, chain: bool) -> Vec<Param> {
        let validator = synth.validator();
        op.params
            .iter()
            .filter(|p| p.location == ParamLocation::Path)
            .map(|p| {
                let placeholder = format!("/{{{}}}", p.wire_name);
                let collection = op.path.find(&placeholder).map(|at| shape(&op.path[..at]));
                let learned = collection
                    .and_then(|c| self.created.get(&c))
                    .or_else(|| self.values.get(&normalise(&p.wire_name)))
                    .filter(|(v, _)| {
                        let value = parameter_value(validator, &p.ty, v);
                        validator.is_valid(&p.ty, &value, Direction::Request)
                    });
                match learned {
                    Some((value, producer)) if chain => Param {
                        name: p.wire_name.clone(),
                        value: value.clone(),
                        source: Some(producer.clone()),
                    },
                    _ => Param {
                        name: p.wire_name.clone(),
                        value: param_text(synth.value_within(
                            &p.ty,
                            p.bounds.as_ref(),
                            Direction::Request,
                        )),
                        source: None,
                    },
                }
            })
            .collect()
    }
}

/// After a conforming request answered a documented 2xx: learn from it, and run the stateful
/// check the operation calls for.
pub(crate) async fn after_success(run: &mut Run<'_>, op: &Operation, case: &Case, answer: &Answer) {
    let name = operation_name(op);
    if let Some(body) = &case.body {
        run.scenario.learn(body, &name);
    }
    let body = serde_json::from_slice::<Value>(&answer.body).ok();
    if let Some(body) = &body {
        run.scenario.learn(body, &name);
    }
    match op.method {
        Method::Post => {
            let read = item_read(&run.api.operations, &op.path);
            let param = read.as_ref().map(|(_, p)| p.as_str());
            if let Some(id) = body.as_ref().and_then(|b| created_id(b, param)) {
                run.scenario
                    .created
                    .insert(shape(&op.path), (id.clone(), name.clone()));
                availability(run, op, &name, &id).await;
            }
        }
        Method::Delete => use_after_free(run, op, &name).await,
        _ => {}
    }
}

/// The `GET` whose path is `collection/{param}`, and that parameter's name.
fn item_read<'a>(ops: &'a [Operation], collection: &str) -> Option<(&'a Operation, String)> {
    ops.iter().find_map(|op| {
        if op.method != Method::Get {
            return None;
        }
        let rest = op.path.strip_prefix(collection)?.strip_prefix("/{")?;
        let param = rest.strip_suffix('}')?;
        (!param.contains(['/', '{'])).then(|| (op, param.to_owned()))
    })
}

async fn availability(run: &mut Run<'_>, create: &Operation, name: &str, id: &str) {
    let Some((read, param)) = item_read(&run.api.operations, &create.path) else {
        return;
    };
    let case = Case {
        name: format!("after {name}"),
        path: BTreeMap::from([(param, id.to_owned())]),
        ..Case::default()
    };
    let read_name = operation_name(read);
    let key = uuid::Uuid::new_v4().to_string();
    let (exchange, answer) = run.send(read, &case, &key).await;
    let (detail, failures) = match &answer {
        Ok(a) if (200..300).contains(&a.status) => (
            format!("{read_name} of the id {name} created answered {}", a.status),
            Vec::new(),
        ),
        Ok(a) => (
            format!("{read_name} of the id {name} created answered {}", a.status),
            vec![format!(
                "{name} answered a 2xx with id `{id}`, but {read_name} of it answered {}",
                a.status
            )],
        ),
        Err(e) => ("the request failed".into(), vec![e.clone()]),
    };
    run.report.checks.push(Check::new(
        &read_name,
        &case.name,
        "availability",
        detail,
        failures,
        exchange,
    ));
    if answer.is_ok() {
        run.check_positive(read, &read_name, &case.name, exchange, &answer);
    }
}

/// A value valid for `op`'s last path parameter that no server has issued.
fn never_issued(run: &Run<'_>, op: &Operation) -> Option<(String, String)> {
    let p = op
        .params
        .iter()
        .rfind(|p| p.location == ParamLocation::Path)?;
    let validator = run.synth.validator();
    let fresh = uuid::Uuid::new_v4();
    [
        fresh.to_string(),
        format!("never-issued-{}", fresh.simple()),
    ]
    .into_iter()
    .find(|candidate| {
        let value = parameter_value(validator, &p.ty, candidate);
        validator.is_valid(&p.ty, &value, Direction::Request)
    })
    .map(|v| (p.wire_name.clone(), v))
}

async fn use_after_free(run: &mut Run<'_>, delete: &Operation, name: &str) {
    let template = shape(&delete.path);
    let Some(read) = run
        .api
        .operations
        .iter()
        .find(|o| o.method == Method::Get && shape(&o.path) == template)
    else {
        return;
    };
    let read_name = operation_name(read);
    let deleted = run.scenario.resolve(&run.synth, delete, true);
    let read_params: Vec<String> = read
        .params
        .iter()
        .filter(|p| p.location == ParamLocation::Path)
        .map(|p| p.wire_name.clone())
        .collect();
    // The read's parameters may be named differently; they are matched by position.
    let path: BTreeMap<String, String> = read_params
        .iter()
        .cloned()
        .zip(deleted.iter().map(|p| p.value.clone()))
        .collect();
    let case_name = format!("after {name}");
    let check = |detail: String, failures: Vec<String>, exchange, skipped| {
        let mut c = Check::new(
            &read_name,
            &case_name,
            "use-after-free",
            detail,
            failures,
            exchange,
        );
        c.skipped = skipped;
        c
    };
    let Some((last, fresh)) = never_issued(run, read) else {
        let c = check(
            "skipped: no value of the id's type can be made that the server never issued".into(),
            Vec::new(),
            None,
            true,
        );
        run.report.checks.push(c);
        return;
    };
    let mut probe_path = path.clone();
    probe_path.insert(last.clone(), fresh.clone());
    let probe = Case {
        name: format!("probe before {case_name}"),
        path: probe_path,
        negative: true,
        ..Case::default()
    };
    let key = uuid::Uuid::new_v4().to_string();
    let (probe_exchange, probe_answer) = run.send(read, &probe, &key).await;
    if let Ok(a) = &probe_answer {
        if (200..300).contains(&a.status) {
            let c = check(
                format!(
                    "skipped: {read_name} answered {} for `{last}={fresh}`, an id never issued, so the server keeps no state to free",
                    a.status
                ),
                Vec::new(),
                probe_exchange,
                true,
            );
            run.report.checks.push(c);
            return;
        }
    }
    let case = Case {
        name: case_name.clone(),
        path,
        negative: true,
        ..Case::default()
    };
    let (exchange, answer) = run.send(read, &case, &key).await;
    let c = match &answer {
        Ok(a) if (200..300).contains(&a.status) => check(
            format!("{read_name} of the deleted resource answered {}", a.status),
            vec![format!(
                "{name} answered a 2xx, but {read_name} of the same resource still answered {}",
                a.status
            )],
            exchange,
            false,
        ),
        Ok(a) => check(
            format!("{read_name} of the deleted resource answered {}", a.status),
            Vec::new(),
            exchange,
            false,
        ),
        Err(e) => check(
            "the request failed".into(),
            vec![e.clone()],
            exchange,
            false,
        ),
    };
    run.report.checks.push(c);
    for p in &deleted {
        run.scenario.forget(&p.value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_paths_are_compared_by_shape() {
        assert_eq!(normalise("application_id"), normalise("applicationId"));
        assert_eq!(normalise("Application-Id"), "applicationid");
        assert_eq!(shape("/a/{id}/b/{x_y}/"), "/a/{}/b/{}");
    }

    #[test]
    fn learning_keeps_scalars_and_names_nested_ids_by_their_parent() {
        let mut s = Scenario::default();
        let body = serde_json::json!({"data": {"application": {"id": "A1"}, "clientId": 7}, "items": [{"card_id": "C1"}, {"card_id": "C2"}]});
        s.learn(&body, "create");
        assert_eq!(s.values["applicationid"].0, "A1");
        assert_eq!(s.values["clientid"].0, "7");
        assert_eq!(s.values["cardid"].0, "C1");
        assert_eq!(
            created_id(
                &serde_json::json!({"data": {"accountId": "X", "id": "Y"}}),
                Some("accountId")
            ),
            Some("X".into())
        );
        assert_eq!(
            created_id(&serde_json::json!({"id": "Y"}), Some("accountId")),
            Some("Y".into())
        );
        s.forget("A1");
        assert!(!s.values.contains_key("applicationid"));
    }
}
