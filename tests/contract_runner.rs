//! The contract runner against the mock: it passes for every spec (and the mock fixtures), and
//! against a mock deliberately made to break its spec it names each breach with its pointer.

use specgen_ir::ir::{Api, Status};
use specgen_kit::contract::{self, ContractOptions, Outcome, Report, RunOptions};
use specgen_kit::mock::{self, Fault, FaultKind, MockOptions};
use specgen_tests::{mock_fixture, spec_apis};
use std::time::Duration;

async fn run_against_mock(api: Api, options: MockOptions) -> Report {
    let server = mock::serve(vec![api.clone()], options).await.unwrap();
    let report = contract::run(
        &api,
        &ContractOptions {
            base_url: server.base_url(),
            token: Some("contract-token".into()),
            timeout: Duration::from_secs(10),
            signing_secret: None,
        },
    )
    .await;
    server.shutdown().await.unwrap();
    report
}

fn every_api() -> Vec<Api> {
    let mut apis = spec_apis();
    apis.push(mock_fixture("preauth.yaml"));
    apis.push(mock_fixture("circle-onboarding.yaml"));
    apis
}

#[tokio::test]
async fn the_runner_passes_against_the_mock_for_every_spec() {
    for stateful in [false, true] {
        for api in every_api() {
            let module = api.module.clone();
            let operations = api.operations.len();
            let report = run_against_mock(
                api,
                MockOptions {
                    stateful,
                    check_answers: true,
                    ..MockOptions::default()
                },
            )
            .await;
            let text = report.render();
            assert_eq!(
                report.failed(),
                0,
                "{module} (stateful: {stateful}):\n{text}"
            );
            // At least a status and a body check per operation ran.
            assert!(report.passed() >= operations * 2, "{module}:\n{text}");
            assert!(
                text.ends_with(&format!("{} passed, 0 failed\n", report.passed())),
                "{text}"
            );
        }
    }
}

#[tokio::test]
async fn without_credentials_every_secured_operation_answers_its_documented_401() {
    let api = specgen_tests::spec_api("customer_orchestration");
    let server = mock::serve(vec![api.clone()], MockOptions::default())
        .await
        .unwrap();
    let report = contract::run(
        &api,
        &ContractOptions {
            base_url: server.base_url(),
            token: None,
            timeout: Duration::from_secs(10),
            signing_secret: None,
        },
    )
    .await;
    server.shutdown().await.unwrap();
    assert_eq!(report.failed(), 0, "{}", report.render());
    assert!(
        report
            .render()
            .contains("answered 401, which is documented")
    );
}

#[tokio::test]
async fn a_broken_mock_fails_with_a_precise_report() {
    let fault = |operation: &str, kind| Fault {
        operation: operation.into(),
        kind,
    };
    let report = run_against_mock(
        mock_fixture("preauth.yaml"),
        MockOptions {
            faults: vec![
                fault("getPreauth", FaultKind::DropRequiredField),
                fault("settlePreauth", FaultKind::CorruptEnum),
                fault("createPreauth", FaultKind::UndocumentedStatus),
            ],
            ..MockOptions::default()
        },
    )
    .await;
    let text = report.render();
    let failed: Vec<(String, String, Vec<String>)> = report
        .checks
        .iter()
        .filter(|c| !c.passed())
        .map(|c| (c.operation.clone(), c.name.clone(), c.failures.clone()))
        .collect();
    // Operations run creators first, then the rest from the shallowest path down, so settling
    // (a POST one level down) comes before reading.
    let expected = vec![
        (
            "createPreauth".to_owned(),
            "status".to_owned(),
            vec!["status 418 is not documented (documented: 201, 400, 401, 403, 404, 409, 500)".to_owned()],
        ),
        (
            "createPreauth".to_owned(),
            "status".to_owned(),
            vec!["status 418 is not documented (documented: 201, 400, 401, 403, 404, 409, 500)".to_owned()],
        ),
        (
            "settlePreauth".to_owned(),
            "body".to_owned(),
            vec!["/status: `NOT_A_DOCUMENTED_VALUE` is not one of the documented values of PreauthStatus: AUTHORIZED, SETTLED, CANCELLED, EXPIRED, REJECTED".to_owned()],
        ),
        (
            "getPreauth".to_owned(),
            "body".to_owned(),
            vec!["/transactionId: required property `transactionId` of Preauth is missing".to_owned()],
        ),
    ];
    assert_eq!(failed, expected, "{text}");
    assert!(
        text.contains("FAIL getPreauth [synthesised] body: 1 violation of Preauth"),
        "{text}"
    );
    assert!(
        text.ends_with(&format!("{} passed, 4 failed\n", report.passed())),
        "{text}"
    );

    let junit = report.junit();
    assert!(junit.contains("failures=\"4\""), "{junit}");
    assert!(
        junit.contains("<failure message=\"POST /onchain-preauth answered 418\">"),
        "{junit}"
    );
}

