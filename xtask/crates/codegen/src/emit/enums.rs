//! Open enums: string enums and tagged unions that keep values the spec does not list.
//!
//! Vendors add enum values and union variants in minor releases; a closed enum turns each such
//! addition into a failed call. So every generated enum is `#[non_exhaustive]` and has one extra
//! variant that keeps the unknown wire value (the text of a string enum, the raw JSON of a tagged
//! union), which round-trips byte for byte. The contract kit stays strict: the mock and the
//! runner validate against the IR, not these types, and still report undocumented values.

use super::text::{self, Writer};
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

/// A string enum, its inherent impl and the runtime macro that adds its trait impls.
pub(super) fn enum_text(w: &mut Writer, def: &TypeDef, e: &StringEnum, cfg: &[String]) {
    let name = &def.name;
    let unknown = unknown_variant(e.variants.iter().map(|v| v.name.as_str()));
    w.cfg(cfg);
    w.docs(&[def.docs.as_deref()]);
    w.deprecated(&def.deprecated);
    w.line("#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]");
    w.line("#[non_exhaustive]");
    w.line(&format!("pub enum {name} {{"));
    w.nested(|w| {
        for v in &e.variants {
            w.docs(&[Some(&format!("`{}`", v.wire_name))]);
            w.line(&format!("{},", v.name));
        }
        w.line("/// A value the spec does not list (yet), kept as received so it round-trips.");
        w.line(&format!("{unknown}(::std::string::String),"));
    });
    w.line("}");
    w.cfg(cfg);
    w.line(&format!("impl {name} {{"));
    w.nested(|w| {
        w.line("/// Every value the spec lists, in its order.");
        let all: Vec<String> = e
            .variants
            .iter()
            .map(|v| format!("Self::{}", v.name))
            .collect();
        w.list("pub const ALL: &'static [Self] = &[", &all, "];", true);
        w.line("/// The value as it appears on the wire (the received text for unknown values).");
        w.line("pub fn as_str(&self) -> &str {");
        w.nested(|w| {
            w.line("match self {");
            w.nested(|w| {
                for v in &e.variants {
                    w.arm(&format!("Self::{}", v.name), &text::lit(&v.wire_name));
                }
                w.line(&format!("Self::{unknown}(value) => value.as_str(),"));
            });
            w.line("}");
        });
        w.line("}");
        w.line("/// The variant for a wire value; values the spec does not list keep their text.");
        w.line("pub fn from_wire(value: &str) -> Self {");
        w.nested(|w| {
            w.line("match value {");
            w.nested(|w| {
                for v in &e.variants {
                    w.arm(&text::lit(&v.wire_name), &format!("Self::{}", v.name));
                }
                w.line(&format!("other => Self::{unknown}(other.to_owned()),"));
            });
            w.line("}");
        });
        w.line("}");
        w.line("/// False for values the spec does not list.");
        w.line("pub fn is_known(&self) -> bool {");
        w.nested(|w| w.line(&format!("!matches!(self, Self::{unknown}(_))")));
        w.line("}");
    });
    w.line("}");
    w.cfg(cfg);
    let call = format!("crate::runtime::open_string_enum!({name}, {unknown});");
    if text::fits(w.indent(), call.len()) {
        w.line(&call);
    } else {
        // prettyplease keeps a macro's arguments together on one line of their own.
        w.line("crate::runtime::open_string_enum!(");
        w.nested(|w| w.line(&format!("{name}, {unknown}")));
        w.line(");");
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
