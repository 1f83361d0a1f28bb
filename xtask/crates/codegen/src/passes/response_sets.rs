//! One response enum per distinct set of responses, an IR-to-IR pass run by the naming pass.
//!
//! Every operation that documents an error status gets an error enum named after it
//! (`ApplyError`), and one with several success statuses a success enum (`ApplySuccess`). Real
//! specs repeat the same sets: Jiko's 66 operations document 4 distinct sets of error responses,
//! GitHub's 1,100 about 200. Emitting one enum per operation makes the generated crate pay for
//! every repeat (the enum, its derives and its `ApiErrorStatus` impl). This pass finds the
//! operations whose responses would emit identical enums and gives them one shared enum; each
//! per-operation name stays, as `pub type ApplyError = SharedName;`, so user code that names,
//! matches or constructs `ApplyError::UnprocessableEntity(..)` keeps compiling.
//!
//! Two sets are the same when every response has the same status, variant name, body type and
//! headers type, in the same order: exactly what the emitted enum is made of. The responses'
//! descriptions are not part of the key; they stay with each operation, in its alias's doc
//! comment. A set used by a single operation keeps its own enum, as before.
//!
//! The shared enum's name is derived from its content, `{Variants}Errors` or
//! `{Variants}Successes` (`NotFoundUnprocessableEntityErrors`), claimed after every name the
//! lowerer gave, with a numeric suffix for sets that differ only in body types; the numbering
//! follows the first operation of each set in method-name order, so it depends only on the
//! document.

use crate::ir::{Api, Operation, Response, ResponseBody, Status};
use crate::naming::Namespace;
use std::collections::BTreeMap;

/// Which of an operation's two response enums a set is.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Side {
    Errors,
    Successes,
}

/// What the emitted enum is made of, response by response: status, variant, body, headers.
type Key = Vec<(Status, String, String, Option<String>)>;

fn key<'a>(responses: impl Iterator<Item = &'a Response>) -> Key {
    responses
        .map(|r| {
            let body = match &r.body {
                None => String::new(),
                Some(ResponseBody::Json { ty, .. }) => format!("json {ty:?}"),
                Some(ResponseBody::Text { .. }) => "text".to_owned(),
                Some(ResponseBody::Binary { .. }) => "binary".to_owned(),
            };
            (r.status, r.variant.clone(), body, r.headers_type.clone())
        })
        .collect()
}

/// The enum of `side` an operation has, if any, and the key of its responses.
fn enum_of(op: &Operation, side: Side) -> Option<Key> {
    match side {
        Side::Errors => op.error_type.as_ref().map(|_| key(op.error_responses())),
        Side::Successes => op
            .success_type
            .as_ref()
            .map(|_| key(op.success_responses())),
    }
}

/// The content-derived name of a shared enum, before collisions are resolved.
fn shared_name(key: &Key, side: Side) -> String {
    let variants: String = key
        .iter()
        .map(|(_, v, _, _)| v.trim_start_matches("r#"))
        .collect();
    match side {
        Side::Errors => format!("{variants}Errors"),
        Side::Successes => format!("{variants}Successes"),
    }
}

/// Every type name the generated `types` module already holds.
fn taken_names(api: &Api) -> Namespace {
    let mut names: Vec<&str> = api.types.iter().map(|t| t.name.as_str()).collect();
    for op in &api.operations {
        names.extend(op.error_type.as_deref());
        names.extend(op.success_type.as_deref());
        names.extend(op.params_type.as_deref());
        names.extend(
            op.responses
                .iter()
                .filter_map(|r| r.headers_type.as_deref()),
        );
    }
    Namespace::with_reserved(names)
}

/// Points every operation whose error (or success) responses repeat another's at one shared
/// enum, named in `api`'s `types` namespace. Expects operations sorted by method name (the
/// naming pass sorts them first), which fixes which set is numbered first.
pub fn share_response_enums(api: &mut Api) {
    let mut groups: BTreeMap<(Side, Key), Vec<usize>> = BTreeMap::new();
    let mut first_seen: Vec<(Side, Key)> = Vec::new();
    for (index, op) in api.operations.iter().enumerate() {
        for side in [Side::Errors, Side::Successes] {
            if let Some(k) = enum_of(op, side) {
                let members = groups.entry((side, k.clone())).or_default();
                if members.is_empty() {
                    first_seen.push((side, k));
                }
                members.push(index);
            }
        }
    }
    let mut names = taken_names(api);
    for op in &mut api.operations {
        op.shared_error = None;
        op.shared_success = None;
    }
    for set in first_seen {
        let members = &groups[&set];
        if members.len() < 2 {
            continue;
        }
        let (side, k) = &set;
        let name = names.claim(&shared_name(k, *side));
        for &index in members {
            let op = &mut api.operations[index];
            match side {
                Side::Errors => op.shared_error = Some(name.clone()),
                Side::Successes => op.shared_success = Some(name.clone()),
            }
        }
    }
}
