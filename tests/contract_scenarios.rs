//! The documented scenarios through the generated client, against the in-process stateful mock:
//! what a user's own tests of code that uses the client look like.

use specgen_apis::customer_orchestration::{Client, types};
use specgen_apis::runtime::Error;
use specgen_kit::mock::{self, MockOptions, MockServer};
use specgen_tests::spec_api;

async fn sandbox() -> MockServer {
    mock::serve(
        vec![spec_api("customer_orchestration")],
        MockOptions {
            stateful: true,
            ..MockOptions::default()
        },
    )
    .await
    .unwrap()
}

fn request(name: &str) -> types::CreatePartnerClientRequest {
    types::CreatePartnerClientRequest {
        client_name: name.into(),
        country: types::CreatePartnerClientRequestCountry::new("US").unwrap(),
        client_type: types::CreatePartnerClientRequestClientType::Business,
        business_details: types::BusinessDetails {
            nature_of_business: types::BusinessDetailsNatureOfBusiness::Trust,
            institution_type: types::BusinessDetailsInstitutionType::Trust,
        },
    }
}

#[tokio::test]
async fn creating_the_same_client_twice_is_a_typed_conflict() {
    let server = sandbox().await;
    let client = Client::new(server.base_url()).with_bearer_token("t");
    let created = client
        .create_partner_client(None, &request("Acme Trust Co."))
        .await
        .unwrap();
    let data = created.body.data.unwrap();
    assert!(data.application_id.is_some() && data.client_entity_id.is_some());
    assert!(created.headers.x_request_id.is_some());

    match client
        .create_partner_client(None, &request("Acme Trust Co."))
        .await
    {
        Err(Error::Api(types::CreatePartnerClientError::Conflict(conflict))) => {
            assert_eq!(conflict.status, 409);
            assert_eq!(conflict.body.code, 409);
            assert!(
                conflict.body.message.contains("Acme Trust Co."),
                "{:?}",
                conflict.body
            );
            assert!(conflict.headers.x_request_id.is_some());
        }
        other => panic!("expected a typed 409 Conflict, got {other:?}"),
    }
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn retrying_with_the_same_idempotency_key_returns_the_same_client() {
    let server = sandbox().await;
    let client = Client::new(server.base_url()).with_bearer_token("t");
    let key = uuid::Uuid::new_v4();
    let first = client
        .create_partner_client(Some(key), &request("Retry Ltd"))
        .await
        .unwrap();
    let retry = client
        .create_partner_client(Some(key), &request("Retry Ltd"))
        .await
        .unwrap();
    assert_eq!(retry.body, first.body);
    assert_eq!(retry.header("idempotent-replayed"), Some("true"));
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_missing_token_is_a_typed_unauthorized() {
    let server = sandbox().await;
    let client = Client::new(server.base_url());
    match client.create_partner_client(None, &request("x")).await {
        Err(Error::Api(types::CreatePartnerClientError::Unauthorized(r))) => {
            assert_eq!(r.body.code, 401)
        }
        other => panic!("expected a typed 401, got {other:?}"),
    }
    server.shutdown().await.unwrap();
}
