//! The generated client's runtime against local servers: open enums, Debug redaction, retries
//! with one idempotency key, Retry-After, documented statuses that are never retried, timeouts
//! with their cause, request hooks in order, per-call options, and pagination streams.

use base64::Engine as _;
use futures_util::StreamExt as _;
use hmac::Mac as _;
use serde_json::{Value, json};
use specgen_apis::runtime::{CallOptions, Error, RequestSigner, RetryPolicy, Timeouts};
use specgen_apis::{customer_orchestration as circle, jiko_partner_api as jiko};
use specgen_ir::ir::{Api, TypeKind, TypeRef};
use std::sync::Arc;
use std::time::{Duration, Instant};
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

const SECRET: &str = "shared-secret";
const SUBSCRIPTIONS: &str = "/api/v1/subscriptions";

fn jiko_example(origin: &str) -> Value {
    let (_, json) = jiko::EXAMPLES
        .iter()
        .find(|(o, _)| *o == origin)
        .unwrap_or_else(|| panic!("no example at {origin}"));
    serde_json::from_str(json).unwrap()
}

/// A documented subscription with its id replaced, as one item of a page.
fn subscription(n: u32) -> Value {
    let page = jiko_example(
        "#/paths/~1api~1v1~1subscriptions/get/responses/200/content/application~1json/example",
    );
    let mut item = page["items"][0].clone();
    item["id"] = json!(format!("00000000-0000-4000-8000-{n:012}"));
    // Jiko's example carries an `object_type` the schema does not declare (tests/examples.rs).
    item.as_object_mut().unwrap().remove("object_type");
    item
}

fn page(items: Vec<Value>, next: Option<&str>) -> Value {
    json!({"items": items, "next_page": next, "object_type": "CursorList"})
}

fn jiko_client(server: &MockServer) -> jiko::Client {
    jiko::Client::new(server.uri())
        .with_bearer_token("t")
        .with_signing_secret(SECRET)
}

fn circle_request() -> circle::types::CreatePartnerClientRequest {
    use circle::types::*;
    CreatePartnerClientRequest {
        client_name: "Acme Trust Co.".into(),
        country: CreatePartnerClientRequestCountry::new("US").unwrap(),
        client_type: CreatePartnerClientRequestClientType::Business,
        business_details: BusinessDetails {
            nature_of_business: BusinessDetailsNatureOfBusiness::PaymentProcessorPlatform,
            institution_type: BusinessDetailsInstitutionType::PrivateCo,
        },
    }
}

/// Mounts `status` for the first `times` matching requests (higher priority than the rest).
async fn answer_first(
    server: &MockServer,
    verb: &str,
    route: &str,
    times: u64,
    response: ResponseTemplate,
) {
    Mock::given(method(verb))
        .and(path(route))
        .respond_with(response)
        .up_to_n_times(times)
        .with_priority(1)
        .mount(server)
        .await;
}

async fn answer(server: &MockServer, verb: &str, route: &str, response: ResponseTemplate) {
    Mock::given(method(verb))
        .and(path(route))
        .respond_with(response)
        .with_priority(5)
        .mount(server)
        .await;
}