/// Jiko signs every request (`x-jiko-signature`, an HMAC over the idempotency key, path and body):
/// the runner signs with the shared secret, and a mock that knows the secret accepts exactly the
/// requests signed with it.
#[tokio::test]
async fn signed_requests_are_verified_with_the_shared_secret() {
    let api = specgen_tests::spec_api("jiko_partner_api");
    assert!(
        api.signature.is_some(),
        "the overlay declares the signature"
    );
    let server = mock::serve(
        vec![api.clone()],
        MockOptions {
            signing_secret: Some(b"partner-secret".to_vec()),
            check_answers: true,
            ..MockOptions::default()
        },
    )
    .await
    .unwrap();
    let run = |secret: &[u8]| {
        let options = ContractOptions {
            base_url: server.base_url(),
            token: Some("t".into()),
            timeout: Duration::from_secs(10),
            signing_secret: Some(secret.to_vec()),
        };
        let api = api.clone();
        async move { contract::run(&api, &options).await }
    };
    let signed = run(b"partner-secret").await;
    assert_eq!(signed.failed(), 0, "{}", signed.render());
    // Operations that declare the signature header refuse a forged one; the others (a health
    // check, the raw uploads) do not take a signature and are not affected.
    let forged = run(b"wrong-secret").await;
    let signed_ops: Vec<String> = api
        .operations
        .iter()
        .filter(|o| o.params.iter().any(|p| p.signature))
        .map(|o| o.operation_id.clone().unwrap_or_else(|| o.fn_name.clone()))
        .collect();
    assert!(signed_ops.len() > 50, "{signed_ops:?}");
    for check in forged.checks.iter().filter(|c| c.name == "status") {
        let refused = check.detail.contains("answered 401");
        assert_eq!(
            refused,
            signed_ops.contains(&check.operation),
            "{}: {}",
            check.operation,
            check.detail
        );
    }
    server.shutdown().await.unwrap();
}

fn options(base_url: String, token: Option<&str>) -> ContractOptions {
    ContractOptions {
        base_url,
        token: token.map(str::to_owned),
        timeout: Duration::from_secs(10),
        signing_secret: None,
    }
}

fn secured(api: &Api) -> Vec<String> {
    api.operations
        .iter()
        .filter(|o| !o.security.is_empty())
        .map(contract::operation_name)
        .collect()
}

/// Without credentials nothing secured is reached: with `require_success` the run fails, and
/// each secured operation is named with its 401 and what to do about it.
#[tokio::test]
async fn without_credentials_require_success_fails_naming_every_401() {
    for api in every_api() {
        let secured = secured(&api);
        if secured.is_empty() {
            continue;
        }
        let server = mock::serve(vec![api.clone()], MockOptions::default())
            .await
            .unwrap();
        let run = RunOptions {
            require_success: true,
            ..RunOptions::default()
        };
        let report = contract::run_with(&api, &options(server.base_url(), None), &run).await;
        server.shutdown().await.unwrap();
        let text = report.render();
        assert!(!report.succeeded(), "{}: {text}", api.module);
        // A secured operation that documents its 401 is rejected; one that does not (Jiko's
        // spec documents none) fails its status check as well. Both name the 401 and the fix.
        for name in &secured {
            let c = report
                .coverage
                .iter()
                .find(|c| &c.operation == name)
                .unwrap();
            let op = api
                .operations
                .iter()
                .find(|o| &contract::operation_name(o) == name)
                .unwrap();
            let documents_401 = op.responses.iter().any(|r| r.status == Status::Code(401));
            let expected = if documents_401 {
                Outcome::Rejected
            } else {
                Outcome::Failed
            };
            assert_eq!(c.outcome, expected, "{c:?}");
            assert_eq!(c.statuses, vec![401], "{c:?}");
            assert!(
                c.reason
                    .contains("401: no credentials were sent; pass --token-env"),
                "{c:?}"
            );
            let verdict = if documents_401 { "rejected" } else { "failed" };
            assert!(
                text.contains(&format!("  {verdict} {} ({}): ", c.operation, c.route)),
                "{text}"
            );
        }
        // Unsecured operations (a health check, a login) are still reached.
        assert_eq!(
            report.with_outcome(Outcome::Reached).len() + secured.len(),
            api.operations.len(),
            "{text}"
        );
        let coverage_failures = report
            .checks
            .iter()
            .filter(|c| c.name == "coverage" && c.failed())
            .count();
        assert_eq!(
            coverage_failures,
            report.with_outcome(Outcome::Rejected).len(),
            "{text}"
        );
        assert!(
            coverage_failures > 0 || report.with_outcome(Outcome::Failed).len() == secured.len()
        );
        assert!(
            text.ends_with(&format!(
                "{} passed, {} failed\n",
                report.passed(),
                report.failed()
            )),
            "{text}"
        );
        assert!(text.contains(&report.summary()), "{text}");
    }
}

