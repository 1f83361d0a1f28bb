//! Per-operation types: typed response headers, the params struct, and the success and error
//! enums with their `ApiErrorStatus` impls (status, operation name and the vendor's message).

use super::text::{self, Writer};
use super::types::field_line;
use super::{Scope, docs, ident, ty};
use crate::ir::*;
use proc_macro2::TokenStream;
use quote::quote;

fn body_type(body: &Option<ResponseBody>, scope: Scope) -> TokenStream {
    match body {
        None => quote!(()),
        Some(ResponseBody::Json { ty: t, .. }) => ty(t, scope),
        Some(ResponseBody::Text { .. }) => quote!(::std::string::String),
        Some(ResponseBody::Binary { .. }) => quote!(::std::vec::Vec<u8>),
    }
}

pub(super) fn response_value_type(r: &Response, scope: Scope) -> TokenStream {
    let body = body_type(&r.body, scope);
    let headers = match &r.headers_type {
        Some(h) => {
            let h = ident(h);
            match scope {
                Scope::Types => quote!(#h),
                Scope::Client => quote!(types::#h),
            }
        }
        None => quote!(()),
    };
    quote!(crate::runtime::ResponseValue<#body, #headers>)
}

pub(super) fn emit_headers_struct(name: &str, headers: &[ResponseHeader]) -> TokenStream {
    let sname = ident(name);
    let fields = headers.iter().map(|h| {
        let fname = ident(&h.name);
        let t = ty(&h.ty, Scope::Types);
        let doc = docs(&[Some(&format!("`{}`", h.wire_name)), h.docs.as_deref()]);
        if h.required {
            quote!(#doc pub #fname: #t,)
        } else {
            quote!(#doc pub #fname: ::std::option::Option<#t>,)
        }
    });
    let reads = headers.iter().map(|h| {
        let fname = ident(&h.name);
        let wire = &h.wire_name;
        if h.required {
            quote!(#fname: crate::runtime::required_header(headers, #wire)?,)
        } else {
            quote!(#fname: crate::runtime::header_value(headers, #wire)?,)
        }
    });
    quote! {
        /// Documented response headers.
        #[derive(Debug, Clone, PartialEq)]
        pub struct #sname {
            #(#fields)*
        }

        impl crate::runtime::FromHeaders for #sname {
            fn from_headers(headers: &crate::runtime::HeaderMap) -> ::std::result::Result<Self, ::std::string::String> {
                Ok(Self { #(#reads)* })
            }
        }
    }
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
            let t = text::ty(&p.ty, false);
            let t = if p.required {
                t
            } else {
                format!("::std::option::Option<{t}>")
            };
            field_line(w, &format!("pub {}: ", p.name), &t, ",");
        }
    });
    w.line("}");
}

/// Property names that carry a vendor's human-readable error message, in order of preference.
const MESSAGE_FIELDS: &[&str] = &["message", "error_message", "detail", "error", "title"];

/// How to read the vendor's error message from a response's body, when its type has one.
fn message_of(r: &Response, api: &Api) -> TokenStream {
    let none = quote!(::std::option::Option::None);
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
        Some(f) if f.required => {
            let fname = ident(&f.name);
            quote!(::std::option::Option::Some(r.body.#fname.as_str()))
        }
        Some(f) => {
            let fname = ident(&f.name);
            quote!(r.body.#fname.as_deref())
        }
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

/// The doc line of a response variant: its status, and the response's description when every
/// operation that uses the enum gives the same one.
fn variant_doc(r: &Response, owner: &Owner) -> TokenStream {
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
    docs(&[Some(&status), description])
}

pub(super) fn emit_response_enum(
    name: &str,
    owner: Owner,
    responses: &[&Response],
    errors: bool,
    api: &Api,
) -> TokenStream {
    let ename = ident(name);
    let variants = responses.iter().map(|r| {
        let v = ident(&r.variant);
        let t = response_value_type(r, Scope::Types);
        let doc = variant_doc(r, &owner);
        quote!(#doc #v(#t),)
    });
    let statuses = responses.iter().map(|r| {
        let v = ident(&r.variant);
        quote!(Self::#v(r) => r.status,)
    });
    let attempts = responses.iter().map(|r| {
        let v = ident(&r.variant);
        quote!(Self::#v(r) => r.attempts,)
    });
    let messages = responses.iter().map(|r| {
        let v = ident(&r.variant);
        let message = message_of(r, api);
        quote!(Self::#v(r) => #message,)
    });
    let what = if errors {
        "Documented error responses"
    } else {
        "Documented success responses"
    };
    let (doc, operation) = match owner {
        Owner::Single(op) => {
            let operation = op.fn_name.trim_start_matches("r#");
            let doc = format!(
                " {what} of `{operation}` (`{} {}`).",
                op.method.as_str(),
                op.path
            );
            (doc, quote!(#operation))
        }
        Owner::Shared(ops) => {
            let doc = format!(
                " {what} that {} operations share; each has an alias named after it (the first is `{}`).",
                ops.len(),
                alias_of(ops[0], errors)
            );
            let arms = responses.iter().map(|r| {
                let v = ident(&r.variant);
                quote!(Self::#v(r) => r.operation,)
            });
            (doc, quote!(match self { #(#arms)* }))
        }
    };
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone)]
        pub enum #ename {
            #(#variants)*
        }

        impl crate::runtime::ApiErrorStatus for #ename {
            fn status(&self) -> u16 {
                match self {
                    #(#statuses)*
                }
            }

            fn operation(&self) -> &'static str {
                #operation
            }

            fn attempts(&self) -> u32 {
                match self {
                    #(#attempts)*
                }
            }

            #[allow(unused_variables)]
            fn message(&self) -> ::std::option::Option<&str> {
                match self {
                    #(#messages)*
                }
            }
        }
    }
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
