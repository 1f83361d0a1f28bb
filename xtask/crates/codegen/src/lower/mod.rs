//! Stage 3: lowering. Each spec source becomes the same IR: OpenAPI documents through
//! [`openapi`], vendor release notes through [`release_notes`]. [`lower_inputs`] runs the right
//! lowerer per input, then the shared IR passes, and resolves diagnostic positions last.

pub mod openapi;
pub mod release_notes;

use crate::diagnostics::Diagnostics;
use crate::ir::Api;
use crate::load::SpecInput;
use crate::parse::source_map::SourceMap;
use std::collections::HashMap;

/// Lowers every input into the IR, collecting diagnostics with resolved line:column positions.
pub fn lower_inputs(inputs: &[SpecInput]) -> (Vec<Api>, Diagnostics) {
    let (lowered, diagnostics) = lower_all(inputs, false);
    (lowered.into_iter().map(|l| l.api).collect(), diagnostics)
}

/// One lowered input, with the OpenAPI document it was read from when asked for.
#[derive(Debug)]
pub struct Lowered {
    /// The API, after every IR pass.
    pub api: Api,
    /// The document after its overlay and the 3.1 → 3.0 rewrite (None for release notes).
    pub document: Option<serde_json::Value>,
}

/// [`lower_inputs`], also keeping each OpenAPI document, for tools that serve or print it (the
/// mock, `cargo xtask openapi`): the document is parsed once, for both.
pub fn lower_with_documents(inputs: &[SpecInput]) -> (Vec<Lowered>, Diagnostics) {
    lower_all(inputs, true)
}

fn lower_all(inputs: &[SpecInput], keep_documents: bool) -> (Vec<Lowered>, Diagnostics) {
    let mut diagnostics = Diagnostics::new();
    let mut lowered = Vec::new();
    // Texts by path, borrowed: diagnostics resolve their positions against them at the end.
    let mut texts: HashMap<&str, &str> = HashMap::new();
    let timings = std::env::var_os("SPECGEN_TIMINGS").is_some();
    for input in inputs {
        match input {
            SpecInput::OpenApi {
                module,
                document,
                overlay,
            } => {
                texts.insert(&document.path, &document.text);
                if let Some(o) = overlay {
                    texts.insert(&o.path, &o.text);
                }
                let started = std::time::Instant::now();
                let Some(mut parsed) = crate::parse::parse_openapi(
                    document,
                    overlay.as_ref(),
                    &mut diagnostics,
                    keep_documents,
                ) else {
                    continue;
                };
                let parsed_in = started.elapsed();
                let api = openapi::lower_openapi(module, document, &mut parsed, &mut diagnostics);
                if timings {
                    let lowered_in = started.elapsed() - parsed_in;
                    eprintln!("{module}: parse {parsed_in:?}, lower {lowered_in:?}");
                }
                let document = keep_documents.then(|| parsed.into_raw());
                lowered.push(Lowered { api, document });
            }
            SpecInput::ReleaseNotes { module, notes } => {
                for n in notes {
                    texts.insert(&n.path, &n.text);
                }
                if let Some(api) =
                    release_notes::lower_release_notes(module, notes, &mut diagnostics)
                {
                    lowered.push(Lowered {
                        api,
                        document: None,
                    });
                }
            }
        }
    }
    for l in &mut lowered {
        let started = std::time::Instant::now();
        crate::passes::names::resolve_scopes(&mut l.api);
        let named = started.elapsed();
        crate::passes::features::assign_features(&mut l.api);
        if timings {
            eprintln!(
                "{}: names {named:?}, features {:?}",
                l.api.module,
                started.elapsed() - named
            );
        }
    }
    // Pointers become line:column only now, and only for files that have diagnostics.
    let mut maps: HashMap<String, SourceMap> = HashMap::new();
    for d in diagnostics.iter_mut() {
        if let Some(text) = texts.get(d.file.as_str()) {
            let map = maps
                .entry(d.file.clone())
                .or_insert_with(|| SourceMap::new(text));
            d.resolve(text, |p| map.locate(p));
        }
    }
    (lowered, diagnostics)
}
