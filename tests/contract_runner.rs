//! The contract runner against the mock: it passes for every spec (and the mock fixtures), and
//! against a mock deliberately made to break its spec it names each breach with its pointer.

use specgen_ir::ir::Api;
use specgen_kit::contract::{self, ContractOptions, Report};
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
            "getPreauth".to_owned(),
            "body".to_owned(),
            vec!["/transactionId: required property `transactionId` of Preauth is missing".to_owned()],
        ),
        (
            "settlePreauth".to_owned(),
            "body".to_owned(),
            vec!["/status: `NOT_A_DOCUMENTED_VALUE` is not one of the documented values of PreauthStatus: AUTHORIZED, SETTLED, CANCELLED, EXPIRED, REJECTED".to_owned()],
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
