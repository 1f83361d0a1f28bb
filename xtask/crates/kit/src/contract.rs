//! The contract runner: every operation of a spec sent to any server, every answer checked
//! against the spec.
//!
//! It works from the IR alone (no generated code), so it runs against the mock in this repo's
//! tests and against a vendor's sandbox in a user's CI alike. For each operation it sends each
//! documented request example (or a synthesised request when none is documented), plus one
//! documented scenario, an idempotent replay, for operations that take an idempotency key. Each
//! answer gets one check per concern: the status is documented, the content type is the
//! documented one, the body is valid against the schema (every violation listed with its
//! pointer), and the documented headers are present and well-formed. The report prints one line
//! per check and ends with `N passed, N failed`; [`Report::junit`] renders JUnit XML for CI.

use crate::synth::Synth;
use crate::validate::{Direction, parameter_value};
use serde_json::Value;
use specgen_ir::ir::{Api, AuthKind, BodyContent, Operation, ParamLocation, Status};
use specgen_ir::ir::{Response, ResponseBody, TypeRef};
use std::fmt::Write as _;
use std::time::Duration;

/// Where and how to run.
#[derive(Debug, Clone)]
pub struct ContractOptions {
    /// The server's base URL (`http://127.0.0.1:4010`, `https://api-sandbox.circle.com`).
    pub base_url: String,
    /// The credential sent on operations that require one (bearer token, basic `user:pass`, or
    /// API key). `None` sends none, so secured operations are expected to answer 401.
    pub token: Option<String>,
    /// Per-request timeout.
    pub timeout: Duration,
    /// The shared secret for specs whose requests are signed (`x-specgen-request-signature`);
    /// without it a placeholder signature is sent, which only a mock without a secret accepts.
    pub signing_secret: Option<Vec<u8>>,
}

/// The result of one check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// The operation (`operationId`, else the generated method name).
    pub operation: String,
    /// The request case (`example 1`, `synthesised`, `idempotent replay`).
    pub case: String,
    /// What was checked (`status`, `content-type`, `body`, `headers`, `transport`, `replay`).
    pub name: String,
    /// What was found, in one line.
    pub detail: String,
    /// Every problem found; empty when the check passed.
    pub failures: Vec<String>,
}

impl Check {
    /// Whether the check passed.
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

/// Every check of one run.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// The API's module name.
    pub module: String,
    /// The checks, in the order they ran.
    pub checks: Vec<Check>,
}

impl Report {
    /// How many checks passed.
    pub fn passed(&self) -> usize {
        self.checks.iter().filter(|c| c.passed()).count()
    }

    /// How many checks failed.
    pub fn failed(&self) -> usize {
        self.checks.len() - self.passed()
    }

    /// The readable report: one line per check, problems indented below a failing one, and the
    /// closing `N passed, N failed` line.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for c in &self.checks {
            let mark = if c.passed() { "PASS" } else { "FAIL" };
            let _ = writeln!(
                out,
                "{mark} {} [{}] {}: {}",
                c.operation, c.case, c.name, c.detail
            );
            for f in &c.failures {
                let _ = writeln!(out, "       - {f}");
            }
        }
        let _ = writeln!(out, "{} passed, {} failed", self.passed(), self.failed());
        out
    }

    /// JUnit XML: one test suite for the API, one test case per check.
    pub fn junit(&self) -> String {
        let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        let _ = writeln!(
            out,
            "<testsuites name=\"specgen contract\" tests=\"{}\" failures=\"{}\">",
            self.checks.len(),
            self.failed()
        );
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\">",
            xml(&self.module),
            self.checks.len(),
            self.failed()
        );
        for c in &self.checks {
            let _ = write!(
                out,
                "    <testcase classname=\"{}.{}\" name=\"{}: {}\"",
                xml(&self.module),
                xml(&c.operation),
                xml(&c.case),
                xml(&c.name)
            );
            if c.passed() {
                out.push_str("/>\n");
            } else {
                let _ = writeln!(
                    out,
                    ">\n      <failure message=\"{}\">{}</failure>\n    </testcase>",
                    xml(&c.detail),
                    xml(&c.failures.join("\n"))
                );
            }
        }
        out.push_str("  </testsuite>\n</testsuites>\n");
        out
    }
}

