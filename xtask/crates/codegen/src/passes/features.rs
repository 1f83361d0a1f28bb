//! The feature pass: a large API is split into one cargo feature per tag, so a consumer compiles
//! only the operations it uses and the types they reach.
//!
//! The rule, stated once (README, "Cargo features"):
//!
//! - An API with fewer than [`SPLIT_THRESHOLD`] operations, or whose operations fall into a single
//!   group, stays one feature (its module name), and nothing in its code is gated.
//! - Otherwise each group becomes a feature `{module}-{group}`: the operation's tags when any
//!   operation of the API has a tag (operations without one go to [`UNTAGGED`]), else the first
//!   path segment that is not `api`, a version (`v1`, `2.0`) or a placeholder.
//! - An operation is compiled when any of its groups' features is on. A type (a model or a
//!   per-operation params, headers or response enum) is compiled when an enabled operation
//!   reaches it through parameters, bodies, responses, headers, fields, union variants or
//!   aliases. A type no operation reaches is compiled by the module's feature alone.
//! - The module's feature turns every group feature on (so existing users see no change), and
//!   every group feature turns on `{module}-client`, which compiles the module with its `Client`.
//!
//! Group names are sanitised to lower-case ASCII letters, digits and `-`, and claimed in one
//! [`Namespace`] in a fixed order (sorted by tag or segment, the untagged group last), with
//! `client` reserved, so every machine derives the same names.

use crate::ir::*;
use crate::naming::Namespace;
use specgen_ir::features::{FeatureGates, FeatureGroup};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The number of operations from which an API is split into tag features. Every spec in
/// `specs/` is below it (the largest, Jiko's, has 68), so they stay one feature each.
pub const SPLIT_THRESHOLD: usize = 200;

/// The group of operations without a tag, in an API where other operations have tags.
pub const UNTAGGED: &str = "untagged";

/// The group suffix of the base feature every group feature enables.
const BASE: &str = "client";

/// Computes `api.features`; call after the naming pass, which fixes operation and type names.
pub fn assign_features(api: &mut Api) {
    api.features = feature_gates(api);
}

/// A group an operation belongs to: a tag, a path segment, or the untagged group (`None`).
type GroupKey = Option<String>;

fn feature_gates(api: &Api) -> FeatureGates {
    if api.operations.len() < SPLIT_THRESHOLD {
        return FeatureGates::default();
    }
    let tagged = api.operations.iter().any(|op| !op.tags.is_empty());
    let keys: Vec<BTreeSet<GroupKey>> = api
        .operations
        .iter()
        .map(|op| match (tagged, op.tags.is_empty()) {
            (true, false) => op.tags.iter().cloned().map(Some).collect(),
            (true, true) => BTreeSet::from([None]),
            (false, _) => BTreeSet::from([Some(path_group(&op.path))]),
        })
        .collect();
    // `Some` sorts after `None`; claim tags in order first, the untagged group last.
    let mut distinct: Vec<&GroupKey> = keys
        .iter()
        .flatten()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    distinct.sort_by_key(|k| (k.is_none(), *k));
    if distinct.len() < 2 {
        return FeatureGates::default();
    }
    let mut names = Namespace::with_reserved([BASE]);
    let features: HashMap<&GroupKey, String> = distinct
        .iter()
        .map(|key| {
            let suffix = names.claim(&sanitize(key.as_deref().unwrap_or(UNTAGGED)));
            (*key, format!("{}-{suffix}", api.module))
        })
        .collect();

    let mut groups: BTreeMap<String, FeatureGroup> = BTreeMap::new();
    let mut operations = BTreeMap::new();
    let mut types: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let defs: HashMap<&str, &TypeDef> = api.types.iter().map(|d| (d.name.as_str(), d)).collect();
    for (op, keys) in api.operations.iter().zip(&keys) {
        let op_features: BTreeSet<String> = keys.iter().map(|k| features[k].clone()).collect();
        for (key, feature) in keys.iter().map(|k| (k, &features[k])) {
            let source = match key {
                Some(text) if tagged => text.clone(),
                Some(segment) => format!("/{segment}"),
                None => "(no tag)".to_owned(),
            };
            groups
                .entry(feature.clone())
                .or_insert_with(|| FeatureGroup {
                    feature: feature.clone(),
                    source,
                    operations: 0,
                })
                .operations += 1;
        }
        for name in reached_types(op, &defs) {
            types
                .entry(name)
                .or_default()
                .extend(op_features.iter().cloned());
        }
        operations.insert(op.fn_name.clone(), op_features.into_iter().collect());
    }
    for def in &api.types {
        types
            .entry(def.name.clone())
            .or_insert_with(|| BTreeSet::from([api.module.clone()]));
    }
    FeatureGates {
        base: format!("{}-{BASE}", api.module),
        groups: groups.into_values().collect(),
        operations,
        types: types
            .into_iter()
            .map(|(name, set)| (name, set.into_iter().collect()))
            .collect(),
    }
}

