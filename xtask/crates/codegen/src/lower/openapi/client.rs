//! The client-level parts of a document: servers (constructor names and variables), security
//! schemes, and the request-signature declaration an overlay may add.

use super::*;

impl<'a> Lowerer<'a> {
    /// The request-signing convention declared by `x-specgen-request-signature` at the root.
    pub(super) fn signature(&mut self, declared: &Option<Value>) -> Option<SignatureScheme> {
        let declared = declared.as_ref()?;
        let at = "#/x-specgen-request-signature";
        let header = declared.get("header").and_then(Value::as_str);
        let algorithm = declared.get("algorithm").and_then(Value::as_str);
        let encoding = declared.get("encoding").and_then(Value::as_str);
        let (Some(header), Some("hmac-sha256"), Some("base64")) = (header, algorithm, encoding)
        else {
            self.error(
                at,
                "request signature needs `header`, `algorithm: hmac-sha256` and `encoding: base64`".into(),
                "those are the supported values; describe other schemes with a custom RequestSigner",
            );
            return None;
        };
        let mut message = Vec::new();
        for (i, part) in declared
            .get("message")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            let part = part.as_str().unwrap_or_default();
            message.push(match part {
                "path" => SignaturePart::Path,
                "body" => SignaturePart::Body,
                "method" => SignaturePart::Method,
                other => match other.strip_prefix("header:") {
                    Some(name) => SignaturePart::Header(name.to_owned()),
                    None => {
                        self.error(
                            &format!("{at}/message/{i}"),
                            format!("unknown signature part `{other}`"),
                            "use `path`, `body`, `method` or `header:<name>`",
                        );
                        continue;
                    }
                },
            });
        }
        Some(SignatureScheme {
            header: header.to_owned(),
            message,
        })
    }

    pub(super) fn servers(&mut self) -> Vec<Server> {
        let mut names = Namespace::with_reserved(CLIENT_METHODS.iter().copied());
        let keywords = [
            "sandbox",
            "production",
            "staging",
            "test",
            "dev",
            "demo",
            "uat",
            "preview",
            "mock",
            "local",
        ];
        let mut out = Vec::new();
        for (i, server) in self.spec.servers.iter().enumerate() {
            let mut url = server.url.clone();
            for (var, value) in server.variables.iter().flatten() {
                url = url.replace(&format!("{{{var}}}"), &value.default);
            }
            // Placeholders without a declared default (Jiko's `{partner}`) become arguments.
            let mut arg_names = Namespace::new();
            let variables = url
                .split('{')
                .skip(1)
                .filter_map(|s| s.split_once('}').map(|(name, _)| name.to_owned()))
                .map(|wire_name| ServerVariable {
                    name: arg_names.claim(&naming::value_name(&wire_name)),
                    wire_name,
                })
                .collect();
            let description = server
                .description
                .as_deref()
                .map(str::trim)
                .filter(|d| !d.is_empty());
            // An environment word in the description or the URL names the constructor best.
            let haystack =
                format!("{} {url}", description.unwrap_or_default()).to_ascii_lowercase();
            let candidate = match keywords.iter().find(|k| haystack.contains(*k)) {
                Some(k) => (*k).to_owned(),
                None => match description {
                    Some(d) if d.split_whitespace().count() <= 3 => naming::value_name(d),
                    _ if !names.contains("production") => "production".to_owned(),
                    _ => format!("server_{}", i + 1),
                },
            };
            let fn_name = names.claim(candidate.trim_start_matches("r#"));
            out.push(Server {
                url,
                description: server.description.clone(),
                fn_name,
                variables,
            });
        }
        out
    }

    pub(super) fn security_schemes(
        &mut self,
        components: &openapiv3::Components,
    ) -> Vec<SecurityScheme> {
        let mut out = Vec::new();
        for (key, scheme) in &components.security_schemes {
            let pointer = format!("#/components/securitySchemes/{}", escape_token(key));
            let ReferenceOr::Item(scheme) = scheme else {
                self.warn(
                    &pointer,
                    "security scheme by `$ref` is not supported; it is ignored".into(),
                    "inline the scheme",
                );
                continue;
            };
            let (kind, docs) = match scheme {
                openapiv3::SecurityScheme::HTTP {
                    scheme,
                    description,
                    ..
                } => match scheme.to_ascii_lowercase().as_str() {
                    "bearer" => (AuthKind::Bearer, description.clone()),
                    "basic" => (AuthKind::Basic, description.clone()),
                    other => {
                        self.warn(&pointer, format!("HTTP auth scheme `{other}` is not supported; requests will not carry it"), "supported: bearer, basic, apiKey, oauth2 and openIdConnect (as bearer tokens)");
                        continue;
                    }
                },
                openapiv3::SecurityScheme::APIKey {
                    location,
                    name,
                    description,
                    ..
                } => {
                    let location = match location {
                        openapiv3::APIKeyLocation::Query => ParamLocation::Query,
                        openapiv3::APIKeyLocation::Header => ParamLocation::Header,
                        openapiv3::APIKeyLocation::Cookie => ParamLocation::Cookie,
                    };
                    (
                        AuthKind::ApiKey {
                            location,
                            name: name.clone(),
                        },
                        description.clone(),
                    )
                }
                openapiv3::SecurityScheme::OAuth2 { description, .. }
                | openapiv3::SecurityScheme::OpenIDConnect { description, .. } => {
                    (AuthKind::Bearer, description.clone())
                }
            };
            out.push(SecurityScheme {
                key: key.clone(),
                kind,
                docs,
            });
        }
        out
    }
}