fn xml(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

/// One request to send.
#[derive(Debug, Clone)]
struct Case {
    name: String,
    body: Option<Value>,
}

/// What came back.
#[derive(Debug, Clone)]
struct Answer {
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: Vec<u8>,
}

/// Runs every operation of `api` against `options.base_url` and checks every answer.
pub async fn run(api: &Api, options: &ContractOptions) -> Report {
    let synth = Synth::new(api);
    let http = reqwest::Client::builder()
        .timeout(options.timeout)
        .build()
        .unwrap_or_default();
    let mut report = Report {
        module: api.module.clone(),
        checks: Vec::new(),
    };
    for op in &api.operations {
        let name = op
            .operation_id
            .clone()
            .unwrap_or_else(|| op.fn_name.clone());
        for case in cases(&synth, op) {
            let key = uuid::Uuid::new_v4().to_string();
            let first = send(&http, api, &synth, op, &case, options, &key).await;
            check_answer(&synth, op, &name, &case.name, first, &mut report.checks);
        }
        // The documented idempotency scenario: the same key and body again replays the answer.
        if idempotency_header(op).is_some() {
            let case = cases(&synth, op).remove(0);
            let key = uuid::Uuid::new_v4().to_string();
            let first = send(&http, api, &synth, op, &case, options, &key).await;
            let second = send(&http, api, &synth, op, &case, options, &key).await;
            let scenario = "idempotent replay";
            let mut failures = Vec::new();
            let detail = match (&first, &second) {
                (Ok(a), Ok(b)) => {
                    if a.status != b.status {
                        failures.push(format!(
                            "the replay answered {} where the first request answered {}",
                            b.status, a.status
                        ));
                    }
                    let (x, y) = (
                        serde_json::from_slice::<Value>(&a.body).ok(),
                        serde_json::from_slice::<Value>(&b.body).ok(),
                    );
                    if x != y || (x.is_none() && a.body != b.body) {
                        failures.push("the replay's body differs from the first answer's".into());
                    }
                    format!("same key twice answered {} then {}", a.status, b.status)
                }
                (Err(e), _) | (_, Err(e)) => {
                    failures.push(e.clone());
                    "the request failed".into()
                }
            };
            report.checks.push(Check {
                operation: name.clone(),
                case: scenario.into(),
                name: "replay".into(),
                detail,
                failures,
            });
            if let Ok(b) = second {
                check_answer(&synth, op, &name, scenario, Ok(b), &mut report.checks);
            }
        }
    }
    report
}

fn idempotency_header(op: &Operation) -> Option<&str> {
    op.params
        .iter()
        .find(|p| p.location == ParamLocation::Header && p.idempotency_key)
        .map(|p| p.wire_name.as_str())
}

/// The request cases of an operation: each documented body example, else one synthesised body.
fn cases(synth: &Synth, op: &Operation) -> Vec<Case> {
    match op.body.as_ref().map(|b| &b.content) {
        Some(BodyContent::Json { ty, examples, .. }) if !examples.is_empty() => examples
            .iter()
            .enumerate()
            .map(|(i, e)| Case {
                name: format!("example {}", i + 1),
                body: Some(e.clone()),
            })
            .collect(),
        Some(BodyContent::Json { ty, .. }) | Some(BodyContent::Form { ty }) => vec![Case {
            name: "synthesised".into(),
            body: Some(synth.value(ty, Direction::Request)),
        }],
        _ => vec![Case {
            name: "synthesised".into(),
            body: None,
        }],
    }
}

fn param_text(value: Value) -> String {
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

async fn send(
    http: &reqwest::Client,
    api: &Api,
    synth: &Synth,
    op: &Operation,
    case: &Case,
    options: &ContractOptions,
    idempotency_key: &str,
) -> Result<Answer, String> {
    let mut path = op.path.clone();
    let mut query = Vec::new();
    let mut headers = Vec::new();
    for p in &op.params {
        if !p.required && !p.idempotency_key {
            continue;
        }
        let text = if p.idempotency_key {
            idempotency_key.to_owned()
        } else {
            param_text(synth.value(&p.ty, Direction::Request))
        };
        match p.location {
            ParamLocation::Path => {
                let encoded: String =
                    form_urlencoded::byte_serialize(text.as_bytes()).collect::<String>();
                path = path.replace(
                    &format!("{{{}}}", p.wire_name),
                    &encoded.replace('+', "%20"),
                );
            }
            ParamLocation::Query => query.push((p.wire_name.clone(), text)),
            ParamLocation::Header => headers.push((p.wire_name.clone(), text)),
            ParamLocation::Cookie => {
                headers.push(("Cookie".into(), format!("{}={text}", p.wire_name)))
            }
        }
    }
    let url = format!("{}{}", options.base_url.trim_end_matches('/'), path);
    let method =
        reqwest::Method::from_bytes(op.method.as_str().as_bytes()).map_err(|e| e.to_string())?;
    let mut request = http.request(method, &url).query(&query);
    let signing = api.signature.is_some() && options.signing_secret.is_some();
    let sent_headers: Vec<(String, String)> = headers
        .into_iter()
        .filter(|(k, _)| {
            !(signing
                && api
                    .signature
                    .as_ref()
                    .is_some_and(|s| s.header.eq_ignore_ascii_case(k)))
        })
        .collect();
    for (k, v) in &sent_headers {
        request = request.header(k.as_str(), v.as_str());
    }
    if let (Some(token), Some(key)) = (&options.token, op.security.first()) {
        if let Some(scheme) = api.security_schemes.iter().find(|s| &s.key == key) {
            request = match &scheme.kind {
                AuthKind::Bearer => request.bearer_auth(token),
                AuthKind::Basic => {
                    let (user, pass) = token.split_once(':').unwrap_or((token, ""));
                    request.basic_auth(user, Some(pass))
                }
                AuthKind::ApiKey { location, name } => match location {
                    ParamLocation::Query => request.query(&[(name, token)]),
                    ParamLocation::Cookie => request.header("Cookie", format!("{name}={token}")),
                    _ => request.header(name.as_str(), token),
                },
            };
        }
    }
    let (content_type, body) = request_body(op, case);
    if let Some(ct) = &content_type {
        request = request.header("Content-Type", ct.as_str());
    }
    if let (Some(scheme), Some(secret)) = (&api.signature, &options.signing_secret) {
        let signature = crate::signature::sign(
            scheme,
            secret,
            op.method.as_str(),
            &path,
            &|name| {
                sent_headers
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(name))
                    .map(|(_, v)| v.clone())
            },
            &body,
        );
        request = request.header(scheme.header.as_str(), signature);
    }
    if content_type.is_some() {
        request = request.body(body);
    }
    let response = request
        .send()
        .await
        .map_err(|e| format!("{} {url}: {e}", op.method.as_str()))?;
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response
        .bytes()
        .await
        .map_err(|e| format!("reading the body: {e}"))?
        .to_vec();
    Ok(Answer {
        status,
        headers,
        body,
    })
}

/// The request body of a case, encoded as the operation documents it, with its content type.
fn request_body(op: &Operation, case: &Case) -> (Option<String>, Vec<u8>) {
    match (op.body.as_ref().map(|b| &b.content), &case.body) {
        (Some(BodyContent::Json { media_type, .. }), Some(body)) => (
            Some(media_type.clone()),
            serde_json::to_vec(body).unwrap_or_default(),
        ),
        (Some(BodyContent::Form { .. }), Some(body)) => {
            let mut form = form_urlencoded::Serializer::new(String::new());
            for (k, v) in body.as_object().into_iter().flatten() {
                form.append_pair(k, &param_text(v.clone()));
            }
            (
                Some("application/x-www-form-urlencoded".into()),
                form.finish().into_bytes(),
            )
        }
        (Some(BodyContent::Multipart { parts, .. }), _) => {
            let mut text = String::new();
            let boundary = "specgen-contract-boundary";
            for part in parts {
                let _ = write!(
                    text,
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{}\"",
                    part.wire_name
                );
                if part.kind == specgen_ir::ir::PartKind::File {
                    text.push_str("; filename=\"example.pdf\"\r\nContent-Type: application/pdf");
                }
                text.push_str("\r\n\r\nexample\r\n");
            }
            let _ = write!(text, "--{boundary}--\r\n");
            (
                Some(format!("multipart/form-data; boundary={boundary}")),
                text.into_bytes(),
            )
        }
        (Some(BodyContent::Binary { media_type } | BodyContent::Text { media_type }), _) => {
            (Some(media_type.clone()), b"example".to_vec())
        }
        _ => (None, Vec::new()),
    }
}

fn documented(op: &Operation, status: u16) -> Option<&Response> {
    op.responses
        .iter()
        .find(|r| r.status == Status::Code(status))
        .or_else(|| {
            op.responses
                .iter()
                .find(|r| r.status == Status::Range(status / 100))
        })
        .or_else(|| op.responses.iter().find(|r| r.status == Status::Default))
}

fn essence(media: &str) -> String {
    media
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

fn media_matches(documented: &str, actual: &str) -> bool {
    let (d, a) = (essence(documented), essence(actual));
    d == a
        || d == "*/*"
        || d.strip_suffix("/*")
            .is_some_and(|prefix| a.starts_with(&format!("{prefix}/")))
}

fn check_answer(
    synth: &Synth,
    op: &Operation,
    operation: &str,
    case: &str,
    answer: Result<Answer, String>,
    out: &mut Vec<Check>,
) {
    let check = |name: &str, detail: String, failures: Vec<String>| Check {
        operation: operation.to_owned(),
        case: case.to_owned(),
        name: name.to_owned(),
        detail,
        failures,
    };
    let answer = match answer {
        Ok(a) => a,
        Err(e) => {
            out.push(check("transport", "the request failed".into(), vec![e]));
            return;
        }
    };
    let route = format!("{} {}", op.method.as_str(), op.path);
    let Some(response) = documented(op, answer.status) else {
        let statuses: Vec<String> = op
            .responses
            .iter()
            .map(|r| match r.status {
                Status::Code(c) => c.to_string(),
                Status::Range(d) => format!("{d}XX"),
                Status::Default => "default".into(),
            })
            .collect();
        out.push(check(
            "status",
            format!("{route} answered {}", answer.status),
            vec![format!(
                "status {} is not documented (documented: {})",
                answer.status,
                statuses.join(", ")
            )],
        ));
        return;
    };
    out.push(check(
        "status",
        format!("{route} answered {}, which is documented", answer.status),
        Vec::new(),
    ));

    let content_type = answer
        .headers
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let media = match &response.body {
        Some(ResponseBody::Json { media_type, .. })
        | Some(ResponseBody::Text { media_type })
        | Some(ResponseBody::Binary { media_type }) => Some(media_type.as_str()),
        None => None,
    };
    if let Some(media) = media {
        let failures = if media_matches(media, &content_type) {
            Vec::new()
        } else {
            vec![format!(
                "content type `{content_type}` is not the documented `{media}`"
            )]
        };
        out.push(check("content-type", format!("`{content_type}`"), failures));
    }

    if let Some(ResponseBody::Json { ty, .. }) = &response.body {
        let (detail, failures) = match serde_json::from_slice::<Value>(&answer.body) {
            Err(e) => (
                "the body is not JSON".to_owned(),
                vec![format!("cannot parse the body as JSON: {e}")],
            ),
            Ok(value) => {
                let violations = synth.validator().validate(ty, &value, Direction::Response);
                let detail = if violations.is_empty() {
                    format!("valid {}", type_label(ty))
                } else {
                    format!(
                        "{} violation{} of {}",
                        violations.len(),
                        if violations.len() == 1 { "" } else { "s" },
                        type_label(ty)
                    )
                };
                (detail, violations.iter().map(|v| v.to_string()).collect())
            }
        };
        out.push(check("body", detail, failures));
    }

    if !response.headers.is_empty() {
        let mut failures = Vec::new();
        for h in &response.headers {
            match answer.headers.get(h.wire_name.as_str()) {
                None if h.required => {
                    failures.push(format!("required header `{}` is missing", h.wire_name))
                }
                None => {}
                Some(v) => {
                    let text = String::from_utf8_lossy(v.as_bytes());
                    let value = parameter_value(synth.validator(), &h.ty, &text);
                    for v in synth
                        .validator()
                        .validate(&h.ty, &value, Direction::Response)
                    {
                        failures.push(format!("header `{}`: {}", h.wire_name, v.message));
                    }
                }
            }
        }
        let names: Vec<&str> = response
            .headers
            .iter()
            .map(|h| h.wire_name.as_str())
            .collect();
        out.push(check(
            "headers",
            format!("documented: {}", names.join(", ")),
            failures,
        ));
    }
}

fn type_label(ty: &TypeRef) -> String {
    match ty {
        TypeRef::Named(n) => n.clone(),
        TypeRef::Nullable(t) | TypeRef::Boxed(t) => type_label(t),
        TypeRef::Array(t) => format!("array of {}", type_label(t)),
        TypeRef::Map(t) => format!("map of {}", type_label(t)),
        TypeRef::Primitive(p) => format!("{p:?}"),
        TypeRef::Json => "JSON".into(),
    }
}
