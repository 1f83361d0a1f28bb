//! Example checks: every documented example with the type it must round-trip through.
//!
//! They are test support, so they live in their own file, `src/{module}_examples.rs`, compiled
//! only with the `examples` feature, and the API module re-exports them: the API modules stay
//! readable and the data does not drown their diffs.

use super::{contains_file, gates, text};
use crate::ir::*;

/// The lines in the API module that pull in and re-export its example checks.
pub(super) fn examples_reexport_text(api: &Api) -> String {
    let file = text::lit(&format!("{}_examples.rs", api.module));
    format!(
        "/// Documented examples and their round-trip checks (feature `examples`).\n\
         #[cfg(feature = \"examples\")]\n\
         #[path = {file}]\n\
         mod examples;\n\
         #[cfg(feature = \"examples\")]\n\
         pub use examples::{{EXAMPLES, check_example, example_checks}};\n"
    )
}

/// The `examples` submodule of one API, as text (without the file header).
///
/// The file is data: one line per example and one match arm per example, thousands of each on
/// large specs. It is written as text directly rather than through syn and prettyplease, which
/// took a tenth of generation on GitHub's spec to lay out lines whose shape never varies.
pub fn examples_module_text(api: &Api) -> String {
    use std::fmt::Write as _;
    let examples: Vec<&Example> = api
        .examples
        .iter()
        .filter(|e| !contains_file(&e.ty))
        .collect();
    let literal = text::lit;
    let mut out = String::new();
    let doc = format!(
        "Documented examples of the {} and their round-trip checks.",
        api.title
    );
    for line in doc.lines() {
        let _ = writeln!(out, "//! {}", line.trim_end());
    }
    // In an API split into tag features, an example is listed and checked only when its type is
    // compiled; with every feature off nothing is left, which the `allow`s are for.
    let split = api.features.is_split();
    let gate = |t: &TypeRef| gates::type_ref_text(api, t);
    out.push_str(if split {
        "\n#[allow(unused_imports)]\nuse super::types;\n\n"
    } else {
        "\nuse super::types;\n\n"
    });
    out.push_str("/// Every documented example as `(where it sits in the spec, its JSON)`.\n");
    out.push_str("pub const EXAMPLES: &[(&str, &str)] = &[\n");
    for e in &examples {
        let json = serde_json::to_string(&e.value).expect("JSON values always serialise");
        let _ = writeln!(
            out,
            "    {}({}, {}),",
            gate(&e.ty),
            literal(&e.origin),
            literal(&json)
        );
    }
    out.push_str("];\n\n");
    out.push_str(
        "/// Round-trips `json` through the type of the example documented at `origin`; `None`\n\
         /// when no example sits there.\n",
    );
    if split {
        out.push_str("#[allow(unreachable_code, unused_variables)]\n");
    }
    out.push_str(
        "pub fn check_example(\n    origin: &str,\n    json: &str,\n) -> ::std::option::Option<crate::runtime::ExampleCheck> {\n    \
         Some(match origin {\n",
    );
    for e in &examples {
        let t = text::ty(&e.ty, true);
        let _ = writeln!(
            out,
            "        {}{} => crate::runtime::round_trip::<{t}>(origin, json),",
            gate(&e.ty),
            literal(&e.origin)
        );
    }
    out.push_str(
        "        _ => return None,\n    })\n}\n\n\
         /// Round-trips every documented example through its generated type.\n\
         pub fn example_checks() -> ::std::vec::Vec<crate::runtime::ExampleCheck> {\n    \
         EXAMPLES.iter().filter_map(|(origin, json)| check_example(origin, json)).collect()\n}\n",
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_print_paths_and_generics_without_spaces() {
        let t = TypeRef::Map(Box::new(TypeRef::Array(Box::new(TypeRef::Named(
            "r#type".into(),
        )))));
        assert_eq!(
            text::ty(&t, true),
            "::std::collections::BTreeMap<::std::string::String, ::std::vec::Vec<types::r#type>>"
        );
    }

    #[test]
    fn the_examples_file_parses() {
        let api = Api {
            module: "m".into(),
            sources: vec![],
            title: "T \"quoted\"".into(),
            version: None,
            description: None,
            servers: vec![],
            security_schemes: vec![],
            types: vec![],
            operations: vec![],
            examples: vec![Example {
                origin: "#/a\\b\"c".into(),
                ty: TypeRef::Nullable(Box::new(TypeRef::Named("Pet".into()))),
                value: serde_json::json!({"name": "line\nbreak"}),
            }],
            signature: None,
            features: Default::default(),
        };
        let text = examples_module_text(&api);
        let file = syn::parse_file(&text).expect("the examples file is Rust");
        assert_eq!(file.items.len(), 4, "{text}");
        assert!(text.contains("round_trip::<::std::option::Option<types::Pet>>(origin, json)"));
    }
}