/// With a token against the stateful mock, every operation is reached or listed with the
/// reason the sandbox gave; nothing fails, and the summary adds up.
#[tokio::test]
async fn with_a_token_every_operation_is_reached_or_rejected_for_a_stated_reason() {
    for api in every_api() {
        let server = mock::serve(
            vec![api.clone()],
            MockOptions {
                stateful: true,
                check_answers: true,
                ..MockOptions::default()
            },
        )
        .await
        .unwrap();
        let report = contract::run_with(
            &api,
            &options(server.base_url(), Some("t")),
            &RunOptions::default(),
        )
        .await;
        server.shutdown().await.unwrap();
        let text = report.render();
        assert_eq!(report.coverage.len(), api.operations.len(), "{text}");
        assert!(report.with_outcome(Outcome::Failed).is_empty(), "{text}");
        for c in report.with_outcome(Outcome::Rejected) {
            assert!(
                !c.statuses.is_empty() && c.statuses.iter().all(|s| *s >= 400),
                "{c:?}"
            );
            let first = c.statuses[0].to_string();
            assert!(c.reason.contains(&first), "{c:?}");
            assert!(!c.reason.contains("pass --token-env"), "{c:?}");
        }
        let reached = report.with_outcome(Outcome::Reached).len();
        assert!(
            text.contains(&format!(
                "coverage: {reached} reached, {} rejected, 0 failed",
                api.operations.len() - reached
            )),
            "{text}"
        );
    }
}

/// The stateful sandbox only knows preauthorisations it created: the read is reached because
/// the runner chains the create's invoice id into it, and is refused with the reason when
/// chaining is off.
#[tokio::test]
async fn reads_are_chained_to_the_resource_the_create_made() {
    let api = mock_fixture("preauth.yaml");
    for chain in [true, false] {
        let server = mock::serve(
            vec![api.clone()],
            MockOptions {
                stateful: true,
                ..MockOptions::default()
            },
        )
        .await
        .unwrap();
        let run = RunOptions {
            scenarios: chain,
            ..RunOptions::default()
        };
        let report = contract::run_with(&api, &options(server.base_url(), Some("t")), &run).await;
        server.shutdown().await.unwrap();
        let get = report
            .coverage
            .iter()
            .find(|c| c.operation == "getPreauth")
            .unwrap();
        if chain {
            assert_eq!(get.outcome, Outcome::Reached, "{}", report.render());
            let created = report
                .exchanges
                .iter()
                .find(|e| e.operation == "createPreauth" && e.status == Some(201))
                .unwrap();
            let sent: serde_json::Value = serde_json::from_str(&created.request_body).unwrap();
            let invoice = sent["invoiceId"].as_str().unwrap();
            let read = report
                .exchanges
                .iter()
                .find(|e| e.operation == "getPreauth")
                .unwrap();
            assert!(
                read.url.ends_with(&format!("/onchain-preauth/{invoice}")),
                "{}",
                read.url
            );
        } else {
            assert_eq!(get.outcome, Outcome::Rejected, "{}", report.render());
            assert!(
                get.reason.starts_with("404: invoiceId=") && get.reason.contains("(synthesised;"),
                "{get:?}"
            );
        }
    }
}

/// A failure prints the command that replays it, with the token shown by its variable; the
/// command, run with that variable set, gets the same answer.
// Multi-threaded: the blocking `bash` runs while the in-process mock answers it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_failure_prints_a_curl_command_that_reproduces_it() {
    let api = mock_fixture("preauth.yaml");
    let server = mock::serve(
        vec![api.clone()],
        MockOptions {
            faults: vec![Fault {
                operation: "getPreauth".into(),
                kind: FaultKind::DropRequiredField,
            }],
            ..MockOptions::default()
        },
    )
    .await
    .unwrap();
    let run = RunOptions {
        token_env: Some("SANDBOX_TOKEN".into()),
        ..RunOptions::default()
    };
    let report = contract::run_with(
        &api,
        &options(server.base_url(), Some("s3cret-token")),
        &run,
    )
    .await;
    let text = report.render();
    assert!(!text.contains("s3cret-token"), "{text}");
    assert!(!report.json().contains("s3cret-token"));
    assert!(!report.junit().contains("s3cret-token"));
    let failing = report
        .checks
        .iter()
        .find(|c| c.failed())
        .expect("the fault fails a check");
    let exchange = &report.exchanges[failing.exchange.unwrap()];
    assert!(
        exchange
            .curl
            .contains(r#"-H "Authorization: Bearer $SANDBOX_TOKEN""#),
        "{}",
        exchange.curl
    );
    assert!(
        text.contains(&format!(
            "       reproduce: {}\n       response: 200 {{",
            exchange.curl
        )),
        "{text}"
    );

    let output = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!(
            "{} -o /dev/null -w '%{{http_code}}'",
            exchange.curl
        ))
        .env("SANDBOX_TOKEN", "s3cret-token")
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&output.stdout), "200", "{output:?}");
    // Without the variable the mock refuses it, so the token did travel through the variable.
    let output = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!(
            "{} -o /dev/null -w '%{{http_code}}'",
            exchange.curl
        ))
        .env_remove("SANDBOX_TOKEN")
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&output.stdout), "401", "{output:?}");
    server.shutdown().await.unwrap();
}