/// Every type `op` reaches: its per-operation types by name, and the transitive closure of the
/// named types its parameters, body, responses and response headers refer to.
fn reached_types(op: &Operation, defs: &HashMap<&str, &TypeDef>) -> BTreeSet<String> {
    let mut reached: BTreeSet<String> = [
        &op.params_type,
        &op.success_type,
        &op.error_type,
        &op.shared_success,
        &op.shared_error,
    ]
    .into_iter()
    .flatten()
    .cloned()
    .collect();
    let mut pending: Vec<&TypeRef> = op.params.iter().map(|p| &p.ty).collect();
    let mut body_structs = Vec::new();
    match op.body.as_ref().map(|b| &b.content) {
        Some(BodyContent::Json { ty, .. } | BodyContent::Form { ty }) => pending.push(ty),
        Some(BodyContent::Multipart { ty, .. }) => body_structs.push(ty.as_str()),
        _ => {}
    }
    for r in &op.responses {
        reached.extend(r.headers_type.iter().cloned());
        pending.extend(r.headers.iter().map(|h| &h.ty));
        if let Some(ResponseBody::Json { ty, .. }) = &r.body {
            pending.push(ty);
        }
    }
    let mut names: Vec<&str> = body_structs;
    loop {
        while let Some(t) = pending.pop() {
            if let Some(name) = named(t) {
                names.push(name);
            }
        }
        let Some(name) = names.pop() else { break };
        if !reached.insert(name.to_owned()) {
            continue;
        }
        match defs.get(name).map(|d| &d.kind) {
            Some(TypeKind::Struct(s)) => {
                pending.extend(s.fields.iter().map(|f| &f.ty));
                pending.extend(s.additional.iter());
            }
            Some(TypeKind::Union(u)) => pending.extend(u.variants.iter().map(|v| &v.ty)),
            Some(TypeKind::Alias(t)) => pending.push(t),
            Some(TypeKind::Enum(_) | TypeKind::Newtype(_)) | None => {}
        }
    }
    reached
}

/// The named type inside a reference, through collections, `Option` and `Box`.
fn named(t: &TypeRef) -> Option<&str> {
    match t {
        TypeRef::Named(name) => Some(name),
        TypeRef::Array(i) | TypeRef::Map(i) | TypeRef::Nullable(i) | TypeRef::Boxed(i) => named(i),
        TypeRef::Primitive(_) | TypeRef::Json | TypeRef::FreeForm { .. } => None,
    }
}

/// The path group of an operation in an API without tags: the first segment that is not `api`,
/// a version or a placeholder, or `root` when there is none.
fn path_group(path: &str) -> String {
    path.split('/')
        .filter(|s| !s.is_empty() && !s.contains('{') && !s.eq_ignore_ascii_case("api"))
        .find(|s| !is_version(s))
        .unwrap_or("root")
        .to_owned()
}

/// `v1`, `v2beta1`, `1.0`: a version segment, which says nothing about what the path is for.
fn is_version(segment: &str) -> bool {
    let digits = segment.strip_prefix(['v', 'V']).unwrap_or(segment);
    digits.starts_with(|c: char| c.is_ascii_digit())
        && digits
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.')
}

/// A tag or segment as the suffix of a cargo feature name: lower-case ASCII letters and digits,
/// every other run of characters one `-`; `tag` when nothing is left.
pub fn sanitize(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let trimmed = out.trim_end_matches('-');
    if trimmed.is_empty() {
        "tag".to_owned()
    } else {
        trimmed.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_become_feature_suffixes() {
        for (tag, suffix) in [
            ("repos", "repos"),
            ("Code Scanning", "code-scanning"),
            ("code-scanning", "code-scanning"),
            ("  --Pets & Stores!! ", "pets-stores"),
            ("v2", "v2"),
            ("日本", "tag"),
            ("", "tag"),
        ] {
            assert_eq!(sanitize(tag), suffix, "{tag:?}");
        }
    }

    #[test]
    fn path_groups_skip_versions_placeholders_and_api() {
        for (path, group) in [
            ("/v1/clients/{id}", "clients"),
            ("/api/v2beta1/projects", "projects"),
            ("/{owner}/repos", "repos"),
            ("/2.0/users", "users"),
            ("/", "root"),
            ("/vacations", "vacations"),
        ] {
            assert_eq!(path_group(path), group, "{path}");
        }
    }
}
