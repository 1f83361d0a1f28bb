//! The generated Customer Orchestration client against a local HTTP server: it sends exactly the
//! documented request and maps every documented status, and an undocumented one, correctly.

use serde_json::json;
use specgen_apis::customer_orchestration::{Client, types};
use specgen_apis::runtime::Error;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const REQUEST_ID: &str = "2adba88e-9d63-44bc-b975-9b6ae3440dde";

fn request_body() -> types::CreatePartnerClientRequest {
    types::CreatePartnerClientRequest {
        client_name: "Acme Trust Co.".into(),
        country: types::CreatePartnerClientRequestCountry::new("US").unwrap(),
        client_type: types::CreatePartnerClientRequestClientType::Business,
        business_details: types::BusinessDetails {
            nature_of_business: types::BusinessDetailsNatureOfBusiness::PaymentProcessorPlatform,
            institution_type: types::BusinessDetailsInstitutionType::PrivateCo,
        },
    }
}

async fn server_answering(status: u16, body: serde_json::Value) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/partner/clients"))
        .respond_with(
            ResponseTemplate::new(status)
                .set_body_json(body)
                .insert_header("X-Request-Id", REQUEST_ID),
        )
        .expect(1)
        .mount(&server)
        .await;
    server
}

fn client(server: &MockServer) -> Client {
    Client::new(server.uri()).with_bearer_token("test-token")
}

#[tokio::test]
async fn sends_the_documented_request() {
    let server = server_answering(200, json!({"data": {}})).await;
    client(&server)
        .create_partner_client(None, &request_body())
        .await
        .unwrap();

    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request.method.as_str(), "POST");
    assert_eq!(request.url.path(), "/v1/partner/clients");
    assert_eq!(request.url.query(), None);
    let header = |name: &str| {
        request
            .headers
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
    };
    assert_eq!(
        header("authorization").as_deref(),
        Some("Bearer test-token")
    );
    assert_eq!(header("content-type").as_deref(), Some("application/json"));
    let key =
        uuid::Uuid::parse_str(&header("x-idempotency-key").expect("X-Idempotency-Key is sent"))
            .unwrap();
    assert_eq!(key.get_version_num(), 4, "the idempotency key is a UUID v4");
    let body: serde_json::Value = serde_json::from_slice(&request.body).unwrap();
    assert_eq!(
        body,
        json!({
            "clientName": "Acme Trust Co.",
            "country": "US",
            "clientType": "business",
            "businessDetails": {"natureOfBusiness": "paymentProcessorPlatform", "institutionType": "privateCo"}
        })
    );
}

#[tokio::test]
async fn each_call_gets_a_fresh_idempotency_key_unless_one_is_given() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .mount(&server)
        .await;
    let client = client(&server);
    let chosen = uuid::Uuid::new_v4();
    client
        .create_partner_client(None, &request_body())
        .await
        .unwrap();
    client
        .create_partner_client(None, &request_body())
        .await
        .unwrap();
    client
        .create_partner_client(Some(chosen), &request_body())
        .await
        .unwrap();
    let keys: Vec<String> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| {
            r.headers
                .get("x-idempotency-key")
                .unwrap()
                .to_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_ne!(keys[0], keys[1]);
    assert_eq!(keys[2], chosen.to_string());
}

#[tokio::test]
async fn maps_200_to_the_typed_body_status_and_request_id() {
    let server = server_answering(
        200,
        json!({"data": {"clientEntityId": "880e8400-e29b-41d4-a716-446655440099", "applicationId": "550e8400-e29b-41d4-a716-446655440000"}}),
    )
    .await;
    let response = client(&server)
        .create_partner_client(None, &request_body())
        .await
        .unwrap();
    assert_eq!(response.status, 200);
    assert_eq!(
        response.headers.x_request_id,
        Some(REQUEST_ID.parse().unwrap())
    );
    let data = response.body.data.unwrap();
    assert_eq!(
        data.application_id,
        Some("550e8400-e29b-41d4-a716-446655440000".parse().unwrap())
    );
    assert_eq!(
        data.client_entity_id,
        Some("880e8400-e29b-41d4-a716-446655440099".parse().unwrap())
    );
}

