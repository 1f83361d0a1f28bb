//! Open enums: string enums and tagged unions that keep values the spec does not list.
//!
//! Vendors add enum values and union variants in minor releases; a closed enum turns each such
//! addition into a failed call. So every generated enum is `#[non_exhaustive]` and has one extra
//! variant that keeps the unknown wire value (the text of a string enum, the raw JSON of a tagged
//! union), which round-trips byte for byte. The contract kit stays strict: the mock and the
//! runner validate against the IR, not these types, and still report undocumented values.

use super::{Scope, deprecated, docs, ident, ty};
use crate::ir::*;
use proc_macro2::TokenStream;
use quote::quote;

/// The name of the variant that keeps unknown values: `Unknown`, or `Unknown2`, `Unknown3`, …
/// when the spec already has a variant of that name.
pub(super) fn unknown_variant<'a>(names: impl Iterator<Item = &'a str> + Clone) -> String {
    let taken = |candidate: &str| names.clone().any(|n| n == candidate);
    let mut candidate = "Unknown".to_owned();
    let mut n = 1;
    while taken(&candidate) {
        n += 1;
        candidate = format!("Unknown{n}");
    }
    candidate
}

pub(super) fn emit_enum(def: &TypeDef, e: &StringEnum) -> TokenStream {
    let name = ident(&def.name);
    let unknown = ident(&unknown_variant(e.variants.iter().map(|v| v.name.as_str())));
    let variants = e.variants.iter().map(|v| {
        let vname = ident(&v.name);
        let doc = format!(" `{}`", v.wire_name);
        quote!(#[doc = #doc] #vname,)
    });
    let as_str = e.variants.iter().map(|v| {
        let vname = ident(&v.name);
        let wire = &v.wire_name;
        quote!(Self::#vname => #wire,)
    });
    let from_wire = e.variants.iter().map(|v| {
        let vname = ident(&v.name);
        let wire = &v.wire_name;
        quote!(#wire => Self::#vname,)
    });
    let all = e.variants.iter().map(|v| {
        let vname = ident(&v.name);
        quote!(Self::#vname)
    });
    let doc = docs(&[def.docs.as_deref()]);
    let deprecated = deprecated(&def.deprecated);
    quote! {
        #doc
        #deprecated
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A value the spec does not list (yet), kept as received so it round-trips.
            #unknown(::std::string::String),
        }

        impl #name {
            /// Every value the spec lists, in its order.
            pub const ALL: &'static [Self] = &[#(#all),*];

            /// The value as it appears on the wire (the received text for unknown values).
            pub fn as_str(&self) -> &str {
                match self {
                    #(#as_str)*
                    Self::#unknown(value) => value.as_str(),
                }
            }

            /// The variant for a wire value; values the spec does not list keep their text.
            pub fn from_wire(value: &str) -> Self {
                match value {
                    #(#from_wire)*
                    other => Self::#unknown(other.to_owned()),
                }
            }

            /// False for values the spec does not list.
            pub fn is_known(&self) -> bool {
                !matches!(self, Self::#unknown(_))
            }
        }

        crate::runtime::open_string_enum!(#name, #unknown);
    }
}

pub(super) fn emit_union(def: &TypeDef, u: &Union) -> TokenStream {
    let name = ident(&def.name);
    let variants: Vec<TokenStream> = u
        .variants
        .iter()
        .map(|v| {
            let vname = ident(&v.name);
            let vty = ty(&v.ty, Scope::Types);
            let tags = (!v.tags.is_empty()).then(|| {
                let listed: Vec<String> = v.tags.iter().map(|t| format!("`{t}`")).collect();
                let text = format!(" Selected by: {}.", listed.join(", "));
                quote!(#[doc = #text])
            });
            quote!(#tags #vname(#vty),)
        })
        .collect();
    let doc = docs(&[def.docs.as_deref()]);
    let deprecated = deprecated(&def.deprecated);
    let Some(property) = &u.discriminator else {
        return quote! {
            #doc
            #deprecated
            #[derive(Debug, Clone, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
            #[serde(untagged)]
            #[non_exhaustive]
            pub enum #name {
                #(#variants)*
            }
        };
    };
    let unknown = ident(&unknown_variant(u.variants.iter().map(|v| v.name.as_str())));
    let arms = u.variants.iter().map(|v| {
        let vname = ident(&v.name);
        let tags = &v.tags;
        let wrap = if matches!(v.ty, TypeRef::Boxed(_)) {
            quote!(|v| Self::#vname(::std::boxed::Box::new(v)))
        } else {
            quote!(Self::#vname)
        };
        quote!(#(#tags)|* => ::serde_json::from_value(value).map(#wrap).map_err(<D::Error as ::serde::de::Error>::custom),)
    });
    let unknown_doc = format!(
        " A `{property}` the spec does not list (yet): the raw JSON, kept so it round-trips."
    );
    quote! {
        #doc
        #deprecated
        #[derive(Debug, Clone, PartialEq, ::serde::Serialize)]
        #[serde(untagged)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            #[doc = #unknown_doc]
            #unknown(::serde_json::Value),
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                let tag = crate::runtime::discriminator(&value, #property).map_err(<D::Error as ::serde::de::Error>::custom)?;
                match tag.as_str() {
                    #(#arms)*
                    _ => Ok(Self::#unknown(value)),
                }
            }
        }
    }
}
