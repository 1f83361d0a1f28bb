//! Per-operation types: typed response headers, the params struct, and the success and error
//! enums with their `ApiErrorStatus` impls (status, operation name and the vendor's message).

use super::text::{self, Writer};
use crate::ir::*;

/// A response headers struct and its `FromHeaders` impl.
pub(super) fn headers_struct_text(
    w: &mut Writer,
    name: &str,
    headers: &[ResponseHeader],
    cfg: &[String],
) {
    w.cfg(cfg);
    w.line("/// Documented response headers.");
    w.line("#[derive(Debug, Clone, PartialEq)]");
    if headers.is_empty() {
        w.line(&format!("pub struct {name} {{}}"));
    } else {
        w.line(&format!("pub struct {name} {{"));
        w.nested(|w| {
            for h in headers {
                w.docs(&[Some(&format!("`{}`", h.wire_name)), h.docs.as_deref()]);
                let t = text::optional(text::ty(&h.ty, false), h.required);
                w.field_line(&format!("pub {}: ", h.name), &t, ",");
            }
        });
        w.line("}");
    }
    w.cfg(cfg);
    w.impl_for("crate::runtime::FromHeaders", name);
    w.nested(|w| {
        w.signature(
            "fn from_headers",
            &["headers: &crate::runtime::HeaderMap".to_owned()],
            "::std::result::Result<Self, ::std::string::String>",
        );
        w.nested(|w| {
            let reads: Vec<String> = headers
                .iter()
                .map(|h| {
                    let read = if h.required {
                        "required_header"
                    } else {
                        "header_value"
                    };
                    format!(
                        "{}: crate::runtime::{read}(headers, {})?",
                        h.name,
                        text::lit(&h.wire_name)
                    )
                })
                .collect();
            if reads.is_empty() {
                w.line("Ok(Self {})");
            } else {
                w.line("Ok(Self {");
                w.nested(|w| {
                    for read in &reads {
                        w.line(&format!("{read},"));
                    }
                });
                w.line("})");
            }
        });
        w.line("}");
    });
    w.line("}");
}

/// The struct that carries an operation's query, header and cookie parameters.
pub(super) fn params_struct_text(w: &mut Writer, name: &str, op: &Operation, cfg: &[String]) {
    let grouped: Vec<&Parameter> = op.params.iter().filter(|p| p.grouped()).collect();
    let doc = format!(
        "Query, header and cookie parameters of `{}` (`{} {}`).",
        op.fn_name.trim_start_matches("r#"),
        op.method.as_str(),
        op.path
    );
    w.cfg(cfg);
    w.docs(&[Some(&doc)]);
    if grouped.iter().all(|p| !p.required) {
        w.line("#[derive(Debug, Clone, PartialEq, Default)]");
    } else {
        w.line("#[derive(Debug, Clone, PartialEq)]");
    }
    if grouped.is_empty() {
        w.line(&format!("pub struct {name} {{}}"));
        return;
    }
    w.line(&format!("pub struct {name} {{"));
    w.nested(|w| {
        for p in &grouped {
            let location = format!("{:?}", p.location).to_lowercase();
            w.docs(&[
                Some(&format!("{location} `{}`", p.wire_name)),
                p.docs.as_deref(),
            ]);
            w.deprecated(&p.deprecated);
            let t = text::optional(text::ty(&p.ty, false), p.required);
            w.field_line(&format!("pub {}: ", p.name), &t, ",");
        }
    });
    w.line("}");
}

/// Property names that carry a vendor's human-readable error message, in order of preference.
const MESSAGE_FIELDS: &[&str] = &["message", "error_message", "detail", "error", "title"];

/// How to read the vendor's error message from a response's body, when its type has one.
fn message_of(r: &Response, api: &Api) -> String {
    let none = "::std::option::Option::None".to_owned();
    let Some(ResponseBody::Json {
        ty: TypeRef::Named(name),
        ..
    }) = &r.body
    else {
        return none;
    };
    let Some(TypeKind::Struct(s)) = api.types.iter().find(|d| &d.name == name).map(|d| &d.kind)
    else {
        return none;
    };
    let found = MESSAGE_FIELDS.iter().find_map(|wanted| {
        s.fields.iter().find(|f| {
            f.wire_name.eq_ignore_ascii_case(wanted)
                && matches!(
                    f.ty,
                    TypeRef::Primitive(Primitive::String | Primitive::Email)
                )
                && !f.sensitive
        })
    });
    match found {
        Some(f) if f.required => format!("::std::option::Option::Some(r.body.{}.as_str())", f.name),
        Some(f) => format!("r.body.{}.as_deref()", f.name),
        None => none,
    }
}

/// Who an emitted response enum belongs to: one operation, or every operation that shares it.
pub(super) enum Owner<'a> {
    /// The operation's own enum.
    Single(&'a Operation),
    /// One enum for operations whose responses are identical (`passes::response_sets`).
    Shared(&'a [&'a Operation]),
}

