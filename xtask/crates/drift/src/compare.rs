//! The comparison of two IRs of one API: servers, operations (parameters, bodies, responses),
//! and, through `types`, the named types. Pure: IR in, changes out.
//!
//! Operations are matched by method and path with parameter names blanked
//! (`/v1/clients/{}`), because renaming a path parameter changes neither the wire nor the
//! positional Rust argument. Parameters are matched by location and wire name, path parameters
//! by position.

use super::bounds::Travels;
use super::model::{Change, Locations, Position, Rust};
use super::rules::rule_for;
use super::shape::{RefDiff, Types, Usage, ref_diff, usages};
use specgen_ir::ir::{
    Api, BodyContent, Operation, ParamLocation, Parameter, RequestBody, Response, ResponseBody,
    Status,
};
use std::collections::{BTreeMap, HashMap};

/// One API on both sides, and the changes found so far.
pub struct Comparer<'a> {
    pub(super) old: &'a Api,
    pub(super) new: &'a Api,
    pub(super) old_types: Types<'a>,
    pub(super) new_types: Types<'a>,
    usage: HashMap<String, Usage>,
    pub(super) changes: Vec<Change>,
}

/// Where a change sits: its label and its position on each side.
pub(super) struct At {
    pub(super) label: String,
    pub(super) base: Option<String>,
    pub(super) revision: Option<String>,
}

/// A stable text for a status (`201`, `4XX`, `default`).
pub fn status_text(s: Status) -> String {
    match s {
        Status::Code(c) => c.to_string(),
        Status::Range(d) => format!("{d}XX"),
        Status::Default => "default".into(),
    }
}

/// The operation label used in every format (`POST /v1/clients`).
pub fn op_label(op: &Operation) -> String {
    format!("{} {}", op.method.as_str(), op.path)
}

fn op_key(op: &Operation) -> (String, String) {
    let mut path = String::new();
    let mut in_param = false;
    for c in op.path.chars() {
        match c {
            '{' => {
                in_param = true;
                path.push_str("{}");
            }
            '}' => in_param = false,
            _ if in_param => {}
            _ => path.push(c),
        }
    }
    (path, op.method.as_str().to_owned())
}

/// Turns an IR origin into a position: a JSON pointer into `file`, or release notes' `file:line`.
pub fn position(file: &str, origin: &str) -> Position {
    if origin.starts_with('#') {
        return Position {
            file: file.to_owned(),
            pointer: Some(origin.to_owned()),
            line: None,
        };
    }
    if let Some((f, line)) = origin.rsplit_once(':') {
        if let Ok(line) = line.parse() {
            return Position {
                file: f.to_owned(),
                pointer: None,
                line: Some(line),
            };
        }
    }
    Position {
        file: file.to_owned(),
        pointer: None,
        line: None,
    }
}

impl<'a> Comparer<'a> {
    /// Prepares the comparison of `old` with `new`.
    pub fn new(old: &'a Api, new: &'a Api) -> Self {
        // The revision's users name the operation; the base adds where a type used to travel.
        let mut usage = usages(new);
        for (name, u) in usages(old) {
            let e = usage.entry(name).or_default();
            e.request |= u.request;
            e.response |= u.response;
            if e.senders.first.is_none() {
                e.senders = u.senders;
            }
            if e.receivers.first.is_none() {
                e.receivers = u.receivers;
            }
        }
        Comparer {
            old,
            new,
            old_types: Types::new(old),
            new_types: Types::new(new),
            usage,
            changes: Vec::new(),
        }
    }

    /// Where the named type is used; a type no operation reaches counts as both, which is what a
    /// vendor publishing a schema means.
    pub(super) fn usage_of(&self, name: &str) -> Usage {
        match self.usage.get(name) {
            Some(u) if u.request || u.response => u.clone(),
            _ => Usage {
                request: true,
                response: true,
                ..Usage::default()
            },
        }
    }

    /// ` (sent by POST /v1/clients; received by GET /v1/clients and 2 more)` for a change to type
    /// `name`, so a service owner sees which calls a type-level change reaches.
    fn users_note(&self, name: &str) -> String {
        let Some(u) = self.usage.get(name) else {
            return String::new();
        };
        let parts: Vec<String> = [("sent by", &u.senders), ("received by", &u.receivers)]
            .into_iter()
            .filter_map(|(verb, users)| users.describe().map(|d| format!("{verb} {d}")))
            .collect();
        if parts.is_empty() {
            String::new()
        } else {
            format!(" ({})", parts.join("; "))
        }
    }

