//! A fault-injected server for every check kind the mock cannot break by itself: each test puts
//! a small server in front of the mock that changes one thing, and asserts the runner names that
//! fault, where, and nothing else; and that the same run without the fault passes that check.
//! (Undocumented statuses and broken bodies are injected by the mock; see `contract_runner.rs`.)

#[path = "support/fault_server.rs"]
mod fault_server;

use fault_server::{Answer, Seen, front};
use specgen_ir::ir::Api;
use specgen_kit::contract::{self, ContractOptions, Outcome, Report, RunOptions};
use specgen_kit::mock::{self, MockOptions};
use specgen_tests::{mock_fixture, spec_api};
use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Runs `api` against the mock, through a front server applying `fault`.
async fn run_through(
    api: &Api,
    mock_options: MockOptions,
    run: RunOptions,
    fault: impl Fn(&Seen, &mut Answer) + Send + Sync + 'static,
) -> Report {
    let server = mock::serve(vec![api.clone()], mock_options).await.unwrap();
    let fronted = front(server.base_url(), fault).await;
    let report = contract::run_with(
        api,
        &ContractOptions {
            base_url: fronted.base_url.clone(),
            token: Some("contract-token".into()),
            timeout: Duration::from_secs(10),
            signing_secret: None,
        },
        &run,
    )
    .await;
    fronted.shutdown().await;
    server.shutdown().await.unwrap();
    report
}

fn failing(report: &Report) -> Vec<(String, String, Vec<String>)> {
    report
        .checks
        .iter()
        .filter(|c| c.failed())
        .map(|c| (c.operation.clone(), c.name.clone(), c.failures.clone()))
        .collect()
}

#[tokio::test]
async fn a_wrong_content_type_is_named_once_for_its_operation() {
    let api = spec_api("circle_accounts");
    let report = run_through(
        &api,
        MockOptions::default(),
        RunOptions::default(),
        |seen, a| {
            if seen.method == "GET" && seen.path == "/v1/accounts" {
                a.headers
                    .insert("content-type", "text/plain".parse().unwrap());
            }
        },
    )
    .await;
    assert_eq!(
        failing(&report),
        vec![(
            "listAccounts".to_owned(),
            "content-type".to_owned(),
            vec!["content type `text/plain` is not the documented `application/json`".to_owned()]
        )],
        "{}",
        report.render()
    );
    let text = report.render();
    assert!(text.contains("reproduce: curl -sS -X GET '"), "{text}");
}

#[tokio::test]
async fn a_malformed_header_fails_and_an_absent_optional_one_is_never_claimed() {
    let api = spec_api("customer_orchestration");
    let report = run_through(
        &api,
        MockOptions::default(),
        RunOptions::default(),
        |_, a| {
            a.headers
                .insert("x-request-id", "not-a-uuid".parse().unwrap());
        },
    )
    .await;
    let failures = failing(&report);
    assert!(!failures.is_empty(), "{}", report.render());
    for (operation, check, problems) in &failures {
        assert_eq!(
            (operation.as_str(), check.as_str()),
            ("createPartnerClient", "headers")
        );
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].starts_with("header `X-Request-Id`: "),
            "{problems:?}"
        );
    }

    // The same answers without the header: the optional header's absence passes, and the
    // report says it was absent rather than listing it as if it had been checked.
    let report = run_through(
        &api,
        MockOptions::default(),
        RunOptions::default(),
        |_, a| {
            a.headers.remove("x-request-id");
        },
    )
    .await;
    let text = report.render();
    assert_eq!(report.failed(), 0, "{text}");
    let headers: Vec<&str> = text.lines().filter(|l| l.contains("] headers: ")).collect();
    assert!(!headers.is_empty(), "{text}");
    for line in headers {
        assert!(
            line.ends_with("headers: documented: X-Request-Id absent (optional)"),
            "{line}"
        );
    }
}

/// A subscriptions server that answers 404 for ids it never issued and, when `frees`, for ids
/// it deleted; without `frees` a deleted subscription stays readable.
fn subscriptions(frees: bool) -> impl Fn(&Seen, &mut Answer) + Send + Sync + 'static {
    let state = Arc::new(Mutex::new((
        HashSet::<String>::new(),
        HashSet::<String>::new(),
    )));
    move |seen, answer| {
        let mut state = state.lock().unwrap();
        let (issued, deleted) = &mut *state;
        let id = seen
            .path
            .strip_prefix("/api/v1/subscriptions/")
            .map(str::to_owned);
        let ok = (200..300).contains(&answer.status);
        match (seen.method.as_str(), id) {
            ("POST", None) if ok && seen.path == "/api/v1/subscriptions" => {
                let body: serde_json::Value = serde_json::from_slice(&answer.body).unwrap();
                if let Some(id) = body.get("id").and_then(|v| v.as_str()) {
                    issued.insert(id.to_owned());
                }
            }
            ("DELETE", Some(id)) if ok && frees => {
                deleted.insert(id);
            }
            ("GET", Some(id)) if !issued.contains(&id) || deleted.contains(&id) => {
                answer.status = 404;
                answer.body = br#"{"detail":"Subscription not found"}"#.to_vec();
            }
            _ => {}
        }
    }
}

