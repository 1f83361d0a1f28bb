//! The API module as independent pieces, so emission and formatting run on all cores.
//!
//! An API module is a few top-level items around two large blocks: `pub mod types { … }` (every
//! model and per-operation type) and `impl Client { … }` (every operation method). Formatting
//! the module as one value runs on one core, and most of it sits inside those two blocks, so
//! splitting the file's top-level items buys nothing. Instead the module is cut into pieces of a
//! fixed number of IR items: each piece is emitted, parsed and printed on a worker thread
//! inside its block's opening line (`pub mod types {` or `impl Client {`), and the opening and
//! closing lines are stripped again. prettyplease prints an item from the item and its
//! indentation alone, so the joined text is byte for byte what printing the whole module gives;
//! `tests::pieces_join_to_the_whole_module` holds the two to that.
//!
//! No tokens cross threads (proc-macro2 values are not `Send`): workers receive plain IR
//! indices and return text, and peak memory follows one piece's tokens, not the module's.

use super::*;
use crate::format;
use std::collections::BTreeMap;

/// IR items per piece. Fixed, not derived from the core count, so a piece's contents do not
/// depend on the machine (the output would not either, but this keeps it obvious).
const PIECE_ITEMS: usize = 24;

/// One independently formatted part of the module.
#[derive(Debug, Clone, Copy)]
enum Piece {
    /// Module docs, inner attributes and `SPEC_VERSION`.
    Head,
    /// `types`: the named models `start..end`.
    Models(usize, usize),
    /// `types`: the per-operation items of operations `start..end`.
    OperationTypes(usize, usize),
    /// The `Client` struct.
    ClientStruct,
    /// `impl Client`: constants, constructors and builder methods.
    ClientPrelude,
    /// `impl Client`: the methods of operations `start..end`.
    Operations(usize, usize),
    /// `impl Client`: the stream methods of operations `start..end`.
    Streams(usize, usize),
    /// The re-export of the examples module.
    Examples,
}

/// Which block a piece is printed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Block {
    Top,
    Types,
    Client,
}

impl Piece {
    fn block(self) -> Block {
        match self {
            Piece::Head | Piece::ClientStruct | Piece::Examples => Block::Top,
            Piece::Models(..) | Piece::OperationTypes(..) => Block::Types,
            Piece::ClientPrelude | Piece::Operations(..) | Piece::Streams(..) => Block::Client,
        }
    }
}

/// What every piece needs from the whole API, computed once.
pub(super) struct Context<'a> {
    pub(super) api: &'a Api,
    /// Named types used as parameters (they get `impl ParamValue`).
    pub(super) param_types: BTreeSet<String>,
    /// For each response-headers struct, the operation whose items declare it (the first that
    /// names it), so a piece knows without seeing the operations before it.
    pub(super) headers_owner: BTreeMap<&'a str, usize>,
    /// For each shared response enum, the operations that use it, in order
    /// (`passes::response_sets`): the first declares it, and its docs count them all.
    pub(super) sharers: BTreeMap<&'a str, Vec<&'a Operation>>,
}

impl<'a> Context<'a> {
    pub(super) fn new(api: &'a Api) -> Self {
        let mut headers_owner = BTreeMap::new();
        for (i, op) in api.operations.iter().enumerate() {
            for r in &op.responses {
                if let Some(h) = &r.headers_type {
                    headers_owner.entry(h.as_str()).or_insert(i);
                }
            }
        }
        let mut sharers: BTreeMap<&str, Vec<&Operation>> = BTreeMap::new();
        for op in &api.operations {
            for shared in [&op.shared_error, &op.shared_success].into_iter().flatten() {
                sharers.entry(shared.as_str()).or_default().push(op);
            }
        }
        Context {
            api,
            param_types: param_types(api),
            headers_owner,
            sharers,
        }
    }
}

/// The pieces of `api`'s module, in output order.
fn pieces(api: &Api) -> Vec<Piece> {
    let ranges = |len: usize| {
        (0..len)
            .step_by(PIECE_ITEMS)
            .map(move |start| (start, (start + PIECE_ITEMS).min(len)))
    };
    let ops = api.operations.len();
    let mut out = vec![Piece::Head];
    out.extend(ranges(api.types.len()).map(|(s, e)| Piece::Models(s, e)));
    // `types` is printed even when it is empty; an empty piece keeps the block in the list.
    if api.types.is_empty() {
        out.push(Piece::Models(0, 0));
    }
    out.extend(ranges(ops).map(|(s, e)| Piece::OperationTypes(s, e)));
    out.push(Piece::ClientStruct);
    out.push(Piece::ClientPrelude);
    out.extend(ranges(ops).map(|(s, e)| Piece::Operations(s, e)));
    out.extend(ranges(ops).map(|(s, e)| Piece::Streams(s, e)));
    out.push(Piece::Examples);
    out
}

