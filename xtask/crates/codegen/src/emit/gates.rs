//! `#[cfg(any(feature = …))]` on the items of an API split into tag features.
//!
//! The feature pass (`passes::features`) decided which features compile each operation and
//! type; this module only turns those lists into attributes. An item emitter returns the item
//! with its trait impls, so [`items`] puts the attribute on every top-level item of what it is
//! given: a type and its impls are compiled or left out together, whatever impls an emitter adds.
//! For an API that is not split every list is empty and the tokens pass through untouched.

use crate::ir::{Api, Operation, TypeRef};
use proc_macro2::{Delimiter, TokenStream, TokenTree};
use quote::quote;

/// The attribute for a list of features (`feature = "…"` for one, `any(…)` for several), or
/// nothing for an empty list.
pub(super) fn cfg(features: &[String]) -> TokenStream {
    match features {
        [] => return TokenStream::new(),
        [one] => return quote!(#[cfg(feature = #one)]),
        _ => {}
    }
    let features = features.iter().map(|f| quote!(feature = #f));
    quote!(#[cfg(any(#(#features),*))])
}

/// The attribute of the operation `op` (its method and stream method).
pub(super) fn operation(api: &Api, op: &Operation) -> TokenStream {
    cfg(api.features.of_operation(&op.fn_name))
}

/// The attribute of something written in terms of `t` (an example checked through it), as text
/// followed by a space, for the examples file, which is written as text.
pub(super) fn type_ref_text(api: &Api, t: &TypeRef) -> String {
    let features = match t {
        TypeRef::Named(name) => api.features.of_type(name),
        TypeRef::Array(i) | TypeRef::Map(i) | TypeRef::Nullable(i) | TypeRef::Boxed(i) => {
            return type_ref_text(api, i);
        }
        TypeRef::Primitive(_) | TypeRef::Json | TypeRef::FreeForm { .. } => &[],
    };
    let quoted = |f: &String| format!("feature = {:?}", f);
    match features {
        [] => String::new(),
        [one] => format!("#[cfg({})] ", quoted(one)),
        many => {
            let list: Vec<String> = many.iter().map(quoted).collect();
            format!("#[cfg(any({}))] ", list.join(", "))
        }
    }
}

/// `tokens` (items, or associated items of an impl) with `cfg` in front of each item.
pub(super) fn items(cfg: &TokenStream, tokens: TokenStream) -> TokenStream {
    if cfg.is_empty() {
        return tokens;
    }
    let mut out = TokenStream::new();
    let mut current: Vec<TokenTree> = Vec::new();
    let flush = |current: &mut Vec<TokenTree>, out: &mut TokenStream| {
        if !current.is_empty() {
            out.extend(cfg.clone());
            out.extend(current.drain(..));
        }
    };
    for tree in tokens {
        let ends = match &tree {
            TokenTree::Punct(p) => p.as_char() == ';',
            // A braced body ends every item but those that end with `;` (a `const` whose value is
            // a struct expression, a `type`, a `use`); an attribute's `#[...]` is a bracket group.
            TokenTree::Group(g) => {
                g.delimiter() == Delimiter::Brace && !ends_with_semicolon(&current)
            }
            _ => false,
        };
        current.push(tree);
        if ends {
            flush(&mut current, &mut out);
        }
    }
    flush(&mut current, &mut out);
    out
}

/// True when the item begun in `current` is one that only a `;` ends (`const`, `static`,
/// `type`, `use`), judged by its first keyword after attributes and visibility.
fn ends_with_semicolon(current: &[TokenTree]) -> bool {
    let mut keywords = current.iter().filter_map(|t| match t {
        TokenTree::Ident(i) => Some(i.to_string()),
        _ => None,
    });
    let first = keywords.find(|k| !matches!(k.as_str(), "pub" | "crate" | "unsafe" | "async"));
    match first.as_deref() {
        Some("const") => keywords.next().as_deref() != Some("fn"),
        Some("static" | "type" | "use") => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gated(tokens: TokenStream) -> String {
        let cfg = cfg(&["a-b".to_owned(), "a-c".to_owned()]);
        items(&cfg, tokens)
            .to_string()
            .replace(&cfg.to_string(), "@")
    }

    #[test]
    fn every_top_level_item_gets_the_attribute() {
        let text = gated(quote! {
            #[derive(Debug)]
            pub struct A { x: u8 }
            impl A { const N: u8 = 1; fn f() {} }
            pub struct B(u8);
            pub type C = ::std::vec::Vec<A>;
            pub const D: A = A { x: 1 };
            pub(crate) const fn e() -> u8 { 1 }
            pub async fn f(&self) -> u8 { 1 }
        });
        assert_eq!(text.matches('@').count(), 7, "{text}");
        assert!(
            text.starts_with("@ # [derive (Debug)] pub struct A"),
            "{text}"
        );
        assert!(text.contains("@ pub const D : A = A { x : 1 } ;"), "{text}");
        assert!(text.contains("@ pub (crate) const fn e"), "{text}");
    }

    #[test]
    fn nothing_changes_without_features() {
        let tokens = quote!(pub struct A; impl A {});
        assert_eq!(
            items(&cfg(&[]), tokens.clone()).to_string(),
            tokens.to_string()
        );
    }
}