#[tokio::test]
async fn a_resource_still_readable_after_its_delete_is_a_use_after_free() {
    let api = spec_api("jiko_partner_api");
    let report = run_through(
        &api,
        MockOptions::default(),
        RunOptions::default(),
        subscriptions(false),
    )
    .await;
    assert_eq!(
        failing(&report),
        vec![(
            "Subscriptions_getWebhookSubscription".to_owned(),
            "use-after-free".to_owned(),
            vec!["Subscriptions_deleteWebhookSubscription answered a 2xx, but Subscriptions_getWebhookSubscription of the same resource still answered 200".to_owned()]
        )],
        "{}",
        report.render()
    );

    let report = run_through(
        &api,
        MockOptions::default(),
        RunOptions::default(),
        subscriptions(true),
    )
    .await;
    assert_eq!(report.failed(), 0, "{}", report.render());
    let check = report
        .checks
        .iter()
        .find(|c| c.name == "use-after-free")
        .expect("the delete is followed by a read");
    assert!(check.passed(), "{check:?}");
    assert_eq!(
        check.detail,
        "Subscriptions_getWebhookSubscription of the deleted resource answered 404"
    );
    // The read before the delete used the id the create answered, so it was reached.
    let read = report
        .coverage
        .iter()
        .find(|c| c.operation == "Subscriptions_getWebhookSubscription")
        .unwrap();
    assert_eq!(read.outcome, Outcome::Reached, "{read:?}");
}

#[tokio::test]
async fn a_created_resource_that_cannot_be_read_fails_availability() {
    let api = spec_api("circle_accounts");
    let report = run_through(
        &api,
        MockOptions::default(),
        RunOptions::default(),
        |seen, a| {
            if seen.method == "GET" && seen.path.starts_with("/v1/accounts/") {
                a.status = 404;
                a.body = br#"{"code":404,"message":"Account not found."}"#.to_vec();
            }
        },
    )
    .await;
    let failures = failing(&report);
    assert_eq!(failures.len(), 1, "{}", report.render());
    let (operation, check, problems) = &failures[0];
    assert_eq!(
        (operation.as_str(), check.as_str()),
        ("getAccount", "availability")
    );
    assert!(
        problems[0].starts_with("createAccount answered a 2xx with id `")
            && problems[0].ends_with("`, but getAccount of it answered 404"),
        "{problems:?}"
    );

    // Unbroken, the read right after the create passes.
    let report = run_through(
        &api,
        MockOptions::default(),
        RunOptions::default(),
        |_, _| {},
    )
    .await;
    let availability: Vec<_> = report
        .checks
        .iter()
        .filter(|c| c.name == "availability")
        .collect();
    assert_eq!(availability.len(), 1, "{}", report.render());
    assert!(availability[0].passed(), "{:?}", availability[0]);
}

#[tokio::test]
async fn a_server_that_accepts_bodies_breaking_the_schema_fails_the_negative_cases() {
    let api = mock_fixture("preauth.yaml");
    let negative = || RunOptions {
        negative: true,
        ..RunOptions::default()
    };
    let report = run_through(&api, MockOptions::default(), negative(), |_, _| {}).await;
    let cases: Vec<_> = report
        .checks
        .iter()
        .filter(|c| c.name == "negative")
        .collect();
    let labels: Vec<&str> = cases.iter().map(|c| c.case.as_str()).collect();
    assert!(
        labels
            .iter()
            .any(|l| l.starts_with("negative: missing required /"))
            && labels.iter().any(|l| l.starts_with("negative: wrong type")),
        "{labels:?}"
    );
    assert!(cases.iter().all(|c| c.passed()), "{}", report.render());

    // A lenient server: every refusal is replaced by the last success of the same route.
    let last = Arc::new(Mutex::new(
        std::collections::HashMap::<String, Answer>::new(),
    ));
    let report = run_through(&api, MockOptions::default(), negative(), move |seen, a| {
        let key = format!("{} {}", seen.method, seen.path);
        let mut last = last.lock().unwrap();
        if (200..300).contains(&a.status) {
            last.insert(key, a.clone());
        } else if a.status == 400 {
            if let Some(ok) = last.get(&key) {
                *a = ok.clone();
            }
        }
    })
    .await;
    let accepted: Vec<_> = report
        .checks
        .iter()
        .filter(|c| c.name == "negative" && c.failed())
        .collect();
    assert!(!accepted.is_empty(), "{}", report.render());
    for c in accepted {
        assert!(
            c.failures[0].starts_with("a body that breaks the schema was accepted with 2"),
            "{c:?}"
        );
    }
}

/// A server answering bytes that are not JSON (nor UTF-8, with control characters): the body
/// check says so, and every form of the report stays well-formed.
#[tokio::test]
async fn a_garbage_body_is_a_body_failure_and_the_reports_stay_well_formed() {
    let api = spec_api("circle_accounts");
    let report = run_through(
        &api,
        MockOptions::default(),
        RunOptions::default(),
        |seen, a| {
            if seen.method == "GET" && seen.path == "/v1/accounts" {
                a.body = vec![0xff, 0x00, 0x1b, b'<', b'&', 0x07];
            }
        },
    )
    .await;
    let failures = failing(&report);
    assert_eq!(failures.len(), 1, "{}", report.render());
    assert_eq!(
        (failures[0].0.as_str(), failures[0].1.as_str()),
        ("listAccounts", "body")
    );
    assert!(failures[0].2[0].starts_with("cannot parse the body as JSON: "));
    let junit = report.junit();
    assert!(
        !junit
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t')
    );
    assert!(junit.contains("(6 bytes, not UTF-8)"), "{junit}");
    let json: serde_json::Value = serde_json::from_str(&report.json()).unwrap();
    assert_eq!(json["summary"]["failed"], 1);
}
