//! The `Client` struct of one API: constructors per server, configuration (credentials,
//! signers, retries, timeouts, per-call options), one method per operation and a stream method
//! per paged list. Written as text (`emit::text`); most of it is the same for every API.

use super::text::{Writer, lit};
use crate::ir::*;

/// The methods every client has, after its constructors: the HTTP client, signers, retries,
/// timeouts and per-call options. One level of indentation in, as inside `impl Client`.
const CONFIGURATION: &str = "    /// The base URL requests go to.
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
    pub fn with_signer(
        mut self,
        signer: ::std::sync::Arc<dyn crate::runtime::RequestSigner>,
    ) -> Self {
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
        Self {
            core: self.core.with_options(options),
        }
    }
";

const BEARER: &str = "    /// Sends `Authorization: Bearer <token>` on operations that accept it.
    pub fn with_bearer_token(
        mut self,
        token: impl ::std::convert::Into<::std::string::String>,
    ) -> Self {
        self.core.credentials.bearer = Some(token.into());
        self
    }
";

const BASIC: &str = "    /// Sends HTTP Basic credentials on operations that accept them.
    pub fn with_basic_auth(
        mut self,
        user: impl ::std::convert::Into<::std::string::String>,
        password: impl ::std::convert::Into<::std::string::String>,
    ) -> Self {
        self.core.credentials.basic = Some((user.into(), password.into()));
        self
    }
";

const API_KEY: &str = "    /// Sends an API key under `name` (the scheme's header, query or cookie name) on operations that accept it.
    pub fn with_api_key(
        mut self,
        name: impl ::std::convert::Into<::std::string::String>,
        key: impl ::std::convert::Into<::std::string::String>,
    ) -> Self {
        self.core.credentials.api_keys.push((name.into(), key.into()));
        self
    }
";

fn server_constructors(w: &mut Writer, api: &Api) {
    for s in &api.servers {
        let url = lit(&s.url);
        w.docs(&[
            Some(&format!("A client for `{}`.", s.url)),
            s.description.as_deref(),
        ]);
        let args: Vec<String> = s
            .variables
            .iter()
            .map(|v| format!("{}: &str", v.name))
            .collect();
        w.list(
            &format!("pub fn {}(", s.fn_name),
            &args,
            ") -> Self {",
            true,
        );
        w.nested(|w| {
            let mut calls = vec![url];
            calls.extend(s.variables.iter().map(|v| {
                format!(
                    ".replace({}, {})",
                    lit(&format!("{{{}}}", v.wire_name)),
                    v.name
                )
            }));
            let one_line = format!("Self::new({})", calls.concat());
            if super::text::fits(w.indent(), one_line.len()) {
                w.line(&one_line);
            } else {
                w.line("Self::new(");
                w.nested(|w| w.chain(&calls, ","));
                w.line(")");
            }
        });
        w.line("}");
    }
}

fn signing_method(w: &mut Writer, sig: &SignatureScheme) {
    let parts: Vec<String> = sig
        .message
        .iter()
        .map(|p| match p {
            SignaturePart::Header(name) => {
                format!("crate::runtime::SignaturePart::Header({})", lit(name))
            }
            SignaturePart::Path => "crate::runtime::SignaturePart::Path".to_owned(),
            SignaturePart::Body => "crate::runtime::SignaturePart::Body".to_owned(),
            SignaturePart::Method => "crate::runtime::SignaturePart::Method".to_owned(),
        })
        .collect();
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
    w.docs(&[
        Some(&format!(
            "Signs every request as the vendor requires: `{}` = base64(HMAC-SHA256(secret, {described})).",
            sig.header
        )),
        Some("The HMAC signer runs after every other signer, so it signs the final request."),
    ]);
    w.line("pub fn with_signing_secret(");
    w.nested(|w| {
        w.line("self,");
        w.line("secret: impl ::std::convert::Into<::std::vec::Vec<u8>>,");
    });
    w.line(") -> Self {");
    w.nested(|w| {
        w.line("self.with_signer(::std::sync::Arc::new(crate::runtime::HmacSigner::new(");
        w.nested(|w| {
            w.line(&format!("{},", lit(&sig.header)));
            w.list("&[", &parts, "],", true);
            w.line("secret,");
        });
        w.line(")))");
    });
    w.line("}");
}

/// The `Client` struct: a handle on the shared runtime core.
pub(super) fn client_struct_text(api: &Api) -> String {
    let mut w = Writer::new(0);
    w.docs(&[Some(&format!("A client for the {}.", api.title))]);
    w.line("#[derive(Debug, Clone)]");
    w.line("pub struct Client {");
    w.nested(|w| w.line("core: crate::runtime::ClientCore,"));
    w.line("}");
    w.out
}

/// The first items of `impl Client`: the server list, constructors, configuration, signing and
/// credential methods. The operation and stream methods follow them in the same block.
pub(super) fn client_prelude_text(api: &Api) -> String {
    let mut w = Writer::new(1);
    w.line("/// The server URLs the spec lists.");
    let servers: Vec<String> = api.servers.iter().map(|s| lit(&s.url)).collect();
    w.list(
        "pub const SERVERS: &'static [&'static str] = &[",
        &servers,
        "];",
        true,
    );
    w.line("/// A client for `base_url` (for example a local mock server).");
    w.line("pub fn new(base_url: impl ::std::convert::Into<::std::string::String>) -> Self {");
    w.nested(|w| {
        w.line("Self {");
        w.nested(|w| w.line("core: crate::runtime::ClientCore::new(base_url),"));
        w.line("}");
    });
    w.line("}");
    server_constructors(&mut w, api);
    w.out.push_str(CONFIGURATION);
    if let Some(sig) = &api.signature {
        signing_method(&mut w, sig);
    }
    let has = |pred: fn(&AuthKind) -> bool| api.security_schemes.iter().any(|s| pred(&s.kind));
    for (present, text) in [
        (has(|k| matches!(k, AuthKind::Bearer)), BEARER),
        (has(|k| matches!(k, AuthKind::Basic)), BASIC),
        (has(|k| matches!(k, AuthKind::ApiKey { .. })), API_KEY),
    ] {
        if present {
            w.out.push_str(text);
        }
    }
    w.out
}
