//! The validating proxy between the generated client and the mock: every fault the mock injects
//! is reported once, with its pointer, however often it is seen; the client's calls get the same
//! answers they get without the proxy; credentials and signatures pass through untouched and
//! never reach the report.

use specgen_apis::circle_accounts::{Client, types};
use specgen_apis::runtime::Error;
use specgen_kit::mock::{self, Fault, FaultKind, MockOptions, MockServer};
use specgen_kit::proxy::{self, ProxyOptions};
use specgen_tests::spec_api;
use std::net::SocketAddr;

fn loopback() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 0))
}

async fn faulty_mock() -> MockServer {
    let fault = |operation: &str, kind| Fault {
        operation: operation.into(),
        kind,
    };
    mock::serve(
        vec![
            spec_api("circle_accounts"),
            spec_api("customer_orchestration"),
        ],
        MockOptions {
            faults: vec![
                fault("createAccount", FaultKind::UndocumentedStatus),
                fault("getAccount", FaultKind::DropRequiredField),
                fault("listAccounts", FaultKind::CorruptEnum),
            ],
            ..MockOptions::default()
        },
    )
    .await
    .unwrap()
}

fn request() -> types::CreateAccountRequest {
    types::CreateAccountRequest {
        idempotency_key: uuid::Uuid::new_v4(),
        description: types::CreateAccountRequestDescription::new("Proxy test").unwrap(),
        r#type: types::AccountType::FirstParty,
        purpose: types::AccountPurpose::Custody,
        client_entity_id: None,
        end_customer_type: None,
        business_pii: None,
        individual_pii: None,
    }
}

/// What a client call ended with: the status and, for answers it could not accept, the body.
fn outcome<T, E: specgen_apis::runtime::ApiErrorStatus + std::fmt::Debug>(
    result: Result<T, Error<E>>,
) -> (Option<u16>, Vec<u8>) {
    match result {
        Ok(_) => (Some(200), Vec::new()),
        Err(Error::UnexpectedResponse(r)) => (Some(r.status), r.body),
        Err(Error::InvalidResponse { status, body, .. }) => (Some(status), body),
        Err(other) => (other.status(), Vec::new()),
    }
}

async fn calls(client: &Client) -> Vec<(Option<u16>, Vec<u8>)> {
    vec![
        outcome(client.create_account(&request()).await),
        outcome(
            client
                .get_account("b2c3d4e5-0000-4000-8000-000000000001")
                .await,
        ),
        outcome(
            client
                .list_accounts(&types::ListAccountsParams::default())
                .await,
        ),
    ]
}

#[tokio::test]
async fn the_proxy_reports_each_fault_once_while_the_client_gets_its_answers() {
    let upstream = faulty_mock().await;
    let dir = specgen_tests::scratch_dir("contract-proxy");
    let proxy = proxy::serve(
        vec![
            spec_api("circle_accounts"),
            spec_api("customer_orchestration"),
        ],
        &upstream.base_url(),
        loopback(),
        ProxyOptions {
            log: false,
            token_env: Some("SANDBOX_TOKEN".into()),
            junit: Some(dir.join("proxy.xml")),
            report: Some(dir.join("proxy.json")),
            ..ProxyOptions::default()
        },
    )
    .await
    .unwrap();

    let direct = calls(&Client::new(upstream.base_url()).with_bearer_token("s3cret")).await;
    let through = Client::new(proxy.base_url()).with_bearer_token("s3cret");
    let first = calls(&through).await;
    let second = calls(&through).await;
    assert_eq!(first, direct, "the proxy changed an answer");
    assert_eq!(second, direct);
    assert_eq!(
        first.iter().map(|(s, _)| *s).collect::<Vec<_>>(),
        vec![Some(418), Some(200), Some(200)]
    );

    // A request that breaks the spec, sent by hand: forwarded, and reported with its pointer.
    let refused = reqwest::Client::new()
        .post(format!("{}/v1/partner/clients", proxy.base_url()))
        .bearer_auth("s3cret")
        .json(&serde_json::json!({"country": "US", "clientType": "business"}))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status().as_u16(), 400);

    let report = proxy.shutdown().await.unwrap();
    upstream.shutdown().await.unwrap();
    let text = report.render();
    let failing: Vec<(&str, &str, usize)> = report
        .checks
        .iter()
        .filter(|c| c.failed())
        .map(|c| (c.operation.as_str(), c.name.as_str(), c.occurrences))
        .collect();
    assert_eq!(
        failing,
        vec![
            ("createAccount", "status", 2),
            ("getAccount", "body", 2),
            ("listAccounts", "body", 2),
            ("createPartnerClient", "request", 1),
            ("createPartnerClient", "status", 1),
        ],
        "{text}"
    );
    let failures = |op: &str, name: &str| {
        report
            .checks
            .iter()
            .find(|c| c.operation == op && c.name == name && c.failed())
            .unwrap()
            .failures
            .clone()
    };
    assert_eq!(
        failures("createAccount", "status"),
        vec!["status 418 is not documented (documented: 201, 400, 401, 409)"]
    );
    for (op, needle) in [
        ("getAccount", ": required property `"),
        ("listAccounts", ": `NOT_A_DOCUMENTED_VALUE` is not one of"),
    ] {
        let f = failures(op, "body");
        assert_eq!(f.len(), 1, "{f:?}");
        assert!(f[0].starts_with('/') && f[0].contains(needle), "{f:?}");
    }
    assert_eq!(
        failures("createPartnerClient", "request"),
        vec![
            "header `X-Idempotency-Key`: the required parameter is missing",
            "body /clientName: required property `clientName` of CreatePartnerClientRequest is missing",
            "body /businessDetails: required property `businessDetails` of CreatePartnerClientRequest is missing",
        ]
    );
    // Every conforming request is recorded too, once per operation and check.
    assert!(report.checks.iter().any(|c| c.operation == "createAccount"
        && c.name == "request"
        && c.passed()
        && c.occurrences == 2));

    // The credential is shown by its variable, never its value, in every form of the report.
    let json = std::fs::read_to_string(dir.join("proxy.json")).unwrap();
    let junit = std::fs::read_to_string(dir.join("proxy.xml")).unwrap();
    for form in [&text, &json, &junit] {
        assert!(!form.contains("s3cret"), "{form}");
    }
    assert!(
        text.contains(r#"-H "authorization: Bearer $SANDBOX_TOKEN""#),
        "{text}"
    );
    assert!(junit.contains("failures=\"5\""), "{junit}");
    let parsed: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(parsed["summary"]["failed"], 5);
}