/// JUnit carries a time, the request and the response of every case; the JSON report has
/// everything, written where `report` says.
#[tokio::test]
async fn junit_and_the_json_report_carry_time_request_and_response() {
    let api = mock_fixture("preauth.yaml");
    let path = specgen_tests::scratch_dir("contract-report").join("report.json");
    let server = mock::serve(vec![api.clone()], MockOptions::default())
        .await
        .unwrap();
    let run = RunOptions {
        report: Some(path.clone()),
        ..RunOptions::default()
    };
    let report = contract::run_with(&api, &options(server.base_url(), Some("t")), &run).await;
    server.shutdown().await.unwrap();

    let junit = report.junit();
    let cases = junit.matches("<testcase ").count();
    assert_eq!(cases, report.checks.len());
    assert_eq!(
        junit.matches("<system-out>request: curl -sS -X ").count(),
        cases,
        "{junit}"
    );
    assert_eq!(
        junit.matches("\nresponse: 20").count() + junit.matches("\nresponse: 40").count(),
        cases,
        "{junit}"
    );
    let timed = junit
        .lines()
        .filter(|l| l.contains("<testcase ") && l.contains(" time=\""))
        .count();
    assert_eq!(timed, cases, "{junit}");

    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(json["summary"]["passed"], report.passed());
    assert_eq!(json["summary"]["failed"], 0);
    assert_eq!(
        json["checks"].as_array().unwrap().len(),
        report.checks.len()
    );
    assert_eq!(
        json["exchanges"].as_array().unwrap().len(),
        report.exchanges.len()
    );
    assert_eq!(json["coverage"].as_array().unwrap().len(), 3);
    let first = &json["exchanges"][0];
    for key in [
        "method",
        "url",
        "curl",
        "status",
        "response_body",
        "elapsed_ms",
        "request_headers",
    ] {
        assert!(!first[key].is_null(), "{key}: {first}");
    }
}

/// Multipart uploads send every part built from its schema (the enum's value, a UUID for a
/// UUID) and a real file, so the mock's sandbox accepts them.
#[tokio::test]
async fn multipart_uploads_carry_schema_valid_parts_and_a_real_file() {
    let api = mock_fixture("circle-onboarding.yaml");
    let server = mock::serve(vec![api.clone()], MockOptions::default())
        .await
        .unwrap();
    let report = contract::run(&api, &options(server.base_url(), Some("t"))).await;
    server.shutdown().await.unwrap();
    let upload = report
        .exchanges
        .iter()
        .find(|e| e.operation == "uploadDocument")
        .unwrap();
    assert_eq!(upload.status, Some(201), "{upload:?}");
    let boundary = "specgen-contract-7f3a9c";
    assert!(upload.request_headers.contains(&(
        "Content-Type".into(),
        format!("multipart/form-data; boundary={boundary}")
    )));
    let body = &upload.request_body;
    let parts: Vec<(String, String)> = body
        .split(&format!("--{boundary}"))
        .filter_map(|p| {
            let (head, content) = p.split_once("\r\n\r\n")?;
            let name = head.split("name=\"").nth(1)?.split('"').next()?.to_owned();
            Some((name, content.trim_end_matches("\r\n").to_owned()))
        })
        .collect();
    let part = |name: &str| {
        parts
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, c)| c.as_str())
    };
    assert_eq!(part("documentType"), Some("passport"), "{body}");
    assert!(
        uuid::Uuid::parse_str(part("refId").unwrap()).is_ok(),
        "{body}"
    );
    assert!(
        part("fileContent").unwrap().starts_with("%PDF-1.4"),
        "{body}"
    );
    assert!(
        part("fileContent").unwrap().trim_end().ends_with("%%EOF"),
        "{body}"
    );
    assert!(body.contains("name=\"fileContent\"; filename=\"specgen-example.pdf\"\r\nContent-Type: application/pdf"), "{body}");
    for required in ["datumName", "fileName"] {
        assert!(
            part(required).is_some_and(|v| !v.is_empty()),
            "{required}: {body}"
        );
    }
}