/// The doc lines of a response variant: its status, and the response's description when every
/// operation that uses the enum gives the same one.
fn variant_doc(w: &mut Writer, r: &Response, owner: &Owner) {
    let status = match r.status {
        Status::Code(c) => format!("Status {c}."),
        Status::Range(d) => format!("Any {d}xx status."),
        Status::Default => "Any other status (`default`).".to_owned(),
    };
    let description = match owner {
        Owner::Single(_) => r.docs.as_deref(),
        Owner::Shared(ops) => {
            // Statuses are unique within an operation, so the status finds its own response.
            let mut texts = ops.iter().map(|op| {
                op.responses
                    .iter()
                    .find(|o| o.status == r.status)
                    .and_then(|o| o.docs.as_deref())
            });
            let first = texts.next().flatten();
            texts.all(|t| t == first).then_some(first).flatten()
        }
    };
    w.docs(&[Some(&status), description]);
}

/// `fn name(&self) -> ret { match self { Self::V(r) => value, … } }` for every response.
fn per_variant(
    w: &mut Writer,
    signature: &str,
    responses: &[&Response],
    value: impl Fn(&Response) -> String,
) {
    w.line(&format!("{signature} {{"));
    w.nested(|w| {
        w.line("match self {");
        w.nested(|w| {
            for r in responses {
                w.arm(&format!("Self::{}(r)", r.variant), &value(r));
            }
        });
        w.line("}");
    });
    w.line("}");
}

/// A success or error enum with its `ApiErrorStatus` impl.
pub(super) fn response_enum_text(
    w: &mut Writer,
    name: &str,
    owner: Owner,
    responses: &[&Response],
    errors: bool,
    api: &Api,
    cfg: &[String],
) {
    let what = if errors {
        "Documented error responses"
    } else {
        "Documented success responses"
    };
    let doc = match &owner {
        Owner::Single(op) => format!(
            "{what} of `{}` (`{} {}`).",
            op.fn_name.trim_start_matches("r#"),
            op.method.as_str(),
            op.path
        ),
        Owner::Shared(ops) => format!(
            "{what} that {} operations share; each has an alias named after it (the first is `{}`).",
            ops.len(),
            alias_of(ops[0], errors)
        ),
    };
    w.cfg(cfg);
    w.docs(&[Some(&doc)]);
    w.line("#[derive(Debug, Clone)]");
    w.line(&format!("pub enum {name} {{"));
    w.nested(|w| {
        for r in responses {
            variant_doc(w, r, &owner);
            let t = super::operation::response_value_text(r, false);
            let line = format!("{}({t}),", r.variant);
            if text::fits(w.indent(), line.len()) {
                w.line(&line);
            } else {
                w.line(&format!("{}(", r.variant));
                w.nested(|w| w.field_line("", &t, ","));
                w.line("),");
            }
        }
    });
    w.line("}");
    w.cfg(cfg);
    w.impl_for("crate::runtime::ApiErrorStatus", name);
    w.nested(|w| {
        per_variant(w, "fn status(&self) -> u16", responses, |_| {
            "r.status".into()
        });
        match &owner {
            Owner::Single(op) => {
                w.line("fn operation(&self) -> &'static str {");
                w.nested(|w| w.line(&text::lit(op.fn_name.trim_start_matches("r#"))));
                w.line("}");
            }
            Owner::Shared(_) => {
                per_variant(w, "fn operation(&self) -> &'static str", responses, |_| {
                    "r.operation".into()
                })
            }
        }
        per_variant(w, "fn attempts(&self) -> u32", responses, |_| {
            "r.attempts".into()
        });
        w.line("#[allow(unused_variables)]");
        let signature = "fn message(&self) -> ::std::option::Option<&str>";
        per_variant(w, signature, responses, |r| message_of(r, api));
    });
    w.line("}");
}

/// The per-operation name of an operation's error or success enum.
fn alias_of(op: &Operation, errors: bool) -> &str {
    let name = if errors {
        &op.error_type
    } else {
        &op.success_type
    };
    name.as_deref()
        .expect("only operations with a response enum share one")
}

/// `pub type ApplyError = SharedName;`: the per-operation name of a shared enum, documented as
/// the operation's own, with the descriptions of its responses.
pub(super) fn response_alias_text(
    w: &mut Writer,
    op: &Operation,
    shared: &str,
    responses: &[&Response],
    errors: bool,
    cfg: &[String],
) {
    let what = if errors {
        "Documented error responses"
    } else {
        "Documented success responses"
    };
    let heading = format!(
        "{what} of `{}` (`{} {}`), an alias of [`{shared}`], which other operations with the same responses share.",
        op.fn_name.trim_start_matches("r#"),
        op.method.as_str(),
        op.path
    );
    let described: Vec<String> = responses
        .iter()
        .filter_map(|r| {
            let text = r.docs.as_deref()?.trim();
            let first = text.lines().next()?.trim();
            (!first.is_empty()).then(|| format!("- `{}`: {first}", r.variant))
        })
        .collect();
    let list = described.join("\n");
    w.cfg(cfg);
    w.docs(&[Some(&heading), Some(&list)]);
    w.line(&format!("pub type {} = {shared};", alias_of(op, errors)));
}
