//! Paged list operations: which operations page, and how. The emitter writes a `{op}_stream`
//! method for each, named by the naming pass.
//!
//! The rule, applied when no overlay declares `x-specgen-pagination` on the operation: a `GET`
//! without a request body, with a single success response whose JSON body is an object holding
//! an array property named `items`, `data`, `results`, `records`, `entries` or `elements`, and an
//! optional query parameter that selects the page:
//!
//! - **cursor**: a string parameter `cursor`, `page_token`, `next_token`, `continuation_token`,
//!   `starting_after` or `after`, and a string response property `next_page`, `next_cursor`,
//!   `next_page_token`, `next_token`, `cursor` or `next` with the next cursor;
//! - **offset**: an integer parameter `offset` or `skip`, advanced by the items received;
//! - **page**: an integer parameter `page` or `page_number`, counting up from the first page
//!   requested (1 when the caller passes none).
//!
//! Names are compared lower case with `_` and `-` removed, so `pageToken` matches `page_token`.
//! An overlay declares what the names do not say (`{style: cursor, param: cursor, items:
//! items, next: next_page}`), or turns detection off with `{style: none}`.

use crate::ir::*;

const ITEMS: &[&str] = &["items", "data", "results", "records", "entries", "elements"];
const CURSOR_PARAMS: &[&str] = &[
    "cursor",
    "pagetoken",
    "nexttoken",
    "continuationtoken",
    "startingafter",
    "after",
];
const NEXT_FIELDS: &[&str] = &[
    "nextpage",
    "nextcursor",
    "nextpagetoken",
    "nexttoken",
    "cursor",
    "next",
];
const OFFSET_PARAMS: &[&str] = &["offset", "skip"];
const PAGE_PARAMS: &[&str] = &["page", "pagenumber"];

/// A paged operation, resolved to the Rust names the stream method uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageShape {
    /// How the next page is asked for.
    pub style: PageStyle,
    /// The params-struct field that selects the page.
    pub param: String,
    /// The response field holding the items.
    pub items: String,
    /// The item type.
    pub item: TypeRef,
    /// For cursors, the response field with the next cursor.
    pub next: Option<String>,
}

fn is_string(t: &TypeRef) -> bool {
    match t {
        TypeRef::Primitive(Primitive::String) => true,
        TypeRef::Nullable(inner) => is_string(inner),
        _ => false,
    }
}

fn is_integer(t: &TypeRef) -> bool {
    matches!(
        t,
        TypeRef::Primitive(Primitive::I32 | Primitive::I64 | Primitive::U64)
    )
}

fn array_item(t: &TypeRef) -> Option<&TypeRef> {
    match t {
        TypeRef::Array(item) => Some(item),
        TypeRef::Nullable(inner) => array_item(inner),
        _ => None,
    }
}

/// How `op` pages: the overlay's declaration when there is one, else the naming rule above.
pub fn detect_pagination(op: &Operation, api: &Api) -> Option<PageShape> {
    if op
        .pagination
        .as_ref()
        .is_some_and(|p| p.style == PageStyle::None)
    {
        return None;
    }
    let declared = op.pagination.as_ref();
    if declared.is_none() && (op.method != Method::Get || op.body.is_some()) {
        return None;
    }
    let successes: Vec<&Response> = op.success_responses().collect();
    let [single] = successes.as_slice() else {
        return None;
    };
    let Some(ResponseBody::Json {
        ty: TypeRef::Named(body),
        ..
    }) = &single.body
    else {
        return None;
    };
    let Some(TypeKind::Struct(s)) = api.types.iter().find(|d| &d.name == body).map(|d| &d.kind)
    else {
        return None;
    };
    let matches = |wire: &str, names: &[&str], declared: Option<&String>| match declared {
        Some(d) => wire == d,
        None => names.contains(&normalize_name(wire).as_str()),
    };
    let (items, item) = s.fields.iter().find_map(|f| {
        let item = array_item(&f.ty)?;
        matches(&f.wire_name, ITEMS, declared.map(|d| &d.items))
            .then(|| (f.name.clone(), item.clone()))
    })?;
    let query = |names: &[&str], typed: fn(&TypeRef) -> bool| {
        op.params.iter().find(|p| {
            p.location == ParamLocation::Query
                && !p.required
                && typed(&p.ty)
                && matches(&p.wire_name, names, declared.map(|d| &d.param))
        })
    };
    let styles: &[PageStyle] = match declared {
        Some(d) => std::slice::from_ref(&d.style),
        None => &[PageStyle::Cursor, PageStyle::Offset, PageStyle::Page],
    };
    for style in styles {
        let (param, next) = match style {
            PageStyle::Cursor => {
                let Some(param) = query(CURSOR_PARAMS, is_string) else {
                    continue;
                };
                let next = s.fields.iter().find(|f| {
                    is_string(&f.ty)
                        && matches(
                            &f.wire_name,
                            NEXT_FIELDS,
                            declared.and_then(|d| d.next.as_ref()),
                        )
                });
                let Some(next) = next else {
                    continue;
                };
                (param, Some(next.name.clone()))
            }
            PageStyle::Offset => match query(OFFSET_PARAMS, is_integer) {
                Some(param) => (param, None),
                None => continue,
            },
            PageStyle::Page => match query(PAGE_PARAMS, is_integer) {
                Some(param) => (param, None),
                None => continue,
            },
            PageStyle::None => return None,
        };
        return Some(PageShape {
            style: *style,
            param: param.name.clone(),
            items,
            item,
            next,
        });
    }
    None
}