/// Signed requests reach the upstream byte for byte: a mock that knows the secret accepts a
/// correctly signed request through the proxy and refuses a forged one.
#[tokio::test]
async fn signatures_and_credentials_pass_through_untouched() {
    let api = spec_api("jiko_partner_api");
    let upstream = mock::serve(
        vec![api.clone()],
        MockOptions {
            signing_secret: Some(b"partner-secret".to_vec()),
            ..MockOptions::default()
        },
    )
    .await
    .unwrap();
    let proxy = proxy::serve(
        vec![api.clone()],
        &upstream.base_url(),
        loopback(),
        ProxyOptions {
            log: false,
            ..ProxyOptions::default()
        },
    )
    .await
    .unwrap();
    // The generated client signs; the mock checks the signature against what arrives.
    use specgen_apis::jiko_partner_api::Client as Jiko;
    let list = |secret: &'static [u8]| {
        let client = Jiko::new(proxy.base_url())
            .with_bearer_token("t")
            .with_signing_secret(secret);
        async move {
            match client
                .events_list_event_types(Some(uuid::Uuid::new_v4()))
                .await
            {
                Ok(r) => r.status,
                Err(e) => e.status().unwrap_or(0),
            }
        }
    };
    assert_eq!(list(b"partner-secret").await, 200);
    assert_eq!(list(b"forged").await, 401);
    let report = proxy.shutdown().await.unwrap();
    upstream.shutdown().await.unwrap();
    // The forged request's 401 is not documented by Jiko's spec, and the proxy says so.
    let failing: Vec<_> = report.checks.iter().filter(|c| c.failed()).collect();
    assert_eq!(failing.len(), 1, "{}", report.render());
    assert_eq!(
        failing[0].failures[0],
        "status 401 is not documented (documented: 200, 422)"
    );
}

/// An upstream that is not there: the client gets a 502 naming it, and the report a failing
/// transport check; the proxy stays up for the next request.
#[tokio::test]
async fn an_unreachable_upstream_is_a_502_and_a_transport_failure() {
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let dead = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let proxy = proxy::serve(
        vec![spec_api("circle_accounts")],
        &dead,
        loopback(),
        ProxyOptions {
            log: false,
            ..ProxyOptions::default()
        },
    )
    .await
    .unwrap();
    // A plain client: the generated one retries a 502, which would multiply the requests.
    for _ in 0..2 {
        let answer = reqwest::Client::new()
            .get(format!("{}/v1/accounts/x", proxy.base_url()))
            .bearer_auth("t")
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status().as_u16(), 502);
        let body = answer.text().await.unwrap();
        assert!(body.contains("the upstream did not answer"), "{body}");
    }
    let report = proxy.shutdown().await.unwrap();
    let transport: Vec<_> = report
        .checks
        .iter()
        .filter(|c| c.name == "transport")
        .collect();
    assert_eq!(transport.len(), 1, "{}", report.render());
    assert_eq!(transport[0].occurrences, 2);
    assert!(
        proxy::serve(vec![], "ftp://example", loopback(), ProxyOptions::default())
            .await
            .is_err()
    );
    assert!(
        proxy::serve(
            vec![],
            "http://127.0.0.1:1",
            "0.0.0.0:0".parse().unwrap(),
            ProxyOptions::default()
        )
        .await
        .is_err()
    );
}

/// An answer larger than the proxy's limit is not buffered without bound: the client gets a
/// 502 saying why.
#[tokio::test]
async fn an_answer_over_the_body_limit_is_a_502() {
    let upstream = mock::serve(vec![spec_api("circle_accounts")], MockOptions::default())
        .await
        .unwrap();
    let proxy = proxy::serve(
        vec![spec_api("circle_accounts")],
        &upstream.base_url(),
        loopback(),
        ProxyOptions {
            log: false,
            body_limit: 64,
            ..ProxyOptions::default()
        },
    )
    .await
    .unwrap();
    let client = Client::new(proxy.base_url()).with_bearer_token("t");
    let (status, body) = outcome(
        client
            .list_accounts(&types::ListAccountsParams::default())
            .await,
    );
    assert_eq!(status, Some(502));
    assert!(String::from_utf8_lossy(&body).contains("larger than 64 bytes"));
    proxy.shutdown().await.unwrap();
    upstream.shutdown().await.unwrap();
}
