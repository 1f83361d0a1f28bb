//! The generated Partner API client (from release notes) against a local HTTP server: it sends
//! the documented requests, and maps every documented status to its typed variant with the
//! documented body, for every operation.
//!
//! The documented requests and bodies are the examples the generator recorded from the notes
//! (placeholders filled by type); `tests/examples.rs` proves they are the notes' JSON.

use serde_json::{Value, json};
use specgen_apis::partner_api::{Client, types};
use specgen_apis::runtime::Error;
use specgen_codegen::{self as codegen, load};
use specgen_ir::ir::{Api, BodyContent, Operation, ResponseBody, Status};
use specgen_tests::repo_root;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn api() -> Api {
    let (inputs, diagnostics) = load::load_specs(&repo_root().join("specs"), "specs");
    assert!(!diagnostics.has_errors(), "{diagnostics}");
    codegen::generate(&inputs)
        .unwrap()
        .apis
        .into_iter()
        .find(|a| a.module == "partner_api")
        .unwrap()
}

fn operation(api: &Api, fn_name: &str) -> Operation {
    api.operations
        .iter()
        .find(|o| o.fn_name == fn_name)
        .unwrap()
        .clone()
}

/// The documented request body of `op`.
fn request_example(op: &Operation) -> Value {
    match &op.body.as_ref().unwrap().content {
        BodyContent::Json { examples, .. } => examples[0].clone(),
        other => panic!("{other:?}"),
    }
}

/// Every documented (status, variant, example body) of `op`.
fn documented(op: &Operation) -> Vec<(u16, String, Value)> {
    let mut out = Vec::new();
    for r in &op.responses {
        let Status::Code(code) = r.status else {
            panic!("release notes document exact statuses")
        };
        let Some(ResponseBody::Json { examples, .. }) = &r.body else {
            panic!("{} {code} has no example", op.fn_name)
        };
        for example in examples {
            out.push((code, r.variant.clone(), example.clone()));
        }
    }
    out
}

async fn server_answering(verb: &str, at: &str, status: u16, body: &Value) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method(verb))
        .and(path(at))
        .respond_with(ResponseTemplate::new(status).set_body_json(body))
        .expect(1)
        .mount(&server)
        .await;
    server
}

async fn received_body(server: &MockServer) -> Value {
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1);
    let content_type = requests[0].headers.get("content-type").unwrap();
    assert_eq!(content_type, "application/json");
    serde_json::from_slice(&requests[0].body).unwrap()
}

/// A call's outcome as (variant, status, body re-encoded): `Ok` is named by `$ok`, documented
/// errors by their variant, and anything else fails the test.
macro_rules! outcome {
    ($result:expr, $ok:expr, $error:ident { $($variant:ident),* $(,)? }) => {
        match $result {
            Ok(v) => ($ok.to_owned(), v.status, serde_json::to_value(&v.body).unwrap()),
            Err(Error::Api(e)) => match e {
                $(types::$error::$variant(v) => {
                    (stringify!($variant).to_owned(), v.status, serde_json::to_value(&v.body).unwrap())
                })*
            },
            Err(other) => panic!("not a documented response: {other}"),
        }
    };
}

fn statuses(cases: &[(u16, String, Value)]) -> Vec<u16> {
    let mut s: Vec<u16> = cases.iter().map(|c| c.0).collect();
    s.dedup();
    s
}

#[tokio::test]
async fn create_preauthorization_sends_the_documented_request_and_maps_every_status() {
    let op = operation(&api(), "create_preauthorization");
    let example = request_example(&op);
    let request: types::CreatePreauthorizationRequest =
        serde_json::from_value(example.clone()).unwrap();
    assert_eq!(request.amount, "150.75", "amounts stay exact strings");
    let cases = documented(&op);
    assert_eq!(statuses(&cases), [201, 400, 401, 403, 404, 409, 500]);
    for (status, variant, body) in cases {
        let server = server_answering("POST", "/onchain-preauth", status, &body).await;
        let got = outcome!(
            Client::new(server.uri())
                .create_preauthorization(&request)
                .await,
            "Created",
            CreatePreauthorizationError {
                BadRequest,
                Unauthorized,
                Forbidden,
                NotFound,
                Conflict,
                InternalServerError
            }
        );
        assert_eq!(got, (variant, status, body));
        assert_eq!(received_body(&server).await, example);
    }
}

#[tokio::test]
async fn get_preauthorization_details_maps_every_status() {
    let op = operation(&api(), "get_preauthorization_details");
    let cases = documented(&op);
    assert_eq!(statuses(&cases), [200, 401, 403, 404]);
    for (status, variant, body) in cases {
        let server = server_answering("GET", "/onchain-preauth/INV-1001", status, &body).await;
        let got = outcome!(
            Client::new(server.uri())
                .get_preauthorization_details("INV-1001")
                .await,
            "Ok",
            GetPreauthorizationDetailsError {
                Unauthorized,
                Forbidden,
                NotFound
            }
        );
        assert_eq!(got, (variant, status, body));
    }
}

#[tokio::test]
async fn settle_preauthorization_sends_the_documented_request_and_maps_every_status() {
    let op = operation(&api(), "settle_preauthorization");
    let example = request_example(&op);
    assert_eq!(example, json!({"amount": "120.50"}));
    let request: types::SettlePreauthorizationRequest =
        serde_json::from_value(example.clone()).unwrap();
    let cases = documented(&op);
    assert_eq!(statuses(&cases), [200, 400, 401, 403, 409, 500]);
    for (status, variant, body) in cases {
        let server =
            server_answering("POST", "/onchain-preauth/INV-2026/settle", status, &body).await;
        let got = outcome!(
            Client::new(server.uri())
                .settle_preauthorization("INV-2026", &request)
                .await,
            "Ok",
            SettlePreauthorizationError {
                BadRequest,
                Unauthorized,
                Forbidden,
                Conflict,
                InternalServerError
            }
        );
        assert_eq!(got, (variant, status, body));
        assert_eq!(received_body(&server).await, example);
    }
}

