//! The generic mock, in-process, over real HTTP: routing, request validation with every
//! violation's pointer, the documented answers, `Prefer`, size limits, and loopback only.

use reqwest::StatusCode;
use serde_json::{Value, json};
use specgen_kit::mock::{self, MockOptions, MockServer};
use specgen_kit::validate::{Direction, Validator};
use specgen_tests::spec_api;

async fn start(options: MockOptions) -> MockServer {
    mock::serve(vec![spec_api("customer_orchestration")], options)
        .await
        .expect("the mock starts")
}

fn valid_body() -> Value {
    json!({
        "clientName": "Acme Trust Co.", "country": "US", "clientType": "business",
        "businessDetails": {"natureOfBusiness": "trust", "institutionType": "trust"}
    })
}

fn post(server: &MockServer, body: &Value) -> reqwest::RequestBuilder {
    reqwest::Client::new()
        .post(format!("{}/v1/partner/clients", server.base_url()))
        .bearer_auth("t")
        .header("X-Idempotency-Key", uuid::Uuid::new_v4().to_string())
        .json(body)
}

#[tokio::test]
async fn a_valid_request_gets_the_documented_success_with_headers() {
    let server = start(MockOptions::default()).await;
    let response = post(&server, &valid_body()).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["content-type"].to_str().unwrap(),
        "application/json"
    );
    let request_id = response.headers()["x-request-id"].to_str().unwrap();
    assert!(uuid::Uuid::parse_str(request_id).is_ok(), "{request_id}");
    let body: Value = response.json().await.unwrap();
    let api = spec_api("customer_orchestration");
    let ty = match &api.operations[0].responses[0].body {
        Some(specgen_ir::ir::ResponseBody::Json { ty, .. }) => ty.clone(),
        other => panic!("{other:?}"),
    };
    assert_eq!(
        Validator::new(&api).validate(&ty, &body, Direction::Response),
        []
    );
    // Property examples are preferred over synthesised values.
    assert_eq!(
        body["data"]["applicationId"],
        "550e8400-e29b-41d4-a716-446655440000"
    );
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn every_violation_is_listed_with_its_pointer() {
    let server = start(MockOptions::default()).await;
    let response = reqwest::Client::new()
        .post(format!("{}/v1/partner/clients", server.base_url()))
        .bearer_auth("t")
        .json(&json!({
            "country": "USA", "clientType": "person",
            "businessDetails": {"natureOfBusiness": "trust", "institutionType": 7}
        }))
        .send()
        .await
        .unwrap();
    // The spec documents no 400, so the status is the conventional one.
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: Value = response.json().await.unwrap();
    let found: Vec<(String, String)> = body["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["in"].as_str().unwrap().to_owned(),
                v["pointer"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let expected = [
        ("header", ""),
        ("body", "/clientName"),
        ("body", "/country"),
        ("body", "/clientType"),
        ("body", "/businessDetails/institutionType"),
    ];
    assert_eq!(
        found,
        expected.map(|(a, b)| (a.to_owned(), b.to_owned())),
        "{body:#}"
    );
    assert_eq!(body["violations"][0]["name"], "X-Idempotency-Key");
    assert!(
        body["violations"][2]["message"]
            .as_str()
            .unwrap()
            .contains("above the maximum 2")
    );
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn credentials_json_methods_paths_and_sizes_are_checked() {
    let server = start(MockOptions {
        body_limit: 256,
        ..MockOptions::default()
    })
    .await;
    let http = reqwest::Client::new();
    let url = format!("{}/v1/partner/clients", server.base_url());

    let unauthenticated = http.post(&url).json(&valid_body()).send().await.unwrap();
    assert_eq!(unauthenticated.status(), StatusCode::UNAUTHORIZED);
    let body: Value = unauthenticated.json().await.unwrap();
    assert_eq!(body["code"], 401, "the documented 401 body: {body}");

    let malformed = http
        .post(&url)
        .bearer_auth("t")
        .header("X-Idempotency-Key", uuid::Uuid::new_v4().to_string())
        .header("content-type", "application/json")
        .body("{\"clientName\":")
        .send()
        .await
        .unwrap();
    assert_eq!(malformed.status(), StatusCode::BAD_REQUEST);
    let body: Value = malformed.json().await.unwrap();
    assert!(body["message"].as_str().unwrap().contains("not valid JSON"));

    let wrong_method = http.get(&url).send().await.unwrap();
    assert_eq!(wrong_method.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(wrong_method.headers()["allow"], "POST");

    let unknown = http
        .get(format!("{}/v1/nothing", server.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);

    let mut big = valid_body();
    big["clientName"] = Value::String("x".repeat(1000));
    let too_large = post(&server, &big).send().await.unwrap();
    assert_eq!(too_large.status(), StatusCode::PAYLOAD_TOO_LARGE);
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn prefer_selects_a_documented_status_and_example() {
    let server = start(MockOptions::default()).await;
    let conflict = post(&server, &valid_body())
        .header("Prefer", "code=409")
        .send()
        .await
        .unwrap();
    assert_eq!(conflict.status(), StatusCode::CONFLICT);
    assert!(conflict.headers().contains_key("x-request-id"));
    let body: Value = conflict.json().await.unwrap();
    // The spec gives the 409 no media-type example, and its `{code, message}` shape is shared
    // with 401 and 403, so the code is the status and the message the response's description.
    assert_eq!(
        body,
        json!({"code": 409, "message": "A client with the same `clientName` and `country` combination already exists."})
    );

    let undocumented = post(&server, &valid_body())
        .header("Prefer", "code=500")
        .send()
        .await
        .unwrap();
    assert_eq!(undocumented.status(), StatusCode::BAD_REQUEST);
    let body: Value = undocumented.json().await.unwrap();
    assert!(body["message"].as_str().unwrap().contains("code=500"));

    let no_such_example = post(&server, &valid_body())
        .header("Prefer", "code=200, example=3")
        .send()
        .await
        .unwrap();
    assert_eq!(no_such_example.status(), StatusCode::BAD_REQUEST);
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn the_mock_listens_on_loopback_unless_told_otherwise() {
    let refused = mock::serve(
        vec![spec_api("customer_orchestration")],
        MockOptions {
            addr: "0.0.0.0:0".parse().unwrap(),
            ..MockOptions::default()
        },
    )
    .await
    .unwrap_err();
    assert!(refused.to_string().contains("loopback"), "{refused}");
}

#[tokio::test]
async fn a_fault_for_an_unknown_operation_is_an_error() {
    let err = mock::serve(
        vec![spec_api("customer_orchestration")],
        MockOptions {
            faults: vec![mock::Fault {
                operation: "noSuchOperation".into(),
                kind: mock::FaultKind::CorruptEnum,
            }],
            ..MockOptions::default()
        },
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("noSuchOperation"), "{err}");
}

/// Release notes have no OpenAPI document; the one written from the IR (for schemathesis and
/// Prism) must describe the same operations and statuses when read back.
#[test]
fn the_document_written_from_the_ir_reads_back_as_the_same_api() {
    let api = specgen_tests::mock_fixture("preauth.yaml");
    let document = specgen_codegen::document::document_from_ir(&api);
    let dir = specgen_tests::scratch_dir("ir-document");
    let path = dir.join("preauth.json");
    std::fs::write(&path, serde_json::to_vec_pretty(&document).unwrap()).unwrap();
    let back = specgen_codegen::spec::load_spec(&path).unwrap().api;
    let shape = |a: &specgen_ir::ir::Api| {
        a.operations
            .iter()
            .map(|o| {
                (
                    o.method,
                    o.path.clone(),
                    o.responses.iter().map(|r| r.status).collect::<Vec<_>>(),
                    o.params.len(),
                    o.body.is_some(),
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(shape(&back), shape(&api));
    let names =
        |a: &specgen_ir::ir::Api| a.types.iter().map(|t| t.name.clone()).collect::<Vec<_>>();
    assert!(names(&back).contains(&"PreauthStatus".to_owned()));
}

/// `check_answers` is what makes the sandbox tests trust the mock's stateful answers: an answer
/// that breaks its spec (here, by an injected fault) becomes a 500 that names the violation.
#[tokio::test]
async fn checked_answers_turn_a_breach_into_a_500_that_names_it() {
    let server = mock::serve(
        vec![specgen_tests::mock_fixture("preauth.yaml")],
        MockOptions {
            check_answers: true,
            faults: vec![mock::Fault {
                operation: "getPreauth".into(),
                kind: mock::FaultKind::DropRequiredField,
            }],
            ..MockOptions::default()
        },
    )
    .await
    .unwrap();
    let response = reqwest::Client::new()
        .get(format!("{}/onchain-preauth/INV-1", server.base_url()))
        .bearer_auth("t")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["violations"][0]["pointer"], "/transactionId", "{body}");
    server.shutdown().await.unwrap();
}