#[tokio::test]
async fn an_unknown_enum_value_decodes_and_re_encodes_exactly() {
    let mut item = subscription(1);
    item["status"] = json!("paused_by_vendor");
    let body = page(vec![item.clone()], None);
    let server = specgen_tests::serve_json("GET", SUBSCRIPTIONS, 200, body.clone()).await;
    let response = jiko_client(&server)
        .subscriptions_list_partner_subscriptions(None, &Default::default())
        .await
        .unwrap();
    let status = &response.body.items[0].status;
    assert_eq!(
        status,
        &jiko::types::SubscriptionStatus::Unknown("paused_by_vendor".into())
    );
    assert!(!status.is_known());
    assert_eq!(status.as_str(), "paused_by_vendor");
    assert_eq!(status.to_string(), "paused_by_vendor");
    assert!(
        "paused_by_vendor"
            .parse::<jiko::types::SubscriptionStatus>()
            .is_err(),
        "parsing stays strict"
    );
    assert_eq!(serde_json::to_value(&response.body.items[0]).unwrap(), item);
    assert_eq!(
        serde_json::to_string(status).unwrap(),
        r#""paused_by_vendor""#,
        "byte for byte"
    );
    // Known values keep their own variants.
    let known: jiko::types::SubscriptionStatus = serde_json::from_str(r#""enabled""#).unwrap();
    assert_eq!(known, jiko::types::SubscriptionStatus::Enabled);
}

/// Leaf values of `value` under `ty`: those of sensitive fields, and all others.
fn leaves(
    api: &Api,
    ty: &TypeRef,
    value: &Value,
    sensitive: bool,
    out: &mut (Vec<String>, Vec<String>),
) {
    let leaf = |v: &Value| match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    if let Some(text) = leaf(value) {
        if sensitive {
            out.0.push(text)
        } else {
            out.1.push(text)
        }
        return;
    }
    let children: Vec<(&TypeRef, &Value, bool)> = match (ty, value) {
        (TypeRef::Array(inner), Value::Array(items)) => {
            items.iter().map(|v| (&**inner, v, sensitive)).collect()
        }
        (TypeRef::Map(inner), Value::Object(map)) => {
            map.values().map(|v| (&**inner, v, sensitive)).collect()
        }
        (TypeRef::Nullable(inner) | TypeRef::Boxed(inner), v) => vec![(&**inner, v, sensitive)],
        (TypeRef::Named(name), v) => {
            match api.types.iter().find(|d| &d.name == name).map(|d| &d.kind) {
                Some(TypeKind::Struct(s)) => match v {
                    Value::Object(map) => map
                        .iter()
                        .map(|(k, v)| match s.fields.iter().find(|f| &f.wire_name == k) {
                            Some(f) => (&f.ty, v, sensitive || f.sensitive),
                            None => (&TypeRef::Json, v, sensitive),
                        })
                        .collect(),
                    _ => vec![],
                },
                Some(TypeKind::Union(u)) => u
                    .variants
                    .iter()
                    .map(|variant| (&variant.ty, v, sensitive))
                    .collect(),
                Some(TypeKind::Alias(t)) => vec![(t, v, sensitive)],
                _ => vec![],
            }
        }
        (_, Value::Array(items)) => items
            .iter()
            .map(|v| (&TypeRef::Json, v, sensitive))
            .collect(),
        (_, Value::Object(map)) => map
            .values()
            .map(|v| (&TypeRef::Json, v, sensitive))
            .collect(),
        _ => vec![],
    };
    for (ty, v, s) in children {
        leaves(api, ty, v, s, out);
    }
}

#[test]
fn debug_of_every_seed_model_prints_no_sensitive_value() {
    type Check = fn(&str, &str) -> Option<specgen_apis::runtime::ExampleCheck>;
    let modules: [(&str, Check); 5] = [
        (
            "jiko_partner_api",
            specgen_apis::jiko_partner_api::check_example,
        ),
        ("partner_api", specgen_apis::partner_api::check_example),
        (
            "customer_orchestration",
            specgen_apis::customer_orchestration::check_example,
        ),
        (
            "circle_partner_onboarding",
            specgen_apis::circle_partner_onboarding::check_example,
        ),
        (
            "circle_accounts",
            specgen_apis::circle_accounts::check_example,
        ),
    ];
    let mut checked = std::collections::BTreeMap::new();
    for (module, check) in modules {
        let api = specgen_tests::spec_api(module);
        for example in &api.examples {
            let mut found = (Vec::new(), Vec::new());
            leaves(&api, &example.ty, &example.value, false, &mut found);
            // A value that also sits in a field that is not sensitive may rightly be printed there.
            let secrets: Vec<&String> = found
                .0
                .iter()
                .filter(|s| s.len() >= 4 && !found.1.contains(s))
                .collect();
            if secrets.is_empty() {
                continue;
            }
            let Some(result) = check(&example.origin, &example.value.to_string()) else {
                continue;
            };
            if result.debug.is_empty() {
                continue; // Listed in tests/examples.rs: the example contradicts its schema.
            }
            for secret in &secrets {
                assert!(
                    !result.debug.contains(secret.as_str()),
                    "{}: Debug shows `{secret}`:\n{}",
                    example.origin,
                    result.debug
                );
            }
            assert!(result.debug.contains("<redacted>"), "{}", example.origin);
            *checked.entry(module).or_insert(0) += secrets.len();
            if result.result.is_ok() {
                // Redaction is Debug only: the values still round-trip unchanged.
                let again: Value = serde_json::from_str(&example.value.to_string()).unwrap();
                assert_eq!(again, example.value);
            }
        }
    }
    // The seeds' personal data: Jiko's identification numbers and dates of birth, the
    // Partner API's tax ids; the test must have looked at them.
    assert!(
        checked.get("jiko_partner_api").copied().unwrap_or(0) >= 5,
        "{checked:?}"
    );
    assert!(
        checked.get("partner_api").copied().unwrap_or(0) >= 2,
        "{checked:?}"
    );
}

#[test]
fn a_typed_request_with_personal_data_redacts_it_in_debug() {
    let api = specgen_tests::spec_api("partner_api");
    let example = api
        .examples
        .iter()
        .find(|e| e.value.to_string().contains("122-22-2332"))
        .expect("the Partner API documents a tax id");
    let check =
        specgen_apis::partner_api::check_example(&example.origin, &example.value.to_string())
            .unwrap();
    assert!(!check.debug.is_empty(), "{:?}", check.result);
    assert!(!check.debug.contains("122-22-2332"), "{}", check.debug);
}

#[tokio::test]
async fn two_503s_then_200_is_one_success_three_requests_and_one_idempotency_key() {
    let server = MockServer::start().await;
    answer_first(
        &server,
        "POST",
        "/v1/partner/clients",
        2,
        ResponseTemplate::new(503),
    )
    .await;
    answer(
        &server,
        "POST",
        "/v1/partner/clients",
        ResponseTemplate::new(200).set_body_json(json!({"data": {}})),
    )
    .await;
    let created = circle::Client::new(server.uri())
        .with_bearer_token("t")
        .create_partner_client(None, &circle_request())
        .await
        .unwrap();
    assert_eq!((created.status, created.attempts), (200, 3));
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 3);
    let keys: std::collections::BTreeSet<&str> = requests
        .iter()
        .map(|r| {
            r.headers
                .get("x-idempotency-key")
                .unwrap()
                .to_str()
                .unwrap()
        })
        .collect();
    assert_eq!(
        keys.len(),
        1,
        "every attempt carries the same key: {keys:?}"
    );
    assert!(uuid::Uuid::parse_str(keys.first().unwrap()).is_ok());
}

