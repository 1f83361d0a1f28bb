//! The `{op}_stream` method of a paged list operation: it walks every page and yields the items
//! one by one. Which operations page, and how, is decided by `passes::pagination`; the method's
//! name is claimed by the naming pass (`Operation::stream_fn`).

use super::operation::{arg_type_text, result_types_text};
use super::text::{self, Writer, lit};
use crate::ir::*;
use crate::passes::pagination::detect_pagination;

/// `{op}_stream`: every item of every page, in order, as a `runtime::ItemStream`; nothing when
/// the operation does not page.
pub(super) fn stream_method_text(w: &mut Writer, op: &Operation, api: &Api, cfg: &[String]) {
    let (Some(name), Some(shape), Some(params_type)) = (
        op.stream_fn.as_deref(),
        detect_pagination(op, api),
        op.params_type.as_ref(),
    ) else {
        return;
    };
    let op_label = op.fn_name.trim_start_matches("r#");
    let positional: Vec<&Parameter> = op
        .params
        .iter()
        .filter(|p| !p.signature && !p.grouped() && !p.idempotency_key)
        .collect();
    let call_args: Vec<String> = op
        .params
        .iter()
        .filter(|p| !p.signature && !p.grouped())
        .map(|p| {
            if p.idempotency_key {
                "::std::option::Option::None".to_owned()
            } else {
                format!("&{}", p.name)
            }
        })
        .chain(["&params".to_owned()])
        .collect();
    let param = &shape.param;
    let (style, first, set, next) = match shape.style {
        PageStyle::Cursor => {
            let Some(next) = shape.next.as_ref() else {
                return;
            };
            (
                "crate::runtime::PageStyle::Cursor",
                format!("crate::runtime::PageRequest::Cursor(params.{param}.clone())"),
                [
                    "if let crate::runtime::PageRequest::Cursor(cursor) = request {".to_owned(),
                    format!("params.{param} = cursor;"),
                ],
                format!("crate::runtime::NextCursor::next_cursor(&response.body.{next})"),
            )
        }
        style => {
            let (runtime_style, default) = match style {
                PageStyle::Page => ("crate::runtime::PageStyle::Page", 1),
                _ => ("crate::runtime::PageStyle::Offset", 0),
            };
            (
                runtime_style,
                format!(
                    "crate::runtime::PageRequest::Number(params.{param}.map_or({default}, |n| n as u64))"
                ),
                [
                    "if let crate::runtime::PageRequest::Number(n) = request {".to_owned(),
                    format!("params.{param} = ::std::option::Option::Some(n as _);"),
                ],
                "::std::option::Option::None".to_owned(),
            )
        }
    };
    let summary = format!(
        "Every item of [`Self::{op_label}`], page after page ({} paging on `{}`), as a stream.",
        format!("{:?}", shape.style).to_lowercase(),
        param.trim_start_matches("r#"),
    );
    w.cfg(cfg);
    w.docs(&[
        Some(&summary),
        Some(
            "It stops after the last page, and fails with `Error::InvalidResponse` when the server repeats a cursor or a page instead of looping forever. Each page is one call, retried as the client's policy allows.",
        ),
    ]);
    let mut args = vec!["&self".to_owned()];
    args.extend(
        positional
            .iter()
            .map(|p| format!("{}: {}", p.name, arg_type_text(p))),
    );
    args.push(format!("params: &types::{params_type}"));
    let (_, err_type) = result_types_text(op);
    let item = text::ty(&shape.item, true);
    let result = format!("crate::runtime::ItemStream<'_, {item}, {err_type}>");
    w.signature(&format!("pub fn {name}"), &args, &result);
    w.nested(|w| {
        for p in &positional {
            w.line(&format!(
                "let {0} = ::std::borrow::ToOwned::to_owned({0});",
                p.name
            ));
        }
        w.line("let params = params.clone();");
        w.call_line(&format!("let first = {first}"), ";");
        w.line("crate::runtime::paginate(");
        w.nested(|w| {
            w.line(&format!("{},", lit(op_label)));
            w.line(&format!("{style},"));
            w.line("first,");
            w.line("move |request| {");
            w.nested(|w| {
                w.line("let mut params = params.clone();");
                w.line(&set[0]);
                w.nested(|w| w.line(&set[1]));
                w.line("}");
                for p in &positional {
                    w.line(&format!(
                        "let {0} = ::std::borrow::ToOwned::to_owned(&{0});",
                        p.name
                    ));
                }
                w.line("async move {");
                w.nested(|w| page_call(w, op, &call_args, &shape.items, &next));
                w.line("}");
            });
            w.line("},");
        });
        w.line(")");
    });
    w.line("}");
}

/// The body of the per-page future: one call of the operation, its items and next cursor.
fn page_call(w: &mut Writer, op: &Operation, call_args: &[String], items: &str, next: &str) {
    let call = format!(
        "let response = self.{}({}).await?;",
        op.fn_name,
        call_args.join(", ")
    );
    if text::fits(w.indent(), call.len()) {
        w.line(&call);
    } else {
        w.list(
            &format!("let response = self.{}(", op.fn_name),
            call_args,
            ").await?;",
            true,
        );
    }
    w.line("::std::result::Result::Ok(crate::runtime::Page {");
    w.nested(|w| {
        w.line("status: response.status,");
        w.call_line(
            &format!("items: crate::runtime::PageItems::into_items(response.body.{items})"),
            ",",
        );
        w.call_line(&format!("next_cursor: {next}"), ",");
    });
    w.line("})");
}
