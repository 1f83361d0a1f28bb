//! The `{op}_stream` method of a paged list operation: it walks every page and yields the items
//! one by one. Which operations page, and how, is decided by `passes::pagination`; the method's
//! name is claimed by the naming pass (`Operation::stream_fn`).

use super::{Scope, docs, ident, operation::arg_type, operation::result_types, ty};
use crate::ir::*;
use crate::passes::pagination::detect_pagination;
use proc_macro2::TokenStream;
use quote::quote;

/// `{op}_stream`: every item of every page, in order, as a `runtime::ItemStream`.
pub(super) fn emit_stream_method(op: &Operation, api: &Api) -> Option<TokenStream> {
    let name = ident(op.stream_fn.as_deref()?);
    let shape = detect_pagination(op, api)?;
    let op_name = ident(&op.fn_name);
    let op_label = op.fn_name.trim_start_matches("r#");
    let positional: Vec<&Parameter> = op
        .params
        .iter()
        .filter(|p| !p.signature && !p.grouped() && !p.idempotency_key)
        .collect();
    let args = positional.iter().map(|p| {
        let n = ident(&p.name);
        let t = arg_type(p);
        quote!(#n: #t)
    });
    let owned = positional.iter().map(|p| {
        let n = ident(&p.name);
        quote!(let #n = ::std::borrow::ToOwned::to_owned(#n);)
    });
    let per_page = positional.iter().map(|p| {
        let n = ident(&p.name);
        quote!(let #n = ::std::borrow::ToOwned::to_owned(&#n);)
    });
    let call_args = op
        .params
        .iter()
        .filter(|p| !p.signature && !p.grouped())
        .map(|p| {
            if p.idempotency_key {
                quote!(::std::option::Option::None)
            } else {
                let n = ident(&p.name);
                quote!(&#n)
            }
        });
    let params_type = ident(op.params_type.as_ref()?);
    let param = ident(&shape.param);
    let items = ident(&shape.items);
    let item = ty(&shape.item, Scope::Client);
    let (_, err_type) = result_types(op);
    let (style, first, set, next) = match shape.style {
        PageStyle::Cursor => {
            let next = ident(shape.next.as_ref()?);
            (
                quote!(crate::runtime::PageStyle::Cursor),
                quote!(crate::runtime::PageRequest::Cursor(params.#param.clone())),
                quote!(if let crate::runtime::PageRequest::Cursor(cursor) = request { params.#param = cursor; }),
                quote!(crate::runtime::NextCursor::next_cursor(&response.body.#next)),
            )
        }
        style => {
            let (runtime_style, default) = match style {
                PageStyle::Page => (quote!(crate::runtime::PageStyle::Page), quote!(1)),
                _ => (quote!(crate::runtime::PageStyle::Offset), quote!(0)),
            };
            (
                runtime_style,
                quote!(crate::runtime::PageRequest::Number(params.#param.map_or(#default, |n| n as u64))),
                quote!(if let crate::runtime::PageRequest::Number(n) = request { params.#param = ::std::option::Option::Some(n as _); }),
                quote!(::std::option::Option::None),
            )
        }
    };
    let summary = format!(
        "Every item of [`Self::{}`], page after page ({} paging on `{}`), as a stream.",
        op.fn_name.trim_start_matches("r#"),
        format!("{:?}", shape.style).to_lowercase(),
        shape.param.trim_start_matches("r#"),
    );
    let doc = docs(&[
        Some(&summary),
        Some(
            "It stops after the last page, and fails with `Error::InvalidResponse` when the server repeats a cursor or a page instead of looping forever. Each page is one call, retried as the client's policy allows.",
        ),
    ]);
    Some(quote! {
        #doc
        pub fn #name(&self, #(#args,)* params: &types::#params_type) -> crate::runtime::ItemStream<'_, #item, #err_type> {
            #(#owned)*
            let params = params.clone();
            let first = #first;
            crate::runtime::paginate(#op_label, #style, first, move |request| {
                let mut params = params.clone();
                #set
                #(#per_page)*
                async move {
                    let response = self.#op_name(#(#call_args,)* &params).await?;
                    ::std::result::Result::Ok(crate::runtime::Page {
                        status: response.status,
                        items: crate::runtime::PageItems::into_items(response.body.#items),
                        next_cursor: #next,
                    })
                }
            })
        }
    })
}