#[tokio::test]
async fn a_429_with_retry_after_1_waits_at_least_a_second() {
    let server = MockServer::start().await;
    answer_first(
        &server,
        "GET",
        SUBSCRIPTIONS,
        1,
        ResponseTemplate::new(429).insert_header("Retry-After", "1"),
    )
    .await;
    answer(
        &server,
        "GET",
        SUBSCRIPTIONS,
        ResponseTemplate::new(200).set_body_json(page(vec![subscription(1)], None)),
    )
    .await;
    let started = Instant::now();
    let response = jiko_client(&server)
        .subscriptions_list_partner_subscriptions(None, &Default::default())
        .await
        .unwrap();
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(response.attempts, 2);
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn a_documented_409_is_sent_once_even_when_409_is_configured_as_retryable() {
    let server = MockServer::start().await;
    let conflict = ResponseTemplate::new(409)
        .set_body_json(json!({"code": 409, "message": "exists", "raw": "body-only-detail"}));
    answer(&server, "POST", "/v1/partner/clients", conflict).await;
    for policy in [
        RetryPolicy::default(),
        RetryPolicy::default().with_statuses(&[409, 503]),
    ] {
        let error = circle::Client::new(server.uri())
            .with_bearer_token("t")
            .with_retry_policy(policy)
            .create_partner_client(None, &circle_request())
            .await
            .unwrap_err();
        assert!(
            matches!(
                &error,
                Error::Api(circle::types::CreatePartnerClientError::Conflict(_))
            ),
            "{error:?}"
        );
        assert_eq!(
            (error.attempts(), error.operation()),
            (1, Some("create_partner_client"))
        );
        let text = error.to_string();
        assert!(
            text.contains("create_partner_client")
                && text.contains("409")
                && text.contains("exists"),
            "{text}"
        );
        assert!(
            !text.contains("body-only-detail"),
            "Display never prints the body: {text}"
        );
    }
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        2,
        "one request per call"
    );
}

