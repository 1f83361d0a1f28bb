//! The exact request on the wire, sending it, and the `curl` command that replays it.
//!
//! A request is first [`Prepared`] (method, URL, every header, the body bytes) so what is sent
//! and what the report shows are one value: the reproduction cannot drift from the request.
//! Credentials are the one difference: the report shows the environment variable that holds
//! them (`$SANDBOX_TOKEN`), never the secret.

use super::Exchange;
use super::bodies;
use super::cases::{Case, excerpt};
use super::scenarios::Param;
use crate::synth::Synth;
use crate::validate::Direction;
use base64::Engine as _;
use serde_json::Value;
use specgen_ir::ir::{Api, AuthKind, Operation, ParamLocation};
use std::time::Instant;

/// What came back.
#[derive(Debug, Clone)]
pub struct Answer {
    /// The status code.
    pub status: u16,
    /// The response headers.
    pub headers: reqwest::header::HeaderMap,
    /// The body bytes.
    pub body: Vec<u8>,
}

/// How a credential travels, with the value sent and the value shown.
#[derive(Debug, Clone)]
enum Credential {
    /// A header (`Authorization: Bearer …`, an API key header, a cookie).
    Header {
        name: String,
        value: String,
        shown: String,
    },
    /// A query parameter.
    Query {
        name: String,
        value: String,
        shown: String,
    },
}

/// One request, ready to send and to show.
#[derive(Debug, Clone)]
pub struct Prepared {
    operation: String,
    case: String,
    method: String,
    /// The URL with the query, without a credential carried in the query.
    url: String,
    headers: Vec<(String, String)>,
    credential: Option<Credential>,
    body: Option<Vec<u8>>,
}

/// Sends prepared requests with one HTTP client.
pub struct Sender<'a> {
    http: reqwest::Client,
    api: &'a Api,
    base_url: String,
    token: Option<String>,
    /// `$VAR` as the reproduction shows the token.
    shown_token: String,
    signing_secret: Option<Vec<u8>>,
}

/// A parameter value as text: strings as they are, arrays comma-joined, anything else as JSON.
pub fn param_text(value: Value) -> String {
    match value {
        Value::String(s) => s,
        Value::Array(items) => items
            .into_iter()
            .map(param_text)
            .collect::<Vec<_>>()
            .join(","),
        other => other.to_string(),
    }
}

fn encode_segment(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}

