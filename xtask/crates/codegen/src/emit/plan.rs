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

/// The text of one piece: only its items, without the block around them, at the block's
/// indentation.
fn render(cx: &Context, piece: Piece) -> String {
    let api = cx.api;
    let depth = usize::from(piece.block() != Block::Top);
    let mut w = text::Writer::new(depth);
    match piece {
        Piece::Head => return head(api),
        Piece::Models(start, end) => {
            for def in &api.types[start..end] {
                model(cx, def, &mut w);
            }
        }
        Piece::OperationTypes(start, end) => {
            for i in start..end {
                operation_types(cx, i, &mut w);
            }
        }
        Piece::ClientStruct => return client::client_struct_text(api),
        Piece::ClientPrelude => return client::client_prelude_text(api),
        Piece::Operations(start, end) => {
            for op in &api.operations[start..end] {
                let cfg = api.features.of_operation(&op.fn_name);
                operation::operation_text(&mut w, op, &api.security_schemes, cfg);
            }
        }
        Piece::Streams(start, end) => {
            for op in &api.operations[start..end] {
                let cfg = api.features.of_operation(&op.fn_name);
                pagination::stream_method_text(&mut w, op, api, cfg);
            }
        }
        Piece::Examples => return examples::examples_reexport_text(api),
    }
    w.out
}

/// The whole module for one API as laid-out text, blank lines between items included (without
/// the file header).
pub fn module_text(api: &Api) -> String {
    let cx = Context::new(api);
    let pieces = pieces(api);
    let texts = format::parallel_map(&pieces, |piece| spaced(&cx, *piece));
    join(&pieces, &texts)
}

/// One piece's text with the blank lines between its items.
fn spaced(cx: &Context, piece: Piece) -> String {
    layout::space_items(&render(cx, piece))
}

/// The pieces, each already spaced, inside their blocks.
fn join(pieces: &[Piece], texts: &[String]) -> String {
    let mut out = String::with_capacity(texts.iter().map(String::len).sum::<usize>() + 256);
    let mut current = Block::Top;
    for (piece, text) in pieces.iter().zip(texts) {
        let block = piece.block();
        if block != current {
            close_block(&mut out, current);
            open_block(&mut out, block);
            current = block;
        }
        layout::append_spaced(&mut out, text);
    }
    close_block(&mut out, current);
    out
}

fn open_block(out: &mut String, block: Block) {
    match block {
        Block::Top => {}
        Block::Types => layout::append_spaced(
            out,
            "/// Models, response headers and per-operation response enums.\npub mod types {\n",
        ),
        Block::Client => layout::append_spaced(out, "impl Client {\n"),
    }
}

fn close_block(out: &mut String, block: Block) {
    if block == Block::Top {
        return;
    }
    // An empty block prints on one line, as prettyplease prints `mod types {}`.
    let open_text = match block {
        Block::Types => "pub mod types {",
        _ => "impl Client {",
    };
    if out.ends_with(&format!("{open_text}\n")) {
        out.truncate(out.len() - 1);
    }
    out.push_str("}\n");
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

    /// Pieces written on one thread, in order, give the bytes the worker threads give, and the
    /// module parses as Rust.
    #[test]
    fn the_module_is_the_same_on_one_thread_as_on_all_cores_and_parses() {
        let api = api();
        assert!(api.operations.len() > PIECE_ITEMS && api.types.len() > PIECE_ITEMS);
        let cx = Context::new(&api);
        let pieces = pieces(&api);
        let texts: Vec<String> = pieces.iter().map(|p| spaced(&cx, *p)).collect();
        let text = module_text(&api);
        assert_eq!(text, join(&pieces, &texts));
        if let Err(err) = syn::parse_file(&text) {
            panic!("the module does not parse: {err}");
        }
    }

    /// The `types` block without its `serde_record!` calls, which are laid out one line per
    /// field, where prettyplease would run a macro's arguments together.
    fn without_record_calls(types: &str) -> String {
        let mut out = String::new();
        let mut inside = false;
        for line in types.lines() {
            inside |= line.contains("crate::runtime::record::serde_record!(");
            if !inside {
                out.push_str(line);
                out.push('\n');
            }
            inside &= !line.ends_with(");");
        }
        out
    }

    /// The models written as text are laid out exactly as prettyplease lays out the same items,
    /// so moving them off the token path changed no line of `types`. (Operation methods are laid
    /// out in rustfmt's style instead, which reads better than prettyplease's for calls.)
    #[test]
    fn text_models_are_laid_out_as_prettyplease_lays_them_out() {
        let api = api();
        let text = module_text(&api);
        let start = text.find("pub mod types {").expect("a types block");
        let len = text[start..].find("\n}\n").expect("the block ends") + 3;
        let types = without_record_calls(&text[start..start + len]);
        assert!(types.len() < len, "the block has no serde_record! calls");
        let types = types.as_str();
        let file = syn::parse_file(types).expect("the block parses");
        let again = layout::space_items(&prettyplease::unparse(&file));
        if types != again {
            let diff = similar::TextDiff::from_lines(types, &again);
            panic!("{}", diff.unified_diff().context_radius(1));
        }
    }

    #[test]
    fn an_api_without_types_prints_an_empty_block() {
        let mut api = api();
        api.types.clear();
        api.operations.truncate(0);
        let text = module_text(&api);
        assert!(text.contains("pub mod types {}\n"), "{text}");
        assert!(syn::parse_file(&text).is_ok(), "{text}");
    }
}