#[tokio::test]
async fn an_undocumented_status_error_never_prints_the_body_but_keeps_it() {
    let server = MockServer::start().await;
    answer(
        &server,
        "POST",
        "/v1/partner/clients",
        ResponseTemplate::new(418).set_body_string("ssn 123-45-6789"),
    )
    .await;
    let error = circle::Client::new(server.uri())
        .create_partner_client(None, &circle_request())
        .await
        .unwrap_err();
    assert!(!error.to_string().contains("123-45-6789"), "{error}");
    assert!(error.to_string().contains("418"), "{error}");
    assert_eq!(error.raw_body(), Some(&b"ssn 123-45-6789"[..]));
}

/// Every method returns `runtime::Call`, a boxed future that is `Send` and `Unpin` and borrows
/// only the client: the arguments are encoded when the method is called, so they may be
/// dropped before the call is awaited, and a call can run on a spawned task.
#[tokio::test]
async fn a_call_borrows_only_the_client_and_runs_on_a_spawned_task() {
    let server = MockServer::start().await;
    answer(
        &server,
        "POST",
        "/v1/partner/clients",
        ResponseTemplate::new(418),
    )
    .await;
    let client = Arc::new(circle::Client::new(server.uri()));
    const KEY: &str = "6f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f";
    let key: uuid::Uuid = KEY.parse().unwrap();
    let body = circle_request();
    let call = client.create_partner_client(Some(key), &body);
    drop(body);
    fn send_and_unpin<F: std::future::Future + Send + Unpin>(future: F) -> F {
        future
    }
    let error = send_and_unpin(call).await.unwrap_err();
    assert!(error.to_string().contains("418"), "{error}");

    let spawned = Arc::clone(&client);
    let task =
        tokio::spawn(async move { spawned.create_partner_client(None, &circle_request()).await });
    let spawned_error = task.await.unwrap().unwrap_err();
    assert!(spawned_error.to_string().contains("418"), "{spawned_error}");
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].headers["x-idempotency-key"], KEY);
    let sent: Value = serde_json::from_slice(&requests[0].body).unwrap();
    assert_eq!(sent, serde_json::to_value(circle_request()).unwrap());
}

/// A server that accepts connections and never answers.
async fn silent_server() -> (String, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    (url, task)
}

#[tokio::test]
async fn a_server_that_never_answers_is_a_timeout_error_with_its_cause() {
    let (url, task) = silent_server().await;
    let timeouts = Timeouts::new(
        Some(Duration::from_secs(1)),
        Some(Duration::from_millis(200)),
    );
    let fast =
        RetryPolicy::default().with_backoff(Duration::from_millis(10), Duration::from_millis(20));
    let started = Instant::now();
    let error = jiko::Client::new(url)
        .with_signing_secret(SECRET)
        .with_timeouts(timeouts)
        .with_retry_policy(fast)
        .subscriptions_list_partner_subscriptions(None, &Default::default())
        .await
        .unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert!(error.is_timeout(), "{error:?}");
    assert_eq!(error.attempts(), 3, "timeouts of a GET are retried");
    let source = std::error::Error::source(&error).expect("the cause is kept");
    assert!(
        source.to_string().contains("error sending request")
            || source.to_string().contains("timed out"),
        "{source}"
    );
    let text = error.to_string();
    assert!(
        text.contains("subscriptions_list_partner_subscriptions")
            && text.contains("timed out")
            && text.contains("3 attempts"),
        "{text}"
    );
    task.abort();
}

/// A hook that adds a header, to run before the HMAC signer.
struct TraceHeader;

impl RequestSigner for TraceHeader {
    fn sign(&self, request: &mut reqwest::Request) -> Result<(), String> {
        request
            .headers_mut()
            .insert("x-trace", "trace-1".parse().unwrap());
        Ok(())
    }
}