impl<'a> Sender<'a> {
    /// A sender for `api` with the options' base URL, credential and secret; `token_env` is
    /// how reproductions name the credential.
    pub fn new(api: &'a Api, options: &super::ContractOptions, token_env: Option<&str>) -> Self {
        let http = reqwest::Client::builder()
            .timeout(options.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_default();
        Sender {
            http,
            api,
            base_url: options.base_url.trim_end_matches('/').to_owned(),
            token: options.token.clone(),
            shown_token: format!("${}", token_env.unwrap_or("TOKEN")),
            signing_secret: options.signing_secret.clone(),
        }
    }

    /// The request for `case` of `op`, with `params` in the path.
    pub fn prepare(
        &self,
        synth: &Synth,
        op: &Operation,
        case: &Case,
        params: &[Param],
        idempotency_key: &str,
    ) -> Prepared {
        let mut path = op.path.clone();
        for p in params {
            path = path.replace(&format!("{{{}}}", p.name), &encode_segment(&p.value));
        }
        let mut query = form_urlencoded::Serializer::new(String::new());
        let mut headers = Vec::new();
        let signing = self.api.signature.is_some() && self.signing_secret.is_some();
        for p in &op.params {
            if p.location == ParamLocation::Path || (!p.required && !p.idempotency_key) {
                continue;
            }
            if signing && p.signature {
                continue;
            }
            let text = if p.idempotency_key {
                idempotency_key.to_owned()
            } else {
                param_text(synth.value_within(&p.ty, p.bounds.as_ref(), Direction::Request))
            };
            match p.location {
                ParamLocation::Query => {
                    query.append_pair(&p.wire_name, &text);
                }
                ParamLocation::Header => headers.push((p.wire_name.clone(), text)),
                ParamLocation::Cookie => {
                    headers.push(("Cookie".into(), format!("{}={text}", p.wire_name)))
                }
                ParamLocation::Path => {}
            }
        }
        let query = query.finish();
        let mut url = format!("{}{path}", self.base_url);
        if !query.is_empty() {
            url = format!("{url}?{query}");
        }
        let encoded = bodies::encode(synth, op, case.body.as_ref());
        if let Some((content_type, _)) = &encoded {
            headers.push(("Content-Type".into(), content_type.clone()));
        }
        let body = encoded.map(|(_, bytes)| bytes);
        if let (Some(scheme), Some(secret)) = (&self.api.signature, &self.signing_secret) {
            let signature = crate::signature::sign(
                scheme,
                secret,
                op.method.as_str(),
                &path,
                &|name| {
                    headers
                        .iter()
                        .find(|(k, _)| k.eq_ignore_ascii_case(name))
                        .map(|(_, v)| v.clone())
                },
                body.as_deref().unwrap_or_default(),
            );
            headers.push((scheme.header.clone(), signature));
        }
        Prepared {
            operation: super::operation_name(op),
            case: case.name.clone(),
            method: op.method.as_str().to_owned(),
            url,
            headers,
            credential: self.credential(op),
            body,
        }
    }

    fn credential(&self, op: &Operation) -> Option<Credential> {
        let token = self.token.as_ref()?;
        let key = op.security.first()?;
        let scheme = self.api.security_schemes.iter().find(|s| &s.key == key)?;
        let shown = &self.shown_token;
        Some(match &scheme.kind {
            AuthKind::Bearer => Credential::Header {
                name: "Authorization".into(),
                value: format!("Bearer {token}"),
                shown: format!("Bearer {shown}"),
            },
            AuthKind::Basic => Credential::Header {
                name: "Authorization".into(),
                value: format!(
                    "Basic {}",
                    base64::engine::general_purpose::STANDARD.encode(token)
                ),
                shown: format!("Basic $(printf %s {shown} | base64)"),
            },
            AuthKind::ApiKey { location, name } => match location {
                ParamLocation::Query => Credential::Query {
                    name: name.clone(),
                    value: token.clone(),
                    shown: shown.clone(),
                },
                ParamLocation::Cookie => Credential::Header {
                    name: "Cookie".into(),
                    value: format!("{name}={token}"),
                    shown: format!("{name}={shown}"),
                },
                _ => Credential::Header {
                    name: name.clone(),
                    value: token.clone(),
                    shown: shown.clone(),
                },
            },
        })
    }

    /// Sends `prepared`; the exchange records it with the credential shown by name.
    pub async fn send(&self, prepared: &Prepared) -> (Exchange, Result<Answer, String>) {
        let mut url = prepared.url.clone();
        if let Some(Credential::Query { name, value, .. }) = &prepared.credential {
            let pair: String = form_urlencoded::Serializer::new(String::new())
                .append_pair(name, value)
                .finish();
            url.push(if url.contains('?') { '&' } else { '?' });
            url.push_str(&pair);
        }
        let method =
            reqwest::Method::from_bytes(prepared.method.as_bytes()).unwrap_or(reqwest::Method::GET);
        let mut request = self.http.request(method, &url);
        for (k, v) in &prepared.headers {
            request = request.header(k.as_str(), v.as_str());
        }
        if let Some(Credential::Header { name, value, .. }) = &prepared.credential {
            request = request.header(name.as_str(), value.as_str());
        }
        if let Some(body) = &prepared.body {
            request = request.body(body.clone());
        }
        let started = Instant::now();
        let answer = receive(request, &prepared.method, &prepared.url).await;
        let elapsed_ms = started.elapsed().as_secs_f64() * 1000.0;
        (exchange(prepared, &answer, elapsed_ms), answer)
    }
}

async fn receive(
    request: reqwest::RequestBuilder,
    method: &str,
    url: &str,
) -> Result<Answer, String> {
    let response = request
        .send()
        .await
        .map_err(|e| format!("{method} {url}: {e}"))?;
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = read_limited(response, MAX_ANSWER).await?;
    Ok(Answer {
        status,
        headers,
        body,
    })
}

/// The largest answer body read, so a hostile or broken server cannot exhaust memory.
pub const MAX_ANSWER: usize = 16 * 1024 * 1024;

/// Reads a response body of at most `limit` bytes; a longer one is an error that says so.
pub async fn read_limited(
    mut response: reqwest::Response,
    limit: usize,
) -> Result<Vec<u8>, String> {
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| format!("reading the body: {e}"))?
    {
        if body.len() + chunk.len() > limit {
            return Err(format!("the answer's body is larger than {limit} bytes"));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// How much of a body the report keeps.
pub const BODY_EXCERPT: usize = 2000;

/// A body as the report shows it: text when it is UTF-8, else its size.
pub fn body_text(body: &[u8]) -> String {
    match std::str::from_utf8(body) {
        Ok(text) => excerpt(text, BODY_EXCERPT),
        Err(_) => format!("({} bytes, not UTF-8)", body.len()),
    }
}

/// What the report keeps of an answer: status, headers as text, the body excerpt, or the error
/// when there was no answer. The runner and the proxy report exchanges the same way.
pub type AnswerParts = (Option<u16>, Vec<(String, String)>, String, Option<String>);

/// [`AnswerParts`] of `answer`.
pub fn answer_parts(answer: &Result<Answer, String>) -> AnswerParts {
    match answer {
        Ok(a) => (
            Some(a.status),
            a.headers
                .iter()
                .map(|(k, v)| {
                    (
                        k.as_str().to_owned(),
                        String::from_utf8_lossy(v.as_bytes()).into_owned(),
                    )
                })
                .collect(),
            body_text(&a.body),
            None,
        ),
        Err(e) => (None, Vec::new(), String::new(), Some(e.clone())),
    }
}

fn exchange(prepared: &Prepared, answer: &Result<Answer, String>, elapsed_ms: f64) -> Exchange {
    let mut request_headers = prepared.headers.clone();
    let mut url = prepared.url.clone();
    let shown = match &prepared.credential {
        Some(Credential::Header { name, shown, .. }) => {
            request_headers.push((name.clone(), shown.clone()));
            Some(shown.clone())
        }
        Some(Credential::Query { name, shown, .. }) => {
            url.push(if url.contains('?') { '&' } else { '?' });
            url.push_str(&format!("{name}={shown}"));
            Some(shown.clone())
        }
        None => None,
    };
    let (status, response_headers, response_body, error) = answer_parts(answer);
    Exchange {
        operation: prepared.operation.clone(),
        case: prepared.case.clone(),
        method: prepared.method.clone(),
        curl: curl(
            &prepared.method,
            &url,
            &request_headers,
            prepared.body.as_deref(),
            shown.as_deref(),
        ),
        url,
        request_headers,
        request_body: prepared.body.as_deref().map(body_text).unwrap_or_default(),
        status,
        response_headers,
        response_body,
        elapsed_ms,
        error,
    }
}

/// A shell word for `text`, taken literally: single-quoted when printable, ANSI-C quoted
/// (`$'…'`) when it holds control characters.
pub fn shell_word(text: &str) -> String {
    if text.chars().any(|c| c.is_control()) {
        let mut out = String::from("$'");
        for c in text.chars() {
            match c {
                '\\' => out.push_str("\\\\"),
                '\'' => out.push_str("\\'"),
                '\r' => out.push_str("\\r"),
                '\n' => out.push_str("\\n"),
                '\t' => out.push_str("\\t"),
                c if c.is_control() => out.push_str(&format!("\\x{:02x}", c as u32)),
                c => out.push(c),
            }
        }
        out.push('\'');
        return out;
    }
    format!("'{}'", text.replace('\'', "'\\''"))
}

/// A double-quoted shell word in which `$VAR` and `$(…)` expand: for the parts of a command
/// that name a credential by its variable.
pub fn shell_expanding(text: &str) -> String {
    let escaped: String = text
        .chars()
        .flat_map(|c| match c {
            '"' | '\\' | '`' => vec!['\\', c],
            _ => vec![c],
        })
        .collect();
    format!("\"{escaped}\"")
}

/// The `curl` command that sends this request again. Words that contain `secret` (how the
/// credential is shown, `$SANDBOX_TOKEN`) are double-quoted so the shell expands it; every
/// other word is literal.
pub fn curl(
    method: &str,
    url: &str,
    headers: &[(String, String)],
    body: Option<&[u8]>,
    secret: Option<&str>,
) -> String {
    let word = |text: &str| match secret {
        Some(s) if text.contains(s) => shell_expanding(text),
        _ => shell_word(text),
    };
    let mut out = format!("curl -sS -X {method} {}", word(url));
    for (k, v) in headers {
        out.push_str(" -H ");
        out.push_str(&word(&format!("{k}: {v}")));
    }
    if let Some(body) = body {
        out.push_str(" --data-binary ");
        match std::str::from_utf8(body) {
            Ok(text) => out.push_str(&shell_word(text)),
            Err(_) => {
                // Command substitution would drop NUL bytes; a process substitution keeps them.
                let escaped: String = body.iter().map(|b| format!("\\x{b:02x}")).collect();
                out.push_str(&format!("@<(printf '{escaped}')"));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each word, given to `bash -c 'printf %s WORD'`, prints the text back unchanged.
    #[test]
    fn shell_words_round_trip_through_bash() {
        for text in [
            "plain",
            "it's",
            "{\"a\": \"$HOME `x` \\\\ b\"}",
            "line\r\nnext\ttab\x07",
        ] {
            let out = std::process::Command::new("bash")
                .arg("-c")
                .arg(format!("printf %s {}", shell_word(text)))
                .output()
                .unwrap();
            assert_eq!(String::from_utf8_lossy(&out.stdout), text);
        }
    }

    #[test]
    fn only_the_words_naming_the_secret_expand() {
        let command = curl(
            "POST",
            "http://h/p?q=$HOME",
            &[("Authorization".into(), "Bearer $SANDBOX_TOKEN".into())],
            Some(b"{\"k\":\"$HOME\"}"),
            Some("$SANDBOX_TOKEN"),
        );
        assert_eq!(
            command,
            "curl -sS -X POST 'http://h/p?q=$HOME' -H \"Authorization: Bearer $SANDBOX_TOKEN\" --data-binary '{\"k\":\"$HOME\"}'"
        );
    }
}
