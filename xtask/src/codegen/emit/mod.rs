//! Stage 4: IR to tokens. One small `quote!` function per item kind; no names are invented here.
//!
//! Generated code names everything by full path (`::std::option::Option`, `crate::runtime::…`)
//! so it does not depend on imports, and calls into `runtime` for everything that is the same
//! for every operation, which keeps each method a short, readable list of steps.

use super::ir::*;
use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::quote;
use std::collections::{BTreeMap, BTreeSet};

/// An identifier from an IR name, which may be a raw identifier (`r#type`).
pub fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// `#[doc = "..."]` attributes, one per line, so prettyplease prints them as `///` comments.
fn docs(parts: &[Option<&str>]) -> TokenStream {
    let text: Vec<&str> = parts
        .iter()
        .flatten()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect();
    if text.is_empty() {
        return TokenStream::new();
    }
    // Vendor prose may carry `\r\n` or bare `\r`, which rustc rejects in doc comments.
    let joined = text.join("\n\n").replace("\r\n", "\n").replace('\r', "\n");
    let lines = joined.lines().map(|line| {
        let line = format!(" {}", line.trim_end());
        quote!(#[doc = #line])
    });
    quote!(#(#lines)*)
}

/// Where a type reference is written: inside `types`, or from the client next to it.
#[derive(Clone, Copy)]
enum Scope {
    Types,
    Client,
}

fn primitive(p: Primitive) -> TokenStream {
    match p {
        Primitive::String => quote!(::std::string::String),
        Primitive::Bool => quote!(bool),
        Primitive::I32 => quote!(i32),
        Primitive::I64 => quote!(i64),
        Primitive::U64 => quote!(u64),
        Primitive::F32 => quote!(f32),
        Primitive::F64 => quote!(f64),
        Primitive::Uuid => quote!(::uuid::Uuid),
        Primitive::DateTime => quote!(crate::runtime::DateTime),
        Primitive::Date => quote!(::chrono::NaiveDate),
        Primitive::Bytes => quote!(::std::vec::Vec<u8>),
        Primitive::File => quote!(crate::runtime::FilePart),
    }
}

fn ty(t: &TypeRef, scope: Scope) -> TokenStream {
    match t {
        TypeRef::Named(name) => {
            let name = ident(name);
            match scope {
                Scope::Types => quote!(#name),
                Scope::Client => quote!(types::#name),
            }
        }
        TypeRef::Primitive(p) => primitive(*p),
        TypeRef::Array(inner) => {
            let inner = ty(inner, scope);
            quote!(::std::vec::Vec<#inner>)
        }
        TypeRef::Map(inner) => {
            let inner = ty(inner, scope);
            quote!(::std::collections::BTreeMap<::std::string::String, #inner>)
        }
        TypeRef::Nullable(inner) => {
            let inner = ty(inner, scope);
            quote!(::std::option::Option<#inner>)
        }
        TypeRef::Boxed(inner) => {
            let inner = ty(inner, scope);
            quote!(::std::boxed::Box<#inner>)
        }
        TypeRef::Json => quote!(::serde_json::Value),
    }
}

fn contains_file(t: &TypeRef) -> bool {
    match t {
        TypeRef::Primitive(Primitive::File) => true,
        TypeRef::Array(i) | TypeRef::Map(i) | TypeRef::Nullable(i) | TypeRef::Boxed(i) => {
            contains_file(i)
        }
        _ => false,
    }
}

// ----- models ------------------------------------------------------------------------------

fn emit_struct(def: &TypeDef, s: &Struct) -> TokenStream {
    let name = ident(&def.name);
    let serde = !s.fields.iter().any(|f| contains_file(&f.ty));
    let derives = if serde {
        quote!(#[derive(Debug, Clone, PartialEq, ::serde::Serialize, ::serde::Deserialize)])
    } else {
        quote!(#[derive(Debug, Clone, PartialEq)])
    };
    let fields = s.fields.iter().map(|f| {
        let fname = ident(&f.name);
        let wire = &f.wire_name;
        let default_doc = f.default.as_ref().map(|d| format!("Defaults to `{d}`."));
        let added_doc = f.added_in.as_ref().map(|v| format!("Added in {v}."));
        let access_doc = match (f.read_only, f.write_only) {
            (true, _) => Some("Read-only: sent by the server, ignored in requests."),
            (_, true) => Some("Write-only: sent in requests, never returned."),
            _ => None,
        };
        let doc = docs(&[f.docs.as_deref(), added_doc.as_deref(), access_doc, default_doc.as_deref()]);
        let deprecated = f.deprecated.as_ref().map(|note| quote!(#[deprecated(note = #note)]));
        let rename = if serde { quote!(rename = #wire,) } else { quote!() };
        let (field_ty, attrs) = match (&f.ty, f.required) {
            (t, true) => (ty(t, Scope::Types), quote!(#[serde(#rename)])),
            (TypeRef::Nullable(inner), false) => {
                let inner = ty(inner, Scope::Types);
                (
                    quote!(::std::option::Option<::std::option::Option<#inner>>),
                    quote!(#[serde(#rename default, skip_serializing_if = "::std::option::Option::is_none", with = "crate::runtime::double_option")]),
                )
            }
            (t, false) => {
                let t = ty(t, Scope::Types);
                (quote!(::std::option::Option<#t>), quote!(#[serde(#rename default, skip_serializing_if = "::std::option::Option::is_none")]))
            }
        };
        let attrs = if serde { attrs } else { TokenStream::new() };
        quote! {
            #doc
            #deprecated
            #attrs
            pub #fname: #field_ty,
        }
    });
    let additional = s.additional.as_ref().map(|value| {
        let value = ty(value, Scope::Types);
        let mut field = "additional_properties".to_owned();
        while s.fields.iter().any(|f| f.name == field) {
            field.push('_');
        }
        let field = ident(&field);
        quote! {
            /// Properties not listed in the schema.
            #[serde(flatten)]
            pub #field: ::std::collections::BTreeMap<::std::string::String, #value>,
        }
    });
    let doc = docs(&[def.docs.as_deref()]);
    let deprecated = def
        .deprecated
        .as_ref()
        .map(|note| quote!(#[deprecated(note = #note)]));
    quote! {
        #doc
        #deprecated
        #derives
        pub struct #name {
            #(#fields)*
            #additional
        }
    }
}

fn emit_enum(def: &TypeDef, e: &StringEnum) -> TokenStream {
    let name = ident(&def.name);
    let type_name = &def.name;
    let variants = e.variants.iter().map(|v| {
        let vname = ident(&v.name);
        let wire = &v.wire_name;
        quote!(#[serde(rename = #wire)] #vname,)
    });
    let as_str = e.variants.iter().map(|v| {
        let vname = ident(&v.name);
        let wire = &v.wire_name;
        quote!(Self::#vname => #wire,)
    });
    let from_str = e.variants.iter().map(|v| {
        let vname = ident(&v.name);
        let wire = &v.wire_name;
        quote!(#wire => Ok(Self::#vname),)
    });
    let all = e.variants.iter().map(|v| {
        let vname = ident(&v.name);
        quote!(Self::#vname)
    });
    let doc = docs(&[def.docs.as_deref()]);
    let deprecated = def
        .deprecated
        .as_ref()
        .map(|note| quote!(#[deprecated(note = #note)]));
    quote! {
        #doc
        #deprecated
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, ::serde::Serialize, ::serde::Deserialize)]
        pub enum #name {
            #(#variants)*
        }

        impl #name {
            /// Every value, in the order the spec lists them.
            pub const ALL: &'static [Self] = &[#(#all),*];

            /// The value as it appears on the wire.
            pub fn as_str(&self) -> &'static str {
                match self {
                    #(#as_str)*
                }
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for #name {
            type Err = crate::runtime::UnknownVariant;

            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                match value {
                    #(#from_str)*
                    _ => Err(crate::runtime::UnknownVariant { type_name: #type_name, value: value.to_owned() }),
                }
            }
        }
    }
}

fn emit_newtype(def: &TypeDef, n: &Newtype) -> TokenStream {
    let name = ident(&def.name);
    let type_name = &def.name;
    let inner = primitive(n.inner);
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
    let constraint_doc = format!(
        "Checked when built or decoded: {}.",
        constraint_doc.join(", ")
    );
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
                #length
                #pattern
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

fn emit_union(def: &TypeDef, u: &Union) -> TokenStream {
    let name = ident(&def.name);
    let variants = u.variants.iter().map(|v| {
        let vname = ident(&v.name);
        let vty = ty(&v.ty, Scope::Types);
        let tags = (!v.tags.is_empty()).then(|| {
            let text = format!(
                " Selected by: {}.",
                v.tags
                    .iter()
                    .map(|t| format!("`{t}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            quote!(#[doc = #text])
        });
        quote!(#tags #vname(#vty),)
    });
    let doc = docs(&[def.docs.as_deref()]);
    let deprecated = def
        .deprecated
        .as_ref()
        .map(|note| quote!(#[deprecated(note = #note)]));
    match &u.discriminator {
        None => quote! {
            #doc
            #deprecated
            #[derive(Debug, Clone, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
            #[serde(untagged)]
            pub enum #name {
                #(#variants)*
            }
        },
        Some(property) => {
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
            let unknown = format!("unknown {property} `{{other}}` for {}", def.name);
            quote! {
                #doc
                #deprecated
                #[derive(Debug, Clone, PartialEq, ::serde::Serialize)]
                #[serde(untagged)]
                pub enum #name {
                    #(#variants)*
                }

                impl<'de> ::serde::Deserialize<'de> for #name {
                    fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                        let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                        let tag = crate::runtime::discriminator(&value, #property).map_err(<D::Error as ::serde::de::Error>::custom)?;
                        match tag.as_str() {
                            #(#arms)*
                            other => Err(<D::Error as ::serde::de::Error>::custom(format!(#unknown))),
                        }
                    }
                }
            }
        }
    }
}

fn emit_type(def: &TypeDef) -> TokenStream {
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

/// `impl ParamValue` for named types used as parameters or multipart text parts.
fn emit_param_value(def: &TypeDef) -> TokenStream {
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

// ----- responses ---------------------------------------------------------------------------

fn body_type(body: &Option<ResponseBody>, scope: Scope) -> TokenStream {
    match body {
        None => quote!(()),
        Some(ResponseBody::Json { ty: t, .. }) => ty(t, scope),
        Some(ResponseBody::Text { .. }) => quote!(::std::string::String),
        Some(ResponseBody::Binary { .. }) => quote!(::std::vec::Vec<u8>),
    }
}

fn response_value_type(r: &Response, scope: Scope) -> TokenStream {
    let body = body_type(&r.body, scope);
    let headers = match &r.headers_type {
        Some(h) => {
            let h = ident(h);
            match scope {
                Scope::Types => quote!(#h),
                Scope::Client => quote!(types::#h),
            }
        }
        None => quote!(()),
    };
    quote!(crate::runtime::ResponseValue<#body, #headers>)
}

fn emit_headers_struct(name: &str, headers: &[ResponseHeader]) -> TokenStream {
    let sname = ident(name);
    let fields = headers.iter().map(|h| {
        let fname = ident(&h.name);
        let t = ty(&h.ty, Scope::Types);
        let doc = docs(&[Some(&format!("`{}`", h.wire_name)), h.docs.as_deref()]);
        if h.required {
            quote!(#doc pub #fname: #t,)
        } else {
            quote!(#doc pub #fname: ::std::option::Option<#t>,)
        }
    });
    let reads = headers.iter().map(|h| {
        let fname = ident(&h.name);
        let wire = &h.wire_name;
        if h.required {
            quote!(#fname: crate::runtime::required_header(headers, #wire)?,)
        } else {
            quote!(#fname: crate::runtime::header_value(headers, #wire)?,)
        }
    });
    quote! {
        /// Documented response headers.
        #[derive(Debug, Clone, PartialEq)]
        pub struct #sname {
            #(#fields)*
        }

        impl crate::runtime::FromHeaders for #sname {
            fn from_headers(headers: &crate::runtime::HeaderMap) -> ::std::result::Result<Self, ::std::string::String> {
                Ok(Self { #(#reads)* })
            }
        }
    }
}

/// The struct that carries an operation's query, header and cookie parameters.
fn emit_params_struct(name: &str, op: &Operation) -> TokenStream {
    let sname = ident(name);
    let grouped: Vec<&Parameter> = op.params.iter().filter(|p| p.grouped()).collect();
    let fields = grouped.iter().map(|p| {
        let fname = ident(&p.name);
        let t = ty(&p.ty, Scope::Types);
        let location = format!("{:?}", p.location).to_lowercase();
        let doc = docs(&[
            Some(&format!("{location} `{}`", p.wire_name)),
            p.docs.as_deref(),
        ]);
        let deprecated = p
            .deprecated
            .as_ref()
            .map(|note| quote!(#[deprecated(note = #note)]));
        if p.required {
            quote!(#doc #deprecated pub #fname: #t,)
        } else {
            quote!(#doc #deprecated pub #fname: ::std::option::Option<#t>,)
        }
    });
    let derive_default = grouped
        .iter()
        .all(|p| !p.required)
        .then(|| quote!(Default,));
    let doc = format!(
        " Query, header and cookie parameters of `{}` (`{} {}`).",
        op.fn_name.trim_start_matches("r#"),
        op.method.as_str(),
        op.path
    );
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq, #derive_default)]
        pub struct #sname {
            #(#fields)*
        }
    }
}

fn emit_response_enum(
    name: &str,
    op: &Operation,
    responses: &[&Response],
    errors: bool,
) -> TokenStream {
    let ename = ident(name);
    let variants = responses.iter().map(|r| {
        let v = ident(&r.variant);
        let t = response_value_type(r, Scope::Types);
        let status = match r.status {
            Status::Code(c) => format!("Status {c}."),
            Status::Range(d) => format!("Any {d}xx status."),
            Status::Default => "Any other status (`default`).".to_owned(),
        };
        let doc = docs(&[Some(&status), r.docs.as_deref()]);
        quote!(#doc #v(#t),)
    });
    let statuses = responses.iter().map(|r| {
        let v = ident(&r.variant);
        quote!(Self::#v(r) => r.status,)
    });
    let what = if errors {
        "Documented error responses"
    } else {
        "Documented success responses"
    };
    let doc = format!(
        " {what} of `{}` (`{} {}`).",
        op.fn_name.trim_start_matches("r#"),
        op.method.as_str(),
        op.path
    );
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone)]
        pub enum #ename {
            #(#variants)*
        }

        impl crate::runtime::ApiErrorStatus for #ename {
            fn status(&self) -> u16 {
                match self {
                    #(#statuses)*
                }
            }
        }
    }
}

// ----- client ------------------------------------------------------------------------------

fn arg_type(p: &Parameter) -> TokenStream {
    if p.idempotency_key {
        return match &p.ty {
            TypeRef::Primitive(Primitive::Uuid) => quote!(::std::option::Option<::uuid::Uuid>),
            _ => quote!(::std::option::Option<&str>),
        };
    }
    let inner = match &p.ty {
        TypeRef::Primitive(Primitive::String) => quote!(&str),
        TypeRef::Array(item) => {
            let item = ty(item, Scope::Client);
            quote!(&[#item])
        }
        other => {
            let t = ty(other, Scope::Client);
            quote!(&#t)
        }
    };
    if p.required {
        inner
    } else {
        quote!(::std::option::Option<#inner>)
    }
}

fn emit_operation(op: &Operation, schemes: &[SecurityScheme]) -> TokenStream {
    let fname = ident(&op.fn_name);
    let method = ident(op.method.as_str());

    // Arguments: path parameters, the other parameters, then the body.
    let mut args = Vec::new();
    let mut param_docs = Vec::new();
    for p in &op.params {
        if p.signature {
            continue;
        }
        if !p.grouped() {
            let name = ident(&p.name);
            let t = arg_type(p);
            args.push(quote!(#name: #t));
        }
        let mut line = format!(
            "- `{}`: {} `{}`",
            p.name.trim_start_matches("r#"),
            format!("{:?}", p.location).to_lowercase(),
            p.wire_name
        );
        if p.idempotency_key {
            line.push_str(" (idempotency key; a fresh UUID v4 when `None`)");
        }
        if let Some(d) = &p.docs {
            line.push_str(": ");
            line.push_str(d.lines().next().unwrap_or_default().trim());
        }
        if p.grouped() {
            line = line.replacen("- `", "- `params.", 1);
        }
        param_docs.push(line);
    }
    if let Some(params) = &op.params_type {
        let params = ident(params);
        args.push(quote!(params: &types::#params));
    }
    if let Some(body) = &op.body {
        let t = match &body.content {
            BodyContent::Json { ty: t, .. } | BodyContent::Form { ty: t } => {
                let t = ty(t, Scope::Client);
                quote!(&#t)
            }
            BodyContent::Multipart { ty: t, .. } => {
                let t = ident(t);
                quote!(&types::#t)
            }
            BodyContent::Binary { .. } => quote!(crate::runtime::BinaryBody),
            BodyContent::Text { .. } => quote!(::std::string::String),
        };
        let t = if body.required {
            t
        } else {
            quote!(::std::option::Option<#t>)
        };
        args.push(quote!(body: #t));
    }

    // The path, with encoded parameters.
    let path_params: BTreeMap<&str, &Parameter> = op
        .params
        .iter()
        .filter(|p| p.location == ParamLocation::Path)
        .map(|p| (p.wire_name.as_str(), p))
        .collect();
    let mut fmt = String::new();
    let mut fmt_args = Vec::new();
    let mut rest = op.path.as_str();
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        fmt.push_str(&rest[..start].replace('{', "{{").replace('}', "}}"));
        let wire = &rest[start + 1..start + len];
        if let Some(p) = path_params.get(wire) {
            let name = ident(&p.name);
            fmt.push_str("{}");
            fmt_args.push(quote!(crate::runtime::encode_path(&crate::runtime::ParamValue::param_string(&#name))));
        } else {
            fmt.push_str(
                &rest[start..start + len + 1]
                    .replace('{', "{{")
                    .replace('}', "}}"),
            );
        }
        rest = &rest[start + len + 1..];
    }
    fmt.push_str(&rest.replace('{', "{{").replace('}', "}}"));
    let path = if fmt_args.is_empty() {
        let literal = op.path.clone();
        quote!(let path = #literal;)
    } else {
        quote!(let path = &format!(#fmt, #(#fmt_args),*);)
    };

    let auth = op
        .security
        .iter()
        .filter_map(|key| schemes.iter().find(|s| &s.key == key))
        .map(|s| match &s.kind {
            AuthKind::Bearer => quote!(crate::runtime::Auth::Bearer),
            AuthKind::Basic => quote!(crate::runtime::Auth::Basic),
            AuthKind::ApiKey {
                location: ParamLocation::Query,
                name,
            } => quote!(crate::runtime::Auth::ApiKeyQuery(#name)),
            AuthKind::ApiKey {
                location: ParamLocation::Cookie,
                name,
            } => quote!(crate::runtime::Auth::ApiKeyCookie(#name)),
            AuthKind::ApiKey { name, .. } => quote!(crate::runtime::Auth::ApiKeyHeader(#name)),
        });

    // Query, header and cookie parameters.
    let mut steps = Vec::new();
    let query: Vec<&Parameter> = op
        .params
        .iter()
        .filter(|p| p.location == ParamLocation::Query)
        .collect();
    if !query.is_empty() {
        let pushes = query.iter().map(|p| {
            let name = ident(&p.name);
            let wire = &p.wire_name;
            let explode = p.explode;
            let push = if matches!(p.ty, TypeRef::Array(_)) {
                quote!(crate::runtime::push_query_array(&mut query, #wire, #explode, value);)
            } else if matches!(p.ty, TypeRef::Map(_)) {
                quote!(crate::runtime::push_query_map(&mut query, #wire, #explode, value);)
            } else {
                quote!(crate::runtime::push_query(&mut query, #wire, value);)
            };
            if p.required {
                quote!({ let value = &params.#name; #push })
            } else {
                quote!(if let ::std::option::Option::Some(value) = &params.#name { #push })
            }
        });
        steps.push(quote! {
            let mut query: ::std::vec::Vec<(::std::string::String, ::std::string::String)> = ::std::vec::Vec::new();
            #(#pushes)*
            request = request.query(&query);
        });
    }
    for p in op
        .params
        .iter()
        .filter(|p| p.location == ParamLocation::Header)
    {
        let name = ident(&p.name);
        let wire = &p.wire_name;
        if p.signature {
            // The signer sets this header after the request is built; without one, fail early.
            steps.push(quote!(self.core.require_signer(#wire)?;));
        } else if p.idempotency_key {
            let fresh = match &p.ty {
                TypeRef::Primitive(Primitive::Uuid) => {
                    quote!(#name.unwrap_or_else(::uuid::Uuid::new_v4).to_string())
                }
                _ => {
                    quote!(#name.map(str::to_owned).unwrap_or_else(|| ::uuid::Uuid::new_v4().to_string()))
                }
            };
            steps.push(quote!(request = request.header(#wire, #fresh);));
        } else if p.required {
            steps.push(quote!(request = request.header(#wire, crate::runtime::ParamValue::param_string(&params.#name));));
        } else {
            steps.push(quote! {
                if let ::std::option::Option::Some(value) = &params.#name {
                    request = request.header(#wire, crate::runtime::ParamValue::param_string(value));
                }
            });
        }
    }
    let cookies: Vec<&Parameter> = op
        .params
        .iter()
        .filter(|p| p.location == ParamLocation::Cookie)
        .collect();
    if !cookies.is_empty() {
        let pushes = cookies.iter().map(|p| {
            let name = ident(&p.name);
            let wire = &p.wire_name;
            if p.required {
                quote!(cookies.push(format!("{}={}", #wire, crate::runtime::ParamValue::param_string(&params.#name)));)
            } else {
                quote!(if let ::std::option::Option::Some(value) = &params.#name { cookies.push(format!("{}={}", #wire, crate::runtime::ParamValue::param_string(value))); })
            }
        });
        steps.push(quote! {
            let mut cookies: ::std::vec::Vec<::std::string::String> = ::std::vec::Vec::new();
            #(#pushes)*
            if !cookies.is_empty() {
                request = request.header(::reqwest::header::COOKIE, cookies.join("; "));
            }
        });
    }

    if let Some(body) = &op.body {
        let attach = match &body.content {
            BodyContent::Json { media_type, .. } => {
                if media_type == "application/json" || media_type == "*/*" {
                    quote!(request = request.json(body);)
                } else {
                    quote! {
                        request = request
                            .header(::reqwest::header::CONTENT_TYPE, #media_type)
                            .body(::serde_json::to_vec(body).map_err(|e| crate::runtime::Error::InvalidRequest(e.to_string()))?);
                    }
                }
            }
            BodyContent::Form { .. } => quote!(request = request.form(body);),
            BodyContent::Binary { media_type } => quote! {
                request = request
                    .header(::reqwest::header::CONTENT_TYPE, body.content_type.as_deref().unwrap_or(#media_type))
                    .body(body.bytes);
            },
            BodyContent::Text { media_type } => quote! {
                request = request.header(::reqwest::header::CONTENT_TYPE, #media_type).body(body);
            },
            BodyContent::Multipart { parts, .. } => {
                let parts = parts.iter().map(|part| {
                    let field = ident(&part.field);
                    let wire = &part.wire_name;
                    let add = match part.kind {
                        PartKind::File => quote!(form = form.part(#wire, value.to_part().map_err(crate::runtime::Error::InvalidRequest)?);),
                        PartKind::Text => quote!(form = form.text(#wire, crate::runtime::ParamValue::param_string(value));),
                        PartKind::Json => quote!(form = form.text(#wire, ::serde_json::to_string(value).map_err(|e| crate::runtime::Error::InvalidRequest(e.to_string()))?);),
                    };
                    if part.required {
                        quote!({ let value = &body.#field; #add })
                    } else {
                        quote!(if let ::std::option::Option::Some(value) = &body.#field { #add })
                    }
                });
                quote! {
                    let mut form = ::reqwest::multipart::Form::new();
                    #(#parts)*
                    request = request.multipart(form);
                }
            }
        };
        if body.required {
            steps.push(attach);
        } else {
            steps.push(quote!(if let ::std::option::Option::Some(body) = body { #attach }));
        }
    }

    // Response handling: exact codes, then ranges, then default or unexpected.
    let decode = |r: &Response| match &r.body {
        None => quote!(response.empty()?),
        Some(ResponseBody::Json { .. }) => quote!(response.json()?),
        Some(ResponseBody::Text { .. }) => quote!(response.text()?),
        Some(ResponseBody::Binary { .. }) => quote!(response.bytes()?),
    };
    let pattern = |r: &Response| match r.status {
        Status::Code(c) => {
            let c = Literal::u16_unsuffixed(c);
            quote!(#c)
        }
        Status::Range(d) => {
            let (lo, hi) = (
                Literal::u16_unsuffixed(d * 100),
                Literal::u16_unsuffixed(d * 100 + 99),
            );
            quote!(#lo..=#hi)
        }
        Status::Default => quote!(_),
    };
    let successes: Vec<&Response> = op.success_responses().collect();
    let ok_type = match (&op.success_type, successes.as_slice()) {
        (Some(name), _) => {
            let name = ident(name);
            quote!(types::#name)
        }
        (None, [single]) => response_value_type(single, Scope::Client),
        (None, _) => quote!(crate::runtime::ResponseValue<::std::vec::Vec<u8>, ()>),
    };
    let err_type = match &op.error_type {
        Some(name) => {
            let name = ident(name);
            quote!(types::#name)
        }
        None => quote!(crate::runtime::NoDocumentedErrors),
    };
    let mut arms = Vec::new();
    let mut ordered: Vec<&Response> = op.responses.iter().collect();
    ordered.sort_by_key(|r| match r.status {
        Status::Code(_) => 0,
        Status::Range(_) => 1,
        Status::Default => 2,
    });
    let mut has_default = false;
    if successes.is_empty() {
        arms.push(quote!(200..=299 => Ok(response.bytes()?),));
    }
    for r in ordered {
        let pat = pattern(r);
        let value = decode(r);
        let v = ident(&r.variant);
        has_default |= r.status == Status::Default;
        let arm = if r.status.is_success() {
            match &op.success_type {
                Some(name) => {
                    let name = ident(name);
                    quote!(#pat => Ok(types::#name::#v(#value)),)
                }
                None => quote!(#pat => Ok(#value),),
            }
        } else {
            let name = ident(
                op.error_type
                    .as_ref()
                    .expect("error responses imply an error type"),
            );
            quote!(#pat => Err(crate::runtime::Error::Api(types::#name::#v(#value))),)
        };
        arms.push(arm);
    }
    if !has_default {
        arms.push(quote!(_ => Err(response.unexpected()),));
    }

    let signature_line = format!("`{} {}`", op.method.as_str(), op.path);
    let args_doc =
        (!param_docs.is_empty()).then(|| format!("Arguments:\n{}", param_docs.join("\n")));
    let doc = docs(&[
        op.summary.as_deref(),
        op.description.as_deref(),
        Some(&signature_line),
        args_doc.as_deref(),
    ]);
    let deprecated = op
        .deprecated
        .as_ref()
        .map(|note| quote!(#[deprecated(note = #note)]));
    let mutable = if steps.is_empty() {
        quote!()
    } else {
        quote!(mut)
    };
    quote! {
        #doc
        #deprecated
        pub async fn #fname(&self, #(#args),*) -> ::std::result::Result<#ok_type, crate::runtime::Error<#err_type>> {
            #path
            let #mutable request = self.core.request(::reqwest::Method::#method, path, &[#(#auth),*]);
            #(#steps)*
            let response = self.core.send(request).await?;
            match response.status {
                #(#arms)*
            }
        }
    }
}

fn emit_client(api: &Api) -> TokenStream {
    let servers = api.servers.iter().map(|s| {
        let f = ident(&s.fn_name);
        let url = &s.url;
        let doc = docs(&[
            Some(&format!("A client for `{url}`.")),
            s.description.as_deref(),
        ]);
        let args = s.variables.iter().map(|v| {
            let name = ident(&v.name);
            quote!(#name: &str)
        });
        let fills = s.variables.iter().map(|v| {
            let name = ident(&v.name);
            let placeholder = format!("{{{}}}", v.wire_name);
            quote!(.replace(#placeholder, #name))
        });
        if s.variables.is_empty() {
            quote!(#doc pub fn #f() -> Self { Self::new(#url) })
        } else {
            quote!(#doc pub fn #f(#(#args),*) -> Self { Self::new(#url #(#fills)*) })
        }
    });
    let signing = api.signature.as_ref().map(|sig| {
        let header = &sig.header;
        let parts = sig.message.iter().map(|p| match p {
            SignaturePart::Header(name) => quote!(crate::runtime::SignaturePart::Header(#name)),
            SignaturePart::Path => quote!(crate::runtime::SignaturePart::Path),
            SignaturePart::Body => quote!(crate::runtime::SignaturePart::Body),
            SignaturePart::Method => quote!(crate::runtime::SignaturePart::Method),
        });
        let described = sig
            .message
            .iter()
            .map(|p| match p {
                SignaturePart::Header(name) => format!("the `{name}` header"),
                SignaturePart::Path => "the path".to_owned(),
                SignaturePart::Body => "the body".to_owned(),
                SignaturePart::Method => "the method".to_owned(),
            })
            .collect::<Vec<_>>()
            .join(" + ");
        let doc = format!(
            " Signs every request as the vendor requires: `{header}` = base64(HMAC-SHA256(secret, {described}))."
        );
        quote! {
            #[doc = #doc]
            pub fn with_signing_secret(self, secret: impl ::std::convert::Into<::std::vec::Vec<u8>>) -> Self {
                self.with_signer(::std::sync::Arc::new(crate::runtime::HmacSigner::new(#header, &[#(#parts),*], secret)))
            }
        }
    });
    let server_list = api.servers.iter().map(|s| &s.url);
    let has = |pred: fn(&AuthKind) -> bool| api.security_schemes.iter().any(|s| pred(&s.kind));
    let bearer = has(|k| matches!(k, AuthKind::Bearer)).then(|| {
        quote! {
            /// Sends `Authorization: Bearer <token>` on operations that accept it.
            pub fn with_bearer_token(mut self, token: impl ::std::convert::Into<::std::string::String>) -> Self {
                self.core.credentials.bearer = Some(token.into());
                self
            }
        }
    });
    let basic = has(|k| matches!(k, AuthKind::Basic)).then(|| {
        quote! {
            /// Sends HTTP Basic credentials on operations that accept them.
            pub fn with_basic_auth(mut self, user: impl ::std::convert::Into<::std::string::String>, password: impl ::std::convert::Into<::std::string::String>) -> Self {
                self.core.credentials.basic = Some((user.into(), password.into()));
                self
            }
        }
    });
    let api_key = has(|k| matches!(k, AuthKind::ApiKey { .. })).then(|| {
        quote! {
            /// Sends an API key under `name` (the scheme's header, query or cookie name) on operations that accept it.
            pub fn with_api_key(mut self, name: impl ::std::convert::Into<::std::string::String>, key: impl ::std::convert::Into<::std::string::String>) -> Self {
                self.core.credentials.api_keys.push((name.into(), key.into()));
                self
            }
        }
    });
    let ops = api
        .operations
        .iter()
        .map(|op| emit_operation(op, &api.security_schemes));
    let title = format!(" A client for the {}.", api.title);
    quote! {
        #[doc = #title]
        #[derive(Debug, Clone)]
        pub struct Client {
            core: crate::runtime::ClientCore,
        }

        impl Client {
            /// The server URLs the spec lists.
            pub const SERVERS: &'static [&'static str] = &[#(#server_list),*];

            /// A client for `base_url` (for example a local mock server).
            pub fn new(base_url: impl ::std::convert::Into<::std::string::String>) -> Self {
                Self { core: crate::runtime::ClientCore::new(base_url) }
            }

            #(#servers)*

            /// The base URL requests go to.
            pub fn base_url(&self) -> &str {
                &self.core.base_url
            }

            /// Uses `http` for requests (timeouts, proxies, TLS settings).
            pub fn with_http_client(mut self, http: ::reqwest::Client) -> Self {
                self.core.http = http;
                self
            }

            /// Signs every request just before it is sent.
            pub fn with_signer(mut self, signer: ::std::sync::Arc<dyn crate::runtime::RequestSigner>) -> Self {
                self.core.signer = Some(signer);
                self
            }

            #signing
            #bearer
            #basic
            #api_key

            #(#ops)*
        }
    }
}

fn emit_examples(api: &Api) -> TokenStream {
    let examples: Vec<&Example> = api
        .examples
        .iter()
        .filter(|e| !contains_file(&e.ty))
        .collect();
    let entries = examples.iter().map(|e| {
        let origin = &e.origin;
        let json = serde_json::to_string(&e.value).expect("JSON values always serialise");
        quote!((#origin, #json))
    });
    let arms = examples.iter().map(|e| {
        let t = ty(&e.ty, Scope::Client);
        let origin = &e.origin;
        quote!(#origin => crate::runtime::round_trip::<#t>(origin, json),)
    });
    quote! {
        /// Every documented example as `(where it sits in the spec, its JSON)` (feature `examples`).
        #[cfg(feature = "examples")]
        pub const EXAMPLES: &[(&str, &str)] = &[#(#entries),*];

        /// Round-trips `json` through the type of the example documented at `origin`
        /// (feature `examples`); `None` when no example sits there.
        #[cfg(feature = "examples")]
        pub fn check_example(origin: &str, json: &str) -> ::std::option::Option<crate::runtime::ExampleCheck> {
            Some(match origin {
                #(#arms)*
                _ => return None,
            })
        }

        /// Round-trips every documented example through its generated type (feature `examples`).
        #[cfg(feature = "examples")]
        pub fn example_checks() -> ::std::vec::Vec<crate::runtime::ExampleCheck> {
            EXAMPLES.iter().filter_map(|(origin, json)| check_example(origin, json)).collect()
        }
    }
}

/// The whole module for one API.
pub fn emit_module(api: &Api) -> TokenStream {
    let mut models: Vec<TokenStream> = api.types.iter().map(emit_type).collect();

    // Named types that travel as text (parameters, multipart text parts) need `ParamValue`.
    let mut param_types = BTreeSet::new();
    for op in &api.operations {
        for p in &op.params {
            let mut t = &p.ty;
            while let TypeRef::Array(inner)
            | TypeRef::Map(inner)
            | TypeRef::Nullable(inner)
            | TypeRef::Boxed(inner) = t
            {
                t = inner;
            }
            if let TypeRef::Named(n) = t {
                param_types.insert(n.clone());
            }
        }
        if let Some(RequestBody {
            content: BodyContent::Multipart { ty: body, parts },
            ..
        }) = &op.body
        {
            if let Some(TypeKind::Struct(s)) =
                api.types.iter().find(|d| &d.name == body).map(|d| &d.kind)
            {
                for part in parts.iter().filter(|p| p.kind == PartKind::Text) {
                    if let Some(TypeRef::Named(n)) = s
                        .fields
                        .iter()
                        .find(|f| f.name == part.field)
                        .map(|f| &f.ty)
                    {
                        param_types.insert(n.clone());
                    }
                }
            }
        }
    }
    models.extend(
        api.types
            .iter()
            .filter(|d| param_types.contains(&d.name))
            .map(emit_param_value),
    );

    let mut headers_done = BTreeSet::new();
    for op in &api.operations {
        for r in &op.responses {
            if let Some(h) = &r.headers_type {
                if headers_done.insert(h.clone()) {
                    models.push(emit_headers_struct(h, &r.headers));
                }
            }
        }
        let successes: Vec<&Response> = op.success_responses().collect();
        let errors: Vec<&Response> = op.error_responses().collect();
        if let Some(name) = &op.success_type {
            models.push(emit_response_enum(name, op, &successes, false));
        }
        if let Some(name) = &op.error_type {
            models.push(emit_response_enum(name, op, &errors, true));
        }
        if let Some(name) = &op.params_type {
            models.push(emit_params_struct(name, op));
        }
    }

    let client = emit_client(api);
    let examples = emit_examples(api);
    let version = match &api.version {
        Some(v) => quote!(::std::option::Option::Some(#v)),
        None => quote!(::std::option::Option::None),
    };
    let heading = format!(" {} (`{}`).", api.title, api.sources.join("`, `"));
    let module_docs = {
        let mut lines = vec![heading];
        if let Some(d) = &api.description {
            lines.push(String::new());
            lines.extend(d.trim().lines().map(|l| format!(" {}", l.trim_end())));
        }
        lines.into_iter().map(|l| quote!(#![doc = #l]))
    };
    quote! {
        #(#module_docs)*
        #![allow(deprecated)]
        // Errors carry the typed body and headers of documented responses by value, by design.
        #![allow(clippy::result_large_err, clippy::large_enum_variant)]

        /// The spec's version (`info.version`, or the newest release notes' version), or `None` when
        /// the document holds a placeholder such as `${version}`.
        pub const SPEC_VERSION: ::std::option::Option<&str> = #version;

        /// Models, response headers and per-operation response enums.
        pub mod types {
            #(#models)*
        }

        #client

        #examples
    }
}