#[tokio::test]
async fn hooks_run_in_order_and_the_hmac_signer_signs_the_final_request() {
    let server = specgen_tests::serve_json("GET", SUBSCRIPTIONS, 200, page(vec![], None)).await;
    // The HMAC signer is configured first and still runs last; the hook's header is sent.
    jiko_client(&server)
        .with_signer(Arc::new(TraceHeader))
        .with_options(CallOptions::new().header("x-extra", "yes"))
        .subscriptions_list_partner_subscriptions(None, &Default::default())
        .await
        .unwrap();
    let request = &server.received_requests().await.unwrap()[0];
    let header = |name: &str| {
        request
            .headers
            .get(name)
            .unwrap()
            .to_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(
        (header("x-trace"), header("x-extra")),
        ("trace-1".into(), "yes".into())
    );
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(header("x-jiko-idempotency").as_bytes());
    mac.update(SUBSCRIPTIONS.as_bytes());
    assert_eq!(
        header("x-jiko-signature"),
        base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
    );
}

#[tokio::test]
async fn per_call_options_set_the_idempotency_key_without_changing_the_signature() {
    let server = MockServer::start().await;
    answer(
        &server,
        "POST",
        "/v1/partner/clients",
        ResponseTemplate::new(200).set_body_json(json!({"data": {}})),
    )
    .await;
    let client = circle::Client::new(server.uri());
    for _ in 0..2 {
        client
            .with_options(CallOptions::new().idempotency_key("my-key-1"))
            .create_partner_client(None, &circle_request())
            .await
            .unwrap();
    }
    let requests = server.received_requests().await.unwrap();
    let keys: Vec<&str> = requests
        .iter()
        .map(|r| {
            r.headers
                .get("x-idempotency-key")
                .unwrap()
                .to_str()
                .unwrap()
        })
        .collect();
    assert_eq!(keys, ["my-key-1", "my-key-1"]);
}

#[tokio::test]
async fn a_paged_list_over_three_pages_yields_every_item_once() {
    let server = MockServer::start().await;
    let pages = [
        (None, vec![1, 2], Some("c2")),
        (Some("c2"), vec![3, 4], Some("c3")),
        (Some("c3"), vec![5], None),
    ];
    for (cursor, items, next) in pages {
        let body = page(items.into_iter().map(subscription).collect(), next);
        let mock = Mock::given(method("GET")).and(path(SUBSCRIPTIONS));
        let mock = match cursor {
            Some(c) => mock.and(query_param("cursor", c)),
            None => mock.and(query_param_is_missing("cursor")),
        };
        mock.respond_with(ResponseTemplate::new(200).set_body_json(body))
            .expect(1)
            .mount(&server)
            .await;
    }
    let client = jiko_client(&server);
    let params = jiko::types::SubscriptionsListPartnerSubscriptionsParams {
        limit: Some(2),
        ..Default::default()
    };
    let items: Vec<_> = client
        .subscriptions_list_partner_subscriptions_stream(&params)
        .collect()
        .await;
    let ids: Vec<String> = items
        .into_iter()
        .map(|i| i.unwrap().id.to_string())
        .collect();
    let expected: Vec<String> = (1..=5)
        .map(|n| format!("00000000-0000-4000-8000-{n:012}"))
        .collect();
    assert_eq!(ids, expected);
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 3);
    assert!(
        requests
            .iter()
            .all(|r| r.url.query().unwrap_or_default().contains("limit=2"))
    );
}

