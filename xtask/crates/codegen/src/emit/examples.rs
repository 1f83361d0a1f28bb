//! Example checks: every documented example with the type it must round-trip through.
//!
//! They are test support, so they live in their own file, `src/{module}_examples.rs`, compiled
//! only with the `examples` feature, and the API module re-exports them: the API modules stay
//! readable and the data does not drown their diffs.

use super::{Scope, contains_file, gates, ty};
use crate::ir::*;
use proc_macro2::TokenStream;
use quote::quote;

/// The lines in the API module that pull in and re-export its example checks.
pub(super) fn emit_examples_reexport(api: &Api) -> TokenStream {
    let file = format!("{}_examples.rs", api.module);
    quote! {
        /// Documented examples and their round-trip checks (feature `examples`).
        #[cfg(feature = "examples")]
        #[path = #file]
        mod examples;

        #[cfg(feature = "examples")]
        pub use examples::{EXAMPLES, check_example, example_checks};
    }
}

/// The `examples` submodule of one API.
pub fn emit_examples_module(api: &Api) -> TokenStream {
    let examples: Vec<&Example> = api
        .examples
        .iter()
        .filter(|e| !contains_file(&e.ty))
        .collect();
    // In an API split into tag features, an example is listed and checked only when its type
    // is compiled; with every feature off nothing is left, which the `allow`s below are for.
    let entries = examples.iter().map(|e| {
        let origin = &e.origin;
        let json = serde_json::to_string(&e.value).expect("JSON values always serialise");
        let gate = gates::type_ref(api, &e.ty);
        quote!(#gate (#origin, #json))
    });
    let arms = examples.iter().map(|e| {
        let t = ty(&e.ty, Scope::Client);
        let origin = &e.origin;
        let gate = gates::type_ref(api, &e.ty);
        quote!(#gate #origin => crate::runtime::round_trip::<#t>(origin, json),)
    });
    let allow = api
        .features
        .is_split()
        .then(|| quote!(#[allow(unreachable_code, unused_variables)]));
    let allow_import = api
        .features
        .is_split()
        .then(|| quote!(#[allow(unused_imports)]));
    let doc = format!(
        " Documented examples of the {} and their round-trip checks.",
        api.title
    );
    quote! {
        #![doc = #doc]

        #allow_import
        use super::types;

        /// Every documented example as `(where it sits in the spec, its JSON)`.
        pub const EXAMPLES: &[(&str, &str)] = &[#(#entries),*];

        /// Round-trips `json` through the type of the example documented at `origin`; `None`
        /// when no example sits there.
        #allow
        pub fn check_example(origin: &str, json: &str) -> ::std::option::Option<crate::runtime::ExampleCheck> {
            Some(match origin {
                #(#arms)*
                _ => return None,
            })
        }

        /// Round-trips every documented example through its generated type.
        pub fn example_checks() -> ::std::vec::Vec<crate::runtime::ExampleCheck> {
            EXAMPLES.iter().filter_map(|(origin, json)| check_example(origin, json)).collect()
        }
    }
}