/// The tokens of one piece: only its items, without the block around them.
fn emit_piece(cx: &Context, piece: Piece) -> TokenStream {
    let api = cx.api;
    match piece {
        Piece::Head => head(api),
        Piece::Models(start, end) => {
            let items = api.types[start..end].iter().map(|def| model(cx, def));
            quote!(#(#items)*)
        }
        Piece::OperationTypes(start, end) => {
            let items = (start..end).map(|i| operation_types(cx, i));
            quote!(#(#items)*)
        }
        Piece::ClientStruct => client::emit_client_struct(api),
        Piece::ClientPrelude => client::emit_client_prelude(api),
        Piece::Operations(start, end) => {
            let items = api.operations[start..end].iter().map(|op| {
                let method = operation::emit_operation(op, &api.security_schemes);
                gates::items(&gates::operation(api, op), method)
            });
            quote!(#(#items)*)
        }
        Piece::Streams(start, end) => {
            let items = api.operations[start..end].iter().filter_map(|op| {
                let method = pagination::emit_stream_method(op, api)?;
                Some(gates::items(&gates::operation(api, op), method))
            });
            quote!(#(#items)*)
        }
        Piece::Examples => examples::emit_examples_reexport(api),
    }
}

/// The opening line of a block, as tokens and as prettyplease prints it.
fn block_open(block: Block) -> (TokenStream, &'static str) {
    match block {
        Block::Top => (TokenStream::new(), ""),
        Block::Types => (quote!(pub mod types), "pub mod types {"),
        Block::Client => (quote!(impl Client), "impl Client {"),
    }
}

/// Emits and prints one piece; a piece inside a block comes back as the block's inner lines.
fn render(cx: &Context, piece: Piece) -> String {
    let items = emit_piece(cx, piece);
    let block = piece.block();
    if block == Block::Top {
        return format::format_tokens(items);
    }
    if items.is_empty() {
        return String::new();
    }
    let (open, open_text) = block_open(block);
    let text = format::format_tokens(quote!(#open { #items }));
    let inner = text
        .strip_prefix(open_text)
        .and_then(|rest| rest.strip_prefix('\n'))
        .and_then(|rest| rest.strip_suffix("}\n"));
    match inner {
        Some(inner) => inner.to_string(),
        None => panic!("generator bug: a {block:?} piece did not print inside its block:\n{text}"),
    }
}

/// The whole module for one API as formatted text (without the file header).
pub fn module_text(api: &Api) -> String {
    let cx = Context::new(api);
    let pieces = pieces(api);
    let texts = format::parallel_map(&pieces, |piece| render(&cx, *piece));
    let mut out = String::with_capacity(texts.iter().map(String::len).sum::<usize>() + 256);
    let mut current = Block::Top;
    for (piece, text) in pieces.iter().zip(&texts) {
        let block = piece.block();
        if block != current {
            close_block(&mut out, current);
            open_block(&mut out, block);
            current = block;
        }
        out.push_str(text);
    }
    close_block(&mut out, current);
    out
}

/// The whole module as one token stream, built from the same pieces: the reference that
/// [`module_text`] must print identically (and what tests that want tokens use).
pub fn emit_module(api: &Api) -> TokenStream {
    let cx = Context::new(api);
    let pieces = pieces(api);
    let of = |block: Block| {
        let items = pieces
            .iter()
            .filter(|p| p.block() == block)
            .map(|p| emit_piece(&cx, *p));
        quote!(#(#items)*)
    };
    let head = emit_piece(&cx, Piece::Head);
    let client = emit_piece(&cx, Piece::ClientStruct);
    let examples = emit_piece(&cx, Piece::Examples);
    let (types, methods) = (of(Block::Types), of(Block::Client));
    quote! {
        #head
        /// Models, response headers and per-operation response enums.
        pub mod types {
            #types
        }
        #client
        impl Client {
            #methods
        }
        #examples
    }
}

fn open_block(out: &mut String, block: Block) {
    match block {
        Block::Top => {}
        Block::Types => {
            out.push_str("/// Models, response headers and per-operation response enums.\n");
            out.push_str("pub mod types {\n");
        }
        Block::Client => out.push_str("impl Client {\n"),
    }
}

fn close_block(out: &mut String, block: Block) {
    if block == Block::Top {
        return;
    }
    // An empty block prints on one line, as prettyplease prints `mod types {}`.
    let (_, open_text) = block_open(block);
    if out.ends_with(&format!("{open_text}\n")) {
        out.truncate(out.len() - 1);
        out.push_str("}\n");
    } else {
        out.push_str("}\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small API with enough items for several pieces of every kind.
    fn api() -> Api {
        let yaml = include_str!("../../../../../specs/jiko-partner-api.yaml");
        let input = crate::load::SpecInput::OpenApi {
            module: "jiko".into(),
            document: crate::load::SourceFile {
                path: "jiko.yaml".into(),
                text: yaml.into(),
            },
            overlay: None,
        };
        let (mut apis, diagnostics) = crate::lower_inputs(&[input]);
        assert!(!diagnostics.has_errors(), "{diagnostics}");
        apis.remove(0)
    }

    #[test]
    fn pieces_join_to_the_whole_module() {
        let api = api();
        assert!(api.operations.len() > PIECE_ITEMS && api.types.len() > PIECE_ITEMS);
        let whole = format::format_tokens(emit_module(&api));
        assert_eq!(module_text(&api), whole);
    }

    #[test]
    fn an_api_without_types_prints_an_empty_block() {
        let mut api = api();
        api.types.clear();
        api.operations.truncate(0);
        let whole = format::format_tokens(emit_module(&api));
        assert_eq!(module_text(&api), whole);
    }
}