    /// Records a change under rule `id`, with the rule's Rust verdict unless `rust` narrows it.
    /// Reports `subject` becoming required or optional (`was`, `is`) under the rule for that
    /// direction: `ids` is `[became required, became optional]`.
    pub(super) fn requiredness(
        &mut self,
        (was, is): (bool, bool),
        ids: [&'static str; 2],
        at: &At,
        rust: Option<Rust>,
        subject: &str,
    ) {
        match (was, is) {
            (false, true) => self.push(ids[0], at, rust, format!("{subject} became required")),
            (true, false) => self.push(ids[1], at, rust, format!("{subject} became optional")),
            _ => {}
        }
    }

    pub(super) fn push(&mut self, id: &'static str, at: &At, rust: Option<Rust>, message: String) {
        let rule = rule_for(id);
        let message = match at.label.strip_prefix("type ") {
            Some(name) => format!("{message}{}", self.users_note(name)),
            None => message,
        };
        let file = |api: &Api| api.sources.first().cloned().unwrap_or_default();
        let (old_file, new_file) = (file(self.old), file(self.new));
        self.changes.push(Change {
            id,
            wire: rule.wire,
            rust: rust.unwrap_or(rule.rust),
            api: self.new.module.clone(),
            operation: at.label.clone(),
            location: Locations {
                base: at.base.as_deref().map(|o| position(&old_file, o)),
                revision: at.revision.as_deref().map(|o| position(&new_file, o)),
            },
            message,
        });
    }

    /// Compares everything and returns the changes.
    pub fn run(mut self) -> Vec<Change> {
        self.servers();
        self.operations();
        self.types();
        self.changes
    }

    fn servers(&mut self) {
        let api = At {
            label: "client".into(),
            base: None,
            revision: None,
        };
        for s in &self.old.servers {
            if !self.new.servers.iter().any(|n| n.fn_name == s.fn_name) {
                let m = format!("server `{}` ({}) removed", s.fn_name, s.url);
                self.push("server-removed", &api, None, m);
            }
        }
        for s in &self.new.servers {
            if !self.old.servers.iter().any(|o| o.fn_name == s.fn_name) {
                let m = format!("server `{}` ({}) added", s.fn_name, s.url);
                self.push("server-added", &api, None, m);
            }
        }
    }

    fn operations(&mut self) {
        let old: BTreeMap<_, &Operation> =
            self.old.operations.iter().map(|o| (op_key(o), o)).collect();
        let new: BTreeMap<_, &Operation> =
            self.new.operations.iter().map(|o| (op_key(o), o)).collect();
        for (key, o) in &old {
            let at = At {
                label: op_label(o),
                base: Some(o.origin.clone()),
                revision: None,
            };
            match new.get(key) {
                Some(n) => self.operation(o, n),
                None if o.deprecated.is_some() => {
                    let m = format!("deprecated operation `{}` removed", o.fn_name);
                    self.push("endpoint-removed", &at, None, m);
                }
                None if new.keys().any(|(path, _)| *path == key.0) => {
                    let m = format!("operation `{}` removed without deprecation", o.fn_name);
                    self.push("api-removed-without-deprecation", &at, None, m);
                }
                None => {
                    let m = format!(
                        "path and operation `{}` removed without deprecation",
                        o.fn_name
                    );
                    self.push("api-path-removed-without-deprecation", &at, None, m);
                }
            }
        }
        for (key, n) in &new {
            if !old.contains_key(key) {
                let at = At {
                    label: op_label(n),
                    base: None,
                    revision: Some(n.origin.clone()),
                };
                let m = format!("operation added: `Client::{}`", n.fn_name);
                self.push("endpoint-added", &at, None, m);
            }
        }
    }

    fn operation(&mut self, o: &'a Operation, n: &'a Operation) {
        let at = At {
            label: op_label(n),
            base: Some(o.origin.clone()),
            revision: Some(n.origin.clone()),
        };
        if o.fn_name != n.fn_name {
            let m = format!("method renamed from `{}` to `{}`", o.fn_name, n.fn_name);
            self.push("operation-method-renamed", &at, None, m);
        }
        match (&o.deprecated, &n.deprecated) {
            (None, Some(_)) => self.push(
                "endpoint-deprecated",
                &at,
                None,
                "operation deprecated".into(),
            ),
            (Some(_), None) => self.push(
                "endpoint-reactivated",
                &at,
                None,
                "operation no longer deprecated".into(),
            ),
            _ => {}
        }
        self.parameters(&at, o, n);
        self.body(&at, o.body.as_ref(), n.body.as_ref());
        self.responses(&at, o, n);
    }

    fn parameters(&mut self, at: &At, o: &'a Operation, n: &'a Operation) {
        let (op, np) = (path_params(o), path_params(n));
        for (a, b) in op.iter().zip(&np) {
            self.parameter(at, a, b);
        }
        let key = |p: &Parameter| (p.location, p.wire_name.to_ascii_lowercase());
        let others = |op: &'a Operation| -> BTreeMap<(ParamLocation, String), &'a Parameter> {
            op.params
                .iter()
                .filter(|p| p.location != ParamLocation::Path)
                .map(|p| (key(p), p))
                .collect()
        };
        let (mut oq, mut nq) = (others(o), others(n));
        oq.extend(op.iter().skip(np.len()).map(|p| (key(p), *p)));
        nq.extend(np.iter().skip(op.len()).map(|p| (key(p), *p)));
        let moved: Vec<_> = oq
            .iter()
            .filter(|(k, _)| !nq.contains_key(*k))
            .filter_map(|(k, p)| {
                nq.iter()
                    .find(|(nk, _)| nk.1 == k.1 && !oq.contains_key(*nk))
                    .map(|(nk, q)| (k.clone(), nk.clone(), *p, *q))
            })
            .collect();
        for (ok, nk, p, q) in moved {
            oq.remove(&ok);
            nq.remove(&nk);
            let rust =
                (p.grouped() && q.grouped() && p.required == q.required).then_some(Rust::None);
            let m = format!(
                "parameter `{}` moved from {} to {}",
                p.wire_name,
                loc(p.location),
                loc(q.location)
            );
            self.push("request-parameter-location-changed", at, rust, m);
        }
        for (k, p) in &oq {
            match nq.get(k) {
                Some(q) => self.parameter(at, p, q),
                None => {
                    let m = format!("{} parameter `{}` removed", loc(p.location), p.wire_name);
                    let rust = p.signature.then_some(Rust::None);
                    self.push("request-parameter-removed", at, rust, m);
                }
            }
        }
        for (k, q) in &nq {
            if !oq.contains_key(k) {
                let (id, what) = if q.required {
                    ("new-required-request-parameter", "required")
                } else {
                    ("new-optional-request-parameter", "optional")
                };
                let m = format!("new {what} {} parameter `{}`", loc(q.location), q.wire_name);
                let rust = q.signature.then_some(Rust::None);
                self.push(id, at, rust, m);
            }
        }
    }

    fn parameter(&mut self, at: &At, p: &Parameter, q: &Parameter) {
        let name = format!("{} parameter `{}`", loc(q.location), q.wire_name);
        // Idempotency keys are always `Option` arguments and signature headers are no argument.
        let fixed_rust = (p.idempotency_key && q.idempotency_key) || (p.signature && q.signature);
        let rust = fixed_rust.then_some(Rust::None);
        self.requiredness(
            (p.required, q.required),
            [
                "request-parameter-became-required",
                "request-parameter-became-optional",
            ],
            at,
            rust,
            &name,
        );
        match ref_diff(&self.old_types, &p.ty, &self.new_types, &q.ty) {
            RefDiff::Same => {}
            RefDiff::RustOnly => self.push(
                "rust-type-changed",
                at,
                None,
                format!("{name}: Rust type changed, wire shape did not"),
            ),
            _ => {
                let m = format!(
                    "{name} type changed from {} to {}",
                    text(&p.ty),
                    text(&q.ty)
                );
                self.push("request-parameter-type-changed", at, rust, m);
            }
        }
        let request = Travels {
            request: true,
            response: false,
        };
        self.number_bounds(at, &name, p.bounds.as_ref(), q.bounds.as_ref(), request);
        if p.deprecated.is_none() && q.deprecated.is_some() {
            let rust = (!q.grouped()).then_some(Rust::None);
            self.push(
                "request-parameter-deprecated",
                at,
                rust,
                format!("{name} deprecated"),
            );
        }
    }

    fn body(&mut self, at: &At, o: Option<&RequestBody>, n: Option<&RequestBody>) {
        let (o, n) = match (o, n) {
            (None, None) => return,
            (Some(_), None) => {
                return self.push(
                    "request-body-removed",
                    at,
                    None,
                    "request body removed".into(),
                );
            }
            (None, Some(n)) if n.required => {
                return self.push(
                    "request-body-added-required",
                    at,
                    None,
                    "a request body is now required".into(),
                );
            }
            (None, Some(_)) => {
                return self.push(
                    "request-body-added-optional",
                    at,
                    None,
                    "an optional request body is now accepted".into(),
                );
            }
            (Some(o), Some(n)) => (o, n),
        };
        self.requiredness(
            (o.required, n.required),
            [
                "request-body-became-required",
                "request-body-became-optional",
            ],
            at,
            None,
            "request body",
        );
        use BodyContent as B;
        let media = |c: &BodyContent| match c {
            B::Json { media_type, .. } | B::Binary { media_type } | B::Text { media_type } => {
                media_type.clone()
            }
            B::Multipart { .. } => "multipart/form-data".into(),
            B::Form { .. } => "application/x-www-form-urlencoded".into(),
        };
        let diff = match (&o.content, &n.content) {
            (B::Json { ty: a, .. }, B::Json { ty: b, .. })
            | (B::Form { ty: a }, B::Form { ty: b }) => {
                ref_diff(&self.old_types, a, &self.new_types, b)
            }
            (B::Multipart { ty: a, .. }, B::Multipart { ty: b, .. }) => {
                let (a, b) = (
                    specgen_ir::ir::TypeRef::Named(a.clone()),
                    specgen_ir::ir::TypeRef::Named(b.clone()),
                );
                ref_diff(&self.old_types, &a, &self.new_types, &b)
            }
            (B::Binary { .. }, B::Binary { .. }) | (B::Text { .. }, B::Text { .. }) => {
                RefDiff::Same
            }
            _ => RefDiff::Changed,
        };
        let (mo, mn) = (media(&o.content), media(&n.content));
        match diff {
            RefDiff::Same if mo != mn => self.push(
                "request-body-media-type-changed",
                at,
                None,
                format!("request media type changed from {mo} to {mn}"),
            ),
            RefDiff::Same => {}
            RefDiff::RustOnly => self.push(
                "rust-type-changed",
                at,
                None,
                "request body: Rust type changed, wire shape did not".into(),
            ),
            _ => self.push(
                "request-body-type-changed",
                at,
                None,
                format!(
                    "request body changed from {} to {}",
                    body_text(&o.content),
                    body_text(&n.content)
                ),
            ),
        }
    }

    fn responses(&mut self, at: &At, o: &Operation, n: &Operation) {
        let or: BTreeMap<Status, &Response> = o.responses.iter().map(|r| (r.status, r)).collect();
        let nr: BTreeMap<Status, &Response> = n.responses.iter().map(|r| (r.status, r)).collect();
        for (s, r) in &or {
            match nr.get(s) {
                Some(q) => self.response(at, r, q),
                None if s.is_success() => self.push(
                    "response-success-status-removed",
                    at,
                    None,
                    format!("status {} removed", status_text(*s)),
                ),
                None => self.push(
                    "response-non-success-status-removed",
                    at,
                    None,
                    format!("status {} removed", status_text(*s)),
                ),
            }
        }
        for s in nr.keys().filter(|s| !or.contains_key(s)) {
            let id = if s.is_success() {
                "response-success-status-added"
            } else {
                "response-non-success-status-added"
            };
            self.push(id, at, None, format!("status {} added", status_text(*s)));
        }
    }

    fn response(&mut self, at: &At, r: &Response, q: &Response) {
        let status = status_text(q.status);
        use ResponseBody as R;
        match (&r.body, &q.body) {
            (None, None) => {}
            (Some(_), None) => self.push(
                "response-body-removed",
                at,
                None,
                format!("{status} response body removed"),
            ),
            (None, Some(_)) => self.push(
                "response-body-added",
                at,
                None,
                format!("{status} response now has a body"),
            ),
            (Some(a), Some(b)) => {
                let diff = match (a, b) {
                    (R::Json { ty: x, .. }, R::Json { ty: y, .. }) => {
                        ref_diff(&self.old_types, x, &self.new_types, y)
                    }
                    (R::Text { .. }, R::Text { .. }) | (R::Binary { .. }, R::Binary { .. }) => {
                        RefDiff::Same
                    }
                    _ => RefDiff::Changed,
                };
                let media = |b: &ResponseBody| match b {
                    R::Json { media_type, .. }
                    | R::Text { media_type }
                    | R::Binary { media_type } => media_type.clone(),
                };
                let (ma, mb) = (media(a), media(b));
                match diff {
                    RefDiff::Same if ma != mb => self.push(
                        "response-media-type-changed",
                        at,
                        None,
                        format!("{status} media type changed from {ma} to {mb}"),
                    ),
                    RefDiff::Same => {}
                    RefDiff::RustOnly => self.push(
                        "rust-type-changed",
                        at,
                        None,
                        format!("{status} response body: Rust type changed, wire shape did not"),
                    ),
                    _ => self.push(
                        "response-body-type-changed",
                        at,
                        None,
                        format!(
                            "{status} response body changed from {} to {}",
                            response_text(a),
                            response_text(b)
                        ),
                    ),
                }
            }
        }
        for h in &r.headers {
            let name = format!("{status} header `{}`", h.wire_name);
            match q
                .headers
                .iter()
                .find(|g| g.wire_name.eq_ignore_ascii_case(&h.wire_name))
            {
                None if h.required => self.push(
                    "response-required-header-removed",
                    at,
                    None,
                    format!("{name} removed"),
                ),
                None => self.push(
                    "response-optional-header-removed",
                    at,
                    None,
                    format!("{name} removed"),
                ),
                Some(g) => {
                    self.requiredness(
                        (h.required, g.required),
                        [
                            "response-header-became-required",
                            "response-header-became-optional",
                        ],
                        at,
                        None,
                        &name,
                    );
                    match ref_diff(&self.old_types, &h.ty, &self.new_types, &g.ty) {
                        RefDiff::Same => {}
                        RefDiff::RustOnly => self.push(
                            "rust-type-changed",
                            at,
                            None,
                            format!("{name}: Rust type changed, wire shape did not"),
                        ),
                        _ => self.push(
                            "response-header-type-changed",
                            at,
                            None,
                            format!(
                                "{name} type changed from {} to {}",
                                text(&h.ty),
                                text(&g.ty)
                            ),
                        ),
                    }
                    let response = Travels {
                        request: false,
                        response: true,
                    };
                    self.number_bounds(at, &name, h.bounds.as_ref(), g.bounds.as_ref(), response);
                }
            }
        }
        for g in &q.headers {
            if !r
                .headers
                .iter()
                .any(|h| h.wire_name.eq_ignore_ascii_case(&g.wire_name))
            {
                self.push(
                    "new-response-header",
                    at,
                    None,
                    format!("{status} header `{}` added", g.wire_name),
                );
            }
        }
    }
}

fn path_params(op: &Operation) -> Vec<&Parameter> {
    op.params
        .iter()
        .filter(|p| p.location == ParamLocation::Path)
        .collect()
}

fn loc(l: ParamLocation) -> &'static str {
    match l {
        ParamLocation::Path => "path",
        ParamLocation::Query => "query",
        ParamLocation::Header => "header",
        ParamLocation::Cookie => "cookie",
    }
}