#[tokio::test]
async fn maps_401_403_and_409_to_typed_errors_with_request_id() {
    let cases = [
        (401, "Malformed authorization."),
        (403, "Forbidden"),
        (409, "A client with this name and country already exists."),
    ];
    for (status, message) in cases {
        let server = server_answering(status, json!({"code": status, "message": message})).await;
        let error = client(&server)
            .create_partner_client(None, &request_body())
            .await
            .unwrap_err();
        assert_eq!(error.status(), Some(status));
        let Error::Api(error) = error else {
            panic!("{status} must be a documented error, got {error:?}")
        };
        let request_id = Some(REQUEST_ID.parse().unwrap());
        match (status, error) {
            (401, types::CreatePartnerClientError::Unauthorized(r)) => {
                assert_eq!(
                    (r.body.code, r.body.message.as_str(), r.headers.x_request_id),
                    (401, message, request_id)
                );
            }
            (403, types::CreatePartnerClientError::Forbidden(r)) => {
                assert_eq!(
                    (r.body.code, r.body.message.as_str(), r.headers.x_request_id),
                    (403, message, request_id)
                );
            }
            (409, types::CreatePartnerClientError::Conflict(r)) => {
                assert_eq!(
                    (r.body.code, r.body.message.as_str(), r.headers.x_request_id),
                    (409, message, request_id)
                );
            }
            (status, other) => panic!("{status} mapped to the wrong variant: {other:?}"),
        }
    }
}

#[tokio::test]
async fn maps_an_undocumented_500_to_unexpected_response_with_the_raw_body() {
    let server = server_answering(500, json!({"oops": true})).await;
    // A 500 is retried by default (tests/client_runtime.rs); this test is about the mapping.
    match client(&server)
        .with_retry_policy(specgen_apis::runtime::RetryPolicy::none())
        .create_partner_client(None, &request_body())
        .await
    {
        Err(Error::UnexpectedResponse(r)) => {
            assert_eq!(r.status, 500);
            assert_eq!(r.body_text(), r#"{"oops":true}"#);
            assert_eq!(r.headers.get("x-request-id").unwrap(), REQUEST_ID);
        }
        other => panic!("expected UnexpectedResponse, got {other:?}"),
    }
}

#[tokio::test]
async fn a_documented_status_with_a_body_that_breaks_the_spec_is_an_invalid_response() {
    let server = server_answering(409, json!({"code": "not a number"})).await;
    match client(&server)
        .create_partner_client(None, &request_body())
        .await
    {
        Err(Error::InvalidResponse {
            status, message, ..
        }) => {
            assert_eq!(status, 409);
            assert!(message.contains("body"), "{message}");
        }
        other => panic!("expected InvalidResponse, got {other:?}"),
    }
}

#[test]
fn constrained_fields_reject_invalid_values_when_built_and_decoded() {
    assert!(types::CreatePartnerClientRequestCountry::new("USA").is_err());
    assert!(types::CreatePartnerClientRequestCountry::new("U").is_err());
    assert_eq!(
        types::CreatePartnerClientRequestCountry::new("DE")
            .unwrap()
            .as_str(),
        "DE"
    );
    let decoded: Result<types::CreatePartnerClientRequest, _> = serde_json::from_value(json!({
        "clientName": "x", "country": "USA", "clientType": "business",
        "businessDetails": {"natureOfBusiness": "trust", "institutionType": "trust"}
    }));
    assert!(
        decoded
            .unwrap_err()
            .to_string()
            .contains("length 3 is above the maximum 2")
    );
}

#[test]
fn enums_carry_every_documented_value() {
    assert_eq!(types::BusinessDetailsNatureOfBusiness::ALL.len(), 50);
    assert_eq!(types::BusinessDetailsInstitutionType::ALL.len(), 9);
    for value in types::BusinessDetailsNatureOfBusiness::ALL {
        let wire = serde_json::to_value(value).unwrap();
        assert_eq!(wire.as_str(), Some(value.as_str()));
        assert_eq!(
            value
                .as_str()
                .parse::<types::BusinessDetailsNatureOfBusiness>()
                .unwrap(),
            *value
        );
    }
}

#[test]
fn servers_become_constructors() {
    assert_eq!(
        Client::sandbox().base_url(),
        "https://api-sandbox.circle.com"
    );
    assert_eq!(Client::production().base_url(), "https://api.circle.com");
}
