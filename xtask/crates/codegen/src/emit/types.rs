//! Models: structs (with redacted `Debug` for sensitive fields), constrained newtypes, aliases,
//! and the `ParamValue` impls of types that travel as text. Enums and unions are in `enums`.

use super::enums::{emit_enum, emit_union};
use super::{Scope, contains_file, deprecated, docs, ident, primitive, ty};
use crate::ir::*;
use proc_macro2::{Literal, TokenStream};
use quote::quote;

/// One named type, with its trait impls right after it.
pub(super) fn emit_type(def: &TypeDef) -> TokenStream {
    match &def.kind {
        TypeKind::Struct(s) => emit_struct(def, s),
        TypeKind::Enum(e) => emit_enum(def, e),
        TypeKind::Newtype(n) => emit_newtype(def, n),
        TypeKind::Union(u) => emit_union(def, u),
        TypeKind::Alias(t) => {
            let name = ident(&def.name);
            let t = ty(t, Scope::Types);
            let doc = docs(&[def.docs.as_deref()]);
            quote!(#doc pub type #name = #t;)
        }
    }
}

/// The `#[serde(...)]` attribute of one field: `rename` only where the wire name differs from
/// the Rust name, and the optional-field handling.
fn field_serde(f: &Field) -> TokenStream {
    let wire = &f.wire_name;
    let rename = (f.name.trim_start_matches("r#") != wire).then(|| quote!(rename = #wire,));
    let args = match (&f.ty, f.required) {
        (_, true) => quote!(#rename),
        (TypeRef::Nullable(_), false) => quote! {
            #rename default, skip_serializing_if = "::std::option::Option::is_none", with = "crate::runtime::double_option"
        },
        (_, false) => {
            quote!(#rename default, skip_serializing_if = "::std::option::Option::is_none")
        }
    };
    if args.is_empty() {
        TokenStream::new()
    } else {
        quote!(#[serde(#args)])
    }
}

fn field_type(f: &Field) -> TokenStream {
    match (&f.ty, f.required) {
        (t, true) => ty(t, Scope::Types),
        (TypeRef::Nullable(inner), false) => {
            let inner = ty(inner, Scope::Types);
            quote!(::std::option::Option<::std::option::Option<#inner>>)
        }
        (t, false) => {
            let t = ty(t, Scope::Types);
            quote!(::std::option::Option<#t>)
        }
    }
}

fn field_docs(f: &Field) -> TokenStream {
    let default_doc = f.default.as_ref().map(|d| format!("Defaults to `{d}`."));
    let added_doc = f.added_in.as_ref().map(|v| format!("Added in {v}."));
    let access_doc = match (f.read_only, f.write_only) {
        (true, _) => Some("Read-only: sent by the server, ignored in requests."),
        (_, true) => Some("Write-only: sent in requests, never returned."),
        _ => None,
    };
    let sensitive_doc = f
        .sensitive
        .then_some("Sensitive: `Debug` prints `<redacted>` instead of the value.");
    docs(&[
        f.docs.as_deref(),
        added_doc.as_deref(),
        access_doc,
        default_doc.as_deref(),
        sensitive_doc,
    ])
}

/// The name of the field that collects undeclared properties, clear of the declared ones.
fn additional_field(s: &Struct) -> String {
    let mut field = "additional_properties".to_owned();
    while s.fields.iter().any(|f| f.name == field) {
        field.push('_');
    }
    field
}

fn emit_struct(def: &TypeDef, s: &Struct) -> TokenStream {
    let name = ident(&def.name);
    let serde = !s.fields.iter().any(|f| contains_file(&f.ty));
    let redacted = s.fields.iter().any(|f| f.sensitive);
    let debug = (!redacted).then(|| quote!(Debug,));
    let derives = if serde {
        quote!(#[derive(#debug Clone, PartialEq, ::serde::Serialize, ::serde::Deserialize)])
    } else {
        quote!(#[derive(#debug Clone, PartialEq)])
    };
    let fields = s.fields.iter().map(|f| {
        let fname = ident(&f.name);
        let doc = field_docs(f);
        let deprecated = deprecated(&f.deprecated);
        let attrs = if serde {
            field_serde(f)
        } else {
            TokenStream::new()
        };
        let field_ty = field_type(f);
        quote! {
            #doc
            #deprecated
            #attrs
            pub #fname: #field_ty,
        }
    });
    let additional = s.additional.as_ref().map(|value| {
        let value = ty(value, Scope::Types);
        let field = ident(&additional_field(s));
        quote! {
            /// Properties not listed in the schema.
            #[serde(flatten)]
            pub #field: ::std::collections::BTreeMap<::std::string::String, #value>,
        }
    });
    let doc = docs(&[def.docs.as_deref()]);
    let deprecated = deprecated(&def.deprecated);
    let debug_impl = redacted.then(|| emit_redacted_debug(def, s));
    quote! {
        #doc
        #deprecated
        #derives
        pub struct #name {
            #(#fields)*
            #additional
        }

        #debug_impl
    }
}

/// `Debug` that prints `<redacted>` for sensitive fields, so secrets and personal data never
/// reach logs, while their values are still sent and decoded unchanged.
fn emit_redacted_debug(def: &TypeDef, s: &Struct) -> TokenStream {
    let name = ident(&def.name);
    let type_name = &def.name;
    let fields = s.fields.iter().map(|f| {
        let fname = ident(&f.name);
        let label = f.name.trim_start_matches("r#");
        if f.sensitive {
            quote!(.field(#label, &crate::runtime::Redacted))
        } else {
            quote!(.field(#label, &self.#fname))
        }
    });
    let additional = s.additional.as_ref().map(|_| {
        let field = additional_field(s);
        let fname = ident(&field);
        quote!(.field(#field, &self.#fname))
    });
    quote! {
        impl ::std::fmt::Debug for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct(#type_name)
                    #(#fields)*
                    #additional
                    .finish()
            }
        }
    }
}

fn newtype_checks(def: &TypeDef, n: &Newtype) -> (TokenStream, String) {
    let type_name = &def.name;
    let opt = |v: Option<usize>| match v {
        Some(v) => {
            let v = Literal::usize_unsuffixed(v);
            quote!(::std::option::Option::Some(#v))
        }
        None => quote!(::std::option::Option::None),
    };
    let length = (n.min_length.is_some() || n.max_length.is_some()).then(|| {
        let (min, max) = (opt(n.min_length), opt(n.max_length));
        quote!(crate::runtime::check_length(#type_name, &value, #min, #max)?;)
    });
    let pattern = n.pattern.as_ref().map(|p| {
        quote! {
            static PATTERN: ::std::sync::OnceLock<::regex::Regex> = ::std::sync::OnceLock::new();
            crate::runtime::check_pattern(#type_name, &value, #p, &PATTERN)?;
        }
    });
    let mut constraint_doc = Vec::new();
    if let Some(min) = n.min_length {
        constraint_doc.push(format!("at least {min} characters"));
    }
    if let Some(max) = n.max_length {
        constraint_doc.push(format!("at most {max} characters"));
    }
    if let Some(p) = &n.pattern {
        constraint_doc.push(format!("matches `{p}`"));
    }
    let doc = format!(
        "Checked when built or decoded: {}.",
        constraint_doc.join(", ")
    );
    (quote!(#length #pattern), doc)
}

fn emit_newtype(def: &TypeDef, n: &Newtype) -> TokenStream {
    let name = ident(&def.name);
    let inner = primitive(n.inner);
    let (checks, constraint_doc) = newtype_checks(def, n);
    let doc = docs(&[def.docs.as_deref(), Some(&constraint_doc)]);
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, ::serde::Serialize)]
        #[serde(transparent)]
        pub struct #name(#inner);

        impl #name {
            /// Checks `value` against the schema's constraints.
            pub fn new(value: impl ::std::convert::Into<#inner>) -> ::std::result::Result<Self, crate::runtime::ConstraintError> {
                let value = value.into();
                #checks
                Ok(Self(value))
            }

            /// The value as a string slice.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The wrapped value.
            pub fn into_inner(self) -> #inner {
                self.0
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl ::std::str::FromStr for #name {
            type Err = crate::runtime::ConstraintError;

            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                Self::new(value)
            }
        }

        impl ::std::convert::TryFrom<&str> for #name {
            type Error = crate::runtime::ConstraintError;

            fn try_from(value: &str) -> ::std::result::Result<Self, Self::Error> {
                Self::new(value)
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let value = <#inner as ::serde::Deserialize>::deserialize(deserializer)?;
                Self::new(value).map_err(<D::Error as ::serde::de::Error>::custom)
            }
        }
    }
}

/// `impl ParamValue` for named types used as parameters or multipart text parts.
pub(super) fn emit_param_value(def: &TypeDef) -> TokenStream {
    let name = ident(&def.name);
    let body = match &def.kind {
        TypeKind::Enum(_) | TypeKind::Newtype(_) => quote!(self.to_string()),
        TypeKind::Alias(_) => return TokenStream::new(),
        _ => quote!(::serde_json::to_string(self).unwrap_or_default()),
    };
    quote! {
        impl crate::runtime::ParamValue for #name {
            fn param_string(&self) -> ::std::string::String {
                #body
            }
        }
    }
}