/// A type reference as the surface snapshots write it (`[Client]`, `string?`).
pub fn text(t: &specgen_ir::ir::TypeRef) -> String {
    use specgen_ir::ir::TypeRef as T;
    match t {
        T::Named(n) => n.clone(),
        T::Primitive(p) => format!("{p:?}").to_lowercase(),
        T::Array(i) => format!("[{}]", text(i)),
        T::Map(i) => format!("{{string: {}}}", text(i)),
        T::Nullable(i) => format!("{}?", text(i)),
        T::Boxed(i) => text(i),
        T::Json => "any".into(),
        T::FreeForm { shape, nullable } => {
            let shape = format!("{shape:?}").to_lowercase();
            if *nullable {
                format!("{shape}?")
            } else {
                shape
            }
        }
    }
}

fn body_text(c: &BodyContent) -> String {
    match c {
        BodyContent::Json { media_type, ty, .. } => format!("{media_type} {}", text(ty)),
        BodyContent::Multipart { ty, .. } => format!("multipart/form-data {ty}"),
        BodyContent::Form { ty } => format!("form {}", text(ty)),
        BodyContent::Binary { media_type } => format!("{media_type} bytes"),
        BodyContent::Text { media_type } => format!("{media_type} text"),
    }
}

fn response_text(b: &ResponseBody) -> String {
    match b {
        ResponseBody::Json { media_type, ty, .. } => format!("{media_type} {}", text(ty)),
        ResponseBody::Text { media_type } => format!("{media_type} text"),
        ResponseBody::Binary { media_type } => format!("{media_type} bytes"),
    }
}