#[tokio::test]
async fn fetch_pii_maps_every_status() {
    let op = operation(
        &api(),
        "fetch_pii_data_with_bank_details_and_full_change_history",
    );
    let cases = documented(&op);
    assert_eq!(statuses(&cases), [200, 400, 404]);
    let id = "c8abc8ff-8c56-4231-9e55-aaca9698a3d7";
    for (status, variant, body) in cases {
        let at = format!("/tenant/customer/pii-customer-details/{id}");
        let server = server_answering("GET", &at, status, &body).await;
        let got = outcome!(
            Client::new(server.uri())
                .fetch_pii_data_with_bank_details_and_full_change_history(id)
                .await,
            "Ok",
            FetchPiiDataWithBankDetailsAndFullChangeHistoryError {
                BadRequest,
                NotFound
            }
        );
        assert_eq!(got, (variant, status, body));
    }
}

#[tokio::test]
async fn onboard_business_user_sends_the_documented_request_and_maps_the_array_400() {
    let op = operation(&api(), "onboard_a_new_business_user");
    let example = request_example(&op);
    let request: types::OnboardANewBusinessUserRequest =
        serde_json::from_value(example.clone()).unwrap();
    let cases = documented(&op);
    assert_eq!(statuses(&cases), [201, 400]);
    for (status, variant, body) in cases {
        let server = server_answering("POST", "/tenant/business-user", status, &body).await;
        let got = outcome!(
            Client::new(server.uri())
                .onboard_a_new_business_user(&request)
                .await,
            "Created",
            OnboardANewBusinessUserError { BadRequest }
        );
        assert_eq!(got, (variant, status, body));
        assert_eq!(received_body(&server).await, example);
    }
}

#[tokio::test]
async fn typed_bodies_read_as_documented() {
    let conflict = json!({"errors": [{"type": "onchain", "message": "Invoice already exists"}]});
    let server = server_answering("POST", "/onchain-preauth", 409, &conflict).await;
    let request = types::CreatePreauthorizationRequest {
        invoice_id: "INV-2026".into(),
        sender: "0x41c5".into(),
        receiver: "0xaec5".into(),
        amount: "150.75".into(),
        contract_address: "0x9f8f".into(),
        expires_at: None,
    };
    match Client::new(server.uri())
        .create_preauthorization(&request)
        .await
    {
        Err(Error::Api(types::CreatePreauthorizationError::Conflict(r))) => {
            assert_eq!(r.body.errors[0].message, "Invoice already exists");
            assert_eq!(r.body.errors[0].r#type, "onchain");
        }
        other => panic!("{other:?}"),
    }
    // An optional field the caller leaves out is not sent.
    assert_eq!(
        received_body(&server).await,
        json!({"invoiceId": "INV-2026", "sender": "0x41c5", "receiver": "0xaec5", "amount": "150.75", "contractAddress": "0x9f8f"})
    );
}

#[tokio::test]
async fn path_parameters_are_percent_encoded() {
    let body = json!({"errors": [{"type": "onchain", "message": "Preauthorization not found"}]});
    let server = server_answering("GET", "/onchain-preauth/INV%2F1%20A", 404, &body).await;
    let error = Client::new(server.uri())
        .get_preauthorization_details("INV/1 A")
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(404));
}

#[tokio::test]
async fn an_undocumented_status_is_an_unexpected_response() {
    let server = server_answering("GET", "/onchain-preauth/INV-1", 502, &json!({"oops": 1})).await;
    // A 502 is retried by default (tests/client_runtime.rs); this test is about the mapping.
    match Client::new(server.uri())
        .with_retry_policy(specgen_apis::runtime::RetryPolicy::none())
        .get_preauthorization_details("INV-1")
        .await
    {
        Err(Error::UnexpectedResponse(r)) => {
            assert_eq!(r.status, 502);
            assert_eq!(r.body_text(), r#"{"oops":1}"#);
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_documented_status_with_an_undocumented_body_is_an_invalid_response() {
    let server = server_answering(
        "POST",
        "/onchain-preauth/INV-1/settle",
        409,
        &json!({"errors": "no"}),
    )
    .await;
    let request = types::SettlePreauthorizationRequest {
        amount: "1.00".into(),
    };
    match Client::new(server.uri())
        .settle_preauthorization("INV-1", &request)
        .await
    {
        Err(Error::InvalidResponse { status, .. }) => assert_eq!(status, 409),
        other => panic!("{other:?}"),
    }
}

/// `taxIdNumber` is deprecated in v4.3.0 but still (de)serialises, so old payloads keep working.
#[test]
#[allow(deprecated)]
fn the_deprecated_field_still_round_trips() {
    let op = operation(&api(), "onboard_a_new_business_user");
    let mut example = request_example(&op);
    example["taxIdNumber"] = json!("122-22-2332");
    let request: types::OnboardANewBusinessUserRequest =
        serde_json::from_value(example.clone()).unwrap();
    assert_eq!(request.tax_id_number.as_deref(), Some("122-22-2332"));
    assert_eq!(request.tax_id, "122-22-2332");
    assert_eq!(serde_json::to_value(&request).unwrap(), example);
}