#[tokio::test]
async fn a_repeated_cursor_is_an_error_not_an_endless_loop() {
    let body = page(vec![subscription(1)], Some("same-cursor"));
    let server = specgen_tests::serve_json("GET", SUBSCRIPTIONS, 200, body).await;
    let client = jiko_client(&server);
    let results: Vec<_> = client
        .subscriptions_list_partner_subscriptions_stream(&Default::default())
        .collect()
        .await;
    // The second page repeats the cursor: its items are not yielded, the error ends the stream.
    assert_eq!(
        results.len(),
        2,
        "one page of one item, then the error: {results:?}"
    );
    assert!(results[0].is_ok());
    match &results[1] {
        Err(Error::InvalidResponse {
            message, operation, ..
        }) => {
            assert!(
                message.contains("same-cursor") && message.contains("repeats"),
                "{message}"
            );
            assert_eq!(*operation, "subscriptions_list_partner_subscriptions");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn an_offset_list_that_repeats_its_page_is_an_error() {
    let accounts = jiko_example(
        "#/paths/~1api~1v1~1customers~1{customer_id}~1jiko-accounts/get/responses/200/content/application~1json/example",
    );
    let customer = uuid::Uuid::new_v4();
    let server = specgen_tests::serve_json(
        "GET",
        &format!("/api/v1/customers/{customer}/jiko-accounts"),
        200,
        accounts,
    )
    .await;
    let results: Vec<_> = jiko_client(&server)
        .accounts_list_customer_accounts_stream(&customer, &Default::default())
        .collect()
        .await;
    assert!(
        matches!(results.last(), Some(Err(Error::InvalidResponse { .. }))),
        "{results:?}"
    );
    let offsets: Vec<String> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| r.url.query().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(
        offsets,
        ["offset=0", "offset=1"],
        "the offset advances by the items received"
    );
}

#[tokio::test]
async fn a_post_without_an_idempotency_key_is_never_retried() {
    use specgen_apis::partner_api::{Client, types};
    let server = MockServer::start().await;
    answer(
        &server,
        "POST",
        "/onchain-preauth",
        ResponseTemplate::new(503),
    )
    .await;
    let request = types::CreatePreauthorizationRequest {
        invoice_id: "INV-1".into(),
        sender: "0x41c5".into(),
        receiver: "0xaec5".into(),
        amount: "1.00".into(),
        contract_address: "0x9f8f".into(),
        expires_at: None,
    };
    let error = Client::new(server.uri())
        .create_preauthorization(&request)
        .await
        .unwrap_err();
    assert_eq!((error.status(), error.attempts()), (Some(503), 1));
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        1,
        "a retried POST could pay twice"
    );
}

#[test]
fn retry_after_reads_seconds_and_http_dates_and_is_capped() {
    let policy = RetryPolicy::default();
    let after = |value: &str| {
        let mut headers = specgen_apis::runtime::HeaderMap::new();
        headers.insert("retry-after", value.parse().unwrap());
        policy.retry_after(&headers)
    };
    let date = |seconds: i64| {
        (chrono::Utc::now() + chrono::Duration::seconds(seconds))
            .format("%a, %d %b %Y %H:%M:%S GMT")
            .to_string()
    };
    assert_eq!(after("1"), Some(Duration::from_secs(1)));
    assert_eq!(after("3600"), Some(Duration::from_secs(20)), "capped");
    let in_ten = after(&date(10)).unwrap();
    assert!(
        in_ten > Duration::from_secs(8) && in_ten <= Duration::from_secs(10),
        "{in_ten:?}"
    );
    assert_eq!(after(&date(3600)), Some(Duration::from_secs(20)), "capped");
    assert_eq!(
        after(&date(-60)),
        Some(Duration::ZERO),
        "a date in the past means now"
    );
    assert_eq!(after("soon"), None);
    assert_eq!(policy.retry_after(&Default::default()), None);
}

#[test]
fn backoff_grows_exponentially_with_jitter_and_is_capped() {
    let policy = RetryPolicy::default();
    for _ in 0..50 {
        let first = policy.backoff(1);
        assert!(
            first >= Duration::from_millis(100) && first <= Duration::from_millis(200),
            "{first:?}"
        );
        let second = policy.backoff(2);
        assert!(
            second >= Duration::from_millis(200) && second <= Duration::from_millis(400),
            "{second:?}"
        );
        let late = policy.backoff(30);
        assert!(
            late >= Duration::from_millis(2500) && late <= Duration::from_secs(5),
            "{late:?}"
        );
    }
    let waits: std::collections::BTreeSet<Duration> = (0..20).map(|_| policy.backoff(3)).collect();
    assert!(waits.len() > 1, "jitter varies the wait");
    assert_eq!(
        (policy.max_retries, policy.statuses.as_slice()),
        (2, &[408, 429, 500, 502, 503, 504][..])
    );
    assert_eq!(
        Timeouts::default(),
        Timeouts::new(Some(Duration::from_secs(10)), Some(Duration::from_secs(30)))
    );
}
