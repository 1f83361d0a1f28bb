//! The `Client` struct of one API: constructors per server, configuration (credentials,
//! signers, retries, timeouts, per-call options), one method per operation and a stream method
//! per paged list.

use super::{docs, ident};
use crate::ir::*;
use proc_macro2::TokenStream;
use quote::quote;

fn server_constructors(api: &Api) -> Vec<TokenStream> {
    api.servers
        .iter()
        .map(|s| {
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
        })
        .collect()
}

fn signing_method(sig: &SignatureScheme) -> TokenStream {
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
    let doc = docs(&[
        Some(&format!(
            "Signs every request as the vendor requires: `{header}` = base64(HMAC-SHA256(secret, {described}))."
        )),
        Some("The HMAC signer runs after every other signer, so it signs the final request."),
    ]);
    quote! {
        #doc
        pub fn with_signing_secret(self, secret: impl ::std::convert::Into<::std::vec::Vec<u8>>) -> Self {
            self.with_signer(::std::sync::Arc::new(crate::runtime::HmacSigner::new(#header, &[#(#parts),*], secret)))
        }
    }
}

fn credential_methods(api: &Api) -> TokenStream {
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
    quote!(#bearer #basic #api_key)
}

/// Configuration shared by every client: HTTP client, signers, retries, timeouts, options.
fn configuration_methods() -> TokenStream {
    quote! {
        /// The base URL requests go to.
        pub fn base_url(&self) -> &str {
            &self.core.base_url
        }

        /// Uses `http` for requests (proxies, TLS settings, connection pool). Its own timeouts
        /// apply, unless [`Self::with_timeouts`] is called after this.
        pub fn with_http_client(mut self, http: ::reqwest::Client) -> Self {
            self.core.set_http_client(http);
            self
        }

        /// Adds a signer or request hook. Hooks run in the order they were added, just before
        /// each attempt is sent; signers that write a signature header (such as
        /// `runtime::HmacSigner`) run after all the others, so they sign the final request.
        pub fn with_signer(mut self, signer: ::std::sync::Arc<dyn crate::runtime::RequestSigner>) -> Self {
            self.core.add_signer(signer);
            self
        }

        /// Replaces the retry policy (default: `runtime::RetryPolicy::default()`, up to 2
        /// retries; `RetryPolicy::none()` turns retries off).
        pub fn with_retry_policy(mut self, policy: crate::runtime::RetryPolicy) -> Self {
            self.core.retry = policy;
            self
        }

        /// Replaces the connect and per-attempt request timeouts (default 10 s and 30 s).
        pub fn with_timeouts(mut self, timeouts: crate::runtime::Timeouts) -> Self {
            self.core.set_timeouts(timeouts);
            self
        }

        /// A client whose calls carry `options` (extra headers, a timeout, an idempotency key):
        /// per-call settings without changing any method's arguments. It shares the connection
        /// pool with `self`.
        pub fn with_options(&self, options: crate::runtime::CallOptions) -> Self {
            Self { core: self.core.with_options(options) }
        }
    }
}

/// The `Client` struct: a handle on the shared runtime core.
pub(super) fn emit_client_struct(api: &Api) -> TokenStream {
    let title = format!(" A client for the {}.", api.title);
    quote! {
        #[doc = #title]
        #[derive(Debug, Clone)]
        pub struct Client {
            core: crate::runtime::ClientCore,
        }
    }
}

/// The first items of `impl Client`: the server list, constructors, configuration, signing and
/// credential methods. The operation and stream methods follow them in the same block.
pub(super) fn emit_client_prelude(api: &Api) -> TokenStream {
    let servers = server_constructors(api);
    let signing = api.signature.as_ref().map(signing_method);
    let credentials = credential_methods(api);
    let configuration = configuration_methods();
    let server_list = api.servers.iter().map(|s| &s.url);
    quote! {
        /// The server URLs the spec lists.
        pub const SERVERS: &'static [&'static str] = &[#(#server_list),*];

        /// A client for `base_url` (for example a local mock server).
        pub fn new(base_url: impl ::std::convert::Into<::std::string::String>) -> Self {
            Self { core: crate::runtime::ClientCore::new(base_url) }
        }

        #(#servers)*

        #configuration

        #signing

        #credentials
    }
}
